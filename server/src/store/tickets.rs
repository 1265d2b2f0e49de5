//! The tickets table: numbering, the waiting heads a window chooses from, and updates.

use crate::store::{exec, query_one};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use std::collections::HashMap;

use crate::domain::order::Head;
use crate::domain::{Outcome, Priority, TicketStatus};
use crate::store::from_ms;

#[derive(Debug, Clone, PartialEq)]
pub struct TicketRow {
    pub id: i64,
    pub day: String,
    pub queue: String,
    pub seq: u32,
    pub number: String,
    pub service_id: String,
    pub priority: Option<Priority>,
    pub status: TicketStatus,
    pub issued_at: i64,
    pub queued_at: i64,
    pub called_at: Option<i64>,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub window_id: Option<String>,
    pub target_window: Option<String>,
    pub first_window_id: Option<String>,
    pub outcome: Option<Outcome>,
    pub device: String,
    pub requeues: u32,
    pub transfers: u32,
    /// 0 priority, 2 booked on time (预约), 1 ordinary: the class the ticket waits in.
    pub prio_rank: i64,
    /// The slot's start (ms) of a ticket checked in on time for a booking.
    pub booked_slot: Option<i64>,
}

const COLUMNS: &str = "id, day, queue, seq, number, service_id, priority, status, issued_at, queued_at, \
    called_at, started_at, finished_at, window_id, target_window, first_window_id, outcome, device, requeues, transfers, \
    prio_rank, booked_slot";

fn from_row(r: &Row) -> rusqlite::Result<TicketRow> {
    let bad = |i: usize, s: String| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, s.into());
    let status: String = r.get(7)?;
    let priority: Option<String> = r.get(6)?;
    let outcome: Option<String> = r.get(16)?;
    Ok(TicketRow {
        id: r.get(0)?,
        day: r.get(1)?,
        queue: r.get(2)?,
        seq: r.get(3)?,
        number: r.get(4)?,
        service_id: r.get(5)?,
        priority: match priority {
            Some(p) => Some(Priority::parse(&p).ok_or_else(|| bad(6, p))?),
            None => None,
        },
        status: TicketStatus::parse(&status).ok_or_else(|| bad(7, status))?,
        issued_at: r.get(8)?,
        queued_at: r.get(9)?,
        called_at: r.get(10)?,
        started_at: r.get(11)?,
        finished_at: r.get(12)?,
        window_id: r.get(13)?,
        target_window: r.get(14)?,
        first_window_id: r.get(15)?,
        outcome: match outcome {
            Some(o) => Some(Outcome::parse(&o).ok_or_else(|| bad(16, o))?),
            None => None,
        },
        device: r.get(17)?,
        requeues: r.get(18)?,
        transfers: r.get(19)?,
        prio_rank: r.get(20)?,
        booked_slot: r.get(21)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> rusqlite::Result<Option<TicketRow>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM tickets WHERE id = ?1"))?.query_row([id], from_row).optional()
}

/// The ticket whose status page `token` opens.
/// A ticket's phone-page token (its QR code), for printing it again.
pub fn status_token_of(conn: &Connection, id: i64) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT status_token FROM tickets WHERE id = ?1")?.query_row([id], |r| r.get(0)).optional()
}

pub fn by_status_token(conn: &Connection, token: &str) -> rusqlite::Result<Option<TicketRow>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM tickets WHERE status_token = ?1"))?
        .query_row([token], from_row)
        .optional()
}

/// Today's tickets of a matter not yet done with: waiting (or sent on to it), called or served.
pub fn open_of_matter(conn: &Connection, day: &str, matter: &str) -> rusqlite::Result<u32> {
    conn.prepare_cached(
        "SELECT COUNT(*) FROM tickets
         WHERE day = ?1 AND service_id = ?2 AND status IN ('waiting', 'transferred', 'called', 'serving')",
    )?
    .query_row(params![day, matter], |r| r.get(0))
}

/// A queue's numbering today goes on after the highest number of its letter issued today, by
/// whichever queue (a queue renamed, or a letter moved to another queue, during the day): no
/// two tickets of a day share a number.
pub fn carry_numbering(tx: &Transaction, day: &str, queue: &str, letter: char) -> rusqlite::Result<()> {
    let highest: Option<u32> =
        tx.prepare_cached("SELECT MAX(seq) FROM tickets WHERE day = ?1 AND number >= ?2 AND number < ?3")?.query_row(
            params![day, letter.to_string(), char::from_u32(letter as u32 + 1).unwrap_or(letter).to_string()],
            |r| r.get(0),
        )?;
    let Some(highest) = highest else { return Ok(()) };
    tx.prepare_cached(
        "INSERT INTO day_counts (day, kind, name, class, n) VALUES (?1, 'seq', ?2, 0, ?3)
         ON CONFLICT (day, kind, name, class) DO UPDATE SET n = MAX(n, excluded.n)",
    )?
    .execute(params![day, queue, highest])?;
    Ok(())
}

/// Takes the next sequence number of a queue for a day.
///
/// A read of the day's counter and an upsert, not one upsert `RETURNING n`: SQLite gathers a
/// `RETURNING` statement's rows in a temporary table it opens for each run, a tenth of the
/// writer's time for a ticket.
pub fn take_seq(tx: &Transaction, day: &str, queue: &str) -> rusqlite::Result<u32> {
    let taken: Option<u32> = tx
        .prepare_cached("SELECT n FROM day_counts WHERE day = ?1 AND kind = 'seq' AND name = ?2 AND class = 0")?
        .query_row(params![day, queue], |r| r.get(0))
        .optional()?;
    tx.prepare_cached(
        "INSERT INTO day_counts (day, kind, name, class, n) VALUES (?1, 'seq', ?2, 0, 1)
         ON CONFLICT (day, kind, name, class) DO UPDATE SET n = n + 1",
    )?
    .execute(params![day, queue])?;
    Ok(taken.unwrap_or(0) + 1)
}

