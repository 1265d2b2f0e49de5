//! 好差评: a citizen's rating of a finished service (once, from any channel), and the director's
//! follow-up of a bad one. The rater is anonymous to staff: a rating's audit row names the
//! channel and the level, never the phone; the clerk never sees who rated what.

use axum::http::StatusCode;
use chrono::NaiveDate;
use hall_wire as wire;
use serde_json::json;

use super::{Actor, Answer, Ctx};
use crate::domain::rating::{self, Channel, FollowUpAction, FollowUpState, Given, Level, Reason};
use crate::error::{ApiError, ApiResult, Code};
use crate::store::ratings::{self, FollowUpRow, RatingRow, Service};

/// Which service is rated, as the channel names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RateTarget {
    /// The ticket's phone page (`/t/{token}`).
    TicketToken(String),
    /// The case's phone page (`/c/{token}`).
    CaseToken(String),
    /// The window's evaluator: the service just finished there, by its ticket number.
    Evaluator { ticket_number: String },
}

/// A rating as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingInput {
    pub level: Level,
    pub reason: Option<Reason>,
    pub text: Option<String>,
    pub phone: Option<String>,
}

fn today(ctx: &Ctx) -> NaiveDate {
    NaiveDate::parse_from_str(&ctx.day, "%Y-%m-%d").expect("the writer's day is a date")
}

fn unknown_ticket() -> ApiError {
    ApiError::new(Code::UnknownTicket, "no ticket has this token")
}

/// The service a rating is for, checked: finished, rateable from this channel.
fn service(ctx: &Ctx, target: &RateTarget) -> ApiResult<(Service, Channel)> {
    match target {
        RateTarget::TicketToken(token) => {
            Ok((ratings::service_by_ticket_token(ctx.tx, token)?.ok_or_else(unknown_ticket)?, Channel::Phone))
        }
        RateTarget::CaseToken(token) => Ok((
            ratings::service_by_case_token(ctx.tx, token)?
                .ok_or_else(|| ApiError::new(Code::UnknownCase, "no case has this token"))?,
            Channel::Phone,
        )),
        RateTarget::Evaluator { ticket_number } => {
            let Actor::Evaluator { window, .. } = ctx.actor else {
                return Err(ApiError::new(Code::EvaluatorOnly, "only a window's evaluator rates this way"));
            };
            let last = ratings::last_finished_at(ctx.tx, &ctx.day, window)?;
            let next = ratings::next_call(ctx.tx, window, ctx.now_ms)?;
            let asks = last.as_ref().is_some_and(|s| {
                s.ticket_number == ticket_number.trim()
                    && s.finished_at
                        .is_some_and(|f| rating::evaluator_asks(f, ctx.now_ms, ctx.hall.policy.ratings, next))
            });
            match last {
                Some(s) if asks => Ok((s, Channel::Evaluator)),
                _ => Err(ApiError::new(
                    Code::RatingClosed,
                    format!("this evaluator no longer asks about ticket {ticket_number}; rate it on the ticket's phone page"),
                )),
            }
        }
    }
}

/// A citizen rates a finished service: once, from whichever channel comes first.
pub(super) fn rate(ctx: &mut Ctx, target: &RateTarget, input: &RatingInput) -> ApiResult<Answer> {
    let given =
        Given { level: input.level, reason: input.reason, text: input.text.as_deref(), phone: input.phone.as_deref() };
    let kept = rating::check(&given)?;
    let (service, channel) = service(ctx, target)?;
    let (case_id, _, window, clerk) = match (&service.case, service.status.as_str()) {
        (Some(case), "done") => case.clone(),
        _ => return Err(ApiError::new(Code::NotFinished, "this service is not finished yet; rate it once it is")),
    };
    if let Some(first) = ratings::of_ticket(ctx.tx, service.ticket_id)? {
        return Err(ApiError::new(
            Code::AlreadyRated,
            format!("this service was rated already ({}); one rating per service", ctx.fmt(first.at)),
        ));
    }
    let row = RatingRow {
        id: 0,
        ticket_id: service.ticket_id,
        case_id: Some(case_id),
        window_id: window.clone(),
        clerk,
        service_id: service.service_id.clone(),
        channel,
        level: kept.level,
        reason: kept.reason,
        text: kept.text,
        phone: kept.phone,
        at: ctx.now_ms,
    };
    let id = ratings::insert(ctx.tx, &ctx.day.clone(), &row)?;
    // The audit names what was rated and how, never who rated or their phone.
    let detail =
        json!({ "channel": channel.as_str(), "level": kept.level.as_str(), "reason": kept.reason.map(Reason::as_str) });
    ctx.audit("rating.given", Some(&window), Some(format!("ticket:{}", service.ticket_number)), detail)?;
    // The county's satisfaction figures: the level, where and what, never who or why.
    let given = wire::RatingGiven {
        level: kept.level.into(),
        window_id: window.clone(),
        service_id: service.service_id.clone(),
        channel: channel.into(),
        at: ctx.fmt(ctx.now_ms),
    };
    ctx.emit(wire::event_kind::RATING_GIVEN, &given)?;
    let follow_up = kept.level.is_bad();
    if follow_up {
        let opened_on = today(ctx);
        let limits = ctx.hall.policy.ratings;
        let dues = rating::follow_up_dues(opened_on, limits, ctx.calendar);
        let fid = ratings::open_follow_up(ctx.tx, id, opened_on, (dues, limits), ctx.now_ms)?;
        ctx.audit("follow_up.open", Some(&window), Some(format!("follow_up:{fid}")), json!({ "rating": id }))?;
        changed(ctx, fid, "opened")?;
    }
    let receipt =
        wire::RatingReceipt { level: kept.level.into(), channel: channel.into(), at: ctx.fmt(ctx.now_ms), follow_up };
    Answer::json(StatusCode::CREATED, &receipt)
}

