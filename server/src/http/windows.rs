//! A window's actions: the clerk's (call, recall, start, no-show, transfer, finish, pause) and
//! the director's stand-in.

use std::time::Instant;

use axum::extract::State;
use axum::Json;
use hall_wire as wire;

use super::extract::{json, Body, Caller, PathParam, RetryKey};
use super::{submit, AppState};
use crate::error::{ApiError, ApiResult, Code};
use crate::ops::access::{self, Need};
use crate::ops::cases::{CaseInput, FinishInput};
use crate::ops::{Answer, Op};
use crate::store;

macro_rules! window_endpoint {
    ($name:ident, $action:literal, $variant:ident, $answer:ty, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            post, path = concat!("/api/windows/{id}/", $action), security(("bearer" = [])),
            params(("id" = String, Path, description = "window id"),
                   ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
            responses((status = 200, body = $answer), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
                (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody))
        )]
        pub async fn $name(State(s): State<AppState>, Caller(actor): Caller, PathParam(id): PathParam, key: RetryKey, Body(body): Body) -> ApiResult<Answer> {
            submit(&s, actor, Op::$variant { window: id }, key, &body).await
        }
    };
}

window_endpoint!(recall, "recall", Recall, wire::Ticket, "Re-announce the ticket at the window.");
window_endpoint!(start, "start", Start, wire::Ticket, "The called citizen arrived: service begins.");
window_endpoint!(no_show, "no-show", NoShow, wire::Ticket, "The called citizen did not come.");
window_endpoint!(pause, "pause", Pause, wire::Window, "Pause the window (also the director, for any window).");
window_endpoint!(resume, "resume", Resume, wire::Window, "Resume the window (also the director, for any window).");

#[utoipa::path(
    post, path = "/api/windows/{id}/call-next", security(("bearer" = [])),
    params(("id" = String, Path, description = "window id"),
           ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 200, body = wire::Ticket), (status = 204, description = "nobody waits"),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody))
)]
pub async fn call_next(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(id): PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let started = Instant::now();
    let answer = submit(&s, actor, Op::CallNext { window: id }, key, &body).await;
    if answer.as_ref().is_ok_and(|a| a.status.is_success() && !a.replayed) {
        s.metrics().call_latency(started.elapsed());
    }
    answer
}

#[utoipa::path(
    post, path = "/api/windows/{id}/transfer", request_body = wire::Transfer, security(("bearer" = [])),
    params(("id" = String, Path, description = "window id"),
           ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 200, body = wire::Ticket), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody),
        (status = 422, body = wire::ErrorBody))
)]
pub async fn transfer(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(id): PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let req: wire::Transfer = json(&body)?;
    submit(&s, actor, Op::Transfer { window: id, service_id: req.service_id, to_window: req.window_id }, key, &body)
        .await
}

#[utoipa::path(
    post, path = "/api/windows/{id}/finish", request_body = wire::Finish, security(("bearer" = [])),
    params(("id" = String, Path, description = "window id"),
           ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 200, body = wire::Ticket), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody),
        (status = 422, body = wire::ErrorBody))
)]
pub async fn finish(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(id): PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let req: wire::Finish = json(&body)?;
    submit(&s, actor, Op::Finish { window: id, finish: finish_input(&s, req) }, key, &body).await
}

#[utoipa::path(
    post, path = "/api/windows/{id}/finish-visit", request_body = wire::FinishVisit, security(("bearer" = [])),
    params(("id" = String, Path, description = "window id"),
           ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 200, body = wire::Ticket), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, description = "`not_your_case`: the case is not this window's (its window or first-inquiry window)", body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody),
        (status = 409, description = "`no_current_ticket`, `invalid_transition`; `invalid_case_action`: materials complete for a case not waiting for them", body = wire::ErrorBody),
        (status = 422, body = wire::ErrorBody))
)]
/// The citizen called came back for a case registered earlier (R11: a 补办件's missing
/// materials; R4: to ask how it stands): their ticket is finished as a visit for that case, told
/// in its history, and no second case is registered.
pub async fn finish_visit(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(id): PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let req: wire::FinishVisit = json(&body)?;
    let op = Op::FinishVisit {
        window: id,
        number: req.case_number.trim().to_string(),
        materials_complete: req.materials_complete,
    };
    submit(&s, actor, op, key, &body).await
}

#[utoipa::path(
    post, path = "/api/windows/{id}/register-left-open", request_body = wire::RegisterLeftOpen, security(("bearer" = [])),
    params(("id" = String, Path, description = "window id"),
           ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 200, body = wire::Ticket), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody),
        (status = 409, description = "`not_left_open`: not a service the day's close ended at this window, or registered already", body = wire::ErrorBody),
        (status = 422, body = wire::ErrorBody))
)]
/// A service the day's close ended at this window before anyone finished it: its clerk registers
/// the case now, as a finish would have (R1), on the day the service began.
pub async fn register_left_open(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(id): PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let req: wire::RegisterLeftOpen = json(&body)?;
    let op = Op::RegisterLeftOpen { window: id, ticket_id: req.ticket_id, finish: finish_input(&s, req.finish) };
    submit(&s, actor, op, key, &body).await
}

