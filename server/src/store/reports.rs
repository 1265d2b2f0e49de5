//! The rows a report reads: every ticket of a date range with its case, and every rating given
//! in it, on a read-only connection (slices of the `(day, number)` and `(day, window_id)`
//! indexes).

use chrono::{NaiveDate, TimeZone, Timelike};
use std::collections::HashMap;

use rusqlite::Connection;

use crate::domain::report::{self, End, Fact};
use crate::domain::{rating::Level, Outcome};
use crate::hall::Hall;
use crate::store::tickets;

/// Every ticket issued on days `from..=to` and every rating given on them, as a report's facts
/// (dates in the hall's zone). A rating counts on its own day (by hour, with its ticket's issue
/// hour), as the 好差评 summary counts it:
/// a ticket of 31 December rated on 2 January is January's, and a month's report or assessment,
/// once read, does not change after it.
pub fn facts(
    conn: &Connection,
    hall: &Hall,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> rusqlite::Result<Vec<Fact>> {
    let tz = hall.timezone;
    let as_of = to.succ_opt().map_or(today, |after| after.min(today));
    let local = |ms: i64| tz.timestamp_millis_opt(ms).single();
    let minutes = |a: Option<i64>, b: Option<i64>| match (a, b) {
        (Some(a), Some(b)) if b >= a => Some((b - a) as f64 / 60_000.0),
        _ => None,
    };
    // The legs that ended in a transfer (转办), each a fact of its window and clerk; and of each
    // ticket sent on, when its last transfer was (its last wait began then).
    let mut stmt = conn.prepare_cached(
        "SELECT l.ticket_id, l.leg, t.issued_at, l.queue, l.service_id, l.window_id, l.clerk, l.waited_from,
                l.called_at, l.started_at, l.sent_at
         FROM ticket_legs l JOIN tickets t ON t.id = l.ticket_id
         WHERE l.day BETWEEN ?1 AND ?2 ORDER BY l.ticket_id, l.leg",
    )?;
    let mut last_sent: HashMap<i64, i64> = HashMap::new();
    let mut facts: Vec<Fact> = Vec::new();
    let mut rows = stmt.query([from.to_string(), to.to_string()])?;
    while let Some(r) = rows.next()? {
        let (ticket, leg, issued_at, sent_at): (i64, u32, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(10)?);
        // The ticket's first kept leg is where it was issued; legs before it (sent on before
        // legs were kept) count as transfers of unknown window.
        let first = last_sent.insert(ticket, sent_at).is_none();
        let called: Option<i64> = r.get(8)?;
        facts.push(Fact {
            day: local(issued_at).map(|t| t.date_naive()).unwrap_or(from),
            hour: local(issued_at).map(|t| t.hour()).unwrap_or(0),
            queue: r.get(3)?,
            service_id: r.get(4)?,
            window_id: Some(r.get(5)?),
            clerk: r.get(6)?,
            end: End::Other,
            issued: first,
            sent_on: true,
            sent_unkept: if first { leg - 1 } else { 0 },
            wait: minutes(Some(r.get(7)?), called),
            service: minutes(r.get::<_, Option<i64>>(9)?.or(called), Some(sent_at)),
            case: None,
            over_on_the_spot: false,
            on_time: report::OnTime::NotDue,
            rating: None,
            queued: true,
        });
    }
    drop(rows);
    let mut stmt = conn.prepare_cached(
        "SELECT t.issued_at, t.queue, t.service_id, t.window_id, t.status, t.transfers, t.queued_at, t.called_at,
                t.started_at, t.finished_at, COALESCE(c.clerk, v.clerk), c.kind, c.deadline, c.closed_at, t.device,
                t.outcome_detail = ?3, t.id, c.spot_minutes
         FROM tickets t LEFT JOIN cases c ON c.ticket_id = t.id LEFT JOIN case_visits v ON v.ticket_id = t.id
         WHERE t.day BETWEEN ?1 AND ?2",
    )?;
    let rows = stmt.query_map([from.to_string(), to.to_string(), tickets::DAY_CLOSED.to_string()], |r| {
        let issued_at: i64 = r.get(0)?;
        let status: String = r.get(4)?;
        // A ticket sent on: its first leg was issued (above), and its last wait began at the last
        // transfer. One sent on before legs were kept: its transfers count in the hall, matter,
        // queue and hour only (the row holds the window and clerk that received it).
        let sent = last_sent.get(&r.get::<_, i64>(16)?).copied();
        let sent_unkept = if sent.is_none() { r.get(5)? } else { 0 };
        let (queued, called, started, finished): (i64, Option<i64>, Option<i64>, Option<i64>) =
            (r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?);
        // A ticket the day-close step ended (left at a window, nobody finished it) was not
        // served: no service time of hours, no count for the window or clerk.
        let day_closed = r.get::<_, Option<bool>>(15)?.unwrap_or(false);
        let end = match status.as_str() {
            "done" if !day_closed => End::Served,
            "no_show" => End::NoShow,
            _ => End::Other,
        };
        let deadline: Option<String> = r.get(12)?;
        let deadline = deadline.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
        let closed_on = r.get::<_, Option<i64>>(13)?.and_then(local).map(|t| t.date_naive());
        let service = if end == End::Served { minutes(started.or(called), finished) } else { None };
        let case = r.get::<_, Option<String>>(11)?.and_then(|k| Outcome::parse(&k));
        // The minutes in force when the case was registered (none kept before R7 was).
        let spot_minutes: Option<u32> = r.get(17)?;
        Ok(Fact {
            day: local(issued_at).map(|t| t.date_naive()).unwrap_or(from),
            hour: local(issued_at).map(|t| t.hour()).unwrap_or(0),
            queue: r.get(1)?,
            over_on_the_spot: spot_minutes.is_some_and(|m| report::over_on_the_spot(case, service, m)),
            service_id: r.get(2)?,
            window_id: r.get(3)?,
            clerk: r.get(10)?,
            end,
            issued: sent.is_none() && r.get::<_, String>(14)? != tickets::VILLAGE_DEVICE,
            sent_on: false,
            sent_unkept,
            wait: minutes(Some(sent.unwrap_or(queued)), called),
            service,
            case,
            // As the case stood when the period ended (today while it runs): a past month's
            // report reads the same whatever day it is printed, and agrees with its assessment.
            on_time: report::on_time(deadline, closed_on.filter(|c| *c <= to), as_of),
            rating: None,
            queued: r.get::<_, String>(14)? != tickets::VILLAGE_DEVICE,
        })
    })?;
    for f in rows {
        facts.push(f?);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT r.day, t.issued_at, t.queue, r.service_id, r.window_id, r.clerk, r.level
         FROM ratings r JOIN tickets t ON t.id = r.ticket_id
         WHERE r.day BETWEEN ?1 AND ?2",
    )?;
    let ratings = stmt.query_map([from.to_string(), to.to_string()], |r| {
        let day: String = r.get(0)?;
        Ok(Fact {
            day: NaiveDate::parse_from_str(&day, "%Y-%m-%d").unwrap_or(from),
            // By hour, a rating counts with the hour its ticket was issued (the day's load).
            hour: local(r.get(1)?).map(|t| t.hour()).unwrap_or(0),
            queue: r.get(2)?,
            service_id: r.get(3)?,
            window_id: Some(r.get(4)?),
            clerk: Some(r.get(5)?),
            end: End::Other,
            issued: false,
            sent_on: false,
            sent_unkept: 0,
            wait: None,
            service: None,
            case: None,
            over_on_the_spot: false,
            on_time: report::OnTime::NotDue,
            rating: Level::from_rank(r.get(6)?),
            queued: false,
        })
    })?;
    for f in ratings {
        facts.push(f?);
    }
    Ok(facts)
}