pub struct NewTicket<'a> {
    pub day: &'a str,
    pub queue: &'a str,
    pub seq: u32,
    pub number: &'a str,
    pub service_id: &'a str,
    pub priority: Option<Priority>,
    pub at_ms: i64,
    pub device: &'a str,
    /// The secret of the ticket's status page.
    pub status_token: &'a str,
    /// Checked in on time for a booking: the slot's start (ms); it waits in the booked class.
    pub booked_slot: Option<i64>,
}

pub fn insert(tx: &Transaction, t: &NewTicket) -> rusqlite::Result<i64> {
    tx.prepare_cached(
        "INSERT INTO tickets (day, queue, seq, number, service_id, priority, prio_rank, status, issued_at, queued_at, device,
                              status_token, booked_slot)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'waiting', ?8, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        t.day,
        t.queue,
        t.seq,
        t.number,
        t.service_id,
        t.priority.map(|p| p.as_str()),
        rank(t.priority, t.booked_slot),
        t.at_ms,
        t.device,
        t.status_token,
        t.booked_slot,
    ])?;
    let id = tx.last_insert_rowid();
    adjust_waiting(tx, t.day, t.queue, rank(t.priority, t.booked_slot), 1)?;
    Ok(id)
}

/// The ticket of a village request accepted at a window (R22): the case's ticket (every case has
/// one), finished there at once. It never waits nor is called, so it is in no queue count, no
/// matter's daily quota (`day_counts`' `issued`) and no wait or service time; its number is the
/// request's (`DB…`), which no queue's numbering can take.
pub struct VillageTicket<'a> {
    pub day: &'a str,
    pub queue: &'a str,
    pub number: &'a str,
    pub service_id: &'a str,
    pub window: &'a str,
    pub outcome: Outcome,
    pub detail: &'a str,
    pub at_ms: i64,
}

/// The `device` of a village request's ticket: no ticket figure (issued, served, no-show, a
/// window's last service) counts it.
pub const VILLAGE_DEVICE: &str = "village";

/// Inserts a [`VillageTicket`], finished at its window; returns its id.
pub fn insert_village(tx: &Transaction, t: &VillageTicket) -> rusqlite::Result<i64> {
    tx.prepare_cached(
        "INSERT INTO tickets (day, queue, seq, number, service_id, priority, prio_rank, status, issued_at, queued_at,
                              finished_at, window_id, first_window_id, outcome, outcome_detail, device)
         VALUES (?1, ?2, 0, ?3, ?4, NULL, 1, 'done', ?5, ?5, ?5, ?6, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        t.day,
        t.queue,
        t.number,
        t.service_id,
        t.at_ms,
        t.window,
        t.outcome.as_str(),
        t.detail,
        VILLAGE_DEVICE
    ])?;
    Ok(tx.last_insert_rowid())
}

/// The waiting class: 0 priority, 2 booked on time, 1 ordinary (the ranks of the first
/// schema are kept; ordering by class is the domain's, `order::Class`).
pub const PRIORITY: i64 = 0;
pub const ORDINARY: i64 = 1;
pub const BOOKED: i64 = 2;

fn rank(priority: Option<Priority>, booked_slot: Option<i64>) -> i64 {
    match (priority, booked_slot) {
        (Some(_), _) => PRIORITY,
        (None, Some(_)) => BOOKED,
        (None, None) => ORDINARY,
    }
}

/// Keeps the `waiting` rows of `day_counts` in step with a ticket entering (+1) or leaving (-1) the waiting set.
fn adjust_waiting(tx: &Transaction, day: &str, queue: &str, rank: i64, delta: i64) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO day_counts (day, kind, name, class, n) VALUES (?1, 'waiting', ?2, ?3, ?4)
         ON CONFLICT (day, kind, name, class) DO UPDATE SET n = n + excluded.n",
    )?
    .execute(params![day, queue, rank, delta])?;
    Ok(())
}

/// The oldest waiting ticket of one class (priority or ordinary) among `services` (matters of
/// one queue that a window handles), not sent to a particular window. One index lookup per
/// matter, so the cost does not grow with the number of waiting tickets.
pub fn head(conn: &Connection, day: &str, priority: bool, services: &[&str]) -> rusqlite::Result<Option<Head>> {
    let rank = if priority { 0 } else { 1 };
    let mut by_matter = conn.prepare_cached(
        "SELECT queued_at, id FROM tickets
         WHERE day = ?1 AND service_id = ?2 AND prio_rank = ?3 AND target_window IS NULL
           AND status IN ('waiting', 'transferred')
         ORDER BY queued_at, id LIMIT 1",
    )?;
    let mut best: Option<(i64, i64)> = None;
    for service in services {
        let found = by_matter.query_row(params![day, service, rank], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
        if let Some(found) = found {
            if best.is_none_or(|b| found < b) {
                best = Some(found);
            }
        }
    }
    Ok(best.map(|(queued_at, id)| Head { ticket_id: id, queued_at: from_ms(queued_at) }))
}

/// The first waiting booked ticket among `services`, by its slot, then its check-in: one
/// lookup of the partial index `tickets_booked_by_matter` per matter.
pub fn booked_head(conn: &Connection, day: &str, services: &[&str]) -> rusqlite::Result<Option<Head>> {
    let mut by_matter = conn.prepare_cached(
        "SELECT booked_slot, queued_at, id FROM tickets
         WHERE day = ?1 AND service_id = ?2 AND prio_rank = 2 AND target_window IS NULL
           AND status IN ('waiting', 'transferred')
         ORDER BY booked_slot, queued_at, id LIMIT 1",
    )?;
    let mut best: Option<(i64, i64, i64)> = None;
    for service in services {
        let found = by_matter.query_row(params![day, service], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional()?;
        if let Some(found) = found {
            if best.is_none_or(|b| found < b) {
                best = Some(found);
            }
        }
    }
    Ok(best.map(|(_, queued_at, id)| Head { ticket_id: id, queued_at: from_ms(queued_at) }))
}

/// The oldest ticket of one class transferred to this window, per queue.
pub fn heads_sent_to(
    conn: &Connection,
    day: &str,
    window_id: &str,
    priority: bool,
) -> rusqlite::Result<Vec<(String, Head)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT queue, MIN(queued_at), id FROM tickets
         WHERE day = ?1 AND target_window = ?2 AND prio_rank = ?3 AND status IN ('waiting', 'transferred')
         GROUP BY queue",
    )?;
    let rows = stmt.query_map(params![day, window_id, if priority { 0 } else { 1 }], |r| {
        Ok((r.get::<_, String>(0)?, Head { ticket_id: r.get(2)?, queued_at: from_ms(r.get(1)?) }))
    })?;
    rows.collect()
}

