//! Signing in and out, and who a token belongs to.

use std::time::Instant;

use axum::extract::State;
use hall_wire as wire;

use super::extract::{json, Body, Caller, RetryKey};
use super::{submit, AppState};
use crate::auth;
use crate::error::{ApiError, ApiResult, Code};
use crate::hall::StaffRole;
use crate::ops::{Actor, Answer, Op};

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
        return Err(ApiError::new(Code::BadCredentials, "wrong username or password"));
    }
    // Counted as failed until proven right, so that guesses sent at once are slowed too.
    match s.0.throttle.attempt(&req.username, peer, Instant::now()) {
        Ok(()) => {}
        Err(auth::Refused::Username(wait)) => {
            return Err(ApiError::too_many(
                Code::TooManyAttempts,
                "too many failed sign-ins; wait before trying again",
                wait,
            ))
        }
        Err(auth::Refused::Address(wait)) => {
            return Err(ApiError::too_many(
                Code::TooManyAttempts,
                "too many failed sign-ins from this address; wait before trying again",
                wait,
            ))
        }
    }
    let hall = s.hall();
    let staff = hall.staff(&req.username).cloned();
    // At most two argon2 checks at a time (19 MiB each): a flood of sign-ins waits its turn
    // instead of taking the blocking threads that every read uses. Unknown users cost the same
    // time as known ones.
    let hash = staff.as_ref().map(|st| st.password_hash.as_str());
    let ok = s.0.password_checks.verify(&req.password, hash).await.map_err(ApiError::internal)?;
    let staff = match staff {
        Some(st) if ok => st,
        _ => return Err(ApiError::new(Code::BadCredentials, "wrong username or password")),
    };
    if staff.demo && !s.0.demo {
        return Err(ApiError::new(Code::DemoDisabled, "demo accounts work only when the server runs with --demo"));
    }
    s.0.throttle.succeeded(&req.username, peer);
    if staff.role == StaffRole::Clerk {
        let Some(w) = req.window_id.as_deref() else {
            return Err(ApiError::new(Code::WindowRequired, "a clerk signs in at one window: give window_id"));
        };
        if hall.window(w).is_none() {
            return Err(ApiError::new(Code::UnknownTargetWindow, format!("no window `{w}` in this hall")));
        }
        // Outside the list only as a named stand-in on a day of approved leave (R16): the
        // writer checks the leave and refuses with `window_not_allowed` otherwise.
    }
    let actor = Actor::Staff {
        username: staff.username.clone(),
        role: staff.role,
        session_id: 0,
        window_id: req.window_id.clone(),
    };
    let op = Op::Login {
        username: staff.username,
        role: staff.role,
        window_id: req.window_id,
        token: auth::new_token(),
        password_hash: staff.password_hash,
    };
    // A login is never answered from the retry table: its answer is a secret (the session
    // token), and a replay could hand out a token already signed out. A retried login signs in
    // again; the unused session expires.
    submit(&s, actor, op, key.forget(), &body).await
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
    submit(&s, actor, Op::Logout, key, &body).await
}

#[utoipa::path(
    get, path = "/api/auth/me", security(("bearer" = [])),
    responses((status = 200, body = wire::Me), (status = 401, body = wire::ErrorBody))
)]
pub async fn me(State(s): State<AppState>, Caller(actor): Caller) -> ApiResult<axum::Json<wire::Me>> {
    match actor {
        Actor::Staff { username, role, window_id, session_id, .. } => {
            let station = s.hall().staff(&username).and_then(|p| p.station.clone());
            let holds_window = match window_id.clone() {
                Some(w) => {
                    let now = crate::store::ms(s.now());
                    let held = s
                        .reads()
                        .run(
                            move |c| Ok(crate::store::windows::get(c, &w, now)?.is_some_and(|r| r.held_by(session_id))),
                        )
                        .await
                        .map_err(ApiError::Internal)?;
                    Some(held)
                }
                None => None,
            };
            Ok(axum::Json(wire::Me { username, role: role.into(), window_id, station, holds_window }))
        }
        Actor::Kiosk { id } => Ok(axum::Json(wire::Me {
            username: id,
            role: wire::Role::Kiosk,
            window_id: None,
            station: None,
            holds_window: None,
        })),
        Actor::Evaluator { id, window } => Ok(axum::Json(wire::Me {
            username: id,
            role: wire::Role::Evaluator,
            window_id: Some(window),
            station: None,
            holds_window: None,
        })),
        Actor::Citizen { .. } | Actor::County { .. } | Actor::System => {
            Err(ApiError::new(Code::StaffOnly, "not a person"))
        }
    }
}
