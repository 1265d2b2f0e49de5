//! Spot inspections (督查, R18): the director or a leader records one (photos as base64 in the
//! JSON body, the only route with a larger body limit), the oversight reads them and their
//! photos, the director withdraws a finding, and a clerk reads the findings about them.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use chrono::NaiveDate;
use hall_wire as wire;
use serde::Deserialize;

use super::extract::{json, Body, Caller, Query, RetryKey};
use super::{submit, AppState};
use crate::domain::inspection::{FindingDraft, MAX_PHOTOS, MAX_PHOTO_BYTES};
use crate::error::{ApiError, ApiResult, Code};
use crate::hall::StaffRole;
use crate::ops::access::{self, Need};
use crate::ops::inspections::{self as ops, InspectionInput};
use crate::ops::{Actor, Answer, Op};
use crate::store::attendance::StaffNames;
use crate::store::inspections as store;

/// `POST /api/inspections`'s body limit: four photos of 1 MB in base64, and the rest.
pub const MAX_INSPECTION_BODY: usize = MAX_PHOTOS * (MAX_PHOTO_BYTES * 4 / 3 + 64) + 64 * 1024;

/// Query of the inspection lists.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct RangeQuery {
    /// First day, `YYYY-MM-DD` (default: the first of this month).
    from: Option<String>,
    /// Last day, inclusive (default: today; at most 366 days after `from`).
    to: Option<String>,
}

fn range(s: &AppState, q: &RangeQuery) -> ApiResult<(String, String)> {
    use chrono::Datelike;
    let date = |v: &str| {
        NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| ApiError::new(Code::InvalidDate, "dates are YYYY-MM-DD"))
    };
    let today = crate::domain::numbering::local_day(s.now(), s.hall().timezone);
    let from = q.from.as_deref().map(date).transpose()?.unwrap_or_else(|| today.with_day(1).unwrap_or(today));
    let to = q.to.as_deref().map(date).transpose()?.unwrap_or(today);
    if from > to || (to - from).num_days() > 366 {
        return Err(ApiError::new(Code::InvalidDate, "from is on or before to, at most a year apart"));
    }
    Ok((from.to_string(), to.to_string()))
}

fn inspection_id(id: &str) -> ApiResult<i64> {
    id.parse::<i64>().map_err(|_| ApiError::new(Code::UnknownInspection, format!("no inspection `{id}`")))
}

/// A photo's base64 (a `data:…;base64,` prefix dropped), decoded; its type is checked later.
fn photo(i: usize, text: &str) -> ApiResult<Vec<u8>> {
    let text = text.trim();
    let text = match text.strip_prefix("data:") {
        Some(rest) => rest.split_once(";base64,").map(|(_, b)| b).unwrap_or(""),
        None => text,
    };
    if text.len() > MAX_PHOTO_BYTES * 4 / 3 + 8 {
        return Err(ApiError::new(Code::PhotoTooLarge, format!("photo {} is over {MAX_PHOTO_BYTES} bytes", i + 1)));
    }
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| ApiError::new(Code::InvalidPhoto, format!("photo {} is not base64", i + 1)))
}

/// An empty select sends `""`: no window, no clerk.
fn named(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

#[utoipa::path(
    post, path = "/api/inspections", request_body = wire::NewInspection, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 201, body = wire::Inspection), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 413, body = wire::ErrorBody), (status = 415, body = wire::ErrorBody),
        (status = 422, body = wire::ErrorBody))
)]
/// The director or a leader records a spot inspection: windows visited, findings, photos (audited).
pub async fn record(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: RetryKey,
    request: axum::extract::Request,
) -> ApiResult<Answer> {
    // Refused before its body (up to 5.6 MB of photos) is read: any device or staff token would
    // otherwise make the server hold one for each request it sends.
    access::allow(&actor, Need::Inspector)?;
    let Body(body) = <Body as axum::extract::FromRequest<AppState>>::from_request(request, &s).await?;
    let r: wire::NewInspection = json(&body)?;
    if r.photos.len() > MAX_PHOTOS {
        return Err(ApiError::new(Code::TooManyPhotos, format!("at most {MAX_PHOTOS} photos per inspection")));
    }
    let photos = r.photos.iter().enumerate().map(|(i, p)| photo(i, p)).collect::<ApiResult<Vec<_>>>()?;
    let findings = r
        .findings
        .into_iter()
        .map(|f| FindingDraft {
            window_id: named(f.window_id),
            username: named(f.username),
            kind: f.kind.into(),
            note: f.note,
        })
        .collect();
    let input = InspectionInput { at: r.at, windows: r.windows, note: r.note, findings, photos };
    submit(&s, actor, Op::RecordInspection { input: Box::new(input) }, key, &body).await
}

#[utoipa::path(
    get, path = "/api/inspections", params(RangeQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<wire::Inspection>), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// The inspections of a range (default this month), latest first, with findings and photo counts.
pub async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<RangeQuery>,
) -> ApiResult<Json<Vec<wire::Inspection>>> {
    access::allow(&actor, Need::Oversight)?;
    let (from, to) = range(&s, &q)?;
    let hall = s.hall();
    let (rows, names) = s
        .reads()
        .run(move |c| Ok((store::between(c, &from, &to)?, StaffNames::read(c)?)))
        .await
        .map_err(ApiError::Internal)?;
    Ok(Json(rows.iter().map(|r| ops::view(&hall, &names, r)).collect()))
}

