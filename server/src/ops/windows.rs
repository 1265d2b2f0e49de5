//! What a clerk does at a window: call, recall, start, no-show, transfer, finish, pause.

use axum::http::StatusCode;
use chrono::NaiveDate;
use hall_wire as wire;
use serde_json::json;

use super::tickets::{load, queue_changed, view};
use super::{Answer, Ctx};
use crate::domain::order::{self, QueueHeads};
use crate::domain::ticket::{self, Action};
use crate::domain::transfer;
use crate::domain::TicketStatus;
use crate::error::{ApiError, ApiResult, Code};
use crate::store::{reads, tickets, windows, windows::WindowRow};

/// The window of a clerk's action: `access` checked that the clerk holds it and kept the row it
/// read (a director acting on the window has it read here).
fn clerk_window(ctx: &Ctx, window: &str) -> ApiResult<WindowRow> {
    match &ctx.held {
        Some(row) if row.id == window => Ok(row.clone()),
        _ => window_row(ctx, window),
    }
}

fn window_row(ctx: &Ctx, window: &str) -> ApiResult<WindowRow> {
    if ctx.hall.window(window).is_none() {
        return Err(ApiError::new(Code::UnknownWindow, format!("no window `{window}` in this hall")));
    }
    windows::get(ctx.tx, window, ctx.now_ms)?.ok_or_else(|| ApiError::internal(anyhow::anyhow!("window row missing")))
}

/// The ticket at the window (called or being served), or 409.
fn current(ctx: &Ctx, row: &WindowRow) -> ApiResult<tickets::TicketRow> {
    let none = || ApiError::new(Code::NoCurrentTicket, "no ticket is being called or served at this window");
    let t = load(ctx, row.current_ticket.ok_or_else(none)?)?;
    if matches!(t.status, TicketStatus::Called | TicketStatus::Serving) {
        Ok(t)
    } else {
        Err(none())
    }
}

fn step(t: &tickets::TicketRow, action: Action) -> ApiResult<TicketStatus> {
    ticket::apply(t.status, action, t.requeues, u32::MAX)
        .map_err(|r| ApiError::new(Code::InvalidTransition, r.to_string()))
}

pub(super) fn window_status(ctx: &mut Ctx, window: &str) -> ApiResult<()> {
    let row = window_row(ctx, window)?;
    let serving = match row.current_ticket {
        Some(id) => tickets::get(ctx.tx, id)?
            .filter(|t| matches!(t.status, TicketStatus::Called | TicketStatus::Serving))
            .map(|t| t.number),
        None => None,
    };
    let event = wire::WindowStatusChanged {
        window_id: window.to_string(),
        window_number: ctx.hall.window(window).map(|w| w.number).unwrap_or(0),
        status: reads::window_status(&row),
        staff: reads::staff_on_duty(ctx.hall, &row),
        serving,
        at: ctx.fmt(ctx.now_ms),
    };
    ctx.emit(wire::event_kind::WINDOW_STATUS, &event)
}

fn called(ctx: &mut Ctx, t: &tickets::TicketRow, window: &str, recall: bool) -> ApiResult<()> {
    tickets::record_call(ctx.tx, &ctx.day, t.id, window, ctx.now_ms, recall)?;
    let call =
        reads::call(ctx.hall, t.id, &t.number, window, ctx.now_ms, recall, t.booked_slot.is_some() && t.transfers == 0);
    ctx.emit(wire::event_kind::TICKET_CALLED, &call)
}

