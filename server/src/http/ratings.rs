//! 好差评: the citizen's rating from the phone pages and the window's evaluator, the evaluator's
//! screen data, the director's follow-ups and satisfaction figures, a clerk's own figure.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use chrono::{Datelike, NaiveDate};
use hall_wire as wire;
use serde::Deserialize;

use super::conn::PeerAddr;
use super::extract::{json, Body, Caller, PathParam, Query, RetryKey};
use super::{submit, AppState};
use crate::domain::rating::{self, FollowUpAction};
use crate::error::{ApiError, ApiResult, Code};
use crate::ops::access::{self, Need};
use crate::ops::ratings::{RateTarget, RatingInput};
use crate::ops::{Actor, Answer, Op};
use crate::store::{self, ratings};

/// Ratings from phones: 10 attempts a minute per ticket, 60 per address.
pub fn posts_limits() -> crate::auth::CitizenPosts {
    let per_minute = |n: u32| governor::Quota::per_minute(std::num::NonZeroU32::new(n).expect("a positive limit"));
    crate::auth::CitizenPosts::new(per_minute(10), per_minute(60))
}

fn input(r: wire::RateService) -> RatingInput {
    RatingInput { level: r.level.into(), reason: r.reason.map(Into::into), text: r.text, phone: r.phone }
}

fn today(s: &AppState) -> NaiveDate {
    crate::domain::numbering::local_day(s.now(), s.hall().timezone)
}

/// A phone page's rating: the token is the citizen's proof; limited per ticket and per address.
async fn rate_by_phone(
    s: &AppState,
    peer: PeerAddr,
    headers: &HeaderMap,
    target: RateTarget,
    token: &str,
    (key, body): (RetryKey, &axum::body::Bytes),
) -> ApiResult<Answer> {
    // The citizen's own page sends no credential: a staff member's or a device's is refused,
    // whatever it is (the clerk who served may not rate their own service).
    if super::extract::bearer(headers).is_some() {
        return Err(ApiError::new(
            Code::StaffCannotRate,
            "a rating comes from the citizen's own page, without a sign-in",
        ));
    }
    if !crate::auth::is_status_token(token) {
        return Err(ApiError::new(Code::InvalidToken, "a token is 32 hexadecimal digits"));
    }
    let via = match &target {
        RateTarget::CaseToken(_) => "case page",
        _ => "ticket page",
    };
    let actor = Actor::Citizen { via: via.into() };
    // A retry (its `Idempotency-Key` again, after an answer lost on the way) gets its first
    // answer whatever the limit says; a second rating is refused (409), whatever the channel.
    // A token no ticket or case has is refused before it is counted: posts with made-up tokens
    // cannot use up the allowance of the address the hall's phones share.
    if !super::is_retry(s, &actor, &key).await? {
        let (t, by_case) = (token.to_string(), matches!(target, RateTarget::CaseToken(_)));
        let known = s
            .reads()
            .run(move |c| {
                Ok(if by_case {
                    crate::store::ratings::service_by_case_token(c, &t)?.is_some()
                } else {
                    crate::store::ratings::service_by_ticket_token(c, &t)?.is_some()
                })
            })
            .await
            .map_err(ApiError::Internal)?;
        if !known && by_case {
            return Err(ApiError::new(Code::UnknownCase, "no case has this token"));
        }
        if !known {
            return Err(ApiError::new(Code::UnknownTicket, "no ticket has this token"));
        }
        if let Err(wait) = s.rating_posts().check(token, peer.0) {
            return Err(ApiError::too_many(Code::TooManyAttempts, "too many attempts; wait a moment", wait));
        }
    }
    let rating = input(json(body)?);
    super::submit(s, actor, Op::Rate { target, rating }, key, body).await
}

#[utoipa::path(
    post, path = "/api/t/{token}/rating", request_body = wire::RateService,
    params(("token" = String, Path, pattern = "^[0-9a-f]{32}$", description = "the ticket's phone-page token"),
        ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters: a retry gets the first answer")),
    responses((status = 201, body = wire::RatingReceipt), (status = 400, body = wire::ErrorBody),
        (status = 403, description = "`staff_cannot_rate`: sent with a sign-in", body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody),
        (status = 409, description = "`already_rated` (any channel) or `not_finished`", body = wire::ErrorBody),
        (status = 422, description = "`rating_reason_required`, `text_too_long`, `invalid_phone`", body = wire::ErrorBody),
        (status = 429, body = wire::ErrorBody))
)]
/// The citizen rates the ticket's service on the phone page, once it is finished.
pub async fn rate_ticket(
    State(s): State<AppState>,
    peer: PeerAddr,
    headers: HeaderMap,
    PathParam(token): PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    rate_by_phone(&s, peer, &headers, RateTarget::TicketToken(token.clone()), &token, (key, &body)).await
}

