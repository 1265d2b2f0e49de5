//! Cases (办件): what a finished application becomes, as a state machine over working days.
//!
//! The six kinds (R9–R14) are the ticket's outcome. Registration decides the first state and
//! the deadline; each later action is checked here and yields the new state and deadline. The
//! calendar counts statutory working days (R6); a date outside its loaded years is an error,
//! never a guess. Nothing here reads the clock: "today" is given.

use chrono::NaiveDate;

use super::calendar::{Calendar, MissingYear};
use super::Outcome;

str_enum!(CaseState { Open = "open", AwaitingMaterials = "awaiting_materials", Closed = "closed" });

str_enum!(CaseResult {
    Done = "done",
    Approved = "approved",
    NotApproved = "not_approved",
    Returned = "returned",
    Expired = "expired",
});

str_enum!(
    /// R10's grounds for returning an application.
    ReturnGround {
        MainMaterialMissing = "main_material_missing",
        AgainstPolicy = "against_policy",
        ConditionsUnmet = "conditions_unmet",
    }
);

impl ReturnGround {
    /// The ground as the 退回件通知书 states it.
    pub fn words(self) -> &'static str {
        match self {
            ReturnGround::MainMaterialMissing => "申请材料主件缺失",
            ReturnGround::AgainstPolicy => "明显不符合政策规定",
            ReturnGround::ConditionsUnmet => "经实地核查不具备办理条件",
        }
    }
}

/// The hall's limits on deadlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Working days a 补办件 waits for its materials before it expires (default 30).
    pub supplement_days: u32,
    /// The most working days one extension may add (行政许可法: 10 by approval).
    pub extension_cap: u32,
    /// Working days after its close by which a case's file is archived (R17, default 5).
    pub archive_days: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { supplement_days: 30, extension_cap: 10, archive_days: 5 }
    }
}

/// What the clerk gave at the finish, beyond the kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Particulars<'a> {
    pub reason: Option<&'a str>,
    pub return_ground: Option<ReturnGround>,
    pub missing: &'a [String],
    pub departments: &'a [String],
    pub authority: Option<&'a str>,
}

/// A registration or an action the rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseProblem {
    #[error("a returned case (退回件) must state the reason told to the citizen (R1, R10)")]
    ReasonRequired,
    #[error("a returned case (退回件) names one of R10's three grounds")]
    ReturnGroundRequired,
    #[error("a supplement case (补办件) must list every missing material at once (R11)")]
    MissingMaterialsRequired,
    #[error("a joint case (联办件) names the other departments involved (R13)")]
    DepartmentsRequired,
    #[error("a reported case (上报件) names the upper-level authority (R14)")]
    AuthorityRequired,
    #[error("only a joint case (联办件) names departments taking part (R13)")]
    DepartmentsOnlyForJoint,
    #[error("only a supplement case (补办件) lists missing materials (R11)")]
    MissingOnlyForSupplement,
    #[error("only a returned case (退回件) states a ground for returning (R10)")]
    GroundOnlyForReturned,
    #[error("the deadline has passed: an overdue case is answered, not extended (R12)")]
    DeadlinePassed,
    #[error("the working-day calendar of {0} is not loaded; the administrator adds it on /admin")]
    CalendarYearMissing(i32),
    #[error("this case is closed")]
    Closed,
    #[error(
        "the matter is done on the spot (承诺时限 0 working days): a promised, joint or reported case would be due today; \
         finish it as immediate, supplement or returned, or send the ticket to the matter that takes it"
    )]
    DoneOnTheSpot,
    #[error("{0}")]
    NotForThisCase(&'static str),
    #[error("the deadline was already extended once; it cannot be extended again (R12)")]
    ExtensionUsed,
    #[error("an extension is 1 to {cap} working days")]
    ExtensionTooLong { cap: u32 },
    #[error("every department's part must be done before the joint case closes: {0} is not")]
    PartsNotDone(String),
    #[error("a joint case closes after its joint review meeting is recorded (R13: the director convenes it)")]
    MeetingRequired,
    #[error("a reported case closes once the upper level's reply is recorded (R14: its decision is theirs)")]
    ReplyRequired,
    #[error(
        "a joint review meeting is recorded once held: between {accepted_on} (the case's acceptance) and today (R13)"
    )]
    MeetingDate { accepted_on: NaiveDate },
    #[error("a joint review meeting's record names who attended and what they concluded (R13)")]
    MeetingIncomplete,
}

impl From<MissingYear> for CaseProblem {
    fn from(m: MissingYear) -> Self {
        CaseProblem::CalendarYearMissing(m.0)
    }
}

