//! The director's view of the hall: `GET /api/director/today`.

use axum::extract::State;
use axum::Json;
use hall_wire as wire;

use super::extract::Caller;
use super::AppState;
use crate::error::{ApiError, ApiResult};
use crate::ops::access::{self, Need};
use crate::store;

#[utoipa::path(
    get, path = "/api/director/today", security(("bearer" = [])),
    responses((status = 200, body = wire::DirectorToday), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody))
)]
pub async fn today(State(s): State<AppState>, Caller(actor): Caller) -> ApiResult<Json<wire::DirectorToday>> {
    access::allow(&actor, Need::Director)?;
    let (hall, now, day) = (s.hall(), s.now(), s.today());
    let now_ms = store::ms(now);
    let audit_anchor =
        s.last_anchor().await.map(|a| wire::AuditAnchor { at: a.at, row: a.id, head: a.hash, mac: a.mac });
    let mut view = s
        .reads()
        .run(move |c| store::today::director_today(c, &hall, &day, now_ms, audit_anchor))
        .await
        .map_err(ApiError::Internal)?;
    let (hall, calendar) = (s.hall(), s.calendar());
    let (on_leave, alarms) =
        s.reads().run(move |c| Ok(store::leave::today(c, &hall, &calendar, now)?)).await.map_err(ApiError::Internal)?;
    (view.on_leave, view.leave_alarms) = (on_leave, alarms);
    not_late_on_leave(&mut view, &s.hall(), &s.calendar());
    view.cases = Some(super::cases::overview(&s).await?);
    view.feedback = Some(super::ratings::overview(&s).await?);
    let local = crate::domain::numbering::local_day(now, s.hall().timezone);
    view.calendar_missing_year = crate::domain::calendar::next_year_missing(&s.calendar(), local);
    view.last_backup = s.last_backup().map(|(at, file)| {
        let age_hours = ((now_ms - at) as f64 / 3_600_000.0).max(0.0);
        wire::LastBackup {
            at: store::reads::fmt_time(&s.hall(), at),
            age_hours: (age_hours * 10.0).round() / 10.0,
            stale: age_hours > 48.0,
            file,
        }
    });
    Ok(Json(view))
}

#[utoipa::path(
    post, path = "/api/director/issuing", request_body = wire::ReopenIssuing, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 200, body = wire::Issuing), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody))
)]
pub async fn reopen_issuing(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: super::extract::RetryKey,
    super::extract::Body(body): super::extract::Body,
) -> ApiResult<crate::ops::Answer> {
    let req: wire::ReopenIssuing = super::extract::json(&body)?;
    let op = crate::ops::Op::ReopenIssuing { reopen: req.reopen };
    super::submit(&s, actor, op, key, &body).await
}

/// A clerk on leave today is not late (R16): a full day has no start; a morning off is due at
/// the afternoon period (and its grace); an afternoon off keeps the day's start.
fn not_late_on_leave(
    view: &mut wire::DirectorToday,
    hall: &crate::hall::Hall,
    calendar: &crate::domain::calendar::Calendar,
) {
    use crate::domain::{attendance, leave::Cover};
    let Ok(day) = chrono::NaiveDate::parse_from_str(&view.day, "%Y-%m-%d") else { return };
    let periods = attendance::working_periods(day, &hall.hours, calendar).ok().flatten().unwrap_or_default();
    let grace = chrono::Duration::minutes(i64::from(hall.policy.late_grace_minutes));
    for p in &mut view.staff {
        let Some(l) = view.on_leave.iter().find(|l| l.username == p.username) else { continue };
        match l.part.as_str() {
            "full" => p.late = false,
            "morning" => {
                let due = attendance::due_hours(&periods, Some(Cover::Morning)).map(|(start, _)| start + grace);
                let at = chrono::DateTime::parse_from_rfc3339(&p.signed_in_at).map(|t| t.time());
                p.late = matches!((due, at), (Some(due), Ok(at)) if at > due);
            }
            _ => {}
        }
    }
}
