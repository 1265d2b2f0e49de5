//! The lobby displays' notice line, set by the director.

use axum::extract::State;
use hall_wire as wire;

use super::extract::{json, Body, Caller, RetryKey};
use super::{submit, AppState};
use crate::error::ApiResult;
use crate::ops::{Answer, Op};

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
    submit(&s, actor, Op::SetNotice { notice: req.notice }, key, &body).await
}
