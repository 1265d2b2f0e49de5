//! Complaints (投诉, R21): the director's list, reads (audited, through the writer) and steps,
//! the citizen's online complaint from the ticket's phone page (rate-limited per ticket and per
//! address), and a staff member's own findings (no complainant).

use std::num::NonZeroU32;

use axum::extract::State;
use axum::Json;
use chrono::NaiveDate;
use hall_wire as wire;
use serde::Deserialize;

use super::conn::PeerAddr;
use super::extract::{json, Body, Caller, PathParam, Query, RetryKey};
use super::{submit, AppState};
use crate::domain::complaint::State as ComplaintState;
use crate::error::{ApiError, ApiResult, Code};
use crate::ops::access::{self, Need};
use crate::ops::complaints::{ComplaintOp, Input};
use crate::ops::{Actor, Answer, Op};
use crate::store::complaints as store;

/// Online complaints a ticket may send per hour, and an address (the phones on a hall's Wi-Fi
/// share one address behind its router: the address's limit is higher).
pub const PER_TICKET_PER_HOUR: u32 = 3;
pub const PER_ADDRESS_PER_HOUR: u32 = 30;

/// The online complaints' limits.
pub fn online_limits() -> crate::auth::CitizenPosts {
    let per_hour = |n: u32| governor::Quota::per_hour(NonZeroU32::new(n).expect("a positive limit"));
    crate::auth::CitizenPosts::new(per_hour(PER_TICKET_PER_HOUR), per_hour(PER_ADDRESS_PER_HOUR))
}

fn today(s: &AppState) -> NaiveDate {
    crate::domain::numbering::local_day(s.now(), s.hall().timezone)
}

fn complaint_id(id: &str) -> ApiResult<i64> {
    id.parse::<i64>().map_err(|_| ApiError::new(Code::UnknownComplaint, format!("no complaint `{id}`")))
}

/// Query of `GET /api/complaints`.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// `received`, `investigating`, `answered` or `closed`; default: all.
    state: Option<String>,
    /// `true`: only the late ones (overdue now, or answered after their due date).
    overdue: Option<bool>,
    /// At most this many, newest first (default 200, at most 1000).
    limit: Option<u32>,
}

#[utoipa::path(
    get, path = "/api/complaints", params(ListQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "newest first; no complainant identity", body = Vec<wire::ComplaintLine>),
        (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody)
    )
)]
/// The complaints (director and administrators only).
pub async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Vec<wire::ComplaintLine>>> {
    access::allow(&actor, Need::Director)?;
    let state = match q.state.as_deref() {
        None => None,
        Some(x) => Some(ComplaintState::parse(x).ok_or_else(|| {
            ApiError::new(Code::InvalidBody, "unknown state; use received, investigating, answered or closed")
        })?),
    };
    let limit = q.limit.unwrap_or(200);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::new(Code::InvalidLimit, "limit is 1 to 1000"));
    }
    let day = today(&s);
    let filter = store::Filter { state, late_on: q.overdue.unwrap_or(false).then_some(day), limit };
    let lines = s
        .reads()
        .run(move |c| Ok(store::list(c, &filter)?.iter().map(|r| store::line(r, day)).collect::<Vec<_>>()))
        .await
        .map_err(ApiError::Internal)?;
    Ok(Json(lines))
}

#[utoipa::path(
    post, path = "/api/complaints", request_body = wire::NewComplaint, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 201, body = wire::Complaint), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// The director registers an oral, phone or written complaint (R21).
pub async fn register(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let req: wire::NewComplaint = json(&body)?;
    submit(&s, actor, Op::NewComplaint { input: Box::new(Input::from(req)) }, key, &body).await
}

#[utoipa::path(
    get, path = "/api/complaints/{id}", security(("bearer" = [])),
    params(("id" = i64, Path, description = "the complaint's id")),
    responses((status = 200, description = "with the complainant's identity; the read is audited", body = wire::Complaint),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody))
)]
/// One complaint (director and administrators only; every read audited).
pub async fn get(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(id): PathParam,
    key: RetryKey,
) -> ApiResult<Answer> {
    access::allow(&actor, Need::Director)?;
    let id = complaint_id(&id)?;
    submit(&s, actor, Op::ReadComplaint { id }, key.forget(), b"").await
}

macro_rules! complaint_action {
    ($name:ident, $path:literal, $body:ty, $doc:literal, |$req:ident| $make:expr) => {
        #[doc = $doc]
        #[utoipa::path(
            post, path = $path, request_body = $body, security(("bearer" = [])),
            params(("id" = i64, Path, description = "the complaint's id"),
                   ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
            responses((status = 200, body = wire::Complaint), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
                (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody),
                (status = 422, body = wire::ErrorBody))
        )]
        pub async fn $name(
            State(s): State<AppState>,
            Caller(actor): Caller,
            PathParam(id): PathParam,
            key: RetryKey,
            Body(body): Body,
        ) -> ApiResult<Answer> {
            let $req: $body = json(&body)?;
            let action = $make;
            submit(&s, actor, Op::Complaint { id: complaint_id(&id)?, action }, key, &body).await
        }
    };
}

