//! Appointments (预约): a matter's bookable days and slots, booking, a booking by its code,
//! cancelling, the kiosk's check-in, the staff's day list and the director's excuse of a
//! missed booking. The identity number and the phone are checked and hashed here (keyed with
//! the server's key): the clear identity number goes no further than this module.

use axum::extract::State;
use axum::Json;
use chrono::{NaiveDate, NaiveTime};
use hall_wire as wire;
use serde::Deserialize;

use super::conn::PeerAddr;
use super::extract::{json, Body, Caller, PathParam, Query, RetryKey};
use super::{submit, AppState};
use crate::auth::{self, QueryFrom};
use crate::domain::booking as rules;
use crate::error::{ApiError, ApiResult, Code};
use crate::ops::booking::{BookingInput, CheckInBy, PersonId};
use crate::ops::{Actor, Answer, Op, StatusLink};
use crate::store;

/// The keyed hash of an identity number (normalised) or a phone: the server's key, so the
/// database alone cannot be searched for a known number.
fn keyed(s: &AppState, kind: &[u8], value: &str) -> String {
    s.server_key().mac(&[b"booking-person", kind, value.as_bytes()])
}

/// A checked identity number as the writer gets it: its keyed hash and masked form.
pub(super) fn person_of(s: &AppState, id_number: Option<&str>) -> ApiResult<Option<PersonId>> {
    match id_number.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(raw) => {
            let id = rules::check_id_number(raw).ok_or_else(|| {
                ApiError::new(
                    Code::InvalidIdNumber,
                    "the 居民身份证号 is 18 characters (17 digits and a digit or X) with a right check digit",
                )
            })?;
            Ok(Some(PersonId { hash: keyed(s, b"id", &id), masked: rules::mask_id(&id) }))
        }
    }
}

fn limited(s: &AppState, peer: Option<std::net::IpAddr>) -> ApiResult<()> {
    let Some(addr) = peer else { return Ok(()) };
    s.booking_requests().check(QueryFrom::Address(addr)).map_err(|wait| {
        ApiError::too_many(Code::RateLimited, "too many booking requests from this address; wait a moment", wait)
    })
}

fn day_of(text: &str) -> ApiResult<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| ApiError::new(Code::InvalidDate, format!("`{text}` is not a date like 2026-12-07")))
}

fn bookable_matter(s: &AppState, id: &str) -> ApiResult<(std::sync::Arc<crate::hall::Hall>, rules::MatterBooking)> {
    let hall = s.hall();
    let m = hall.matter(id).ok_or_else(|| ApiError::new(Code::UnknownService, format!("no matter `{id}`")))?;
    let b = m.booking.ok_or_else(|| ApiError::new(Code::NotBookable, format!("`{}` takes no bookings", m.name)))?;
    Ok((hall.clone(), b))
}

#[utoipa::path(
    get, path = "/api/services/{id}/booking-days",
    params(("id" = String, Path, description = "matter id")),
    responses((status = 200, body = Vec<wire::BookingDay>), (status = 404, body = wire::ErrorBody),
        (status = 422, body = wire::ErrorBody))
)]
/// The next bookable working days of a matter, with places left each day.
pub async fn booking_days(
    State(s): State<AppState>,
    PathParam(id): PathParam,
) -> ApiResult<Json<Vec<wire::BookingDay>>> {
    let (hall, _) = bookable_matter(&s, &id).map_err(unknown_is_404)?;
    let (calendar, now, today) = (s.calendar(), s.now(), s.today());
    let days = s
        .reads()
        .run(move |c| {
            let m = hall.matter(&id).expect("checked above");
            crate::ops::booking::days(&hall, &calendar, m, now)
                .into_iter()
                .map(|d| {
                    let left = crate::ops::booking::day_left(c, &hall, &calendar, m, d, &today, now)?;
                    Ok(wire::BookingDay { day: d.to_string(), left })
                })
                .collect::<anyhow::Result<Vec<_>>>()
        })
        .await
        .map_err(ApiError::Internal)?;
    Ok(Json(days))
}

