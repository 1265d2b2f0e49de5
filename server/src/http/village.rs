//! Village requests (代办点, R22). A village agent registers, forwards and records the reply;
//! a clerk at a window handling the matter sees it on the desk and accepts it into a case; the
//! director sees every open one. Lists carry the villager's name and phone only for the agent
//! who registered them; staff read them whole through the writer (audited).

use axum::extract::State;
use axum::Json;
use chrono::NaiveDate;
use hall_wire as wire;
use serde::Deserialize;

use super::extract::{json, Body, Caller, PathParam, Query, RetryKey};
use super::{submit, AppState};
use crate::error::{ApiError, ApiResult, Code};
use crate::hall::StaffRole;
use crate::ops::access::{self, Need};
use crate::ops::{Actor, Answer, Op};
use crate::store::village;

fn today(s: &AppState) -> NaiveDate {
    crate::domain::numbering::local_day(s.now(), s.hall().timezone)
}

/// A request's id from the path; anything else is no request, told after the access check.
fn id(text: &str) -> i64 {
    text.parse::<i64>().ok().filter(|n| *n > 0).unwrap_or(0)
}

/// Query of `GET /api/village/requests`.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// At most this many, newest first (default 200, at most 1000).
    limit: Option<u32>,
}

#[utoipa::path(
    get, path = "/api/village/requests", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, description = "newest first. A village agent: their station's requests (the villager's \
        name, phone and note on their own only). A clerk: the requests for the matters of their window not yet accepted, \
        and those accepted there whose villager is not yet replied to. The director or an administrator: every such open \
        request. No name or phone for the town's staff.", body = Vec<wire::VillageRequest>),
        (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody))
)]
pub async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Vec<wire::VillageRequest>>> {
    access::allow(&actor, Need::Session)?;
    let limit = q.limit.unwrap_or(200);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::new(Code::InvalidLimit, "limit is 1 to 1000"));
    }
    let Actor::Staff { username, role, window_id, session_id } = actor else { unreachable!("checked: a session") };
    let (hall, calendar, day) = (s.hall(), s.calendar(), today(&s));
    let lines = match role {
        StaffRole::Village => {
            let station = hall.staff(&username).and_then(|p| p.station.clone()).unwrap_or_default();
            let rows = s.reads().run(move |c| Ok(village::of_station(c, &station, limit)?)).await;
            let rows = rows.map_err(ApiError::Internal)?;
            let reader = |r: &village::RequestRow| match r.agent == username {
                true => village::Reader::OwnAgent,
                false => village::Reader::OtherAgent,
            };
            rows.iter().map(|r| village::view((&hall, &calendar), r, day, reader(r))).collect()
        }
        StaffRole::Clerk => {
            let Some(window) = window_id else {
                return Err(ApiError::new(
                    Code::NotYourVillageRequest,
                    "sign in at a window to see its village requests",
                ));
            };
            // While this session holds the window: a window taken over takes its desk with it.
            let (w, now_ms) = (window.clone(), crate::store::ms(s.now()));
            let held = s.reads().run(move |c| {
                let held = crate::store::windows::get(c, &w, now_ms)?.is_some_and(|r| r.held_by(session_id));
                Ok(if held { Some(village::open(c, 5000)?) } else { None })
            });
            let Some(rows) = held.await.map_err(ApiError::Internal)? else {
                return Err(access::taken_over(&window));
            };
            rows.iter()
                .filter(|r| match &r.case {
                    None => hall.matter(&r.service_id).is_some_and(|m| m.windows.contains(&window)),
                    Some(c) => c.window_id == window,
                })
                .take(limit as usize)
                .map(|r| village::view((&hall, &calendar), r, day, village::Reader::StaffList))
                .collect()
        }
        StaffRole::Director | StaffRole::Admin => {
            // Every open request by default (the oldest, overdue ones are those that pile up):
            // the newest 1,000 at most.
            let limit = q.limit.unwrap_or(1000);
            let rows = s.reads().run(move |c| Ok(village::open(c, limit)?)).await.map_err(ApiError::Internal)?;
            rows.iter().map(|r| village::view((&hall, &calendar), r, day, village::Reader::StaffList)).collect()
        }
        StaffRole::Leader => {
            return Err(ApiError::new(
                Code::NotYourVillageRequest,
                "village requests are read by their agent, the windows handling them and the director",
            ))
        }
    };
    Ok(Json(lines))
}

#[utoipa::path(
    post, path = "/api/village/requests", request_body = wire::NewVillageRequest, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 201, body = wire::VillageRequest), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// A village agent registers a villager's request: its forward deadline is 3 working days,
