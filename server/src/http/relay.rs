//! The relay between halls (R14, 上报件): the outbox the county service reads and acknowledges,
//! the inbox it delivers to (its device token only), and the incoming cases at the upper hall's
//! windows.

use axum::extract::State;
use axum::Json;
use hall_wire as wire;
use serde::Deserialize;

use super::extract::{json, Body, Caller, PathParam, Query, RetryKey};
use super::{submit, AppState};
use crate::error::{ApiError, ApiResult, Code};
use crate::ops::access::{self, Need};
use crate::ops::relay::IncomingOp;
use crate::ops::{Answer, Op};
use crate::store::relay as rows;

fn id(text: &str) -> i64 {
    text.parse::<i64>().ok().filter(|n| *n > 0).unwrap_or(0)
}

/// Query of `GET /api/relay/outbox`.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct OutboxQuery {
    /// At most this many messages (default 100, at most 500).
    limit: Option<u32>,
    /// Only the messages after this id: the next page, past messages that wait for a target
    /// that is down (default: from the oldest).
    after: Option<i64>,
}

#[utoipa::path(
    get, path = "/api/relay/outbox", params(OutboxQuery), security(("bearer" = [])),
    responses((status = 200, description = "the messages not acknowledged yet, oldest first (a read that returns any \
        is audited: a report holds the applicant's name and phone)", body = Vec<wire::OutboxMessage>),
        (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody))
)]
/// The county service reads the hall's outbox (its device token only).
pub async fn outbox(
    State(s): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<OutboxQuery>,
    key: RetryKey,
) -> ApiResult<Answer> {
    access::allow(&actor, Need::County)?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::new(Code::InvalidLimit, "limit is 1 to 500"));
    }
    // Nothing waiting: answered from a read connection, nothing to audit, the writer untouched.
    if !s.reads().run(|c| Ok(rows::any_pending(c)?)).await.map_err(ApiError::Internal)? {
        return Answer::json(axum::http::StatusCode::OK, &Vec::<wire::OutboxMessage>::new());
    }
    let after = q.after.unwrap_or(0).max(0);
    submit(&s, actor, Op::ReadOutbox { limit, after }, key.forget(), b"").await
}

#[utoipa::path(
    post, path = "/api/relay/outbox/{id}/ack", params(("id" = i64, Path, description = "the message's id")),
    request_body(content = Option<wire::OutboxAck>, description = "optional: where it was delivered"),
    security(("bearer" = [])),
    responses((status = 204, description = "delivered: the message leaves the outbox (again: nothing changes)"),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody))
)]
/// The county service delivered a message (its device token only).
pub async fn ack(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(path_id): PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let ack: wire::OutboxAck = if body.iter().all(u8::is_ascii_whitespace) { Default::default() } else { json(&body)? };
    let op = Op::AckOutbox { id: id(&path_id), to_hall_name: ack.to_hall_name, not_relayed: ack.not_relayed };
    submit(&s, actor, op, key.forget(), &body).await
}

#[utoipa::path(
    post, path = "/api/relay/inbox", request_body = wire::InboxMessage, security(("bearer" = [])),
    responses((status = 200, description = "applied, or applied before under this key: the same answer", body = wire::InboxAnswer),
        (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 422, body = wire::ErrorBody))
)]
/// A message of another hall, delivered by the county service (its device token only).
pub async fn inbox(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let message: wire::InboxMessage = json(&body)?;
    submit(&s, actor, Op::Inbox { message: Box::new(message) }, key.forget(), &body).await
}

/// Query of `GET /api/incoming`.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct IncomingQuery {
    /// Only this window's.
    window: Option<String>,
    /// `all`: closed ones too (newest first); default: those not closed, oldest first.
    state: Option<String>,
    /// At most this many (default 200, at most 1000).
    limit: Option<u32>,
}

#[utoipa::path(
    get, path = "/api/incoming", params(IncomingQuery), security(("bearer" = [])),
    responses((status = 200, description = "incoming cases (上报来件), without the applicant's data", body = Vec<wire::IncomingLine>),
        (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody))
)]
/// The reported cases lower halls sent here, on the desks of the windows handling their matters.
pub async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<IncomingQuery>,
) -> ApiResult<Json<Vec<wire::IncomingLine>>> {
    access::allow(&actor, Need::Staff)?;
    let all = match q.state.as_deref() {
        None => false,
        Some("all") => true,
        Some(_) => return Err(ApiError::new(Code::InvalidBody, "unknown state; use all or leave it out")),
    };
    let limit = q.limit.unwrap_or(200);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::new(Code::InvalidLimit, "limit is 1 to 1000"));
    }
    let hall = s.hall();
    let lines = s
        .reads()
        .run(move |c| {
            let list = rows::list_incoming(c, q.window.as_deref(), all, limit)?;
            Ok(list.iter().map(|r| crate::ops::relay::line(&hall, r)).collect::<Vec<_>>())
        })
        .await
        .map_err(ApiError::Internal)?;
    Ok(Json(lines))
}

#[utoipa::path(
    get, path = "/api/incoming/{id}", params(("id" = i64, Path, description = "the incoming case's id")),
    security(("bearer" = [])),
    responses((status = 200, description = "the whole incoming case with the applicant's data (the read is audited)",
        body = wire::IncomingCase), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody))
)]
/// An incoming case: the director's, or the clerk's at its window.
pub async fn get(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(path_id): PathParam,
    key: RetryKey,
) -> ApiResult<Answer> {
    submit(&s, actor, Op::ReadIncoming { id: id(&path_id) }, key.forget(), b"").await
}

macro_rules! incoming_action {
    ($name:ident, $path:literal, $body:ty, $doc:literal, |$req:ident| $make:expr) => {
        #[doc = $doc]
        #[utoipa::path(
            post, path = $path, request_body = $body, security(("bearer" = [])),
            params(("id" = i64, Path, description = "the incoming case's id"),
                   ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
            responses((status = 200, body = wire::IncomingCase), (status = 400, body = wire::ErrorBody),
                (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody),
                (status = 409, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
        )]
        pub async fn $name(
            State(s): State<AppState>,
            Caller(actor): Caller,
            PathParam(path_id): PathParam,
            key: RetryKey,
            Body(body): Body,
        ) -> ApiResult<Answer> {
            let $req: $body = json(&body)?;
            let action = $make;
            submit(&s, actor, Op::Incoming { id: id(&path_id), action }, key, &body).await
        }
    };
}

incoming_action!(
    accept,
    "/api/incoming/{id}/accept",
    wire::AcceptIncoming,
    "Accepts an incoming case: its deadline runs from today (the matter's promised days here, or `days`).",
    |r| IncomingOp::Accept { days: r.days }
);
incoming_action!(
    extend,
    "/api/incoming/{id}/extend",
    wire::ExtendCase,
    "The director extends an incoming case's deadline once (R12), with a reason.",
    |r| IncomingOp::Extend { days: r.days, reason: r.reason }
);
incoming_action!(
    assign,
    "/api/incoming/{id}/assign",
    wire::AssignIncoming,
    "The director hands an incoming case to a window (its matter's window is missing here, or another fits).",
    |r| IncomingOp::Assign { window_id: r.window_id }
);
incoming_action!(
    close,
    "/api/incoming/{id}/close",
    wire::CloseCase,
    "Closes an incoming case with its result; the result goes back to the lower hall and its applicant.",
    |r| IncomingOp::Close { result: r.result.into(), reason: r.reason }
);
