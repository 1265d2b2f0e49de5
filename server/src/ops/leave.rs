//! Leave with stand-ins (R16): a clerk's request, the director's decision, the requester's
//! cancellation, a whole read with the reason (the director's audited), and the stand-in's
//! sign-in at a window outside their list on the day. Nothing is deleted; every step audited.

use axum::http::StatusCode;
use chrono::NaiveDate;
use hall_wire as wire;
use serde_json::json;

use super::{Actor, Answer, Ctx};
use crate::domain::leave::{self, LeaveKind, LeaveState, Span, SpanError, Step, StepError};
use crate::error::{ApiError, ApiResult, Code};
use crate::hall::{Hall, StaffRole};
use crate::store::attendance::StaffNames;
use crate::store::leave::{self as rows, LeaveRow, NewLeave};

/// A request as the HTTP boundary parsed it.
#[derive(Debug, Clone)]
pub struct LeaveInput {
    pub kind: LeaveKind,
    pub span: Span,
    pub reason: String,
    /// `(window, stand-in)`.
    pub stand_ins: Vec<(String, String)>,
}

fn today(ctx: &Ctx) -> NaiveDate {
    crate::domain::numbering::local_day(ctx.now, ctx.hall.timezone)
}

fn me(ctx: &Ctx) -> String {
    ctx.actor.name().to_string()
}

/// Whether `username` has approved leave on a day of `span`.
fn on_leave(ctx: &Ctx, username: &str, span: &Span) -> ApiResult<bool> {
    let rows = rows::approved_between(ctx.tx, span.from, span.to)?;
    Ok(rows.iter().any(|r| r.username == username && r.span.overlaps(span)))
}

/// A clerk named stand-in for another's approved leave on a day of `span` cannot be away then:
/// the window would be left unstaffed (R16).
fn check_not_standing_in(ctx: &Ctx, username: &str, span: &Span) -> ApiResult<()> {
    let rows = rows::approved_between(ctx.tx, span.from, span.to)?;
    let taken = rows.iter().find(|r| r.span.overlaps(span) && r.stand_ins.iter().any(|(_, u)| u == username));
    if let Some(r) = taken {
        return Err(ApiError::new(
            Code::StandingInThen,
            format!("`{username}` stands in for `{}` on those days (leave {})", r.username, r.id),
        ));
    }
    Ok(())
}

/// The stand-ins are checked against the hall: another clerk for each of the requester's
/// windows (at least one window when they have no list), none on approved leave those days nor
/// standing in at another window then (one clerk holds one window: the other would be left
/// unstaffed). `this`: the request being approved, not counted against itself.
fn check_stand_ins(
    ctx: &Ctx,
    username: &str,
    span: &Span,
    named: &[(String, String)],
    this: Option<i64>,
) -> ApiResult<()> {
    let own = ctx.hall.staff(username).map(|s| s.windows.clone()).unwrap_or_default();
    let mut windows: Vec<&str> = named.iter().map(|(w, _)| w.as_str()).collect();
    windows.sort_unstable();
    let distinct = windows.windows(2).all(|p| p[0] != p[1]);
    // One clerk holds one window: named for two, one of them would be left unstaffed.
    let mut people: Vec<&str> = named.iter().map(|(_, u)| u.as_str()).collect();
    people.sort_unstable();
    if let Some(twice) = people.windows(2).find(|p| p[0] == p[1]) {
        return Err(ApiError::new(
            Code::StandInBusy,
            format!("`{}` is named for two windows: one clerk stands in at one", twice[0]),
        ));
    }
    for (window, who) in named {
        if ctx.hall.window(window).is_none() || (!own.is_empty() && !own.contains(window)) || !distinct {
            return Err(ApiError::new(
                Code::InvalidStandIn,
                format!("window `{window}` is not one of yours (once each)"),
            ));
        }
        let clerk = ctx.hall.staff(who).is_some_and(|s| s.role == StaffRole::Clerk);
        if !clerk || who == username {
            return Err(ApiError::new(Code::InvalidStandIn, format!("`{who}` is not another clerk of the hall")));
        }
    }
    let missing: Vec<&String> = own.iter().filter(|w| !named.iter().any(|(n, _)| n == *w)).collect();
    if named.is_empty() || !missing.is_empty() {
        let list = missing.iter().map(|w| w.as_str()).collect::<Vec<_>>().join(", ");
        return Err(ApiError::new(Code::StandInMissing, format!("name a stand-in for each of your windows {list}")));
    }
    let approved = rows::approved_between(ctx.tx, span.from, span.to)?;
    for (window, who) in named {
        if on_leave(ctx, who, span)? {
            return Err(ApiError::new(
                Code::StandInOnLeave,
                format!("`{who}` is on leave on those days and cannot stand in at `{window}`"),
            ));
        }
        let elsewhere = approved
            .iter()
            .filter(|r| Some(r.id) != this && r.span.overlaps(span))
            .find_map(|r| r.stand_ins.iter().find(|(w, u)| u == who && w != window).map(|(w, _)| (w, &r.username)));
        if let Some((w, for_whom)) = elsewhere {
            return Err(ApiError::new(
                Code::StandInBusy,
                format!("`{who}` already stands in at `{w}` for `{for_whom}` on those days"),
            ));
        }
    }
    Ok(())
}

