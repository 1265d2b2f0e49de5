//! The monthly assessment (R17): every clerk's and window's sheet for the director, a leader
//! and administrators; a clerk's own; the director closes a month that is over.

use axum::extract::State;
use axum::Json;
use hall_wire as wire;
use serde::Deserialize;

use super::extract::{Caller, PathParam, Query, RetryKey};
use super::{submit, AppState};
use crate::error::{ApiError, ApiResult};
use crate::ops::access::{self, Need};
use crate::ops::assessment::{self, Month};
use crate::ops::{Actor, Answer, Op};

/// Which month.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct MonthQuery {
    /// `YYYY-MM` (default: this month).
    month: Option<String>,
}

fn month(s: &AppState, q: &MonthQuery) -> ApiResult<Month> {
    match &q.month {
        Some(m) => Month::parse(m),
        None => Ok(Month::of(crate::domain::numbering::local_day(s.now(), s.hall().timezone))),
    }
}

async fn read(s: &AppState, month: Month) -> ApiResult<wire::Assessment> {
    read_as_of(s, month, s.now()).await
}

async fn read_as_of(s: &AppState, month: Month, now: chrono::DateTime<chrono::Utc>) -> ApiResult<wire::Assessment> {
    let (hall, calendar, demo) = (s.hall(), s.calendar(), s.demo());
    s.reads()
        .run_long(move |c| assessment::read(c, &hall, &calendar, demo, month, now))
        .await
        .map_err(ApiError::Internal)
}

/// The last instant of yesterday (the hall's day): what a staff member's own figures are read
/// as of. Today's ratings, live, would tell the clerk how the citizen just served rated them.
fn end_of_yesterday(s: &AppState) -> chrono::DateTime<chrono::Utc> {
    let (now, tz) = (s.now(), s.hall().timezone);
    let today = crate::domain::numbering::local_day(now, tz);
    let midnight = today.and_hms_opt(0, 0, 0).expect("midnight").and_local_timezone(tz).earliest();
    midnight.map(|m| m.with_timezone(&chrono::Utc) - chrono::Duration::milliseconds(1)).unwrap_or(now)
}

#[utoipa::path(
    get, path = "/api/assessment", params(MonthQuery), security(("bearer" = [])),
    responses((status = 200, body = wire::Assessment), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// A month's assessment: every clerk and window ranked, each component visible; a closed month
/// as it was frozen (director, leader, admin).
pub async fn month_sheets(
    State(s): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<MonthQuery>,
) -> ApiResult<Json<wire::Assessment>> {
    access::allow(&actor, Need::Oversight)?;
    let month = month(&s, &q)?;
    Ok(Json(read(&s, month).await?))
}

#[utoipa::path(
    get, path = "/api/assessment/mine", params(MonthQuery), security(("bearer" = [])),
    responses((status = 200, body = wire::MyAssessment), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// The caller's own sheet for a month, with how many were ranked.
pub async fn mine(
    State(s): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<MonthQuery>,
) -> ApiResult<Json<wire::MyAssessment>> {
    access::allow(&actor, Need::Staff)?;
    let Actor::Staff { username, .. } = &actor else { unreachable!("checked: staff") };
    let month = month(&s, &q)?;
    // As of the end of yesterday: a sheet live to the minute would tell who rated what.
    let all = read_as_of(&s, month, end_of_yesterday(&s)).await?;
    Ok(Json(wire::MyAssessment {
        ranked: all.staff.iter().filter(|x| x.rank.is_some()).count() as u32,
        sheet: all.staff.into_iter().find(|x| &x.key == username),
        month: all.month,
        closed: all.closed,
        in_progress: all.in_progress,
        scheme: all.scheme,
    }))
}

#[utoipa::path(
    post, path = "/api/assessment/{month}/close", security(("bearer" = [])),
    params(("month" = String, Path, description = "YYYY-MM"),
        ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 200, body = wire::Assessment), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// The director closes a month that is over: its sheets are frozen and later corrections of
/// old records no longer change them (audited; `409 month_not_over`, `409 month_closed`).
pub async fn close(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(month): PathParam,
    key: RetryKey,
) -> ApiResult<Answer> {
    Month::parse(&month)?;
    let op = Op::CloseAssessment { month: month.clone(), demo: s.demo() };
    submit(&s, actor, op, key, month.as_bytes()).await
}
