//! Leave requests and their stand-ins (R16; schema_v11). Lists never select the reason: only
//! [`get`] with `with_reason` does, for the requester and the director.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::domain::leave::{LeaveKind, LeaveState, Span};
use crate::store::exec;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaveRow {
    pub id: i64,
    pub username: String,
    pub kind: LeaveKind,
    pub span: Span,
    pub working_halves: Option<u32>,
    pub state: LeaveState,
    pub requested_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub decision_note: Option<String>,
    pub cancelled_at: Option<i64>,
    /// `None` in lists.
    pub reason: Option<String>,
    /// `(window, stand-in)`, by window.
    pub stand_ins: Vec<(String, String)>,
}

/// A new request (checked by the caller).
pub struct NewLeave<'a> {
    pub username: &'a str,
    pub kind: LeaveKind,
    pub span: Span,
    pub working_halves: Option<u32>,
    pub reason: &'a str,
    pub stand_ins: &'a [(String, String)],
    pub at_ms: i64,
}

const COLS: &str = "id, username, kind, from_day, from_afternoon, to_day, to_noon, working_halves, state, \
     requested_at, decided_by, decided_at, decision_note, cancelled_at";

fn day(s: String) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

fn bad(what: &str, v: &str) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(format!("unknown {what} `{v}`").into())
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<LeaveRow> {
    let kind: String = r.get(2)?;
    let state: String = r.get(8)?;
    Ok(LeaveRow {
        id: r.get(0)?,
        username: r.get(1)?,
        kind: LeaveKind::parse(&kind).ok_or_else(|| bad("leave kind", &kind))?,
        span: Span { from: day(r.get(3)?)?, from_afternoon: r.get(4)?, to: day(r.get(5)?)?, to_noon: r.get(6)? },
        working_halves: r.get(7)?,
        state: LeaveState::parse(&state).ok_or_else(|| bad("leave state", &state))?,
        requested_at: r.get(9)?,
        decided_by: r.get(10)?,
        decided_at: r.get(11)?,
        decision_note: r.get(12)?,
        cancelled_at: r.get(13)?,
        reason: None,
        stand_ins: Vec::new(),
    })
}

