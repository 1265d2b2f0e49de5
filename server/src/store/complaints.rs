//! Complaints and their steps. The running ones (received, investigating) are read on a partial
//! index; a staff member's findings on the index of complaints about staff.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::domain::complaint::{self, About, Channel, Complexity, Finding, State};

#[derive(Debug, Clone, PartialEq)]
pub struct ComplaintRow {
    pub id: i64,
    pub number: String,
    pub received_on: NaiveDate,
    pub channel: Channel,
    pub about: About,
    pub window_id: Option<String>,
    pub staff: Option<String>,
    pub what: String,
    pub happened: Option<String>,
    pub complainant_name: Option<String>,
    pub complainant_contact: Option<String>,
    pub complainant_address: Option<String>,
    pub ticket_id: Option<i64>,
    pub complexity: Complexity,
    pub state: State,
    pub due: Option<NaiveDate>,
    pub finding: Option<Finding>,
    pub answer: Option<String>,
    pub late_explanation: Option<String>,
    pub answered_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub created_at: i64,
    /// What the staff member complained about was told.
    pub to_staff: Option<String>,
}

const COLUMNS: &str = "id, number, day, channel, about, window_id, staff, what, happened, complainant_name,
    complainant_contact, ticket_id, complexity, state, due, finding, answer, late_explanation, answered_on, closed_on,
    created_at, to_staff, complainant_address";

fn date(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

fn text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn bad(column: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, what.to_string().into())
}

fn parsed<T>(r: &Row, i: usize, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    parse(&s).ok_or_else(|| bad(i, "unknown value"))
}

fn row(r: &Row) -> rusqlite::Result<ComplaintRow> {
    let finding: Option<String> = r.get(15)?;
    Ok(ComplaintRow {
        id: r.get(0)?,
        number: r.get(1)?,
        received_on: date(r.get(2)?).ok_or_else(|| bad(2, "day is not a date"))?,
        channel: parsed(r, 3, Channel::parse)?,
        about: parsed(r, 4, About::parse)?,
        window_id: r.get(5)?,
        staff: r.get(6)?,
        what: r.get(7)?,
        happened: r.get(8)?,
        complainant_name: r.get(9)?,
        complainant_contact: r.get(10)?,
        ticket_id: r.get(11)?,
        complexity: parsed(r, 12, Complexity::parse)?,
        state: parsed(r, 13, State::parse)?,
        due: date(r.get(14)?),
        finding: match finding {
            Some(f) => Some(Finding::parse(&f).ok_or_else(|| bad(15, "unknown finding"))?),
            None => None,
        },
        answer: r.get(16)?,
        late_explanation: r.get(17)?,
        answered_on: date(r.get(18)?),
        closed_on: date(r.get(19)?),
        created_at: r.get(20)?,
        to_staff: r.get(21)?,
        complainant_address: r.get(22)?,
    })
}

/// A complaint to register (the number is taken by [`insert`]).
pub struct NewComplaint<'a> {
    pub day: NaiveDate,
    pub channel: Channel,
    pub about: About,
    pub window_id: Option<&'a str>,
    pub staff: Option<&'a str>,
    pub what: &'a str,
    pub happened: Option<&'a str>,
    pub complainant_name: Option<&'a str>,
    pub complainant_contact: Option<&'a str>,
    pub complainant_address: Option<&'a str>,
    pub ticket_id: Option<i64>,
    pub complexity: Complexity,
    pub due: Option<NaiveDate>,
    /// The answer limits in force when it came (kept for a due date counted later).
    pub limits: complaint::Limits,
    pub at_ms: i64,
}

/// Registers a complaint under the day's next number; the row id and the number.
pub fn insert(tx: &Transaction, c: &NewComplaint) -> rusqlite::Result<(i64, String)> {
    let day = c.day.to_string();
    let seq = super::next_of_day(tx, super::Numbered::Complaints, &day)?;
    let number = complaint::number(c.day, seq);
    tx.prepare_cached(
        "INSERT INTO complaints (number, day, seq, channel, about, window_id, staff, what, happened, complainant_name,
            complainant_contact, ticket_id, complexity, state, due, created_at, complainant_address, simple_days,
            complex_days)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'received', ?14, ?15, ?16, ?17, ?18)",
    )?
    .execute(params![
        number,
        day,
        seq,
        c.channel.as_str(),
        c.about.as_str(),
        c.window_id,
        c.staff,
        c.what,
        c.happened,
        c.complainant_name,
        c.complainant_contact,
        c.ticket_id,
        c.complexity.as_str(),
        text(c.due),
        c.at_ms,
        c.complainant_address,
        c.limits.simple_days,
        c.limits.complex_days,
    ])?;
    Ok((tx.last_insert_rowid(), number))
}