#[utoipa::path(
    post, path = "/api/c/{token}/rating", request_body = wire::RateService,
    params(("token" = String, Path, pattern = "^[0-9a-f]{32}$", description = "the case's phone-page token"),
        ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters: a retry gets the first answer")),
    responses((status = 201, body = wire::RatingReceipt), (status = 400, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody),
        (status = 422, body = wire::ErrorBody), (status = 429, body = wire::ErrorBody))
)]
/// The citizen rates the service that registered the case (the same one rating as the ticket's).
pub async fn rate_case(
    State(s): State<AppState>,
    peer: PeerAddr,
    headers: HeaderMap,
    PathParam(token): PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    rate_by_phone(&s, peer, &headers, RateTarget::CaseToken(token.clone()), &token, (key, &body)).await
}

#[utoipa::path(
    post, path = "/api/evaluator/rating", request_body = wire::RateService, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters: a retry gets the first answer")),
    responses((status = 201, body = wire::RatingReceipt), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 409, description = "`already_rated`, or `rating_closed`: not the service the evaluator asks about now", body = wire::ErrorBody),
        (status = 422, body = wire::ErrorBody))
)]
/// The window's evaluator sends the citizen's rating of the service just finished there.
pub async fn rate_at_window(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    access::allow(&actor, Need::Evaluator)?;
    let r: wire::RateService = json(&body)?;
    let ticket_number = r
        .ticket_number
        .clone()
        .ok_or_else(|| ApiError::new(Code::InvalidBody, "the evaluator names the ticket it asks about"))?;
    let target = RateTarget::Evaluator { ticket_number };
    super::submit(&s, actor, Op::Rate { target, rating: input(r) }, key, &body).await
}

#[utoipa::path(
    get, path = "/api/evaluator", security(("bearer" = [])),
    responses((status = 200, body = wire::EvaluatorView), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody))
)]
/// What a window's evaluator shows now: the clerk on duty, and the service just finished there
/// while it may still be rated. Nothing about who rated what.
pub async fn evaluator(State(s): State<AppState>, Caller(actor): Caller) -> ApiResult<Json<wire::EvaluatorView>> {
    access::allow(&actor, Need::Evaluator)?;
    let Actor::Evaluator { window, .. } = actor else { unreachable!("checked: an evaluator") };
    let hall = s.hall();
    let def = hall.window(&window).cloned().ok_or_else(|| ApiError::new(Code::UnknownWindow, "no such window"))?;
    let (now_ms, day) = (store::ms(s.now()), s.today());
    let limits = hall.policy.ratings;
    let (row, last, next) = s
        .reads()
        .run(move |c| {
            let row = store::windows::get(c, &window, now_ms)?;
            let last = ratings::last_finished_at(c, &day, &window)?;
            let unrated = match last {
                Some(t) if ratings::of_ticket(c, t.ticket_id)?.is_none() => Some(t),
                _ => None,
            };
            Ok((row, unrated, ratings::next_call(c, &window, now_ms)?))
        })
        .await
        .map_err(ApiError::Internal)?;
    let clerk = row.filter(|r| r.staffed).and_then(|r| r.username).map(|u| {
        let person = hall.staff(&u);
        wire::ClerkOnDuty {
            name: person.map(|p| p.name.clone()).unwrap_or_else(|| u.clone()),
            staff_number: person.map(|p| p.staff_no.clone()).filter(|n| !n.is_empty()),
            photo_url: person.and_then(|p| p.photo.as_ref()).map(|_| format!("/api/staff/{u}/photo")),
        }
    });
    let asking = last.and_then(|t| {
        let finished = t.finished_at?;
        rating::evaluator_asks(finished, now_ms, limits, next).then(|| wire::RatingAsked {
            ticket_number: t.ticket_number,
            finished_at: store::reads::fmt_time(&hall, finished),
            until: store::reads::fmt_time(&hall, finished + i64::from(limits.ask_seconds) * 1000),
        })
    });
    Ok(Json(wire::EvaluatorView {
        window_id: def.id.clone(),
        window_number: def.number,
        window_name: def.name.clone(),
        hall_name: hall.name.clone(),
        clerk,
        asking,
        ask_seconds: limits.ask_seconds,
    }))
}

/// Query of `GET /api/follow-ups`.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct FollowUpQuery {
    /// `all` for every state (latest first); default: the running ones, by deadline.
    state: Option<String>,
    /// At most this many (default 200, at most 1000).
    limit: Option<u32>,
}

