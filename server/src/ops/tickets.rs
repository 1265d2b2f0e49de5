//! Issuing tickets and putting a returning no-show back in the queue.

use axum::http::StatusCode;
use hall_wire as wire;
use serde_json::json;

use super::{Answer, Ctx, StatusLink};
use crate::domain::hours::{Issuing, Stop};
use crate::domain::{numbering, ticket, Priority, TicketStatus};
use crate::error::{ApiError, ApiResult, Code};
use crate::store::{issuing, reads, tickets};

pub(super) fn queue_changed(ctx: &mut Ctx, queue: &str) -> ApiResult<()> {
    let q = reads::queue(ctx.tx, ctx.at(), queue).map_err(ApiError::Internal)?;
    if let Some(queue) = q {
        let at = Some(ctx.fmt(ctx.now_ms));
        ctx.emit(wire::event_kind::QUEUE_CHANGED, &wire::QueueChanged { queue, at })?;
    }
    Ok(())
}

pub(super) fn view(ctx: &Ctx, t: &tickets::TicketRow) -> ApiResult<wire::Ticket> {
    reads::ticket(ctx.tx, ctx.hall, ctx.calendar, t, ctx.now_ms).map_err(ApiError::Internal)
}

/// A ticket to print again: its view with the phone page's link (the QR code on the paper).
pub(super) fn reprint_view(ctx: &Ctx, t: &tickets::TicketRow) -> ApiResult<wire::Ticket> {
    let mut ticket = view(ctx, t)?;
    let token = tickets::status_token_of(ctx.tx, t.id)?;
    ticket.status_url = token.map(|token| format!("{}/t/{token}", ctx.public_url));
    Ok(ticket)
}

pub(super) fn load(ctx: &Ctx, id: i64) -> ApiResult<tickets::TicketRow> {
    tickets::get(ctx.tx, id)?.ok_or_else(|| ApiError::new(Code::UnknownTicket, format!("no ticket {id}")))
}

/// A ticket to issue: a walk-in's at the kiosk, or a booking's at its check-in.
pub(super) struct Issue<'a> {
    pub service_id: &'a str,
    pub priority: Option<Priority>,
    pub status: &'a StatusLink,
    /// The identity number (hashed): a walk-in's on matters that ask for it, a booking's made with one.
    pub person: Option<&'a super::booking::PersonId>,
    /// Checked in on time for a booking: its slot's start; the ticket waits in the booked class.
    pub booked_slot: Option<i64>,
    /// A booking's check-in: its place was counted in the quota when booked (so no quota
    /// refuses it); on time it is issued whatever the hours (the citizen may arrive before the
    /// hall opens its afternoon), late only within them (an ordinary ticket).
    pub by_booking: bool,
}

pub(super) fn issue(
    ctx: &mut Ctx,
    service_id: &str,
    priority: Option<Priority>,
    status: &StatusLink,
    person: Option<&super::booking::PersonId>,
) -> ApiResult<Answer> {
    if let Some(t) = person.map(|p| ticket_again(ctx, service_id, p)).transpose()?.flatten() {
        return Answer::json(StatusCode::OK, &t);
    }
    let issue = Issue { service_id, priority, status, person, booked_slot: None, by_booking: false };
    let (_, t) = issue_one(ctx, &issue)?;
    Answer::json(StatusCode::CREATED, &t)
}

/// A person at their limit of tickets of the matter whose last one still waits: that ticket
/// again, to print once more (the paper lost, or the kiosk's answer lost while the citizen
/// stepped away and asked again), rather than `409 person_limit` to someone holding nothing.
/// Audited `ticket.again`.
fn ticket_again(ctx: &mut Ctx, service_id: &str, p: &super::booking::PersonId) -> ApiResult<Option<wire::Ticket>> {
    let day = ctx.day.clone();
    let live = crate::store::booking::live_tickets_of(ctx.tx, &day, service_id, &p.hash)?;
    if live < ctx.hall.policy.booking.tickets_per_person_per_matter {
        return Ok(None);
    }
    let Some(id) = crate::store::booking::waiting_ticket_of(ctx.tx, &day, service_id, &p.hash)? else {
        return Ok(None);
    };
    let t = load(ctx, id)?;
    // Which ticket, never whose: the audit is kept for good, the person's record only its
    // keeping time (as `ticket.issue`).
    let detail = json!({ "ticket": t.number, "by_id_number": true });
    ctx.audit("ticket.again", None, Some(format!("ticket:{id}")), detail)?;
    Ok(Some(reprint_view(ctx, &t)?))
}

