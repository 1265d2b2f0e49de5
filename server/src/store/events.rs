//! Events are rows: appended in the same transaction as the change, the row id is the SSE
//! `id:`, and a client resuming with `Last-Event-ID` is served from here.

use std::sync::Arc;

use axum::body::Bytes;

use crate::store::{exec, query_one};
use rusqlite::{params, Connection, Transaction};

/// An event as stored and as sent: its SSE frame is built once and shared (reference-counted)
/// by every subscriber.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveEvent {
    pub id: i64,
    pub kind: String,
    pub data: Arc<str>,
    /// `id: …\nevent: …\ndata: …\n\n` (compact JSON has no raw newline, so one data line).
    pub frame: Bytes,
}

impl LiveEvent {
    pub fn new(id: i64, kind: String, data: Arc<str>) -> Self {
        let frame = Bytes::from(format!("id: {id}\nevent: {kind}\ndata: {data}\n\n"));
        LiveEvent { id, kind, data, frame }
    }
}

pub fn append(tx: &Transaction, at_ms: i64, kind: &str, data: &str) -> rusqlite::Result<LiveEvent> {
    exec(tx, "INSERT INTO events (at, kind, data) VALUES (?1, ?2, ?3)", params![at_ms, kind, data])?;
    Ok(LiveEvent::new(tx.last_insert_rowid(), kind.to_string(), Arc::from(data)))
}

/// Events after `id`, oldest first, at most `limit`.
pub fn after(conn: &Connection, id: i64, limit: usize) -> rusqlite::Result<Vec<LiveEvent>> {
    let mut stmt = conn.prepare_cached("SELECT id, kind, data FROM events WHERE id > ?1 ORDER BY id LIMIT ?2")?;
    let rows = stmt.query_map(params![id, limit as i64], |r| {
        Ok(LiveEvent::new(r.get(0)?, r.get(1)?, Arc::from(r.get::<_, String>(2)?)))
    })?;
    rows.collect()
}

/// The newest event id, 0 when none.
pub fn last_id(conn: &Connection) -> rusqlite::Result<i64> {
    query_one(conn, "SELECT COALESCE(MAX(id), 0) FROM events", [], |r| r.get(0))
}

/// Drops events older than `before_ms` (resume is promised for at least 24 hours).
pub fn prune(tx: &Transaction, before_ms: i64) -> rusqlite::Result<usize> {
    exec(tx, "DELETE FROM events WHERE at < ?1", [before_ms])
}