/// An unknown matter in the path is a 404 (in a body it is 422 `unknown_service`).
fn unknown_is_404(e: ApiError) -> ApiError {
    match e {
        ApiError::Client(c) if c.code == Code::UnknownService => ApiError::new(Code::NotFound, c.message),
        e => e,
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct DayQuery {
    /// `YYYY-MM-DD`
    day: Option<String>,
}

#[utoipa::path(
    get, path = "/api/services/{id}/slots", params(("id" = String, Path, description = "matter id"), DayQuery),
    responses((status = 200, body = Vec<wire::Slot>), (status = 400, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// A bookable day's slots of a matter with places left (slots already started are left out).
pub async fn slots(
    State(s): State<AppState>,
    PathParam(id): PathParam,
    Query(q): Query<DayQuery>,
) -> ApiResult<Json<Vec<wire::Slot>>> {
    let (hall, _) = bookable_matter(&s, &id).map_err(unknown_is_404)?;
    let day = day_of(q.day.as_deref().unwrap_or(""))?;
    let (calendar, now, today) = (s.calendar(), s.now(), s.today());
    let m = hall.matter(&id).expect("checked above").clone();
    if !crate::ops::booking::days(&hall, &calendar, &m, now).contains(&day) {
        return Err(ApiError::new(Code::NotBookable, format!("`{}` is not booked on {day}", m.name)));
    }
    let slots = s
        .reads()
        .run(move |c| crate::ops::booking::slots(c, &hall, &calendar, &m, day, &today, now))
        .await
        .map_err(ApiError::Internal)?;
    Ok(Json(slots))
}

#[utoipa::path(
    post, path = "/api/bookings", request_body = wire::NewBooking,
    params(("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 201, body = wire::Booking), (status = 400, body = wire::ErrorBody),
        (status = 409, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody), (status = 429, body = wire::ErrorBody))
)]
/// A citizen books a slot (public, limited per address).
pub async fn book(
    State(s): State<AppState>,
    PeerAddr(peer): PeerAddr,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let req: wire::NewBooking = json(&body)?;
    let actor = Actor::Citizen { via: "booking".into() };
    // A retry of a booking already made gets its first answer (its code) whatever the rate: a
    // 429 there would leave the citizen without the code of a booking they hold.
    if let Err(e) = limited(&s, peer) {
        if !super::is_retry(&s, &actor, &key).await? {
            return Err(e);
        }
    }
    let id = person_of(&s, req.id_number.as_deref())?;
    let phone = req.phone.trim().to_string();
    if !rules::valid_mobile(&phone) {
        return Err(ApiError::new(Code::InvalidPhone, "a mainland mobile number: 11 digits starting 13 to 19"));
    }
    if !rules::valid_name(&req.name) {
        return Err(ApiError::new(Code::InvalidName, "the name is 1 to 50 characters"));
    }
    let day = day_of(&req.day)?;
    let start = NaiveTime::parse_from_str(req.start.trim(), "%H:%M")
        .map_err(|_| ApiError::new(Code::NotBookable, format!("`{}` is not a slot's start like 09:30", req.start)))?;
    let codes = (0..8).map(|_| rules::code_from(rand::random::<u64>())).collect();
    let input = BookingInput {
        service_id: req.service_id,
        day,
        start,
        name: req.name.trim().to_string(),
        phone_hash: keyed(&s, b"phone", &phone),
        phone,
        id,
        codes,
    };
    submit(&s, actor, Op::Book { input: Box::new(input) }, key, &body).await
}

fn code_of(text: &str) -> ApiResult<String> {
    rules::code_in(text)
        .filter(|c| c == text.trim())
        .ok_or_else(|| ApiError::new(Code::BookingNotFound, "no booking of that code"))
}

#[utoipa::path(
    get, path = "/api/bookings/{code}", params(("code" = String, Path, description = "the booking's 8-digit code")),
    responses((status = 200, body = wire::Booking), (status = 404, body = wire::ErrorBody), (status = 429, body = wire::ErrorBody))
)]
/// One booking (public: the code is its secret; personal data masked). Only a code that finds
/// no booking is counted against the address (guessing codes): the morning's citizens opening
/// their own booking's page behind the hall's one public address are not charged. An address
/// past its allowance of misses is refused every code until its wait is over.
pub async fn get(
    State(s): State<AppState>,
    PeerAddr(peer): PeerAddr,
    PathParam(code): PathParam,
) -> ApiResult<Json<wire::Booking>> {
    let code = code_of(&code)?;
    let guessing =
        |wait| ApiError::too_many(Code::TooManyAttempts, "too many queries from this address; wait a moment", wait);
    if let Some(wait) = peer.and_then(|a| s.booking_guessers().wait(a, std::time::Instant::now())) {
        return Err(guessing(wait));
    }
    let (hall, calendar, public_url) = (s.hall(), s.calendar(), s.public_url().to_string());
    let found = s
        .reads()
        .run(move |c| match store::booking::by_code(c, &code)? {
            Some(b) => Ok(Some(store::booking::view(c, (&hall, &calendar), &public_url, &b)?)),
            None => Ok(None),
        })
        .await
        .map_err(ApiError::Internal)?;
    if let Some(b) = found {
        return Ok(Json(b));
    }
    if let Some(addr) = peer {
        if let Err(wait) = s.case_queries().check(QueryFrom::Address(addr)) {
            s.booking_guessers().refuse(addr, wait, std::time::Instant::now());
            return Err(guessing(wait));
        }
    }
    Err(ApiError::new(Code::BookingNotFound, "no booking of that code"))
}

#[utoipa::path(
    post, path = "/api/bookings/{code}/cancel", params(("code" = String, Path, description = "the booking's 8-digit code"),
        ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 200, body = wire::Booking), (status = 404, body = wire::ErrorBody),
        (status = 409, body = wire::ErrorBody), (status = 429, body = wire::ErrorBody))
)]
/// The citizen cancels a booking until its slot starts.
pub async fn cancel(
    State(s): State<AppState>,
    PeerAddr(peer): PeerAddr,
    PathParam(code): PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let code = code_of(&code)?;
    limited(&s, peer)?;
    let actor = Actor::Citizen { via: "booking".into() };
    submit(&s, actor, Op::CancelBooking { code }, key, &body).await
}

