//! The county's views, kept from each event inside the transaction that stores it. Only what
//! the events really carry is derived:
//! - `ticket_issued` (ticket, number, queue, matter, time): the day's tickets issued;
//! - `ticket_called`: the waiting time from the issue, on the ticket's day, or after a transfer
//!   from the transfer, under the new matter; called again after being put back in the queue,
//!   the wait runs to this call instead (a recall is no new call: the service runs from the call
//!   before it, as at the hall);
//! - `ticket_finished`: served that day, and the service time from the ticket's call (its last, recalls aside) to
//!   the finish (the start of service is not in the events: the walk to the window is in it);
//! - `ticket_no_show`: no-shows that day; `ticket_requeued` takes a standing no-show back (put
//!   back in the queue, the citizen is served or not as any waiting ticket, as the hall counts)
//!   and the wait counted at the call it undoes (counted again at the next call, if any);
//! - `window_status`: each window's last status;
//! - `queue_changed`: each queue's waiting count and since when its longest wait runs (the
//!   event has no time of its own: it is the time of the event it follows in the same write);
//! - `case_changed`: each case's kind, state and deadline, the day the county saw it registered
//!   and the day it closed;
//! - `ticket_transferred`: the ticket's matter from then on, and the service time of the leg
//!   it ends (from its call to the transfer) under the matter it leaves;
//! - `rating_given`: the day's ratings by level, per hall and per matter;
//! - `feedback_changed` about a complaint: complaints received and closed that day.
//!
//! The ticket figures are kept per hall and day (`hall_days`) and per hall, day and matter
//! (`matter_days`, matter '' when the ticket was issued before a gap).
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

/// Adds to a day's figures of one matter (the row made when missing).
async fn add_matter(
    tx: &Transaction<'_>,
    hall: &str,
    day: NaiveDate,
    matter: &str,
    column: &str,
    n: i64,
) -> anyhow::Result<()> {
    let sql = format!(
        "INSERT INTO matter_days (hall_id, day, service_id, {column}) VALUES ($1, $2, $3, $4)
         ON CONFLICT (hall_id, day, service_id) DO UPDATE SET {column} = matter_days.{column} + EXCLUDED.{column}"
    );
    if column.ends_with("_sum") {
        tx.execute(&sql, &[&hall, &day, &matter, &n]).await?;
    } else {
        tx.execute(&sql, &[&hall, &day, &matter, &(n as i32)]).await?;
    }
    Ok(())
}

/// Adds to the hall's day and to the matter's.
async fn add_both(
    tx: &Transaction<'_>,
    hall: &str,
    day: NaiveDate,
    matter: &str,
    column: &str,
    n: i64,
) -> anyhow::Result<()> {
    add_day(tx, hall, day, column, n).await?;
    add_matter(tx, hall, day, matter, column, n).await
}

/// A rating level's column (the hall's levels, best first); `None` for a level we do not know.
pub fn level_column(level: &str) -> Option<&'static str> {
    LEVELS.iter().copied().find(|l| *l == level)
}

/// The five levels, best first, as the hall spells them (and the columns that count them).
pub const LEVELS: [&str; 5] =
    ["very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied"];

