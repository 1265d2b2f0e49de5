//! Write operations: each turns one request into changes inside the writer's transaction,
//! appending its audit rows and events there too. They run only on the writer thread.

pub mod access;
pub mod assessment;
mod attendance;
mod auth;
pub mod booking;
pub mod cases;
pub mod complaints;
mod day_close;
pub mod inspections;
mod issuing;
pub mod kiosks;
pub mod leave;
pub mod petitions;
pub mod ratings;
pub mod relay;
mod tickets;
pub mod village;
mod windows;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use rusqlite::Transaction;
use serde::Serialize;

use crate::domain::calendar::Calendar;
use crate::domain::{numbering, KioskFaultKind, Priority};
use crate::error::{ApiError, ApiResult, Code};
use crate::hall::{Hall, StaffRole};
use crate::store::{self, audit, events::LiveEvent};
use sha2::Digest;

/// Who asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The server's own housekeeping (e.g. closing windows whose clerk's session expired).
    System,
    Kiosk {
        id: String,
    },
    /// A window's rating screen, facing the citizen there.
    Evaluator {
        id: String,
        window: String,
    },
    /// The county service following the hall's events (`[[counties]]`): reads `/api/events`
    /// and `/api/hall`, nothing else.
    County {
        id: String,
    },
    /// A citizen on a phone page, known only by it (e.g. `ticket:42`).
    Citizen {
        via: String,
    },
    Staff {
        username: String,
        role: StaffRole,
        session_id: i64,
        window_id: Option<String>,
    },
}

impl Actor {
    pub fn name(&self) -> &str {
        match self {
            Actor::System => "system",
            Actor::Kiosk { id } | Actor::Evaluator { id, .. } | Actor::County { id } => id,
            Actor::Citizen { via } => via,
            Actor::Staff { username, .. } => username,
        }
    }

    pub fn role(&self) -> &'static str {
        match self {
            Actor::System => "system",
            Actor::Kiosk { .. } => "kiosk",
            Actor::Evaluator { .. } => "evaluator",
            Actor::County { .. } => "county",
            Actor::Citizen { .. } => "citizen",
            Actor::Staff { role, .. } => role.as_str(),
        }
    }

    /// Whose stored answers an `Idempotency-Key` refers to.
    pub fn idempotency_caller(&self) -> String {
        format!("{}:{}", self.role(), self.name())
    }
}