/// The answer limits in force when a complaint came (`None`: it came before they were kept).
pub fn kept_limits(conn: &Connection, id: i64) -> rusqlite::Result<Option<complaint::Limits>> {
    let days: (Option<u32>, Option<u32>) = conn
        .prepare_cached("SELECT simple_days, complex_days FROM complaints WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(match days {
        (Some(simple_days), Some(complex_days)) => Some(complaint::Limits { simple_days, complex_days }),
        _ => None,
    })
}

/// Writes back what moves: complexity, state, due date, finding, answer, explanation, dates.
pub fn update(tx: &Transaction, c: &ComplaintRow) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "UPDATE complaints SET complexity = ?2, state = ?3, due = ?4, finding = ?5, answer = ?6, late_explanation = ?7,
            answered_on = ?8, closed_on = ?9, to_staff = ?10, about = ?11, staff = ?12 WHERE id = ?1",
    )?
    .execute(params![
        c.id,
        c.complexity.as_str(),
        c.state.as_str(),
        text(c.due),
        c.finding.map(Finding::as_str),
        c.answer,
        c.late_explanation,
        text(c.answered_on),
        text(c.closed_on),
        c.to_staff,
        c.about.as_str(),
        c.staff,
    ])?;
    Ok(())
}

pub fn get(conn: &Connection, id: i64) -> rusqlite::Result<Option<ComplaintRow>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM complaints WHERE id = ?1"))?.query_row([id], row).optional()
}

/// A step of the complaint's handling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRow {
    pub at: i64,
    pub by: String,
    pub action: String,
    pub text: String,
}

pub fn add_step(tx: &Transaction, complaint_id: i64, s: &StepRow) -> rusqlite::Result<()> {
    tx.prepare_cached("INSERT INTO complaint_steps (complaint_id, at, by, action, text) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![complaint_id, s.at, s.by, s.action, s.text])?;
    Ok(())
}

pub fn steps(conn: &Connection, complaint_id: i64) -> rusqlite::Result<Vec<StepRow>> {
    conn.prepare_cached("SELECT at, by, action, text FROM complaint_steps WHERE complaint_id = ?1 ORDER BY id")?
        .query_map([complaint_id], |r| {
            Ok(StepRow { at: r.get(0)?, by: r.get(1)?, action: r.get(2)?, text: r.get(3)? })
        })?
        .collect()
}

/// What `GET /api/complaints` asks for.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub state: Option<State>,
    /// Only the late ones: not answered and due before this day, or answered after their due date.
    pub late_on: Option<NaiveDate>,
    pub limit: u32,
}

/// Newest first.
pub fn list(conn: &Connection, f: &Filter) -> rusqlite::Result<Vec<ComplaintRow>> {
    let mut sql = format!("SELECT {COLUMNS} FROM complaints WHERE (?1 IS NULL OR state = ?1)");
    if f.late_on.is_some() {
        // Two indexed reads (`complaints_running`, `complaints_answered_late`): the late ones
        // only, not every complaint the hall ever received.
        sql.push_str(
            " AND id IN (SELECT id FROM complaints WHERE state IN ('received', 'investigating') AND due < ?2
               UNION SELECT id FROM complaints WHERE due IS NOT NULL AND answered_on > due)",
        );
    } else {
        sql.push_str(" AND ?2 IS NULL");
    }
    sql.push_str(" ORDER BY id DESC LIMIT ?3");
    conn.prepare_cached(&sql)?.query_map(params![f.state.map(State::as_str), text(f.late_on), f.limit], row)?.collect()
}

/// Running complaints whose due date waits for a calendar year.
pub fn pending_due(conn: &Connection) -> rusqlite::Result<Vec<ComplaintRow>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM complaints WHERE due IS NULL AND state IN ('received', 'investigating') ORDER BY id"
    ))?
    .query_map([], row)?
    .collect()
}

/// Complaints not answered yet whose due day lies between two days, inclusive.
pub fn due_between(conn: &Connection, from: NaiveDate, to: NaiveDate) -> rusqlite::Result<Vec<ComplaintRow>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM complaints WHERE due BETWEEN ?1 AND ?2 AND state IN ('received', 'investigating')
         ORDER BY id"
    ))?
    .query_map([from.to_string(), to.to_string()], row)?
    .collect()
}

