//! Events are rows: appended in the same transaction as the change, the row id is the SSE
//! `id:`, and a client resuming with `Last-Event-ID` is served from here.

use std::sync::{Arc, OnceLock};

use axum::body::Bytes;

use crate::store::{exec, query_one};
use rusqlite::{params, Connection, Transaction};

/// An event as stored and as sent: its SSE frames are built once, by the first stream that
/// sends it (never in the writer: the public frame costs a JSON parse, and with nobody
/// listening nothing is built), and shared (reference-counted) by every subscriber.
#[derive(Debug, Clone)]
pub struct LiveEvent {
    pub id: i64,
    pub kind: String,
    pub data: Arc<str>,
    /// Only the director's and administrators' streams get it (the citizen's voice: ratings'
    /// follow-ups, complaints, petitions).
    pub director_only: bool,
    frames: Arc<OnceLock<Frames>>,
    /// A clerk's frame (see [`LiveEvent::clerk_frame`]), made by the first clerk's stream.
    clerk: Arc<OnceLock<Bytes>>,
}

#[derive(Debug)]
struct Frames {
    /// `id: …\nevent: …\ndata: …\n\n` (compact JSON has no raw newline, so one data line):
    /// what a staff stream gets.
    frame: Bytes,
    /// The same without personal information (a ticket's priority class and matter): what an
    /// anonymous stream gets (contract v1.1). The same bytes when there was nothing to remove;
    /// empty for an event only staff get (nothing is sent).
    public: Bytes,
}

impl PartialEq for LiveEvent {
    fn eq(&self, other: &Self) -> bool {
        (self.id, &self.kind, &self.data) == (other.id, &other.kind, &other.data)
    }
}

impl Eq for LiveEvent {}

/// Who a live stream is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// No token: displays, phones.
    Public,
    /// A clerk's session.
    Staff,
    /// The director's or an administrator's session.
    Director,
    /// The county service (`[[counties]]`): every event, so that its ids have no gap, each
    /// without personal information.
    County,
}

/// Events only staff streams get: a case carries personal information and the hall's work; a
/// village request the hall's work (never the villager: no name, phone or note in it); the
/// relay's outbox and incoming cases the hall's work.
const STAFF_ONLY: [&str; 4] = [
    hall_wire::event_kind::CASE_CHANGED,
    hall_wire::event_kind::VILLAGE_CHANGED,
    hall_wire::event_kind::RELAY_PENDING,
    hall_wire::event_kind::INCOMING_CHANGED,
];

/// Events only the director's and administrators' streams get: that a complaint, petition or
/// bad rating exists is confidential (R20, R21), even without names; a rating's level, live at
/// the window just served, would tell the clerk who rated what.
const DIRECTOR_ONLY: [&str; 2] = [hall_wire::event_kind::FEEDBACK_CHANGED, hall_wire::event_kind::RATING_GIVEN];

/// Fields of an event that only staff may see: the priority class, the matter, and how a
/// service ended (`returned`, `supplement`: the result of a citizen's application, beside the
/// number just called out in the lobby).
const PRIVATE_FIELDS: [&str; 3] = ["priority", "service_id", "outcome"];

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

/// Whether the JSON text has the key (or string) `"field"`, without allocating (this runs for
/// every event a commit makes).
fn mentions(data: &str, field: &str) -> bool {
    data.match_indices(field).any(|(i, _)| data[..i].ends_with('"') && data[i + field.len()..].starts_with('"'))
}

/// The event's data without its private fields, or `None` when it has none; an empty text
/// when it cannot be read (never the whole event, unscrubbed: nothing is sent).
fn public_data(data: &str) -> Option<String> {
    if !PRIVATE_FIELDS.iter().any(|f| mentions(data, f)) {
        return None;
    }
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(data) else { return Some(String::new()) };
    scrub(&mut v);
    Some(v.to_string())
}

/// Fields the county never gets, wherever they are in an event: the citizen's priority class
/// (health, disability, pregnancy), anyone's phone, contacts or identity number, and free text
/// (reasons, notes) that may hold any of them. Checked against every event kind's real payload
/// in the tests below; a new event field with personal data belongs here.
pub const COUNTY_PRIVATE_FIELDS: [&str; 12] = [
    "priority",
    "phone",
    "contact",
    "contacts",
    "id_number",
    "id_card",
    "applicant",
    "complainant",
    "petitioner",
    "reason",
    "note",
    "text",
];

