//! The working-day calendar (R6): questions anyone may ask, and the administrator adding the
//! year the State Council publishes each winter.

use axum::extract::State;
use axum::Json;
use chrono::NaiveDate;
use hall_wire as wire;
use serde::Deserialize;

use super::extract::{json, Body, Caller, PathParam, Query, RetryKey};
use super::{submit, AppState};
use crate::domain::calendar::MissingYear;
use crate::error::{ApiError, ApiResult, Code};
use crate::ops::access::{self, Need};
use crate::ops::{Answer, Op};

fn date(text: &str) -> ApiResult<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::new(Code::InvalidDate, format!("`{text}` is not a date like 2026-10-08")))
}

fn missing(m: MissingYear) -> ApiError {
    ApiError::new(
        Code::CalendarYearMissing,
        format!("the working-day calendar of {} is not loaded; the administrator adds it on /admin", m.0),
    )
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct AddQuery {
    /// The day to count from, YYYY-MM-DD.
    from: String,
    /// Working days to add: 0 is `from` itself when it is a working day (else the next one).
    add: u32,
}

#[utoipa::path(
    get, path = "/api/calendar/working-days", params(AddQuery),
    responses((status = 200, body = wire::WorkingDay), (status = 400, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
pub async fn working_days(State(s): State<AppState>, Query(q): Query<AddQuery>) -> ApiResult<Json<wire::WorkingDay>> {
    let day = s.calendar().add_working_days(date(&q.from)?, q.add).map_err(missing)?;
    Ok(Json(wire::WorkingDay { date: day.to_string() }))
}

#[utoipa::path(
    get, path = "/api/calendar/day/{date}", params(("date" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 200, body = wire::CalendarDay), (status = 422, body = wire::ErrorBody))
)]
pub async fn day(State(s): State<AppState>, PathParam(text): PathParam) -> ApiResult<Json<wire::CalendarDay>> {
    let calendar = s.calendar();
    let info = calendar.day(date(&text)?).map_err(missing)?;
    Ok(Json(wire::CalendarDay { working: info.working, name: info.name.map(str::to_string) }))
}

#[utoipa::path(get, path = "/api/calendar/years", responses((status = 200, body = Vec<wire::CalendarYear>)))]
pub async fn years(State(s): State<AppState>) -> Json<Vec<wire::CalendarYear>> {
    let calendar = s.calendar();
    let years = calendar
        .years()
        .map(|y| wire::CalendarYear {
            year: y.year,
            source: y.source.clone(),
            working_days: calendar.working_days_in(y.year).unwrap_or(0),
            amended_days: Vec::new(),
            bookings_cancelled: 0,
            deadlines_deferred: 0,
        })
        .collect();
    Json(years)
}

#[utoipa::path(
    post, path = "/api/admin/calendar", request_body = wire::AddCalendarYear, security(("bearer" = [])),
    responses((status = 201, body = wire::CalendarYear), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
pub async fn add_year(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    // Checked before the validation; the writer checks the op again.
    access::allow(&actor, Need::Admin)?;
    let req: wire::AddCalendarYear = json(&body)?;
    let schedule =
        crate::calendar_data::parse_year(&req.toml).map_err(|e| ApiError::new(Code::InvalidCalendar, e.to_string()))?;
    submit(&s, actor, Op::AddCalendarYear { schedule: Box::new(schedule), toml: req.toml }, key, &body).await
}