/// Answered or closed complaints about this staff member, newest answer first.
pub fn findings_about(conn: &Connection, username: &str) -> rusqlite::Result<Vec<ComplaintRow>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM complaints WHERE about = 'staff' AND staff = ?1 AND answered_on IS NOT NULL
         ORDER BY answered_on DESC, id DESC"
    ))?
    .query_map([username], row)?
    .collect()
}

/// Complaints about a staff member found true (upheld, or partly) answered from `from` to `to`
/// inclusive (R17: they count against them in assessments).
pub fn upheld_against(conn: &Connection, username: &str, from: NaiveDate, to: NaiveDate) -> rusqlite::Result<u32> {
    conn.prepare_cached(
        "SELECT COUNT(*) FROM complaints WHERE about = 'staff' AND staff = ?1
         AND finding IN ('upheld', 'partly_upheld') AND answered_on BETWEEN ?2 AND ?3",
    )?
    .query_row(params![username, from.to_string(), to.to_string()], |r| r.get(0))
}

/// Keeps the SHA-256 (hex) of the secret of the page that made an online complaint.
pub fn set_reader_key(tx: &Transaction, id: i64, hash: &str) -> rusqlite::Result<()> {
    super::exec(tx, "UPDATE complaints SET reader_key_hash = ?2 WHERE id = ?1", params![id, hash])?;
    Ok(())
}

/// The complaints made on a ticket's phone page, oldest first, as its page reads them there
/// (one indexed lookup: the phone page reads it at every poll): where each stands, and the
/// hall's answer only to the page that made it (`reader_key_hash`, the hash of the secret the
/// request sent): whoever else holds the ticket's slip learns no answer (R21). A complaint made
/// before pages kept a secret is answered to every reader, as it was.
pub fn of_ticket(
    conn: &Connection,
    ticket_id: i64,
    today: NaiveDate,
    reader_key_hash: Option<&str>,
) -> rusqlite::Result<Vec<hall_wire::TicketComplaint>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS}, reader_key_hash FROM complaints INDEXED BY complaints_ticket
         WHERE ticket_id = ?1 AND channel = 'online' ORDER BY id"
    ))?;
    let rows = stmt.query_map([ticket_id], |r| Ok((row(r)?, r.get::<_, Option<String>>(23)?)))?;
    rows.map(|c| {
        c.map(|(c, kept)| {
            // Made before the page kept a secret (schema v43): answered here as it was promised.
            let theirs = kept.is_none() || kept.as_deref() == reader_key_hash;
            hall_wire::TicketComplaint {
                late: complaint::late(c.state, c.due, c.answered_on, today),
                number: c.number,
                state: c.state.into(),
                due: text(c.due),
                answered_on: text(c.answered_on),
                answer: c.answer.filter(|_| theirs),
                late_explanation: c.late_explanation.filter(|_| theirs),
            }
        })
    })
    .collect()
}

/// `3号窗口 民政社保`, or the id when the hall no longer has the window.
pub fn window_words(hall: &crate::hall::Hall, id: &str) -> String {
    hall.window(id).map(|w| format!("{}号窗口 {}", w.number, w.name)).unwrap_or_else(|| id.to_string())
}

/// A list line: no complainant identity.
pub fn line(c: &ComplaintRow, today: NaiveDate) -> hall_wire::ComplaintLine {
    hall_wire::ComplaintLine {
        id: c.id,
        number: c.number.clone(),
        channel: c.channel.into(),
        about: c.about.into(),
        window_id: c.window_id.clone(),
        staff: c.staff.clone(),
        complexity: c.complexity.into(),
        state: c.state.into(),
        received_on: c.received_on.to_string(),
        due: text(c.due),
        overdue: complaint::overdue(c.state, c.due, today),
        late: complaint::late(c.state, c.due, c.answered_on, today),
        finding: c.finding.map(Into::into),
    }
}

