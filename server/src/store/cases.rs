//! Cases and their history. The lists of running cases read the partial indexes of cases not
//! closed, so their cost follows the open cases, not every case ever registered.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::domain::case::{CaseResult, CaseState};
use crate::domain::Outcome;

#[derive(Debug, Clone, PartialEq)]
pub struct CaseRow {
    pub id: i64,
    pub number: String,
    pub day: String,
    pub ticket_id: i64,
    pub service_id: String,
    pub window_id: String,
    pub clerk: String,
    pub first_window_id: String,
    pub kind: Outcome,
    pub state: CaseState,
    pub result: Option<CaseResult>,
    pub check_code: String,
    pub token: String,
    pub applicant_name: Option<String>,
    pub applicant_phone: Option<String>,
    pub accepted_on: NaiveDate,
    pub clock_from: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    pub promised_days: u32,
    pub extended: bool,
    pub supplement_until: Option<NaiveDate>,
    /// The kind's particulars (JSON object): `missing`, `return_ground`, `reason`, `note`,
    /// `parts` [{department, done, note}], `meeting`, `authority`, `reply`, `extension`.
    pub detail: serde_json::Value,
    pub created_at: i64,
    pub closed_at: Option<i64>,
    /// When its file was archived (R17), and whether the archive is tracked (not closed yet at
    /// the upgrade that began it, schema_v36, or registered since).
    pub archived_at: Option<i64>,
    pub archive_tracked: bool,
    /// The working days its file had to be archived, as configured when it closed.
    pub archive_days: Option<u32>,
}

const COLUMNS: &str = "id, number, day, ticket_id, service_id, window_id, clerk, first_window_id, kind, state, result,
    check_code, token, applicant_name, applicant_phone, accepted_on, clock_from, deadline, promised_days, extended,
    supplement_until, detail, created_at, closed_at, archived_at, archive_tracked, archive_days";

fn date(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

fn bad(column: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, what.to_string().into())
}

fn row(r: &Row) -> rusqlite::Result<CaseRow> {
    let kind: String = r.get(8)?;
    let state: String = r.get(9)?;
    let result: Option<String> = r.get(10)?;
    let detail: String = r.get(21)?;
    Ok(CaseRow {
        id: r.get(0)?,
        number: r.get(1)?,
        day: r.get(2)?,
        ticket_id: r.get(3)?,
        service_id: r.get(4)?,
        window_id: r.get(5)?,
        clerk: r.get(6)?,
        first_window_id: r.get(7)?,
        kind: Outcome::parse(&kind).ok_or_else(|| bad(8, "unknown case kind"))?,
        state: CaseState::parse(&state).ok_or_else(|| bad(9, "unknown case state"))?,
        result: match result {
            Some(r) => Some(CaseResult::parse(&r).ok_or_else(|| bad(10, "unknown case result"))?),
            None => None,
        },
        check_code: r.get(11)?,
        token: r.get(12)?,
        applicant_name: r.get(13)?,
        applicant_phone: r.get(14)?,
        accepted_on: date(r.get(15)?).ok_or_else(|| bad(15, "accepted_on is not a date"))?,
        clock_from: date(r.get(16)?),
        deadline: date(r.get(17)?),
        promised_days: r.get(18)?,
        extended: r.get(19)?,
        supplement_until: date(r.get(20)?),
        detail: serde_json::from_str(&detail).map_err(|_| bad(21, "detail is not JSON"))?,
        created_at: r.get(22)?,
        closed_at: r.get(23)?,
        archived_at: r.get(24)?,
        archive_tracked: r.get(25)?,
        archive_days: r.get(26)?,
    })
}

/// A 补办件's waiting limit in working days as configured when it was accepted (`None`: a case
/// of another kind, or accepted before it was kept).
pub fn supplement_days(conn: &Connection, id: i64) -> rusqlite::Result<Option<u32>> {
    conn.prepare_cached("SELECT supplement_days FROM cases WHERE id = ?1")?.query_row([id], |r| r.get(0))
}

