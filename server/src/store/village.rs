//! Village requests (schema_v14, R22) and their views. A request's row holds the villager's
//! name and phone; [`view`] puts them in only when asked (`with_person`): the registering
//! agent's own list and an audited staff read.

use chrono::NaiveDate;
use hall_wire as wire;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::domain::case::{CaseResult, CaseState};
use crate::domain::village::{self, VillageState};
use crate::hall::Hall;

#[derive(Debug, Clone, PartialEq)]
pub struct RequestRow {
    pub id: i64,
    pub number: String,
    pub station: String,
    pub agent: String,
    /// The name of an agent removed from the hall since (the hall in force names the others).
    pub agent_former_name: Option<String>,
    pub villager_name: String,
    pub villager_phone: String,
    pub service_id: String,
    pub materials: Vec<String>,
    pub urgent: bool,
    pub note: Option<String>,
    pub state: VillageState,
    pub registered_at: i64,
    pub forward_by: NaiveDate,
    pub forwarded_at: Option<i64>,
    pub replied_at: Option<i64>,
    /// Its case, once accepted.
    pub case: Option<CaseBits>,
}

/// What a request's view needs of its case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseBits {
    pub number: String,
    pub window_id: String,
    pub state: CaseState,
    pub result: Option<CaseResult>,
    pub deadline: Option<NaiveDate>,
    pub accepted_on: NaiveDate,
    /// What the villager must still bring (补办件, while waiting for it), and by when.
    pub missing: Vec<String>,
    pub supplement_until: Option<NaiveDate>,
    /// Why it was returned or not approved (R1, R10: never without a stated reason).
    pub reason: Option<String>,
    /// The code the villager asks the case's progress with (R4), at a kiosk or on the phone.
    pub check_code: String,
    /// When the case closed (ms), once it has.
    pub closed_at: Option<i64>,
}

const SELECT: &str = "SELECT v.id, v.number, v.station, v.agent, v.villager_name, v.villager_phone, v.service_id,
        v.materials, v.urgent, v.note, v.state, v.registered_at, v.forward_by, v.forwarded_at, v.replied_at,
        c.number, c.window_id, c.state, c.result, c.deadline, c.accepted_on, c.detail, c.supplement_until,
        c.check_code, c.closed_at,
        (SELECT n.name FROM staff_not_clerk n WHERE n.username = v.agent AND n.name IS NOT NULL LIMIT 1)
    FROM village_requests v LEFT JOIN cases c ON c.id = v.case_id";

fn date(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

fn bad(column: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, what.to_string().into())
}

fn row(r: &Row) -> rusqlite::Result<RequestRow> {
    let materials: String = r.get(7)?;
    let state: String = r.get(10)?;
    let case_number: Option<String> = r.get(15)?;
    let case = match case_number {
        None => None,
        Some(number) => {
            let state: String = r.get(17)?;
            let state = CaseState::parse(&state).ok_or_else(|| bad(17, "unknown case state"))?;
            let result = r.get::<_, Option<String>>(18)?.and_then(|x| CaseResult::parse(&x));
            let detail: serde_json::Value = serde_json::from_str(&r.get::<_, String>(21)?).unwrap_or_default();
            let awaiting = state == CaseState::AwaitingMaterials;
            Some(CaseBits {
                number,
                window_id: r.get(16)?,
                state,
                result,
                deadline: date(r.get(19)?),
                accepted_on: date(r.get(20)?).ok_or_else(|| bad(20, "accepted_on is not a date"))?,
                missing: if awaiting { super::case_views::missing(&detail) } else { Vec::new() },
                supplement_until: date(r.get(22)?).filter(|_| awaiting),
                reason: super::case_views::stated_reason(&detail, result),
                check_code: r.get(23)?,
                closed_at: r.get(24)?,
            })
        }
    };
    Ok(RequestRow {
        id: r.get(0)?,
        number: r.get(1)?,
        station: r.get(2)?,
        agent: r.get(3)?,
        agent_former_name: r.get(25)?,
        villager_name: r.get(4)?,
        villager_phone: r.get(5)?,
        service_id: r.get(6)?,
        materials: serde_json::from_str(&materials).map_err(|_| bad(7, "materials are not a JSON list"))?,
        urgent: r.get(8)?,
        note: r.get(9)?,
        state: VillageState::parse(&state).ok_or_else(|| bad(10, "unknown village state"))?,
        registered_at: r.get(11)?,
        forward_by: date(r.get(12)?).ok_or_else(|| bad(12, "forward_by is not a date"))?,
        forwarded_at: r.get(13)?,
        replied_at: r.get(14)?,
        case,
    })
}

