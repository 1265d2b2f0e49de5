//! Appointments (预约): book, cancel, the kiosk's check-in (a ticket, booked when on time),
//! the staff's audited read of a day's bookings, the director's excuse of a missed one, and
//! day close (missed bookings, the purge of citizens' data). Identity numbers arrive here only
//! as keyed hashes and masked forms.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate, NaiveTime, TimeZone};
use hall_wire as wire;
use serde_json::json;

use super::{Actor, Answer, Ctx, StatusLink};
use crate::domain::booking::{self, Arrival, Refusal};
use crate::error::{ApiError, ApiResult, Code};
use crate::hall::{Hall, Matter, StaffRole};
use crate::store::{self, booking as rows, issuing};

/// A citizen as the boundary made them known: keyed hashes, never the identity number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonId {
    /// Keyed hash of the identity number.
    pub hash: String,
    /// `110***********123X`
    pub masked: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingInput {
    pub service_id: String,
    pub day: NaiveDate,
    pub start: NaiveTime,
    pub name: String,
    pub phone: String,
    /// Keyed hash of the phone (the person when no identity number is given).
    pub phone_hash: String,
    pub id: Option<PersonId>,
    /// Candidate codes drawn at the boundary; the first one free is taken.
    pub codes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckInBy {
    Code(String),
    /// The identity number's keyed hash (and its masked form, for messages).
    Id(PersonId),
}

fn utc_ms(hall: &Hall, day: NaiveDate, time: NaiveTime) -> i64 {
    hall.timezone
        .from_local_datetime(&day.and_time(time))
        .earliest()
        .map(|t| store::ms(t.with_timezone(&chrono::Utc)))
        .unwrap_or(0)
}

fn bookable<'h>(hall: &'h Hall, service_id: &str) -> ApiResult<(&'h Matter, booking::MatterBooking)> {
    let m = hall
        .matter(service_id)
        .ok_or_else(|| ApiError::new(Code::UnknownService, format!("no matter `{service_id}` in this hall")))?;
    let b = m.booking.ok_or_else(|| ApiError::new(Code::NotBookable, format!("`{}` takes no bookings", m.name)))?;
    Ok((m, b))
}

