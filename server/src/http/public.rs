//! Reads anyone may make: the hall's matters, windows, queues, a ticket, recent calls.

use std::collections::HashMap;

use axum::extract::State;

use super::extract::{PathParam, Query};
use axum::Json;
use hall_wire as wire;

use super::AppState;
use crate::error::{ApiError, ApiResult, Code};
use crate::hall::StaffRole;
use crate::ops::Actor;
use crate::store::{self, reads};

#[utoipa::path(get, path = "/api/health", responses((status = 200, body = wire::Health)))]
pub async fn health(State(s): State<AppState>) -> (axum::http::StatusCode, Json<wire::Health>) {
    match s.writer().health() {
        Ok(()) => (axum::http::StatusCode::OK, Json(wire::Health { status: "ok".into(), reason: None })),
        Err(reason) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Json(wire::Health { status: "failing".into(), reason: Some(reason) }),
        ),
    }
}

#[utoipa::path(get, path = "/api/hall", responses((status = 200, body = wire::HallInfo)))]
pub async fn hall(State(s): State<AppState>) -> ApiResult<Json<wire::HallInfo>> {
    let h = s.hall();
    let (set, issuing) = s
        .read_now(|c, at| {
            let notice = store::settings::get(c, store::settings::NOTICE)?;
            Ok((notice, store::issuing::to_wire(at.hall, store::issuing::hall(c, at)?, None)))
        })
        .await?;
    Ok(Json(wire::HallInfo {
        hall_id: h.id.clone(),
        name: h.name.clone(),
        address: h.address.clone(),
        phone: h.phone.clone(),
        notice: set.unwrap_or_else(|| h.notice.clone()),
        work_start: h.work_start.format("%H:%M").to_string(),
        work_end: h.work_end.format("%H:%M").to_string(),
        timezone: h.timezone.name().to_string(),
        general_inquiry: h.general_inquiry.clone(),
        issuing,
        departments: h
            .departments
            .iter()
            .map(|d| wire::DepartmentInfo { id: d.id.clone(), name: d.name.clone() })
            .collect(),
        turn_soon_ahead: h.policy.booking.turn_soon_ahead,
        priority_exempt: h.hours.priority_exempt,
    }))
}

#[utoipa::path(get, path = "/api/services", responses((status = 200, body = Vec<wire::Service>)))]
pub async fn services(State(s): State<AppState>) -> ApiResult<Json<Vec<wire::Service>>> {
    Ok(Json(s.read_now(reads::services).await?))
}

#[utoipa::path(
    get, path = "/api/windows",
    description = "Every window, its state and the ticket it serves. The ticket's matter (`service_id`) and \
    priority class only for the hall's staff (a bearer token of a live session); anyone else, the \
    lobby's screens included, gets the number alone (its `windows` this window only, no first window).",
    responses((status = 200, body = Vec<wire::Window>))
)]
pub async fn windows(State(s): State<AppState>, headers: axum::http::HeaderMap) -> ApiResult<Json<Vec<wire::Window>>> {
    let caller = hall_staff(&s, &headers).await;
    let (hall, now_ms) = (s.hall(), store::ms(s.now()));
    let mut w = s.reads().run(move |c| reads::windows(c, &hall, now_ms)).await.map_err(ApiError::Internal)?;
    // A clerk is told the class of the ticket at their own window, not of every window's.
    if let Some(Actor::Staff { role: StaffRole::Clerk, window_id, .. }) = &caller {
        for window in w.iter_mut().filter(|x| window_id.as_deref() != Some(x.id.as_str())) {
            if let Some(serving) = window.serving.as_mut() {
                serving.priority = None;
            }
        }
    }
    if caller.is_none() {
        for window in &mut w {
            let Some(serving) = window.serving.as_mut() else { continue };
            serving.priority = None;
            serving.service_id.clear();
            serving.started_at = None;
            // The windows a matter may go to, or where the ticket was first served, would tell
            // the matter again (matters of one queue have different windows): only this one.
            serving.windows = vec![window.id.clone()];
            serving.first_window_id = None;
            serving.outcome = None;
        }
    }
    Ok(Json(w))
}