/// A new case's state, result and dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub state: CaseState,
    pub result: Option<CaseResult>,
    pub clock_from: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    /// A 补办件 not complete by this day expires.
    pub supplement_until: Option<NaiveDate>,
    /// The deadline (or a supplement's limit) falls in a year whose calendar is not loaded: it
    /// is left open, never guessed, and set when the administrator adds that year.
    pub pending_year: Option<i32>,
}

/// `n` working days after `from`, or the year whose calendar is missing.
fn count(calendar: &Calendar, from: NaiveDate, n: u32) -> (Option<NaiveDate>, Option<i32>) {
    match calendar.add_working_days(from, n) {
        Ok(d) => (Some(d), None),
        Err(MissingYear(y)) => (None, Some(y)),
    }
}

fn has_text(s: Option<&str>) -> bool {
    s.is_some_and(|s| !s.trim().is_empty())
}

fn any_text(items: &[String]) -> bool {
    items.iter().any(|s| !s.trim().is_empty())
}

/// Registration (收件登记, R1): the kind's first state. `promised_days` is the matter's promised
/// time limit in working days.
pub fn register(
    kind: Outcome,
    accepted_on: NaiveDate,
    promised_days: u32,
    p: &Particulars,
    calendar: &Calendar,
    limits: Limits,
) -> Result<Registered, CaseProblem> {
    let closed = |result| Registered {
        state: CaseState::Closed,
        result: Some(result),
        clock_from: None,
        deadline: None,
        supplement_until: None,
        pending_year: None,
    };
    let running = || -> Result<Registered, CaseProblem> {
        let (deadline, pending_year) = count(calendar, accepted_on, promised_days);
        Ok(Registered {
            state: CaseState::Open,
            result: None,
            clock_from: Some(accepted_on),
            deadline,
            supplement_until: None,
            pending_year,
        })
    };
    check(kind, p)?;
    match kind {
        Outcome::Immediate => Ok(closed(CaseResult::Done)),
        Outcome::Returned => Ok(closed(CaseResult::Returned)),
        Outcome::Supplement => {
            let (supplement_until, pending_year) = count(calendar, accepted_on, limits.supplement_days);
            Ok(Registered {
                state: CaseState::AwaitingMaterials,
                result: None,
                clock_from: None,
                deadline: None,
                supplement_until,
                pending_year,
            })
        }
        // A matter done on the spot has no promise to count: the case would be due the day it
        // came (and overdue the next), against R12's promised working days.
        Outcome::Promised | Outcome::Joint | Outcome::Reported if promised_days == 0 => Err(CaseProblem::DoneOnTheSpot),
        Outcome::Promised | Outcome::Joint | Outcome::Reported => running(),
    }
}

/// What each kind must state (R1, R10, R11, R13, R14), checked before anything is done.
pub fn check(kind: Outcome, p: &Particulars) -> Result<(), CaseProblem> {
    match kind {
        Outcome::Returned if !has_text(p.reason) => Err(CaseProblem::ReasonRequired),
        Outcome::Returned if p.return_ground.is_none() => Err(CaseProblem::ReturnGroundRequired),
        Outcome::Supplement if !any_text(p.missing) => Err(CaseProblem::MissingMaterialsRequired),
        Outcome::Joint if !any_text(p.departments) => Err(CaseProblem::DepartmentsRequired),
        Outcome::Reported if !has_text(p.authority) => Err(CaseProblem::AuthorityRequired),
        // Parts no one could record would hold the case open for good.
        kind if kind != Outcome::Joint && any_text(p.departments) => Err(CaseProblem::DepartmentsOnlyForJoint),
        // Materials listed missing on a case done or promised: its notices would say both that
        // everything was received and that they were not (the 受理单 leaves them out).
        kind if kind != Outcome::Supplement && any_text(p.missing) => Err(CaseProblem::MissingOnlyForSupplement),
        kind if kind != Outcome::Returned && p.return_ground.is_some() => Err(CaseProblem::GroundOnlyForReturned),
        _ => Ok(()),
    }
}

/// What is known of a case to decide an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts<'a> {
    pub kind: Outcome,
    pub state: CaseState,
    pub deadline: Option<NaiveDate>,
    pub extended: bool,
    pub promised_days: u32,
    pub supplement_until: Option<NaiveDate>,
    /// A 联办件's departments and whether each finished its part.
    pub parts: &'a [(String, bool)],
    /// A 联办件's joint review meeting was recorded (R13).
    pub met: bool,
    /// A 上报件's upper level answered: its reply recorded, or its close relayed (R14).
    pub replied: bool,
    /// A 上报件 whose upper hall gave its date: the deadline is theirs, moved only there.
    pub upper_dated: bool,
}

