//! Petitions (信访) and their history. The lists and alerts select no identity column; only
//! [`by_id`] reads the whole row, and only the writer calls it (the read is audited).

use chrono::NaiveDate;
use hall_wire as wire;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::domain::petition::{self, Channel, Gender, PetitionState};
use crate::hall::Hall;
use crate::store::reads::fmt_time;

/// A petition as stored (identity included).
#[derive(Debug, Clone, PartialEq)]
pub struct PetitionRow {
    pub id: i64,
    pub number: String,
    pub channel: Channel,
    pub received_at: i64,
    pub received_on: NaiveDate,
    pub name: String,
    pub gender: Gender,
    pub age: Option<u32>,
    pub occupation: Option<String>,
    pub political_status: Option<String>,
    pub address: String,
    pub issue: String,
    pub urgent: bool,
    pub leader_reception: bool,
    pub solved_on_spot: bool,
    pub state: PetitionState,
    pub due_days: u32,
    pub due: Option<NaiveDate>,
    pub department: Option<String>,
    pub transfer_note: Option<String>,
    pub transfer_due: Option<NaiveDate>,
    pub transferred_at: Option<i64>,
    pub transferred_by: Option<String>,
    pub answer: Option<String>,
    pub answered_at: Option<i64>,
    pub answered_by: Option<String>,
    pub closed_at: Option<i64>,
    pub closed_by: Option<String>,
    pub acknowledged_at: Option<i64>,
    pub acknowledged_by: Option<String>,
    pub registered_by: String,
}

const COLUMNS: &str = "id, number, channel, received_at, received_on, name, gender, age, occupation, political_status,
    address, issue, urgent, leader_reception, solved_on_spot, state, due_days, due, department, transfer_note,
    transfer_due, transferred_at, transferred_by, answer, answered_at, answered_by, closed_at, closed_by,
    acknowledged_at, acknowledged_by, registered_by";

fn date(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

fn text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn bad(column: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, what.to_string().into())
}

fn state(r: &Row, i: usize) -> rusqlite::Result<PetitionState> {
    let s: String = r.get(i)?;
    PetitionState::parse(&s).ok_or_else(|| bad(i, "unknown petition state"))
}

fn channel(r: &Row, i: usize) -> rusqlite::Result<Channel> {
    let s: String = r.get(i)?;
    Channel::parse(&s).ok_or_else(|| bad(i, "unknown petition channel"))
}

fn row(r: &Row) -> rusqlite::Result<PetitionRow> {
    let gender: String = r.get(6)?;
    Ok(PetitionRow {
        id: r.get(0)?,
        number: r.get(1)?,
        channel: channel(r, 2)?,
        received_at: r.get(3)?,
        received_on: date(r.get(4)?).ok_or_else(|| bad(4, "received_on is not a date"))?,
        name: r.get(5)?,
        gender: Gender::parse(&gender).ok_or_else(|| bad(6, "unknown gender"))?,
        age: r.get(7)?,
        occupation: r.get(8)?,
        political_status: r.get(9)?,
        address: r.get(10)?,
        issue: r.get(11)?,
        urgent: r.get(12)?,
        leader_reception: r.get(13)?,
        solved_on_spot: r.get(14)?,
        state: state(r, 15)?,
        due_days: r.get(16)?,
        due: date(r.get(17)?),
        department: r.get(18)?,
        transfer_note: r.get(19)?,
        transfer_due: date(r.get(20)?),
        transferred_at: r.get(21)?,
        transferred_by: r.get(22)?,
        answer: r.get(23)?,
        answered_at: r.get(24)?,
        answered_by: r.get(25)?,
        closed_at: r.get(26)?,
        closed_by: r.get(27)?,
        acknowledged_at: r.get(28)?,
        acknowledged_by: r.get(29)?,
        registered_by: r.get(30)?,
    })
}

/// A petition to register (its number's sequence is taken by [`insert`]).
pub struct NewPetition<'a> {
    pub day: NaiveDate,
    pub channel: Channel,
    pub received_at: i64,
    pub received_on: NaiveDate,
    pub name: &'a str,
    pub gender: Gender,
    pub age: Option<u32>,
    pub occupation: Option<&'a str>,
    pub political_status: Option<&'a str>,
    pub address: &'a str,
    pub issue: &'a str,
    pub urgent: bool,
    pub leader_reception: bool,
    pub solved_on_spot: bool,
    pub state: PetitionState,
    pub due_days: u32,
    pub due: Option<NaiveDate>,
    pub answer: Option<&'a str>,
    pub by: &'a str,
    pub at_ms: i64,
}

