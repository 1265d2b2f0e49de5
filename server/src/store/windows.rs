//! Window state (clerk signed in, paused, ticket at the window), sessions and attendance.

use crate::store::exec;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowRow {
    pub id: String,
    pub paused: bool,
    pub session_id: Option<i64>,
    pub username: Option<String>,
    pub signed_in_at: Option<i64>,
    pub current_ticket: Option<i64>,
    /// The signed-in session is still valid (not ended, not expired) at the time asked.
    pub staffed: bool,
    /// The clerk here stands in for another (R16).
    pub stand_in: bool,
}

impl WindowRow {
    /// Whether the session `session` holds the window now (signed in here, not ended or expired).
    pub fn held_by(&self, session: i64) -> bool {
        self.session_id == Some(session) && self.staffed
    }
}

/// Makes sure every configured window has a row.
pub fn ensure(tx: &Transaction, ids: &[String]) -> rusqlite::Result<()> {
    for id in ids {
        exec(tx, "INSERT OR IGNORE INTO windows (id) VALUES (?1)", [id])?;
    }
    Ok(())
}

pub fn get(conn: &Connection, id: &str, now_ms: i64) -> rusqlite::Result<Option<WindowRow>> {
    conn.prepare_cached(
        "SELECT w.id, w.paused, w.session_id, w.username, w.signed_in_at, w.current_ticket,
                s.id IS NOT NULL AND s.ended_at IS NULL AND s.expires_at > ?2, w.stand_in
         FROM windows w LEFT JOIN sessions s ON s.id = w.session_id WHERE w.id = ?1",
    )?
    .query_row(params![id, now_ms], |r| {
        Ok(WindowRow {
            id: r.get(0)?,
            paused: r.get(1)?,
            session_id: r.get(2)?,
            username: r.get(3)?,
            signed_in_at: r.get(4)?,
            current_ticket: r.get(5)?,
            staffed: r.get(6)?,
            stand_in: r.get(7)?,
        })
    })
    .optional()
}

pub fn set_current(tx: &Transaction, id: &str, ticket: Option<i64>) -> rusqlite::Result<()> {
    exec(tx, "UPDATE windows SET current_ticket = ?2 WHERE id = ?1", params![id, ticket])?;
    Ok(())
}

pub fn set_paused(tx: &Transaction, id: &str, paused: bool) -> rusqlite::Result<()> {
    exec(tx, "UPDATE windows SET paused = ?2 WHERE id = ?1", params![id, paused])?;
    Ok(())
}

/// A clerk takes the window (`stand_in`: for another, R16): the previous clerk's session loses it.
pub fn sign_in(
    tx: &Transaction,
    id: &str,
    session_id: i64,
    username: &str,
    at_ms: i64,
    stand_in: bool,
) -> rusqlite::Result<()> {
    exec(
        tx,
        "UPDATE windows SET session_id = ?2, username = ?3, signed_in_at = ?4, paused = 0, stand_in = ?5 WHERE id = ?1",
        params![id, session_id, username, at_ms, stand_in],
    )?;
    Ok(())
}

pub fn sign_out(tx: &Transaction, id: &str) -> rusqlite::Result<()> {
    exec(
        tx,
        "UPDATE windows SET session_id = NULL, username = NULL, signed_in_at = NULL, stand_in = 0 WHERE id = ?1",
        [id],
    )?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id: i64,
    pub username: String,
    pub role: String,
    pub window_id: Option<String>,
    pub expires_at: i64,
}

pub fn create_session(
    tx: &Transaction,
    token_hash: &str,
    username: &str,
    role: &str,
    window_id: Option<&str>,
    now_ms: i64,
    expires_ms: i64,
) -> rusqlite::Result<i64> {
    exec(
        tx,
        "INSERT INTO sessions (token_hash, username, role, window_id, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![token_hash, username, role, window_id, now_ms, expires_ms],
    )?;
    let id = tx.last_insert_rowid();
    if let Some(window) = window_id {
        took_window(tx, id, window, now_ms)?;
    }
    Ok(id)
}

/// Every session not ended nor expired at `now_ms`, with its token hash (the writer keeps them
/// in memory: `crate::sessions`).
pub fn live_sessions_by_token(conn: &Connection, now_ms: i64) -> rusqlite::Result<Vec<(String, SessionRow)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, username, role, window_id, expires_at, token_hash FROM sessions
         WHERE ended_at IS NULL AND expires_at > ?1",
    )?;
    let rows = stmt.query_map([now_ms], |r| Ok((r.get(5)?, session_row(r)?)))?;
    rows.collect()
}