/// What a write asks for.
#[derive(Debug, Clone)]
pub enum Op {
    IssueTicket {
        service_id: String,
        priority: Option<Priority>,
        /// The ticket's status-page secret and that page's address, made at the HTTP boundary.
        status: StatusLink,
        /// The walk-in's identity number, hashed at the boundary (matters that ask for it).
        person: Option<booking::PersonId>,
    },
    /// A citizen books a slot (public, rate-limited per address at the boundary).
    Book {
        input: Box<booking::BookingInput>,
    },
    /// A citizen cancels a booking before its slot starts (the code is the secret).
    CancelBooking {
        code: String,
    },
    /// A kiosk checks a booking in: a ticket, booked when on time.
    CheckIn {
        by: booking::CheckInBy,
        status: StatusLink,
    },
    /// The director excuses a missed booking, with the reason (kept on the booking; the audit
    /// row names the booking only): it no longer counts towards the person's suspension.
    ExcuseBooking {
        code: String,
        reason: String,
    },
    /// Staff read a day's bookings (audited: names and phones).
    ReadBookings {
        day: String,
    },
    Login {
        username: String,
        role: StaffRole,
        window_id: Option<String>,
        token: String,
        /// The password hash the handler checked the password against: the writer signs in
        /// only if the hall in force still has it and the role (a new password or role saved
        /// meanwhile refuses it).
        password_hash: String,
    },
    Logout,
    CallNext {
        window: String,
    },
    Recall {
        window: String,
    },
    Start {
        window: String,
    },
    NoShow {
        window: String,
    },
    Transfer {
        window: String,
        service_id: Option<String>,
        to_window: Option<String>,
    },
    /// What the finish says, and the case it registers.
    Finish {
        window: String,
        finish: cases::FinishInput,
    },
    /// A service the day's close ended before anyone finished it, registered afterwards at its
    /// window (R1): what a finish says, for that ticket.
    RegisterLeftOpen {
        window: String,
        ticket_id: i64,
        finish: cases::FinishInput,
    },
    /// The citizen called came back for a case registered earlier: their ticket finished as a
    /// visit for it (no second case).
    FinishVisit {
        window: String,
        number: String,
        materials_complete: bool,
    },
    /// A staff read of a case (audited: it holds personal information).
    ReadCase {
        number: String,
    },
    /// A closed case's file archived (归档, R17), by its window's clerk or the director.
    ArchiveCase {
        number: String,
    },
    /// The applicant's objection to a case and the answer given (R4), by its window's clerk or
    /// the director.
    AnswerObjection {
        number: String,
        objection: String,
        answer: String,
    },
    /// A staff action on a case.
    Case {
        number: String,
        action: cases::CaseOp,
    },
    /// The county service reads the messages waiting in the outbox (audited).
    ReadOutbox {
        limit: u32,
        /// Only messages after this id (the county reads the outbox page by page).
        after: i64,
    },
    /// The county service delivered an outbox message.
    AckOutbox {
        id: i64,
        /// The hall it was delivered to, by name (a report's history step says where).
        to_hall_name: Option<String>,
        /// Taken out undelivered (the county hall's own report: see `wire::OutboxAck`).
        not_relayed: bool,
    },
    /// A message of another hall, delivered by the county service: applied once by its key.
    Inbox {
        message: Box<hall_wire::InboxMessage>,
    },
    /// A staff read of an incoming case (audited: the applicant's data).
    ReadIncoming {
        id: i64,
    },
    /// Accept, extend or close an incoming case (上报来件).
    Incoming {
        id: i64,
        action: relay::IncomingOp,
    },
    /// A citizen rates a finished service (phone page, or the window's evaluator).
    Rate {
        target: ratings::RateTarget,
        rating: ratings::RatingInput,
    },
    /// The director reads a bad rating's follow-up with the rater's phone (audited).
    ReadFollowUp {
        id: i64,
    },
    /// The director records a contact with the rater, or closes the follow-up.
    FollowUp {
        id: i64,
        action: crate::domain::rating::FollowUpAction,
        note: String,
    },
    /// The director registers a complaint (R21).
    NewComplaint {
        input: Box<complaints::Input>,
    },
    /// A citizen's complaint from a ticket's phone page (the token is the ticket's); about
    /// which of its windows (by number; default its window).
    OnlineComplaint {
        token: String,
        input: Box<complaints::Input>,
        window_number: Option<u32>,
        /// The SHA-256 (hex) of the page's secret: the answer is shown to it alone.
        reader_key_hash: Option<String>,
    },
    /// The director's read of a complaint (audited: it holds the complainant's identity).
    ReadComplaint {
        id: i64,
    },
    /// The director's step on a complaint.
    Complaint {
        id: i64,
        action: complaints::ComplaintOp,
    },
    /// The director (or an administrator) registers a petition (R20).
    RegisterPetition {
        input: Box<petitions::PetitionInput>,
    },
    /// A read of a whole petition (audited: the petitioner's identity).
    ReadPetition {
        id: i64,
    },
    /// The director's action on a petition.
    Petition {
        id: i64,
        action: petitions::PetitionOp,
    },
    /// A clerk explains their own attendance mark (R15).
    /// A village agent registers a villager's request (R22).
    RegisterVillage {
        input: Box<village::VillageInput>,
    },
    /// The registering agent forwards it to the town hall.
    ForwardVillage {
        id: i64,
    },
    /// The whole request with the villager's name and phone (audited).
    ReadVillage {
        id: i64,
    },
    /// A clerk at a window handling the matter accepts it into a case.
    AcceptVillage {
        id: i64,
        acceptance: Box<cases::FinishInput>,
    },
    /// The registering agent replied to the villager.
    RepliedVillage {
        id: i64,
    },
    /// The director hands a request over to another agent of its station (one who left, is ill);
    /// `demo`: demo accounts may take it (a demo).
    HandOverVillage {
        id: i64,
        agent: String,
        demo: bool,
    },
    /// The director read clerks' explanations of their attendance over a range (audited after
    /// the read: an explanation may say something of a clerk's health or family).
    ReadExplanations {
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        explanations: u32,
    },
    ExplainAttendance {
        day: chrono::NaiveDate,
        kind: crate::domain::attendance::MarkKind,
        explanation: String,
    },
    /// The director acknowledges an explained attendance mark.
    AcknowledgeAttendance {
        day: chrono::NaiveDate,
        username: String,
        kind: crate::domain::attendance::MarkKind,
    },
    /// A clerk asks for leave with stand-ins (R16).
    RequestLeave {
        input: Box<leave::LeaveInput>,
    },
    /// A whole leave request with its reason (the director's read audited).
    ReadLeave {
        id: i64,
    },
    /// The director approves or refuses a request; the requester cancels it.
    Leave {
        id: i64,
        step: crate::domain::leave::Step,
        note: Option<String>,
    },
    /// The director closes a month's assessment (R17): its sheets are frozen. `demo`: demo
    /// accounts are assessed (a demo).
    CloseAssessment {
        month: String,
        demo: bool,
    },
    /// The director or a leader records a spot inspection (R18).
    RecordInspection {
        input: Box<inspections::InspectionInput>,
    },
    /// The director withdraws an inspection finding, with a reason.
    WithdrawFinding {
        id: i64,
        reason: String,
    },
    /// An administrator adds a year of the working-day calendar (already validated).
    AddCalendarYear {
        schedule: Box<crate::domain::calendar::YearSchedule>,
        toml: String,
    },
    /// The clock's sweep of days and cases: tickets left at windows on an earlier day are
    /// closed (day-close), supplements past their limit expire.
    CloseDays,
    Pause {
        window: String,
    },
    Resume {
        window: String,
    },
    Requeue {
        ticket_id: i64,
    },
    SetNotice {
        notice: String,
    },
    /// Closes windows whose clerk's session expired, so that displays stop showing them.
    ExpireSessions,
    /// The director sends a signed-in clerk to another window (stand-in, R16).
    StandIn {
        window: String,
        username: String,
        /// Outside the account's allowed windows, knowingly (audited).
        override_allowed: bool,
    },
    /// A kiosk reports its printer's state (`Recovered` clears the fault).
    KioskFault {
        kind: KioskFaultKind,
        message: String,
        ticket_number: Option<String>,
    },
    /// The director reopens issuing for the rest of today (`true`) or ends that (`false`).
    ReopenIssuing {
        reopen: bool,
    },
    /// The sweeper's look at the clock: tells displays and kiosks when issuing opened or stopped.
    CheckIssuing,
    /// A command with a bug: it changes a row, then panics (tests of the writer).
    #[cfg(test)]
    Panic,
    /// An administrator saves a new hall configuration (already validated).
    ReplaceHall {
        hall: Box<Hall>,
    },
}