/// The window's priority (and booked) calls in a row from `queue` today while walk-ins waited.
pub fn streak(conn: &Connection, day: &str, window: &str, queue: &str) -> rusqlite::Result<u32> {
    query_one(
        conn,
        "SELECT streak FROM window_streaks WHERE day = ?1 AND window_id = ?2 AND queue = ?3",
        params![day, window, queue],
        |r| r.get(0),
    )
    .optional()
    .map(|s| s.unwrap_or(0))
}

pub fn set_streak(tx: &Transaction, day: &str, window: &str, queue: &str, streak: u32) -> rusqlite::Result<()> {
    exec(
        tx,
        "INSERT INTO window_streaks (day, window_id, queue, streak) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (day, window_id, queue) DO UPDATE SET streak = excluded.streak",
        params![day, window, queue, streak],
    )?;
    Ok(())
}

/// A waiting ticket is called to a window.
pub fn mark_called(tx: &Transaction, t: &TicketRow, window_id: &str, at_ms: i64) -> rusqlite::Result<()> {
    exec(
        tx,
        "UPDATE tickets SET status = 'called', called_at = ?2, started_at = NULL, window_id = ?3,
                first_window_id = COALESCE(first_window_id, ?3)
         WHERE id = ?1",
        params![t.id, at_ms, window_id],
    )?;
    adjust_waiting(tx, &t.day, &t.queue, t.prio_rank, -1)
}

pub fn set_status(tx: &Transaction, id: i64, status: TicketStatus) -> rusqlite::Result<()> {
    exec(tx, "UPDATE tickets SET status = ?2 WHERE id = ?1", params![id, status.as_str()])?;
    Ok(())
}

pub fn mark_started(tx: &Transaction, id: i64, at_ms: i64) -> rusqlite::Result<()> {
    exec(tx, "UPDATE tickets SET status = 'serving', started_at = ?2 WHERE id = ?1", params![id, at_ms])?;
    Ok(())
}

pub fn mark_finished(tx: &Transaction, id: i64, outcome: Outcome, detail: &str, at_ms: i64) -> rusqlite::Result<()> {
    exec(
        tx,
        "UPDATE tickets SET status = 'done', outcome = ?2, outcome_detail = ?3, finished_at = ?4,
                started_at = COALESCE(started_at, called_at)
         WHERE id = ?1",
        params![id, outcome.as_str(), detail, at_ms],
    )?;
    Ok(())
}

/// Sends a ticket at a window to another matter (and queue) or window; it waits again, its
/// place by issue time kept.
pub fn mark_transferred(
    tx: &Transaction,
    t: &TicketRow,
    service_id: &str,
    queue: &str,
    target_window: Option<&str>,
    leg: &Leg,
) -> rusqlite::Result<()> {
    record_leg(tx, t, leg)?;
    // A booked ticket sent on waits as an ordinary one at its place (its slot was this matter's).
    let transferred_rank = if t.prio_rank == BOOKED { ORDINARY } else { t.prio_rank };
    exec(
        tx,
        "UPDATE tickets SET status = 'transferred', service_id = ?2, queue = ?3, target_window = ?4,
                transfers = transfers + 1, called_at = NULL, started_at = NULL, prio_rank = ?5
         WHERE id = ?1",
        params![t.id, service_id, queue, target_window, transferred_rank],
    )?;
    adjust_waiting(tx, &t.day, queue, transferred_rank, 1)
}

/// Tickets of `day` sent on to `window` (转办 to a window) and still waiting for it go to their
/// matter's queue, at their place: the window's clerk left. Their numbers and queues.
pub fn release_sent_to(tx: &Transaction, day: &str, window: &str) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = tx.prepare_cached(
        "UPDATE tickets SET target_window = NULL
         WHERE day = ?1 AND target_window = ?2 AND status IN ('waiting', 'transferred')
         RETURNING number, queue",
    )?;
    let released = stmt.query_map(params![day, window], |r| Ok((r.get(0)?, r.get(1)?)))?;
    released.collect()
}

/// Who had a ticket at its window before sending it on, and when.
pub struct Leg<'a> {
    pub window_id: &'a str,
    pub clerk: Option<&'a str>,
    pub sent_at: i64,
}