/// The clerk whose session held `window` at `at_ms`: the latest session to take the window by
/// then (a sign-in there, or the director's move of a session there), unless by then it had
/// ended, run out, been moved on, or lost the window without ending: a session does when its
/// clerk signs in at a window again (another computer, another window), and a session taking
/// the window after it takes it from it. One lookup of the windows taken by window; the
/// session's moves by its id; the clerk's later sign-ins by the sessions' start index.
pub fn clerk_at(conn: &Connection, window: &str, at_ms: i64) -> rusqlite::Result<Option<String>> {
    let latest: Option<(String, Option<i64>, i64, bool)> = conn
        .prepare_cached(
            "SELECT s.username, s.ended_at, s.expires_at,
                    EXISTS (SELECT 1 FROM session_windows moved
                            WHERE moved.session_id = w.session_id AND moved.since > w.since AND moved.since <= ?2)
                    OR EXISTS (SELECT 1 FROM sessions later
                               WHERE later.created_at > w.since AND later.created_at <= ?2
                                 AND later.username = s.username AND later.window_id IS NOT NULL)
             FROM session_windows w INDEXED BY session_windows_at JOIN sessions s ON s.id = w.session_id
             WHERE w.window_id = ?1 AND w.since <= ?2 AND s.role = 'clerk'
             ORDER BY w.since DESC LIMIT 1",
        )?
        .query_row(params![window, at_ms], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let held = |(_, ended, expires, left): &(String, Option<i64>, i64, bool)| {
        ended.is_none_or(|e| e >= at_ms) && *expires > at_ms && !left
    };
    Ok(latest.filter(held).map(|(u, ..)| u))
}

/// A row of `SELECT id, username, role, window_id, expires_at FROM sessions`.
fn session_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow { id: r.get(0)?, username: r.get(1)?, role: r.get(2)?, window_id: r.get(3)?, expires_at: r.get(4)? })
}

/// Every live session (not ended, not expired).
pub fn live_sessions(conn: &Connection, now_ms: i64) -> rusqlite::Result<Vec<SessionRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, username, role, window_id, expires_at FROM sessions WHERE ended_at IS NULL AND expires_at > ?1",
    )?;
    let rows = stmt.query_map([now_ms], session_row)?;
    rows.collect()
}

pub fn end_session(tx: &Transaction, id: i64, now_ms: i64) -> rusqlite::Result<()> {
    exec(tx, "UPDATE sessions SET ended_at = ?2 WHERE id = ?1 AND ended_at IS NULL", params![id, now_ms])?;
    Ok(())
}

/// A session that ran out ended when it expired (not when the sweep found it): the clerk's day
/// ends there for attendance (R15).
pub fn end_expired_session(tx: &Transaction, id: i64) -> rusqlite::Result<()> {
    exec(tx, "UPDATE sessions SET ended_at = expires_at WHERE id = ?1 AND ended_at IS NULL", [id])?;
    Ok(())
}

/// Records the day's first sign-in (R15); later sign-ins keep the first time.
pub fn record_attendance(
    tx: &Transaction,
    day: &str,
    username: &str,
    window_id: Option<&str>,
    at_ms: i64,
) -> rusqlite::Result<()> {
    exec(
        tx,
        "INSERT OR IGNORE INTO attendance (day, username, window_id, signed_in_at) VALUES (?1, ?2, ?3, ?4)",
        params![day, username, window_id, at_ms],
    )?;
    Ok(())
}

pub fn attendance(conn: &Connection, day: &str) -> rusqlite::Result<Vec<(String, Option<String>, i64)>> {
    let mut stmt =
        conn.prepare("SELECT username, window_id, signed_in_at FROM attendance WHERE day = ?1 ORDER BY signed_in_at")?;
    let rows = stmt.query_map([day], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

/// The clerk's newest live session bound to a window, if any: `(session id, window id)`.
pub fn live_clerk_session(conn: &Connection, username: &str, now_ms: i64) -> rusqlite::Result<Option<(i64, String)>> {
    conn.prepare_cached(
        "SELECT id, window_id FROM sessions
         WHERE username = ?1 AND role = 'clerk' AND window_id IS NOT NULL AND ended_at IS NULL AND expires_at > ?2
         ORDER BY id DESC LIMIT 1",
    )?
    .query_row(params![username, now_ms], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()
}

/// The director sends a signed-in clerk's session to another window (a stand-in): it holds that
/// window from `now_ms`, and the one it had until then (see [`clerk_at`]).
pub fn move_session(tx: &Transaction, session_id: i64, window_id: &str, now_ms: i64) -> rusqlite::Result<()> {
    exec(tx, "UPDATE sessions SET window_id = ?2 WHERE id = ?1", params![session_id, window_id])?;
    took_window(tx, session_id, window_id, now_ms)
}

/// A session took `window` at `at_ms` (its sign-in there, or a move).
fn took_window(tx: &Transaction, session_id: i64, window: &str, at_ms: i64) -> rusqlite::Result<()> {
    exec(
        tx,
        "INSERT INTO session_windows (session_id, window_id, since) VALUES (?1, ?2, ?3)",
        params![session_id, window, at_ms],
    )?;
    Ok(())
}
