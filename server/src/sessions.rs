//! The live staff sessions, in memory: every staff request and staff stream checks its token
//! here instead of reading the database (a read there cost a thread hop each way and ~45 µs of
//! the read pool: every commit empties the readers' page caches).
//!
//! Only the writer changes it: after each commit that touched the `sessions` table (a sign-in,
//! a sign-out, a move to another window, a session ended by a new hall or by expiry), it loads
//! the live sessions again from its own connection and puts them in force, before any answer
//! of that batch is sent. So a token works from the moment its sign-in is answered, and no
//! longer once its sign-out is.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::hall::InForce;
use crate::store::windows::{self, SessionRow};

/// The sessions not ended when they were loaded, by token hash.
#[derive(Debug, Default)]
pub struct LiveSessions(HashMap<String, SessionRow>);

impl LiveSessions {
    pub fn load(conn: &Connection, now_ms: i64) -> rusqlite::Result<LiveSessions> {
        Ok(LiveSessions(windows::live_sessions_by_token(conn, now_ms)?.into_iter().collect()))
    }

    /// The session of a token hash, unless it has expired by `now_ms`.
    pub fn find(&self, token_hash: &str, now_ms: i64) -> Option<&SessionRow> {
        self.0.get(token_hash).filter(|s| s.expires_at > now_ms)
    }
}

/// The live sessions in force for every request.
pub type SharedSessions = InForce<LiveSessions>;

#[cfg(test)]
mod tests {
    use super::*;

    fn session(id: i64, expires_at: i64) -> SessionRow {
        SessionRow { id, username: format!("clerk{id}"), role: "clerk".into(), window_id: None, expires_at }
    }

    #[test]
    fn a_session_is_found_until_it_expires() {
        let live = LiveSessions([("a".to_string(), session(1, 1_000))].into_iter().collect());
        let check = |hash: &str, now: i64, want: Option<i64>| {
            assert_eq!(live.find(hash, now).map(|s| s.id), want, "{hash} at {now}");
        };
        check("a", 999, Some(1));
        check("a", 1_000, None);
        check("b", 0, None);
    }
}