/// The hall's satisfaction (R17, the hall's `domain::rating::satisfaction`): (非常满意 + 满意 +
/// 基本满意) / rated; `None` when nothing was rated.
pub fn satisfaction(levels: [i64; 5]) -> Option<f64> {
    let rated: i64 = levels.iter().sum();
    (rated > 0).then(|| (levels[0] + levels[1] + levels[2]) as f64 / rated as f64)
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
            // The same ticket told again is nothing new; another ticket under an id the county
            // knows (a hall restored from a backup gives its ids out again) is a new ticket.
            let inserted = tx
                .execute(
                    "INSERT INTO tickets (hall_id, ticket_id, day, number, queue, service_id, issued_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (hall_id, ticket_id) DO UPDATE SET day = EXCLUDED.day, number = EXCLUDED.number,
                         queue = EXCLUDED.queue, service_id = EXCLUDED.service_id, issued_at = EXCLUDED.issued_at,
                         first_called_at = NULL, last_called_at = NULL, finished_at = NULL, no_show_on = NULL,
                         transferred_at = NULL, wait_counted_s = NULL
                     WHERE tickets.issued_at <> EXCLUDED.issued_at",
                    &[&hall, &id, &day, &number, &queue, &text(data, "service_id"), &at],
                )
                .await?;
            if inserted == 1 {
                add_both(tx, hall, day, text(data, "service_id").unwrap_or(""), "issued", 1).await?;
            }
        }
        "ticket_called" => {
            let (Some(id), Some(at)) = (int(data, "ticket_id"), at) else { return Ok(()) };
            let row = tx
                .query_opt(
                    "SELECT day, issued_at, first_called_at IS NULL, COALESCE(service_id, ''), transferred_at,
                            wait_counted_s
                     FROM tickets WHERE hall_id = $1 AND ticket_id = $2",
                    &[&hall, &id],
                )
                .await?;
            let Some(row) = row else { return Ok(()) };
            let (day, issued, first): (NaiveDate, DateTime<chrono::Utc>, bool) = (row.get(0), row.get(1), row.get(2));
            let (matter, sent, counted): (String, Option<DateTime<chrono::Utc>>, Option<i64>) =
                (row.get(3), row.get(4), row.get(5));
            // A recall calls the same citizen again: the hall times the service from the call
            // before it, and so does the county.
            if data.get("recall").and_then(Value::as_bool) == Some(true) {
                return Ok(());
            }
            // A leg waits from the transfer that began it, or else from the issue, until its last
            // call: a ticket put back in the queue (a no-show who came back, a window whose clerk
            // left) and called again waits until then, as the hall counts it. A ticket called
            // before this version kept no counted wait: its first call's stays as counted.
            let wait = (at.to_utc() - sent.unwrap_or(issued)).num_seconds().max(0);
            let known = counted.is_some() || first || sent.is_some();
            tx.execute(
                "UPDATE tickets SET first_called_at = COALESCE(first_called_at, $3), last_called_at = $3,
                     wait_counted_s = CASE WHEN $4 THEN $5 ELSE wait_counted_s END
                 WHERE hall_id = $1 AND ticket_id = $2",
                &[&hall, &id, &at, &known, &wait],
            )
            .await?;
            match (known, counted) {
                (true, Some(before)) => add_both(tx, hall, day, &matter, "wait_seconds_sum", wait - before).await?,
                (true, None) => {
                    add_both(tx, hall, day, &matter, "wait_seconds_sum", wait).await?;
                    add_both(tx, hall, day, &matter, "wait_count", 1).await?;
                }
                (false, _) => {}
            }
        }
        "ticket_finished" => {
            let (Some(id), Some(at)) = (int(data, "ticket_id"), at) else { return Ok(()) };
            let day = at.date_naive();
            let row = tx
                .query_opt(
                    "UPDATE tickets SET finished_at = $3 WHERE hall_id = $1 AND ticket_id = $2
                     RETURNING last_called_at, COALESCE(service_id, '')",
                    &[&hall, &id, &at],
                )
                .await?;
            let called = row.as_ref().and_then(|r| r.get::<_, Option<DateTime<chrono::Utc>>>(0));
            let matter: String = row.map(|r| r.get(1)).unwrap_or_default();
            add_both(tx, hall, day, &matter, "served", 1).await?;
            if let Some(called) = called {
                let secs = (at.to_utc() - called).num_seconds().max(0);
                add_both(tx, hall, day, &matter, "service_seconds_sum", secs).await?;
                add_both(tx, hall, day, &matter, "service_count", 1).await?;
            }
        }
        "ticket_no_show" => {
            if let Some(at) = at {
                let day = at.date_naive();
                let matter = match int(data, "ticket_id") {
                    Some(id) => tx
                        .query_opt(
                            "UPDATE tickets SET no_show_on = $3 WHERE hall_id = $1 AND ticket_id = $2
                             RETURNING COALESCE(service_id, '')",
                            &[&hall, &id, &day],
                        )
                        .await?
                        .map(|r| r.get(0))
                        .unwrap_or_default(),
                    None => String::new(),
                };
                add_both(tx, hall, day, &matter, "no_show", 1).await?;
            }
        }
        "ticket_requeued" => {
            // Back in the queue, uncalled: the hall counts no wait until the ticket is called
            // again, so the wait counted at the undone call is taken back (and counted anew at
            // the next call); a standing no-show is one no more (a ticket a window gave back was
            // no no-show).
            let Some(id) = int(data, "ticket_id") else { return Ok(()) };
            let row = tx
                .query_opt(
                    "UPDATE tickets t SET no_show_on = NULL, wait_counted_s = NULL,
                         first_called_at = CASE WHEN old.wait_counted_s IS NULL THEN t.first_called_at END
                     FROM tickets old
                     WHERE t.hall_id = $1 AND t.ticket_id = $2 AND old.hall_id = t.hall_id
                       AND old.ticket_id = t.ticket_id
                     RETURNING old.no_show_on, COALESCE(old.service_id, ''), old.day, old.wait_counted_s",
                    &[&hall, &id],
                )
                .await?;
            let Some(row) = row else { return Ok(()) };
            let (no_show_on, matter, day, counted): (Option<NaiveDate>, String, NaiveDate, Option<i64>) =
                (row.get(0), row.get(1), row.get(2), row.get(3));
            if let Some(no_show_on) = no_show_on {
                add_both(tx, hall, no_show_on, &matter, "no_show", -1).await?;
            }
            // A wait counted before this version is not known here: it stays.
            if let Some(counted) = counted {
                add_both(tx, hall, day, &matter, "wait_seconds_sum", -counted).await?;
                add_both(tx, hall, day, &matter, "wait_count", -1).await?;
            }
        }
        "ticket_transferred" => {
            // The ticket now waits for its new matter, as the hall's own report counts each leg
            // where it happened: the issue and first wait stay with the matter it was issued
            // for; the leg it ends is a service under the matter it leaves; its wait from now
            // and its last service count under the matter that finishes it.
            let (Some(id), Some(matter)) = (int(data, "ticket_id"), text(data, "service_id")) else { return Ok(()) };
            let row = tx
                .query_opt(
                    "SELECT COALESCE(service_id, ''), last_called_at FROM tickets
                     WHERE hall_id = $1 AND ticket_id = $2 FOR UPDATE",
                    &[&hall, &id],
                )
                .await?;
            let Some(row) = row else { return Ok(()) };
            let (left, called): (String, Option<DateTime<chrono::Utc>>) = (row.get(0), row.get(1));
            tx.execute(
                "UPDATE tickets SET service_id = $3, transferred_at = $4, last_called_at = NULL, wait_counted_s = NULL
                 WHERE hall_id = $1 AND ticket_id = $2",
                &[&hall, &id, &matter, &at],
            )
            .await?;
            if let (Some(called), Some(at)) = (called, at) {
                let secs = (at.to_utc() - called).num_seconds().max(0);
                add_both(tx, hall, at.date_naive(), &left, "service_seconds_sum", secs).await?;
                add_both(tx, hall, at.date_naive(), &left, "service_count", 1).await?;
            }
        }
        "rating_given" => {
            let (Some(column), Some(at)) = (text(data, "level").and_then(level_column), at) else { return Ok(()) };
            add_both(tx, hall, at.date_naive(), text(data, "service_id").unwrap_or(""), column, 1).await?;
        }
        "feedback_changed" => {
            let column = match (text(data, "subject"), text(data, "action")) {
                (Some("complaint"), Some("received")) => "complaints_received",
                (Some("complaint"), Some("closed")) => "complaints_closed",
                _ => return Ok(()),
            };
            // The day the hall counts it on (a letter's day it came), else the event's.
            let day = text(data, "day").and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            if let Some(day) = day.or(at.map(|a| a.date_naive())) {
                add_day(tx, hall, day, column, 1).await?;
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
            // A queue's longest wait is within its day: anything else is not believed (nor
            // allowed to overflow the time arithmetic and stop the follower).
            let oldest = int(data, "oldest_wait_minutes").filter(|m| (0..=24 * 60).contains(m));
            let since = oldest
                .filter(|_| waiting > 0)
                .and_then(chrono::TimeDelta::try_minutes)
                .and_then(|d| at.checked_sub_signed(d));
            tx.execute(
                "INSERT INTO queues (hall_id, queue, day, waiting, oldest_since, at) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (hall_id, queue) DO UPDATE SET day = EXCLUDED.day, waiting = EXCLUDED.waiting,
                     oldest_since = EXCLUDED.oldest_since, at = EXCLUDED.at",
                &[&hall, &queue, &at.date_naive(), &(waiting as i32), &since, &at],
            )
            .await?;
        }
        // A closed case's file archived (R17), an objection answered (R4) or a visit tells the
        // county nothing of the case: its close was told when it closed (one closed before the
        // hall's link would get that step's day).
        "case_changed" if matches!(text(data, "action"), Some("archived" | "objection_answered" | "visited")) => {}
        "case_changed" => {
            let (Some(number), Some(kind), Some(state), Some(window)) =
                (text(data, "number"), text(data, "kind"), text(data, "state"), text(data, "window_id"))
            else {
                return Ok(());
            };
            let deadline = text(data, "deadline").and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            let day = at.map(|a| a.date_naive());
            // Opened: the day the county saw it registered (a case first seen later is left out).
            let opened = day.filter(|_| text(data, "action") == Some("registered"));
            let closed = day.filter(|_| state == "closed");
            let matter = text(data, "service_id");
            tx.execute(
                "INSERT INTO cases (hall_id, number, kind, state, deadline, window_id, at, opened_on, closed_on, service_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 ON CONFLICT (hall_id, number) DO UPDATE SET kind = EXCLUDED.kind, state = EXCLUDED.state,
                     deadline = EXCLUDED.deadline, window_id = EXCLUDED.window_id, at = EXCLUDED.at,
                     opened_on = COALESCE(cases.opened_on, EXCLUDED.opened_on),
                     closed_on = CASE WHEN EXCLUDED.state = 'closed' THEN COALESCE(cases.closed_on, EXCLUDED.closed_on) END,
                     service_id = COALESCE(EXCLUDED.service_id, cases.service_id)",
                &[&hall, &number, &kind, &state, &deadline, &window, &at, &opened, &closed, &matter],
            )
            .await?;
        }
        _ => {}
    }
    Ok(())
}
