//! Cases (办件, R1–R14) and the working-day calendar (R6): what a finished ticket becomes.
//! Dates are `YYYY-MM-DD` in the hall's time zone; times are RFC 3339 with the hall's offset.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::Outcome;

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// Accepted, the clock runs (承诺件, 联办件, 上报件, or a 补办件 whose materials are complete).
    Open,
    /// A 补办件 waiting for the missing materials: the clock does not run (R11).
    AwaitingMaterials,
    Closed,
}

/// How a closed case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseResult {
    /// 即办件 done on the spot, or a case finished with its matter done.
    Done,
    Approved,
    /// With the reason told to the applicant.
    NotApproved,
    /// 退回件 (R10).
    Returned,
    /// A 补办件 whose materials never came within the hall's limit.
    Expired,
}

/// R10's three grounds for returning an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReturnGround {
    /// 主件缺失: a main material is missing.
    MainMaterialMissing,
    /// 明显不符合政策规定: clearly against the rules.
    AgainstPolicy,
    /// 实地核查不具备条件: an inspection found the conditions unmet.
    ConditionsUnmet,
}

/// How close a case is to its deadline (R7, R8): amber is `soon`, red is `overdue`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Due {
    /// No running deadline (closed, or the clock is stopped).
    None,
    OnTime,
    /// Due within one working day.
    Soon,
    Overdue,
}

/// The case a finish registered: in the finish answer (`Ticket.case`), for the clerk to hand over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseBrief {
    /// `YYYYMMDD-NNNN`, unique in the hall.
    pub number: String,
    /// Six characters the applicant gets on paper, to query the case's progress.
    pub check_code: String,
    pub kind: Outcome,
    pub state: CaseState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
}

/// One department's part of a 联办件 (R13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CasePart {
    pub department: String,
    pub done: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The director's joint review meeting of a 联办件 (R13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct JointMeeting {
    pub date: String,
    pub attendees: Vec<String>,
    pub conclusion: String,
}

/// The single extension of a deadline (director only, R12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Extension {
    pub days: u32,
    pub reason: String,
    pub by: String,
    pub at: String,
}

/// What a step of a case's history was (`CaseStep.action`, `ProgressStep.action`): every step a
/// hall writes is one of these, and the pages and the kiosk name each in their language (their
/// tests go through `ALL`).
pub mod step_action {
    pub const REGISTERED: &str = "registered";
    pub const MATERIALS_COMPLETE: &str = "materials_complete";
    pub const EXTENDED: &str = "extended";
    pub const PART_RECORDED: &str = "part_recorded";
    pub const MEETING_RECORDED: &str = "meeting_recorded";
    pub const PROGRESS_NOTED: &str = "progress_noted";
    pub const REPLY_RECEIVED: &str = "reply_received";
    pub const DEADLINE_SET: &str = "deadline_set";
    pub const CLOSED: &str = "closed";
    pub const EXPIRED: &str = "expired";
    pub const ARCHIVED: &str = "archived";
    /// The applicant's objection and the window's answer (R4), on a running or closed case.
    pub const OBJECTION_ANSWERED: &str = "objection_answered";
    /// The applicant came back for it with a ticket (R11: the missing materials; R4: a
    /// question): a visit, no second case.
    pub const VISITED: &str = "visited";
    /// The county delivered a 上报件's report to the upper hall (R14): it waits to be accepted.
    pub const UPPER_RECEIVED: &str = "upper_received";
    /// The upper hall's steps of a relayed 上报件 (R14): `upper_` and the step it sent.
    pub const UPPER_ACCEPTED: &str = "upper_accepted";
    pub const UPPER_EXTENDED: &str = "upper_extended";
    pub const UPPER_DEADLINE_SET: &str = "upper_deadline_set";
    pub const UPPER_CLOSED: &str = "upper_closed";
    /// The director gave the case to another window (its own was removed, its clerk away).
    pub const ASSIGNED: &str = "assigned";
    pub const ALL: [&str; 19] = [
        REGISTERED,
        MATERIALS_COMPLETE,
        EXTENDED,
        PART_RECORDED,
        MEETING_RECORDED,
        PROGRESS_NOTED,
        REPLY_RECEIVED,
        DEADLINE_SET,
        CLOSED,
        EXPIRED,
        ARCHIVED,
        OBJECTION_ANSWERED,
        VISITED,
        UPPER_RECEIVED,
        UPPER_ACCEPTED,
        UPPER_EXTENDED,
        UPPER_DEADLINE_SET,
        UPPER_CLOSED,
        ASSIGNED,
    ];
    /// The steps that change nothing of where the case stands (its state, result, deadline):
    /// on a closed case, no new close.
    pub const NOTES: [&str; 3] = [ARCHIVED, OBJECTION_ANSWERED, VISITED];
}

