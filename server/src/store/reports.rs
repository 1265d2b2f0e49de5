//! The rows a report reads: every ticket of a date range with its case, and every rating given
//! in it, on a read-only connection (slices of the `(day, number)` and `(day, window_id)`
//! indexes).

use chrono::{NaiveDate, TimeZone, Timelike};
use rusqlite::Connection;

use crate::domain::report::{self, End, Fact};
use crate::domain::{rating::Level, Outcome};
use crate::store::tickets;

/// Every ticket issued on days `from..=to` and every rating given on them, as a report's facts
/// (dates in the hall's zone). A rating counts on its own day (by hour, with its ticket's issue
/// hour), as the 好差评 summary counts it:
/// a ticket of 31 December rated on 2 January is January's, and a month's report or assessment,
/// once read, does not change after it.
pub fn facts(
    conn: &Connection,
    tz: chrono_tz::Tz,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> rusqlite::Result<Vec<Fact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.issued_at, t.queue, t.service_id, t.window_id, t.status, t.transfers, t.queued_at, t.called_at,
                t.started_at, t.finished_at, c.clerk, c.kind, c.deadline, c.closed_at, t.device,
                t.outcome_detail = ?3
         FROM tickets t LEFT JOIN cases c ON c.ticket_id = t.id
         WHERE t.day BETWEEN ?1 AND ?2",
    )?;
    let local = |ms: i64| tz.timestamp_millis_opt(ms).single();
    let minutes = |a: Option<i64>, b: Option<i64>| match (a, b) {
        (Some(a), Some(b)) if b >= a => Some((b - a) as f64 / 60_000.0),
        _ => None,
    };
    let rows = stmt.query_map([from.to_string(), to.to_string(), tickets::DAY_CLOSED.to_string()], |r| {
        let issued_at: i64 = r.get(0)?;
        let status: String = r.get(4)?;
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
        Ok(Fact {
            day: local(issued_at).map(|t| t.date_naive()).unwrap_or(from),
            hour: local(issued_at).map(|t| t.hour()).unwrap_or(0),
            queue: r.get(1)?,
            service_id: r.get(2)?,
            window_id: r.get(3)?,
            clerk: r.get(10)?,
            end,
            transferred: r.get::<_, i64>(5)? > 0,
            wait: minutes(Some(queued), called),
            service: if end == End::Served { minutes(started.or(called), finished) } else { None },
            case: r.get::<_, Option<String>>(11)?.and_then(|k| Outcome::parse(&k)),
            on_time: report::on_time(deadline, closed_on, today),
            rating: None,
            queued: r.get::<_, String>(14)? != tickets::VILLAGE_DEVICE,
        })
    })?;
    let mut facts: Vec<Fact> = rows.collect::<rusqlite::Result<_>>()?;
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
            transferred: false,
            wait: None,
            service: None,
            case: None,
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