/// A request to register (its number's sequence is taken by [`insert`]).
pub struct NewRequest<'a> {
    pub day: NaiveDate,
    pub station: &'a str,
    pub agent: &'a str,
    pub villager_name: &'a str,
    pub villager_phone: &'a str,
    pub service_id: &'a str,
    pub materials: &'a [String],
    pub urgent: bool,
    pub note: Option<&'a str>,
    pub forward_by: NaiveDate,
    pub at_ms: i64,
}

/// Registers a request under the day's next number; returns its id.
pub fn insert(tx: &Transaction, n: &NewRequest) -> rusqlite::Result<i64> {
    let day = n.day.to_string();
    let seq = super::next_of_day(tx, super::Numbered::VillageRequests, &day)?;
    let materials = serde_json::to_string(n.materials).expect("a list of strings is JSON");
    tx.prepare_cached(
        "INSERT INTO village_requests (number, day, seq, station, agent, villager_name, villager_phone, service_id,
             materials, urgent, note, state, registered_at, forward_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'registered', ?12, ?13)",
    )?
    .execute(params![
        village::number(n.day, seq),
        day,
        seq,
        n.station,
        n.agent,
        n.villager_name,
        n.villager_phone,
        n.service_id,
        materials,
        n.urgent,
        n.note,
        n.at_ms,
        n.forward_by.to_string(),
    ])?;
    Ok(tx.last_insert_rowid())
}

pub fn by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<RequestRow>> {
    conn.prepare_cached(&format!("{SELECT} WHERE v.id = ?1"))?.query_row([id], row).optional()
}

/// The requests still at their station (not forwarded): few, a week's at most.
pub fn registered(conn: &Connection) -> rusqlite::Result<Vec<RequestRow>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} WHERE v.state = 'registered' ORDER BY v.id"))?;
    let rows = stmt.query_map([], row)?;
    rows.collect()
}

pub fn set_forward_by(tx: &Transaction, id: i64, day: NaiveDate) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE village_requests SET forward_by = ?2 WHERE id = ?1")?
        .execute(params![id, day.to_string()])?;
    Ok(())
}

/// The town hall received it (the agent forwarded it, or a window accepted it straight away).
pub fn set_forwarded(tx: &Transaction, id: i64, at_ms: i64) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "UPDATE village_requests SET state = 'forwarded', forwarded_at = COALESCE(forwarded_at, ?2) WHERE id = ?1",
    )?
    .execute(params![id, at_ms])?;
    Ok(())
}

pub fn set_accepted(tx: &Transaction, id: i64, case_id: i64, by: &str, at_ms: i64) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "UPDATE village_requests SET state = 'accepted', case_id = ?2, accepted_by = ?3, accepted_at = ?4,
             forwarded_at = COALESCE(forwarded_at, ?4)
         WHERE id = ?1",
    )?
    .execute(params![id, case_id, by, at_ms])?;
    Ok(())
}

/// The request goes to another agent of its station (a hand-over).
pub fn set_agent(tx: &Transaction, id: i64, agent: &str) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE village_requests SET agent = ?2 WHERE id = ?1")?.execute(params![id, agent])?;
    Ok(())
}

pub fn set_replied(tx: &Transaction, id: i64, at_ms: i64) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE village_requests SET replied_at = ?2 WHERE id = ?1")?.execute(params![id, at_ms])?;
    Ok(())
}