#[utoipa::path(
    get, path = "/api/inspections/{id}", security(("bearer" = [])),
    params(("id" = i64, Path, description = "inspection id")),
    responses((status = 200, body = wire::Inspection), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody))
)]
/// One inspection.
pub async fn get(
    State(s): State<AppState>,
    Caller(actor): Caller,
    super::extract::PathParam(id): super::extract::PathParam,
) -> ApiResult<Json<wire::Inspection>> {
    access::allow(&actor, Need::Oversight)?;
    let id = inspection_id(&id)?;
    let hall = s.hall();
    let (row, names) =
        s.reads().run(move |c| Ok((store::get(c, id)?, StaffNames::read(c)?))).await.map_err(ApiError::Internal)?;
    let row = row.ok_or_else(|| ApiError::new(Code::UnknownInspection, format!("no inspection {id}")))?;
    Ok(Json(ops::view(&hall, &names, &row)))
}

/// The path of a photo: the inspection and its number.
#[derive(Deserialize)]
pub struct PhotoPath {
    id: String,
    n: String,
}

#[utoipa::path(
    get, path = "/api/inspections/{id}/photos/{n}", security(("bearer" = [])),
    params(("id" = i64, Path, description = "inspection id"), ("n" = u32, Path, description = "photo number, from 1")),
    responses((status = 200, description = "image/jpeg or image/png"), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody))
)]
/// An inspection's photo, with its content type (never cached by a shared cache).
pub async fn photo_bytes(
    State(s): State<AppState>,
    Caller(actor): Caller,
    path: Result<axum::extract::Path<PhotoPath>, axum::extract::rejection::PathRejection>,
) -> ApiResult<Response> {
    access::allow(&actor, Need::Oversight)?;
    let axum::extract::Path(p) = path.map_err(|_| ApiError::new(Code::InvalidPath, "the path is not valid text"))?;
    let none = || ApiError::new(Code::UnknownInspection, format!("no photo {} of inspection {}", p.n, p.id));
    let id = inspection_id(&p.id)?;
    let n = p.n.parse::<u32>().map_err(|_| none())?;
    let found = s.reads().run(move |c| Ok(store::photo(c, id, n)?)).await.map_err(ApiError::Internal)?;
    let (kind, bytes) = found.ok_or_else(none)?;
    let headers = [
        (header::CONTENT_TYPE, kind),
        (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
    ];
    Ok((headers, bytes).into_response())
}

#[utoipa::path(
    post, path = "/api/inspections/findings/{id}/withdraw", request_body = wire::WithdrawFinding,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "finding id"),
        ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 200, body = wire::Inspection), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody),
        (status = 415, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// The director withdraws a finding with a reason (audited; it stays visible as withdrawn).
pub async fn withdraw(
    State(s): State<AppState>,
    Caller(actor): Caller,
    super::extract::PathParam(id): super::extract::PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let r: wire::WithdrawFinding = json(&body)?;
    let id = id.parse::<i64>().map_err(|_| ApiError::new(Code::UnknownFinding, format!("no finding `{id}`")))?;
    submit(&s, actor, Op::WithdrawFinding { id, reason: r.reason }, key, &body).await
}

#[utoipa::path(
    get, path = "/api/inspections/mine", params(RangeQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<wire::MyInspectionFinding>), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// The findings about the signed-in clerk, or about the window they are signed in at (without a
/// clerk named): no photos, no inspector's note.
pub async fn mine(
    State(s): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<RangeQuery>,
) -> ApiResult<Json<Vec<wire::MyInspectionFinding>>> {
    let Actor::Staff { username, role: StaffRole::Clerk, window_id, .. } = actor else {
        return Err(ApiError::new(Code::ClerkOnly, "the findings of a clerk signed in at a window"));
    };
    let (from, to) = range(&s, &q)?;
    let hall = s.hall();
    let me = username.clone();
    let rows = s
        .reads()
        .run(move |c| Ok(store::about(c, &me, window_id.as_deref(), &from, &to)?))
        .await
        .map_err(ApiError::Internal)?;
    Ok(Json(rows.iter().map(|r| ops::my_view(&hall, &username, r)).collect()))
}

#[utoipa::path(
    get, path = "/api/inspections/clerks", security(("bearer" = [])),
    responses((status = 200, body = Vec<wire::HallClerk>), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody))
)]
/// The hall's clerks, to name in a finding (the inspection form's staff select).
pub async fn clerks(State(s): State<AppState>, Caller(actor): Caller) -> ApiResult<Json<Vec<wire::HallClerk>>> {
    access::allow(&actor, Need::Oversight)?;
    let demo = s.demo();
    let list = s
        .hall()
        .staff
        .iter()
        .filter(|p| p.role == StaffRole::Clerk && (demo || !p.demo))
        .map(|p| wire::HallClerk { username: p.username.clone(), name: p.name.clone(), staff_no: p.staff_no.clone() })
        .collect();
    Ok(Json(list))
}
