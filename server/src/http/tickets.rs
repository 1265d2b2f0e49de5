//! Tickets: a kiosk issues one (at the kiosk's rate), staff put a no-show back in the queue.

use axum::extract::State;
use axum::http::StatusCode;
use hall_wire as wire;

use super::extract::{json, Body, Caller, PathParam, RetryKey};
use super::{submit, AppState};
use crate::auth;
use crate::error::{ApiError, ApiResult, Code};
use crate::ops::{Actor, Answer, Op, StatusLink};

#[utoipa::path(
    post, path = "/api/tickets", request_body = wire::IssueTicket,
    params(("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    security(("bearer" = [])),
    responses(
        (status = 201, body = wire::Ticket), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody),
        (status = 429, body = wire::ErrorBody)
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
    if let Actor::Kiosk { id } = &actor {
        if let Err(wait) = s.0.kiosks.check(id) {
            // A retry of a ticket already issued gets its first answer, whatever the rate.
            // Asked only here: the database is not read for every ticket to find the rare retry.
            if !super::is_retry(&s, &actor, &key).await? {
                return Err(ApiError::too_many(
                    Code::RateLimited,
                    "this kiosk is issuing tickets too fast; wait a moment",
                    wait,
                ));
            }
        }
    }
    let queue = s.hall().matter(&req.service_id).map(|m| m.queue.clone());
    let token = auth::new_status_token(crate::store::ms(s.now()));
    let status = StatusLink { url: s.status_url(&token), token };
    let person = super::booking::person_of(&s, req.id_number.as_deref())?;
    let op = Op::IssueTicket { service_id: req.service_id, priority: req.priority.map(Into::into), status, person };
    let answer = submit(&s, actor, op, key, &body).await?;
    if let (StatusCode::CREATED, Some(q), false) = (answer.status, queue, answer.replayed) {
        s.metrics().ticket_issued(&q);
    }
    Ok(answer)
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
    let ticket_id: i64 = id.parse().map_err(|_| ApiError::new(Code::UnknownTicket, format!("no ticket `{id}`")))?;
    submit(&s, actor, Op::Requeue { ticket_id }, key, &body).await
}