/// A new ticket's status page: the random token kept with the ticket and the URL given back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLink {
    pub token: String,
    pub url: String,
}

/// An HTTP answer as the writer gives it (and as an idempotent retry gets it again): the
/// status and the JSON body, serialised once.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Option<String>,
    /// The stored first answer to a retried request: nothing was done this time.
    pub replayed: bool,
}

impl Answer {
    pub fn json(status: StatusCode, value: &impl Serialize) -> ApiResult<Answer> {
        Ok(Answer { status, body: Some(serde_json::to_string(value)?), replayed: false })
    }

    pub fn no_content() -> ApiResult<Answer> {
        Ok(Answer { status: StatusCode::NO_CONTENT, body: None, replayed: false })
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        match self.body {
            Some(b) => (self.status, [(header::CONTENT_TYPE, "application/json")], b).into_response(),
            None => self.status.into_response(),
        }
    }
}

/// What is in force for the commands of a batch: the hall, the calendar, the public address.
#[derive(Clone)]
pub struct World {
    pub hall: std::sync::Arc<Hall>,
    pub calendar: std::sync::Arc<Calendar>,
    pub public_url: std::sync::Arc<str>,
}

/// One operation's view of the open transaction.
pub struct Ctx<'a> {
    pub tx: &'a Transaction<'a>,
    pub hall: &'a Hall,
    /// The working-day calendar in force (R6).
    pub calendar: &'a Calendar,
    /// `--public-url` without its trailing `/` (empty: links are paths).
    pub public_url: &'a str,
    pub actor: &'a Actor,
    pub now: DateTime<Utc>,
    pub now_ms: i64,
    /// The hall's local date, `YYYY-MM-DD`.
    pub day: String,
    pub session_hours: u32,
    pub events: Vec<LiveEvent>,
    /// The window row the access check read for a clerk holding it (read once per command).
    pub held: Option<crate::store::windows::WindowRow>,
}

impl<'a> Ctx<'a> {
    pub fn new(tx: &'a Transaction<'a>, world: &'a World, actor: &'a Actor, now: DateTime<Utc>) -> Self {
        Ctx::of(tx, (&world.hall, &world.calendar, &world.public_url), actor, now)
    }

