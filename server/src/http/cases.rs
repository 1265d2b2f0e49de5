//! Cases (办件): the lists and actions of staff, the applicant's progress query (R4), the case's
//! phone page data and its QR code.

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use hall_wire as wire;
use serde::Deserialize;

use super::conn::PeerAddr;
use super::extract::{json, Body, Caller, PathParam, Query, RetryKey};
use super::{submit, AppState};
use crate::auth::QueryFrom;
use crate::domain::case::{self, CaseState};
use crate::error::{ApiError, ApiResult, Code};
use crate::ops::access::{self, Need};
use crate::ops::cases::CaseOp;
use crate::ops::{Answer, Op};
use crate::store::{self, case_views, cases};

/// Query of `GET /api/cases`.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// `open`, `awaiting_materials`, `closed` or `all`; default: every case not closed.
    state: Option<String>,
    /// `soon` (due within one working day, overdue included) or `overdue`.
    due: Option<String>,
    /// Cases at this window or that it is first-inquiry responsible for (R2).
    window: Option<String>,
    /// At most this many (default 200, at most 1000).
    limit: Option<u32>,
}

fn today(s: &AppState) -> NaiveDate {
    crate::domain::numbering::local_day(s.now(), s.hall().timezone)
}

#[utoipa::path(
    get, path = "/api/cases", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<wire::CaseLine>), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
pub async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Vec<wire::CaseLine>>> {
    access::allow(&actor, Need::Staff)?;
    let bad = |what: &str| ApiError::new(Code::InvalidBody, format!("unknown {what}"));
    let (state, all) = match q.state.as_deref() {
        None => (None, false),
        Some("all") => (None, true),
        Some(x) => {
            (Some(CaseState::parse(x).ok_or_else(|| bad("state; use open, awaiting_materials, closed or all"))?), false)
        }
    };
    let limit = q.limit.unwrap_or(200);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::new(Code::InvalidLimit, "limit is 1 to 1000"));
    }
    let (calendar, day) = (s.calendar(), today(&s));
    // A window's list also has the joint cases its department takes part in (R13): their parts
    // name the department by id or by name.
    let hall = s.hall();
    let department = match q.window.as_deref().and_then(|w| hall.window(w)) {
        Some(w) => {
            let name = hall.departments.iter().find(|d| d.id == w.department).map(|d| d.name.clone());
            std::iter::once(w.department.clone()).chain(name).collect()
        }
        None => Vec::new(),
    };
    let mut filter = cases::Filter { state, all, window: q.window, department, limit, ..Default::default() };
    match q.due.as_deref() {
        None => {}
        Some("overdue") => filter.due_before = Some(day),
        Some("soon") => filter.due_by = Some(case::soon_until(day, &calendar)),
        Some(_) => return Err(bad("due; use soon or overdue")),
    }
    let lines = s
        .reads()
        .run(move |c| {
            let rows = cases::list(c, &filter)?;
            Ok(rows.iter().map(|r| case_views::line(&hall, &calendar, r, day)).collect::<Vec<_>>())
        })
        .await
        .map_err(ApiError::Internal)?;
    Ok(Json(lines))
}

/// Query of `GET /api/cases/{number}`.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct CaseQuery {
    /// The check code on the applicant's paper: the public progress query, without a token.
    code: Option<String>,
}

#[utoipa::path(
    get, path = "/api/cases/{number}", params(("number" = String, Path, description = "case number, YYYYMMDD-NNNN"), CaseQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "with `code`: the applicant's `CaseProgress` (no staff names, no personal information); \
            with a staff token: the whole `Case` (the read is audited)", body = wire::Case),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, description = "unknown number or wrong code: the same answer", body = wire::ErrorBody),
        (status = 429, body = wire::ErrorBody)
    )
)]
pub async fn get(
    State(s): State<AppState>,
    PeerAddr(peer): PeerAddr,
    PathParam(number): PathParam,
    Query(q): Query<CaseQuery>,
    headers: HeaderMap,
    key: RetryKey,
) -> ApiResult<Response> {
    if let Some(code) = q.code {
        // A kiosk asks for the citizens in front of it, counted apart from its address.
        let from = match super::extract::bearer(&headers).map(crate::auth::token_hash) {
            Some(hash) => s.hall().kiosk_by_token_hash(&hash).map(|k| QueryFrom::Kiosk(k.id.clone())),
            None => None,
        };
        let from = from.unwrap_or(QueryFrom::Address(peer.unwrap_or(std::net::Ipv4Addr::UNSPECIFIED.into())));
        if let Err(wait) = s.case_queries().check(from) {
            return Err(ApiError::too_many(
                Code::TooManyAttempts,
                "too many case queries from here; wait a moment",
                wait,
            ));
        }
        return Ok(Json(progress_by_code(&s, number, code).await?).into_response());
    }
    if super::extract::bearer(&headers).is_none() {
        return Err(ApiError::new(
            Code::Unauthorized,
            "staff send `Authorization: Bearer <token>`; citizens add ?code=",
        ));
    }
    let actor = Caller::from_headers(&s, &headers).await?;
    Ok(submit(&s, actor, Op::ReadCase { number }, key.forget(), b"").await?.into_response())
}