/// The caller, when the request comes from the hall's staff who see tickets' details (a live
/// session; a village agent or a leader is none of them). A missing, unknown or expired token
/// is an anonymous caller here, not an error: the read is public.
async fn hall_staff(s: &AppState, headers: &axum::http::HeaderMap) -> Option<Actor> {
    super::extract::bearer(headers)?;
    let actor = super::extract::Caller::from_headers(s, headers).await.ok()?;
    crate::ops::access::sees_ticket_details(&actor).then_some(actor)
}

#[utoipa::path(get, path = "/api/queues", responses((status = 200, body = Vec<wire::Queue>)))]
pub async fn queues(State(s): State<AppState>) -> ApiResult<Json<Vec<wire::Queue>>> {
    Ok(Json(s.read_now(reads::queues).await?))
}

#[utoipa::path(
    get, path = "/api/tickets/{id}",
    params(("id" = i64, Path, description = "ticket id")),
    security(("bearer" = [])),
    responses((status = 200, body = wire::Ticket), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody))
)]
/// Staff only (contract v1.1): ids are sequential, and a ticket carries its priority class and
/// matter. Not a leader's (the hall's figures and inspections: `access::sees_ticket_details`;
/// its matter, 低保 or 残疾人证, tells welfare or health). The class (health, disability,
/// pregnancy) goes to the director and administrators, and to a clerk for a ticket of today
/// that their window serves (its queue, or at the window): not to a clerk walking the ids of
/// other windows and days. Citizens follow their ticket on its token page.
pub async fn ticket(
    State(s): State<AppState>,
    super::extract::Caller(actor): super::extract::Caller,
    PathParam(id): PathParam,
) -> ApiResult<Json<wire::Ticket>> {
    crate::ops::access::allow(&actor, crate::ops::access::Need::Staff)?;
    if !crate::ops::access::sees_ticket_details(&actor) {
        return Err(ApiError::new(
            Code::StaffOnly,
            "a ticket (its matter, its class) is read by the clerks who serve, the director and administrators",
        ));
    }
    let unknown = || ApiError::new(Code::UnknownTicket, format!("no ticket `{id}`"));
    let n: i64 = id.parse().map_err(|_| unknown())?;
    let (hall, calendar, now_ms, today) = (s.hall(), s.calendar(), store::ms(s.now()), s.today());
    let t = s
        .reads()
        .run(move |c| {
            let Some(row) = store::tickets::get(c, n)? else { return Ok(None) };
            let clerk_sees = match &actor {
                Actor::Staff { role: StaffRole::Director | StaffRole::Admin, .. } => true,
                Actor::Staff { role: StaffRole::Clerk, window_id: Some(w), .. } => {
                    row.day == today
                        && (row.window_id.as_deref() == Some(w.as_str())
                            || hall.window_queues(w).iter().any(|(q, _)| q.id == row.queue))
                }
                _ => false,
            };
            let mut t = reads::ticket(c, &hall, &calendar, &row, now_ms)?;
            if !clerk_sees {
                t.priority = None;
            }
            Ok(Some(t))
        })
        .await
        .map_err(ApiError::Internal)?;
    Ok(Json(t.ok_or_else(unknown)?))
}