/// Fields of a person (the clerk on duty, under `staff`) the county never gets: a queue's,
/// window's or kiosk's `name` elsewhere stays. (`signed_in_ms` is no person's, but only a desk
/// telling its own sign-in from a takeover needs it: not sent on either.)
pub const COUNTY_PERSON_FIELDS: [&str; 4] = ["name", "staff_no", "photo_url", "signed_in_ms"];

/// Where a field sits, for the scrub: a `reason` in the hall's issuing state is a code
/// (`closed`, `cut_off`, `quota_reached`…), not free text, and stays.
#[derive(Clone, Copy, PartialEq)]
enum Within {
    Other,
    Staff,
    Issuing,
}

fn county_scrub(v: &mut serde_json::Value, within: Within) {
    match v {
        serde_json::Value::Object(map) => {
            for f in COUNTY_PRIVATE_FIELDS {
                if !(f == "reason" && within == Within::Issuing) {
                    map.remove(f);
                }
            }
            if within == Within::Staff {
                for f in COUNTY_PERSON_FIELDS {
                    map.remove(f);
                }
            }
            for (k, v) in map.iter_mut() {
                let inner = match k.as_str() {
                    "staff" => Within::Staff,
                    "issuing" => Within::Issuing,
                    _ => Within::Other,
                };
                county_scrub(v, inner);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| county_scrub(v, within)),
        _ => {}
    }
}

/// The event's data for the county, or `None` when there was nothing to remove.
pub fn county_data(kind: &str, data: &str) -> Option<String> {
    if !COUNTY_PRIVATE_FIELDS.iter().chain(&COUNTY_PERSON_FIELDS).any(|f| mentions(data, f)) {
        return None;
    }
    // Unreadable: sent as an empty object (the county's ids must have no gap), never unscrubbed.
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(data) else { return Some("{}".into()) };
    let before = v.clone();
    let top = if kind == hall_wire::event_kind::ISSUING_CHANGED { Within::Issuing } else { Within::Other };
    county_scrub(&mut v, top);
    (v != before).then(|| v.to_string())
}

/// Every `priority` field taken out, wherever it is.
fn without_priority(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.remove("priority");
            m.values_mut().for_each(without_priority);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(without_priority),
        _ => {}
    }
}

/// What a county stream gets when events it asked for are no longer kept (older than the
/// hall keeps them, 7 days): `event: events_missed`, no `id:`, data `{"after": A, "next": N}`
/// (ids `A+1 .. N-1` are gone; the next event sent is `N`, or a later one when the table is
/// empty).
pub fn missed_frame(after: i64, next: i64) -> Bytes {
    Bytes::from(format!("event: events_missed\ndata: {{\"after\":{after},\"next\":{next}}}\n\n"))
}

impl LiveEvent {
    pub fn new(id: i64, kind: String, data: Arc<str>) -> Self {
        let director_only = DIRECTOR_ONLY.contains(&kind.as_str());
        LiveEvent { id, kind, data, director_only, frames: Arc::default(), clerk: Arc::default() }
    }

    fn frames(&self) -> &Frames {
        self.frames.get_or_init(|| {
            let (id, kind, data) = (self.id, &self.kind, &self.data);
            let frame = Bytes::from(format!("id: {id}\nevent: {kind}\ndata: {data}\n\n"));
            let public = if self.director_only || STAFF_ONLY.contains(&kind.as_str()) {
                Bytes::new()
            } else {
                match public_data(data) {
                    Some(p) if p.is_empty() => Bytes::new(),
                    Some(p) => Bytes::from(format!("id: {id}\nevent: {kind}\ndata: {p}\n\n")),
                    None => frame.clone(),
                }
            };
            Frames { frame, public }
        })
    }

    /// What a staff stream gets (the director's: every event).
    pub fn frame(&self) -> Bytes {
        self.frames().frame.clone()
    }

    /// What an anonymous stream gets: empty when nothing is sent to it.
    pub fn public(&self) -> Bytes {
        self.frames().public.clone()
    }