/// The windows that served a ticket and sent it on, first to last, each once: the window of every
/// leg a transfer ended. A window that only called it (a no-show called again, a clerk who signed
/// out) sent it nowhere: not one of them. A ticket sent on before legs were kept (schema v24)
/// has its first window only.
pub fn sent_on_from(conn: &Connection, t: &TicketRow) -> rusqlite::Result<Vec<String>> {
    if t.transfers == 0 {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare_cached("SELECT window_id FROM ticket_legs WHERE ticket_id = ?1 ORDER BY leg")?;
    let legs = stmt.query_map([t.id], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    if legs.is_empty() {
        return Ok(t.first_window_id.iter().cloned().collect());
    }
    let mut out: Vec<String> = Vec::new();
    for w in legs {
        if !out.contains(&w) {
            out.push(w);
        }
    }
    Ok(out)
}

/// Keeps the leg a transfer ends (the ticket's row is about to hold the next one): its window,
/// clerk, matter and queue, when its wait began, its call and start, and when it was sent on.
fn record_leg(tx: &Transaction, t: &TicketRow, leg: &Leg) -> rusqlite::Result<()> {
    let waited_from = match t.transfers {
        0 => t.queued_at,
        n => {
            query_one(tx, "SELECT sent_at FROM ticket_legs WHERE ticket_id = ?1 AND leg = ?2", params![t.id, n], |r| {
                r.get(0)
            })
            .optional()?
            .unwrap_or(t.queued_at)
        }
    };
    exec(
        tx,
        "INSERT INTO ticket_legs (ticket_id, leg, day, window_id, clerk, service_id, queue, waited_from, called_at,
                                  started_at, sent_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            t.id,
            t.transfers + 1,
            t.day,
            leg.window_id,
            leg.clerk,
            t.service_id,
            t.queue,
            waited_from,
            t.called_at,
            t.started_at,
            leg.sent_at
        ],
    )?;
    Ok(())
}

/// A called ticket whose window lost its clerk waits again at its old place (as it waited:
/// for its matter, or for the window it was transferred to); a window that only called it is
/// not its first-inquiry window (R2: the citizen never came there).
pub fn return_to_queue(tx: &Transaction, t: &TicketRow) -> rusqlite::Result<()> {
    exec(
        tx,
        "UPDATE tickets SET status = CASE WHEN transfers > 0 THEN 'transferred' ELSE 'waiting' END,
                called_at = NULL, started_at = NULL,
                first_window_id = CASE WHEN transfers > 0 THEN first_window_id END
         WHERE id = ?1",
        [t.id],
    )?;
    adjust_waiting(tx, &t.day, &t.queue, t.prio_rank, 1)
}

/// A no-show citizen came back: the ticket waits again at its old place, in class `rank` (its
/// own, or ordinary for a booked one whose slot's grace has passed).
/// Puts a no-show back in the queue with `rank`; `release` frees it from the window it was sent
/// to (closed since: it waits for any window of its matter again).
pub fn mark_requeued(tx: &Transaction, t: &TicketRow, rank: i64, release: bool) -> rusqlite::Result<()> {
    // A window that only called it (the citizen never came there) is not its first (R2).
    exec(
        tx,
        "UPDATE tickets SET status = 'waiting', requeues = requeues + 1, called_at = NULL, prio_rank = ?2,
                booked_slot = CASE WHEN ?2 = prio_rank THEN booked_slot END,
                first_window_id = CASE WHEN transfers > 0 THEN first_window_id END,
                target_window = CASE WHEN ?3 THEN NULL ELSE target_window END
         WHERE id = ?1",
        params![t.id, rank, release],
    )?;
    adjust_waiting(tx, &t.day, &t.queue, rank, 1)
}

pub fn record_call(
    tx: &Transaction,
    day: &str,
    ticket_id: i64,
    window_id: &str,
    at_ms: i64,
    recall: bool,
) -> rusqlite::Result<()> {
    tx.prepare_cached("INSERT INTO calls (day, ticket_id, window_id, at, recall) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![day, ticket_id, window_id, at_ms, recall])?;
    Ok(())
}

fn class_count(conn: &Connection, day: &str, queue: &str, rank: i64) -> rusqlite::Result<u32> {
    conn.prepare_cached("SELECT n FROM day_counts WHERE day = ?1 AND kind = 'waiting' AND name = ?2 AND class = ?3")?
        .query_row(params![day, queue, rank], |r| r.get(0))
        .optional()
        .map(|n| n.unwrap_or(0))
}

/// People ahead of a waiting ticket in its queue: every priority ticket if it is ordinary,
/// plus those of its class placed before it. Counted from behind (the whole class minus those
/// after it), which is quick for the new tickets this is mostly asked about.
pub fn waiting_ahead(conn: &Connection, t: &TicketRow) -> rusqlite::Result<u32> {
    if !t.status.is_waiting() {
        return Ok(0);
    }
    let rank = t.prio_rank;
    let behind: u32 = if rank == BOOKED {
        // Booked tickets wait in slot order, then by check-in.
        conn.prepare_cached(
            "SELECT COUNT(*) FROM tickets
             WHERE day = ?1 AND queue = ?2 AND status IN ('waiting', 'transferred') AND prio_rank = 2
               AND (booked_slot > ?3 OR (booked_slot = ?3 AND (queued_at > ?4 OR (queued_at = ?4 AND id > ?5))))",
        )?
        .query_row(params![t.day, t.queue, t.booked_slot, t.queued_at, t.id], |r| r.get(0))?
    } else {
        conn.prepare_cached(
            "SELECT COUNT(*) FROM tickets
             WHERE day = ?1 AND queue = ?2 AND status IN ('waiting', 'transferred') AND prio_rank = ?3
               AND (queued_at > ?4 OR (queued_at = ?4 AND id > ?5))",
        )?
        .query_row(params![t.day, t.queue, rank, t.queued_at, t.id], |r| r.get(0))?
    };
    let class = class_count(conn, &t.day, &t.queue, rank)?;
    let higher = match rank {
        ORDINARY => class_count(conn, &t.day, &t.queue, PRIORITY)? + class_count(conn, &t.day, &t.queue, BOOKED)?,
        BOOKED => class_count(conn, &t.day, &t.queue, PRIORITY)?,
        _ => 0,
    };
    Ok(higher + class.saturating_sub(behind + 1))
}

/// Tickets waiting in a queue today: (priority, booked, ordinary).
pub fn class_counts(conn: &Connection, day: &str, queue: &str) -> rusqlite::Result<(u32, u32, u32)> {
    Ok((
        class_count(conn, day, queue, PRIORITY)?,
        class_count(conn, day, queue, BOOKED)?,
        class_count(conn, day, queue, ORDINARY)?,
    ))
}

/// Minutes the longest-waiting ticket of a queue has waited (by its place, the issue time).
/// One `LIMIT 1` lookup of `tickets_waiting_in_queue` per class, so the cost does not grow
/// with the queue (a `MIN` over both classes could not use the index and scanned the queue).
pub fn oldest_wait_minutes(conn: &Connection, day: &str, queue: &str, now_ms: i64) -> rusqlite::Result<u32> {
    // The head of each class is one lookup of the waiting index; the oldest of the three heads
    // in the same statement.
    let oldest: Option<i64> = query_one(
        conn,
        "SELECT MIN(head) FROM (
           SELECT (SELECT queued_at FROM tickets
                   WHERE day = ?1 AND queue = ?2 AND prio_rank = ?3 AND status IN ('waiting', 'transferred')
                   ORDER BY queued_at, id LIMIT 1) AS head
           UNION ALL
           SELECT (SELECT queued_at FROM tickets
                   WHERE day = ?1 AND queue = ?2 AND prio_rank = ?4 AND status IN ('waiting', 'transferred')
                   ORDER BY queued_at, id LIMIT 1)
           UNION ALL
           SELECT (SELECT queued_at FROM tickets
                   WHERE day = ?1 AND queue = ?2 AND prio_rank = ?5 AND status IN ('waiting', 'transferred')
                   ORDER BY queued_at, id LIMIT 1))",
        params![day, queue, PRIORITY, BOOKED, ORDINARY],
        |r| r.get(0),
    )?;
    Ok(oldest.map(|t| ((now_ms - t).max(0) / 60_000) as u32).unwrap_or(0))
}

/// Tickets of a matter issued today (kept by [`count_issued`]): what its daily quota is held to.
pub fn issued_today(conn: &Connection, day: &str, matter: &str) -> rusqlite::Result<u32> {
    query_one(
        conn,
        "SELECT n FROM day_counts WHERE day = ?1 AND kind = 'issued' AND name = ?2 AND class = 0",
        params![day, matter],
        |r| r.get(0),
    )
    .optional()
    .map(|n| n.unwrap_or(0))
}

/// Counts a ticket issued for a matter today.
pub fn count_issued(tx: &Connection, day: &str, matter: &str) -> rusqlite::Result<()> {
    exec(
        tx,
        "INSERT INTO day_counts (day, kind, name, class, n) VALUES (?1, 'issued', ?2, 0, 1)
         ON CONFLICT (day, kind, name, class) DO UPDATE SET n = n + 1",
        params![day, matter],
    )?;
    Ok(())
}

pub fn waiting_count(conn: &Connection, day: &str, queue: &str) -> rusqlite::Result<u32> {
    conn.prepare_cached("SELECT COALESCE(SUM(n), 0) FROM day_counts WHERE day = ?1 AND kind = 'waiting' AND name = ?2")?
        .query_row(params![day, queue], |r| r.get(0))
}

/// The queue's (?1) last ?2 services of day ?3: an index range of `tickets_served` (schema v18).
const RECENT_SERVICES: &str = "SELECT (finished_at - started_at) / 1000 FROM tickets
     WHERE queue = ?1 AND day = ?3 AND status = 'done' AND started_at IS NOT NULL
     ORDER BY finished_at DESC LIMIT ?2";

/// Durations in seconds of the queue's most recent finished services of the day, newest first
/// (a ticket left open overnight is not a service time).
pub fn recent_service_seconds(conn: &Connection, day: &str, queue: &str, limit: u32) -> rusqlite::Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(RECENT_SERVICES)?;
    let rows = stmt.query_map(params![queue, limit, day], |r| r.get(0))?;
    rows.collect()
}