complaint_action!(
    investigate,
    "/api/complaints/{id}/investigate",
    wire::InvestigateComplaint,
    "The investigation starts; marking the complexity counts the due date again from the day received.",
    |r| ComplaintOp::Investigate { complexity: r.complexity.map(Into::into), note: r.note }
);
complaint_action!(
    answer,
    "/api/complaints/{id}/answer",
    wire::AnswerComplaint,
    "The finding and the answer; past the due date the late explanation is required.",
    |r| ComplaintOp::Answer {
        finding: r.finding.into(),
        answer: r.answer,
        late_explanation: r.late_explanation,
        to_staff: r.to_staff,
        responsible: r.staff,
    }
);
complaint_action!(close, "/api/complaints/{id}/close", wire::CloseComplaint, "An answered complaint is closed.", |r| {
    ComplaintOp::Close { note: r.note }
});

#[utoipa::path(
    post, path = "/api/t/{token}/complaint", request_body = wire::OnlineComplaint,
    params(("token" = String, Path, pattern = "^[0-9a-f]{32}$", description = "the ticket's phone-page token"),
           ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 201, description = "the complaint's number and due date only", body = wire::ComplaintReceipt),
        (status = 400, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody),
        (status = 429, body = wire::ErrorBody))
)]
/// A citizen's complaint from the ticket's phone page (about its window, or the hall).
pub async fn online(
    State(s): State<AppState>,
    PeerAddr(peer): PeerAddr,
    PathParam(token): PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    if !crate::auth::is_status_token(&token) {
        return Err(ApiError::new(Code::InvalidToken, "a ticket's token is 32 hexadecimal digits"));
    }
    let req: wire::OnlineComplaint = json(&body)?;
    let window_number = req.window_number;
    let reader_key_hash = req.reader_key.as_deref().map(complaint_reader_key).transpose()?;
    let input = Input::from(req);
    let actor = Actor::Citizen { via: "citizen".into() };
    // Counted are complaints that may be made: a page's retry of one already made gets its
    // first answer (its number), and a token no ticket has is refused before it is counted, so
    // that posts with made-up tokens cannot use up the allowance of the hall's shared address.
    if !super::is_retry(&s, &actor, &key).await? {
        let t = token.clone();
        let known = s
            .reads()
            .run(move |c| Ok(crate::store::tickets::by_status_token(c, &t)?.is_some()))
            .await
            .map_err(ApiError::Internal)?;
        if !known {
            return Err(ApiError::new(Code::UnknownTicket, "no ticket has this token"));
        }
        // Nor is a complaint the rules refuse (no words, a phone mistyped): corrected, it is sent again.
        crate::ops::complaints::check_online(&input)?;
        if let Err(wait) = s.online_complaints().check(&token, peer) {
            return Err(ApiError::too_many(
                Code::TooManyComplaints,
                "too many complaints from this ticket or this address; please wait or come to the director's office",
                wait,
            ));
        }
    }
    let op = Op::OnlineComplaint { token, input: Box::new(input), window_number, reader_key_hash };
    submit(&s, actor, op, key, &body).await
}

#[utoipa::path(
    get, path = "/api/findings/mine", security(("bearer" = [])),
    responses((status = 200, description = "answered complaints about the signed-in staff member: no complainant, no channel",
        body = Vec<wire::MyFinding>), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody))
)]
/// A staff member's own findings.
pub async fn mine(State(s): State<AppState>, Caller(actor): Caller) -> ApiResult<Json<Vec<wire::MyFinding>>> {
    access::allow(&actor, Need::Staff)?;
    let Actor::Staff { username, .. } = actor else {
        return Err(ApiError::new(Code::StaffOnly, "only hall staff do this"));
    };
    let found =
        s.reads().run(move |c| Ok(crate::ops::complaints::mine(c, &username)?)).await.map_err(ApiError::Internal)?;
    Ok(Json(found))
}

/// The header a ticket's page sends its complaint secret in (see `wire::OnlineComplaint`).
pub const COMPLAINT_KEY_HEADER: &str = "x-complaint-key";

/// A complaint page's secret, checked (16–128 letters, digits, `-`, `_`), as its SHA-256 (hex):
/// only the hash is kept or compared.
pub fn complaint_reader_key(key: &str) -> ApiResult<String> {
    use sha2::Digest;
    let ok =
        (16..=128).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok {
        return Err(ApiError::new(
            Code::InvalidComplaint,
            "a complaint's reader key is 16 to 128 letters, digits, `-` or `_`",
        ));
    }
    Ok(hex::encode(sha2::Sha256::digest(key.as_bytes())))
}