/// The whole complaint, with the complainant: for the director and administrators only.
pub fn detail(
    conn: &Connection,
    hall: &crate::hall::Hall,
    c: &ComplaintRow,
    today: NaiveDate,
) -> rusqlite::Result<hall_wire::Complaint> {
    let ticket_number = match c.ticket_id {
        Some(id) => crate::store::tickets::get(conn, id)?.map(|t| t.number),
        None => None,
    };
    let history = steps(conn, c.id)?
        .into_iter()
        .map(|s| hall_wire::ComplaintStep {
            at: crate::store::reads::fmt_time(hall, s.at),
            by: s.by,
            action: s.action,
            text: s.text,
        })
        .collect();
    Ok(hall_wire::Complaint {
        id: c.id,
        number: c.number.clone(),
        channel: c.channel.into(),
        about: c.about.into(),
        window_id: c.window_id.clone(),
        window_name: c.window_id.as_deref().map(|w| window_words(hall, w)),
        staff: c.staff.clone(),
        // One removed from the hall since: the name they had.
        staff_name: match c.staff.as_deref() {
            Some(u) if hall.staff(u).is_none() => super::attendance::StaffNames::read(conn)?.known(hall, u),
            Some(u) => hall.staff(u).map(|s| s.name.clone()),
            None => None,
        },
        what: c.what.clone(),
        happened: c.happened.clone(),
        complainant_name: c.complainant_name.clone(),
        complainant_contact: c.complainant_contact.clone(),
        complainant_address: c.complainant_address.clone(),
        ticket_number,
        complexity: c.complexity.into(),
        state: c.state.into(),
        received_on: c.received_on.to_string(),
        due: text(c.due),
        overdue: complaint::overdue(c.state, c.due, today),
        late: complaint::late(c.state, c.due, c.answered_on, today),
        late_explanation: c.late_explanation.clone(),
        finding: c.finding.map(Into::into),
        answer: c.answer.clone(),
        answered_on: text(c.answered_on),
        to_staff: c.to_staff.clone(),
        closed_on: text(c.closed_on),
        history,
    })
}

/// What a staff member sees of a finding about them: what the director told them, never the
/// complainant, the channel, the complaint's wording or the answer to the complainant.
pub fn my_finding(c: &ComplaintRow) -> Option<hall_wire::MyFinding> {
    Some(hall_wire::MyFinding {
        number: c.number.clone(),
        finding: c.finding?.into(),
        told: c.to_staff.clone(),
        answered_on: text(c.answered_on)?,
    })
}

/// Complaints not answered yet, and those past their due date today (the director's glance).
pub fn running_counts(conn: &Connection, today: NaiveDate) -> rusqlite::Result<(u32, u32)> {
    conn.prepare_cached(
        "SELECT COUNT(*), COALESCE(SUM(due < ?1), 0) FROM complaints WHERE state IN ('received', 'investigating')",
    )?
    .query_row([today.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upheld_complaints_count_within_the_period() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open_writer(&dir.path().join("t.db")).unwrap();
        let tx = conn.transaction().unwrap();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        for (staff, finding, answered) in [
            ("clerk2", Some(Finding::Upheld), Some("2026-12-01")),
            ("clerk2", Some(Finding::Upheld), Some("2026-11-02")),
            ("clerk2", Some(Finding::PartlyUpheld), Some("2026-12-02")),
            ("clerk2", Some(Finding::NotUpheld), Some("2026-12-02")),
            ("clerk2", None, None),
            ("clerk3", Some(Finding::Upheld), Some("2026-12-02")),
        ] {
            let new = NewComplaint {
                day: d("2026-11-01"),
                channel: Channel::Oral,
                about: About::Staff,
                window_id: None,
                staff: Some(staff),
                what: "x",
                happened: None,
                complainant_name: Some("n"),
                complainant_contact: None,
                complainant_address: None,
                ticket_id: None,
                complexity: Complexity::Simple,
                due: None,
                limits: complaint::Limits::default(),
                at_ms: 0,
            };
            let (id, _) = insert(&tx, &new).unwrap();
            let mut c = get(&tx, id).unwrap().unwrap();
            c.finding = finding;
            c.answered_on = answered.map(d);
            c.state = if answered.is_some() { State::Answered } else { State::Received };
            update(&tx, &c).unwrap();
        }
        // 部分属实 is found true in part: it counts (R17), 不属实 does not.
        assert_eq!(upheld_against(&tx, "clerk2", d("2026-12-01"), d("2026-12-31")).unwrap(), 2);
        assert_eq!(upheld_against(&tx, "clerk2", d("2026-11-01"), d("2026-12-31")).unwrap(), 3);
        assert_eq!(upheld_against(&tx, "clerk3", d("2026-12-01"), d("2026-12-31")).unwrap(), 1);
        assert_eq!(findings_about(&tx, "clerk2").unwrap().len(), 4);
        let numbers: Vec<String> =
            list(&tx, &Filter { limit: 3, ..Default::default() }).unwrap().into_iter().map(|c| c.number).collect();
        assert_eq!(numbers, ["TS20261101-06", "TS20261101-05", "TS20261101-04"]);
    }
}