    /// A command's context in `hall` under `calendar` (the writer's world, or at start the hall
    /// and calendar being put in force), by `actor` at `now`.
    fn of(
        tx: &'a Transaction<'a>,
        (hall, calendar, public_url): (&'a Hall, &'a Calendar, &'a str),
        actor: &'a Actor,
        now: DateTime<Utc>,
    ) -> Self {
        Ctx {
            tx,
            hall,
            calendar,
            public_url,
            actor,
            now,
            now_ms: store::ms(now),
            day: numbering::local_day(now, hall.timezone).to_string(),
            session_hours: hall.policy.session_hours,
            events: Vec::new(),
            held: None,
        }
    }

    pub fn emit(&mut self, kind: &str, data: &impl Serialize) -> ApiResult<()> {
        let text = serde_json::to_string(data)?;
        self.events.push(store::events::append(self.tx, self.now_ms, kind, &text)?);
        Ok(())
    }

    pub fn audit(
        &mut self,
        action: &str,
        window: Option<&str>,
        subject: Option<String>,
        detail: serde_json::Value,
    ) -> ApiResult<()> {
        let device = match self.actor {
            Actor::Kiosk { id } | Actor::Evaluator { id, .. } | Actor::County { id } => Some(id.clone()),
            Actor::Staff { .. } | Actor::Citizen { .. } | Actor::System => None,
        };
        let entry = audit::Entry {
            at_ms: self.now_ms,
            actor: self.actor.name().to_string(),
            role: self.actor.role().to_string(),
            device,
            window_id: window.map(str::to_string),
            action: action.to_string(),
            subject,
            detail: detail.to_string(),
        };
        audit::append(self.tx, &entry)?;
        Ok(())
    }

    /// Where and when, as questions about issuing ask it.
    pub fn at(&self) -> crate::store::issuing::At<'_> {
        crate::store::issuing::At { hall: self.hall, calendar: self.calendar, day: &self.day, now: self.now }
    }

    pub fn fmt(&self, ms: i64) -> String {
        store::reads::fmt_time(self.hall, ms)
    }

    /// A time given as RFC 3339, or as the hall's local `YYYY-MM-DDTHH:MM[:SS]` (what a page's
    /// date-time field sends: read in the hall's zone, whatever the zone of the screen).
    pub fn given_time(&self, text: &str) -> Option<DateTime<Utc>> {
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Some(t.with_timezone(&Utc));
        }
        let local = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
            .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
            .ok()?;
        use chrono::TimeZone;
        Some(self.hall.timezone.from_local_datetime(&local).earliest()?.with_timezone(&Utc))
    }

    pub fn internal(e: anyhow::Error) -> ApiError {
        ApiError::Internal(e)
    }
}

