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
    /// `id: …\nevent: …\ndata: …\n\n` (compact JSON has no raw newline, so one data line):
    /// what a staff stream gets.
    pub frame: Bytes,
    /// The same without personal information (a ticket's priority class and matter): what an
    /// anonymous stream gets (contract v1.1). The same bytes when there was nothing to remove;
    /// empty for an event only staff get (nothing is sent).
    pub public: Bytes,
    /// Only the director's and administrators' streams get it (the citizen's voice: ratings'
    /// follow-ups, complaints, petitions).
    pub director_only: bool,
}

/// Who a live stream is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// No token: displays, phones.
    Public,
    /// A clerk's session.
    Staff,
    /// The director's or an administrator's session.
    Director,
}

/// Events only staff streams get: a case carries personal information and the hall's work.
const STAFF_ONLY: [&str; 1] = [hall_wire::event_kind::CASE_CHANGED];

/// Events only the director's and administrators' streams get: that a complaint, petition or
/// bad rating exists is confidential (R20, R21), even without names.
const DIRECTOR_ONLY: [&str; 1] = [hall_wire::event_kind::FEEDBACK_CHANGED];

/// Fields of an event that only staff may see.
const PRIVATE_FIELDS: [&str; 2] = ["priority", "service_id"];

fn scrub(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            for f in PRIVATE_FIELDS {
                map.remove(f);
            }
            map.values_mut().for_each(scrub);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(scrub),
        _ => {}
    }
}

/// The event's data without its private fields, or `None` when it has none.
fn public_data(data: &str) -> Option<String> {
    if !PRIVATE_FIELDS.iter().any(|f| data.contains(&format!("\"{f}\""))) {
        return None;
    }
    let mut v: serde_json::Value = serde_json::from_str(data).ok()?;
    scrub(&mut v);
    Some(v.to_string())
}

impl LiveEvent {
    pub fn new(id: i64, kind: String, data: Arc<str>) -> Self {
        let frame = Bytes::from(format!("id: {id}\nevent: {kind}\ndata: {data}\n\n"));
        let director_only = DIRECTOR_ONLY.contains(&kind.as_str());
        let public = if director_only || STAFF_ONLY.contains(&kind.as_str()) {
            Bytes::new()
        } else {
            match public_data(&data) {
                Some(p) => Bytes::from(format!("id: {id}\nevent: {kind}\ndata: {p}\n\n")),
                None => frame.clone(),
            }
        };
        LiveEvent { id, kind, data, frame, public, director_only }
    }

    /// The frame for a stream: the director everything, staff all but the director's own
    /// events, anyone else the public part (empty: nothing is sent).
    pub fn frame_for(&self, audience: Audience) -> Bytes {
        match audience {
            Audience::Director => self.frame.clone(),
            Audience::Staff if !self.director_only => self.frame.clone(),
            Audience::Staff => Bytes::new(),
            Audience::Public => self.public.clone(),
        }
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

#[cfg(test)]
mod tests {
    #[test]
    fn anonymous_frames_carry_no_priority_or_matter() {
        let e = super::LiveEvent::new(
            7,
            "ticket_issued".into(),
            r#"{"ticket_id":3,"number":"B003","queue":"minzheng","service_id":"mz-dibao","priority":"pregnant"}"#
                .into(),
        );
        let public = String::from_utf8(e.public.to_vec()).unwrap();
        assert_eq!(
            public,
            "id: 7\nevent: ticket_issued\ndata: {\"ticket_id\":3,\"number\":\"B003\",\"queue\":\"minzheng\"}\n\n"
        );
        assert!(String::from_utf8(e.frame.to_vec()).unwrap().contains("pregnant"));
        let plain = super::LiveEvent::new(8, "window_status".into(), r#"{"window_id":"w01"}"#.into());
        assert_eq!(plain.public, plain.frame);
    }

    #[test]
    fn the_voice_of_citizens_reaches_only_the_director() {
        use super::Audience;
        let e = super::LiveEvent::new(9, "feedback_changed".into(), r#"{"kind":"complaint","id":1}"#.into());
        assert!(!e.frame_for(Audience::Director).is_empty());
        assert!(e.frame_for(Audience::Staff).is_empty());
        assert!(e.frame_for(Audience::Public).is_empty());
        let case = super::LiveEvent::new(10, "case_changed".into(), r#"{"number":"x"}"#.into());
        assert!(!case.frame_for(Audience::Staff).is_empty());
        assert!(case.frame_for(Audience::Public).is_empty());
    }
}