/// A case to register (the number's sequence is taken by [`insert`]).
pub struct NewCase<'a> {
    pub day: NaiveDate,
    pub ticket_id: i64,
    pub service_id: &'a str,
    pub window_id: &'a str,
    pub clerk: &'a str,
    pub first_window_id: &'a str,
    pub kind: Outcome,
    pub state: CaseState,
    pub result: Option<CaseResult>,
    pub check_code: &'a str,
    pub token: &'a str,
    pub applicant_name: Option<&'a str>,
    pub applicant_phone: Option<&'a str>,
    pub clock_from: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    pub promised_days: u32,
    pub supplement_until: Option<NaiveDate>,
    /// A 补办件's waiting limit in working days, as configured now (kept for a limit that waits
    /// for next year's calendar).
    pub supplement_days: Option<u32>,
    pub detail: &'a serde_json::Value,
    pub at_ms: i64,
    /// The hall's `archive_days` now: kept when the case closes at once (R17).
    pub archive_days: u32,
    /// A 即办件's on-the-spot minutes now (R7), kept for the reports.
    pub spot_minutes: Option<u32>,
}

fn text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// Registers a case under the day's next number (the writer is the only writer: no two
/// windows can take the same sequence). Returns the row id and the number.
pub fn insert(tx: &Transaction, c: &NewCase) -> rusqlite::Result<(i64, String)> {
    let day = c.day.to_string();
    let seq = super::next_of_day(tx, super::Numbered::Cases, &day)?;
    let number = crate::domain::case::number(c.day, seq);
    let closed_at = (c.state == CaseState::Closed).then_some(c.at_ms);
    tx.prepare_cached(
        "INSERT INTO cases (number, day, seq, ticket_id, service_id, window_id, clerk, first_window_id, kind, state,
             result, check_code, token, applicant_name, applicant_phone, accepted_on, clock_from, deadline,
             promised_days, supplement_until, detail, created_at, closed_at, supplement_days, archive_days,
             archive_tracked, spot_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?2, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23,
                 CASE WHEN ?22 IS NOT NULL THEN ?24 END, 1, ?25)",
    )?
    .execute(params![
        number,
        day,
        seq,
        c.ticket_id,
        c.service_id,
        c.window_id,
        c.clerk,
        c.first_window_id,
        c.kind.as_str(),
        c.state.as_str(),
        c.result.map(CaseResult::as_str),
        c.check_code,
        c.token,
        c.applicant_name,
        c.applicant_phone,
        text(c.clock_from),
        text(c.deadline),
        c.promised_days,
        text(c.supplement_until),
        c.detail.to_string(),
        c.at_ms,
        closed_at,
        c.supplement_days,
        c.archive_days,
        c.spot_minutes,
    ])?;
    Ok((tx.last_insert_rowid(), number))
}

fn one(conn: &Connection, filter: &str, value: &dyn rusqlite::ToSql) -> rusqlite::Result<Option<CaseRow>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM cases WHERE {filter}"))?.query_row([value], row).optional()
}

pub fn by_number(conn: &Connection, number: &str) -> rusqlite::Result<Option<CaseRow>> {
    one(conn, "number = ?1", &number)
}

pub fn by_token(conn: &Connection, token: &str) -> rusqlite::Result<Option<CaseRow>> {
    one(conn, "token = ?1", &token)
}

pub fn by_ticket(conn: &Connection, ticket_id: i64) -> rusqlite::Result<Option<CaseRow>> {
    if let Some(c) = one(conn, "ticket_id = ?1", &ticket_id)? {
        return Ok(Some(c));
    }
    // A visit for a case registered earlier (R11: the materials brought; R4: a question).
    one(conn, "id = (SELECT case_id FROM case_visits WHERE ticket_id = ?1)", &ticket_id)
}

