//! Writes: issuing tickets, signing in and out, and the clerk's window actions. Each builds
//! an operation and waits for the writer to commit it.

use std::time::Instant;

use axum::extract::State;
use axum::http::StatusCode;
use hall_wire as wire;

use super::extract::{json, Body, Caller, PathParam, RetryKey};
use super::AppState;
use crate::auth;
use crate::domain::{Outcome, Priority};
use crate::error::{ApiError, ApiResult};
use crate::hall::StaffRole;
use crate::ops::{Actor, Answer, Op, StatusLink};
use crate::writer::Idempotency;

pub(super) async fn submit(
    s: &AppState,
    actor: Actor,
    op: Op,
    key: RetryKey,
    path: &str,
    body: &[u8],
) -> ApiResult<Answer> {
    let idem = key.0.map(|k| Idempotency::new(s.server_key(), k, "POST", path, body));
    s.writer().submit(actor, op, idem).await
}

fn priority(p: wire::Priority) -> Priority {
    match p {
        wire::Priority::Elderly => Priority::Elderly,
        wire::Priority::Disabled => Priority::Disabled,
        wire::Priority::Military => Priority::Military,
        wire::Priority::Pregnant => Priority::Pregnant,
    }
}

fn outcome(o: wire::Outcome) -> Outcome {
    match o {
        wire::Outcome::Immediate => Outcome::Immediate,
        wire::Outcome::Promised => Outcome::Promised,
        wire::Outcome::Supplement => Outcome::Supplement,
        wire::Outcome::Returned => Outcome::Returned,
        wire::Outcome::Joint => Outcome::Joint,
        wire::Outcome::Reported => Outcome::Reported,
    }
}

#[utoipa::path(
    post, path = "/api/tickets", request_body = wire::IssueTicket,
    params(("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    security(("bearer" = [])),
    responses(
        (status = 201, body = wire::Ticket), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody), (status = 429, body = wire::ErrorBody)
    )
)]
pub async fn issue_ticket(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    // Who may issue is the op's to say (kiosks only); the rate is kept per kiosk here.
    let req: wire::IssueTicket = json(&body)?;
    // A retry of a ticket already issued gets its first answer, whatever the rate.
    let retry = match &key.0 {
        Some(k) => {
            let (caller, k, since) =
                (actor.idempotency_caller(), k.clone(), crate::store::ms(s.now()) - 24 * 3600 * 1000);
            s.reads()
                .run(move |c| Ok(crate::store::idempotency::exists(c, &caller, &k, since)?))
                .await
                .map_err(ApiError::Internal)?
        }
        None => false,
    };
    if let (false, Actor::Kiosk { id }) = (retry, &actor) {
        if let Err(wait) = s.0.kiosks.check(id) {
            return Err(ApiError::too_many(
                "rate_limited",
                "this kiosk is issuing tickets too fast; wait a moment",
                wait,
            ));
        }
    }
    let queue = s.hall().matter(&req.service_id).map(|m| m.queue.clone());
    let token = auth::new_status_token(crate::store::ms(s.now()));
    let status = StatusLink { url: s.status_url(&token), token };
    let op = Op::IssueTicket { service_id: req.service_id, priority: req.priority.map(priority), status };
    let answer = submit(&s, actor, op, key, "/api/tickets", &body).await?;
    if let (StatusCode::CREATED, Some(q), false) = (answer.status, queue, answer.replayed) {
        s.metrics().ticket_issued(&q);
    }
    Ok(answer)
}