/// A step of a case's history, for staff (who, when, what).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseStep {
    pub at: String,
    /// The staff account, or `system`.
    pub by: String,
    /// One of `step_action::ALL`: `registered`, `materials_complete`, `extended`,
    /// `part_recorded`, `meeting_recorded`, `progress_noted`, `reply_received`, `deadline_set`,
    /// `closed`, `expired`, `archived`, `objection_answered`, `visited`, `upper_received`, `upper_accepted`,
    /// `upper_extended`, `upper_deadline_set`, `upper_closed`, `assigned`.
    pub action: String,
    /// The step in plain Chinese, as the applicant reads it.
    pub text: String,
}

/// A case as staff see it (`GET /api/cases/{number}` with a staff token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Case {
    pub number: String,
    pub check_code: String,
    pub kind: Outcome,
    pub state: CaseState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<CaseResult>,
    pub ticket_id: i64,
    pub ticket_number: String,
    pub service_id: String,
    pub service_name: String,
    pub window_id: String,
    pub clerk: String,
    /// The clerk's name as the hall's staff list has it (for the notices).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clerk_name: Option<String>,
    /// The window that accepted it (受理窗口 on the notices given then), when the director has
    /// since handed it to another (`window_id`); absent while it is still there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_window_id: Option<String>,
    /// Who closed it, by name (the 办结通知单's 经办人), when not the clerk who registered it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by_name: Option<String>,
    /// The working days promised at registration (承诺时限), kept whatever the matter says
    /// since: the 补办通知单 printed again says the same.
    pub promised_days: u32,
    /// The window first asked, responsible until the case ends (R2).
    pub first_window_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant_phone: Option<String>,
    /// Minutes the applicant was served at the window (from the start of service, or the call,
    /// to the finish that registered the case; R7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_minutes: Option<u32>,
    /// The day of acceptance.
    pub accepted_on: String,
    /// The day the clock started (for a 补办件, the day the materials were complete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// Working days from today to the deadline (0 on the day itself, negative when overdue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_days_left: Option<i64>,
    pub due: Due,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<Extension>,
    /// A 补办件's missing materials, all listed at once (R3, R11).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_materials: Vec<String>,
    /// A 补办件 not completed by this day expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplement_until: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_ground: Option<ReturnGround>,
    /// The reason told to the applicant (returned, not approved).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The clerk's note at registration (备注: a relative's power of attorney checked, a
    /// villager's request note), on the record (R5); staff only, as the whole view.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<CasePart>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting: Option<JointMeeting>,
    /// A 联办件 whose every department's part is done, waiting for the director's joint review
    /// meeting before it can close (R13).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub awaiting_meeting: bool,
    /// A 上报件's upper-level authority (R14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    /// An open 上报件 the upper level has not answered yet (no reply recorded, no close
    /// relayed): it cannot close before that answer (R14, `422 reply_required`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub awaiting_reply: bool,
    /// A 上报件 whose date is the upper level's (given by it, or recorded from it): it is not
    /// extended here (R12, R14); a new date from above is recorded as progress.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub upper_dated: bool,
    /// A 上报件 relayed to the county hall: how far that hall has come (R14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper: Option<crate::UpperProgress>,
    /// The case's phone page (`/c/<token>`), the QR code on every notice.
    pub status_url: String,
    pub history: Vec<CaseStep>,
    /// A closed case: the day its file is to be archived by (R17; absent for a case closed
    /// before the archive was tracked, or while its date waits for next year's calendar).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_due: Option<String>,
    /// When its file was archived (`POST /api/cases/{number}/archive`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived_at: Option<String>,
}

/// A closed case whose file waits to be archived (`GET /api/windows/{id}/to-archive`, R17).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FileToArchive {
    pub number: String,
    pub kind: Outcome,
    pub service_name: String,
    /// The day the case closed.
    pub closed_on: String,
    /// The day its file is to be archived by (absent while it waits for next year's calendar).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_due: Option<String>,
    /// Past that day: it counts against the window's and the clerk's assessment.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub overdue: bool,
}

/// A line of the case lists (clerk's and director's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseLine {
    pub number: String,
    pub kind: Outcome,
    pub state: CaseState,
    pub service_name: String,
    pub window_id: String,
    pub first_window_id: String,
    pub accepted_on: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_days_left: Option<i64>,
    pub due: Due,
    /// A 联办件 whose every department's part is done, waiting for the director's joint review
    /// meeting before it can close (R13).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub awaiting_meeting: bool,
}

/// The citizen's progress query (R4): `GET /api/cases/{number}?code=…` and the phone page.
/// No staff names, no personal information.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseProgress {
    pub number: String,
    pub kind: Outcome,
    pub state: CaseState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<CaseResult>,
    /// Where the case stands, in words (Chinese).
    pub status_text: String,
    pub service_name: String,
    pub accepted_on: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_days_left: Option<i64>,
    /// The window to ask (the first-inquiry window, R2).
    pub window_number: u32,
    pub window_name: String,
    /// The missing materials of a 补办件 waiting for them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_materials: Vec<String>,
    /// … and the last day to bring them (R11): the case ends after it (absent: its working
    /// days wait for a year's calendar not published yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplement_until: Option<String>,
    pub history: Vec<ProgressStep>,
    /// The service that registered the case was rated (one rating per service). Only whether,
    /// never the level: the case's staff can open this view too (its number and check code).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rated: bool,
    /// A 上报件 relayed to the county hall: how far that hall has come (R14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper: Option<crate::UpperProgress>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProgressStep {
    pub at: String,
    /// What the step was, as `CaseStep.action` (`registered`, `closed`, …): a page names it in
    /// its own language (empty from a server older than the field).
    #[serde(default)]
    pub action: String,
    /// The step in plain Chinese.
    pub text: String,
}