fn changed(ctx: &mut Ctx, id: i64, action: &str) -> ApiResult<()> {
    let event = wire::FeedbackChanged {
        subject: wire::FeedbackSubject::FollowUp,
        id,
        action: action.into(),
        urgent: false,
        at: ctx.fmt(ctx.now_ms),
        day: None,
    };
    ctx.emit(wire::event_kind::FEEDBACK_CHANGED, &event)
}

fn load(ctx: &Ctx, id: i64) -> ApiResult<FollowUpRow> {
    ratings::follow_up(ctx.tx, id)?.ok_or_else(|| ApiError::new(Code::UnknownFollowUp, format!("no follow-up {id}")))
}

/// A follow-up as the director reads it; `with_phone` only for the audited single read.
pub fn view(ctx_hall: &crate::hall::Hall, f: &FollowUpRow, today: NaiveDate, with_phone: bool) -> wire::FollowUp {
    let fmt = |ms: i64| crate::store::reads::fmt_time(ctx_hall, ms);
    let window = ctx_hall.window(&f.rating.window_id);
    wire::FollowUp {
        id: f.id,
        state: f.state.into(),
        level: f.rating.level.into(),
        reason: f.rating.reason.unwrap_or(Reason::Other).into(),
        text: f.rating.text.clone(),
        phone: f.rating.phone.clone().filter(|_| with_phone),
        channel: f.rating.channel.into(),
        window_id: f.rating.window_id.clone(),
        window_number: window.map(|w| w.number).unwrap_or(0),
        clerk: f.rating.clerk.clone(),
        clerk_name: ctx_hall
            .staff(&f.rating.clerk)
            .map(|s| s.name.clone())
            .or_else(|| f.clerk_former_name.clone())
            .unwrap_or_else(|| f.rating.clerk.clone()),
        service_name: ctx_hall.matter(&f.rating.service_id).map(|m| m.name.clone()).unwrap_or_default(),
        ticket_number: f.ticket_number.clone(),
        case_number: f.case_number.clone(),
        rated_at: fmt(f.rating.at),
        contact_due: f.contact_due.map(|d| d.to_string()),
        rectify_due: f.rectify_due.map(|d| d.to_string()),
        overdue: rating::follow_up_overdue(f.state, (f.contact_due, f.rating.phone.is_some()), f.rectify_due, today),
        contacted_at: f.contacted_at.map(fmt),
        contact_note: f.contact_note.clone(),
        closed_at: f.closed_at.map(fmt),
        action_taken: f.action_taken.clone(),
        has_phone: f.rating.phone.is_some(),
    }
}

/// The director reads one follow-up with the rater's phone: audited (个人信息保护法).
pub(super) fn read(ctx: &mut Ctx, id: i64) -> ApiResult<Answer> {
    let f = load(ctx, id)?;
    ctx.audit("follow_up.read", Some(&f.rating.window_id), Some(format!("follow_up:{id}")), json!({}))?;
    Answer::json(StatusCode::OK, &view(ctx.hall, &f, today(ctx), true))
}