fn check_text(text: &str) -> ApiResult<&str> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > leave::MAX_TEXT {
        return Err(ApiError::new(Code::InvalidLeaveReason, format!("1 to {} characters", leave::MAX_TEXT)));
    }
    Ok(text)
}

/// A clerk asks for leave.
pub(super) fn request(ctx: &mut Ctx, input: &LeaveInput) -> ApiResult<Answer> {
    let username = me(ctx);
    input.span.check().map_err(|e| {
        let why = match e {
            SpanError::Empty => "the last day is on or after the first, and one day is not afternoon-until-noon",
            SpanError::TooLong => "leave is asked for at most 366 days at a time",
        };
        ApiError::new(Code::InvalidLeaveDays, why)
    })?;
    if input.span.to < today(ctx) {
        return Err(ApiError::new(Code::InvalidLeaveDays, "leave that has ended is not asked for"));
    }
    let reason = check_text(&input.reason)?;
    check_stand_ins(ctx, &username, &input.span, &input.stand_ins, None)?;
    check_not_standing_in(ctx, &username, &input.span)?;
    let mine = rows::of_user(ctx.tx, &username)?;
    let live = |r: &&LeaveRow| matches!(r.state, LeaveState::Pending | LeaveState::Approved);
    if mine.iter().filter(live).any(|r| r.span.overlaps(&input.span)) {
        return Err(ApiError::new(Code::LeaveOverlaps, "you already asked for leave on those days"));
    }
    let working_halves = input.span.working_half_days(ctx.calendar);
    let new = NewLeave {
        username: &username,
        kind: input.kind,
        span: input.span,
        working_halves,
        reason,
        stand_ins: &input.stand_ins,
        at_ms: ctx.now_ms,
    };
    let id = rows::insert(ctx.tx, &new)?;
    let stand_ins: Vec<_> = input.stand_ins.iter().map(|(w, u)| json!({ "window": w, "stand_in": u })).collect();
    ctx.audit(
        "leave.request",
        None,
        Some(format!("leave:{id}")),
        json!({ "kind": input.kind.as_str(), "from": input.span.from, "to": input.span.to, "stand_ins": stand_ins }),
    )?;
    let row = load(ctx, id, true)?;
    Answer::json(StatusCode::CREATED, &view(ctx.hall, &StaffNames::read(ctx.tx)?, &row))
}

/// A year of the calendar was added: the working days of requests that ran into it are counted.
pub(super) fn settle_pending(ctx: &mut Ctx) -> ApiResult<u32> {
    let mut settled = 0;
    for r in rows::without_working_days(ctx.tx)? {
        if let Some(halves) = r.span.working_half_days(ctx.calendar) {
            set_counted(ctx, &r, halves)?;
            settled += 1;
        }
    }
    Ok(settled)
}

/// Days of the calendar changed (the December before a year whose notice reaches into it):
/// the leave requests over them are counted again, each audited.
pub(super) fn recount(ctx: &mut Ctx, changed: &[chrono::NaiveDate]) -> ApiResult<u32> {
    let (Some(first), Some(last)) = (changed.iter().min(), changed.iter().max()) else { return Ok(0) };
    let mut counted = 0;
    for r in rows::between(ctx.tx, *first, *last)? {
        let Some(halves) = r.span.working_half_days(ctx.calendar) else { continue };
        if r.working_halves == Some(halves) {
            continue;
        }
        set_counted(ctx, &r, halves)?;
        counted += 1;
    }
    Ok(counted)
}

/// A request's working days counted on the calendar now in force, audited.
fn set_counted(ctx: &mut Ctx, r: &LeaveRow, halves: u32) -> ApiResult<()> {
    rows::set_working_halves(ctx.tx, r.id, halves)?;
    let detail = json!({ "username": r.username, "working_days": f64::from(halves) / 2.0 });
    ctx.audit("leave.working_days_set", None, Some(format!("leave:{}", r.id)), detail)
}