#[utoipa::path(
    post, path = "/api/auth/login", request_body = wire::Login,
    params(("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses(
        (status = 200, body = wire::Session), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody), (status = 429, body = wire::ErrorBody)
    )
)]
pub async fn login(
    State(s): State<AppState>,
    super::conn::PeerAddr(peer): super::conn::PeerAddr,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let req: wire::Login = json(&body)?;
    if req.username.len() > 64 || req.password.len() > 1024 {
        return Err(ApiError::unauthorized("bad_credentials", "wrong username or password"));
    }
    // Counted as failed until proven right, so that guesses sent at once are slowed too.
    match s.0.throttle.attempt(&req.username, peer, Instant::now()) {
        Ok(()) => {}
        Err(auth::Refused::Username(wait)) => {
            return Err(ApiError::too_many(
                "too_many_attempts",
                "too many failed sign-ins; wait before trying again",
                wait,
            ))
        }
        Err(auth::Refused::Address(wait)) => {
            return Err(ApiError::too_many(
                "too_many_attempts",
                "too many failed sign-ins from this address; wait before trying again",
                wait,
            ))
        }
    }
    let hall = s.hall();
    let staff = hall.staff(&req.username).cloned();
    // Unknown users cost the same time as known ones.
    let hash =
        staff.as_ref().map(|st| st.password_hash.clone()).unwrap_or_else(|| auth::unknown_user_hash().to_string());
    let password = req.password.clone();
    // At most two argon2 checks at a time (19 MiB each): a flood of sign-ins waits here
    // instead of taking the blocking threads that every read uses.
    let permit = s.0.password_checks.acquire().await.map_err(ApiError::internal)?;
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(ApiError::internal)?;
    drop(permit);
    let staff = match staff {
        Some(st) if ok => st,
        _ => return Err(ApiError::unauthorized("bad_credentials", "wrong username or password")),
    };
    if staff.demo && !s.0.demo {
        return Err(ApiError::unauthorized(
            "demo_disabled",
            "demo accounts work only when the server runs with --demo",
        ));
    }
    s.0.throttle.succeeded(&req.username, peer);
    if staff.role == StaffRole::Clerk {
        let Some(w) = req.window_id.as_deref() else {
            return Err(ApiError::unprocessable("window_required", "a clerk signs in at one window: give window_id"));
        };
        if hall.window(w).is_none() {
            return Err(ApiError::unprocessable("unknown_window", format!("no window `{w}` in this hall")));
        }
        if !staff.windows.is_empty() && !staff.windows.iter().any(|x| x == w) {
            return Err(ApiError::forbidden(
                "window_not_allowed",
                format!("{} may not sign in at window `{w}`", staff.name),
            ));
        }
    }
    let actor = Actor::Staff {
        username: staff.username.clone(),
        role: staff.role,
        session_id: 0,
        window_id: req.window_id.clone(),
    };
    let op =
        Op::Login { username: staff.username, role: staff.role, window_id: req.window_id, token: auth::new_token() };
    // A login is never answered from the retry table: its answer is a secret (the session
    // token), and a replay could hand out a token already signed out. A retried login signs in
    // again; the unused session expires.
    let _ = key;
    submit(&s, actor, op, RetryKey(None), "/api/auth/login", &body).await
}

#[utoipa::path(
    post, path = "/api/auth/logout", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = wire::ErrorBody))
)]
pub async fn logout(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    submit(&s, actor, Op::Logout, key, "/api/auth/logout", &body).await
}

#[utoipa::path(
    post, path = "/api/tickets/{id}/requeue", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, body = wire::Ticket), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody))
)]
pub async fn requeue(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(id): PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let ticket_id: i64 = id.parse().map_err(|_| ApiError::not_found("unknown_ticket", format!("no ticket `{id}`")))?;
    submit(&s, actor, Op::Requeue { ticket_id }, key, &format!("/api/tickets/{id}/requeue"), &body).await
}

#[utoipa::path(
    post, path = "/api/notice", request_body = wire::Notice, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 200, body = wire::Notice), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
pub async fn set_notice(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let req: wire::Notice = json(&body)?;
    submit(&s, actor, Op::SetNotice { notice: req.notice }, key, "/api/notice", &body).await
}

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
    window_action(&s, actor, id, "stand-in", key, &body, |window| Op::StandIn {
        window,
        username: req.username,
        override_allowed: req.override_allowed,
    })
    .await
}

#[utoipa::path(
    get, path = "/api/auth/me", security(("bearer" = [])),
    responses((status = 200, body = wire::Me), (status = 401, body = wire::ErrorBody))
)]
pub async fn me(Caller(actor): Caller) -> ApiResult<axum::Json<wire::Me>> {
    match actor {
        Actor::Staff { username, role, window_id, .. } => {
            let role = match role {
                StaffRole::Clerk => wire::Role::Clerk,
                StaffRole::Director => wire::Role::Director,
                StaffRole::Admin => wire::Role::Admin,
            };
            Ok(axum::Json(wire::Me { username, role, window_id }))
        }
        Actor::Kiosk { id } => Ok(axum::Json(wire::Me { username: id, role: wire::Role::Kiosk, window_id: None })),
        Actor::System => Err(ApiError::forbidden("staff_only", "not a person")),
    }
}

/// The actions without a body.
async fn window_action(
    s: &AppState,
    actor: Actor,
    window: String,
    action: &str,
    key: RetryKey,
    body: &[u8],
    op: impl FnOnce(String) -> Op,
) -> ApiResult<Answer> {
    let path = format!("/api/windows/{window}/{action}");
    submit(s, actor, op(window), key, &path, body).await
}

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
            window_action(&s, actor, id, $action, key, &body, |window| Op::$variant { window }).await
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
    let answer = window_action(&s, actor, id, "call-next", key, &body, |window| Op::CallNext { window }).await;
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
    window_action(&s, actor, id, "transfer", key, &body, |window| Op::Transfer {
        window,
        service_id: req.service_id,
        to_window: req.window_id,
    })
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
    window_action(&s, actor, id, "finish", key, &body, |window| Op::Finish {
        window,
        outcome: outcome(req.outcome),
        note: req.note,
        reason: req.reason,
        missing: req.missing_materials.unwrap_or_default(),
    })
    .await
}