async fn progress_by_code(s: &AppState, number: String, code: String) -> ApiResult<wire::CaseProgress> {
    let (hall, calendar, day) = (s.hall(), s.calendar(), today(s));
    let code = code.trim().to_ascii_uppercase();
    s.reads()
        .run(move |c| {
            let Some(row) = cases::by_number(c, number.trim())?.filter(|r| r.check_code == code) else {
                return Ok(None);
            };
            Ok(Some(case_views::progress(c, &hall, &calendar, &row, day)?))
        })
        .await
        .map_err(ApiError::Internal)?
        .ok_or_else(|| ApiError::new(Code::UnknownCase, "no case with this number and check code"))
}

/// The case's phone page data by its token (the QR code on every notice).
pub(super) async fn progress_by_token(s: &AppState, token: String) -> ApiResult<Option<wire::CaseProgress>> {
    let (hall, calendar, day) = (s.hall(), s.calendar(), today(s));
    s.reads()
        .run(move |c| match cases::by_token(c, &token)? {
            Some(row) => Ok(Some(case_views::progress(c, &hall, &calendar, &row, day)?)),
            None => Ok(None),
        })
        .await
        .map_err(ApiError::Internal)
}

fn check_token(token: &str) -> ApiResult<()> {
    if crate::auth::is_status_token(token) {
        Ok(())
    } else {
        Err(ApiError::new(Code::InvalidToken, "a case's token is 32 hexadecimal digits"))
    }
}

#[utoipa::path(
    get, path = "/api/c/{token}",
    params(("token" = String, Path, pattern = "^[0-9a-f]{32}$", description = "the case's phone-page token")),
    responses((status = 200, body = wire::CaseProgress), (status = 400, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody))
)]
pub async fn by_token(State(s): State<AppState>, PathParam(token): PathParam) -> ApiResult<Json<wire::CaseProgress>> {
    check_token(&token)?;
    progress_by_token(&s, token)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::new(Code::UnknownCase, "no case has this token"))
}

/// `GET /c/{token}/qr.svg`: the QR code of the case's phone page, for the notices.
pub async fn qr(State(s): State<AppState>, PathParam(token): PathParam, headers: HeaderMap) -> ApiResult<Response> {
    check_token(&token)?;
    if progress_by_token(&s, token.clone()).await?.is_none() {
        return Err(ApiError::new(Code::UnknownCase, "no case has this token"));
    }
    let svg = super::pages::qr_svg(&s, &headers, &format!("/c/{token}"), 160)?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "private, max-age=3600")], svg)
        .into_response())
}

/// Bodies of the case actions.
async fn act(
    s: &AppState,
    actor: crate::ops::Actor,
    number: String,
    action: CaseOp,
    key: RetryKey,
    body: &[u8],
) -> ApiResult<Answer> {
    submit(s, actor, Op::Case { number, action }, key, body).await
}

macro_rules! case_action {
    ($name:ident, $path:literal, $body:ty, $doc:literal, |$req:ident| $make:expr) => {
        #[doc = $doc]
        #[utoipa::path(
            post, path = $path, request_body = $body, security(("bearer" = [])),
            params(("number" = String, Path, description = "case number"),
                   ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
            responses((status = 200, body = wire::Case), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
                (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody),
                (status = 422, body = wire::ErrorBody))
        )]
        pub async fn $name(
            State(s): State<AppState>,
            Caller(actor): Caller,
            PathParam(number): PathParam,
            key: RetryKey,
            Body(body): Body,
        ) -> ApiResult<Answer> {
            let $req: $body = json(&body)?;
            let action = $make;
            act(&s, actor, number, action, key, &body).await
        }
    };
}