#[utoipa::path(
    post, path = "/api/bookings/{code}/excuse", request_body = wire::ExcuseBooking, security(("bearer" = [])),
    params(("code" = String, Path, description = "the booking's 8-digit code"),
        ("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 200, body = wire::BookingLine), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody),
        (status = 422, body = wire::ErrorBody))
)]
/// The director excuses a missed booking, with the reason (audited, the reason kept on the
/// booking only): it no longer counts towards the person's suspension.
pub async fn excuse(
    State(s): State<AppState>,
    Caller(actor): Caller,
    PathParam(code): PathParam,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let code = code_of(&code)?;
    let req: wire::ExcuseBooking = json(&body)?;
    submit(&s, actor, Op::ExcuseBooking { code, reason: req.reason }, key, &body).await
}

#[utoipa::path(
    post, path = "/api/bookings/check-in", request_body = wire::CheckIn, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "retry key, up to 64 characters")),
    responses((status = 201, body = wire::CheckedIn),
        (status = 200, description = "checked in already today, its ticket not yet served: that same ticket again, to print once more", body = wire::CheckedIn),
        (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody),
        (status = 409, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody), (status = 429, body = wire::ErrorBody))
)]
/// A kiosk checks a booking in, by its code (or scanned text ending in it) or the identity
/// number: a ticket, called ahead of walk-ins when on time.
pub async fn check_in(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    let req: wire::CheckIn = json(&body)?;
    if let Actor::Kiosk { id } = &actor {
        // A retry of a check-in already made gets its first answer, whatever the rate (the
        // kiosk takes a 429 as final: the citizen would lose the ticket made for them).
        if let Err(wait) = s.0.kiosks.check(id) {
            if !super::is_retry(&s, &actor, &key).await? {
                return Err(ApiError::too_many(Code::RateLimited, "this kiosk is issuing tickets too fast", wait));
            }
        }
    }
    let by = match (req.code.as_deref().map(str::trim).filter(|c| !c.is_empty()), req.id_number.as_deref()) {
        (Some(text), _) => CheckInBy::Code(
            rules::code_in(text).ok_or_else(|| ApiError::new(Code::BookingNotFound, "no booking of that code"))?,
        ),
        (None, id) => match person_of(&s, id)? {
            Some(p) => CheckInBy::Id(p),
            None => {
                return Err(ApiError::new(Code::InvalidBody, "give the booking's code or the 居民身份证号"));
            }
        },
    };
    let token = auth::new_status_token(store::ms(s.now()));
    let status = StatusLink { url: s.status_url(&token), token };
    let answer = submit(&s, actor, Op::CheckIn { by, status }, key, &body).await?;
    if let (axum::http::StatusCode::CREATED, false, Some(text)) = (answer.status, answer.replayed, &answer.body) {
        let queue = serde_json::from_str::<wire::CheckedIn>(text).map(|c| c.ticket.queue);
        if let Ok(queue) = queue {
            s.metrics().ticket_issued(&queue);
        }
    }
    Ok(answer)
}

#[utoipa::path(
    get, path = "/api/bookings", params(DayQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<wire::BookingLine>), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// A day's bookings (default today), audited: the director's of every matter with phones, a
/// clerk's of their window's matters with phones masked.
pub async fn day_list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: RetryKey,
    Query(q): Query<DayQuery>,
) -> ApiResult<Answer> {
    let day = match q.day {
        Some(d) => day_of(&d)?.to_string(),
        None => s.today(),
    };
    submit(&s, actor, Op::ReadBookings { day }, key.forget(), b"").await
}
