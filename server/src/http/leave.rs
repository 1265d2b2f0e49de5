//! Leave with stand-ins (R16): a clerk's request, the lists (never the reason), a whole read
//! through the writer (the director's audited), and the decision or cancellation.

use axum::extract::State;
use axum::Json;
use chrono::{Duration, NaiveDate};
use hall_wire as wire;
use serde::Deserialize;

use super::extract::{json, Body, Caller, PathParam, Query, RetryKey};
use super::{submit, AppState};
use crate::domain::leave::{Span, Step};
use crate::error::{ApiError, ApiResult, Code};
use crate::hall::StaffRole;
use crate::ops::access::{self, Need};
use crate::ops::leave::{view, LeaveInput};
use crate::ops::{Actor, Answer, Op};
use crate::store::attendance::StaffNames;
use crate::store::leave as rows;

fn date(v: &str) -> ApiResult<NaiveDate> {
    NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| ApiError::new(Code::InvalidDate, "dates are YYYY-MM-DD"))
}

/// A request's id from the path (anything else is no request, told after the access check).
fn id(text: &str) -> i64 {
    text.parse::<i64>().ok().filter(|n| *n > 0).unwrap_or(0)
}

fn today(s: &AppState) -> NaiveDate {
    crate::domain::numbering::local_day(s.now(), s.hall().timezone)
}

/// Query of `GET /api/leave`.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct RangeQuery {
    /// First day, `YYYY-MM-DD` (default: 31 days ago).
    from: Option<String>,
    /// Last day, inclusive (default: 92 days ahead; at most 366 days after `from`).
    to: Option<String>,
}

#[utoipa::path(
    post, path = "/api/leave", request_body = wire::NewLeave, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 201, body = wire::Leave), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// A clerk asks for leave with a named stand-in for each of their windows (R16; audited).
pub async fn request(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    access::allow(&actor, Need::Clerk)?;
    let r: wire::NewLeave = json(&body)?;
    let span = Span { from: date(&r.from)?, from_afternoon: r.from_afternoon, to: date(&r.to)?, to_noon: r.to_noon };
    let stand_ins = r.stand_ins.into_iter().map(|x| (x.window_id, x.username)).collect();
    let input = LeaveInput { kind: r.kind.into(), span, reason: r.reason, stand_ins };
    submit(&s, actor, Op::RequestLeave { input: Box::new(input) }, key, &body).await
}

#[utoipa::path(
    get, path = "/api/leave", params(RangeQuery), security(("bearer" = [])),
    responses((status = 200, description = "every request with a day in the range, without reasons",
        body = Vec<wire::Leave>), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 422, body = wire::ErrorBody))
)]
/// The hall's leave over a range (director, leader, administrator): kinds, days, stand-ins.
pub async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<RangeQuery>,
) -> ApiResult<Json<Vec<wire::Leave>>> {
    access::allow(&actor, Need::Oversight)?;
    let today = today(&s);
    let asked = q.from.is_some() || q.to.is_some();
    let from = q.from.as_deref().map(date).transpose()?.unwrap_or(today - Duration::days(31));
    let to = q.to.as_deref().map(date).transpose()?.unwrap_or(today + Duration::days(92));
    if from > to || (to - from).num_days() > 366 {
        return Err(ApiError::new(Code::InvalidDate, "from is on or before to, at most 366 days apart"));
    }
    let hall = s.hall();
    let list = s
        .reads()
        .run(move |c| {
            // The console's default range lists every request waiting for a decision too.
            let found = if asked { rows::between(c, from, to)? } else { rows::between_or_pending(c, from, to)? };
            let names = StaffNames::read(c)?;
            Ok(found.iter().map(|r| view(&hall, &names, r)).collect::<Vec<_>>())
        })
        .await
        .map_err(ApiError::Internal)?;
    Ok(Json(list))
}

#[utoipa::path(
    get, path = "/api/leave/mine", security(("bearer" = [])),
    responses((status = 200, body = wire::MyLeave), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody))
)]
/// The caller's own requests, and the requests naming them as stand-in (no reasons).
pub async fn mine(State(s): State<AppState>, Caller(actor): Caller) -> ApiResult<Json<wire::MyLeave>> {
    access::allow(&actor, Need::Staff)?;
    let Actor::Staff { username, .. } = actor else { unreachable!("checked: staff") };
    let (hall, demo) = (s.hall(), s.demo());
    let mine = s
        .reads()
        .run(move |c| {
            let names = StaffNames::read(c)?;
            let requests = rows::of_user(c, &username)?.iter().map(|r| view(&hall, &names, r)).collect();
            // A colleague standing in learns the days and the outcome, not the kind (a sick
            // leave's is health), who decided it or the director's note (the requester's).
            let standing_in = rows::standing_in(c, &username)?.iter().map(|r| view(&hall, &names, r).into()).collect();
            let windows = hall.staff(&username).map(|p| p.windows.clone()).unwrap_or_default();
            let colleagues = hall
                .staff
                .iter()
                .filter(|p| p.role == StaffRole::Clerk && p.username != username && (demo || !p.demo))
                .map(|p| wire::Colleague {
                    username: p.username.clone(),
                    name: p.name.clone(),
                    windows: p.windows.clone(),
                })
                .collect();
            Ok(wire::MyLeave { requests, standing_in, windows, colleagues })
        })
        .await
        .map_err(ApiError::Internal)?;
    Ok(Json(mine))
}

#[utoipa::path(
    get, path = "/api/leave/{id}", params(("id" = i64, Path, description = "the request's id")),
    security(("bearer" = [])),
    responses((status = 200, description = "the whole request with its reason: the requester's, or the director's (audited)",
        body = wire::Leave), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody))
)]
pub async fn get(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(path_id): PathParam,
    key: RetryKey,
) -> ApiResult<Answer> {
    submit(&s, actor, Op::ReadLeave { id: id(&path_id) }, key.forget(), b"").await
}

macro_rules! leave_step {
    ($name:ident, $path:literal, $step:expr, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            post, path = $path, request_body = wire::LeaveDecision, security(("bearer" = [])),
            params(("id" = i64, Path, description = "the request's id"),
                   ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
            responses((status = 200, body = wire::Leave), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
                (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody),
                (status = 422, body = wire::ErrorBody))
        )]
        pub async fn $name(
            State(s): State<AppState>,
            Caller(actor): Caller,
            PathParam(path_id): PathParam,
            key: RetryKey,
            Body(body): Body,
        ) -> ApiResult<Answer> {
            let note = if body.iter().all(u8::is_ascii_whitespace) {
                None
            } else {
                json::<wire::LeaveDecision>(&body)?.note
            };
            submit(&s, actor, Op::Leave { id: id(&path_id), step: $step, note }, key, &body).await
        }
    };
}

leave_step!(
    approve,
    "/api/leave/{id}/approve",
    Step::Approve,
    "The director approves a pending request (an optional note)."
);
leave_step!(
    refuse,
    "/api/leave/{id}/refuse",
    Step::Refuse,
    "The director refuses a pending request, saying why in the note."
);
leave_step!(cancel, "/api/leave/{id}/cancel", Step::Cancel, "The requester cancels their request before it starts.");