case_action!(
    assign,
    "/api/cases/{number}/assign",
    wire::AssignCase,
    "The director gives a case not closed to another window (its own removed from the hall, its clerk away): that window handles it from now on; the first-inquiry window stays, unless it was the one removed.",
    |r| CaseOp::Assign { window_id: r.window_id }
);
case_action!(
    extend,
    "/api/cases/{number}/extend",
    wire::ExtendCase,
    "The director extends the deadline once (R12), by at most the hall's cap.",
    |r| CaseOp::Extend { days: r.days, reason: r.reason }
);
case_action!(
    close,
    "/api/cases/{number}/close",
    wire::CloseCase,
    "A 承诺件, 联办件 or 上报件 is closed with its result.",
    |r| CaseOp::Close { result: r.result.into(), reason: r.reason }
);
case_action!(
    record_part,
    "/api/cases/{number}/parts",
    wire::RecordPart,
    "A department records its part of a 联办件 (R13).",
    |r| CaseOp::RecordPart { department: r.department, done: r.done, note: r.note }
);
case_action!(
    record_meeting,
    "/api/cases/{number}/meeting",
    wire::JointMeeting,
    "The director records a 联办件's joint review meeting (R13).",
    |r| CaseOp::Meeting {
        date: NaiveDate::parse_from_str(&r.date, "%Y-%m-%d")
            .map_err(|_| ApiError::new(Code::InvalidDate, "the meeting's date is YYYY-MM-DD"))?,
        attendees: r.attendees,
        conclusion: r.conclusion,
    }
);
case_action!(
    progress,
    "/api/cases/{number}/progress",
    wire::ReportProgress,
    "A 上报件's progress, or the upper level's reply (R14).",
    |r| CaseOp::Progress {
        note: r.note,
        reply: r.reply,
        deadline: r
            .deadline
            .map(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d"))
            .transpose()
            .map_err(|_| ApiError::new(Code::InvalidDate, "the upper level's date is YYYY-MM-DD"))?,
    }
);

#[utoipa::path(
    post, path = "/api/cases/{number}/materials-complete", security(("bearer" = [])),
    params(("number" = String, Path, description = "case number"),
           ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 200, body = wire::Case), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// A 补办件's materials are all in: its clock starts today (R11).
pub async fn materials_complete(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(number): PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    act(&s, actor, number, CaseOp::MaterialsComplete, key, &body).await
}

#[utoipa::path(
    post, path = "/api/cases/{number}/archive", security(("bearer" = [])),
    params(("number" = String, Path, description = "case number"),
           ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 200, body = wire::Case), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody),
        (status = 409, description = "`case_not_closed`: the case still runs; `case_archived`: archived already", body = wire::ErrorBody))
)]
/// A closed case's file put in the archive (归档, R17), by the case's window's clerk or the
/// director; once. The month's assessment counts it against its date (`archive_days` working
/// days after the close).
pub async fn archive(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(number): PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    submit(&s, actor, Op::ArchiveCase { number }, key, &body).await
}

#[utoipa::path(
    post, path = "/api/cases/{number}/objection", request_body = wire::CaseObjection, security(("bearer" = [])),
    params(("number" = String, Path, description = "case number"),
           ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 200, body = wire::Case), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody),
        (status = 422, description = "`objection_required`: the objection or the answer is empty; `text_too_long`", body = wire::ErrorBody))
)]
/// The applicant's objection (异议) to how a case is handled or to its result, and the answer the
/// window gave them (R4), kept in its history (R5): by the case's window's clerk or the director,
/// on a running or a closed case.
pub async fn objection(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(number): PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let r: wire::CaseObjection = json(&body)?;
    submit(&s, actor, Op::AnswerObjection { number, objection: r.objection, answer: r.answer }, key, &body).await
}

/// Each window's files not archived yet, in the hall's window order: its oldest
/// [`FILES_COUNTED`] counted, so the panel costs the same whatever a hall's backlog (past the
/// count, `more`: those left uncounted are newer, and may be past their date too if the hall
/// lowered its limit since).
fn files_by_window(
    conn: &rusqlite::Connection,
    hall: &crate::hall::Hall,
    calendar: &crate::domain::calendar::Calendar,
    today: NaiveDate,
) -> rusqlite::Result<Vec<wire::FilesOut>> {
    let mut list = Vec::new();
    for w in &hall.windows {
        let mut files = cases::files_out(conn, &w.id, FILES_COUNTED + 1)?;
        let more = files.len() > FILES_COUNTED as usize;
        files.truncate(FILES_COUNTED as usize);
        let past = |(closed_at, days): &&(i64, Option<u32>)| {
            let on = crate::store::local_day(*closed_at, hall.timezone);
            days.is_some_and(|days| crate::domain::archive::overdue(on, days, today, calendar))
        };
        let overdue = files.iter().filter(past).count() as u32;
        if !files.is_empty() {
            list.push(wire::FilesOut { window_id: w.id.clone(), out: files.len() as u32, overdue, more });
        }
    }
    Ok(list)
}

/// A window's files out counted at most on the director's panel.
const FILES_COUNTED: u32 = 100;

/// The open and overdue gauges of `/metrics`, and the director's panel.
pub async fn overview(s: &AppState) -> ApiResult<wire::CasesOverview> {
    let (hall, calendar, day) = (s.hall(), s.calendar(), today(s));
    let soon = case::soon_until(day, &calendar);
    let today_ms = crate::store::local_day_ms(day, hall.timezone);
    s.reads()
        .run(move |c| {
            let counts = cases::running_counts(c)?;
            let (overdue, due_soon) = cases::due_counts(c, day, soon)?;
            let list = cases::list(c, &cases::Filter { due_before: Some(day), limit: 200, ..Default::default() })?;
            let files = files_by_window(c, &hall, &calendar, day)?;
            Ok(wire::CasesOverview {
                open: counts.iter().map(|(_, _, n)| n).sum(),
                counts: counts
                    .into_iter()
                    .map(|(kind, state, count)| wire::CaseCount { kind: kind.into(), state: state.into(), count })
                    .collect(),
                due_soon,
                overdue,
                overdue_list: list.iter().map(|r| case_views::line(&hall, &calendar, r, day)).collect(),
                registered_today: store::cases::registered_between(c, today_ms)?,
                files_out: files.iter().map(|f| f.out).sum(),
                files_overdue: files.iter().map(|f| f.overdue).sum(),
                files_by_window: files,
            })
        })
        .await
        .map_err(ApiError::Internal)
}
