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
    let (hall, calendar, demo) = (s.hall(), s.calendar(), s.demo());
    let today = crate::domain::numbering::local_day(now, hall.timezone);
    let marks = s
        .reads()
        .run(move |c| {
            let clerks = store::attendance::clerks_between(c, &hall, demo, (today, today))?;
            Ok(store::attendance::day_marks(c, &hall, &calendar, &clerks, (today, today), now)?)
        })
        .await
        .map_err(ApiError::Internal)?;
    mark_late(&mut view, &marks);
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

/// 迟到 as attendance counts it (R15, R16): a clerk's first sign-in past the day's start on the
/// statutory calendar plus the grace, in whole minutes, the start moved by a morning's leave;
/// nobody on a day off, a full day's leave or before joining; never the director, leaders or
/// administrators (attendance is the clerks'; one made a leader today after signing in at a
/// window was a clerk today).
fn mark_late(view: &mut wire::DirectorToday, marks: &[store::attendance::DayMarks]) {
    use crate::domain::attendance::MarkKind;
    for p in &mut view.staff {
        p.late =
            marks.iter().filter(|m| m.username == p.username).any(|m| m.marks.iter().any(|k| k.kind == MarkKind::Late));
    }
}