/// Runs one operation.
pub fn apply(ctx: &mut Ctx, op: &Op) -> ApiResult<Answer> {
    ctx.held = access::check(ctx, op.need())?;
    if let (Some(_), Actor::Staff { window_id: Some(window), .. }) = (&ctx.held, ctx.actor) {
        // The clerk holding the window acts at it (a call, a finish, a pause, a village request
        // accepted…). On a session signed in on an earlier day (a hall with long sessions) that
        // is the arrival today (R15): not absent, not late by a sign-in that never came. Kept
        // once a day; a sign-in today already holds the day.
        let (day, name, now_ms) = (ctx.day.clone(), ctx.actor.name().to_string(), ctx.now_ms);
        store::windows::record_attendance(ctx.tx, &day, &name, Some(window.as_str()), now_ms)?;
    }
    match op {
        Op::IssueTicket { service_id, priority, status, person } => {
            tickets::issue(ctx, service_id, *priority, status, person.as_ref())
        }
        Op::Book { input } => booking::book(ctx, input),
        Op::CancelBooking { code } => booking::cancel(ctx, code),
        Op::CheckIn { by, status } => booking::check_in(ctx, by, status),
        Op::ReadBookings { day } => booking::read_day(ctx, day),
        Op::ExcuseBooking { code, reason } => booking::excuse(ctx, code, reason),
        Op::Login { username, role, window_id, token, password_hash } => {
            auth::login(ctx, username, (*role, password_hash), window_id.as_deref(), token)
        }
        Op::Logout => auth::logout(ctx),
        Op::CallNext { window } => windows::call_next(ctx, window),
        Op::Recall { window } => windows::recall(ctx, window),
        Op::Start { window } => windows::start(ctx, window),
        Op::NoShow { window } => windows::no_show(ctx, window),
        Op::Transfer { window, service_id, to_window } => {
            windows::transfer(ctx, window, service_id.as_deref(), to_window.as_deref())
        }
        Op::Finish { window, finish } => windows::finish(ctx, window, &finish.finishing()),
        Op::FinishVisit { window, number, materials_complete } => {
            windows::finish_visit(ctx, window, number, *materials_complete)
        }
        Op::RegisterLeftOpen { window, ticket_id, finish } => {
            windows::register_left_open(ctx, window, *ticket_id, &finish.finishing())
        }
        Op::ReadCase { number } => cases::read(ctx, number),
        Op::ArchiveCase { number } => cases::archive(ctx, number),
        Op::AnswerObjection { number, objection, answer } => cases::answer_objection(ctx, number, objection, answer),
        Op::Case { number, action: cases::CaseOp::Assign { window_id } } => cases::assign(ctx, number, window_id),
        Op::Case { number, action } => cases::act(ctx, number, action),
        Op::ReadOutbox { limit, after } => relay::read_outbox(ctx, *limit, *after),
        Op::AckOutbox { id, to_hall_name, not_relayed } => relay::ack(ctx, *id, to_hall_name.as_deref(), *not_relayed),
        Op::Inbox { message } => relay::inbox(ctx, message),
        Op::ReadIncoming { id } => relay::read(ctx, *id),
        Op::Incoming { id, action } => relay::act(ctx, *id, action),
        Op::Rate { target, rating } => ratings::rate(ctx, target, rating),
        Op::ReadFollowUp { id } => ratings::read(ctx, *id),
        Op::FollowUp { id, action, note } => ratings::act(ctx, *id, *action, note),
        Op::NewComplaint { input } => complaints::register(ctx, input),
        Op::OnlineComplaint { token, input, window_number, reader_key_hash } => {
            complaints::online(ctx, token, input, (*window_number, reader_key_hash.as_deref()))
        }
        Op::ReadComplaint { id } => complaints::read(ctx, *id),
        Op::Complaint { id, action } => complaints::act(ctx, *id, action),
        Op::RegisterPetition { input } => petitions::register(ctx, input),
        Op::ReadPetition { id } => petitions::read(ctx, *id),
        Op::Petition { id, action } => petitions::act(ctx, *id, action),
        Op::RegisterVillage { input } => village::register(ctx, input),
        Op::ForwardVillage { id } => village::forward(ctx, *id),
        Op::ReadVillage { id } => village::read(ctx, *id),
        Op::AcceptVillage { id, acceptance } => village::accept(ctx, *id, acceptance),
        Op::RepliedVillage { id } => village::replied(ctx, *id),
        Op::HandOverVillage { id, agent, demo } => village::hand_over(ctx, *id, agent, *demo),
        Op::ExplainAttendance { day, kind, explanation } => attendance::explain(ctx, *day, *kind, explanation),
        Op::ReadExplanations { from, to, explanations } => {
            attendance::read_explanations(ctx, *from, *to, *explanations)
        }
        Op::AcknowledgeAttendance { day, username, kind } => attendance::acknowledge(ctx, *day, username, *kind),
        Op::RequestLeave { input } => leave::request(ctx, input),
        Op::ReadLeave { id } => leave::read(ctx, *id),
        Op::Leave { id, step, note } => leave::act(ctx, *id, *step, note.as_deref()),
        Op::CloseAssessment { month, demo } => assessment::close(ctx, month, *demo),
        Op::RecordInspection { input } => inspections::record(ctx, input),
        Op::WithdrawFinding { id, reason } => inspections::withdraw(ctx, *id, reason),
        Op::AddCalendarYear { schedule, toml } => add_calendar_year(ctx, schedule, toml),
        Op::CloseDays => day_close::run(ctx),
        Op::Pause { window } => windows::set_paused(ctx, window, true),
        Op::Resume { window } => windows::set_paused(ctx, window, false),
        Op::Requeue { ticket_id } => tickets::requeue(ctx, *ticket_id),
        Op::SetNotice { notice } => set_notice(ctx, notice),
        Op::ExpireSessions => auth::expire_sessions(ctx),
        Op::StandIn { window, username, override_allowed } => auth::stand_in(ctx, window, username, *override_allowed),
        Op::ReplaceHall { hall } => replace_hall(ctx, hall),
        Op::ReopenIssuing { reopen } => issuing::reopen(ctx, *reopen),
        Op::CheckIssuing => issuing::check(ctx),
        #[cfg(test)]
        Op::Panic => {
            crate::store::settings::set(ctx.tx, crate::store::settings::NOTICE, "left by a command that panicked")?;
            panic!("a bug in a command")
        }
        Op::KioskFault { kind, message, ticket_number } => {
            kiosks::report_fault(ctx, *kind, message, ticket_number.as_deref())
        }
    }
}