/// An action on a case after registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action<'a> {
    /// A 补办件's materials are all in: the clock starts today (R11).
    MaterialsComplete,
    /// The director's single extension (R12).
    Extend {
        days: u32,
    },
    Close {
        result: CaseResult,
        reason: Option<&'a str>,
    },
    /// A department records its part of a 联办件.
    RecordPart {
        department: &'a str,
    },
    /// The director's joint review meeting, held on `date`.
    RecordMeeting {
        date: NaiveDate,
        /// The day the case was accepted: no meeting reviews it before.
        accepted_on: NaiveDate,
        /// Someone named as attending, and a conclusion written: the file shows who met and
        /// what they decided (recorded once, an empty record could never be mended).
        attendees: usize,
        concluded: bool,
    },
    /// A 上报件's progress, or the upper level's reply.
    Progress,
    /// The sweeper: a 补办件 past its waiting limit.
    Expire,
}

/// The case after an action: its state, result and deadline (`clock_from` when it starts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub state: CaseState,
    pub result: Option<CaseResult>,
    pub clock_from: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
}

pub fn apply(
    facts: &Facts,
    action: &Action,
    today: NaiveDate,
    calendar: &Calendar,
    limits: Limits,
) -> Result<Moved, CaseProblem> {
    use CaseProblem::NotForThisCase as Not;
    if facts.state == CaseState::Closed {
        return Err(CaseProblem::Closed);
    }
    let same = Moved { state: facts.state, result: None, clock_from: None, deadline: facts.deadline };
    match *action {
        Action::MaterialsComplete => {
            if facts.state != CaseState::AwaitingMaterials {
                return Err(Not("only a supplement case waiting for materials can be completed"));
            }
            // A deadline in a year not loaded yet stays open until that year is added.
            Ok(Moved {
                state: CaseState::Open,
                result: None,
                clock_from: Some(today),
                deadline: calendar.add_working_days(today, facts.promised_days).ok(),
            })
        }
        Action::Extend { days } => {
            let Some(deadline) = facts.deadline.filter(|_| facts.state == CaseState::Open) else {
                return Err(Not("only a case whose deadline runs can be extended"));
            };
            if facts.upper_dated {
                return Err(Not("a reported case's deadline is the upper hall's: it is extended there"));
            }
            if facts.extended {
                return Err(CaseProblem::ExtensionUsed);
            }
            // Extended within the time limit only: past it the case is late, and stays so.
            if today > deadline {
                return Err(CaseProblem::DeadlinePassed);
            }
            if days == 0 || days > limits.extension_cap {
                return Err(CaseProblem::ExtensionTooLong { cap: limits.extension_cap });
            }
            Ok(Moved { deadline: Some(calendar.add_working_days(deadline, days)?), ..same })
        }
        Action::Close { result, reason } => {
            if facts.state != CaseState::Open {
                return Err(Not("a supplement case is closed when its materials are complete and the matter is done"));
            }
            match result {
                CaseResult::Done | CaseResult::Approved => {}
                CaseResult::NotApproved if has_text(reason) => {}
                CaseResult::NotApproved => return Err(CaseProblem::ReasonRequired),
                CaseResult::Returned | CaseResult::Expired => {
                    return Err(Not("a case is closed as done, approved or not approved"))
                }
            }
            if let Some((department, _)) = facts.parts.iter().find(|(_, done)| !done) {
                return Err(CaseProblem::PartsNotDone(department.clone()));
            }
            // R13: the director convenes a joint review before a joint case is decided.
            if facts.kind == Outcome::Joint && !facts.met {
                return Err(CaseProblem::MeetingRequired);
            }
            // R14: the approval power is the upper level's; the hall closes on its answer.
            if facts.kind == Outcome::Reported && !facts.replied {
                return Err(CaseProblem::ReplyRequired);
            }
            Ok(Moved { state: CaseState::Closed, result: Some(result), ..same })
        }
        Action::RecordPart { department } => {
            if facts.kind != Outcome::Joint {
                return Err(Not("only a joint case has departments' parts"));
            }
            if !facts.parts.iter().any(|(d, _)| d == department) {
                return Err(Not("that department is not part of this joint case"));
            }
            Ok(same)
        }
        Action::RecordMeeting { .. } if facts.kind != Outcome::Joint => {
            Err(Not("only a joint case has a joint review meeting"))
        }
        // Recorded once: a second recording would replace who met and what they concluded.
        Action::RecordMeeting { .. } if facts.met => Err(Not("the joint review meeting is recorded already")),
        // Recorded once held (R13): not before the case was accepted, not on a day to come.
        Action::RecordMeeting { date, accepted_on, .. } if date < accepted_on || date > today => {
            Err(CaseProblem::MeetingDate { accepted_on })
        }
        Action::RecordMeeting { attendees, concluded, .. } if attendees == 0 || !concluded => {
            Err(CaseProblem::MeetingIncomplete)
        }
        Action::RecordMeeting { .. } => Ok(same),
        Action::Progress if facts.kind == Outcome::Reported => Ok(same),
        Action::Progress => Err(Not("only a reported case follows an upper level's progress")),
        Action::Expire => match facts.supplement_until {
            Some(until) if facts.state == CaseState::AwaitingMaterials && today > until => {
                Ok(Moved { state: CaseState::Closed, result: Some(CaseResult::Expired), ..same })
            }
            _ => Err(Not("only a supplement case past its waiting limit expires")),
        },
    }
}