/// The case of a request closed: its final answer is owed to the villager now. A reply recorded
/// before the close told an earlier answer (what to bring, while it waited for materials): the
/// reply is open again. A reply recorded after the close stays. The request's id, when its
/// reply is owed now: opened again, or never recorded and the case closed by this command
/// (`now_ms`; a later step of a closed case, a relayed one, owes nothing new).
///
/// A read, then an update of the request found, not one `UPDATE … RETURNING`: SQLite gathers a
/// `RETURNING` statement's rows in a temporary table it opens for each run, and this runs at
/// every case's close (most of them no village's) — a tenth of a finish's case registration.
pub fn reply_owed_again(tx: &Transaction, case_id: i64, now_ms: i64) -> rusqlite::Result<Option<i64>> {
    let owed: Option<(i64, bool)> = tx
        .prepare_cached(
            "SELECT id, replied_at IS NOT NULL FROM village_requests
             WHERE case_id = ?1 AND (SELECT CASE WHEN replied_at IS NULL THEN closed_at = ?2 ELSE replied_at < closed_at END
                                     FROM cases WHERE id = ?1)",
        )?
        .query_row([case_id, now_ms], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((id, replied)) = owed else { return Ok(None) };
    if replied {
        super::exec(tx, "UPDATE village_requests SET replied_at = NULL WHERE id = ?1", [id])?;
    }
    Ok(Some(id))
}

/// A case's materials came in (a 补办件 runs now): the reply recorded for its request told
/// what to bring, not the result, which is owed next. The request's id, when one was replied
/// to (a read, then an update, as [`reply_owed_again`]).
pub fn reply_owed_later(tx: &Transaction, case_id: i64) -> rusqlite::Result<Option<i64>> {
    let owed: Option<i64> = tx
        .prepare_cached("SELECT id FROM village_requests WHERE case_id = ?1 AND replied_at IS NOT NULL")?
        .query_row([case_id], |r| r.get(0))
        .optional()?;
    if let Some(id) = owed {
        super::exec(tx, "UPDATE village_requests SET replied_at = NULL WHERE id = ?1", [id])?;
    }
    Ok(owed)
}

/// A station's requests, newest first: its newest `limit`, and every one still open whatever its
/// age (not accepted yet, or the villager not yet told: a 补办件 or a 上报件 may run for months
/// while newer requests push it past any page's length, and its answer is still owed, R22).
/// The open ones through `village_open_id`, the newest through `village_by_station`.
pub fn of_station(conn: &Connection, station: &str, limit: u32) -> rusqlite::Result<Vec<RequestRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE v.id IN (
             SELECT id FROM (SELECT id FROM village_requests WHERE station = ?1 ORDER BY id DESC LIMIT ?2)
             UNION
             SELECT id FROM village_requests INDEXED BY village_open_id
              WHERE (state != 'accepted' OR replied_at IS NULL) AND station = ?1)
         ORDER BY v.id DESC"
    ))?;
    let rows = stmt.query_map(params![station, limit], row)?;
    rows.collect()
}

/// The requests still open for the town: not accepted yet, or accepted and the villager not yet
/// replied to (the partial index `village_open_id`: not every request ever kept), newest first.
pub fn open(conn: &Connection, limit: u32) -> rusqlite::Result<Vec<RequestRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE v.state != 'accepted' OR v.replied_at IS NULL ORDER BY v.id DESC LIMIT ?1"
    ))?;
    let rows = stmt.query_map([limit], row)?;
    rows.collect()
}

/// Requests of a matter no window has accepted yet (registered at the station, or forwarded):
/// those a hall without the matter would strand. Read through the open requests' index.
pub fn not_accepted_of_matter(conn: &Connection, service_id: &str) -> rusqlite::Result<u32> {
    conn.prepare_cached(
        "SELECT COUNT(*) FROM village_requests
          WHERE (state != 'accepted' OR replied_at IS NULL) AND state != 'accepted' AND service_id = ?1",
    )?
    .query_row([service_id], |r| r.get(0))
}

fn fmt(hall: &Hall, ms: Option<i64>) -> Option<String> {
    ms.map(|ms| super::reads::fmt_time(hall, ms))
}

fn local_day(hall: &Hall, ms: i64) -> NaiveDate {
    super::from_ms(ms).with_timezone(&hall.timezone).date_naive()
}