/// Tickets finished and marked no-show at a window on a day.
pub fn window_day_counts(conn: &Connection, day: &str, window: &str) -> rusqlite::Result<(u32, u32)> {
    query_one(
        conn,
        "SELECT COALESCE(SUM(status = 'done'), 0), COALESCE(SUM(status = 'no_show'), 0) FROM tickets
         WHERE day = ?1 AND window_id = ?2 AND device != ?3",
        params![day, window, VILLAGE_DEVICE],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// A ticket marked 未到 at a window (`window_no_shows`).
pub struct NoShowRow {
    pub id: i64,
    pub number: String,
    pub service_id: String,
    pub called_at: i64,
    pub requeues: u32,
}

/// The day's no-shows last called at `window`, the latest call first, at most `limit`.
pub fn window_no_shows(conn: &Connection, day: &str, window: &str, limit: u32) -> rusqlite::Result<Vec<NoShowRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, number, service_id, COALESCE(called_at, issued_at), requeues FROM tickets
         WHERE day = ?1 AND window_id = ?2 AND status = 'no_show' AND device != ?3
         ORDER BY called_at DESC, id DESC LIMIT ?4",
    )?;
    let rows = stmt.query_map(params![day, window, VILLAGE_DEVICE, limit], |r| {
        Ok(NoShowRow {
            id: r.get(0)?,
            number: r.get(1)?,
            service_id: r.get(2)?,
            called_at: r.get(3)?,
            requeues: r.get(4)?,
        })
    })?;
    rows.collect()
}