/// The director (or admin) sets the lobby displays' notice line.
fn set_notice(ctx: &mut Ctx, notice: &str) -> ApiResult<Answer> {
    let notice = notice.trim();
    if notice.chars().count() > 500 {
        return Err(ApiError::new(Code::NoticeTooLong, "the notice is limited to 500 characters"));
    }
    store::settings::set(ctx.tx, store::settings::NOTICE, notice)?;
    ctx.audit("hall.notice", None, None, serde_json::json!({ "notice": notice }))?;
    let body = hall_wire::Notice { notice: notice.to_string(), at: Some(ctx.fmt(ctx.now_ms)) };
    ctx.emit(hall_wire::event_kind::NOTICE_CHANGED, &body)?;
    Answer::json(StatusCode::OK, &body)
}

/// A configuration file changed since the last start replaces `old` (the hall last in force) as
/// a save on /admin would, by the server itself (`system`), before the writer runs: sessions
/// whose rights it changed end, their windows are signed out, their called citizens go back to
/// their places and those sent on to them are released, bookings it no longer serves are
/// cancelled by the hall, new accounts join today, audited `hall.replace`. The events are kept
/// in the log for the streams' catch-up (nobody is listening yet). Returns the sessions ended
/// and the bookings cancelled (the director phones their citizens from the day's list).
pub fn replace_hall_at_start(
    tx: &Transaction,
    (old, new): (&Hall, &Hall),
    calendar: &Calendar,
    public_url: &str,
    now: DateTime<Utc>,
) -> ApiResult<(u32, u64)> {
    let actor = Actor::System;
    let mut ctx = Ctx::of(tx, (old, calendar, public_url), &actor, now);
    let (ended, summary) = put_in_force(&mut ctx, new)?;
    Ok((ended, summary["bookings_cancelled"].as_u64().unwrap_or(0)))
}

/// A shipped year a release brought, put in at start as an administrator's would be: the
/// deadlines, dues and leave that waited for it are counted, bookings on its new days off
/// cancelled by the hall, deadlines on a day its notice made off moved, audited
/// `calendar.add_year` by `system`. The events are kept in the log for the streams' catch-up.
/// Refused as the admin's would be (a notice changing a day already lived).
pub fn add_calendar_year_at_start(
    tx: &Transaction,
    (hall, calendar): (&Hall, &Calendar),
    public_url: &str,
    now: DateTime<Utc>,
    (schedule, toml): (&crate::domain::calendar::YearSchedule, &str),
) -> ApiResult<()> {
    let actor = Actor::System;
    let mut ctx = Ctx::of(tx, (hall, calendar, public_url), &actor, now);
    add_calendar_year(&mut ctx, schedule, toml).map(drop)
}

/// Saves an administrator's hall (validated by the caller): a row per window, the text kept for
/// restarts, an audit row, and `hall_changed` for displays and kiosks to reload.
fn replace_hall(ctx: &mut Ctx, hall: &Hall) -> ApiResult<Answer> {
    nothing_stranded(ctx, hall)?;
    let (_, summary) = put_in_force(ctx, hall)?;
    Answer::json(StatusCode::OK, &summary)
}