/// `case_changed` (staff streams only): a case was registered or moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseChanged {
    pub number: String,
    pub kind: Outcome,
    pub state: CaseState,
    pub window_id: String,
    pub first_window_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    pub action: String,
    pub at: String,
    /// The case's matter (事项): the county's figures per matter. Absent from servers before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    /// With `assigned`: the window that had it (its desk lists it no more).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_window_id: Option<String>,
}

/// `POST /api/cases/{number}/assign` (director): the window that handles the case from now on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AssignCase {
    pub window_id: String,
}

/// `POST /api/cases/{number}/extend` (director): once, by at most the hall's cap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ExtendCase {
    pub days: u32,
    pub reason: String,
}

/// `POST /api/cases/{number}/close`: the result of a 承诺件, 联办件 or 上报件.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CloseCase {
    /// `done`, `approved` or `not_approved` (with a reason).
    pub result: CaseResult,
    #[serde(default)]
    pub reason: Option<String>,
}

/// `POST /api/cases/{number}/parts`: a department records its part of a 联办件.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecordPart {
    pub department: String,
    pub done: bool,
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST /api/windows/{id}/finish-visit`: the citizen called came back for a case registered
/// earlier (R11: with a 补办件's missing materials; R4: to ask how it stands). Their ticket is
/// finished as a visit for that case: no second case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FinishVisit {
    pub case_number: String,
    /// A 补办件 waiting for its materials: they are all in now, its clock starts today.
    #[serde(default)]
    pub materials_complete: bool,
}

/// `POST /api/cases/{number}/objection`: the applicant's objection (异议) to how the case is
/// handled or to its result, and the clear answer the window gave them (R4), kept in its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseObjection {
    /// What the applicant objects to, in their words (up to 500 characters).
    pub objection: String,
    /// The answer given to them (up to 500 characters).
    pub answer: String,
}

/// `POST /api/cases/{number}/progress`: a 上报件's progress note, or the reply received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReportProgress {
    pub note: String,
    /// The upper level's reply came (its content is `note`).
    #[serde(default)]
    pub reply: bool,
    /// The date the upper level promised to decide by (`YYYY-MM-DD`), when it gave one outside
    /// the relay: from then on the case's deadline, the one the applicant is told (R14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
}

/// `GET /api/calendar/working-days?from=&add=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WorkingDay {
    pub date: String,
}

/// `GET /api/calendar/day/{date}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CalendarDay {
    pub working: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A loaded year of the calendar (`GET /api/calendar/years`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CalendarYear {
    pub year: i32,
    pub source: String,
    pub working_days: u32,
    /// Days of the December before that this year's notice changed (worked or off), when added
    /// after that year: deadlines already set stay as they were set, except on a day now off.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amended_days: Vec<String>,
    /// Bookings on those days, now days off, cancelled by the hall (the director calls them
    /// from the day's bookings list).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bookings_cancelled: u32,
    /// Deadlines (cases, incoming cases, complaints, petitions, follow-ups) set on those days, now days off,
    /// moved to the next working day (顺延), each told in its history.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub deadlines_deferred: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// `POST /api/admin/calendar`: a year's schedule in the shipped files' TOML format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AddCalendarYear {
    pub toml: String,
}

/// Open cases of one kind and state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseCount {
    pub kind: Outcome,
    pub state: CaseState,
    pub count: u32,
}

/// The director's case panel (in `DirectorToday`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CasesOverview {
    /// Cases not closed, by kind and state.
    pub counts: Vec<CaseCount>,
    pub open: u32,
    pub due_soon: u32,
    pub overdue: u32,
    /// Every overdue case, most overdue first (`working_days_left` is minus the days over).
    pub overdue_list: Vec<CaseLine>,
    /// Cases registered today.
    pub registered_today: u32,
    /// Closed cases' files not archived yet (R17 档案), and those past their date: each window's
    /// counted up to 100 (see `FilesOut.more`).
    #[serde(default)]
    pub files_out: u32,
    #[serde(default)]
    pub files_overdue: u32,
    /// Per window, those with files out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files_by_window: Vec<FilesOut>,
}

/// A window's files not archived yet (R17), and those past their date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FilesOut {
    pub window_id: String,
    pub out: u32,
    pub overdue: u32,
    /// More than `out` are out (a window's oldest 100 are counted).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub more: bool,
}