    /// Every event, personal information removed ([`county_data`]): what the county service
    /// gets (its ids must have no gap); `frame` itself when nothing was removed. Built by the
    /// county's own stream when it sends the event, never in the writer: a hall without a
    /// county listening pays nothing for it (it cost a JSON parse per event of every commit).
    pub fn county_frame(&self) -> Bytes {
        match county_data(&self.kind, &self.data) {
            Some(c) => Bytes::from(format!("id: {}\nevent: {}\ndata: {c}\n\n", self.id, self.kind)),
            None => self.frame(),
        }
    }

    /// What a clerk's stream gets: the event without any ticket's priority class. A clerk
    /// learns the class of the ticket at their own window from its answers and the windows'
    /// list; the stream carries every window's and queue's tickets, and replays a week of
    /// them (个人信息保护法: not every clerk's to know who is old, disabled or pregnant).
    pub fn clerk_frame(&self) -> Bytes {
        self.clerk
            .get_or_init(|| {
                if !mentions(&self.data, "priority") {
                    return self.frame();
                }
                let Ok(mut v) = serde_json::from_str::<serde_json::Value>(&self.data) else { return Bytes::new() };
                without_priority(&mut v);
                Bytes::from(format!("id: {}\nevent: {}\ndata: {v}\n\n", self.id, self.kind))
            })
            .clone()
    }

    /// The frame for a stream: the director everything, clerks all but the director's own
    /// events and the priority classes, anyone else the public part (empty: nothing is sent).
    pub fn frame_for(&self, audience: Audience) -> Bytes {
        match audience {
            Audience::Director => self.frame(),
            Audience::Staff if !self.director_only => self.clerk_frame(),
            Audience::Staff => Bytes::new(),
            Audience::Public => self.public(),
            Audience::County => self.county_frame(),
        }
    }
}

pub fn append(tx: &Transaction, at_ms: i64, kind: &str, data: &str) -> rusqlite::Result<LiveEvent> {
    exec(tx, "INSERT INTO events (at, kind, data) VALUES (?1, ?2, ?3)", params![at_ms, kind, data])?;
    Ok(LiveEvent::new(tx.last_insert_rowid(), kind.to_string(), Arc::from(data)))
}

/// Events after `id`, oldest first, at most `limit`.
pub fn after(conn: &Connection, id: i64, upto: i64, limit: usize) -> rusqlite::Result<Vec<LiveEvent>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, kind, data FROM events WHERE id > ?1 AND id <= ?2 ORDER BY id LIMIT ?3")?;
    let rows = stmt.query_map(params![id, upto, limit as i64], |r| {
        Ok(LiveEvent::new(r.get(0)?, r.get(1)?, Arc::from(r.get::<_, String>(2)?)))
    })?;
    rows.collect()
}

/// The newest event id, 0 when none.
pub fn last_id(conn: &Connection) -> rusqlite::Result<i64> {
    query_one(conn, "SELECT COALESCE(MAX(id), 0) FROM events", [], |r| r.get(0))
}

/// The newest event id ever given, even when every event was pruned since (ids are never
/// reused: `AUTOINCREMENT`); 0 when none.
pub fn last_given_id(conn: &Connection) -> rusqlite::Result<i64> {
    let seq: i64 =
        query_one(conn, "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)", [], |r| {
            r.get(0)
        })?;
    Ok(seq.max(last_id(conn)?))
}