/// An administrator's hall that would leave a citizen stranded today is refused, saying whom:
/// a window it removes with a ticket called or served there (the citizen at the desk, whose
/// case could then be registered nowhere), a matter it removes with tickets still waiting, sent
/// on to it, or at a desk (no window would ever call them, nor register their case, and they
/// would hold their queue's figures all day); either with a service the day close ended that
/// is not registered yet (R1: it is registered at its window, with its matter's time limit).
fn nothing_stranded(ctx: &Ctx, hall: &Hall) -> ApiResult<()> {
    for w in ctx.hall.windows.iter().filter(|w| hall.window(&w.id).is_none()) {
        let left_open = store::tickets::left_open_count(ctx.tx, Some(&w.id), None)?;
        if left_open > 0 {
            return Err(ApiError::new(
                Code::WindowBusy,
                format!(
                    "window {} ({}) has {left_open} services the day close ended, not registered yet (R1): register them there before removing the window",
                    w.number, w.name
                ),
            ));
        }
        let current = store::windows::get(ctx.tx, &w.id, ctx.now_ms)?.and_then(|row| row.current_ticket);
        if let Some(t) = current.map(|id| store::tickets::get(ctx.tx, id)).transpose()?.flatten() {
            if matches!(t.status, crate::domain::TicketStatus::Called | crate::domain::TicketStatus::Serving) {
                return Err(ApiError::new(
                    Code::WindowBusy,
                    format!(
                        "window {} ({}) has {} at its desk: finish it there before removing the window",
                        w.number, w.name, t.number
                    ),
                ));
            }
        }
    }
    for m in ctx.hall.matters.iter().filter(|m| hall.matter(&m.id).is_none()) {
        let left_open = store::tickets::left_open_count(ctx.tx, None, Some(&m.id))?;
        if left_open > 0 {
            return Err(ApiError::new(
                Code::MatterInUse,
                format!(
                    "{left_open} services of `{}` ({}) the day close ended are not registered yet (R1): remove the matter once they are",
                    m.id, m.name
                ),
            ));
        }
        let open = store::tickets::open_of_matter(ctx.tx, &ctx.day, &m.id)?;
        if open > 0 {
            return Err(ApiError::new(
                Code::MatterInUse,
                format!(
                    "{open} tickets of `{}` ({}) wait or are served today: remove the matter once they are done, or tomorrow",
                    m.id, m.name
                ),
            ));
        }
        // A villager's request no window has accepted yet could then be accepted by none, and
        // the villager would never hear back (R22).
        let waiting = store::village::not_accepted_of_matter(ctx.tx, &m.id)?;
        if waiting > 0 {
            return Err(ApiError::new(
                Code::MatterInUse,
                format!(
                    "{waiting} village requests of `{}` ({}) wait for a window to accept them: remove the matter once they are accepted",
                    m.id, m.name
                ),
            ));
        }
    }
    Ok(())
}

/// What a new hall changes in the day (see `replace_hall`): the sessions it ended, and its summary.
fn put_in_force(ctx: &mut Ctx, hall: &Hall) -> ApiResult<(u32, serde_json::Value)> {
    let ended = auth::end_sessions_revoked_by(ctx, hall)?;
    // Accounts new to the hall join today: not absent on the days before (R15).
    let added: Vec<&str> =
        hall.staff.iter().map(|p| p.username.as_str()).filter(|u| ctx.hall.staff(u).is_none()).collect();
    store::attendance::record_staff_added(ctx.tx, &added, &ctx.day)?;
    // New roles and new hours or grace judge attendance from the day they take effect, not the
    // days before.
    let now = ctx.now.with_timezone(&ctx.hall.timezone).naive_local();
    store::attendance::record_roles_changed(ctx.tx, (ctx.hall, hall), ctx.calendar, (now, ctx.now_ms))?;
    store::attendance::keep_rules_replaced(ctx.tx, (ctx.hall, hall), ctx.calendar, now)?;
    let ids: Vec<String> = hall.windows.iter().map(|w| w.id.clone()).collect();
    store::windows::ensure(ctx.tx, &ids)?;
    for q in &hall.queues {
        store::tickets::carry_numbering(ctx.tx, &ctx.day, &q.id, q.prefix)?;
    }
    store::settings::set(ctx.tx, store::settings::HALL_TOML, &hall.source)?;
    // A notice the new configuration changes is the lobby's from now: the line the director
    // published earlier (kept apart) would otherwise hide it for good.
    if hall.notice != ctx.hall.notice {
        store::settings::set(ctx.tx, store::settings::NOTICE, &hall.notice)?;
        let body = hall_wire::Notice { notice: hall.notice.clone(), at: Some(ctx.fmt(ctx.now_ms)) };
        ctx.emit(hall_wire::event_kind::NOTICE_CHANGED, &body)?;
    }
    let bookings_cancelled = booking::cancel_unserved_by(ctx, hall)?;
    let incoming_unassigned = relay::off_removed_windows(ctx, hall)?;
    let digest = hex::encode(sha2::Sha256::digest(hall.source.as_bytes()));
    let summary = serde_json::json!({
        "sha256": digest,
        "departments": hall.departments.len(),
        "queues": hall.queues.len(),
        "windows": hall.windows.len(),
        "matters": hall.matters.len(),
        "staff": hall.staff.len(),
        // The director phones each from that day's booking list.
        "bookings_cancelled": bookings_cancelled,
        // On no desk: the director hands each to a window (上报来件).
        "incoming_unassigned": incoming_unassigned,
    });
    ctx.audit("hall.replace", None, None, summary.clone())?;
    ctx.emit(hall_wire::event_kind::HALL_CHANGED, &serde_json::json!({ "at": ctx.fmt(ctx.now_ms), "sha256": digest }))?;
    Ok((ended, summary))
}