/// Issues one ticket: its number, audit, `ticket_issued` and the queue's new figures.
pub(super) fn issue_one(ctx: &mut Ctx, issue: &Issue) -> ApiResult<(i64, wire::Ticket)> {
    let (service_id, priority, status) = (issue.service_id, issue.priority, issue.status);
    // A kiosk (checked by `access`): the device is recorded with the ticket.
    let device = ctx.actor.name().to_string();
    let hall = ctx.hall;
    let matter = hall
        .matter(service_id)
        .ok_or_else(|| ApiError::new(Code::UnknownService, format!("no matter `{service_id}` in this hall")))?;
    let queue = hall.queue(&matter.queue).expect("validated hall");
    let (queue_id, prefix) = (queue.id.clone(), queue.prefix);
    let day = ctx.day.clone();
    if !issue.by_booking && matter.id_number && issue.person.is_none() {
        return Err(ApiError::new(Code::IdNumberRequired, format!("`{}` asks for the 居民身份证号", matter.name)));
    }
    if let Some(p) = issue.person {
        let live = crate::store::booking::live_tickets_of(ctx.tx, &day, service_id, &p.hash)?;
        let limit = hall.policy.booking.tickets_per_person_per_matter;
        if live >= limit {
            return Err(ApiError::new(
                Code::PersonLimit,
                format!(
                    "{} already holds {live} ticket(s) of `{}` today (the limit is {limit})",
                    p.masked, matter.name
                ),
            ));
        }
    }
    // Read once for the ticket: the matter's state now, the queue's after it.
    let reopened = issuing::reopened_today(ctx.tx, &day)?;
    let state = issuing::matter_when(ctx.tx, ctx.at(), matter, reopened)?;
    // A booking on time is its slot's (hours and quota do not apply); one checked in late is an
    // ordinary ticket (the hours do: after closing nobody would call it), and its place went back
    // to the walk-ins when its check-in closed: it takes one again only if one is left.
    let exempt = |_: Stop| (priority.is_some() && hall.hours.priority_exempt) || issue.booked_slot.is_some();
    match state {
        Issuing::Stopped { reason, next_open } if !exempt(reason) => {
            let next = next_open.and_then(|t| issuing::fmt_local(hall, t));
            let when = next.as_deref().map(|t| format!("; tickets are available again from {t}")).unwrap_or_default();
            return Err(match reason {
                Stop::QuotaReached => ApiError::not_issuing(
                    Code::QuotaReached,
                    format!("today's tickets for `{}` are all taken{when}", matter.id),
                    next,
                ),
                _ => ApiError::not_issuing(Code::HallClosed, format!("tickets are not issued now{when}"), next),
            });
        }
        _ => {}
    }
    if !issue.by_booking {
        tickets::count_issued(ctx.tx, &day, service_id)?;
    }
    let seq = tickets::take_seq(ctx.tx, &day, &queue_id)?;
    let number = numbering::ticket_number(prefix, seq);
    let id = tickets::insert(
        ctx.tx,
        &tickets::NewTicket {
            day: &day,
            queue: &queue_id,
            seq,
            number: &number,
            service_id,
            priority,
            at_ms: ctx.now_ms,
            device: &device,
            status_token: &status.token,
            booked_slot: issue.booked_slot,
        },
    )?;
    if let Some(p) = issue.person {
        crate::store::booking::insert_ticket_person(ctx.tx, id, &day, service_id, &p.hash, &p.masked)?;
    }
    // Whether a priority class or an identity number was given, never which or whose: the
    // ticket keeps the class, and the person's record is deleted after its keeping time; the
    // audit, kept for good and read by every auditor, would outlive it (a disability, a
    // pregnancy, a masked number).
    ctx.audit(
        "ticket.issue",
        None,
        Some(format!("ticket:{id}")),
        json!({ "number": number, "service_id": service_id, "priority": priority.is_some(),
                "booked": issue.booked_slot.is_some(), "id_number": issue.person.is_some() }),
    )?;
    // The new ticket is the last of its class (a booked one: of its slot, nearly always), so
    // who is ahead and how many wait come from the kept counts; a booked one asks its queue.
    let (priority_waiting, booked_waiting, ordinary_waiting) = tickets::class_counts(ctx.tx, &day, &queue_id)?;
    let ahead = match (priority, issue.booked_slot) {
        (Some(_), _) => priority_waiting.saturating_sub(1),
        (None, Some(_)) => match tickets::get(ctx.tx, id)? {
            Some(row) => tickets::waiting_ahead(ctx.tx, &row)?,
            None => priority_waiting + booked_waiting.saturating_sub(1),
        },
        (None, None) => priority_waiting + booked_waiting + ordinary_waiting.saturating_sub(1),
    };
    let pace = reads::pace(ctx.tx, ctx.hall, ctx.calendar, &queue_id, ctx.now_ms).map_err(ApiError::Internal)?;
    let issued_at = ctx.fmt(ctx.now_ms);
    let t = wire::Ticket {
        id,
        number: number.clone(),
        service_id: service_id.to_string(),
        queue: queue_id.clone(),
        status: wire::TicketStatus::Waiting,
        priority: priority.map(Into::into),
        waiting_ahead: ahead,
        estimated_wait_minutes: pace.minutes(ahead),
        windows: matter.windows.clone(),
        issued_at: issued_at.clone(),
        called_at: None,
        started_at: None,
        window_id: None,
        first_window_id: None,
        outcome: None,
        status_url: Some(status.url.clone()),
        case: None,
        booked: issue.booked_slot.is_some(),
    };
    ctx.emit(
        wire::event_kind::TICKET_ISSUED,
        &wire::TicketIssued {
            ticket_id: id,
            number,
            queue: queue_id.clone(),
            service_id: service_id.to_string(),
            priority: t.priority,
            at: issued_at,
            booked: t.booked,
        },
    )?;
    let waiting = priority_waiting + booked_waiting + ordinary_waiting;
    let oldest_wait_minutes = tickets::oldest_wait_minutes(ctx.tx, &day, &queue_id, ctx.now_ms)?;
    let queue_issuing = issuing::to_wire(hall, issuing::queue_when(ctx.tx, ctx.at(), &queue_id, reopened)?, None);
    let q = wire::Queue {
        queue: queue_id,
        prefix: prefix.to_string(),
        name: queue.name.clone(),
        waiting,
        estimated_wait_minutes: pace.minutes(waiting),
        oldest_wait_minutes,
        issuing: queue_issuing,
    };
    ctx.emit(wire::event_kind::QUEUE_CHANGED, &q)?;
    Ok((id, t))
}