/// Drops events older than `before_ms` (resume is promised for at least 24 hours): those
/// before the first event at or after it, by id. Events are written in id order by one writer,
/// so this reads only the events it drops, without an index on the time that every event would
/// write (should the clock have stepped back, an older event after that one is kept, never a
/// newer one dropped).
pub fn prune(tx: &Transaction, before_ms: i64) -> rusqlite::Result<usize> {
    exec(
        tx,
        "DELETE FROM events WHERE id < COALESCE(
             (SELECT id FROM events WHERE at >= ?1 ORDER BY id LIMIT 1),
             (SELECT MAX(id) + 1 FROM events))",
        [before_ms],
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_field_is_mentioned_only_as_a_quoted_key_or_string() {
        // (JSON text, field, mentioned)
        for (data, field, want) in [
            (r#"{"priority":"elderly"}"#, "priority", true),
            (r#"{"ticket_id":3,"priority_cap":2}"#, "priority", false),
            (r#"{"note":"no priority here"}"#, "priority", false),
            (r#"{"staff":{"name":"x"}}"#, "name", true),
            (r#"{"window_name":"x"}"#, "name", false),
            ("", "name", false),
        ] {
            assert_eq!(super::mentions(data, field), want, "{data} {field}");
        }
    }

    #[test]
    fn anonymous_frames_carry_no_priority_or_matter() {
        let e = super::LiveEvent::new(
            7,
            "ticket_issued".into(),
            r#"{"ticket_id":3,"number":"B003","queue":"minzheng","service_id":"mz-dibao","priority":"pregnant"}"#
                .into(),
        );
        let public = String::from_utf8(e.public().to_vec()).unwrap();
        assert_eq!(
            public,
            "id: 7\nevent: ticket_issued\ndata: {\"ticket_id\":3,\"number\":\"B003\",\"queue\":\"minzheng\"}\n\n"
        );
        assert!(String::from_utf8(e.frame().to_vec()).unwrap().contains("pregnant"));
        let plain = super::LiveEvent::new(8, "window_status".into(), r#"{"window_id":"w01"}"#.into());
        assert_eq!(plain.public(), plain.frame());
        // Built once, by the first stream that sends it, and shared by every copy.
        let copy = plain.clone();
        assert_eq!(copy.frame().as_ptr(), plain.frame().as_ptr());
    }

    #[test]
    fn an_event_that_cannot_be_read_is_never_sent_unscrubbed() {
        use super::Audience;
        let broken = super::LiveEvent::new(12, "ticket_issued".into(), r#"{"priority":"pregnant""#.into());
        assert!(broken.frame_for(Audience::Public).is_empty());
        let county = String::from_utf8(broken.frame_for(Audience::County).to_vec()).unwrap();
        assert!(county.contains("data: {}") && !county.contains("pregnant"), "{county}");
        let finished =
            super::LiveEvent::new(13, "ticket_finished".into(), r#"{"number":"B001","outcome":"returned"}"#.into());
        let public = String::from_utf8(finished.frame_for(Audience::Public).to_vec()).unwrap();
        assert!(public.contains("B001") && !public.contains("returned"), "{public}");
    }

    #[test]
    fn the_voice_of_citizens_reaches_only_the_director() {
        use super::Audience;
        let e = super::LiveEvent::new(9, "feedback_changed".into(), r#"{"kind":"complaint","id":1}"#.into());
        assert!(!e.frame_for(Audience::Director).is_empty());
        assert!(e.frame_for(Audience::Staff).is_empty());
        assert!(e.frame_for(Audience::Public).is_empty());
        let rating = super::LiveEvent::new(11, "rating_given".into(), r#"{"level":"satisfied"}"#.into());
        assert!(!rating.frame_for(Audience::Director).is_empty());
        assert!(rating.frame_for(Audience::Staff).is_empty(), "the clerk must not see the level live");
        assert!(!rating.frame_for(Audience::County).is_empty());
        let case = super::LiveEvent::new(10, "case_changed".into(), r#"{"number":"x"}"#.into());
        assert!(!case.frame_for(Audience::Staff).is_empty());
        assert!(case.frame_for(Audience::Public).is_empty());
    }

    /// Every event kind as the ops build it (the wire types), and what the county gets of it.
    #[test]
    fn the_county_gets_every_event_without_personal_information() {
        use super::Audience;
        use hall_wire::{self as wire, event_kind as k};
        let at = "2026-11-25T09:00:00+08:00".to_string();
        let issuing =
            wire::Issuing { open: false, reason: Some(wire::IssuingStop::CutOff), ..wire::Issuing::default() };
        let staff = wire::StaffOnDuty {
            name: "张三".into(),
            staff_no: "QS-007".into(),
            signed_in_at: at.clone(),
            signed_in_ms: 1_795_050_000_000,
            photo_url: Some("/api/staff/clerk1/photo".into()),
            stand_in: true,
        };
        let value = |v: serde_json::Value| v;
        // (kind, the payload, what the county gets: None when it is sent as it is)
        let table: Vec<(&str, serde_json::Value, Option<serde_json::Value>)> = vec![
            (
                k::TICKET_ISSUED,
                value(
                    serde_json::to_value(wire::TicketIssued {
                        ticket_id: 3,
                        number: "B003".into(),
                        queue: "minzheng".into(),
                        service_id: "mz-dibao".into(),
                        priority: Some(wire::Priority::Pregnant),
                        at: at.clone(),
                        booked: false,
                    })
                    .unwrap(),
                ),
                Some(
                    serde_json::json!({"ticket_id":3,"number":"B003","queue":"minzheng","service_id":"mz-dibao","booked":false,"at":at}),
                ),
            ),
            (
                k::TICKET_CALLED,
                serde_json::to_value(wire::Call {
                    ticket_id: 3,
                    number: "B003".into(),
                    window_id: "w01".into(),
                    window_number: 1,
                    window_name: "1号窗口".into(),
                    at: at.clone(),
                    recall: false,
                    booked: false,
                })
                .unwrap(),
                None,
            ),
            (
                k::TICKET_FINISHED,
                serde_json::to_value(wire::TicketFinished {
                    ticket_id: 3,
                    number: "B003".into(),
                    window_id: "w01".into(),
                    outcome: wire::Outcome::Promised,
                    at: at.clone(),
                })
                .unwrap(),
                None,
            ),
            (
                k::TICKET_NO_SHOW,
                serde_json::to_value(wire::TicketNoShow {
                    ticket_id: 3,
                    number: "B003".into(),
                    window_id: "w01".into(),
                    at: at.clone(),
                })
                .unwrap(),
                None,
            ),
            (
                k::WINDOW_STATUS,
                serde_json::to_value(wire::WindowStatusChanged {
                    window_id: "w01".into(),
                    window_number: 1,
                    status: wire::WindowStatus::Open,
                    staff: Some(staff),
                    serving: Some("B003".into()),
                    at: at.clone(),
                })
                .unwrap(),
                Some(serde_json::json!({"window_id":"w01","window_number":1,"status":"open",
                    "staff":{"signed_in_at":at,"stand_in":true},"serving":"B003","at":at})),
            ),
            (
                k::QUEUE_CHANGED,
                serde_json::to_value(wire::QueueChanged {
                    queue: wire::Queue {
                        queue: "minzheng".into(),
                        prefix: "B".into(),
                        name: "民政".into(),
                        waiting: 4,
                        estimated_wait_minutes: 12,
                        oldest_wait_minutes: 9,
                        issuing: issuing.clone(),
                    },
                    at: Some(at.clone()),
                })
                .unwrap(),
                None,
            ),
            (k::ISSUING_CHANGED, serde_json::to_value(&issuing).unwrap(), None),
            (
                k::CASE_CHANGED,
                serde_json::to_value(wire::CaseChanged {
                    number: "20261125-0001".into(),
                    kind: wire::Outcome::Promised,
                    state: wire::CaseState::Open,
                    window_id: "w01".into(),
                    first_window_id: "w01".into(),
                    deadline: Some("2026-12-09".into()),
                    action: "registered".into(),
                    at: at.clone(),
                    service_id: Some("mz-dibao".into()),
                    from_window_id: None,
                })
                .unwrap(),
                None,
            ),
            (
                k::FEEDBACK_CHANGED,
                serde_json::to_value(wire::FeedbackChanged {
                    subject: wire::FeedbackSubject::Petition,
                    id: 4,
                    action: "registered".into(),
                    urgent: true,
                    at: at.clone(),
                    day: None,
                })
                .unwrap(),
                None,
            ),
            (
                k::RATING_GIVEN,
                serde_json::to_value(wire::RatingGiven {
                    level: wire::RatingLevel::Dissatisfied,
                    window_id: "w01".into(),
                    service_id: "mz-dibao".into(),
                    channel: wire::RatingChannel::Phone,
                    at: at.clone(),
                })
                .unwrap(),
                None,
            ),
            (
                k::NOTICE_CHANGED,
                serde_json::to_value(wire::Notice { notice: "今天下午停电".into(), at: Some(at.clone()) }).unwrap(),
                None,
            ),
            (
                k::TICKET_TRANSFERRED,
                serde_json::to_value(wire::TicketTransferred {
                    ticket_id: 3,
                    number: "B003".into(),
                    from_window_id: "w01".into(),
                    service_id: "mz-dibao".into(),
                    queue: "minzheng".into(),
                    window_id: Some("w02".into()),
                    at: at.clone(),
                })
                .unwrap(),
                None,
            ),
            (
                k::TICKET_REQUEUED,
                serde_json::to_value(wire::TicketRequeued {
                    ticket_id: 3,
                    number: "B003".into(),
                    queue: "minzheng".into(),
                    at: at.clone(),
                })
                .unwrap(),
                None,
            ),
            (
                k::KIOSK_FAULT,
                serde_json::to_value(wire::KioskState {
                    kiosk_id: "kiosk-lobby-1".into(),
                    name: "大厅1号自助取号机".into(),
                    fault: Some(wire::KioskFaultKind::PaperOut),
                    message: "缺纸".into(),
                    ticket_number: Some("B003".into()),
                    at: Some(at.clone()),
                })
                .unwrap(),
                None,
            ),
            (
                k::VILLAGE_CHANGED,
                serde_json::to_value(wire::VillageChanged {
                    id: 2,
                    number: "DB20261125-001".into(),
                    station: "石桥村便民服务站".into(),
                    service_id: "mz-dibao".into(),
                    status: wire::VillageStatus::Forwarded,
                    urgent: false,
                    forward_by: "2026-11-30".into(),
                    action: "forwarded".into(),
                    at: at.clone(),
                })
                .unwrap(),
                None,
            ),
            ("hall_changed", serde_json::json!({"at": at, "sha256": "ab"}), None),
            // Fields no event carries today, should one ever carry them.
            (
                "future_kind",
                serde_json::json!({"id":1,"applicant":{"name":"李四","phone":"13800000000","id_number":"5101"},
                    "reason":"住院","note":"家属代办","contacts":["x"],"text":"…"}),
                Some(serde_json::json!({"id":1})),
            ),
        ];
        for (n, (kind, payload, county)) in table.into_iter().enumerate() {
            let data = payload.to_string();
            let e = super::LiveEvent::new(n as i64 + 1, kind.into(), data.clone().into());
            let frame = String::from_utf8(e.frame_for(Audience::County).to_vec()).unwrap();
            let expected = county.unwrap_or(payload);
            assert_eq!(frame, format!("id: {}\nevent: {kind}\ndata: {expected}\n\n", n + 1), "{kind}");
            for secret in ["pregnant", "张三", "QS-007", "李四", "13800000000", "住院"] {
                assert!(!frame.contains(secret), "{kind} leaks {secret}");
            }
        }
    }

    #[test]
    fn a_gap_is_told_to_the_county() {
        let f = String::from_utf8(super::missed_frame(10, 25).to_vec()).unwrap();
        assert_eq!(f, "event: events_missed\ndata: {\"after\":10,\"next\":25}\n\n");
    }

    /// Pruning drops the events before the first one at or after the cut, by id: never a newer
    /// one, an older one after a clock step back kept; all of them when all are older.
    #[test]
    fn pruning_drops_the_events_before_the_cut() {
        // (times of the events in id order, cut, ids left)
        for (times, cut, left) in [
            (vec![10, 20, 30], 20, vec![2, 3]),
            (vec![10, 20, 15, 30], 20, vec![2, 3, 4]),
            (vec![10, 20, 30], 5, vec![1, 2, 3]),
            (vec![10, 20, 30], 100, vec![]),
            (vec![], 100, vec![]),
        ] {
            let (_dir, mut conn) = crate::store::test_db();
            let tx = conn.transaction().unwrap();
            for at in &times {
                super::append(&tx, *at, "test", "{}").unwrap();
            }
            super::prune(&tx, cut).unwrap();
            let ids: Vec<i64> = super::after(&tx, 0, i64::MAX, 100).unwrap().iter().map(|e| e.id).collect();
            assert_eq!(ids, left, "{times:?} cut at {cut}");
        }
    }
}