#[utoipa::path(
    get, path = "/api/follow-ups", params(FollowUpQuery), security(("bearer" = [])),
    responses((status = 200, description = "without the raters' phones", body = Vec<wire::FollowUp>),
        (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody))
)]
/// The director's bad ratings to follow up (overdue ones flagged).
pub async fn follow_ups(
    State(s): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<FollowUpQuery>,
) -> ApiResult<Json<Vec<wire::FollowUp>>> {
    access::allow(&actor, Need::Director)?;
    let all = match q.state.as_deref() {
        None | Some("running") => false,
        Some("all") => true,
        Some(_) => return Err(ApiError::new(Code::InvalidBody, "state is `running` or `all`")),
    };
    let limit = q.limit.unwrap_or(200);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::new(Code::InvalidLimit, "limit is 1 to 1000"));
    }
    let (hall, day) = (s.hall(), today(&s));
    let rows = s.reads().run(move |c| Ok(ratings::follow_ups(c, all, limit)?)).await.map_err(ApiError::Internal)?;
    Ok(Json(rows.iter().map(|f| crate::ops::ratings::view(&hall, f, day, false)).collect()))
}

fn follow_up_id(raw: &str) -> ApiResult<i64> {
    raw.parse().map_err(|_| ApiError::new(Code::UnknownFollowUp, format!("no follow-up `{raw}`")))
}

#[utoipa::path(
    get, path = "/api/follow-ups/{id}", security(("bearer" = [])),
    params(("id" = i64, Path, description = "follow-up id")),
    responses((status = 200, description = "with the rater's phone; the read is audited", body = wire::FollowUp),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody))
)]
/// One follow-up with the rater's call-back phone (an audited read).
pub async fn follow_up(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(id): PathParam,
    key: RetryKey,
) -> ApiResult<Answer> {
    let id = follow_up_id(&id)?;
    submit(&s, actor, Op::ReadFollowUp { id }, key.forget(), b"").await
}

macro_rules! follow_up_action {
    ($name:ident, $path:literal, $body:ty, $doc:literal, |$req:ident| $action:expr, $note:expr) => {
        #[doc = $doc]
        #[utoipa::path(
            post, path = $path, request_body = $body, security(("bearer" = [])),
            params(("id" = i64, Path, description = "follow-up id"),
                   ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
            responses((status = 200, body = wire::FollowUp), (status = 400, body = wire::ErrorBody),
                (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
                (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
        )]
        pub async fn $name(
            State(s): State<AppState>,
            Caller(actor): Caller,
            PathParam(id): PathParam,
            key: RetryKey,
            Body(body): Body,
        ) -> ApiResult<Answer> {
            let id = follow_up_id(&id)?;
            let $req: $body = json(&body)?;
            submit(&s, actor, Op::FollowUp { id, action: $action, note: $note }, key, &body).await
        }
    };
}

follow_up_action!(
    contact_follow_up,
    "/api/follow-ups/{id}/contact",
    wire::ContactFollowUp,
    "The rater was contacted: what they said, what was agreed.",
    |r| FollowUpAction::Contact,
    r.note
);
follow_up_action!(
    close_follow_up,
    "/api/follow-ups/{id}/close",
    wire::CloseFollowUp,
    "Rectified and answered: the follow-up closes with what was done.",
    |r| FollowUpAction::Close,
    r.action_taken
);

/// The director's glance at the citizen's voice (`DirectorToday.feedback`: ratings, follow-ups,
/// complaints, petitions) and its gauges in `/metrics`.
pub async fn overview(s: &AppState) -> ApiResult<wire::FeedbackOverview> {
    let day = today(s);
    let text = day.to_string();
    let (follow_ups, complaints, petitions, counts) = s
        .reads()
        .run(move |c| {
            Ok((
                ratings::follow_up_counts(c, day)?,
                store::complaints::running_counts(c, day)?,
                store::petitions::running_counts(c, day)?,
                ratings::counts(c, &text, &text)?,
            ))
        })
        .await
        .map_err(ApiError::Internal)?;
    let mut levels = [0u32; 5];
    for (_, _, level, n) in counts {
        levels[(level.rank() - 1) as usize] += n;
    }
    Ok(wire::FeedbackOverview {
        rated_today: levels.iter().sum(),
        satisfaction_today: rating::satisfaction(levels),
        follow_ups_open: follow_ups.0,
        follow_ups_overdue: follow_ups.1,
        complaints_open: complaints.0,
        complaints_overdue: complaints.1,
        petitions_open: petitions.0,
        petitions_overdue: petitions.1,
        petitions_alerts: petitions.2,
    })
}

/// Query of the satisfaction figures.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct PeriodQuery {
    /// First day, `YYYY-MM-DD` (default: the first of this month).
    from: Option<String>,
    /// Last day, inclusive (default: today).
    to: Option<String>,
}

fn period(s: &AppState, q: &PeriodQuery) -> ApiResult<(NaiveDate, NaiveDate)> {
    let parse = |v: &str| {
        NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| ApiError::new(Code::InvalidDate, "dates are YYYY-MM-DD"))
    };
    let day = today(s);
    let from = match &q.from {
        Some(v) => parse(v)?,
        None => day.with_day(1).unwrap_or(day),
    };
    let to = match &q.to {
        Some(v) => parse(v)?,
        None => day,
    };
    if from > to || (to - from).num_days() > 366 {
        return Err(ApiError::new(Code::InvalidDate, "from is on or before to, at most a year apart"));
    }
    Ok((from, to))
}