/// The days a matter may be booked on now (working days by the calendar where it is loaded).
pub fn days(
    hall: &Hall,
    calendar: &crate::domain::calendar::Calendar,
    m: &Matter,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<NaiveDate> {
    let Some(b) = m.booking else { return Vec::new() };
    let local = issuing::local(hall, now);
    booking::bookable_days(&hall.hours, calendar, m.rules.own, b, local)
}

/// Places left on a day: its slots' places, never more than the daily quota leaves.
pub fn day_left(
    conn: &rusqlite::Connection,
    hall: &Hall,
    calendar: &crate::domain::calendar::Calendar,
    m: &Matter,
    day: NaiveDate,
    today: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<u32> {
    let in_slots: u32 = slots(conn, hall, calendar, m, day, today, now)?.iter().map(|s| s.left).sum();
    Ok(match m.rules.daily_quota {
        Some(q) => in_slots.min(q.saturating_sub(used_on(conn, (hall, m), &day.to_string(), (today, store::ms(now)))?)),
        None => in_slots,
    })
}

/// Places of a matter's quota used on a day: booked ones, and today walk-in tickets too.
fn used_on(
    conn: &rusqlite::Connection,
    (hall, m): (&Hall, &Matter),
    day: &str,
    (today, now_ms): (&str, i64),
) -> rusqlite::Result<u32> {
    if day != today {
        return rows::booked_on(conn, day, &m.id);
    }
    // Today: a booking whose check-in closed with nobody come holds no place any more.
    let grace = i64::from(hall.policy.booking.grace_minutes) * 60_000;
    Ok(rows::held_on(conn, day, &m.id, Some(now_ms - grace))? + store::tickets::issued_today(conn, day, &m.id)?)
}

/// A matter's slots on a day with their places left (the day must be bookable; a matter taking
/// no bookings has none).
pub fn slots(
    conn: &rusqlite::Connection,
    hall: &Hall,
    calendar: &crate::domain::calendar::Calendar,
    m: &Matter,
    day: NaiveDate,
    today: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<wire::Slot>> {
    let Some(b) = m.booking else { return Ok(Vec::new()) };
    let d = day.to_string();
    let booked = rows::booked_times(conn, &m.id, &d)?;
    let used = used_on(conn, (hall, m), &d, (today, store::ms(now)))?;
    let local = issuing::local(hall, now);
    Ok(booking::slots(&hall.hours, calendar, m.rules.own, b, day)
        .into_iter()
        .filter(|s| day.and_time(s.start) > local)
        .map(|s| {
            let (start, end) = (s.start.format("%H:%M").to_string(), s.end.format("%H:%M").to_string());
            let in_slot = booking::overlapping(&start, &end, &booked);
            wire::Slot { left: booking::places_left(b.slot_capacity, in_slot, m.rules.daily_quota, used), start, end }
        })
        .collect())
}

pub(super) fn book(ctx: &mut Ctx, input: &BookingInput) -> ApiResult<Answer> {
    let hall = ctx.hall;
    let (m, b) = bookable(hall, &input.service_id)?;
    if m.id_number && input.id.is_none() {
        return Err(ApiError::new(Code::IdNumberRequired, format!("`{}` asks for the 居民身份证号", m.name)));
    }
    if !days(hall, ctx.calendar, m, ctx.now).contains(&input.day) {
        return Err(ApiError::new(Code::NotBookable, format!("`{}` is not booked on {}", m.name, input.day)));
    }
    let day = input.day.to_string();
    let slot = booking::find_slot(&booking::slots(&hall.hours, ctx.calendar, m.rules.own, b, input.day), input.start)
        .filter(|s| input.day.and_time(s.start) > issuing::local(hall, ctx.now))
        .ok_or_else(|| {
            ApiError::new(
                Code::NotBookable,
                format!("no slot of `{}` at {} on {day}", m.name, input.start.format("%H:%M")),
            )
        })?;
    let start = slot.start.format("%H:%M").to_string();
    // The person: the identity number's hash when given, else the phone's.
    let person = input.id.as_ref().map(|p| p.hash.clone()).unwrap_or_else(|| input.phone_hash.clone());
    let today = today(ctx)?;
    let since = (today - Duration::days(booking::SUSPENSION_DAYS * 2)).to_string();
    let lapsed_before = ctx.now_ms - i64::from(hall.policy.booking.grace_minutes) * 60_000;
    let (same, that_day, missed) = rows::person(ctx.tx, &person, &m.id, (&ctx.day, &day, &since), lapsed_before)?;
    let missed = missed.iter().filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).collect();
    let who = booking::Person { live_same_matter: same, live_that_day: that_day, missed };
    match booking::may_book(&who, today, &hall.policy.booking) {
        Ok(()) => {}
        Err(Refusal::Suspended { until }) => {
            return Err(ApiError::suspended(
                format!(
                    "{} missed bookings in 30 days: booking is possible again from {until}",
                    hall.policy.booking.no_show_limit
                ),
                until.to_string(),
            ))
        }
        Err(Refusal::SameMatter) => {
            return Err(ApiError::new(
                Code::BookingLimit,
                format!("this person already has a booking of `{}`: one at a time per matter", m.name),
            ))
        }
        Err(Refusal::DayFull) => {
            return Err(ApiError::new(
                Code::BookingLimit,
                format!("this person already has {that_day} bookings on {day}: the hall's limit a day"),
            ))
        }
    }
    let used = used_on(ctx.tx, (ctx.hall, m), &day, (&ctx.day, ctx.now_ms))?;
    let end = slot.end.format("%H:%M").to_string();
    let in_slot = booking::overlapping(&start, &end, &rows::booked_times(ctx.tx, &m.id, &day)?);
    if booking::places_left(b.slot_capacity, in_slot, m.rules.daily_quota, used) == 0 {
        return Err(ApiError::new(Code::SlotFull, format!("the {start} slot of {day} has no place left")));
    }
    let mut code = None;
    for c in &input.codes {
        if !rows::code_taken(ctx.tx, c)? {
            code = Some(c.clone());
            break;
        }
    }
    let code = code.ok_or_else(|| ApiError::internal(anyhow::anyhow!("no free booking code among the candidates")))?;
    let end = slot.end.format("%H:%M").to_string();
    let id = rows::insert(
        ctx.tx,
        &rows::NewBooking {
            code: &code,
            service_id: &m.id,
            day: &day,
            start: &start,
            end: &end,
            slot_at: utc_ms(hall, input.day, slot.start),
            person: &person,
            id_hash: input.id.as_ref().map(|p| p.hash.as_str()),
            id_masked: input.id.as_ref().map(|p| p.masked.as_str()),
            name: input.name.trim(),
            phone: &input.phone,
            at_ms: ctx.now_ms,
        },
    )?;
    ctx.audit(
        "booking.create",
        None,
        Some(format!("booking:{id}")),
        // Not the phone or the number, even masked: the booking is deleted after its keeping
        // time, and the audit, kept for good, would outlive it.
        json!({ "service_id": m.id, "day": day, "start": start, "id_number": input.id.is_some() }),
    )?;
    if day == ctx.day {
        // Today's place is taken from the quota: kiosks see what is left.
        super::tickets::queue_changed(ctx, &m.queue)?;
    }
    let row = rows::by_code(ctx.tx, &code)?.ok_or_else(|| ApiError::internal(anyhow::anyhow!("booking vanished")))?;
    Answer::json(
        StatusCode::CREATED,
        &rows::view(ctx.tx, (hall, ctx.calendar), ctx.public_url, &row).map_err(ApiError::Internal)?,
    )
}

fn load(ctx: &Ctx, code: &str) -> ApiResult<rows::BookingRow> {
    rows::by_code(ctx.tx, code)?.ok_or_else(|| ApiError::new(Code::BookingNotFound, "no booking of that code"))
}

pub(super) fn cancel(ctx: &mut Ctx, code: &str) -> ApiResult<Answer> {
    let b = load(ctx, code)?;
    if b.status != "booked" {
        return Err(ApiError::new(Code::BookingUsed, format!("the booking is {} already", b.status.replace('_', " "))));
    }
    if ctx.now_ms >= b.slot_at {
        return Err(ApiError::new(Code::BookingStarted, format!("the {} slot of {} has started", b.start, b.day)));
    }
    rows::cancel(ctx.tx, &b, ctx.now_ms, "citizen")?;
    if let (true, Some(m)) = (b.day == ctx.day, ctx.hall.matter(&b.service_id)) {
        super::tickets::queue_changed(ctx, &m.queue)?;
    }
    ctx.audit(
        "booking.cancel",
        None,
        Some(format!("booking:{}", b.id)),
        json!({ "service_id": b.service_id, "day": b.day }),
    )?;
    let row = load(ctx, code)?;
    Answer::json(
        StatusCode::OK,
        &rows::view(ctx.tx, (ctx.hall, ctx.calendar), ctx.public_url, &row).map_err(ApiError::Internal)?,
    )
}

/// Whether `hall` on `calendar` still serves a booking: its matter is still booked online and
/// the booked time lies within the hours the matter issues that day (the slots' grid may move:
/// check-in goes by the booked time, not the grid).
fn still_served(hall: &Hall, calendar: &crate::domain::calendar::Calendar, b: &rows::BookingRow) -> ApiResult<bool> {
    let day = NaiveDate::parse_from_str(&b.day, "%Y-%m-%d").map_err(ApiError::internal)?;
    let start = NaiveTime::parse_from_str(&b.start, "%H:%M").map_err(ApiError::internal)?;
    let end = NaiveTime::parse_from_str(&b.end, "%H:%M").map_err(ApiError::internal)?;
    let Some(m) = hall.matter(&b.service_id).filter(|m| m.booking.is_some()) else { return Ok(false) };
    let periods = crate::domain::hours::issuing_periods(&hall.hours, calendar, m.rules.own, day);
    Ok(periods.iter().any(|p| p.start <= start && end <= p.end))
}

/// Cancels by the hall, each audited (`by`), the bookings of the days from `from` (to `to`) that `hall` on
/// `calendar` no longer serves, rather than leave their citizens to find the hall closed or
/// without their time and be counted as missing it. The director calls them from the day's
/// list. Returns how many.
fn cancel_unserved(
    ctx: &mut Ctx,
    (hall, calendar): (&Hall, &crate::domain::calendar::Calendar),
    (from, to): (NaiveDate, Option<NaiveDate>),
    by: &str,
) -> ApiResult<u32> {
    let mut cancelled = 0;
    // A booking whose check-in closed already (missed today: the day close judges it) is no
    // citizen to phone, and not the hall's to cancel: it would escape its no-show.
    let closed_before = ctx.now_ms - i64::from(ctx.hall.policy.booking.grace_minutes) * 60_000;
    for b in rows::booked_from(ctx.tx, &from.to_string())? {
        let check_in_closed = b.slot_at <= closed_before;
        if to.is_some_and(|to| b.day > to.to_string()) || check_in_closed || still_served(hall, calendar, &b)? {
            continue;
        }
        rows::cancel(ctx.tx, &b, ctx.now_ms, by)?;
        let detail = json!({ "service_id": b.service_id, "day": b.day, "by": by });
        ctx.audit("booking.cancel", None, Some(format!("booking:{}", b.id)), detail)?;
        cancelled += 1;
    }
    Ok(cancelled)
}

fn today(ctx: &Ctx) -> ApiResult<NaiveDate> {
    NaiveDate::parse_from_str(&ctx.day, "%Y-%m-%d").map_err(ApiError::internal)
}

/// A new hall configuration: the bookings from today it no longer serves (the matter gone or no
/// longer booked online, the booked time outside its hours that day: a weekday closed, hours
/// cut) are cancelled by the hall (`by: config`).
pub(super) fn cancel_unserved_by(ctx: &mut Ctx, new: &Hall) -> ApiResult<u32> {
    let (from, calendar) = (today(ctx)?, ctx.calendar);
    cancel_unserved(ctx, (new, calendar), (from, None), "config")
}

/// A new calendar year: bookings from tomorrow taken on its days by opening hours while it was
/// not loaded, on a day it makes a holiday, are cancelled by the hall (`by: calendar`). A plain
/// weekend the hall opens keeps its bookings; a 调休 Saturday keeps those within its hours.
pub(super) fn cancel_on_new_days_off(ctx: &mut Ctx, year: i32) -> ApiResult<u32> {
    let today = today(ctx)?;
    let (Some(first), Some(last)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) else {
        return Ok(0);
    };
    let (from, hall, calendar) = (first.max(today.succ_opt().unwrap_or(today)), ctx.hall, ctx.calendar);
    cancel_unserved(ctx, (hall, calendar), (from, Some(last)), "calendar")
}

/// Days the calendar has just made days off (the December before a year whose notice reaches
/// into it): their bookings cannot be kept, and are cancelled by the hall, each audited, rather
/// than left for the citizen to find the hall closed and be counted as missing them. The
/// director calls them from that day's list. Returns how many.
pub(super) fn cancel_on_days_off(ctx: &mut Ctx, days: &[NaiveDate]) -> ApiResult<u32> {
    let mut cancelled = 0;
    for day in days.iter().filter(|d| ctx.calendar.is_working_day(**d) == Ok(false)) {
        let day = day.to_string();
        let booked: Vec<rows::BookingRow> =
            rows::of_day(ctx.tx, &day, None)?.into_iter().filter(|b| b.status == "booked").collect();
        for b in booked {
            rows::cancel(ctx.tx, &b, ctx.now_ms, "calendar")?;
            let detail = json!({ "service_id": b.service_id, "day": b.day, "by": "calendar" });
            ctx.audit("booking.cancel", None, Some(format!("booking:{}", b.id)), detail)?;
            cancelled += 1;
        }
    }
    Ok(cancelled)
}

pub(super) fn check_in(ctx: &mut Ctx, by: &CheckInBy, status: &StatusLink) -> ApiResult<Answer> {
    let b = match by {
        CheckInBy::Code(code) => {
            let b = load(ctx, code)?;
            if let Some(again) = ticket_again(ctx, &b)? {
                return Ok(again);
            }
            // Used, cancelled or missed says so (a day gone is missed, before its day was even
            // closed), never "come back on" a day past; a booking of a day to come names its day.
            if b.status != "booked" || b.day < ctx.day {
                let what = if b.status == "booked" { "missed" } else { b.status.as_str() };
                return Err(ApiError::new(
                    Code::BookingUsed,
                    format!("the booking is {} already", what.replace('_', " ")),
                ));
            }
            if b.day != ctx.day {
                let message = format!("this booking is for {}, not today", b.day);
                return Err(ApiError::booking_of_another_day(message, b.day));
            }
            b
        }
        CheckInBy::Id(p) => {
            let all = rows::by_id_hash(ctx.tx, &p.hash, &ctx.day)?;
            let live = |b: &&rows::BookingRow| b.status == "booked";
            // Of two bookings today, the one whose time it is (not a missed morning's).
            let today: Vec<&rows::BookingRow> = all.iter().filter(|b| b.day == ctx.day && live(b)).collect();
            let starts: Vec<_> = today.iter().map(|b| issuing::local(ctx.hall, store::from_ms(b.slot_at))).collect();
            let now = issuing::local(ctx.hall, ctx.now);
            let chosen = booking::today_to_check_in(&starts, now, &ctx.hall.policy.booking).map(|i| today[i]);
            // Else today's booking not yet due (told when it opens) or already used (told so);
            // one cancelled today is no booking: the next one, if any, is named.
            let due_later = || all.iter().find(|b| b.day == ctx.day && live(b));
            // Of those checked in, one whose ticket still waits (to print again) before a served one.
            let checked_in: Vec<&rows::BookingRow> =
                all.iter().filter(|b| b.day == ctx.day && b.status == "checked_in").collect();
            let mut waiting = None;
            for b in &checked_in {
                let Some(id) = b.ticket_id else { continue };
                if store::tickets::get(ctx.tx, id)?.is_some_and(|t| ticket_live(t.status)) {
                    waiting = Some(*b);
                    break;
                }
            }
            let used = || waiting.or_else(|| checked_in.first().copied());
            // A booking whose check-in is open now first; else the ticket of one checked in that
            // still waits, to print again (a missed morning's booking or a later one not yet due
            // is not what a citizen holding a live ticket came back for); else the nearest.
            let open_now = chosen.filter(|b| {
                let start = issuing::local(ctx.hall, store::from_ms(b.slot_at));
                booking::arrival(start, now, &ctx.hall.policy.booking) == Arrival::OnTime
            });
            match open_now.or(waiting).or(chosen).or_else(due_later).or_else(used) {
                Some(b) => b.clone(),
                None => {
                    return Err(match all.iter().find(live) {
                        Some(next) => ApiError::booking_of_another_day(
                            format!("no booking today for {}; the next one is on {}", p.masked, next.day),
                            next.day.clone(),
                        ),
                        None => ApiError::new(Code::BookingNotFound, format!("no booking today for {}", p.masked)),
                    });
                }
            }
        }
    };
    if let Some(again) = ticket_again(ctx, &b)? {
        return Ok(again);
    }
    if b.status != "booked" {
        return Err(ApiError::new(Code::BookingUsed, format!("the booking is {} already", b.status.replace('_', " "))));
    }
    let hall = ctx.hall;
    let slot_start = issuing::local(hall, store::from_ms(b.slot_at));
    let arrival = booking::arrival(slot_start, issuing::local(hall, ctx.now), &hall.policy.booking);
    let on_time = match arrival {
        Arrival::TooEarly { from } => {
            return Err(ApiError::not_issuing(
                Code::BookingTooEarly,
                format!("check-in for the {} slot opens at {}", b.start, from.format("%H:%M")),
                issuing::fmt_local(hall, from),
            ))
        }
        Arrival::OnTime => true,
        Arrival::Late => false,
    };
    // A booking made with an identity number is that person's ticket: the limit of live
    // tickets per person and matter counts it, walk-ins and check-ins alike.
    let person = b.id_hash.clone().zip(b.id_masked.clone()).map(|(hash, masked)| PersonId { hash, masked });
    let issue = super::tickets::Issue {
        service_id: &b.service_id,
        priority: None,
        status,
        person: person.as_ref(),
        booked_slot: on_time.then_some(b.slot_at),
        by_booking: true,
    };
    let (ticket_id, ticket) = super::tickets::issue_one(ctx, &issue)?;
    rows::checked_in(ctx.tx, b.id, ticket_id, on_time, ctx.now_ms)?;
    ctx.audit(
        "booking.check_in",
        None,
        Some(format!("booking:{}", b.id)),
        json!({ "ticket": ticket.number, "on_time": on_time, "service_id": b.service_id }),
    )?;
    let row = load(ctx, &b.code)?;
    let booking = rows::view(ctx.tx, (hall, ctx.calendar), ctx.public_url, &row).map_err(ApiError::Internal)?;
    Answer::json(StatusCode::CREATED, &wire::CheckedIn { ticket, booking, on_time })
}

/// A ticket still to be called or being called (not served, not a no-show).
fn ticket_live(s: crate::domain::TicketStatus) -> bool {
    use crate::domain::TicketStatus::{Called, Transferred, Waiting};
    matches!(s, Waiting | Transferred | Called)
}

/// Checked in already today and its ticket not yet served (the kiosk's answer lost, the print
/// failed, the paper lost): the same ticket again, for the kiosk to print once more (audited),
/// never a second one — `None` otherwise.
fn ticket_again(ctx: &mut Ctx, b: &rows::BookingRow) -> ApiResult<Option<Answer>> {
    if b.status != "checked_in" || b.day != ctx.day {
        return Ok(None);
    }
    let Some(t) = b.ticket_id.and_then(|id| store::tickets::get(ctx.tx, id).transpose()).transpose()? else {
        return Ok(None);
    };
    if !ticket_live(t.status) {
        return Ok(None);
    }
    ctx.audit("booking.ticket_again", None, Some(format!("booking:{}", b.id)), json!({ "ticket": t.number }))?;
    let ticket = super::tickets::reprint_view(ctx, &t)?;
    let booking = rows::view(ctx.tx, (ctx.hall, ctx.calendar), ctx.public_url, b).map_err(ApiError::Internal)?;
    Ok(Some(Answer::json(StatusCode::OK, &wire::CheckedIn { ticket, booking, on_time: t.booked_slot.is_some() })?))
}

/// A day's bookings for staff (audited: names and phones): the director or an administrator
/// sees every matter and the phones; a clerk the matters of the window they hold, phones
/// masked; anyone else nothing.
pub(super) fn read_day(ctx: &mut Ctx, day: &str) -> ApiResult<Answer> {
    let (hall, actor) = (ctx.hall, ctx.actor);
    // The director's list has every booking of the day, a matter's taken out of the hall since
    // too (its citizens are phoned, its misses may be excused).
    let (matters, whole): (Option<Vec<&str>>, bool) = match actor {
        Actor::Staff { role: StaffRole::Director | StaffRole::Admin, .. } => (None, true),
        Actor::Staff { role: StaffRole::Clerk, window_id: Some(w), .. } => {
            (Some(hall.window_matters(w).into_iter().map(|m| m.id.as_str()).collect()), false)
        }
        // Who may read was checked before (`access::Need::BookingReader`).
        _ => return Err(ApiError::new(Code::ClerkOnly, "only the director or a window's clerk reads bookings")),
    };
    let list: Vec<wire::BookingLine> =
        rows::of_day(ctx.tx, day, matters.as_deref())?.into_iter().map(|b| line(ctx.tx, hall, b, whole)).collect();
    let window = match actor {
        Actor::Staff { window_id, .. } => window_id.clone(),
        _ => None,
    };
    ctx.audit("booking.read_day", window.as_deref(), Some(format!("bookings:{day}")), json!({ "count": list.len() }))?;
    Answer::json(StatusCode::OK, &list)
}

/// One booking as staff read it: `whole` for the director and administrators (the code, the
/// phone in full), else a clerk's (phone masked, no code).
fn line(conn: &rusqlite::Connection, hall: &Hall, b: rows::BookingRow, whole: bool) -> wire::BookingLine {
    wire::BookingLine {
        service_name: hall.matter(&b.service_id).map_or_else(|| b.service_id.clone(), |m| m.name.clone()),
        ticket_number: b.ticket_id.and_then(|id| store::tickets::get(conn, id).ok().flatten()).map(|t| t.number),
        // A clerk's list leaves it out: with it they could cancel the booking, or open the
        // ticket's page and rate their own service. A purged booking's stand-in is no code.
        code: (whole && rows::code_held(&b.code)).then_some(b.code),
        hall_cancelled: b.status == "cancelled" && b.cancelled_by.as_deref().is_some_and(|by| by != "citizen"),
        excuse: b.excuse.filter(|_| whole),
        status: rows::status(&b.status),
        service_id: b.service_id,
        start: b.start,
        end: b.end,
        name: b.name,
        phone: if whole { b.phone } else { booking::mask_phone(&b.phone) },
        id_masked: b.id_masked,
    }
}

/// Longest reason for excusing a missed booking, in characters.
const MAX_REASON: usize = 500;

/// The director excuses a missed booking (the hall closed that day, the kiosk could not check
/// it in, the citizen was taken ill and phoned): it stays in the day's list as excused and no
/// longer counts towards the person's suspension. Audited (the booking only: the reason is kept
/// on it); answered with the booking as the director's list shows it.
pub(super) fn excuse(ctx: &mut Ctx, code: &str, reason: &str) -> ApiResult<Answer> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ApiError::new(Code::ReasonRequired, "say why the citizen was not at fault"));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(ApiError::new(Code::TextTooLong, format!("a reason has at most {MAX_REASON} characters")));
    }
    let b = load(ctx, code)?;
    if b.status != "missed" {
        let why = match b.status.as_str() {
            "booked" => "it is not missed: a day's misses are marked when the day closes".to_string(),
            other => format!("the booking is {}, not missed", other.replace('_', " ")),
        };
        return Err(ApiError::new(Code::BookingNotMissed, why));
    }
    rows::excuse(ctx.tx, b.id, ctx.now_ms, reason)?;
    // The reason may tell of the citizen's health or family: kept on the booking (deleted with
    // its name and phone), never in the append-only audit trail.
    ctx.audit(
        "booking.excuse",
        None,
        Some(format!("booking:{}", b.id)),
        json!({ "service_id": b.service_id, "day": b.day }),
    )?;
    let row = load(ctx, code)?;
    Answer::json(StatusCode::OK, &line(ctx.tx, ctx.hall, row, true))
}

/// Day close: bookings of earlier days nobody came for are missed; citizens' data older than
/// `keep_days` is deleted. Both audited when they changed anything.
pub(super) fn close_day(ctx: &mut Ctx) -> ApiResult<()> {
    let (missed, excused) = rows::mark_missed(ctx.tx, &ctx.day, ctx.now_ms)?;
    let today = today(ctx)?;
    let before = (today - Duration::days(ctx.hall.policy.booking.keep_days.into())).to_string();
    let missed_since = (today - Duration::days(booking::SUSPENSION_DAYS * 2)).to_string();
    let (bookings, tickets) = rows::purge(ctx.tx, &before, &missed_since)?;
    if missed + excused + bookings + tickets > 0 {
        ctx.audit(
            "booking.day_close",
            None,
            None,
            json!({ "missed": missed, "excused": excused, "purged_before": before, "bookings_deleted": bookings,
                    "ticket_ids_deleted": tickets }),
        )?;
    }
    Ok(())
}