#[utoipa::path(
    get, path = "/api/t/{token}",
    params(("token" = String, Path, pattern = "^[0-9a-f]{32}$", description = "the ticket's status-page token (from its status_url)"),
        ("X-Complaint-Key" = Option<String>, Header,
         description = "the secret a complaint was made with (`OnlineComplaint.reader_key`): its answer is shown to it alone")),
    responses((status = 200, body = wire::TicketView), (status = 400, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody))
)]
pub async fn ticket_view(
    State(s): State<AppState>,
    PathParam(token): PathParam,
    headers: axum::http::HeaderMap,
) -> ApiResult<Json<wire::TicketView>> {
    if !crate::auth::is_status_token(&token) {
        return Err(ApiError::new(Code::InvalidToken, "a ticket's token is 32 hexadecimal digits"));
    }
    // The page that made a complaint reads its answer with its secret; a key not well formed
    // opens nothing (the ticket is still shown).
    let reader = headers.get(super::complaints::COMPLAINT_KEY_HEADER).and_then(|v| v.to_str().ok());
    let reader = reader.and_then(|k| super::complaints::complaint_reader_key(k).ok());
    let (hall, calendar, now_ms) = (s.hall(), s.calendar(), store::ms(s.now()));
    let view = s
        .reads()
        .run(move |c| match store::tickets::by_status_token(c, &token)? {
            Some(t) => Ok(Some(reads::ticket_view(c, &hall, &calendar, &t, (now_ms, reader.as_deref()))?)),
            None => Ok(None),
        })
        .await
        .map_err(ApiError::Internal)?;
    view.map(Json).ok_or_else(|| ApiError::new(Code::UnknownTicket, "no ticket has this token"))
}

#[utoipa::path(
    get, path = "/api/calls/recent",
    params(("limit" = Option<u32>, Query, description = "how many, 1-100, default 10")),
    responses((status = 200, body = Vec<wire::Call>), (status = 400, body = wire::ErrorBody))
)]
pub async fn recent_calls(
    State(s): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Json<Vec<wire::Call>>> {
    let limit = match q.get("limit") {
        None => 10,
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| ApiError::new(Code::InvalidLimit, "limit must be a whole number from 1 to 100"))?,
    };
    let (hall, day) = (s.hall(), s.today());
    let calls = s.reads().run(move |c| reads::recent_calls(c, &hall, &day, limit)).await.map_err(ApiError::Internal)?;
    Ok(Json(calls))
}

#[utoipa::path(
    get, path = "/api/staff/{username}/photo",
    params(("username" = String, Path, description = "staff username")),
    responses((status = 200, description = "image/jpeg or image/png"), (status = 404, body = wire::ErrorBody))
)]
pub async fn staff_photo(
    State(s): State<AppState>,
    PathParam(username): PathParam,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let none = || ApiError::new(Code::NoPhoto, format!("no photo for `{username}`"));
    let path = s.hall().staff(&username).and_then(|st| st.photo.clone()).ok_or_else(none)?;
    let bytes = tokio::fs::read(&path).await.map_err(|e| {
        tracing::warn!(error = %e, path = %path.display(), "staff photo unreadable");
        none()
    })?;
    // Served only when the file really is a PNG or JPEG (by its first bytes, not its name).
    let kind = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        "image/jpeg"
    } else {
        tracing::warn!(path = %path.display(), "staff photo is not a PNG or JPEG image; not served");
        return Err(none());
    };
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, kind),
            (axum::http::header::CACHE_CONTROL, "max-age=300"),
            (axum::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes,
    )
        .into_response())
}

#[utoipa::path(
    get, path = "/api/windows/{id}/stats",
    params(("id" = String, Path, description = "window id")),
    responses((status = 200, body = wire::WindowStats), (status = 404, body = wire::ErrorBody))
)]
pub async fn window_stats(State(s): State<AppState>, PathParam(id): PathParam) -> ApiResult<Json<wire::WindowStats>> {
    if s.hall().window(&id).is_none() {
        return Err(ApiError::new(Code::UnknownWindow, format!("no window `{id}` in this hall")));
    }
    let day = s.today();
    let (finished_today, no_show_today) = s
        .reads()
        .run(move |c| Ok(store::tickets::window_day_counts(c, &day, &id)?))
        .await
        .map_err(ApiError::Internal)?;
    Ok(Json(wire::WindowStats { finished_today, no_show_today }))
}
