//! Who may do what, in one place. Every operation states what it needs ([`Op::need`]); the
//! writer checks it once, before the operation runs ([`check`]), and the operations themselves
//! no longer look at the caller's role. Reads use [`allow`] with the same vocabulary.

use super::cases::CaseOp;
use super::ratings::RateTarget;
use super::{Actor, Ctx, Op};
use crate::error::{ApiError, ApiResult, Code};
use crate::hall::StaffRole;
use crate::store::windows::{self, WindowRow};

/// What a case handler does: what a joint case's departments may do differs from the lead's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseReach<'a> {
    Read,
    /// Record this department's part.
    Part(&'a str),
    /// Anything else (close, materials, progress, a visit of its applicant): the lead window's.
    Act,
}

/// What an operation (or a read) needs of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need<'a> {
    /// Anyone (a sign-in: the password is checked before the writer).
    Anyone,
    /// A kiosk device.
    Kiosk,
    /// A window's evaluator device.
    Evaluator,
    /// Any staff session of the town hall (clerk, director, leader, admin; not a village agent).
    Staff,
    /// Anyone signed in, a village agent too (signing out).
    Session,
    /// A village agent (代办员, R22).
    Village,
    /// The village agent who registered this request.
    VillageAgentOf(i64),
    /// Whoever may read this village request whole: the agent who registered it, a clerk at a
    /// window handling its matter (once accepted: its case's window), the director or an
    /// administrator.
    VillageReader(i64),
    /// A clerk signed in (with this session) at a window handling this request's matter.
    VillageDesk(i64),
    /// Any clerk (e.g. asking for leave).
    Clerk,
    /// The clerk signed in at this window, with the session that holds it.
    ClerkAt(&'a str),
    /// That clerk, or the director or an administrator (for any window).
    ClerkAtOrDirector(&'a str),
    /// The clerk signed in at this window (as `ClerkAt`), a lead window of this case (as
    /// `CaseHandler(_, Act)`): a visit of its applicant (a citizen called elsewhere is sent on).
    CaseVisitAt(&'a str, &'a str),
    /// The director, or a clerk at the case's window or its first-inquiry window (R2); a window
    /// of one of a joint case's departments reads it and records its own department's part
    /// only (R13: the lead window runs the case).
    CaseHandler(&'a str, CaseReach<'a>),
    /// The hall's director or an administrator.
    Director,
    /// Whoever oversees the hall and reads its figures: the director, a leader (R18), an
    /// administrator.
    Oversight,
    /// Whoever inspects the hall (R18): the director or a leader.
    Inspector,
    /// An administrator.
    Admin,
    /// The server's own housekeeping.
    System,
    /// The county service relaying messages between halls (its device token): the relay's
    /// endpoints and nothing else of the kind.
    County,
    /// The director, or a clerk at the window an incoming case (上报来件) is on.
    IncomingHandler(i64),
    /// The director or an administrator (every booking of any day), or a clerk whose session
    /// still holds their window (its matters' bookings of today: the citizens they serve).
    BookingReader(&'a str),
}

impl Op {
    /// What this operation needs of its caller.
    pub fn need(&self) -> Need<'_> {
        match self {
            Op::IssueTicket { .. } | Op::KioskFault { .. } | Op::CheckIn { .. } => Need::Kiosk,
            // A booking's code is the citizen's own proof (rate-limited per address).
            Op::Book { .. } | Op::CancelBooking { .. } => Need::Anyone,
            // The director sees every booking, a clerk those of the window they hold.
            Op::ReadBookings { day } => Need::BookingReader(day),
            Op::ExcuseBooking { .. } => Need::Director,
            Op::Login { .. } => Need::Anyone,
            // A phone page's token is the citizen's own proof; the evaluator is a device.
            Op::Rate { target: RateTarget::Evaluator { .. }, .. } => Need::Evaluator,
            Op::Rate { .. } => Need::Anyone,
            Op::ReadFollowUp { .. } | Op::FollowUp { .. } => Need::Director,
            Op::Logout => Need::Session,
            Op::Requeue { .. } | Op::ExplainAttendance { .. } => Need::Staff,
            // Village requests (R22): the agent registers, forwards and records the reply; a
            // window handling the matter accepts; the villager's identity is read by these and
            // the director.
            Op::RegisterVillage { .. } => Need::Village,
            Op::ForwardVillage { id } | Op::RepliedVillage { id } => Need::VillageAgentOf(*id),
            Op::ReadVillage { id } => Need::VillageReader(*id),
            Op::HandOverVillage { .. } => Need::Director,
            Op::AcceptVillage { id, .. } => Need::VillageDesk(*id),
            // Leave (R16): a clerk asks; the director decides; the requester reads or cancels
            // their own (checked in the op: only the requester cancels, only they and the
            // director read the reason).
            Op::RequestLeave { .. } => Need::Clerk,
            Op::ReadLeave { .. } | Op::Leave { step: crate::domain::leave::Step::Cancel, .. } => Need::Staff,
            Op::Leave { .. } => Need::Director,
            Op::AcknowledgeAttendance { .. } | Op::ReadExplanations { .. } | Op::CloseAssessment { .. } => {
                Need::Director
            }
            Op::CallNext { window }
            | Op::Recall { window }
            | Op::Start { window }
            | Op::NoShow { window }
            | Op::Transfer { window, .. }
            | Op::Finish { window, .. }
            | Op::RegisterLeftOpen { window, .. } => Need::ClerkAt(window),
            Op::FinishVisit { window, number, .. } => Need::CaseVisitAt(window, number),
            Op::Pause { window } | Op::Resume { window } => Need::ClerkAtOrDirector(window),
            Op::SetNotice { .. } | Op::StandIn { .. } | Op::ReopenIssuing { .. } => Need::Director,
            Op::ReadCase { number } => Need::CaseHandler(number, CaseReach::Read),
            Op::ArchiveCase { number } | Op::AnswerObjection { number, .. } => {
                Need::CaseHandler(number, CaseReach::Act)
            }
            Op::Case { action: CaseOp::Extend { .. } | CaseOp::Meeting { .. } | CaseOp::Assign { .. }, .. } => {
                Need::Director
            }
            Op::Case { number, action: CaseOp::RecordPart { department, .. } } => {
                Need::CaseHandler(number, CaseReach::Part(department))
            }
            Op::Case { number, .. } => Need::CaseHandler(number, CaseReach::Act),
            // Complaints hold the complainant's identity: the director's and administrators' only,
            // never a clerk's, even about themselves (R21).
            Op::NewComplaint { .. } | Op::ReadComplaint { .. } | Op::Complaint { .. } => Need::Director,
            // The ticket's phone-page token is the citizen's only credential.
            Op::OnlineComplaint { .. } => Need::Anyone,
            // Petitions (R20): the petitioner's identity is the director's and admins' only.
            // An urgent petition's alert is the leaders' too (R20): each acknowledges their own.
            Op::Petition { action: crate::ops::petitions::PetitionOp::Acknowledge, .. } => Need::Oversight,
            Op::RegisterPetition { .. } | Op::ReadPetition { .. } | Op::Petition { .. } => Need::Director,
            // Inspections (R18): the director or a leader records; only the director (or an
            // administrator) withdraws a finding.
            Op::RecordInspection { .. } => Need::Inspector,
            Op::WithdrawFinding { .. } => Need::Director,
            Op::ReplaceHall { .. } | Op::AddCalendarYear { .. } => Need::Admin,
            // The relay (R14): the county device, and only it, reads and acknowledges the outbox
            // and delivers to the inbox.
            Op::ReadOutbox { .. } | Op::AckOutbox { .. } | Op::Inbox { .. } => Need::County,
            Op::Incoming {
                action: super::relay::IncomingOp::Extend { .. } | super::relay::IncomingOp::Assign { .. },
                ..
            } => Need::Director,
            Op::ReadIncoming { id } | Op::Incoming { id, .. } => Need::IncomingHandler(*id),
            Op::ExpireSessions | Op::CheckIssuing | Op::CloseDays => Need::System,
            #[cfg(test)]
            Op::Panic => Need::Anyone,
        }
    }
}

fn director(actor: &Actor) -> bool {
    matches!(actor, Actor::Staff { role: StaffRole::Director | StaffRole::Admin, .. })
}

/// A leader (R18: inspects, reads the figures; is told of urgent petitions, R20).
pub fn leader(actor: &Actor) -> bool {
    matches!(actor, Actor::Staff { role: StaffRole::Leader, .. })
}

/// The town hall's staff: a village agent is signed in on the same server, but is none of them.
fn staff(actor: &Actor) -> bool {
    matches!(actor, Actor::Staff { role, .. } if *role != StaffRole::Village)
}

fn village(actor: &Actor) -> bool {
    matches!(actor, Actor::Staff { role: StaffRole::Village, .. })
}

/// Whether the caller sees a ticket's priority class and matter (personal information: age,
/// disability, pregnancy, military or welfare status): the clerks who serve, the director and
/// administrators. Not a leader (the hall's figures and inspections only), not a village agent,
/// nobody without a session.
pub fn sees_ticket_details(actor: &Actor) -> bool {
    matches!(actor, Actor::Staff { role: StaffRole::Clerk | StaffRole::Director | StaffRole::Admin, .. })
}

/// The check that needs nothing but the caller (reads, and the first step of [`check`]).
pub fn allow(actor: &Actor, need: Need) -> ApiResult<()> {
    let ok = match need {
        Need::Anyone => true,
        Need::Kiosk => matches!(actor, Actor::Kiosk { .. }),
        Need::Evaluator => matches!(actor, Actor::Evaluator { .. }),
        Need::Staff => staff(actor),
        Need::Session => matches!(actor, Actor::Staff { .. }),
        Need::Village | Need::VillageAgentOf(_) => village(actor),
        Need::VillageReader(_) => matches!(actor, Actor::Staff { .. }) && !leader(actor),
        Need::VillageDesk(_) => matches!(actor, Actor::Staff { role: StaffRole::Clerk, .. }),
        Need::Clerk => matches!(actor, Actor::Staff { role: StaffRole::Clerk, .. }),
        Need::Director => director(actor),
        Need::Oversight => director(actor) || leader(actor),
        Need::Inspector => matches!(actor, Actor::Staff { role: StaffRole::Director, .. }) || leader(actor),
        Need::Admin => matches!(actor, Actor::Staff { role: StaffRole::Admin, .. }),
        Need::System => actor == &Actor::System,
        // The window's own check needs the database: see `check`.
        Need::ClerkAt(_) | Need::ClerkAtOrDirector(_) | Need::CaseVisitAt(..) => true,
        Need::CaseHandler(..) | Need::IncomingHandler(_) => staff(actor),
        Need::BookingReader(_) => director(actor) || matches!(actor, Actor::Staff { role: StaffRole::Clerk, .. }),
        Need::County => matches!(actor, Actor::County { .. }),
    };
    if ok {
        return Ok(());
    }
    Err(match need {
        Need::Kiosk => ApiError::new(Code::KioskOnly, "only kiosk devices do this"),
        Need::Evaluator => ApiError::new(Code::EvaluatorOnly, "only a window's evaluator device does this"),
        Need::Staff | Need::CaseHandler(..) | Need::IncomingHandler(_) | Need::Session => {
            ApiError::new(Code::StaffOnly, "only hall staff do this")
        }
        Need::Village | Need::VillageAgentOf(_) => ApiError::new(Code::VillageOnly, "only a village agent does this"),
        Need::VillageReader(_) => ApiError::new(
            Code::NotYourVillageRequest,
            "a village request is read by its agent, the windows handling it and the director",
        ),
        Need::VillageDesk(_) => {
            ApiError::new(Code::ClerkOnly, "a clerk signed in at a window accepts a village request")
        }
        Need::BookingReader(_) => {
            ApiError::new(Code::ClerkOnly, "only the director or a window's clerk reads bookings")
        }
        Need::County => ApiError::new(Code::CountyOnly, "only the county service relays messages between halls"),
        Need::Clerk => ApiError::new(Code::ClerksOnly, "only a clerk does this"),
        Need::Director => ApiError::new(Code::DirectorOnly, "only the hall's director or an administrator does this"),
        Need::Admin => ApiError::new(Code::AdminOnly, "only an administrator does this"),
        Need::Oversight => {
            ApiError::new(Code::OversightOnly, "only the director, a leader or an administrator reads this")
        }
        Need::Inspector => ApiError::new(Code::InspectorOnly, "only the director or a leader records inspections"),
        _ => ApiError::new(Code::SystemOnly, "only the server does this"),
    })
}

/// Checks an operation's need inside the writer's transaction (a window's clerk must hold the
/// window with this very session). An unknown window is `404 unknown_window` first.
pub fn check(ctx: &Ctx, need: Need) -> ApiResult<Option<WindowRow>> {
    let window = match need {
        Need::ClerkAt(w) => w,
        Need::ClerkAtOrDirector(w) if director(ctx.actor) => {
            known_window(ctx, w)?;
            return Ok(None);
        }
        Need::ClerkAtOrDirector(w) => w,
        Need::CaseHandler(number, reach) => return case_handler(ctx, number, reach).map(|()| None),
        Need::CaseVisitAt(window, number) => {
            let row = check(ctx, Need::ClerkAt(window))?;
            return case_handler(ctx, number, CaseReach::Act).map(|()| row);
        }
        Need::VillageAgentOf(id) => return village_agent(ctx, id).map(|()| None),
        Need::VillageReader(id) => return village_reader(ctx, id).map(|()| None),
        Need::VillageDesk(id) => return village_desk(ctx, id),
        Need::IncomingHandler(id) => return incoming_handler(ctx, id).map(|()| None),
        Need::BookingReader(day) => return booking_reader(ctx, day).map(|()| None),
        other => return allow(ctx.actor, other).map(|()| None),
    };
    known_window(ctx, window)?;
    let row = windows::get(ctx.tx, window, ctx.now_ms)?;
    match ctx.actor {
        Actor::Staff { role: StaffRole::Clerk, session_id, window_id, .. }
            if window_id.as_deref() == Some(window) && row.as_ref().is_some_and(|r| r.held_by(*session_id)) =>
        {
            Ok(row)
        }
        Actor::Staff { role: StaffRole::Clerk, .. } => Err(ApiError::new(
            Code::NotYourWindow,
            format!("you are not signed in at window `{window}`; sign in there first"),
        )),
        _ => Err(ApiError::new(Code::ClerkOnly, "only the clerk signed in at this window can do this")),
    }
}

/// A case is the director's, and its windows' clerks': the window it is with, the first-inquiry
/// window (R2) and the window that accepted it (named on the citizen's notices, where R4 sends
/// them to ask, even after the director handed the case on) run it; the windows of a joint case's departments read it and
/// record their own part (R13).
fn case_handler(ctx: &Ctx, number: &str, reach: CaseReach) -> ApiResult<()> {
    allow(ctx.actor, Need::Staff)?;
    if director(ctx.actor) {
        return Ok(());
    }
    let Actor::Staff { window_id: Some(window), .. } = ctx.actor else {
        return Err(ApiError::new(Code::NotYourCase, "sign in at a window to act on its cases"));
    };
    still_at(ctx, window)?;
    let case = crate::store::cases::by_number(ctx.tx, number)?
        .ok_or_else(|| ApiError::new(Code::UnknownCase, format!("no case `{number}`")))?;
    let department = ctx.hall.window(window).map(|w| w.department.as_str());
    let department_name =
        department.and_then(|d| ctx.hall.departments.iter().find(|x| x.id == d)).map(|d| d.name.as_str());
    let ours = |d: &str| Some(d) == department || Some(d) == department_name;
    let in_parts = crate::store::case_views::parts(&case.detail).iter().any(|(d, _, _)| ours(d));
    let accepted = crate::store::case_views::accepted_window(&case.detail);
    let lead = *window == case.window_id || *window == case.first_window_id || accepted.as_ref() == Some(window);
    match reach {
        _ if lead => Ok(()),
        CaseReach::Read if in_parts => Ok(()),
        CaseReach::Part(d) if in_parts && ours(d) => Ok(()),
        CaseReach::Part(_) | CaseReach::Act if in_parts => Err(ApiError::new(
            Code::NotYourCase,
            format!("case {number} is run by its lead window; a department taking part records its own part only"),
        )),
        _ => Err(ApiError::new(Code::NotYourCase, format!("case {number} is handled at another window"))),
    }
}

fn village_request(ctx: &Ctx, id: i64) -> ApiResult<crate::store::village::RequestRow> {
    crate::store::village::by_id(ctx.tx, id)?
        .ok_or_else(|| ApiError::new(Code::UnknownVillageRequest, format!("no village request {id}")))
}

fn not_yours(number: &str) -> ApiError {
    ApiError::new(Code::NotYourVillageRequest, format!("village request {number} is not yours"))
}

/// The agent who registered it (another agent, even of the same station, does not see the
/// villager's phone).
fn village_agent(ctx: &Ctx, id: i64) -> ApiResult<()> {
    allow(ctx.actor, Need::Village)?;
    let r = village_request(ctx, id)?;
    if r.agent == ctx.actor.name() {
        Ok(())
    } else {
        Err(not_yours(&r.number))
    }
}

/// Whether a window handles the request: one of its matter's windows while it waits to be
/// accepted; once accepted, only the window that accepted it (its case's).
fn window_handles(ctx: &Ctx, r: &crate::store::village::RequestRow, window: &str) -> bool {
    match &r.case {
        Some(c) => c.window_id == window,
        None => ctx.hall.matter(&r.service_id).is_some_and(|m| m.windows.iter().any(|w| w == window)),
    }
}

fn village_reader(ctx: &Ctx, id: i64) -> ApiResult<()> {
    allow(ctx.actor, Need::VillageReader(id))?;
    if director(ctx.actor) {
        return village_request(ctx, id).map(|_| ());
    }
    if village(ctx.actor) {
        return village_agent(ctx, id);
    }
    let r = village_request(ctx, id)?;
    if let Actor::Staff { window_id: Some(w), .. } = ctx.actor {
        still_at(ctx, w)?;
    }
    match ctx.actor {
        Actor::Staff { role: StaffRole::Clerk, window_id: Some(w), .. } if window_handles(ctx, &r, w) => Ok(()),
        _ => Err(ApiError::new(
            Code::NotYourVillageRequest,
            format!("village request {} goes to another window", r.number),
        )),
    }
}

/// A clerk holding (with this session) a window that handles the request's matter.
fn village_desk(ctx: &Ctx, id: i64) -> ApiResult<Option<WindowRow>> {
    allow(ctx.actor, Need::VillageDesk(id))?;
    let Actor::Staff { window_id: Some(window), .. } = ctx.actor else {
        return Err(ApiError::new(Code::ClerkOnly, "sign in at a window to accept a village request"));
    };
    let held = check(ctx, Need::ClerkAt(window))?;
    let r = village_request(ctx, id)?;
    if ctx.hall.matter(&r.service_id).is_some_and(|m| m.windows.iter().any(|w| w == window)) {
        Ok(held)
    } else {
        Err(ApiError::new(
            Code::NotYourVillageRequest,
            format!("village request {} is for a matter window `{window}` does not handle", r.number),
        ))
    }
}

/// A day's bookings: the director's, and a clerk's — today's, while this session holds their
/// window (names and masked phones of citizens they do not serve that day are not theirs).
fn booking_reader(ctx: &Ctx, day: &str) -> ApiResult<()> {
    allow(ctx.actor, Need::BookingReader(day))?;
    match ctx.actor {
        _ if director(ctx.actor) => Ok(()),
        Actor::Staff { window_id: Some(_), .. } if day != ctx.day => {
            Err(ApiError::new(Code::DirectorOnly, "a window's clerk reads today's bookings only"))
        }
        Actor::Staff { window_id: Some(w), .. } => still_at(ctx, w),
        _ => Err(ApiError::new(Code::ClerkNotSignedIn, "sign in at a window to read its bookings")),
    }
}

/// An incoming case (上报来件) is the director's, and the clerk's at the window it is on.
fn incoming_handler(ctx: &Ctx, id: i64) -> ApiResult<()> {
    allow(ctx.actor, Need::Staff)?;
    if director(ctx.actor) {
        return Ok(());
    }
    if let Actor::Staff { window_id: Some(w), .. } = ctx.actor {
        still_at(ctx, w)?;
    }
    let case = crate::store::relay::incoming_by_id(ctx.tx, id)?
        .ok_or_else(|| ApiError::new(Code::UnknownIncoming, format!("no incoming case {id}")))?;
    match ctx.actor {
        Actor::Staff { window_id: Some(w), .. } if case.window_id.as_deref() == Some(w.as_str()) => Ok(()),
        _ => Err(ApiError::new(Code::NotYourCase, format!("incoming case {id} is handled at another window"))),
    }
}

/// A clerk reaches a window's cases and requests while this very session holds the window: once
/// another clerk signs in there (or this one at another window), the earlier session's reach
/// ends with the window, as its window actions do (`check`).
fn still_at(ctx: &Ctx, window: &str) -> ApiResult<()> {
    let Actor::Staff { session_id, .. } = ctx.actor else { return Ok(()) };
    if windows::get(ctx.tx, window, ctx.now_ms)?.is_some_and(|r| r.held_by(*session_id)) {
        Ok(())
    } else {
        Err(taken_over(window))
    }
}

/// The answer to a session whose window another sign-in took.
pub fn taken_over(window: &str) -> ApiError {
    ApiError::new(
        Code::NotYourWindow,
        format!("you no longer hold window `{window}` (another sign-in took it); sign in again"),
    )
}

fn known_window(ctx: &Ctx, window: &str) -> ApiResult<()> {
    if ctx.hall.window(window).is_none() {
        return Err(ApiError::new(Code::UnknownWindow, format!("no window `{window}` in this hall")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(role: StaffRole) -> Actor {
        Actor::Staff { username: "u".into(), role, session_id: 1, window_id: None }
    }

    #[test]
    fn every_need_admits_exactly_its_callers() {
        let kiosk = Actor::Kiosk { id: "k1".into() };
        let (clerk, director, admin) = (staff(StaffRole::Clerk), staff(StaffRole::Director), staff(StaffRole::Admin));
        // (caller, need, the refusal's code or "" when allowed)
        let check = |actor: &Actor, need: Need, code: &str| {
            let got = match allow(actor, need) {
                Ok(()) => String::new(),
                Err(ApiError::Client(c)) => c.code.as_str().to_string(),
                Err(e) => panic!("{e:?}"),
            };
            assert_eq!(got, code, "{actor:?} {need:?}");
        };
        check(&kiosk, Need::Kiosk, "");
        check(&clerk, Need::Kiosk, "kiosk_only");
        check(&kiosk, Need::Staff, "staff_only");
        check(&clerk, Need::Staff, "");
        check(&clerk, Need::Director, "director_only");
        check(&director, Need::Director, "");
        check(&admin, Need::Director, "");
        check(&director, Need::Admin, "admin_only");
        check(&admin, Need::Admin, "");
        check(&admin, Need::System, "system_only");
        check(&Actor::System, Need::System, "");
        check(&kiosk, Need::Anyone, "");
        let evaluator = Actor::Evaluator { id: "e1".into(), window: "w01".into() };
        check(&evaluator, Need::Evaluator, "");
        check(&kiosk, Need::Evaluator, "evaluator_only");
        check(&clerk, Need::Evaluator, "evaluator_only");
        check(&evaluator, Need::Kiosk, "kiosk_only");
        check(&evaluator, Need::Staff, "staff_only");
        // A leader reads the figures and inspects; runs nothing of the director's.
        let leader = staff(StaffRole::Leader);
        check(&leader, Need::Staff, "");
        check(&leader, Need::Director, "director_only");
        check(&leader, Need::Admin, "admin_only");
        check(&leader, Need::Oversight, "");
        check(&director, Need::Oversight, "");
        check(&admin, Need::Oversight, "");
        check(&clerk, Need::Oversight, "oversight_only");
        check(&leader, Need::Inspector, "");
        check(&director, Need::Inspector, "");
        check(&admin, Need::Inspector, "inspector_only");
        check(&clerk, Need::Inspector, "inspector_only");
        check(&clerk, Need::Clerk, "");
        check(&director, Need::Clerk, "clerks_only");
        // The county device relays, and does nothing else; nobody else relays.
        let county = Actor::County { id: "county".into() };
        check(&county, Need::County, "");
        for need in [Need::Staff, Need::Kiosk, Need::Director, Need::Oversight, Need::Admin, Need::IncomingHandler(1)] {
            assert!(allow(&county, need).is_err(), "{need:?}");
        }
        for actor in [&kiosk, &clerk, &director, &admin, &leader, &evaluator] {
            check(actor, Need::County, "county_only");
        }
        check(&leader, Need::Clerk, "clerks_only");
        // A village agent (R22) is signed in, but none of the hall's staff.
        let village = staff(StaffRole::Village);
        check(&village, Need::Village, "");
        check(&village, Need::Session, "");
        check(&village, Need::Staff, "staff_only");
        check(&village, Need::Clerk, "clerks_only");
        check(&village, Need::CaseHandler("x", CaseReach::Read), "staff_only");
        check(&village, Need::Director, "director_only");
        check(&village, Need::Oversight, "oversight_only");
        check(&village, Need::Inspector, "inspector_only");
        check(&village, Need::VillageDesk(1), "clerk_only");
        check(&clerk, Need::Village, "village_only");
        check(&director, Need::Village, "village_only");
        check(&clerk, Need::Session, "");
        check(&kiosk, Need::Session, "staff_only");
        check(&leader, Need::VillageReader(1), "not_your_village_request");
        check(&clerk, Need::VillageReader(1), "");
    }

    #[test]
    fn each_op_states_its_need() {
        let w = || "w01".to_string();
        assert_eq!(Op::CallNext { window: w() }.need(), Need::ClerkAt("w01"));
        assert_eq!(Op::Pause { window: w() }.need(), Need::ClerkAtOrDirector("w01"));
        assert_eq!(Op::SetNotice { notice: String::new() }.need(), Need::Director);
        assert_eq!(Op::ReopenIssuing { reopen: true }.need(), Need::Director);
        assert_eq!(Op::ExcuseBooking { code: "12345678".into(), reason: "闭厅".into() }.need(), Need::Director);
        assert_eq!(Op::ExpireSessions.need(), Need::System);
        assert_eq!(Op::Logout.need(), Need::Session, "a village agent signs out too");
        assert_eq!(Op::ForwardVillage { id: 3 }.need(), Need::VillageAgentOf(3));
        assert_eq!(Op::ReadVillage { id: 3 }.need(), Need::VillageReader(3));
        assert_eq!(Op::ReadComplaint { id: 1 }.need(), Need::Director);
        let close = super::super::complaints::ComplaintOp::Close { note: None };
        assert_eq!(Op::Complaint { id: 1, action: close }.need(), Need::Director);
        assert_eq!(Op::ReadPetition { id: 1 }.need(), Need::Director);
        let acknowledge = Op::Petition { id: 1, action: crate::ops::petitions::PetitionOp::Acknowledge };
        assert_eq!(acknowledge.need(), Need::Oversight, "the leaders acknowledge their own alert (R20)");
        let close = Op::Petition { id: 1, action: crate::ops::petitions::PetitionOp::Close };
        assert_eq!(close.need(), Need::Director);
        use crate::domain::leave::Step;
        let step = |step| Op::Leave { id: 1, step, note: None };
        assert_eq!(step(Step::Approve).need(), Need::Director);
        assert_eq!(step(Step::Refuse).need(), Need::Director);
        assert_eq!(step(Step::Cancel).need(), Need::Staff, "the requester's own, checked by the op");
        assert_eq!(Op::ReadLeave { id: 1 }.need(), Need::Staff, "the requester or the director, checked by the op");
        assert_eq!(Op::WithdrawFinding { id: 1, reason: String::new() }.need(), Need::Director);
    }
}
