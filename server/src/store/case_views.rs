//! A case as each reader sees it: staff (everything, with the history's staff names), a list
//! line (no personal information), and the applicant's progress (no staff names, no personal
//! information).

use chrono::NaiveDate;
use hall_wire as wire;
use rusqlite::Connection;
use serde_json::Value;

use crate::domain::calendar::Calendar;
use crate::domain::case::{self, CaseState};
use crate::domain::Outcome;
use crate::hall::Hall;
use crate::store::cases::{self, CaseRow};
use crate::store::reads::fmt_time;

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

/// A 联办件's parts as stored: (department, done, note).
/// The window that accepted the case (its notices' 受理窗口), kept when the director hands
/// the case on; absent for cases registered before it was kept.
pub fn accepted_window(detail: &Value) -> Option<String> {
    text(detail, "accepted_window")
}

pub fn parts(detail: &Value) -> Vec<(String, bool, Option<String>)> {
    detail
        .get("parts")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|p| Some((text(p, "department")?, p.get("done")?.as_bool()?, text(p, "note"))))
                .collect()
        })
        .unwrap_or_default()
}

pub fn missing(detail: &Value) -> Vec<String> {
    strings(detail, "missing")
}

/// The reason a case states: closed as not approved, its close's; else the finish's (a return's).
pub fn stated_reason(detail: &Value, result: Option<case::CaseResult>) -> Option<String> {
    match result {
        Some(case::CaseResult::NotApproved) => text(detail, "result_reason").or_else(|| text(detail, "reason")),
        _ => text(detail, "reason"),
    }
}

fn service_name(hall: &Hall, c: &CaseRow) -> String {
    hall.matter(&c.service_id).map(|m| m.name.clone()).unwrap_or_else(|| c.service_id.clone())
}

fn due(c: &CaseRow, today: NaiveDate, calendar: &Calendar) -> (wire::Due, Option<i64>) {
    let (due, left) = case::due(c.state, c.deadline, today, calendar);
    (due.into(), left)
}