/// A running case whose deadline waited for a year of the calendar: its deadline now, counted
/// from the day its clock started. `None` while that year is still missing.
pub fn settle_deadline(clock_from: NaiveDate, promised_days: u32, calendar: &Calendar) -> Option<NaiveDate> {
    calendar.add_working_days(clock_from, promised_days).ok()
}

/// A supplement's waiting limit that waited for its year's calendar, set on `told_on` (the day
/// the year was added): `days` working days from acceptance — unless that day is already here
/// or gone, when the citizen, told of it only now, gets the days from now instead (a limit
/// nobody could know of never ends a case). Answers the limit and whether it was counted from
/// `told_on`; `None` while the calendar still lacks a year it needs.
pub fn settle_supplement(
    accepted_on: NaiveDate,
    days: u32,
    told_on: NaiveDate,
    calendar: &Calendar,
) -> Option<(NaiveDate, bool)> {
    let limit = calendar.add_working_days(accepted_on, days).ok()?;
    if limit > told_on {
        return Some((limit, false));
    }
    calendar.add_working_days(told_on, days).ok().map(|d| (d, true))
}

/// How close a running deadline is: amber within one working day, red past it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    None,
    OnTime,
    Soon,
    Overdue,
}

/// The deadline's colour and the working days left: 0 on the day, negative when overdue —
/// at least one over from the day after the deadline, a weekend or holiday included (a case
/// due on Friday is not "due today" on Saturday).
pub fn due(state: CaseState, deadline: Option<NaiveDate>, today: NaiveDate, calendar: &Calendar) -> (Due, Option<i64>) {
    let Some(deadline) = deadline.filter(|_| state == CaseState::Open) else { return (Due::None, None) };
    let Ok(left) = calendar.working_days_between(today, deadline) else {
        // Beyond the loaded years: far enough not to be due soon; the count is unknown.
        return if deadline < today { (Due::Overdue, None) } else { (Due::OnTime, None) };
    };
    if deadline < today {
        (Due::Overdue, Some(left.min(-1)))
    } else if left <= 1 {
        (Due::Soon, Some(left))
    } else {
        (Due::OnTime, Some(left))
    }
}

/// The day bounds of the lists' filters: a case is overdue when its deadline is before
/// `today`, due soon when it is from `today` to `soon_until` (the next working day). When the
/// next working day is in a year not loaded (31 December before next year's calendar), no
/// deadline lies in that year (none is guessed): due soon is up to the end of this year.
pub fn soon_until(today: NaiveDate, calendar: &Calendar) -> NaiveDate {
    use chrono::Datelike;
    calendar
        .add_working_days(today, 1)
        .unwrap_or_else(|_| NaiveDate::from_ymd_opt(today.year(), 12, 31).expect("31 December").max(today))
}

/// The case number: the local date and the day's sequence, `20261128-0007`.
pub fn number(day: NaiveDate, seq: u32) -> String {
    format!("{}-{seq:04}", day.format("%Y%m%d"))
}

/// The kind in the words of the hall.
pub fn kind_words(kind: Outcome) -> &'static str {
    match kind {
        Outcome::Immediate => "即办件",
        Outcome::Promised => "承诺件",
        Outcome::Supplement => "补办件",
        Outcome::Returned => "退回件",
        Outcome::Joint => "联办件",
        Outcome::Reported => "上报件",
    }
}

/// Where the case stands, as the applicant reads it.
pub fn status_words(state: CaseState, result: Option<CaseResult>, kind: Outcome) -> &'static str {
    match (state, result) {
        (CaseState::AwaitingMaterials, _) => "待补齐材料：材料齐全之日起计算办理时限",
        (CaseState::Open, _) if kind == Outcome::Reported => "已受理，已上报上级机关审批",
        (CaseState::Open, _) if kind == Outcome::Joint => "已受理，多部门联合办理中",
        (CaseState::Open, _) => "已受理，正在办理",
        (CaseState::Closed, Some(CaseResult::Approved)) => "已办结：准予许可",
        (CaseState::Closed, Some(CaseResult::NotApproved)) => "已办结：不予许可",
        (CaseState::Closed, Some(CaseResult::Returned)) => "已退回",
        (CaseState::Closed, Some(CaseResult::Expired)) => "补正期限已过，本件已终止",
        (CaseState::Closed, _) => "已办结",
    }
}

#[cfg(test)]
#[path = "case/tests.rs"]
mod tests;