pub(super) fn call_next(ctx: &mut Ctx, window: &str) -> ApiResult<Answer> {
    let row = clerk_window(ctx, window)?;
    if row.paused {
        return Err(ApiError::new(Code::WindowPaused, "this window is paused; resume it before calling"));
    }
    if let Some(t) = row.current_ticket.map(|id| load(ctx, id)).transpose()? {
        // A ticket left open from an earlier day does not block today's calls.
        if t.day == ctx.day && matches!(t.status, TicketStatus::Called | TicketStatus::Serving) {
            return Err(ApiError::new(
                Code::WindowBusy,
                format!("ticket {} is still at this window: finish, transfer or mark it no-show first", t.number),
            ));
        }
    }
    let mut heads = Vec::new();
    for scope in order::window_scope(ctx.hall, window) {
        heads.push(QueueHeads {
            queue: scope.queue.to_string(),
            weight: scope.weight,
            priority: tickets::head(ctx.tx, &ctx.day, true, &scope.matters)?,
            booked: tickets::booked_head(ctx.tx, &ctx.day, &scope.matters)?,
            ordinary: tickets::head(ctx.tx, &ctx.day, false, &scope.matters)?,
            priority_streak: tickets::streak(ctx.tx, &ctx.day, window, scope.queue)?,
        });
    }
    let mut sent = Vec::new();
    for priority in [true, false] {
        for (queue, head) in tickets::heads_sent_to(ctx.tx, &ctx.day, window, priority)? {
            let queue_streak = tickets::streak(ctx.tx, &ctx.day, window, &queue)?;
            sent.push(order::SentHead { queue, priority, head, queue_streak });
        }
    }
    order::add_sent(&mut heads, sent);
    let Some(choice) = order::choose_next(&heads, ctx.hall.policy.priority_cap, ctx.now) else {
        return Answer::no_content();
    };
    let streak = heads.iter().find(|h| h.queue == choice.queue).map(|h| h.priority_streak).unwrap_or(0);
    let day = ctx.day.clone();
    tickets::set_streak(
        ctx.tx,
        &day,
        window,
        &choice.queue,
        order::next_streak(streak, choice.priority, choice.ordinary_waiting),
    )?;
    let t = load(ctx, choice.ticket_id)?;
    step(&t, Action::Call)?;
    tickets::mark_called(ctx.tx, &t, window, ctx.now_ms)?;
    windows::set_current(ctx.tx, window, Some(t.id))?;
    ctx.audit("window.call", Some(window), Some(format!("ticket:{}", t.id)), json!({ "number": t.number }))?;
    called(ctx, &t, window, false)?;
    window_status(ctx, window)?;
    queue_changed(ctx, &t.queue)?;
    Answer::json(StatusCode::OK, &view(ctx, &load(ctx, t.id)?)?)
}

pub(super) fn recall(ctx: &mut Ctx, window: &str) -> ApiResult<Answer> {
    let row = clerk_window(ctx, window)?;
    let t = current(ctx, &row)?;
    step(&t, Action::Recall)?;
    ctx.audit("window.recall", Some(window), Some(format!("ticket:{}", t.id)), json!({ "number": t.number }))?;
    called(ctx, &t, window, true)?;
    Answer::json(StatusCode::OK, &view(ctx, &t)?)
}

pub(super) fn start(ctx: &mut Ctx, window: &str) -> ApiResult<Answer> {
    let row = clerk_window(ctx, window)?;
    let t = current(ctx, &row)?;
    step(&t, Action::Start)?;
    tickets::mark_started(ctx.tx, t.id, ctx.now_ms)?;
    ctx.audit("window.start", Some(window), Some(format!("ticket:{}", t.id)), json!({ "number": t.number }))?;
    window_status(ctx, window)?;
    Answer::json(StatusCode::OK, &view(ctx, &load(ctx, t.id)?)?)
}

pub(super) fn no_show(ctx: &mut Ctx, window: &str) -> ApiResult<Answer> {
    let row = clerk_window(ctx, window)?;
    let t = current(ctx, &row)?;
    let next = step(&t, Action::NoShow)?;
    tickets::set_status(ctx.tx, t.id, next)?;
    windows::set_current(ctx.tx, window, None)?;
    ctx.audit("window.no_show", Some(window), Some(format!("ticket:{}", t.id)), json!({ "number": t.number }))?;
    let at = ctx.fmt(ctx.now_ms);
    ctx.emit(
        wire::event_kind::TICKET_NO_SHOW,
        &wire::TicketNoShow { ticket_id: t.id, number: t.number.clone(), window_id: window.to_string(), at },
    )?;
    window_status(ctx, window)?;
    Answer::json(StatusCode::OK, &view(ctx, &load(ctx, t.id)?)?)
}

/// A refused transfer as the contract's error.
fn refused(r: transfer::Refusal) -> ApiError {
    use transfer::Refusal::*;
    match r {
        TargetRequired => ApiError::new(Code::TransferTargetRequired, "give service_id or window_id to transfer to"),
        UnknownWindow(w) => ApiError::new(Code::UnknownTargetWindow, format!("no window `{w}` to transfer to")),
        SameWindow => ApiError::new(Code::SameWindow, "the ticket is already at this window"),
        Expired { number, day } => ApiError::new(
            Code::TicketExpired,
            format!("ticket {number} is from {day}; it cannot wait in today's queues: finish it or issue a new one"),
        ),
        UnknownService(s) => ApiError::new(Code::UnknownService, format!("no matter `{s}` to transfer to")),
        MatterGone => {
            ApiError::new(Code::UnknownService, "the ticket's matter is no longer configured; give service_id")
        }
    }
}

