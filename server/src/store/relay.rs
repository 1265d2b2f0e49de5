//! The relay's tables (schema_v15): the outbox of messages to other halls, the inbox of keys
//! applied, and the incoming cases (上报来件) with their steps.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::{exec, query_one};

#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRow {
    pub id: i64,
    pub key: String,
    pub kind: String,
    pub to_hall: Option<String>,
    pub body: serde_json::Value,
    pub created_at: i64,
    /// Never read by the county before.
    pub unread: bool,
}

/// The county has read these messages (the first read is the one audited).
pub fn mark_read(tx: &Transaction, ids: &[i64], at_ms: i64) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached("UPDATE outbox SET first_read_at = ?2 WHERE id = ?1 AND first_read_at IS NULL")?;
    for id in ids {
        stmt.execute(params![id, at_ms])?;
    }
    Ok(())
}

/// Adds a message to the outbox (in the transaction of the change that causes it). A key
/// already there is left as it is (the same step told twice is one message).
pub fn add(
    tx: &Transaction,
    key: &str,
    kind: &str,
    to_hall: Option<&str>,
    body: &serde_json::Value,
    at_ms: i64,
) -> rusqlite::Result<Option<i64>> {
    let n = exec(
        tx,
        "INSERT INTO outbox (key, kind, to_hall, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (key) DO NOTHING",
        params![key, kind, to_hall, body.to_string(), at_ms],
    )?;
    Ok((n == 1).then(|| tx.last_insert_rowid()))
}

/// Whether any message waits (a cheap look before the audited read).
pub fn any_pending(conn: &Connection) -> rusqlite::Result<bool> {
    query_one(conn, "SELECT EXISTS (SELECT 1 FROM outbox WHERE acked_at IS NULL)", [], |r| r.get(0))
}

/// The messages not acknowledged yet, oldest first.
pub fn pending(conn: &Connection, after: i64, limit: u32) -> rusqlite::Result<Vec<OutboxRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, key, kind, to_hall, body, created_at, first_read_at IS NULL
         FROM outbox WHERE acked_at IS NULL AND id > ?1 ORDER BY id LIMIT ?2",
    )?;
    let rows = stmt.query_map(rusqlite::params![after, limit], |r| {
        let body: String = r.get(4)?;
        Ok(OutboxRow {
            id: r.get(0)?,
            key: r.get(1)?,
            kind: r.get(2)?,
            to_hall: r.get(3)?,
            body: serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
            created_at: r.get(5)?,
            unread: r.get(6)?,
        })
    })?;
    rows.collect()
}

/// Marks a message delivered (its body emptied). `None`: no such message; `Some(false)`:
/// acknowledged before.
pub fn ack(tx: &Transaction, id: i64, at_ms: i64) -> rusqlite::Result<Option<(String, bool)>> {
    let Some((key, acked)) = query_one(tx, "SELECT key, acked_at FROM outbox WHERE id = ?1", [id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?))
    })
    .optional()?
    else {
        return Ok(None);
    };
    if acked.is_some() {
        return Ok(Some((key, false)));
    }
    // Delivered, its copy of the applicant's data is not kept twice (the case keeps it).
    exec(tx, "UPDATE outbox SET acked_at = ?2, body = '{}' WHERE id = ?1", params![id, at_ms])?;
    Ok(Some((key, true)))
}

/// The answer stored with an inbox key already applied.
pub fn applied(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    query_one(conn, "SELECT answer FROM inbox WHERE key = ?1", [key], |r| r.get(0)).optional()
}

/// Records a key as applied, with its answer (in the transaction of its effect).
pub fn record_applied(
    tx: &Transaction,
    key: &str,
    from_hall: &str,
    kind: &str,
    answer: &str,
    at_ms: i64,
) -> rusqlite::Result<()> {
    exec(
        tx,
        "INSERT INTO inbox (key, from_hall, kind, answer, applied_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![key, from_hall, kind, answer, at_ms],
    )?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncomingRow {
    pub id: i64,
    pub key: String,
    pub origin_hall: String,
    pub origin_hall_name: String,
    pub origin_number: String,
    pub service_id: String,
    pub service_name: String,
    pub authority: String,
    pub window_id: Option<String>,
    pub applicant_name: Option<String>,
    pub applicant_phone: Option<String>,
    /// JSON: `note`, the origin's `accepted_on` and `deadline`; `reason` of a result.
    pub detail: serde_json::Value,
    pub state: String,
    pub result: Option<String>,
    pub deadline: Option<String>,
    pub extended: bool,
    pub received_at: i64,
    /// The day it was accepted here, and the working days promised then (none: no limit).
    pub accepted_on: Option<NaiveDate>,
    pub promised_days: Option<u32>,
}

const COLUMNS: &str = "id, key, origin_hall, origin_hall_name, origin_number, service_id, service_name, authority,
    window_id, applicant_name, applicant_phone, detail, state, result, deadline, extended, received_at,
    accepted_on, promised_days";

fn incoming(r: &Row) -> rusqlite::Result<IncomingRow> {
    let detail: String = r.get(11)?;
    Ok(IncomingRow {
        id: r.get(0)?,
        key: r.get(1)?,
        origin_hall: r.get(2)?,
        origin_hall_name: r.get(3)?,
        origin_number: r.get(4)?,
        service_id: r.get(5)?,
        service_name: r.get(6)?,
        authority: r.get(7)?,
        window_id: r.get(8)?,
        applicant_name: r.get(9)?,
        applicant_phone: r.get(10)?,
        detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::Null),
        state: r.get(12)?,
        result: r.get(13)?,
        deadline: r.get(14)?,
        extended: r.get(15)?,
        received_at: r.get(16)?,
        accepted_on: r.get::<_, Option<String>>(17)?.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
        promised_days: r.get(18)?,
    })
}