/// The director records a contact with the rater, or closes the follow-up with what was done.
pub(super) fn act(ctx: &mut Ctx, id: i64, action: FollowUpAction, note: &str) -> ApiResult<Answer> {
    let note = note.trim();
    if note.is_empty() {
        return Err(ApiError::new(Code::NoteRequired, "say what was said or done"));
    }
    if note.chars().count() > rating::MAX_TEXT {
        return Err(ApiError::new(Code::TextTooLong, format!("a note is limited to {} characters", rating::MAX_TEXT)));
    }
    let mut f = load(ctx, id)?;
    f.state = rating::follow_up_next(f.state, action, f.rating.phone.is_some())?;
    let name = match action {
        FollowUpAction::Contact => {
            f.contacted_at = Some(ctx.now_ms);
            f.contact_note = Some(note.to_string());
            "contacted"
        }
        FollowUpAction::Close => {
            f.closed_at = Some(ctx.now_ms);
            f.action_taken = Some(note.to_string());
            // Its only purpose, calling the rater back, has ended (个人信息保护法: kept no longer).
            ratings::forget_phone(ctx.tx, f.rating.id)?;
            f.rating.phone = None;
            "closed"
        }
    };
    debug_assert!(f.state != FollowUpState::Open);
    ratings::update_follow_up(ctx.tx, &f, ctx.actor.name())?;
    ctx.audit(
        &format!("follow_up.{name}"),
        Some(&f.rating.window_id),
        Some(format!("follow_up:{id}")),
        json!({ "state": f.state.as_str() }),
    )?;
    changed(ctx, id, name)?;
    // Without the phone: it is read once, audited (`read`), and this answer is kept for retries.
    Answer::json(StatusCode::OK, &view(ctx.hall, &f, today(ctx), false))
}

/// A year's notice made days of the December before it days off (`from`..=`to`): a follow-up's
/// due day (to contact the citizen, to put it right) on one of them moves to the next working
/// day (顺延), audited. Answers how many follow-ups moved.
pub(super) fn defer_from_days_off(ctx: &mut Ctx, from: NaiveDate, to: NaiveDate) -> ApiResult<u32> {
    let mut moved = 0;
    for mut f in ratings::follow_ups_due_between(ctx.tx, from, to)? {
        let contact = f.contact_due.and_then(|d| ctx.calendar.deferred(d));
        let rectify = f.rectify_due.and_then(|d| ctx.calendar.deferred(d));
        if contact.is_none() && rectify.is_none() {
            continue;
        }
        f.contact_due = contact.or(f.contact_due);
        f.rectify_due = rectify.or(f.rectify_due);
        ratings::update_follow_up(ctx.tx, &f, ctx.actor.name())?;
        let dues = json!({
            "contact_due": f.contact_due.map(|d| d.to_string()),
            "rectify_due": f.rectify_due.map(|d| d.to_string()),
            "deferred": true,
        });
        ctx.audit("follow_up.deadline_set", Some(&f.rating.window_id), Some(format!("follow_up:{}", f.id)), dues)?;
        changed(ctx, f.id, "deadline_set")?;
        moved += 1;
    }
    Ok(moved)
}

/// A year of the calendar was added: follow-ups' deadlines that waited for it are set now.
pub(super) fn settle_pending(ctx: &mut Ctx) -> ApiResult<u32> {
    let mut settled = 0;
    for mut f in ratings::follow_ups_pending_dates(ctx.tx)? {
        // The limits it was opened under, not as changed since.
        let mut limits = ctx.hall.policy.ratings;
        if let Some((contact_days, rectify_days)) = ratings::follow_up_limits(ctx.tx, f.id)? {
            (limits.contact_days, limits.rectify_days) = (contact_days, rectify_days);
        }
        // A due date set already stays (only the one that waited is set now).
        let (contact, rectify) = rating::follow_up_dues(f.opened_on, limits, ctx.calendar);
        let (contact, rectify) = (f.contact_due.or(contact), f.rectify_due.or(rectify));
        if (contact, rectify) == (f.contact_due, f.rectify_due) {
            continue;
        }
        (f.contact_due, f.rectify_due) = (contact, rectify);
        ratings::update_follow_up(ctx.tx, &f, ctx.actor.name())?;
        let dues =
            json!({ "contact_due": contact.map(|d| d.to_string()), "rectify_due": rectify.map(|d| d.to_string()) });
        ctx.audit("follow_up.deadline_set", Some(&f.rating.window_id), Some(format!("follow_up:{}", f.id)), dues)?;
        changed(ctx, f.id, "deadline_set")?;
        settled += 1;
    }
    Ok(settled)
}