/// A ticket finished as a visit for the case `case_id`, at `window` by `clerk`.
pub fn add_visit(tx: &Transaction, ticket_id: i64, case_id: i64, window: &str, clerk: &str) -> rusqlite::Result<()> {
    tx.prepare_cached("INSERT INTO case_visits (ticket_id, case_id, window_id, clerk) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![ticket_id, case_id, window, clerk])
        .map(|_| ())
}

/// Saves a case's new state, dates and particulars. `archive_days`: the hall's now, kept with
/// the close (R17).
pub fn update(tx: &Transaction, c: &CaseRow, at_ms: i64, archive_days: u32) -> rusqlite::Result<()> {
    let closed_at = (c.state == CaseState::Closed).then_some(at_ms);
    tx.prepare_cached(
        "UPDATE cases SET state = ?2, result = ?3, clock_from = ?4, deadline = ?5, extended = ?6, detail = ?7,
             closed_at = COALESCE(closed_at, ?8), supplement_until = ?9,
             archive_days = CASE WHEN closed_at IS NULL AND ?8 IS NOT NULL THEN ?10 ELSE archive_days END
         WHERE id = ?1",
    )?
    .execute(params![
        c.id,
        c.state.as_str(),
        c.result.map(CaseResult::as_str),
        text(c.clock_from),
        text(c.deadline),
        c.extended,
        c.detail.to_string(),
        closed_at,
        text(c.supplement_until),
        archive_days,
    ])?;
    Ok(())
}

/// The windows of a case the director gave to another window.
pub fn set_windows(tx: &Transaction, id: i64, window: &str, first_window: &str) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE cases SET window_id = ?2, first_window_id = ?3 WHERE id = ?1")?.execute(params![
        id,
        window,
        first_window
    ])?;
    Ok(())
}

/// A closed case's file archived (R17), once.
pub fn archive(tx: &Transaction, id: i64, at_ms: i64, by: &str) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE cases SET archived_at = ?2, archived_by = ?3 WHERE id = ?1 AND archived_at IS NULL")?
        .execute(params![id, at_ms, by])?;
    Ok(())
}

/// `cases_to_archive`'s condition (schema_v36), spelled as the index's so that SQLite uses it.
const TO_ARCHIVE: &str = "archive_tracked = 1 AND closed_at IS NOT NULL AND archived_at IS NULL";

/// A window's oldest `limit` files not archived yet (R17): each close and its limit — the
/// director's panel. A slice of `cases_to_archive`: a hall that never archives in the system
/// costs no more than one that does.
pub fn files_out(conn: &Connection, window: &str, limit: u32) -> rusqlite::Result<Vec<(i64, Option<u32>)>> {
    let sql = format!(
        "SELECT closed_at, archive_days FROM cases INDEXED BY cases_to_archive WHERE {TO_ARCHIVE} AND window_id = ?1
         ORDER BY closed_at LIMIT ?2"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![window, limit], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// A window's closed cases whose file is not archived yet, the oldest close first.
pub fn to_archive(conn: &Connection, window: &str, limit: u32) -> rusqlite::Result<Vec<CaseRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM cases INDEXED BY cases_to_archive WHERE {TO_ARCHIVE} AND window_id = ?1
         ORDER BY closed_at LIMIT ?2"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![window, limit], row)?;
    rows.collect()
}

/// Cases whose deadline (or supplement limit) waits for a year of the calendar.
pub fn pending_dates(conn: &Connection) -> rusqlite::Result<Vec<CaseRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM cases WHERE state = 'open' AND deadline IS NULL AND clock_from IS NOT NULL
         UNION ALL
         SELECT {COLUMNS} FROM cases WHERE state = 'awaiting_materials' AND supplement_until IS NULL"
    ))?;
    let rows = stmt.query_map([], row)?;
    rows.collect()
}

/// Cases whose running date (an open case's deadline, a supplement's waiting limit) lies
/// between two days, inclusive: those a changed calendar may put on a day off.
pub fn dated_between(conn: &Connection, from: NaiveDate, to: NaiveDate) -> rusqlite::Result<Vec<CaseRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM cases WHERE state = 'open' AND deadline BETWEEN ?1 AND ?2
         UNION ALL
         SELECT {COLUMNS} FROM cases WHERE state = 'awaiting_materials' AND supplement_until BETWEEN ?1 AND ?2"
    ))?;
    let rows = stmt.query_map([from.to_string(), to.to_string()], row)?;
    rows.collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRow {
    pub at: i64,
    pub by: String,
    pub action: String,
    pub text: String,
}