/// Registers a petition under the day's next number; returns its id and number.
pub fn insert(tx: &Transaction, p: &NewPetition) -> rusqlite::Result<(i64, String)> {
    let day = p.day.to_string();
    let seq = super::next_of_day(tx, super::Numbered::Petitions, &day)?;
    let number = petition::number(p.day, seq);
    let answered = p.answer.map(|_| (p.at_ms, p.by));
    tx.prepare_cached(
        "INSERT INTO petitions (number, day, seq, channel, received_at, received_on, name, gender, age, occupation,
             political_status, address, issue, urgent, leader_reception, solved_on_spot, state, due_days, due,
             answer, answered_at, answered_by, registered_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,
             ?23, ?24)",
    )?
    .execute(params![
        number,
        day,
        seq,
        p.channel.as_str(),
        p.received_at,
        p.received_on.to_string(),
        p.name,
        p.gender.as_str(),
        p.age,
        p.occupation,
        p.political_status,
        p.address,
        p.issue,
        p.urgent,
        p.leader_reception,
        p.solved_on_spot,
        p.state.as_str(),
        p.due_days,
        text(p.due),
        p.answer,
        answered.map(|a| a.0),
        answered.map(|a| a.1),
        p.by,
        p.at_ms,
    ])?;
    Ok((tx.last_insert_rowid(), number))
}

/// The whole petition (identity included): the writer's audited read only.
pub fn by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<PetitionRow>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM petitions WHERE id = ?1"))?.query_row([id], row).optional()
}

/// Saves a petition's state, due day, transfer, answer, closing and acknowledgement.
pub fn update(tx: &Transaction, p: &PetitionRow) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "UPDATE petitions SET state = ?2, due = ?3, department = ?4, transfer_note = ?5, transfer_due = ?6,
             transferred_at = ?7, transferred_by = ?8, answer = ?9, answered_at = ?10, answered_by = ?11,
             closed_at = ?12, closed_by = ?13, acknowledged_at = ?14, acknowledged_by = ?15
         WHERE id = ?1",
    )?
    .execute(params![
        p.id,
        p.state.as_str(),
        text(p.due),
        p.department,
        p.transfer_note,
        text(p.transfer_due),
        p.transferred_at,
        p.transferred_by,
        p.answer,
        p.answered_at,
        p.answered_by,
        p.closed_at,
        p.closed_by,
        p.acknowledged_at,
        p.acknowledged_by,
    ])?;
    Ok(())
}

/// A step of the history.
pub fn add_step(tx: &Transaction, id: i64, at_ms: i64, by: &str, action: &str, text: &str) -> rusqlite::Result<()> {
    tx.prepare_cached("INSERT INTO petition_steps (petition_id, at, by, action, text) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![id, at_ms, by, action, text])?;
    Ok(())
}

pub fn steps(conn: &Connection, hall: &Hall, id: i64) -> rusqlite::Result<Vec<wire::PetitionStep>> {
    let mut stmt =
        conn.prepare_cached("SELECT at, by, action, text FROM petition_steps WHERE petition_id = ?1 ORDER BY id")?;
    let rows = stmt.query_map([id], |r| {
        Ok(wire::PetitionStep { at: fmt_time(hall, r.get(0)?), by: r.get(1)?, action: r.get(2)?, text: r.get(3)? })
    })?;
    rows.collect()
}

/// Petitions running whose due day waits for a year of the calendar.
pub fn pending_due(conn: &Connection) -> rusqlite::Result<Vec<PetitionRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM petitions WHERE state IN ('received', 'transferred') AND due IS NULL AND due_days > 0"
    ))?;
    let rows = stmt.query_map([], row)?;
    rows.collect()
}

/// Petitions not answered yet whose due day, or their department's, lies between two days,
/// inclusive.
pub fn due_between(conn: &Connection, from: NaiveDate, to: NaiveDate) -> rusqlite::Result<Vec<PetitionRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM petitions WHERE state IN ('received', 'transferred')
             AND (due BETWEEN ?1 AND ?2 OR transfer_due BETWEEN ?1 AND ?2) ORDER BY id"
    ))?;
    let rows = stmt.query_map([from.to_string(), to.to_string()], row)?;
    rows.collect()
}

/// What the lists filter on.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub state: Option<PetitionState>,
    /// Only those not answered whose due day is before this day.
    pub due_before: Option<NaiveDate>,
    pub limit: u32,
}

/// The list (no identity, no text), newest first.
pub fn list(conn: &Connection, hall: &Hall, f: &Filter, today: NaiveDate) -> rusqlite::Result<Vec<wire::PetitionLine>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, number, channel, received_at, state, due, urgent, acknowledged_at IS NOT NULL, leader_reception,
             department
         FROM petitions
         WHERE (?1 IS NULL OR state = ?1)
           AND (?2 IS NULL OR (state IN ('received', 'transferred') AND due < ?2))
         ORDER BY id DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![f.state.map(PetitionState::as_str), text(f.due_before), f.limit], |r| {
        let (st, due) = (state(r, 4)?, date(r.get(5)?));
        let urgent: bool = r.get(6)?;
        let acknowledged: bool = r.get(7)?;
        let department: Option<String> = r.get(9)?;
        Ok(wire::PetitionLine {
            id: r.get(0)?,
            number: r.get(1)?,
            channel: channel(r, 2)?.into(),
            received_at: fmt_time(hall, r.get(3)?),
            state: st.into(),
            due: text(due),
            overdue: petition::overdue(st, due, today),
            urgent,
            acknowledged: acknowledged || !urgent,
            leader_reception: r.get(8)?,
            department: department.map(|d| department_name(hall, &d)),
        })
    })?;
    rows.collect()
}

