//! Ratings (好差评) and bad ratings' follow-ups. A rating's window and clerk are its case's, so
//! that a transfer never credits the wrong person.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::domain::rating::{Channel, FollowUpState, Level, Reason};

/// A finished (or not yet finished) service as a rating needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub ticket_id: i64,
    pub ticket_number: String,
    pub status: String,
    pub finished_at: Option<i64>,
    pub service_id: String,
    /// The case the finish registered (its id, number, the window that served and its clerk),
    /// or the case a visit was for (with the visit's window and clerk: theirs is the service
    /// rated). The window is the ticket's, never the case's now: a case the director gave to
    /// another window was still served at this one.
    pub case: Option<(i64, String, String, String)>,
}

const SERVICE: &str = "SELECT t.id, t.number, t.status, t.finished_at, t.service_id, COALESCE(c.id, vc.id),
            COALESCE(c.number, vc.number), COALESCE(v.window_id, t.window_id), COALESCE(c.clerk, v.clerk)
     FROM tickets t LEFT JOIN cases c ON c.ticket_id = t.id
          LEFT JOIN case_visits v ON v.ticket_id = t.id LEFT JOIN cases vc ON vc.id = v.case_id";

fn service_row(r: &Row) -> rusqlite::Result<Service> {
    let case_id: Option<i64> = r.get(5)?;
    Ok(Service {
        ticket_id: r.get(0)?,
        ticket_number: r.get(1)?,
        status: r.get(2)?,
        finished_at: r.get(3)?,
        service_id: r.get(4)?,
        case: match case_id {
            Some(id) => Some((id, r.get(6)?, r.get(7)?, r.get(8)?)),
            None => None,
        },
    })
}

/// The service of a ticket's phone page.
pub fn service_by_ticket_token(conn: &Connection, token: &str) -> rusqlite::Result<Option<Service>> {
    conn.prepare_cached(&format!("{SERVICE} WHERE t.status_token = ?1"))?.query_row([token], service_row).optional()
}

/// The service of a case's phone page.
pub fn service_by_case_token(conn: &Connection, token: &str) -> rusqlite::Result<Option<Service>> {
    conn.prepare_cached(&format!("{SERVICE} WHERE c.token = ?1"))?.query_row([token], service_row).optional()
}

/// The service finished last today at a window (what its evaluator asks about): a citizen
/// served at the counter, never a village request accepted there meanwhile (its villager is not
/// at the window). Cases are registered in finishing order, which breaks a tie of the same
/// millisecond.
pub fn last_finished_at(conn: &Connection, day: &str, window: &str) -> rusqlite::Result<Option<Service>> {
    conn.prepare_cached(&format!(
        "{SERVICE} WHERE t.day = ?1 AND t.window_id = ?2 AND t.status = 'done' AND t.device != ?3
         ORDER BY t.finished_at DESC, c.id DESC LIMIT 1"
    ))?
    .query_row([day, window, super::tickets::VILLAGE_DEVICE], service_row)
    .optional()
}

/// The citizen a window is calling or serving now, for its evaluator (`domain::rating::evaluator_asks`).
pub fn next_call(
    conn: &Connection,
    window: &str,
    now_ms: i64,
) -> rusqlite::Result<Option<crate::domain::rating::NextCall>> {
    use crate::domain::TicketStatus::{Called, Serving};
    let Some(id) = super::windows::get(conn, window, now_ms)?.and_then(|r| r.current_ticket) else { return Ok(None) };
    Ok(super::tickets::get(conn, id)?.and_then(|t| match (t.status, t.called_at) {
        (Called | Serving, Some(at)) => {
            Some(crate::domain::rating::NextCall { called_at_ms: at, started: t.status == Serving })
        }
        _ => None,
    }))
}

/// A rating as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingRow {
    pub id: i64,
    pub ticket_id: i64,
    pub case_id: Option<i64>,
    pub window_id: String,
    pub clerk: String,
    pub service_id: String,
    pub channel: Channel,
    pub level: Level,
    pub reason: Option<Reason>,
    pub text: Option<String>,
    pub phone: Option<String>,
    pub at: i64,
}

fn bad(column: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, what.to_string().into())
}

const RATING: &str = "id, ticket_id, case_id, window_id, clerk, service_id, channel, level, reason, text, phone, at";

fn rating_row(r: &Row) -> rusqlite::Result<RatingRow> {
    let channel: String = r.get(6)?;
    let reason: Option<String> = r.get(8)?;
    Ok(RatingRow {
        id: r.get(0)?,
        ticket_id: r.get(1)?,
        case_id: r.get(2)?,
        window_id: r.get(3)?,
        clerk: r.get(4)?,
        service_id: r.get(5)?,
        channel: Channel::parse(&channel).ok_or_else(|| bad(6, "unknown rating channel"))?,
        level: Level::from_rank(r.get(7)?).ok_or_else(|| bad(7, "unknown rating level"))?,
        reason: match reason {
            Some(x) => Some(Reason::parse(&x).ok_or_else(|| bad(8, "unknown rating reason"))?),
            None => None,
        },
        text: r.get(9)?,
        phone: r.get(10)?,
        at: r.get(11)?,
    })
}

