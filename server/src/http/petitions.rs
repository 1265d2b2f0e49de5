//! Petitions (信访, R20): the director's and administrators' only. Clerks, kiosks and anyone
//! else are refused on every endpoint (`access`: the writes' need is `Director`, the reads ask
//! the same). The list and the alerts carry no identity; the whole petition is read through the
//! writer, so that every read is audited.

use axum::extract::State;
use axum::Json;
use chrono::NaiveDate;
use hall_wire as wire;
use serde::Deserialize;

use super::extract::{json, Body, Caller, PathParam, Query, RetryKey};
use super::{submit, AppState};
use crate::domain::petition::PetitionState;
use crate::error::{ApiError, ApiResult, Code};
use crate::ops::access::{self, Need};
use crate::ops::petitions::PetitionOp;
use crate::ops::{Answer, Op};
use crate::store::petitions;

fn today(s: &AppState) -> NaiveDate {
    crate::domain::numbering::local_day(s.now(), s.hall().timezone)
}

/// A petition's id from the path. Ids start at 1: anything else is no petition, told after the
/// caller's access is checked (a clerk is refused whatever the id).
fn id(text: &str) -> i64 {
    text.parse::<i64>().ok().filter(|n| *n > 0).unwrap_or(0)
}

/// Query of `GET /api/petitions`.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// `received`, `transferred`, `answered`, `closed` or `all` (the default).
    state: Option<String>,
    /// `true`: only the petitions not answered past their due day.
    overdue: Option<bool>,
    /// At most this many, newest first (default 200, at most 1000).
    limit: Option<u32>,
}

#[utoipa::path(
    get, path = "/api/petitions", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, description = "newest first; no identity, no text", body = Vec<wire::PetitionLine>),
        (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody))
)]
pub async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Vec<wire::PetitionLine>>> {
    access::allow(&actor, Need::Director)?;
    let state = match q.state.as_deref() {
        None | Some("all") => None,
        Some(x) => Some(PetitionState::parse(x).ok_or_else(|| {
            ApiError::new(Code::InvalidBody, "unknown state; use received, transferred, answered, closed or all")
        })?),
    };
    let limit = q.limit.unwrap_or(200);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::new(Code::InvalidLimit, "limit is 1 to 1000"));
    }
    let day = today(&s);
    let filter = petitions::Filter { state, due_before: q.overdue.unwrap_or(false).then_some(day), limit };
    let hall = s.hall();
    let lines =
        s.reads().run(move |c| Ok(petitions::list(c, &hall, &filter, day)?)).await.map_err(ApiError::Internal)?;
    Ok(Json(lines))
}

#[utoipa::path(
    get, path = "/api/petitions/alerts", security(("bearer" = [])),
    responses((status = 200, description = "urgent petitions not acknowledged, oldest first; no identity, no text",
        body = Vec<wire::PetitionAlert>), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody))
)]
/// What the red banner of the director's console shows until acknowledged; the leaders' page
/// shows it too (R20: urgent or major issues are reported to the leaders at once). No identity,
/// no text: the petition itself stays the director's and administrators'.
pub async fn alerts(State(s): State<AppState>, Caller(actor): Caller) -> ApiResult<Json<Vec<wire::PetitionAlert>>> {
    access::allow(&actor, Need::Oversight)?;
    let hall = s.hall();
    let of = if access::leader(&actor) { petitions::AlertsOf::Leaders } else { petitions::AlertsOf::Director };
    let alerts = s.reads().run(move |c| Ok(petitions::alerts(c, &hall, of)?)).await.map_err(ApiError::Internal)?;
    Ok(Json(alerts))
}

#[utoipa::path(
    post, path = "/api/petitions", request_body = wire::NewPetition, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 201, body = wire::Petition), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// Registers a petition (R20's fields); an urgent one alerts the director's consoles at once.
pub async fn register(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let p: wire::NewPetition = json(&body)?;
    submit(&s, actor, Op::RegisterPetition { input: Box::new(p.into()) }, key, &body).await
}

#[utoipa::path(
    get, path = "/api/petitions/{id}", params(("id" = i64, Path, description = "the petition's id")),
    security(("bearer" = [])),
    responses((status = 200, description = "the whole petition with the petitioner's identity; the read is audited",
        body = wire::Petition), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody))
)]
pub async fn get(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(path_id): PathParam,
    key: RetryKey,
) -> ApiResult<Answer> {
    submit(&s, actor, Op::ReadPetition { id: id(&path_id) }, key.forget(), b"").await
}

macro_rules! petition_action {
    ($name:ident, $path:literal, $doc:literal, |$body:ident| $make:expr) => {
        #[doc = $doc]
        #[utoipa::path(
            post, path = $path, security(("bearer" = [])),
            params(("id" = i64, Path, description = "the petition's id"),
                   ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
            responses((status = 200, body = wire::Petition),
                (status = 204, description = "a leader's acknowledgement of an urgent petition's alert (acknowledge only)"),
                (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
                (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody),
                (status = 422, body = wire::ErrorBody))
        )]
        pub async fn $name(
            State(s): State<AppState>,
            Caller(actor): Caller,
            PathParam(path_id): PathParam,
            key: RetryKey,
            Body($body): Body,
        ) -> ApiResult<Answer> {
            let action: PetitionOp = $make;
            submit(&s, actor, Op::Petition { id: id(&path_id), action }, key, &$body).await
        }
    };
}

petition_action!(
    transfer,
    "/api/petitions/{id}/transfer",
    "Transfers a received petition to a department of the hall (`TransferPetition`), with a 交办单.",
    |body| {
        let r: wire::TransferPetition = json(&body)?;
        PetitionOp::Transfer { department: r.department, note: r.note, due: r.due }
    }
);
petition_action!(
    answer,
    "/api/petitions/{id}/answer",
    "Records the answer given to the petitioner (`AnswerPetition`).",
    |body| {
        let r: wire::AnswerPetition = json(&body)?;
        PetitionOp::Answer { answer: r.answer }
    }
);
petition_action!(close, "/api/petitions/{id}/close", "Closes an answered petition (no body, or `{}`).", |body| {
    PetitionOp::Close
});
petition_action!(
    acknowledge,
    "/api/petitions/{id}/acknowledge",
    "Acknowledges an urgent petition's alert: the red banner ends (audited with who and when). A leader's acknowledges the leaders' alert apart (R20), answered `204` with nothing of the petition.",
    |body| PetitionOp::Acknowledge
);