/// A kept waiting count (`day_counts`) that disagrees with the tickets: `(day, queue, prio_rank, kept, actual)`.
pub type CountMismatch = (String, String, i64, i64, i64);

/// Kept waiting counts that disagree with the tickets themselves (none, unless a bug).
pub fn waiting_count_mismatches(conn: &Connection) -> rusqlite::Result<Vec<CountMismatch>> {
    let mut stmt = conn.prepare(
        "WITH actual AS (
             SELECT day, queue, prio_rank, COUNT(*) AS n FROM tickets
             WHERE status IN ('waiting', 'transferred') GROUP BY day, queue, prio_rank),
         kept AS (SELECT day, name AS queue, class AS prio_rank, n FROM day_counts WHERE kind = 'waiting')
         SELECT k.day, k.queue, k.prio_rank, k.n, COALESCE(a.n, 0) FROM kept k
         LEFT JOIN actual a USING (day, queue, prio_rank) WHERE k.n != COALESCE(a.n, 0)
         UNION ALL
         SELECT a.day, a.queue, a.prio_rank, 0, a.n FROM actual a
         WHERE NOT EXISTS (SELECT 1 FROM kept k
                           WHERE k.day = a.day AND k.queue = a.queue AND k.prio_rank = a.prio_rank)",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    rows.collect()
}

/// Every ticket of a day, for the director's figures.
pub fn day_tickets(conn: &Connection, day: &str) -> rusqlite::Result<Vec<crate::domain::today::DayTicket>> {
    use crate::domain::today::DayTicket;
    // The legs sent on today, each in the queue it left; the first kept one is where the
    // ticket was issued, and the last transfer is when its wait in its queue now began.
    let mut stmt = conn.prepare_cached(
        "SELECT l.ticket_id, l.queue, t.issued_at, l.waited_from, l.called_at, l.started_at, l.sent_at, l.window_id
         FROM ticket_legs l JOIN tickets t ON t.id = l.ticket_id
         WHERE l.day = ?1 ORDER BY l.ticket_id, l.leg",
    )?;
    let mut last_sent: HashMap<i64, i64> = HashMap::new();
    let mut days = Vec::new();
    let mut rows = stmt.query([day])?;
    while let Some(r) = rows.next()? {
        let (ticket, issued_at, sent_at): (i64, i64, i64) = (r.get(0)?, r.get(2)?, r.get(6)?);
        let first = last_sent.insert(ticket, sent_at).is_none();
        days.push(DayTicket {
            queue: r.get(1)?,
            status: TicketStatus::Transferred,
            issued: first,
            waited_from: if first { issued_at } else { r.get(3)? },
            queued_at: r.get(3)?,
            called_at: r.get(4)?,
            started_at: r.get(5)?,
            finished_at: Some(sent_at),
            sent_on: true,
            window_id: r.get(7)?,
        });
    }
    drop(rows);
    let mut stmt = conn.prepare_cached(
        "SELECT queue, status, issued_at, queued_at, called_at, started_at, finished_at, id, window_id FROM tickets
         WHERE day = ?1 AND device != ?2",
    )?;
    let rows = stmt.query_map([day, VILLAGE_DEVICE], |r| {
        let status: String = r.get(1)?;
        let sent = last_sent.get(&r.get::<_, i64>(7)?).copied();
        Ok(DayTicket {
            queue: r.get(0)?,
            status: TicketStatus::parse(&status).unwrap_or(TicketStatus::Done),
            issued: sent.is_none(),
            waited_from: sent.unwrap_or(r.get(2)?),
            queued_at: r.get(3)?,
            called_at: r.get(4)?,
            started_at: r.get(5)?,
            finished_at: r.get(6)?,
            sent_on: false,
            window_id: r.get(8)?,
        })
    })?;
    for t in rows {
        days.push(t?);
    }
    Ok(days)
}

/// Tickets still called or served at a window on a day after `after` (exclusive) and before
/// `before`: left open when that day ended. Reads the days' index range only.
pub fn left_open(conn: &Connection, after: &str, before: &str) -> rusqlite::Result<Vec<TicketRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM tickets WHERE day > ?1 AND day < ?2 AND status IN ('called', 'serving') ORDER BY id"
    ))?;
    let rows = stmt.query_map([after, before], from_row)?;
    rows.collect()
}

/// The last day the day-close step went over ("" when it never ran).
pub fn last_closed_day(conn: &Connection) -> rusqlite::Result<String> {
    conn.query_row("SELECT COALESCE(MAX(day), '') FROM days_closed", [], |r| r.get(0))
}

pub fn record_day_closed(tx: &Transaction, day: &str, at_ms: i64, tickets: u32) -> rusqlite::Result<()> {
    exec(
        tx,
        "INSERT INTO days_closed (day, closed_at, tickets) VALUES (?1, ?2, ?3)
         ON CONFLICT (day) DO UPDATE SET closed_at = excluded.closed_at, tickets = tickets + excluded.tickets",
        params![day, at_ms, tickets],
    )?;
    Ok(())
}

/// The `outcome_detail` of a ticket the day-close step ended (no service: reports leave it out).
pub const DAY_CLOSED: &str = r#"{"closed_by":"day_close"}"#;

/// `tickets_left_open`'s condition (schema_v35), the day close's mark written out; tickets
/// issued after the upgrade to schema_v35 only (the list began then; `+id`: a filter on the
/// index's few rows, never a walk of every ticket since).
const LEFT_OPEN: &str = "status = 'done' AND outcome IS NULL AND started_at IS NOT NULL
     AND outcome_detail = '{\"closed_by\":\"day_close\"}'
     AND +id > COALESCE((SELECT CAST(value AS INTEGER) FROM hall_settings WHERE key = 'left_open_after_ticket'), 0)";