fn date(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

pub fn brief(c: &CaseRow) -> wire::CaseBrief {
    wire::CaseBrief {
        number: c.number.clone(),
        check_code: c.check_code.clone(),
        kind: c.kind.into(),
        state: c.state.into(),
        deadline: date(c.deadline),
    }
}

pub fn line(hall: &Hall, calendar: &Calendar, c: &CaseRow, today: NaiveDate) -> wire::CaseLine {
    let (due, left) = due(c, today, calendar);
    wire::CaseLine {
        number: c.number.clone(),
        kind: c.kind.into(),
        state: c.state.into(),
        service_name: service_name(hall, c),
        window_id: c.window_id.clone(),
        first_window_id: c.first_window_id.clone(),
        accepted_on: c.accepted_on.to_string(),
        deadline: date(c.deadline),
        working_days_left: left,
        due,
        awaiting_meeting: awaiting_meeting(c),
    }
}

/// A 联办件's joint review meeting is recorded (R13).
pub fn met(detail: &Value) -> bool {
    detail.get("meeting").is_some_and(|m| !m.is_null())
}

/// A 联办件 open with every department's part done and no review meeting yet (R13).
pub fn awaiting_meeting(c: &CaseRow) -> bool {
    c.kind == Outcome::Joint
        && c.state == CaseState::Open
        && !met(&c.detail)
        && parts(&c.detail).iter().all(|(_, done, _)| *done)
}

/// A 上报件 open without the upper level's answer (R14): it cannot close yet.
pub fn awaiting_reply(c: &CaseRow) -> bool {
    c.kind == Outcome::Reported && c.state == CaseState::Open && !replied(&c.detail)
}

/// A 上报件 whose date is the upper level's: relayed with its deadline, or recorded from it (R14).
pub fn upper_dated(c: &CaseRow) -> bool {
    c.kind == Outcome::Reported && (!c.detail["upper"]["deadline"].is_null() || !c.detail["upper_deadline"].is_null())
}

/// A 上报件's upper level answered: its reply recorded here, or its close relayed (R14).
pub fn replied(detail: &Value) -> bool {
    detail.get("reply").is_some_and(|r| !r.is_null()) || detail["upper"]["state"] == "closed"
}

/// How far the upper hall has come with a relayed 上报件 (from its progress messages).
pub fn upper(detail: &Value) -> Option<wire::UpperProgress> {
    let u = detail.get("upper")?;
    let state = match u.get("state")?.as_str()? {
        "closed" => wire::IncomingState::Closed,
        "accepted" => wire::IncomingState::Accepted,
        _ => wire::IncomingState::Received,
    };
    Some(wire::UpperProgress {
        hall_name: text(u, "hall_name")?,
        state,
        result: text(u, "result").and_then(|r| case::CaseResult::parse(&r)).map(Into::into),
        deadline: text(u, "deadline"),
        at: text(u, "at")?,
    })
}

/// The case's phone page, under `--public-url` when given.
pub fn status_url(public_url: &str, token: &str) -> String {
    format!("{public_url}/c/{token}")
}

pub fn staff(
    conn: &Connection,
    hall: &Hall,
    calendar: &Calendar,
    c: &CaseRow,
    today: NaiveDate,
    public_url: &str,
) -> rusqlite::Result<wire::Case> {
    let (due, left) = due(c, today, calendar);
    let d = &c.detail;
    let ticket = crate::store::tickets::get(conn, c.ticket_id)?;
    let ticket_number = ticket.as_ref().map(|t| t.number.clone()).unwrap_or_default();
    // One registered afterwards was ended by the day's close: nobody knows how long it took.
    let late = c.detail.get("registered_late").and_then(serde_json::Value::as_bool).unwrap_or(false);
    let service_minutes = ticket.as_ref().filter(|_| !late).and_then(|t| {
        let (from, to) = (t.started_at.or(t.called_at)?, t.finished_at?);
        Some(((to - from).max(0) / 60_000) as u32)
    });
    let history: Vec<wire::CaseStep> = cases::steps(conn, c.id)?
        .into_iter()
        .map(|s| wire::CaseStep { at: fmt_time(hall, s.at), by: s.by, action: s.action, text: s.text })
        .collect();
    let closer = history.iter().rev().find(|s| s.action == hall_wire::step_action::CLOSED).map(|s| s.by.as_str());
    let closed_by_name = closer.filter(|by| *by != c.clerk).and_then(|by| hall.staff(by)).map(|p| p.name.clone());
    let extension = d.get("extension").and_then(|e| {
        Some(wire::Extension {
            days: e.get("days")?.as_u64()? as u32,
            reason: text(e, "reason")?,
            by: text(e, "by")?,
            at: text(e, "at")?,
        })
    });
    let meeting = d.get("meeting").and_then(|m| {
        Some(wire::JointMeeting {
            date: text(m, "date")?,
            attendees: strings(m, "attendees"),
            conclusion: text(m, "conclusion")?,
        })
    });
    Ok(wire::Case {
        number: c.number.clone(),
        check_code: c.check_code.clone(),
        kind: c.kind.into(),
        state: c.state.into(),
        result: c.result.map(Into::into),
        ticket_id: c.ticket_id,
        ticket_number,
        service_id: c.service_id.clone(),
        service_name: service_name(hall, c),
        window_id: c.window_id.clone(),
        clerk: c.clerk.clone(),
        clerk_name: hall.staff(&c.clerk).map(|s| s.name.clone()),
        accepted_window_id: accepted_window(d).filter(|w| *w != c.window_id),
        closed_by_name,
        promised_days: c.promised_days,
        first_window_id: c.first_window_id.clone(),
        applicant_name: c.applicant_name.clone(),
        applicant_phone: c.applicant_phone.clone(),
        service_minutes,
        accepted_on: c.accepted_on.to_string(),
        clock_from: date(c.clock_from),
        deadline: date(c.deadline),
        working_days_left: left,
        due,
        extension,
        missing_materials: missing(d),
        // Kept once the materials came or the case expired: the 补办通知单 printed again says it.
        supplement_until: date(c.supplement_until),
        return_ground: text(d, "return_ground").and_then(|g| case::ReturnGround::parse(&g)).map(Into::into),
        reason: stated_reason(d, c.result),
        note: text(d, "note"),
        parts: parts(d).into_iter().map(|(department, done, note)| wire::CasePart { department, done, note }).collect(),
        meeting,
        awaiting_meeting: awaiting_meeting(c),
        authority: text(d, "authority"),
        reply: text(d, "reply"),
        awaiting_reply: awaiting_reply(c),
        upper_dated: upper_dated(c),
        upper: upper(d),
        status_url: status_url(public_url, &c.token),
        history,
        archive_due: archive_due(hall, calendar, c).map(|d| d.to_string()),
        archived_at: c.archived_at.map(|ms| fmt_time(hall, ms)),
    })
}

/// A closed case's archive date (R17), when its archive is tracked and the calendar has it: the
/// working days it had when it closed.
fn archive_due(hall: &Hall, calendar: &Calendar, c: &CaseRow) -> Option<NaiveDate> {
    let (closed, days) = (c.closed_at.filter(|_| c.archive_tracked)?, c.archive_days?);
    crate::domain::archive::due(super::local_day(closed, hall.timezone), days, calendar).ok()
}

/// A line of a window's files to archive.
pub fn file_to_archive(hall: &Hall, calendar: &Calendar, c: &CaseRow, today: NaiveDate) -> wire::FileToArchive {
    let due = archive_due(hall, calendar, c);
    let closed_on = c.closed_at.map(|ms| super::local_day(ms, hall.timezone));
    wire::FileToArchive {
        number: c.number.clone(),
        kind: c.kind.into(),
        service_name: service_name(hall, c),
        closed_on: closed_on.map(|d| d.to_string()).unwrap_or_default(),
        archive_due: due.map(|d| d.to_string()),
        overdue: due.is_some_and(|d| d < today),
    }
}

/// What the applicant reads (R4): the status in words, the window to ask, the history without
/// staff names.
pub fn progress(
    conn: &Connection,
    hall: &Hall,
    calendar: &Calendar,
    c: &CaseRow,
    today: NaiveDate,
) -> rusqlite::Result<wire::CaseProgress> {
    let (_, left) = due(c, today, calendar);
    let window = hall.window(&c.first_window_id).or_else(|| hall.window(&c.window_id));
    let history = cases::steps(conn, c.id)?
        .into_iter()
        .map(|s| wire::ProgressStep { at: fmt_time(hall, s.at), action: s.action, text: s.text })
        .collect();
    Ok(wire::CaseProgress {
        number: c.number.clone(),
        kind: c.kind.into(),
        state: c.state.into(),
        result: c.result.map(Into::into),
        status_text: case::status_words(c.state, c.result, c.kind).to_string(),
        service_name: service_name(hall, c),
        accepted_on: c.accepted_on.to_string(),
        deadline: date(c.deadline),
        working_days_left: left,
        window_number: window.map(|w| w.number).unwrap_or(0),
        window_name: window.map(|w| w.name.clone()).unwrap_or_default(),
        missing_materials: if c.state == CaseState::AwaitingMaterials { missing(&c.detail) } else { Vec::new() },
        supplement_until: if c.state == CaseState::AwaitingMaterials { date(c.supplement_until) } else { None },
        history,
        rated: super::ratings::of_ticket(conn, c.ticket_id)?.is_some(),
        upper: upper(&c.detail),
    })
}