/// The rating of a ticket's service, if it was rated.
pub fn of_ticket(conn: &Connection, ticket_id: i64) -> rusqlite::Result<Option<RatingRow>> {
    conn.prepare_cached(&format!("SELECT {RATING} FROM ratings WHERE ticket_id = ?1"))?
        .query_row([ticket_id], rating_row)
        .optional()
}

/// What the rater sees again of a service's rating (the phone pages): level, channel, when.
pub fn receipt(
    conn: &Connection,
    hall: &crate::hall::Hall,
    ticket_id: i64,
) -> rusqlite::Result<Option<hall_wire::RatingReceipt>> {
    Ok(of_ticket(conn, ticket_id)?.map(|r| hall_wire::RatingReceipt {
        level: r.level.into(),
        channel: r.channel.into(),
        at: super::reads::fmt_time(hall, r.at),
        follow_up: r.level.is_bad(),
    }))
}

/// Stores a rating (the caller checked it is the service's first).
pub fn insert(tx: &Transaction, day: &str, r: &RatingRow) -> rusqlite::Result<i64> {
    tx.prepare_cached(
        "INSERT INTO ratings (ticket_id, case_id, day, window_id, clerk, service_id, channel, level, reason, text, phone, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        r.ticket_id,
        r.case_id,
        day,
        r.window_id,
        r.clerk,
        r.service_id,
        r.channel.as_str(),
        r.level.rank(),
        r.reason.map(Reason::as_str),
        r.text,
        r.phone,
        r.at
    ])?;
    Ok(tx.last_insert_rowid())
}

/// Ratings per (window, clerk, level) over days `from..=to`.
pub fn counts(conn: &Connection, from: &str, to: &str) -> rusqlite::Result<Vec<(String, String, Level, u32)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT window_id, clerk, level, COUNT(*) FROM ratings WHERE day BETWEEN ?1 AND ?2
         GROUP BY window_id, clerk, level",
    )?;
    let rows = stmt.query_map([from, to], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            Level::from_rank(r.get(2)?).ok_or_else(|| bad(2, "unknown rating level"))?,
            r.get(3)?,
        ))
    })?;
    rows.collect()
}

/// A bad rating's follow-up as stored, with its rating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpRow {
    pub id: i64,
    pub state: FollowUpState,
    pub opened_on: NaiveDate,
    pub contact_due: Option<NaiveDate>,
    pub rectify_due: Option<NaiveDate>,
    pub contacted_at: Option<i64>,
    pub contact_note: Option<String>,
    pub closed_at: Option<i64>,
    pub action_taken: Option<String>,
    pub rating: RatingRow,
    pub ticket_number: String,
    pub case_number: Option<String>,
    /// The name of a clerk removed from the hall since (the hall in force names the others).
    pub clerk_former_name: Option<String>,
}

fn date(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

const FOLLOW_UP: &str = "SELECT f.id, f.state, f.opened_on, f.contact_due, f.rectify_due, f.contacted_at, f.contact_note,
        f.closed_at, f.action_taken, t.number, c.number,
        r.id, r.ticket_id, r.case_id, r.window_id, r.clerk, r.service_id, r.channel, r.level, r.reason, r.text, r.phone, r.at,
        (SELECT n.name FROM staff_not_clerk n WHERE n.username = r.clerk AND n.name IS NOT NULL LIMIT 1)
     FROM follow_ups f JOIN ratings r ON r.id = f.rating_id JOIN tickets t ON t.id = r.ticket_id
     LEFT JOIN cases c ON c.id = r.case_id";

fn follow_up_row(r: &Row) -> rusqlite::Result<FollowUpRow> {
    let state: String = r.get(1)?;
    let rating = RatingRow {
        id: r.get(11)?,
        ticket_id: r.get(12)?,
        case_id: r.get(13)?,
        window_id: r.get(14)?,
        clerk: r.get(15)?,
        service_id: r.get(16)?,
        channel: Channel::parse(&r.get::<_, String>(17)?).ok_or_else(|| bad(17, "unknown rating channel"))?,
        level: Level::from_rank(r.get(18)?).ok_or_else(|| bad(18, "unknown rating level"))?,
        reason: r.get::<_, Option<String>>(19)?.and_then(|x| Reason::parse(&x)),
        text: r.get(20)?,
        phone: r.get(21)?,
        at: r.get(22)?,
    };
    Ok(FollowUpRow {
        id: r.get(0)?,
        state: FollowUpState::parse(&state).ok_or_else(|| bad(1, "unknown follow-up state"))?,
        opened_on: date(r.get(2)?).ok_or_else(|| bad(2, "opened_on is not a date"))?,
        contact_due: date(r.get(3)?),
        rectify_due: date(r.get(4)?),
        contacted_at: r.get(5)?,
        contact_note: r.get(6)?,
        closed_at: r.get(7)?,
        action_taken: r.get(8)?,
        ticket_number: r.get(9)?,
        case_number: r.get(10)?,
        clerk_former_name: r.get(23)?,
        rating,
    })
}

fn text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// Opens a bad rating's follow-up with its dues and the limits they were counted with (kept
/// for dues that wait for next year's calendar).
pub fn open_follow_up(
    tx: &Transaction,
    rating_id: i64,
    opened_on: NaiveDate,
    (dues, limits): ((Option<NaiveDate>, Option<NaiveDate>), crate::domain::rating::Limits),
    at_ms: i64,
) -> rusqlite::Result<i64> {
    tx.prepare_cached(
        "INSERT INTO follow_ups (rating_id, state, opened_on, contact_due, rectify_due, created_at, contact_days,
             rectify_days)
         VALUES (?1, 'open', ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        rating_id,
        opened_on.to_string(),
        text(dues.0),
        text(dues.1),
        at_ms,
        limits.contact_days,
        limits.rectify_days
    ])?;
    Ok(tx.last_insert_rowid())
}

