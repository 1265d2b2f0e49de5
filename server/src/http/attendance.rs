//! Attendance (R15): the director's marks of every clerk over a range, a clerk's own, and the
//! two writes (explain, acknowledge). Marks are computed on read from the sign-ins, the day's
//! sessions and the hall's hours on the statutory calendar.

use axum::extract::State;
use axum::Json;
use chrono::NaiveDate;
use hall_wire as wire;
use serde::Deserialize;

use super::extract::{json, Body, Caller, Query, RetryKey};
use super::{submit, AppState};
use crate::error::{ApiError, ApiResult, Code};
use crate::ops::access::{self, Need};
use crate::ops::{Actor, Answer, Op};
use crate::store::{self, attendance};

/// Query of the attendance lists.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct RangeQuery {
    /// First day, `YYYY-MM-DD` (default: the first of last month: a mark of a month's last day
    /// is known the next morning, and is still to be explained and acknowledged).
    from: Option<String>,
    /// Last day, inclusive (default: today; at most 92 days after `from`).
    to: Option<String>,
}

fn date(v: &str) -> ApiResult<NaiveDate> {
    NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| ApiError::new(Code::InvalidDate, "dates are YYYY-MM-DD"))
}

fn range(s: &AppState, q: &RangeQuery) -> ApiResult<(NaiveDate, NaiveDate)> {
    use chrono::Datelike;
    let today = crate::domain::numbering::local_day(s.now(), s.hall().timezone);
    let last_month = (today.with_day(1).unwrap_or(today) - chrono::Duration::days(1)).with_day(1);
    let from = q.from.as_deref().map(date).transpose()?.unwrap_or_else(|| last_month.unwrap_or(today));
    let to = q.to.as_deref().map(date).transpose()?.unwrap_or(today);
    if from > to || (to - from).num_days() > 92 {
        return Err(ApiError::new(Code::InvalidDate, "from is on or before to, at most 92 days apart"));
    }
    Ok((from, to))
}

/// The marks over the range of one account (`own`) or of every clerk the range has, with
/// explanations, as the pages show them.
async fn days(
    s: &AppState,
    own: Option<String>,
    (from, to): (NaiveDate, NaiveDate),
) -> ApiResult<Vec<wire::AttendanceDay>> {
    let (hall, calendar, now, demo) = (s.hall(), s.calendar(), s.now(), s.demo());
    s.reads()
        .run_long(move |c| {
            let clerks = match own {
                Some(username) => vec![username],
                None => attendance::clerks_between(c, &hall, demo, (from, to))?,
            };
            let names = attendance::StaffNames::read(c)?;
            let marked = attendance::day_marks(c, &hall, &calendar, &clerks, (from, to), now)?;
            let notes = attendance::notes(c, &from.to_string(), &to.to_string())?;
            let fmt = |ms: i64| store::reads::fmt_time(&hall, ms);
            Ok(marked
                .into_iter()
                .map(|d| {
                    let day = d.day.to_string();
                    let marks = d
                        .marks
                        .iter()
                        .map(|m| {
                            let note = notes
                                .iter()
                                .find(|n| n.day == day && n.username == d.username && n.kind == m.kind.as_str());
                            wire::AttendanceMark {
                                kind: m.kind.into(),
                                minutes: m.minutes,
                                explanation: note.map(|n| n.explanation.clone()),
                                explained_at: note.map(|n| fmt(n.explained_at)),
                                acknowledged_by: note.and_then(|n| n.acknowledged_by.clone()),
                                acknowledged_at: note.and_then(|n| n.acknowledged_at).map(fmt),
                            }
                        })
                        .collect();
                    wire::AttendanceDay {
                        name: names.of(&hall, &d.username),
                        day,
                        username: d.username,
                        signed_in_at: d.first_in.map(fmt),
                        signed_out_at: d.last_out.map(fmt),
                        marks,
                        leave: d.leave.map(Into::into),
                    }
                })
                .collect::<Vec<_>>())
        })
        .await
        .map_err(ApiError::Internal)
}

#[utoipa::path(
    get, path = "/api/attendance", params(RangeQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<wire::AttendanceDay>), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// Every clerk's late arrivals, early leaves and absences over a range (the director's). A list
/// carrying explanations is answered once its read is in the audit trail.
pub async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<RangeQuery>,
) -> ApiResult<Json<Vec<wire::AttendanceDay>>> {
    access::allow(&actor, Need::Director)?;
    let (from, to) = range(&s, &q)?;
    let list = days(&s, None, (from, to)).await?;
    let explanations = list.iter().flat_map(|d| &d.marks).filter(|m| m.explanation.is_some()).count() as u32;
    if explanations > 0 {
        s.writer().submit(actor, Op::ReadExplanations { from, to, explanations }, None).await?;
    }
    Ok(Json(list))
}

#[utoipa::path(
    get, path = "/api/attendance/mine", params(RangeQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<wire::AttendanceDay>), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// The caller's own marks over a range, to explain.
pub async fn mine(
    State(s): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<RangeQuery>,
) -> ApiResult<Json<Vec<wire::AttendanceDay>>> {
    access::allow(&actor, Need::Staff)?;
    let Actor::Staff { username, .. } = actor else { unreachable!("checked: staff") };
    let range = range(&s, &q)?;
    Ok(Json(days(&s, Some(username), range).await?))
}

#[utoipa::path(
    post, path = "/api/attendance/explain", request_body = wire::ExplainAttendance, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 204), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// A clerk explains their own late arrival, early leave or absence (once; audited).
pub async fn explain(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let r: wire::ExplainAttendance = json(&body)?;
    let op = Op::ExplainAttendance { day: date(&r.day)?, kind: r.kind.into(), explanation: r.explanation };
    submit(&s, actor, op, key, &body).await
}

#[utoipa::path(
    post, path = "/api/attendance/acknowledge", request_body = wire::AcknowledgeAttendance, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 204), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// The director acknowledges an explained mark (audited).
pub async fn acknowledge(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let r: wire::AcknowledgeAttendance = json(&body)?;
    let op = Op::AcknowledgeAttendance { day: date(&r.day)?, username: r.username, kind: r.kind.into() };
    submit(&s, actor, op, key, &body).await
}