fn line(key: String, label: String, levels: [u32; 5]) -> wire::SatisfactionLine {
    wire::SatisfactionLine { key, label, rated: levels.iter().sum(), levels, rate: rating::satisfaction(levels) }
}

async fn satisfaction(s: &AppState, from: NaiveDate, to: NaiveDate) -> ApiResult<wire::Satisfaction> {
    let (a, b) = (from.to_string(), to.to_string());
    let (counts, names) = s
        .reads()
        .run_long(move |c| Ok((ratings::counts(c, &a, &b)?, crate::store::attendance::StaffNames::read(c)?)))
        .await
        .map_err(ApiError::Internal)?;
    let hall = s.hall();
    let mut total = [0u32; 5];
    let mut windows: std::collections::BTreeMap<String, [u32; 5]> = Default::default();
    let mut clerks: std::collections::BTreeMap<String, [u32; 5]> = Default::default();
    for (window, clerk, level, n) in counts {
        let i = (level.rank() - 1) as usize;
        total[i] += n;
        windows.entry(window).or_default()[i] += n;
        clerks.entry(clerk).or_default()[i] += n;
    }
    let window_label = |id: &str| hall.window(id).map(|w| format!("{}号 {}", w.number, w.name)).unwrap_or(id.into());
    let mut windows: Vec<_> = windows.into_iter().map(|(id, l)| line(id.clone(), window_label(&id), l)).collect();
    windows.sort_by_key(|l| hall.window(&l.key).map(|w| w.number).unwrap_or(u32::MAX));
    let clerks = clerks.into_iter().map(|(u, l)| line(u.clone(), names.of(&hall, &u), l)).collect();
    Ok(wire::Satisfaction {
        from: from.to_string(),
        to: to.to_string(),
        hall: line("hall".into(), hall.name.clone(), total),
        windows,
        clerks,
    })
}

#[utoipa::path(
    get, path = "/api/ratings/summary", params(PeriodQuery), security(("bearer" = [])),
    responses((status = 200, body = wire::Satisfaction), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// Satisfaction per window and clerk over a period (R17): the director's figures.
pub async fn summary(
    State(s): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Json<wire::Satisfaction>> {
    access::allow(&actor, Need::Director)?;
    let (from, to) = period(&s, &q)?;
    Ok(Json(satisfaction(&s, from, to).await?))
}

#[utoipa::path(
    get, path = "/api/ratings/mine", params(PeriodQuery), security(("bearer" = [])),
    responses((status = 200, description = "the caller's own aggregated figure, nothing else", body = wire::SatisfactionLine),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// A staff member's own satisfaction figure: counts per level only, never who rated what, over
/// whole days up to yesterday (today's ratings count from tomorrow).
pub async fn mine(
    State(s): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Json<wire::SatisfactionLine>> {
    access::allow(&actor, Need::Staff)?;
    let (from, to) = period(&s, &q)?;
    let username = actor.name().to_string();
    let name = s.hall().staff(&username).map(|p| p.name.clone()).unwrap_or_else(|| username.clone());
    // Whole days up to yesterday: today's counts, read before and after a service, would tell
    // the clerk how the citizen in front of them rated them.
    let to = to.min(today(&s).pred_opt().unwrap_or(to));
    if from > to {
        return Ok(Json(line(username, name, [0; 5])));
    }
    let all = satisfaction(&s, from, to).await?;
    let own = all.clerks.into_iter().find(|l| l.key == username);
    Ok(Json(own.unwrap_or_else(|| line(username, name, [0; 5]))))
}