pub fn add_step(tx: &Transaction, case_id: i64, step: &StepRow) -> rusqlite::Result<()> {
    tx.prepare_cached("INSERT INTO case_steps (case_id, at, by, action, text) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![case_id, step.at, step.by, step.action, step.text])?;
    Ok(())
}

pub fn steps(conn: &Connection, case_id: i64) -> rusqlite::Result<Vec<StepRow>> {
    let mut stmt = conn.prepare_cached("SELECT at, by, action, text FROM case_steps WHERE case_id = ?1 ORDER BY id")?;
    let rows = stmt
        .query_map([case_id], |r| Ok(StepRow { at: r.get(0)?, by: r.get(1)?, action: r.get(2)?, text: r.get(3)? }))?;
    rows.collect()
}

/// Which cases a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// `None`: every case not closed.
    pub state: Option<CaseState>,
    /// Every state, closed ones included (most recent first).
    pub all: bool,
    /// Only cases whose deadline is on or before this day (overdue and due soon).
    pub due_by: Option<NaiveDate>,
    /// Only cases whose deadline is before this day (overdue).
    pub due_before: Option<NaiveDate>,
    /// Cases at this window or that it is first-inquiry responsible for (R2).
    pub window: Option<String>,
    /// With `window`: also the joint cases (R13) these names of its department take part in
    /// (a part names its department by id or by name).
    pub department: Vec<String>,
    pub limit: u32,
}

/// The cases of a list, running ones by deadline.
pub fn list(conn: &Connection, f: &Filter) -> rusqlite::Result<Vec<CaseRow>> {
    let (sql, values) = list_sql(f);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(values.iter()), row)?;
    rows.collect()
}

/// A list's statement and its values.
fn list_sql(f: &Filter) -> (String, Vec<String>) {
    let mut clauses: Vec<String> = Vec::new();
    let mut values: Vec<String> = Vec::new();
    let mut push = |clause: &str, value: Option<String>| {
        let clause = match value {
            Some(v) => {
                values.push(v);
                clause.replace('?', &format!("?{}", values.len()))
            }
            None => clause.to_string(),
        };
        clauses.push(clause);
    };
    if f.due_by.is_some() || f.due_before.is_some() {
        // Only running deadlines are due: the partial index of open cases.
        push("state = 'open'", None);
    } else if let Some(state) = f.state {
        // The state as a literal (one of the enum's own words): the partial index of that state
        // is chosen when the statement is planned, whatever the connection's planner settings.
        push(&format!("state = '{}'", state.as_str()), None);
    } else if !f.all {
        // Written as the partial index `cases_not_closed` is, so that it is used.
        push("state != 'closed'", None);
    }
    if let Some(d) = f.due_by {
        push("deadline <= ?", Some(d.to_string()));
    }
    if let Some(d) = f.due_before {
        push("deadline < ?", Some(d.to_string()));
    }
    if let Some(w) = &f.window {
        push("(window_id = ? OR first_window_id = ?", Some(w.clone()));
        if !f.department.is_empty() {
            let mut names = Vec::new();
            for d in &f.department {
                values.push(d.clone());
                names.push(format!("?{}", values.len()));
            }
            let last = clauses.last_mut().expect("just pushed");
            last.push_str(&format!(
                " OR (kind = 'joint' AND EXISTS (SELECT 1 FROM json_each(detail, '$.parts') p
                      WHERE json_extract(p.value, '$.department') IN ({})))",
                names.join(", ")
            ));
        }
        clauses.last_mut().expect("just pushed").push(')');
    }
    let filter = if clauses.is_empty() { "1".to_string() } else { clauses.join(" AND ") };
    // Closed cases (and all of them) most recent first: a walk back from the newest row that
    // stops at the limit. Running ones by deadline: a sort of the cases not closed only.
    let order = if f.all || f.state == Some(CaseState::Closed) { "id DESC" } else { "deadline IS NULL, deadline, id" };
    let sql = format!("SELECT {COLUMNS} FROM cases WHERE {filter} ORDER BY {order} LIMIT {}", f.limit.max(1));
    (sql, values)
}

