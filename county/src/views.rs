//! The county's views, kept from each event inside the transaction that stores it. Only what
//! the events really carry is derived:
//! - `ticket_issued` (ticket, number, queue, matter, time): the day's tickets issued;
//! - `ticket_called` (first call): the waiting time from the issue, on the ticket's day;
//! - `ticket_finished`: served that day, and the service time from the ticket's last call to
//!   the finish (the start of service is not in the events: the walk to the window is in it);
//! - `ticket_no_show`: no-shows that day (a requeued ticket may count twice);
//! - `window_status`: each window's last status;
//! - `queue_changed`: each queue's waiting count and since when its longest wait runs (the
//!   event has no time of its own: it is the time of the event it follows in the same write);
//! - `case_changed`: each case's kind, state and deadline.
//!
//! A ticket issued before a gap is unknown: its wait and service time are left out, never
//! counted as zero.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_json::Value;
use tokio_postgres::Transaction;

/// What one follower carries from event to event.
#[derive(Debug, Default, Clone)]
pub struct Carry {
    /// The time of the last event that had one (for `queue_changed`, which has none).
    pub last_at: Option<DateTime<FixedOffset>>,
    /// The hall's last `events_missed` signal (after, next), until the next event.
    pub missed: Option<(i64, i64)>,
}

pub fn at_of(v: &Value) -> Option<DateTime<FixedOffset>> {
    v.get("at").and_then(Value::as_str).and_then(|s| DateTime::parse_from_rfc3339(s).ok())
}

fn text<'a>(v: &'a Value, f: &str) -> Option<&'a str> {
    v.get(f).and_then(Value::as_str)
}

fn int(v: &Value, f: &str) -> Option<i64> {
    v.get(f).and_then(Value::as_i64)
}

/// Adds to a day's figures (the row made when missing).
async fn add_day(tx: &Transaction<'_>, hall: &str, day: NaiveDate, column: &str, n: i64) -> anyhow::Result<()> {
    // `column` is one of ours, never the hall's data.
    let sql = format!(
        "INSERT INTO hall_days (hall_id, day, {column}) VALUES ($1, $2, $3)
         ON CONFLICT (hall_id, day) DO UPDATE SET {column} = hall_days.{column} + EXCLUDED.{column}"
    );
    let n32 = n as i32;
    if column.ends_with("_sum") {
        tx.execute(&sql, &[&hall, &day, &n]).await?;
    } else {
        tx.execute(&sql, &[&hall, &day, &n32]).await?;
    }
    Ok(())
}

/// Applies one stored event to the views.
pub async fn apply(
    tx: &Transaction<'_>,
    hall: &str,
    kind: &str,
    data: &Value,
    carry: &mut Carry,
) -> anyhow::Result<()> {
    let at = at_of(data);
    if at.is_some() {
        carry.last_at = at;
    }
    match kind {
        "ticket_issued" => {
            let (Some(id), Some(number), Some(queue), Some(at)) =
                (int(data, "ticket_id"), text(data, "number"), text(data, "queue"), at)
            else {
                return Ok(());
            };
            let day = at.date_naive();
            let inserted = tx
                .execute(
                    "INSERT INTO tickets (hall_id, ticket_id, day, number, queue, service_id, issued_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                    &[&hall, &id, &day, &number, &queue, &text(data, "service_id"), &at],
                )
                .await?;
            if inserted == 1 {
                add_day(tx, hall, day, "issued", 1).await?;
            }
        }
        "ticket_called" => {
            let (Some(id), Some(at)) = (int(data, "ticket_id"), at) else { return Ok(()) };
            let row = tx
                .query_opt(
                    "SELECT day, issued_at, first_called_at IS NULL FROM tickets WHERE hall_id = $1 AND ticket_id = $2",
                    &[&hall, &id],
                )
                .await?;
            let Some(row) = row else { return Ok(()) };
            let (day, issued, first): (NaiveDate, DateTime<chrono::Utc>, bool) = (row.get(0), row.get(1), row.get(2));
            tx.execute(
                "UPDATE tickets SET first_called_at = COALESCE(first_called_at, $3), last_called_at = $3
                 WHERE hall_id = $1 AND ticket_id = $2",
                &[&hall, &id, &at],
            )
            .await?;
            if first {
                let wait = (at.to_utc() - issued).num_seconds().max(0);
                add_day(tx, hall, day, "wait_seconds_sum", wait).await?;
                add_day(tx, hall, day, "wait_count", 1).await?;
            }
        }
        "ticket_finished" => {
            let (Some(id), Some(at)) = (int(data, "ticket_id"), at) else { return Ok(()) };
            let day = at.date_naive();
            add_day(tx, hall, day, "served", 1).await?;
            let called = tx
                .query_opt(
                    "UPDATE tickets SET finished_at = $3 WHERE hall_id = $1 AND ticket_id = $2 RETURNING last_called_at",
                    &[&hall, &id, &at],
                )
                .await?
                .and_then(|r| r.get::<_, Option<DateTime<chrono::Utc>>>(0));
            if let Some(called) = called {
                add_day(tx, hall, day, "service_seconds_sum", (at.to_utc() - called).num_seconds().max(0)).await?;
                add_day(tx, hall, day, "service_count", 1).await?;
            }
        }
        "ticket_no_show" => {
            if let Some(at) = at {
                add_day(tx, hall, at.date_naive(), "no_show", 1).await?;
            }
        }
        "window_status" => {
            let (Some(window), Some(status)) = (text(data, "window_id"), text(data, "status")) else { return Ok(()) };
            tx.execute(
                "INSERT INTO windows (hall_id, window_id, status, at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (hall_id, window_id) DO UPDATE SET status = EXCLUDED.status, at = EXCLUDED.at",
                &[&hall, &window, &status, &at],
            )
            .await?;
        }
        "queue_changed" => {
            let (Some(queue), Some(waiting), Some(at)) = (text(data, "queue"), int(data, "waiting"), carry.last_at)
            else {
                return Ok(());
            };
            let oldest = int(data, "oldest_wait_minutes").unwrap_or(0);
            let since = (waiting > 0).then(|| at - chrono::Duration::minutes(oldest));
            tx.execute(
                "INSERT INTO queues (hall_id, queue, day, waiting, oldest_since, at) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (hall_id, queue) DO UPDATE SET day = EXCLUDED.day, waiting = EXCLUDED.waiting,
                     oldest_since = EXCLUDED.oldest_since, at = EXCLUDED.at",
                &[&hall, &queue, &at.date_naive(), &(waiting as i32), &since, &at],
            )
            .await?;
        }
        "case_changed" => {
            let (Some(number), Some(kind), Some(state), Some(window)) =
                (text(data, "number"), text(data, "kind"), text(data, "state"), text(data, "window_id"))
            else {
                return Ok(());
            };
            let deadline = text(data, "deadline").and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            tx.execute(
                "INSERT INTO cases (hall_id, number, kind, state, deadline, window_id, at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (hall_id, number) DO UPDATE SET kind = EXCLUDED.kind, state = EXCLUDED.state,
                     deadline = EXCLUDED.deadline, window_id = EXCLUDED.window_id, at = EXCLUDED.at",
                &[&hall, &number, &kind, &state, &deadline, &window, &at],
            )
            .await?;
        }
        _ => {}
    }
    Ok(())
}