/// Adds a year of the working-day calendar (validated by the caller, checked again against the
/// years loaded); the writer puts the new calendar in force after the commit.
fn add_calendar_year(ctx: &mut Ctx, schedule: &crate::domain::calendar::YearSchedule, toml: &str) -> ApiResult<Answer> {
    if store::calendar::exists(ctx.tx, schedule.year)? {
        return Err(ApiError::new(
            Code::CalendarYearExists,
            format!("the calendar of {} is already loaded", schedule.year),
        ));
    }
    // The December days before it that this notice changes: never a day already lived (its
    // attendance and bookings were kept on the old calendar).
    let amended = ctx.calendar.amended_by(schedule);
    let today = chrono::NaiveDate::parse_from_str(&ctx.day, "%Y-%m-%d").expect("the writer's day is a date");
    if let Some(past) = amended.iter().find(|d| **d <= today) {
        return Err(ApiError::new(
            Code::InvalidCalendar,
            format!(
                "the {} notice changes {past}, which is today or past: it can no longer be added as it stands; \
                 remove its lines for {} (days already lived) and add it again",
                schedule.year,
                schedule.year - 1
            ),
        ));
    }
    let mut calendar = ctx.calendar.clone();
    calendar.add_year(schedule.clone()).map_err(|e| ApiError::new(Code::InvalidCalendar, e.to_string()))?;
    store::calendar::add(ctx.tx, schedule.year, toml, ctx.now_ms, ctx.actor.name())?;
    // The deadlines that waited for this year are counted on the new calendar.
    let settled = {
        let mut with_year = Ctx {
            calendar: &calendar,
            events: std::mem::take(&mut ctx.events),
            held: None,
            day: ctx.day.clone(),
            ..*ctx
        };
        let n = cases::settle_pending(&mut with_year)?
            + relay::settle_pending(&mut with_year)?
            + ratings::settle_pending(&mut with_year)?
            + complaints::settle_pending(&mut with_year)?
            + village::settle_forward_days(&mut with_year)?;
        let petitions = petitions::settle_pending(&mut with_year)?;
        let leave = leave::settle_pending(&mut with_year)? + leave::recount(&mut with_year, &amended)?;
        // Bookings were taken on the new year's days by opening hours alone: those its holidays
        // close (from tomorrow) are cancelled by the hall, as those on the days it amends.
        let bookings = booking::cancel_on_days_off(&mut with_year, &amended)?
            + booking::cancel_on_new_days_off(&mut with_year, schedule.year)?;
        // Deadlines set on days this notice made off move to the next working day (顺延).
        let deferred = match (amended.first(), amended.last()) {
            (Some(&from), Some(&to)) => {
                cases::defer_from_days_off(&mut with_year, from, to)?
                    + relay::defer_from_days_off(&mut with_year, from, to)?
                    + complaints::defer_from_days_off(&mut with_year, from, to)?
                    + petitions::defer_from_days_off(&mut with_year, from, to)?
                    + ratings::defer_from_days_off(&mut with_year, from, to)?
            }
            _ => 0,
        };
        // A date fixed before the year was loaded (an upper level's, R14: taken as given) on one
        // of its days off moves to the next working day, as it would have when recorded.
        let year_days = chrono::NaiveDate::from_ymd_opt(schedule.year, 1, 1).zip(chrono::NaiveDate::from_ymd_opt(
            schedule.year,
            12,
            31,
        ));
        let deferred = deferred
            + match year_days {
                Some((from, to)) => cases::defer_from_days_off(&mut with_year, from, to)?,
                None => 0,
            };
        ctx.events = with_year.events;
        (n, petitions, leave, bookings, deferred)
    };
    let working_days = calendar.working_days_in(schedule.year).unwrap_or(0);
    ctx.audit(
        "calendar.add_year",
        None,
        Some(format!("calendar:{}", schedule.year)),
        serde_json::json!({
            "source": schedule.source,
            "working_days": working_days,
            "deadlines_set": settled.0,
            "petition_dues_set": settled.1,
            "leave_counted": settled.2,
            "amended_days": amended.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            "bookings_cancelled": settled.3,
            "deadlines_deferred": settled.4,
        }),
    )?;
    let year = hall_wire::CalendarYear {
        year: schedule.year,
        source: schedule.source.clone(),
        working_days,
        amended_days: amended.iter().map(|d| d.to_string()).collect(),
        bookings_cancelled: settled.3,
        deadlines_deferred: settled.4,
    };
    Answer::json(StatusCode::CREATED, &year)
}