pub(super) fn transfer(
    ctx: &mut Ctx,
    window: &str,
    service_id: Option<&str>,
    to_window: Option<&str>,
) -> ApiResult<Answer> {
    let row = clerk_window(ctx, window)?;
    transfer::check_request(ctx.hall, window, service_id, to_window).map_err(refused)?;
    let t = current(ctx, &row)?;
    let at = transfer::AtWindow { number: &t.number, day: &t.day, service_id: &t.service_id, window };
    let new_service = transfer::destination(ctx.hall, &at, &ctx.day, service_id, to_window).map_err(refused)?;
    // Sent to a window nobody holds, the citizen would wait there all day: only a window whose
    // clerk is signed in (paused is a short break) may be sent to; else the matter's queue.
    if let Some(to) = to_window.filter(|to| *to != window) {
        if !windows::get(ctx.tx, to, ctx.now_ms)?.is_some_and(|w| w.staffed) {
            let number = ctx.hall.window(to).map(|w| w.number).unwrap_or_default();
            return Err(ApiError::new(
                Code::WindowClosed,
                format!("window {number} is closed (nobody is signed in there): send the citizen to an open window or to the matter's queue"),
            ));
        }
    }
    let (new_service_id, new_queue) = (new_service.id.clone(), new_service.queue.clone());
    step(&t, Action::Transfer)?;
    let leg = tickets::Leg { window_id: window, clerk: row.username.as_deref(), sent_at: ctx.now_ms };
    tickets::mark_transferred(ctx.tx, &t, &new_service_id, &new_queue, to_window, &leg)?;
    windows::set_current(ctx.tx, window, None)?;
    ctx.audit(
        "window.transfer",
        Some(window),
        Some(format!("ticket:{}", t.id)),
        json!({
            "number": t.number,
            "from_service": t.service_id,
            "to_service": new_service_id,
            "to_window": to_window,
            "first_window": t.first_window_id.as_deref().unwrap_or(window),
        }),
    )?;
    let event = wire::TicketTransferred {
        ticket_id: t.id,
        number: t.number.clone(),
        from_window_id: window.to_string(),
        service_id: new_service_id,
        queue: new_queue.clone(),
        window_id: to_window.map(str::to_string),
        at: ctx.fmt(ctx.now_ms),
    };
    ctx.emit(wire::event_kind::TICKET_TRANSFERRED, &event)?;
    window_status(ctx, window)?;
    if new_queue != t.queue {
        queue_changed(ctx, &t.queue)?;
    }
    queue_changed(ctx, &new_queue)?;
    Answer::json(StatusCode::OK, &view(ctx, &load(ctx, t.id)?)?)
}

pub(super) fn finish(ctx: &mut Ctx, window: &str, f: &super::cases::Finishing) -> ApiResult<Answer> {
    let super::cases::Finishing { outcome, note, reason, missing, .. } = *f;
    let row = clerk_window(ctx, window)?;
    super::cases::check_particulars(f)?;
    let t = current(ctx, &row)?;
    step(&t, Action::Finish)?;
    let listed: Vec<&str> = missing.iter().map(|m| m.trim()).filter(|m| !m.is_empty()).collect();
    let detail = json!({ "note": note, "reason": reason, "missing_materials": listed });
    tickets::mark_finished(ctx.tx, t.id, outcome, &detail.to_string(), ctx.now_ms)?;
    windows::set_current(ctx.tx, window, None)?;
    // The clerk's free text may say something of the citizen (住院, 家属代办): it stays with the
    // ticket, read by those who may read its case; the audit, kept for good and read by every
    // auditor, says only that there was one.
    let given = |t: Option<&str>| t.is_some_and(|t| !t.trim().is_empty());
    let audited = json!({ "note": given(note), "reason": given(reason), "missing_materials": listed });
    ctx.audit(
        "window.finish",
        Some(window),
        Some(format!("ticket:{}", t.id)),
        json!({ "number": t.number, "outcome": outcome.as_str(), "detail": audited }),
    )?;
    let event = wire::TicketFinished {
        ticket_id: t.id,
        number: t.number.clone(),
        window_id: window.to_string(),
        outcome: outcome.into(),
        at: ctx.fmt(ctx.now_ms),
    };
    ctx.emit(wire::event_kind::TICKET_FINISHED, &event)?;
    let case = super::cases::register(ctx, &t, window, f)?;
    window_status(ctx, window)?;
    queue_changed(ctx, &t.queue)?;
    let mut answer = view(ctx, &load(ctx, t.id)?)?;
    answer.case = Some(case);
    Answer::json(StatusCode::OK, &answer)
}