/// A ticket waits again: `ticket_requeued`, and its queue's new figures.
pub(super) fn announce_requeued(ctx: &mut Ctx, t: &tickets::TicketRow) -> ApiResult<()> {
    let event = wire::TicketRequeued {
        ticket_id: t.id,
        number: t.number.clone(),
        queue: t.queue.clone(),
        at: ctx.fmt(ctx.now_ms),
    };
    ctx.emit(wire::event_kind::TICKET_REQUEUED, &event)?;
    queue_changed(ctx, &t.queue)
}

pub(super) fn requeue(ctx: &mut Ctx, ticket_id: i64) -> ApiResult<Answer> {
    let t = load(ctx, ticket_id)?;
    if t.day != ctx.day {
        return Err(ApiError::new(
            Code::TicketExpired,
            format!("ticket {} was issued on {}, not today", t.number, t.day),
        ));
    }
    ticket::apply(t.status, ticket::Action::Requeue, t.requeues, ctx.hall.policy.no_show_requeue_limit)
        .map_err(|r| ApiError::new(Code::InvalidTransition, r.to_string()))?;
    // A booked citizen called on time and not there, put back once their slot's grace is over,
    // waits as an ordinary one at their place (as a late check-in would): not ahead of the
    // citizens booked for now and the walk-ins.
    let grace_ms = i64::from(ctx.hall.policy.booking.grace_minutes) * 60_000;
    let rank = match t.booked_slot {
        Some(slot) if t.prio_rank == tickets::BOOKED && ctx.now_ms > slot + grace_ms => tickets::ORDINARY,
        _ => t.prio_rank,
    };
    // Sent to a window that has closed since (its clerk signed out when it was a no-show): no
    // window would ever call it there; it waits for any window of its matter, as the tickets
    // sent there were released when it closed.
    let target_closed = match t.target_window.as_deref() {
        Some(w) => crate::store::windows::get(ctx.tx, w, ctx.now_ms)?.is_none_or(|r| r.session_id.is_none()),
        None => false,
    };
    tickets::mark_requeued(ctx.tx, &t, rank, target_closed)?;
    ctx.audit("ticket.requeue", None, Some(format!("ticket:{}", t.id)), json!({ "number": t.number }))?;
    announce_requeued(ctx, &t)?;
    let row = load(ctx, t.id)?;
    debug_assert_eq!(row.status, TicketStatus::Waiting);
    let mut answer = view(ctx, &row)?;
    // A leader puts a ticket back (the no-show list is every staff member's), but is not told
    // its priority class, as everywhere else.
    if !super::access::sees_ticket_details(ctx.actor) {
        answer.priority = None;
    }
    Answer::json(StatusCode::OK, &answer)
}