fn load(ctx: &Ctx, id: i64, with_reason: bool) -> ApiResult<LeaveRow> {
    rows::get(ctx.tx, id, with_reason)?
        .ok_or_else(|| ApiError::new(Code::UnknownLeave, format!("no leave request {id}")))
}

fn director(actor: &Actor) -> bool {
    matches!(actor, Actor::Staff { role: StaffRole::Director | StaffRole::Admin, .. })
}

/// A whole request with its reason: the requester's, or the director's (audited).
pub(super) fn read(ctx: &mut Ctx, id: i64) -> ApiResult<Answer> {
    let row = load(ctx, id, true)?;
    let own = row.username == ctx.actor.name();
    if !own && !director(ctx.actor) {
        return Err(ApiError::new(Code::NotYourLeave, "only the requester and the director read a leave's reason"));
    }
    if !own {
        ctx.audit("leave.read", None, Some(format!("leave:{id}")), json!({ "username": row.username }))?;
    }
    Answer::json(StatusCode::OK, &view(ctx.hall, &StaffNames::read(ctx.tx)?, &row))
}

/// The director approves or refuses (a refusal says why); the requester cancels.
pub(super) fn act(ctx: &mut Ctx, id: i64, st: Step, note: Option<&str>) -> ApiResult<Answer> {
    let row = load(ctx, id, false)?;
    if st == Step::Cancel && row.username != ctx.actor.name() {
        return Err(ApiError::new(Code::NotYourLeave, "only the requester cancels a leave request"));
    }
    let note = match note.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => Some(check_text(n)?),
        None if st == Step::Refuse => {
            return Err(ApiError::new(Code::InvalidLeaveReason, "a refusal says why in its note"));
        }
        None => None,
    };
    let state = leave::step(row.state, &row.span, st, today(ctx)).map_err(|e| match e {
        StepError::WrongState => {
            ApiError::new(Code::LeaveNotPending, format!("this request is {} already", row.state.as_str()))
        }
        StepError::TooLate => ApiError::new(Code::LeaveStarted, "leave that has started stays"),
    })?;
    if st == Step::Approve {
        // Days may have changed since the request: the stand-ins are checked again.
        check_stand_ins(ctx, &row.username, &row.span, &row.stand_ins, Some(row.id))?;
        check_not_standing_in(ctx, &row.username, &row.span)?;
    }
    rows::set_state(ctx.tx, id, state, ctx.actor.name(), ctx.now_ms, note)?;
    let action = match st {
        Step::Approve => "leave.approve",
        Step::Refuse => "leave.refuse",
        Step::Cancel => "leave.cancel",
    };
    ctx.audit(action, None, Some(format!("leave:{id}")), json!({ "username": row.username }))?;
    let row = load(ctx, id, false)?;
    Answer::json(StatusCode::OK, &view(ctx.hall, &StaffNames::read(ctx.tx)?, &row))
}

/// Whether `username` may sign in at `window` today as a named stand-in on approved leave
/// (outside their own windows).
pub fn stand_in_today(
    conn: &rusqlite::Connection,
    username: &str,
    window: &str,
    day: NaiveDate,
) -> rusqlite::Result<Option<i64>> {
    let rows = rows::approved_between(conn, day, day)?;
    Ok(rows
        .iter()
        .find(|r| r.span.cover(day).is_some() && r.stand_ins.iter().any(|(w, u)| w == window && u == username))
        .map(|r| r.id))
}

/// A request as the wire carries it (the reason only when the row has it); its clerk and
/// stand-ins named as `names` knows them (an account removed since, as it was).
pub fn view(hall: &Hall, names: &StaffNames, r: &LeaveRow) -> wire::Leave {
    let fmt = |ms: i64| crate::store::reads::fmt_time(hall, ms);
    wire::Leave {
        id: r.id,
        username: r.username.clone(),
        name: names.of(hall, &r.username),
        kind: r.kind.into(),
        from: r.span.from.to_string(),
        from_afternoon: r.span.from_afternoon,
        to: r.span.to.to_string(),
        to_noon: r.span.to_noon,
        working_days: r.working_halves.map(|h| f64::from(h) / 2.0),
        state: r.state.into(),
        stand_ins: r.stand_ins.iter().map(|(w, u)| rows::stand_in_for(hall, w, u, names.of(hall, u))).collect(),
        requested_at: fmt(r.requested_at),
        decided_by: r.decided_by.clone(),
        decided_at: r.decided_at.map(fmt),
        decision_note: r.decision_note.clone(),
        cancelled_at: r.cancelled_at.map(fmt),
        reason: r.reason.clone(),
    }
}