/// Services the day-close step ended after they had begun, with no case registered yet (R1):
/// at `window`, or at every window; the oldest first. Read through `tickets_left_open` (the
/// condition spelled as the index's, so that SQLite uses it).
pub fn left_open_to_register(conn: &Connection, window: Option<&str>, limit: u32) -> rusqlite::Result<Vec<TicketRow>> {
    let sql = match window {
        Some(_) => {
            format!("SELECT {COLUMNS} FROM tickets WHERE {LEFT_OPEN} AND window_id = ?1 ORDER BY day, id LIMIT ?2")
        }
        None => format!("SELECT {COLUMNS} FROM tickets WHERE {LEFT_OPEN} AND ?1 IS NULL ORDER BY day, id LIMIT ?2"),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![window, limit], from_row)?;
    rows.collect()
}

/// How many services the day close ended (as `left_open_to_register`) wait to be registered
/// at `window`, or of the matter `service_id`: a hall that removed either would strand them.
pub fn left_open_count(conn: &Connection, window: Option<&str>, service_id: Option<&str>) -> rusqlite::Result<u32> {
    let sql = format!(
        "SELECT COUNT(*) FROM tickets WHERE {LEFT_OPEN}
           AND (?1 IS NULL OR window_id = ?1) AND (?2 IS NULL OR service_id = ?2)"
    );
    conn.prepare_cached(&sql)?.query_row(params![window, service_id], |r| r.get(0))
}

/// Whether ticket `id` is a service the day close ended at `window`, not registered yet.
pub fn is_left_open(conn: &Connection, id: i64, window: &str) -> rusqlite::Result<bool> {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM tickets WHERE id = ?1 AND window_id = ?2 AND {LEFT_OPEN})");
    conn.prepare_cached(&sql)?.query_row(params![id, window], |r| r.get(0))
}

/// A left-open service registered afterwards: its case's kind becomes the ticket's outcome. The
/// ticket keeps the day close's mark (its service time is not known: the reports do not count
/// hours of service that never were).
pub fn register_left_open(tx: &Transaction, id: i64, outcome: Outcome) -> rusqlite::Result<()> {
    exec(tx, "UPDATE tickets SET outcome = ?2 WHERE id = ?1", params![id, outcome.as_str()])?;
    Ok(())
}