/// The citizen called came back for a case registered earlier (R11: a 补办件's missing
/// materials; R4: to ask how it stands): their ticket is finished as a visit for that case, no
/// second case. The visit is told in the case's history; `materials_complete` also starts a
/// 补办件's clock (refused, with nothing done, when the case is not waiting for materials).
/// `access` checked that this window may take a visit for the case.
pub(super) fn finish_visit(ctx: &mut Ctx, window: &str, number: &str, materials_complete: bool) -> ApiResult<Answer> {
    let row = clerk_window(ctx, window)?;
    let t = current(ctx, &row)?;
    step(&t, Action::Finish)?;
    let c = super::cases::load(ctx, number)?;
    let detail = json!({ "visit": c.number });
    tickets::mark_finished(ctx.tx, t.id, c.kind, &detail.to_string(), ctx.now_ms)?;
    windows::set_current(ctx.tx, window, None)?;
    let clerk = ctx.actor.name().to_string();
    crate::store::cases::add_visit(ctx.tx, t.id, c.id, window, &clerk)?;
    ctx.audit(
        "window.finish_visit",
        Some(window),
        Some(format!("ticket:{}", t.id)),
        json!({ "number": t.number, "case": c.number, "materials_complete": materials_complete }),
    )?;
    let event = wire::TicketFinished {
        ticket_id: t.id,
        number: t.number.clone(),
        window_id: window.to_string(),
        outcome: c.kind.into(),
        at: ctx.fmt(ctx.now_ms),
    };
    ctx.emit(wire::event_kind::TICKET_FINISHED, &event)?;
    let at = super::cases::window_words(ctx, window);
    let what = if materials_complete { "补交材料" } else { "续办" };
    super::cases::step(ctx, &c, wire::step_action::VISITED, format!("申请人持 {} 号到{at}{what}", t.number))?;
    if materials_complete {
        super::cases::act(ctx, number, &super::cases::CaseOp::MaterialsComplete)?;
    }
    window_status(ctx, window)?;
    queue_changed(ctx, &t.queue)?;
    let mut answer = view(ctx, &load(ctx, t.id)?)?;
    let c = super::cases::load(ctx, number)?;
    answer.case = Some(crate::store::case_views::brief(&c));
    Answer::json(StatusCode::OK, &answer)
}

/// A service the day's close ended at this window before anyone finished it (the clerk forgot,
/// or the power went): its clerk registers the case afterwards (R1 收件登记), on the day the
/// service began, so that its deadline counts from the day the application was received.
pub(super) fn register_left_open(
    ctx: &mut Ctx,
    window: &str,
    ticket_id: i64,
    f: &super::cases::Finishing,
) -> ApiResult<Answer> {
    super::cases::check_particulars(f)?;
    let t = load(ctx, ticket_id)?;
    if !tickets::is_left_open(ctx.tx, t.id, window)? {
        return Err(ApiError::new(
            Code::NotLeftOpen,
            format!(
                "ticket {} was not left open at the day's close at this window, or its case is registered",
                t.number
            ),
        ));
    }
    let day = NaiveDate::parse_from_str(&t.day, "%Y-%m-%d").map_err(ApiError::internal)?;
    tickets::register_left_open(ctx.tx, t.id, f.outcome)?;
    ctx.audit(
        "window.register_left_open",
        Some(window),
        Some(format!("ticket:{}", t.id)),
        json!({ "number": t.number, "day": t.day, "outcome": f.outcome.as_str() }),
    )?;
    // The clerk who served it (signed in at the window when the service began), not whoever
    // registers it the next morning: the case's ratings and its place on a sheet are theirs.
    let started = t.started_at.unwrap_or(t.issued_at);
    let served_by = windows::clerk_at(ctx.tx, window, started)?.unwrap_or_else(|| ctx.actor.name().to_string());
    let case = super::cases::register_on(ctx, &t, (window, &served_by), f, day)?;
    let mut answer = view(ctx, &load(ctx, t.id)?)?;
    answer.case = Some(case);
    Answer::json(StatusCode::OK, &answer)
}

/// Pause or resume: by the window's clerk, or by the director/admin for any window.
pub(super) fn set_paused(ctx: &mut Ctx, window: &str, paused: bool) -> ApiResult<Answer> {
    // The window's clerk, or the director or an administrator for any window (`access`).
    let row = window_row(ctx, window)?;
    if !row.staffed {
        return Err(ApiError::new(Code::WindowClosed, "no clerk is signed in at this window"));
    }
    if row.paused != paused {
        windows::set_paused(ctx.tx, window, paused)?;
        let action = if paused { "window.pause" } else { "window.resume" };
        ctx.audit(action, Some(window), None, json!({}))?;
        window_status(ctx, window)?;
        for (q, _) in ctx.hall.window_queues(window) {
            let id = q.id.clone();
            queue_changed(ctx, &id)?;
        }
    }
    let w = reads::window(ctx.tx, ctx.hall, window, ctx.now_ms).map_err(ApiError::Internal)?;
    Answer::json(StatusCode::OK, &w)
}
