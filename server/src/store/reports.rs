//! The rows a report reads: every ticket of a date range with its case and rating, on a
//! read-only connection (the range is a slice of the `(day, number)` index).

use chrono::{NaiveDate, TimeZone, Timelike};
use rusqlite::Connection;

use crate::domain::report::{self, End, Fact};
use crate::domain::{rating::Level, Outcome};
use crate::store::tickets;

/// Every ticket issued on days `from..=to`, as a report's facts (dates in the hall's zone).
pub fn facts(
    conn: &Connection,
    tz: chrono_tz::Tz,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> rusqlite::Result<Vec<Fact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.issued_at, t.queue, t.service_id, t.window_id, t.status, t.transfers, t.queued_at, t.called_at,
                t.started_at, t.finished_at, c.clerk, c.kind, c.deadline, c.closed_at, r.level, t.device,
                t.outcome_detail = ?3
         FROM tickets t LEFT JOIN cases c ON c.ticket_id = t.id LEFT JOIN ratings r ON r.ticket_id = t.id
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
        let day_closed = r.get::<_, Option<bool>>(16)?.unwrap_or(false);
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
            rating: r.get::<_, Option<i64>>(14)?.and_then(Level::from_rank),
            queued: r.get::<_, String>(15)? != tickets::VILLAGE_DEVICE,
        })
    })?;
    rows.collect()
}