/// never over a week, urgent the same day; `forward: true` forwards it at once.
pub async fn register(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let r: wire::NewVillageRequest = json(&body)?;
    submit(&s, actor, Op::RegisterVillage { input: Box::new(r.into()) }, key, &body).await
}

#[utoipa::path(
    get, path = "/api/village/requests/{id}", params(("id" = i64, Path, description = "the request's id")),
    security(("bearer" = [])),
    responses((status = 200, description = "the whole request with the villager's name and phone; the read is audited",
        body = wire::VillageRequest), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody))
)]
pub async fn get(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(path_id): PathParam,
    key: RetryKey,
) -> ApiResult<Answer> {
    submit(&s, actor, Op::ReadVillage { id: id(&path_id) }, key.forget(), b"").await
}

#[utoipa::path(
    post, path = "/api/village/requests/{id}/forward", security(("bearer" = [])),
    params(("id" = i64, Path, description = "the request's id"),
           ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 200, body = wire::VillageRequest), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody),
        (status = 409, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// The agent who registered it forwards it: the windows handling its matter receive it.
pub async fn forward(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(path_id): PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    submit(&s, actor, Op::ForwardVillage { id: id(&path_id) }, key, &body).await
}

#[utoipa::path(
    post, path = "/api/village/requests/{id}/replied", security(("bearer" = [])),
    params(("id" = i64, Path, description = "the request's id"),
           ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 200, body = wire::VillageRequest), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody),
        (status = 409, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// The agent who registered it records that the villager was told the town's answer.
pub async fn replied(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(path_id): PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    submit(&s, actor, Op::RepliedVillage { id: id(&path_id) }, key, &body).await
}

#[utoipa::path(
    post, path = "/api/village/requests/{id}/accept", request_body = wire::Finish, security(("bearer" = [])),
    params(("id" = i64, Path, description = "the request's id"),
           ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 200, description = "accepted: `case_number`, `town_deadline`", body = wire::VillageRequest),
        (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// A clerk signed in at a window handling the matter accepts the request into a case: the body
/// is a finish's (`Finish`: the kind and its particulars, R1–R14); the applicant is the villager
/// (`applicant_name`/`applicant_phone` are ignored).
pub async fn accept(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(path_id): PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let req: wire::Finish = json(&body)?;
    // The applicant is the villager (filled in by the acceptance), never what the body says.
    let acceptance =
        super::windows::finish_input(&s, wire::Finish { applicant_name: None, applicant_phone: None, ..req });
    submit(&s, actor, Op::AcceptVillage { id: id(&path_id), acceptance: Box::new(acceptance) }, key, &body).await
}

#[utoipa::path(
    get, path = "/api/village/agents", security(("bearer" = [])),
    responses((status = 200, description = "the hall's village agents, by station: who a request may be handed over to",
        body = Vec<wire::VillageAgent>), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody))
)]
/// The hall's village agents (the director's, to hand a request over).
pub async fn agents(State(s): State<AppState>, Caller(actor): Caller) -> ApiResult<Json<Vec<wire::VillageAgent>>> {
    access::allow(&actor, Need::Director)?;
    let demo = s.demo();
    let mut agents: Vec<wire::VillageAgent> = s
        .hall()
        .staff
        .iter()
        .filter(|p| p.role == StaffRole::Village && (demo || !p.demo))
        .filter_map(|p| {
            let station = p.station.clone()?;
            Some(wire::VillageAgent { username: p.username.clone(), name: p.name.clone(), station })
        })
        .collect();
    agents.sort_by(|a, b| a.station.cmp(&b.station).then(a.username.cmp(&b.username)));
    Ok(Json(agents))
}

#[utoipa::path(
    post, path = "/api/village/requests/{id}/agent", request_body = wire::HandOver, security(("bearer" = [])),
    params(("id" = i64, Path, description = "the request's id"),
           ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 200, body = wire::VillageRequest), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody),
        (status = 409, body = wire::ErrorBody))
)]
/// The director hands a request over to another agent of its station (audited): `400
/// invalid_body` for an account that is no agent of that station, `409 invalid_village_action`
/// once the villager was given the town's answer, or to the agent who has it.
pub async fn hand_over(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(path_id): PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let req: wire::HandOver = json(&body)?;
    let op = Op::HandOverVillage { id: id(&path_id), agent: req.agent, demo: s.demo() };
    submit(&s, actor, op, key, &body).await
}