/// Whose alerts: the director's console (ended by the director's or an administrator's
/// acknowledgement) or the leaders' page (ended by a leader's, R20).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertsOf {
    Director,
    Leaders,
}

/// Urgent petitions not acknowledged by those they alert, oldest first (no identity, no text).
pub fn alerts(conn: &Connection, hall: &Hall, of: AlertsOf) -> rusqlite::Result<Vec<wire::PetitionAlert>> {
    let mut stmt = conn.prepare_cached(match of {
        AlertsOf::Director => {
            "SELECT id, number, channel, received_at, leader_reception, due FROM petitions
             WHERE urgent = 1 AND acknowledged_at IS NULL ORDER BY id"
        }
        AlertsOf::Leaders => {
            "SELECT id, number, channel, received_at, leader_reception, due FROM petitions
             WHERE urgent = 1 AND leader_seen_at IS NULL ORDER BY id"
        }
    })?;
    let rows = stmt.query_map([], |r| {
        Ok(wire::PetitionAlert {
            id: r.get(0)?,
            number: r.get(1)?,
            channel: channel(r, 2)?.into(),
            received_at: fmt_time(hall, r.get(3)?),
            leader_reception: r.get(4)?,
            due: r.get(5)?,
        })
    })?;
    rows.collect()
}

/// A leader has seen an urgent petition's alert (R20): false when it is no urgent petition or
/// a leader saw it already.
pub fn leader_saw(tx: &Transaction, id: i64, at_ms: i64, by: &str) -> rusqlite::Result<bool> {
    let n = tx
        .prepare_cached(
            "UPDATE petitions SET leader_seen_at = ?2, leader_seen_by = ?3
             WHERE id = ?1 AND urgent = 1 AND leader_seen_at IS NULL",
        )?
        .execute(params![id, at_ms, by])?;
    Ok(n == 1)
}

/// A department's name by its id (the id itself when the hall no longer has it).
pub fn department_name(hall: &Hall, id: &str) -> String {
    hall.departments.iter().find(|d| d.id == id).map(|d| d.name.clone()).unwrap_or_else(|| id.to_string())
}

/// The staff view of a whole petition.
pub fn view(conn: &Connection, hall: &Hall, p: &PetitionRow, today: NaiveDate) -> rusqlite::Result<wire::Petition> {
    let at = |ms: Option<i64>| ms.map(|ms| fmt_time(hall, ms)).unwrap_or_default();
    Ok(wire::Petition {
        id: p.id,
        number: p.number.clone(),
        channel: p.channel.into(),
        received_at: fmt_time(hall, p.received_at),
        registered_by: p.registered_by.clone(),
        anonymous: p.name.is_empty(),
        name: p.name.clone(),
        gender: p.gender.into(),
        age: p.age,
        occupation: p.occupation.clone(),
        political_status: p.political_status.clone(),
        address_or_workplace: p.address.clone(),
        issue: p.issue.clone(),
        urgent: p.urgent,
        leader_reception: p.leader_reception,
        solved_on_spot: p.solved_on_spot,
        state: p.state.into(),
        due: text(p.due),
        due_days: p.due_days,
        overdue: petition::overdue(p.state, p.due, today),
        transfer: p.department.as_ref().map(|d| wire::PetitionTransfer {
            department_id: d.clone(),
            department: department_name(hall, d),
            note: p.transfer_note.clone(),
            due: text(p.transfer_due),
            at: at(p.transferred_at),
            by: p.transferred_by.clone().unwrap_or_default(),
        }),
        answer: p.answer.as_ref().map(|a| wire::PetitionAnswer {
            text: a.clone(),
            at: at(p.answered_at),
            by: p.answered_by.clone().unwrap_or_default(),
        }),
        acknowledged: p.acknowledged_at.map(|ms| wire::PetitionAcknowledged {
            at: fmt_time(hall, ms),
            by: p.acknowledged_by.clone().unwrap_or_default(),
        }),
        closed_at: p.closed_at.map(|ms| fmt_time(hall, ms)),
        history: steps(conn, hall, p.id)?,
    })
}

/// Petitions not answered yet, those past their due date today, and urgent ones not acknowledged
/// (the director's glance).
pub fn running_counts(conn: &Connection, today: NaiveDate) -> rusqlite::Result<(u32, u32, u32)> {
    let (open, overdue) = conn
        .prepare_cached(
            "SELECT COUNT(*), COALESCE(SUM(due < ?1), 0) FROM petitions WHERE state IN ('received', 'transferred')",
        )?
        .query_row([today.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let alerts = conn
        .prepare_cached("SELECT COUNT(*) FROM petitions WHERE urgent = 1 AND acknowledged_at IS NULL")?
        .query_row([], |r| r.get(0))?;
    Ok((open, overdue, alerts))
}