fn with_stand_ins(conn: &Connection, mut rows: Vec<LeaveRow>) -> rusqlite::Result<Vec<LeaveRow>> {
    let mut stmt =
        conn.prepare_cached("SELECT window_id, stand_in FROM leave_stand_ins WHERE leave_id = ?1 ORDER BY window_id")?;
    for r in &mut rows {
        r.stand_ins = stmt.query_map([r.id], |x| Ok((x.get(0)?, x.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    }
    Ok(rows)
}

fn select(conn: &Connection, filter: &str, args: impl rusqlite::Params) -> rusqlite::Result<Vec<LeaveRow>> {
    let rows = conn
        .prepare_cached(&format!("SELECT {COLS} FROM leave_requests WHERE {filter} ORDER BY from_day DESC, id DESC"))?
        .query_map(args, row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    with_stand_ins(conn, rows)
}

pub fn insert(tx: &Transaction, n: &NewLeave) -> rusqlite::Result<i64> {
    exec(
        tx,
        "INSERT INTO leave_requests (username, kind, from_day, from_afternoon, to_day, to_noon, working_halves,
             reason, state, requested_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?9)",
        params![
            n.username,
            n.kind.as_str(),
            n.span.from.to_string(),
            n.span.from_afternoon,
            n.span.to.to_string(),
            n.span.to_noon,
            n.working_halves,
            n.reason,
            n.at_ms
        ],
    )?;
    let id = tx.last_insert_rowid();
    for (window, who) in n.stand_ins {
        exec(
            tx,
            "INSERT INTO leave_stand_ins (leave_id, window_id, stand_in) VALUES (?1, ?2, ?3)",
            params![id, window, who],
        )?;
    }
    Ok(id)
}

/// One request; its reason only `with_reason`.
pub fn get(conn: &Connection, id: i64, with_reason: bool) -> rusqlite::Result<Option<LeaveRow>> {
    let Some(mut r) = select(conn, "id = ?1", [id])?.pop() else { return Ok(None) };
    if with_reason {
        r.reason = conn
            .prepare_cached("SELECT reason FROM leave_requests WHERE id = ?1")?
            .query_row([id], |x| x.get(0))
            .optional()?;
    }
    Ok(Some(r))
}

/// Requests with a day in `from..=to` (every state).
pub fn between(conn: &Connection, from: NaiveDate, to: NaiveDate) -> rusqlite::Result<Vec<LeaveRow>> {
    select(conn, "from_day <= ?2 AND to_day >= ?1", [from.to_string(), to.to_string()])
}

/// Requests with a day in `from..=to`, and every request waiting for a decision whatever its days
/// (the director's console lists those: maternity leave asked for months ahead is decided now).
pub fn between_or_pending(conn: &Connection, from: NaiveDate, to: NaiveDate) -> rusqlite::Result<Vec<LeaveRow>> {
    // Two indexed reads (`leave_by_days`, `leave_pending`), not a scan of every request kept.
    let filter = "id IN (SELECT id FROM leave_requests WHERE from_day <= ?2 AND to_day >= ?1
        UNION SELECT id FROM leave_requests WHERE state = 'pending')";
    select(conn, filter, [from.to_string(), to.to_string()])
}

/// Requests whose working days waited for a year of the calendar.
pub fn without_working_days(conn: &Connection) -> rusqlite::Result<Vec<LeaveRow>> {
    select(conn, "working_halves IS NULL", [])
}

pub fn set_working_halves(tx: &Transaction, id: i64, halves: u32) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE leave_requests SET working_halves = ?2 WHERE id = ?1")?.execute(params![id, halves])?;
    Ok(())
}

/// Approved requests with a day in `from..=to`.
pub fn approved_between(conn: &Connection, from: NaiveDate, to: NaiveDate) -> rusqlite::Result<Vec<LeaveRow>> {
    select(conn, "state = 'approved' AND from_day <= ?2 AND to_day >= ?1", [from.to_string(), to.to_string()])
}

/// A clerk's own requests.
pub fn of_user(conn: &Connection, username: &str) -> rusqlite::Result<Vec<LeaveRow>> {
    select(conn, "username = ?1", [username])
}

/// The requests that name `username` as a stand-in.
pub fn standing_in(conn: &Connection, username: &str) -> rusqlite::Result<Vec<LeaveRow>> {
    select(conn, "id IN (SELECT leave_id FROM leave_stand_ins WHERE stand_in = ?1)", [username])
}

/// The decision, or the cancellation, of a request.
pub fn set_state(
    tx: &Transaction,
    id: i64,
    state: LeaveState,
    by: &str,
    at_ms: i64,
    note: Option<&str>,
) -> rusqlite::Result<()> {
    if state == LeaveState::Cancelled {
        exec(
            tx,
            "UPDATE leave_requests SET state = ?2, cancelled_at = ?3 WHERE id = ?1",
            params![id, state.as_str(), at_ms],
        )?;
    } else {
        exec(
            tx,
            "UPDATE leave_requests SET state = ?2, decided_by = ?3, decided_at = ?4, decision_note = ?5 WHERE id = ?1",
            params![id, state.as_str(), by, at_ms, note],
        )?;
    }
    Ok(())
}

/// Today's approved leave for the director: who is away (the kind, never the reason) with their
/// stand-ins, and the alarms (R16): a window whose clerk is away and that nobody holds, from the
/// time the stand-in was due (the day's start, or the afternoon's for an afternoon off) while the
/// hall is open (not over lunch): a stand-in who signed in and left again leaves it unstaffed too.
pub fn today(
    conn: &Connection,
    hall: &crate::hall::Hall,
    calendar: &crate::domain::calendar::Calendar,
    now: chrono::DateTime<chrono::Utc>,
) -> rusqlite::Result<(Vec<hall_wire::LeaveToday>, Vec<hall_wire::LeaveAlarm>)> {
    use crate::domain::attendance;
    use crate::domain::leave::Cover;
    use hall_wire as wire;
    let local = now.with_timezone(&hall.timezone);
    let day = local.date_naive();
    let now_ms = crate::store::ms(now);
    let names = super::attendance::StaffNames::read(conn)?;
    let name = |u: &str| names.of(hall, u);
    let periods = attendance::working_periods(day, &hall.hours, calendar).ok().flatten();
    let (mut away, mut alarms) = (Vec::new(), Vec::new());
    let approved = approved_between(conn, day, day)?;
    // Each clerk's leave of the day together: a morning off and, asked apart, the afternoon.
    let mut whole: std::collections::HashMap<&str, Cover> = std::collections::HashMap::new();
    for (u, c) in approved.iter().filter_map(|r| Some((r.username.as_str(), r.span.cover(day)?))) {
        whole.entry(u).and_modify(|w| *w = w.and(c)).or_insert(c);
    }
    for r in &approved {
        let Some(cover) = r.span.cover(day) else { continue };
        let part = match cover {
            Cover::Full => "full",
            Cover::Morning => "morning",
            Cover::Afternoon => "afternoon",
        };
        let stand_ins = r.stand_ins.iter().map(|(w, u)| stand_in_for(hall, w, u, name(u))).collect();
        away.push(wire::LeaveToday {
            leave_id: r.id,
            username: r.username.clone(),
            name: name(&r.username),
            kind: r.kind.into(),
            part: part.into(),
            stand_ins,
        });
        // When the stand-in is due: the day's start, or the afternoon's for an afternoon off
        // (after the lunch break, when the hall has one: nobody is due at the desk over lunch).
        let Some(periods) = periods.as_deref() else { continue };
        let due = match cover {
            Cover::Afternoon => attendance::due_hours(periods, Some(Cover::Morning)).map(|(start, _)| start),
            _ => periods.first().map(|p| p.start),
        };
        let Some(due) = due.filter(|d| local.time() >= *d) else { continue };
        // A morning off: the clerk is back for the afternoon; the stand-in is due until then, and
        // the clerk after (an empty window then names them, due at the afternoon's start).
        let back = match cover {
            Cover::Morning => attendance::due_hours(periods, Some(Cover::Morning)).map(|(start, _)| start),
            _ => None,
        };
        let returned = back.filter(|b| local.time() >= *b);
        if returned.is_some() && whole.get(r.username.as_str()) == Some(&Cover::Full) {
            continue; // the afternoon is off too: its own leave names who is due now
        }
        let due = returned.unwrap_or(due);
        if !periods.iter().any(|p| local.time() >= p.start && local.time() < p.end) {
            continue; // over lunch or after closing: nobody is due at a desk
        }
        for (window, stand_in) in &r.stand_ins {
            let Some(w) = hall.window(window) else { continue };
            if crate::store::windows::get(conn, window, now_ms)?.is_some_and(|row| row.staffed) {
                continue;
            }
            alarms.push(wire::LeaveAlarm {
                window_id: window.clone(),
                window_number: w.number,
                leave_id: r.id,
                username: r.username.clone(),
                name: name(&r.username),
                stand_in: if returned.is_some() { r.username.clone() } else { stand_in.clone() },
                stand_in_name: name(if returned.is_some() { &r.username } else { stand_in }),
                due: due.format("%H:%M").to_string(),
            });
        }
    }
    Ok((away, alarms))
}

/// A stand-in as the answers show them: named, with their own windows left while they stand in
/// at `window`.
pub fn stand_in_for(hall: &crate::hall::Hall, window: &str, username: &str, name: String) -> hall_wire::StandInFor {
    let own = hall.staff(username).map(|s| s.windows.as_slice()).unwrap_or_default();
    hall_wire::StandInFor {
        window_id: window.to_string(),
        username: username.to_string(),
        name: Some(name),
        own_windows_left: own.iter().filter(|w| *w != window).cloned().collect(),
    }
}