/// The day-close step ends a ticket left at a window: done, with no case (nobody finished it).
pub fn close_left_open(tx: &Transaction, id: i64, at_ms: i64) -> rusqlite::Result<()> {
    exec(
        tx,
        "UPDATE tickets SET status = 'done', finished_at = ?2, outcome_detail = ?3 WHERE id = ?1",
        params![id, at_ms, DAY_CLOSED],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    /// The left-open list's condition names the day close's very mark (and so its index).
    #[test]
    fn left_open_reads_the_day_close_mark() {
        assert!(super::LEFT_OPEN.contains(&format!("outcome_detail = '{}'", super::DAY_CLOSED)));
        let schema = include_str!("schema_v35.sql");
        assert!(schema.contains(&format!("outcome_detail = '{}'", super::DAY_CLOSED)), "{schema}");
    }

    /// Each queue counts its own day from 1; a rolled-back take gives its number back.
    #[test]
    fn sequence_numbers_count_per_queue_and_day() {
        let (_dir, mut conn) = crate::store::test_db();
        let tx = conn.transaction().unwrap();
        let takes: Vec<u32> = [("d1", "a"), ("d1", "a"), ("d1", "b"), ("d1", "a"), ("d2", "a"), ("d1", "b")]
            .iter()
            .map(|(day, queue)| super::take_seq(&tx, day, queue).unwrap())
            .collect();
        assert_eq!(takes, [1, 2, 1, 3, 1, 2]);
        tx.commit().unwrap();
        let tx = conn.transaction().unwrap();
        assert_eq!(super::take_seq(&tx, "d1", "a").unwrap(), 4);
        tx.rollback().unwrap();
        let tx = conn.transaction().unwrap();
        assert_eq!(super::take_seq(&tx, "d1", "a").unwrap(), 4);
    }

    /// The statements on the issue, call and director paths are index lookups: their plans name
    /// the index and never scan the table (a cost that grows with the data is a bug).
    #[test]
    fn hot_statements_use_their_indexes() {
        let (_dir, conn) = crate::store::test_db();
        let plan_of = |sql: &str| -> Vec<String> {
            conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap()
                .query_map([], |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        let check = |sql: &str, index: &str| {
            let plan = plan_of(sql).join(" | ");
            assert!(plan.contains(index), "{sql}: {plan}");
            assert!(!plan.contains("SCAN tickets"), "{sql}: {plan}");
        };
        // The oldest wait: the three classes' heads, each a lookup in queue order, no sort.
        let heads = "SELECT MIN(head) FROM (
           SELECT (SELECT queued_at FROM tickets WHERE day = '2026-12-03' AND queue = 'q' AND prio_rank = 1
                   AND status IN ('waiting', 'transferred') ORDER BY queued_at, id LIMIT 1) AS head
           UNION ALL
           SELECT (SELECT queued_at FROM tickets WHERE day = '2026-12-03' AND queue = 'q' AND prio_rank = 2
                   AND status IN ('waiting', 'transferred') ORDER BY queued_at, id LIMIT 1)
           UNION ALL
           SELECT (SELECT queued_at FROM tickets WHERE day = '2026-12-03' AND queue = 'q' AND prio_rank = 3
                   AND status IN ('waiting', 'transferred') ORDER BY queued_at, id LIMIT 1))";
        check(heads, "tickets_waiting_in_queue");
        let plan = plan_of(heads);
        assert_eq!(plan.iter().filter(|p| p.contains("USING INDEX tickets_waiting_in_queue")).count(), 3, "{plan:?}");
        assert!(!plan.iter().any(|p| p.contains("TEMP B-TREE")), "{plan:?}");
        check(
            "SELECT COALESCE(SUM(status = 'done'), 0), COALESCE(SUM(status = 'no_show'), 0) FROM tickets
             WHERE day = '2026-12-03' AND window_id = 'w01' AND device != 'village'",
            "tickets_by_window",
        );
        check(
            "SELECT n FROM day_counts WHERE day = '2026-12-03' AND kind = 'issued' AND name = 'm' AND class = 0",
            "PRIMARY KEY",
        );
        check(
            "SELECT COALESCE(SUM(n), 0) FROM day_counts WHERE day = '2026-12-03' AND kind = 'waiting' AND name = 'q'",
            "PRIMARY KEY",
        );
        check("SELECT id FROM tickets WHERE status_token = 'x'", "tickets_status_token");
        // The booked class's head: the partial index, in slot order, no sort.
        check(
            "SELECT booked_slot, queued_at, id FROM tickets
             WHERE day = '2026-12-03' AND service_id = 'm' AND prio_rank = 2 AND target_window IS NULL
               AND status IN ('waiting', 'transferred')
             ORDER BY booked_slot, queued_at, id LIMIT 1",
            "tickets_booked_by_matter",
        );
        check(
            "SELECT COUNT(*) FROM ticket_persons p JOIN tickets t ON t.id = p.ticket_id
             WHERE p.day = '2026-12-03' AND p.service_id = 'm' AND p.person = 'h'
               AND t.status IN ('waiting', 'called', 'serving', 'transferred')",
            "ticket_persons_of",
        );
        check("SELECT n FROM booked_counts WHERE day = '2026-12-03' AND matter = 'm'", "PRIMARY KEY");
        check(
            "SELECT id, username, role, window_id, expires_at FROM sessions WHERE ended_at IS NULL AND expires_at > 5",
            "sessions_live",
        );
        check(
            "SELECT id, window_id FROM sessions
             WHERE username = 'u' AND role = 'clerk' AND window_id IS NOT NULL AND ended_at IS NULL AND expires_at > 5
             ORDER BY id DESC LIMIT 1",
            "sessions_live",
        );
        // Services the day close ended, to register: the desk's and the director's lists.
        let left =
            |on: &str| format!("SELECT id FROM tickets WHERE {} AND {on} ORDER BY day, id LIMIT 5", super::LEFT_OPEN);
        check(&left("window_id = 'w01'"), "tickets_left_open");
        // Every window's: the partial index whole (it holds only those services), never the table.
        let plan = plan_of(&left("NULL IS NULL")).join(" | ");
        assert!(plan.contains("SCAN tickets USING INDEX tickets_left_open"), "{plan}");
        // What a new hall would strand: the partial index's few rows, never the table.
        let count = format!(
            "SELECT COUNT(*) FROM tickets WHERE {} AND ('w01' IS NULL OR window_id = 'w01') AND (NULL IS NULL OR service_id = NULL)",
            super::LEFT_OPEN
        );
        let plan = plan_of(&count).join(" | ");
        assert!(plan.contains("tickets_left_open"), "{plan}");
        check(
            &format!(
                "SELECT EXISTS (SELECT 1 FROM tickets WHERE id = 1 AND window_id = 'w01' AND {})",
                super::LEFT_OPEN
            ),
            "PRIMARY KEY",
        );
    }

    /// A queue's pace reads today's last services: its cost does not grow with the queue's
    /// finished tickets of past days, nor with today's finished without 开始办理 (none of them
    /// has a service time). It walked all of both before (every issue of the morning paid it).
    #[test]
    fn the_pace_reads_todays_services_alone() {
        use rusqlite::{params, StatementStatus};
        let (_dir, conn) = crate::store::test_db();
        let sql = super::RECENT_SERVICES;
        assert!(super::recent_service_seconds(&conn, "2026-12-04", "q", 20).unwrap().is_empty());
        let add = |n: i64, day: &str, started: bool| {
            for i in 0..n {
                let at = 1_000_000 + i * 1000;
                conn.execute(
                    "INSERT INTO tickets (day, queue, seq, number, service_id, prio_rank, status, issued_at,
                                          queued_at, called_at, started_at, finished_at, device)
                     VALUES (?1, 'q', ?2, 'A' || ?2, 'm', 1, 'done', ?3, ?3, ?3, ?4, ?3 + 300000, 'k')",
                    params![day, i + if started { 0 } else { 100_000 }, at, started.then_some(at + 60_000)],
                )
                .unwrap();
            }
        };
        let steps = |conn: &rusqlite::Connection| {
            let mut stmt = conn.prepare(sql).unwrap();
            let rows: Vec<i64> = stmt
                .query_map(params!["q", 20, "2026-12-04"], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            (rows, stmt.get_status(StatementStatus::VmStep))
        };
        let (rows, empty_day) = steps(&conn);
        assert!(rows.is_empty());
        add(2_000, "2026-12-03", true); // yesterday's services
        add(2_000, "2026-12-04", false); // today's, finished straight from the call
        let (rows, busy) = steps(&conn);
        assert!(rows.is_empty(), "{rows:?}");
        assert!(busy <= empty_day + 20, "{busy} steps with 4,000 finished tickets, {empty_day} with none");
        add(30, "2026-12-04", true);
        let (rows, _) = steps(&conn);
        assert_eq!(rows, vec![240; 20], "today's last 20 services, 4 minutes each");
        assert_eq!(super::recent_service_seconds(&conn, "2026-12-04", "q", 20).unwrap(), rows);
    }
}