/// Cases not closed, by kind and state.
pub fn running_counts(conn: &Connection) -> rusqlite::Result<Vec<(Outcome, CaseState, u32)>> {
    let mut out = Vec::new();
    for state in [CaseState::Open, CaseState::AwaitingMaterials] {
        // A statement per state (a literal, so each is planned once, with its partial index).
        let sql = format!("SELECT kind, COUNT(*) FROM cases WHERE state = '{}' GROUP BY kind", state.as_str());
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?;
        for r in rows {
            let (kind, n) = r?;
            if let Some(kind) = Outcome::parse(&kind) {
                out.push((kind, state, n));
            }
        }
    }
    Ok(out)
}

/// Open cases whose deadline is before `day` (overdue) and on or before `soon` (due soon too).
pub fn due_counts(conn: &Connection, day: NaiveDate, soon: NaiveDate) -> rusqlite::Result<(u32, u32)> {
    conn.prepare_cached(
        "SELECT COUNT(*) FILTER (WHERE deadline < ?1), COUNT(*) FILTER (WHERE deadline >= ?1)
         FROM cases WHERE state = 'open' AND deadline <= ?2",
    )?
    .query_row(params![day.to_string(), soon.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
}

/// Cases registered between two instants (ms): a local day's, a late registration included.
pub fn registered_between(conn: &Connection, (from_ms, to_ms): (i64, i64)) -> rusqlite::Result<u32> {
    conn.prepare_cached("SELECT COUNT(*) FROM cases WHERE created_at >= ?1 AND created_at < ?2")?
        .query_row([from_ms, to_ms], |r| r.get(0))
}

/// Supplement cases whose waiting limit passed before `day`.
pub fn supplements_past(conn: &Connection, day: NaiveDate) -> rusqlite::Result<Vec<CaseRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM cases WHERE state = 'awaiting_materials' AND supplement_until < ?1
         ORDER BY supplement_until LIMIT 500"
    ))?;
    let rows = stmt.query_map([day.to_string()], row)?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lists of running cases read the indexes of cases not closed: their cost follows the
    /// open cases, never every case the hall ever registered.
    #[test]
    fn running_lists_never_read_every_case() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open_writer(&dir.path().join("h.db")).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let plan = |sql: &str, values: &[String]| -> String {
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let rows = stmt.query_map(rusqlite::params_from_iter(values.iter()), |r| r.get::<_, String>(3)).unwrap();
            rows.collect::<Result<Vec<_>, _>>().unwrap().join("; ")
        };
        let check = |what: &str, f: Filter| {
            let (sql, values) = list_sql(&Filter { limit: 200, ..f });
            let p = plan(&sql, &values);
            let bounded = ["cases_not_closed", "cases_running", "cases_awaiting"].iter().any(|i| p.contains(i));
            assert!(bounded && !p.contains("SCAN cases;") && !p.ends_with("SCAN cases"), "{what}: {p}");
        };
        check("not closed", Filter::default());
        check("open", Filter { state: Some(CaseState::Open), ..Default::default() });
        check("awaiting", Filter { state: Some(CaseState::AwaitingMaterials), ..Default::default() });
        check("overdue", Filter { due_before: Some(day), ..Default::default() });
        check("due soon", Filter { due_by: Some(day), ..Default::default() });
        let p = plan(
            "SELECT id FROM cases WHERE state = 'awaiting_materials' AND supplement_until < ?1 ORDER BY supplement_until LIMIT 500",
            &[day.to_string()],
        );
        assert!(p.contains("cases_awaiting"), "supplements past their limit: {p}");
    }
}