/// What a finish says, with its case's new check code and status token.
pub(super) fn finish_input(s: &AppState, req: wire::Finish) -> FinishInput {
    FinishInput {
        outcome: req.outcome.into(),
        note: req.note,
        reason: req.reason,
        missing: req.missing_materials.unwrap_or_default(),
        case: CaseInput {
            applicant_name: req.applicant_name,
            applicant_phone: req.applicant_phone,
            return_ground: req.return_ground.map(Into::into),
            departments: req.departments.unwrap_or_default(),
            authority: req.authority,
            check_code: crate::auth::new_check_code(),
            token: crate::auth::new_status_token(crate::store::ms(s.now())),
        },
    }
}

#[utoipa::path(
    get, path = "/api/windows/{id}/left-open", security(("bearer" = [])),
    params(("id" = String, Path, description = "window id")),
    responses((status = 200, body = Vec<wire::LeftOpenLine>), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody))
)]
/// Services the day's close ended at the window before anyone finished them, the oldest first:
/// their cases wait to be registered (`POST /api/windows/{id}/register-left-open`).
pub async fn left_open(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(id): PathParam,
) -> ApiResult<Json<Vec<wire::LeftOpenLine>>> {
    let hall = window_read(&s, &actor, &id)?;
    let rows = s
        .reads()
        .run(move |c| Ok(store::tickets::left_open_to_register(c, Some(&id), LEFT_OPEN_LISTED)?))
        .await
        .map_err(ApiError::Internal)?;
    Ok(Json(rows.iter().map(|t| store::reads::left_open_line(&hall, t)).collect()))
}

#[utoipa::path(
    get, path = "/api/windows/{id}/to-archive", security(("bearer" = [])),
    params(("id" = String, Path, description = "window id")),
    responses((status = 200, body = Vec<wire::FileToArchive>), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody))
)]
/// The window's closed cases whose files wait to be archived (R17), the oldest close first:
/// each with its date (`POST /api/cases/{number}/archive`).
pub async fn to_archive(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(id): PathParam,
) -> ApiResult<Json<Vec<wire::FileToArchive>>> {
    let hall = window_read(&s, &actor, &id)?;
    let (calendar, today) = (s.calendar(), crate::domain::numbering::local_day(s.now(), hall.timezone));
    let rows = s
        .reads()
        .run(move |c| Ok(store::cases::to_archive(c, &id, FILES_LISTED)?))
        .await
        .map_err(ApiError::Internal)?;
    Ok(Json(rows.iter().map(|c| store::case_views::file_to_archive(&hall, &calendar, c, today)).collect()))
}

/// Files to archive listed at most.
const FILES_LISTED: u32 = 200;

/// A staff read of a window's list: the hall, once the window is known in it.
fn window_read(s: &AppState, actor: &crate::ops::Actor, id: &str) -> ApiResult<std::sync::Arc<crate::hall::Hall>> {
    access::allow(actor, Need::Staff)?;
    let hall = s.hall();
    if hall.window(id).is_none() {
        return Err(ApiError::new(Code::UnknownWindow, format!("no window `{id}` in this hall")));
    }
    Ok(hall)
}

/// Left-open services listed at most (a window's, or the hall's for the director).
const LEFT_OPEN_LISTED: u32 = 50;

#[utoipa::path(
    post, path = "/api/windows/{id}/stand-in", request_body = wire::StandIn, security(("bearer" = [])),
    params(("id" = String, Path, description = "window id"),
           ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 200, body = wire::Window), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody),
        (status = 422, body = wire::ErrorBody))
)]
pub async fn stand_in(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(id): PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let req: wire::StandIn = json(&body)?;
    submit(
        &s,
        actor,
        Op::StandIn { window: id, username: req.username, override_allowed: req.override_allowed },
        key,
        &body,
    )
    .await
}

#[utoipa::path(
    get, path = "/api/windows/{id}/no-shows", security(("bearer" = [])),
    params(("id" = String, Path, description = "window id")),
    responses((status = 200, body = Vec<wire::NoShowLine>), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody))
)]
/// Today's citizens called at the window who did not come, the latest first: one who turns up
/// after all is put back in the queue from here (`POST /api/tickets/{id}/requeue`).
pub async fn no_shows(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(id): PathParam,
) -> ApiResult<Json<Vec<wire::NoShowLine>>> {
    let hall = window_read(&s, &actor, &id)?;
    let day = s.today();
    let rows = s
        .reads()
        .run(move |c| Ok(store::tickets::window_no_shows(c, &day, &id, NO_SHOWS_LISTED)?))
        .await
        .map_err(ApiError::Internal)?;
    let limit = hall.policy.no_show_requeue_limit;
    let lines = rows
        .into_iter()
        .map(|r| wire::NoShowLine {
            service_name: hall.matter(&r.service_id).map_or_else(|| r.service_id.clone(), |m| m.name.clone()),
            called_at: store::reads::fmt_time(&hall, r.called_at),
            requeue_allowed: r.requeues < limit,
            ticket_id: r.id,
            number: r.number,
            service_id: r.service_id,
        })
        .collect();
    Ok(Json(lines))
}

/// A window's no-shows listed at most (a morning's worth at a busy window).
const NO_SHOWS_LISTED: u32 = 30;