/// The contact and rectification limits a follow-up was opened under (`None`: opened before
/// they were kept).
pub fn follow_up_limits(conn: &Connection, id: i64) -> rusqlite::Result<Option<(u32, u32)>> {
    let days: (Option<u32>, Option<u32>) = conn
        .prepare_cached("SELECT contact_days, rectify_days FROM follow_ups WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(days.0.zip(days.1))
}

pub fn follow_up(conn: &Connection, id: i64) -> rusqlite::Result<Option<FollowUpRow>> {
    conn.prepare_cached(&format!("{FOLLOW_UP} WHERE f.id = ?1"))?.query_row([id], follow_up_row).optional()
}

/// Follow-ups not closed (by deadline; the partial index keeps this to the running ones), or
/// with `all` the latest `limit` of every state.
pub fn follow_ups(conn: &Connection, all: bool, limit: u32) -> rusqlite::Result<Vec<FollowUpRow>> {
    let sql = if all {
        format!("{FOLLOW_UP} ORDER BY f.id DESC LIMIT ?1")
    } else {
        format!("{FOLLOW_UP} WHERE f.state != 'closed' ORDER BY f.rectify_due IS NULL, f.rectify_due, f.id LIMIT ?1")
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([limit], follow_up_row)?;
    rows.collect()
}

/// Records a contact or a closing.
/// The rater's call-back phone, kept only to call them back: gone once the follow-up is closed.
pub fn forget_phone(tx: &Transaction, rating_id: i64) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE ratings SET phone = NULL WHERE id = ?1")?.execute([rating_id])?;
    Ok(())
}

pub fn update_follow_up(tx: &Transaction, f: &FollowUpRow, by: &str) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "UPDATE follow_ups SET state = ?2, contact_due = ?3, rectify_due = ?4, contacted_at = ?5,
            contacted_by = COALESCE(contacted_by, CASE WHEN ?5 IS NOT NULL THEN ?8 END), contact_note = ?6,
            closed_at = ?7, closed_by = CASE WHEN ?7 IS NOT NULL THEN ?8 END, action_taken = ?9
         WHERE id = ?1",
    )?
    .execute(params![
        f.id,
        f.state.as_str(),
        text(f.contact_due),
        text(f.rectify_due),
        f.contacted_at,
        f.contact_note,
        f.closed_at,
        by,
        f.action_taken
    ])?;
    Ok(())
}

/// Follow-ups whose deadlines waited for a year of the calendar.
pub fn follow_ups_pending_dates(conn: &Connection) -> rusqlite::Result<Vec<FollowUpRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{FOLLOW_UP} WHERE f.state != 'closed' AND (f.contact_due IS NULL OR f.rectify_due IS NULL) ORDER BY f.id"
    ))?;
    let rows = stmt.query_map([], follow_up_row)?;
    rows.collect()
}

/// Follow-ups not closed with a due day between two days, inclusive.
pub fn follow_ups_due_between(conn: &Connection, from: NaiveDate, to: NaiveDate) -> rusqlite::Result<Vec<FollowUpRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{FOLLOW_UP} WHERE f.state != 'closed'
             AND (f.contact_due BETWEEN ?1 AND ?2 OR f.rectify_due BETWEEN ?1 AND ?2) ORDER BY f.id"
    ))?;
    let rows = stmt.query_map([from.to_string(), to.to_string()], follow_up_row)?;
    rows.collect()
}

/// Running follow-ups (open or contacted) and how many of them are past their deadline today
/// (`domain::rating::follow_up_overdue`: the contact's only for a rater who left a phone).
pub fn follow_up_counts(conn: &Connection, today: NaiveDate) -> rusqlite::Result<(u32, u32)> {
    let day = today.to_string();
    conn.prepare_cached(
        "SELECT COUNT(*),
                COALESCE(SUM(CASE WHEN f.rectify_due < ?1
                    OR (f.state = 'open' AND f.contact_due < ?1 AND r.phone IS NOT NULL) THEN 1 ELSE 0 END), 0)
         FROM follow_ups f JOIN ratings r ON r.id = f.rating_id WHERE f.state != 'closed'",
    )?
    .query_row([day], |r| Ok((r.get(0)?, r.get(1)?)))
}