/// Registers an incoming case; its row id.
pub fn insert_incoming(tx: &Transaction, c: &IncomingRow) -> rusqlite::Result<i64> {
    exec(
        tx,
        "INSERT INTO incoming_cases (key, origin_hall, origin_hall_name, origin_number, service_id, service_name,
             authority, window_id, applicant_name, applicant_phone, detail, state, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            c.key,
            c.origin_hall,
            c.origin_hall_name,
            c.origin_number,
            c.service_id,
            c.service_name,
            c.authority,
            c.window_id,
            c.applicant_name,
            c.applicant_phone,
            c.detail.to_string(),
            c.state,
            c.received_at
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

pub fn incoming_by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<IncomingRow>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM incoming_cases WHERE id = ?1"))?
        .query_row([id], incoming)
        .optional()
}

pub fn incoming_by_origin(conn: &Connection, hall: &str, number: &str) -> rusqlite::Result<Option<IncomingRow>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM incoming_cases WHERE origin_hall = ?1 AND origin_number = ?2"))?
        .query_row([hall, number], incoming)
        .optional()
}

/// The window that handles an incoming case from now on.
/// The incoming cases not closed on a window not in `windows` (the windows a new hall keeps).
pub fn incoming_open_elsewhere(conn: &Connection, windows: &[&str]) -> rusqlite::Result<Vec<IncomingRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM incoming_cases WHERE state != 'closed' AND window_id IS NOT NULL \
         AND window_id NOT IN (SELECT value FROM json_each(?1)) ORDER BY id"
    ))?;
    let kept = serde_json::to_string(windows).expect("window ids are JSON");
    let rows = stmt.query_map(params![kept], incoming)?.collect();
    rows
}

/// Takes an incoming case off its window: on no desk, for the director to hand on.
pub fn unassign_incoming(tx: &Transaction, id: i64) -> rusqlite::Result<()> {
    exec(tx, "UPDATE incoming_cases SET window_id = NULL WHERE id = ?1", params![id]).map(drop)
}

pub fn assign_incoming(tx: &Transaction, id: i64, window_id: &str) -> rusqlite::Result<()> {
    exec(tx, "UPDATE incoming_cases SET window_id = ?2 WHERE id = ?1", params![id, window_id]).map(drop)
}

/// Saves an incoming case's state, result, deadline and particulars.
pub fn update_incoming(tx: &Transaction, c: &IncomingRow, at_ms: i64) -> rusqlite::Result<()> {
    let closed_at = (c.state == "closed").then_some(at_ms);
    exec(
        tx,
        "UPDATE incoming_cases SET state = ?2, result = ?3, deadline = ?4, extended = ?5, detail = ?6,
             closed_at = COALESCE(closed_at, ?7), accepted_on = ?8, promised_days = ?9
         WHERE id = ?1",
        params![
            c.id,
            c.state,
            c.result,
            c.deadline,
            c.extended,
            c.detail.to_string(),
            closed_at,
            c.accepted_on.map(|d| d.to_string()),
            c.promised_days
        ],
    )?;
    Ok(())
}

/// Incoming cases accepted whose deadline waits for a year of the calendar (a slice of its own
/// partial index), oldest first.
pub fn incoming_deadline_pending(conn: &Connection) -> rusqlite::Result<Vec<IncomingRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM incoming_cases
         WHERE state = 'accepted' AND deadline IS NULL AND promised_days IS NOT NULL ORDER BY id"
    ))?;
    let rows = stmt.query_map([], incoming)?;
    rows.collect()
}

/// Accepted incoming cases whose deadline lies between two days, inclusive.
pub fn incoming_due_between(conn: &Connection, from: &str, to: &str) -> rusqlite::Result<Vec<IncomingRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM incoming_cases WHERE state = 'accepted' AND deadline BETWEEN ?1 AND ?2 ORDER BY id"
    ))?;
    let rows = stmt.query_map([from, to], incoming)?;
    rows.collect()
}

/// Incoming cases: not closed (by arrival) or, with `all`, every one (newest first); only a
/// window's when given.
pub fn list_incoming(
    conn: &Connection,
    window: Option<&str>,
    all: bool,
    limit: u32,
) -> rusqlite::Result<Vec<IncomingRow>> {
    // Open ones by `incoming_not_closed` (a window's) or `incoming_open_id`, never a scan of
    // every case ever received.
    let state = if all { "1" } else { "state != 'closed'" };
    let order = if all { "id DESC" } else { "id" };
    let by_window = if window.is_some() { "AND window_id = ?2" } else { "" };
    let sql = format!("SELECT {COLUMNS} FROM incoming_cases WHERE {state} {by_window} ORDER BY {order} LIMIT ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = match window {
        Some(w) => stmt.query_map(params![limit, w], incoming)?.collect(),
        None => stmt.query_map(params![limit], incoming)?.collect(),
    };
    rows
}

pub fn add_step(tx: &Transaction, id: i64, at: i64, by: &str, action: &str, text: &str) -> rusqlite::Result<()> {
    exec(
        tx,
        "INSERT INTO incoming_steps (incoming_id, at, by, action, text) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, at, by, action, text],
    )?;
    Ok(())
}

/// An incoming case's steps: (at, by, action, text).
pub fn steps(conn: &Connection, id: i64) -> rusqlite::Result<Vec<(i64, String, String, String)>> {
    let mut stmt =
        conn.prepare_cached("SELECT at, by, action, text FROM incoming_steps WHERE incoming_id = ?1 ORDER BY id")?;
    let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    rows.collect()
}
