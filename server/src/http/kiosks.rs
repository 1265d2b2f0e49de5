//! Kiosks' printer faults: `POST /api/kiosk/faults` (the kiosk) and `GET /api/kiosks` (staff).

use axum::extract::State;
use axum::Json;
use hall_wire as wire;

use super::extract::{json, Body, Caller, RetryKey};
use super::AppState;
use crate::error::{ApiError, ApiResult};
use crate::ops::access::{self, Need};
use crate::ops::{Answer, Op};
use crate::store::reads;

#[utoipa::path(
    post, path = "/api/kiosk/faults", request_body = wire::KioskFaultReport, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses(
        (status = 200, body = wire::KioskState), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody)
    )
)]
pub async fn report_fault(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let req: wire::KioskFaultReport = json(&body)?;
    let op = Op::KioskFault { kind: req.kind.into(), message: req.message, ticket_number: req.ticket_number };
    super::submit(&s, actor, op, key, &body).await
}

#[utoipa::path(
    get, path = "/api/kiosks", security(("bearer" = [])),
    responses((status = 200, body = Vec<wire::KioskState>), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody))
)]
pub async fn list(State(s): State<AppState>, Caller(actor): Caller) -> ApiResult<Json<Vec<wire::KioskState>>> {
    access::allow(&actor, Need::Staff)?;
    let hall = s.hall();
    let states = s.reads().run(move |c| reads::kiosks(c, &hall)).await.map_err(ApiError::Internal)?;
    Ok(Json(states))
}
