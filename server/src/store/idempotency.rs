//! Stored answers to POSTs that carried an `Idempotency-Key`, kept 24 hours.

use crate::store::{exec, query_one};
use rusqlite::{params, OptionalExtension, Transaction};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub fingerprint: String,
    pub status: u16,
    pub body: Option<String>,
}

pub fn find(tx: &Transaction, caller: &str, key: &str, since_ms: i64) -> rusqlite::Result<Option<Stored>> {
    query_one(
        tx,
        "SELECT fingerprint, status, body FROM idempotency WHERE caller = ?1 AND key = ?2 AND created_at >= ?3",
        params![caller, key, since_ms],
        |r| Ok(Stored { fingerprint: r.get(0)?, status: r.get(1)?, body: r.get(2)? }),
    )
    .optional()
}

/// Whether `key` answered a request of `caller` with success since `since_ms`: a retry of
/// something made (a refusal's key replayed is no retry of anything, and passes no rate limit).
pub fn exists(conn: &rusqlite::Connection, caller: &str, key: &str, since_ms: i64) -> rusqlite::Result<bool> {
    query_one(
        conn,
        "SELECT EXISTS (SELECT 1 FROM idempotency WHERE caller = ?1 AND key = ?2 AND created_at >= ?3 AND status < 300)",
        params![caller, key, since_ms],
        |r| r.get(0),
    )
}

pub fn save(tx: &Transaction, caller: &str, key: &str, s: &Stored, at_ms: i64) -> rusqlite::Result<()> {
    exec(
        tx,
        "INSERT OR REPLACE INTO idempotency (caller, key, fingerprint, status, body, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![caller, key, s.fingerprint, s.status, s.body, at_ms],
    )?;
    Ok(())
}

pub fn prune(tx: &Transaction, before_ms: i64) -> rusqlite::Result<usize> {
    exec(tx, "DELETE FROM idempotency WHERE created_at < ?1", [before_ms])
}