/// Who reads a request: what the view carries follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// The agent who registered it: the villager, the note, the town's answer to pass on (what
    /// to bring, why) and the check code.
    OwnAgent,
    /// A clerk or the director reading it whole (audited): the villager and the note.
    StaffWhole,
    /// A list of the town's staff: no villager, the town's answer (theirs).
    StaffList,
    /// Another agent of the station: neither the villager nor the town's answer.
    OtherAgent,
}

/// The request as the API shows it to `reader`.
pub fn view(
    (hall, calendar): (&Hall, &crate::domain::calendar::Calendar),
    r: &RequestRow,
    today: NaiveDate,
    reader: Reader,
) -> wire::VillageRequest {
    let with_person = matches!(reader, Reader::OwnAgent | Reader::StaffWhole);
    let answer = reader != Reader::OtherAgent;
    let matter = hall.matter(&r.service_id);
    let status = match (&r.case, r.state) {
        (Some(c), _) if c.state == CaseState::Closed => wire::VillageStatus::Closed,
        (Some(_), _) | (None, VillageState::Accepted) => wire::VillageStatus::Accepted,
        (None, VillageState::Forwarded) => wire::VillageStatus::Forwarded,
        (None, VillageState::Registered) => wire::VillageStatus::Registered,
    };
    let facts = r.case.as_ref().map(|c| village::CaseFacts {
        state: c.state,
        deadline: c.deadline,
        accepted_on: c.accepted_on,
        closed_on: c.closed_at.map(|at| local_day(hall, at)),
    });
    let reply_by = facts.as_ref().and_then(|f| village::reply_by(f, calendar));
    let town_answered = r.case.as_ref().is_some_and(|c| village::answered(c.state));
    wire::VillageRequest {
        id: r.id,
        number: r.number.clone(),
        station: r.station.clone(),
        service_id: r.service_id.clone(),
        service_name: matter.map(|m| m.name.clone()).unwrap_or_else(|| r.service_id.clone()),
        windows: matter.map(|m| m.windows.clone()).unwrap_or_default(),
        materials: r.materials.clone(),
        urgent: r.urgent,
        status,
        registered_at: super::reads::fmt_time(hall, r.registered_at),
        agent: r.agent.clone(),
        agent_name: hall
            .staff(&r.agent)
            .map(|p| p.name.clone())
            .or_else(|| r.agent_former_name.clone())
            .unwrap_or_else(|| r.agent.clone()),
        forward_by: r.forward_by.to_string(),
        forwarded_at: fmt(hall, r.forwarded_at),
        forward_overdue: village::forward_overdue(r.state, r.forward_by, today),
        forwarded_late: r.forwarded_at.is_some_and(|at| village::forwarded_late(local_day(hall, at), r.forward_by)),
        case_number: r.case.as_ref().map(|c| c.number.clone()),
        case_window_id: r.case.as_ref().map(|c| c.window_id.clone()),
        town_deadline: r.case.as_ref().and_then(|c| c.deadline).map(|d| d.to_string()),
        // The town's decision is the villager's business: their agent's and the town's, not
        // every agent of the station (as the reason and what to bring).
        case_result: r.case.as_ref().filter(|_| answer).and_then(|c| c.result).map(Into::into),
        reply_by: reply_by.map(|d| d.to_string()),
        replied_at: fmt(hall, r.replied_at),
        reply_overdue: reply_by
            .is_some_and(|d| village::reply_overdue(town_answered, r.replied_at.is_some(), d, today)),
        town_overdue: facts.as_ref().is_some_and(|f| village::town_overdue(f, today)),
        town_answered,
        missing_materials: r.case.as_ref().filter(|_| answer).map(|c| c.missing.clone()).unwrap_or_default(),
        supplement_until: r.case.as_ref().filter(|_| answer).and_then(|c| c.supplement_until).map(|d| d.to_string()),
        case_reason: r.case.as_ref().filter(|_| answer).and_then(|c| c.reason.clone()),
        case_check_code: r.case.as_ref().filter(|_| reader == Reader::OwnAgent).map(|c| c.check_code.clone()),
        villager_name: with_person.then(|| r.villager_name.clone()),
        villager_phone: with_person.then(|| r.villager_phone.clone()),
        note: if with_person { r.note.clone() } else { None },
    }
}
