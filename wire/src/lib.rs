//! The JSON types of the hall server's HTTP contract (`shared/api-contract.md`).
//!
//! These are the only types that derive `Serialize`/`Deserialize`: the server, the kiosk
//! and the display convert to and from their own domain types at the boundary.
//! Times are RFC 3339 strings carrying the hall's offset (`+08:00`).

use serde::{Deserialize, Serialize};

mod cases;
pub use cases::*;
mod complaints;
pub use complaints::*;
mod petitions;
pub use petitions::*;
mod ratings;
pub use ratings::*;
mod reports;
pub use reports::*;
mod assessment;
pub use assessment::*;
mod attendance;
pub use attendance::*;
mod leave;
pub use leave::*;
mod inspections;
pub use inspections::*;
mod village;
pub use village::*;
mod relay;
pub use relay::*;
mod booking;
pub use booking::*;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Every 4xx/5xx answer: `{"error": "<snake_case_code>", "message": "<human text>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
    /// With `409 hall_closed` / `409 quota_reached`: when tickets are next available (local
    /// RFC 3339), when that is within a week. With `409 booking_too_early`: when the booking's
    /// check-in opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_open: Option<String>,
    /// With `409 booking_suspended`: the first day booking is possible again (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// With `404 booking_not_found` at a check-in: the day of the booking found when it is
    /// another day's (`YYYY-MM-DD`), so that a kiosk can say it in its own language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking_day: Option<String>,
    /// With `422 extension_too_long`: the hall's cap, in working days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_days: Option<u32>,
}

/// Why tickets are not issued now (opening hours, cut-off and daily quotas).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IssuingStop {
    /// Before today's opening (or before the matter's own hours).
    NotOpenYet,
    /// The hall's lunch break.
    LunchBreak,
    /// Past the cut-off before closing (or past the matter's own hours): 今日已停止取号.
    CutOff,
    /// Not a day the hall (or the matter) is open.
    ClosedToday,
    /// The matter's daily quota is used up.
    QuotaReached,
}

/// Whether tickets are issued now, and until or from when. Of the hall (`GET /api/hall`), of a
/// matter (`GET /api/services`: hours, its own hours and its daily quota) or of a queue
/// (`GET /api/queues`: open when any of its matters is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Issuing {
    pub open: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<IssuingStop>,
    /// While open: when issuing stops next (local RFC 3339); absent when open all day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// While stopped: when tickets are next available (local RFC 3339), if within a week.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_open: Option<String>,
    /// A matter's daily quota (tickets a day), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_quota: Option<u32>,
    /// Of a matter with a quota: tickets still available today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_today: Option<u32>,
    /// The director reopened issuing for today: hours and quotas do not apply until midnight.
    #[serde(default)]
    pub reopened: bool,
}

impl Default for Issuing {
    /// Open, with nothing known about hours: what an older server's answer means.
    fn default() -> Self {
        Issuing {
            open: true,
            reason: None,
            until: None,
            next_open: None,
            daily_quota: None,
            left_today: None,
            reopened: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Health {
    /// `ok`, or `failing` (answered with 503) when the server cannot commit writes.
    pub status: String,
    /// Why it is failing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The hall itself: what a display or kiosk shows in its title and notice line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HallInfo {
    /// The hall's stable id in its county (`[hall] id`, ASCII): how the county service knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hall_id: Option<String>,
    pub name: String,
    pub address: String,
    pub phone: String,
    /// The scrolling notice line of the lobby display.
    pub notice: String,
    /// Staff sign in before this local time (HH:MM).
    pub work_start: String,
    pub work_end: String,
    pub timezone: String,
    /// The matter a citizen who does not know what to ask for gets a ticket for (「综合咨询」).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub general_inquiry: Option<String>,
    /// Whether the hall issues tickets now (its opening hours, lunch break and cut-off).
    #[serde(default)]
    pub issuing: Issuing,
    /// The hall's departments (a petition is transferred to one, R20), in configuration order.
    #[serde(default)]
    pub departments: Vec<DepartmentInfo>,
    /// A ticket's phone page alerts "your turn soon" when this many people are ahead.
    #[serde(default)]
    pub turn_soon_ahead: u32,
    /// Priority tickets (老弱病残孕、军人) are issued whatever the hours, cut-off and quotas say
    /// (`[hours] priority_exempt`): a kiosk keeps 「优先取号」 open while 「取号」 is stopped.
    #[serde(default)]
    pub priority_exempt: bool,
}

/// A department of the hall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DepartmentInfo {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MaterialKind {
    /// 主件: without it the matter cannot be accepted.
    Main,
    /// 附件: auxiliary material.
    Aux,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Material {
    pub name: String,
    pub kind: MaterialKind,
}

/// A matter (办事事项) with everything R3/R19 require to be told at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Service {
    pub id: String,
    pub name: String,
    /// The department's name.
    pub department: String,
    pub department_id: String,
    /// The queue id whose numbers this matter's tickets take.
    pub queue: String,
    pub windows: Vec<String>,
    pub materials: Vec<Material>,
    pub procedure: Vec<String>,
    /// Promised time limit in statutory working days; 0 = done on the spot (即办).
    pub time_limit_days: u32,
    /// Minutes it is normally done in on the spot, materials complete (即收即办, R7); 0 from a
    /// server older than the field.
    #[serde(default)]
    pub on_the_spot_minutes: u32,
    pub fee: String,
    pub basis: String,
    /// Whether this matter's tickets are issued now (hall hours, own hours, daily quota).
    #[serde(default)]
    pub issuing: Issuing,
    /// Booking and walk-in tickets ask for the 居民身份证号.
    #[serde(default)]
    pub id_number: bool,
    /// Bookable in slots (absent: walk-ins only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking: Option<ServiceBooking>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WindowStatus {
    Open,
    Paused,
    Closed,
}

/// The staff member on duty at a window (public: the hall publishes it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffOnDuty {
    pub name: String,
    pub staff_no: String,
    pub signed_in_at: String,
    /// The same instant in milliseconds: a desk tells its own sign-in from another one at the
    /// window within the same second (a takeover), which `signed_in_at` cannot (0 from a server
    /// older than the field).
    #[serde(default)]
    pub signed_in_ms: i64,
    /// The clerk stands in for another at this window (R16); never why, never for whom.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stand_in: bool,
    /// Path of the photo on this server (`/api/staff/{username}/photo`), when one is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Window {
    pub id: String,
    pub number: u32,
    pub name: String,
    pub department: String,
    pub department_id: String,
    pub location: String,
    pub status: WindowStatus,
    pub serving: Option<Ticket>,
    pub staff: Option<StaffOnDuty>,
    /// Queue ids this window calls from.
    pub queues: Vec<String>,
    /// Matter ids this window handles.
    pub services: Vec<String>,
    /// Where the window is on the hall plan, in percent (x west→east, y north→south).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanPoint>,
}

/// A place on the hall plan, in percent of its width (`x`) and depth (`y`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PlanPoint {
    pub x: u8,
    pub y: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Queue {
    pub queue: String,
    pub prefix: String,
    pub name: String,
    pub waiting: u32,
    pub estimated_wait_minutes: u32,
    /// Minutes the longest-waiting citizen of the queue has waited (0 when nobody waits).
    #[serde(default)]
    pub oldest_wait_minutes: u32,
    /// Whether tickets of this queue are issued now (open when any of its matters is); a
    /// display shows 今日已停止取号 when the reason is the cut-off or the day is over.
    #[serde(default)]
    pub issuing: Issuing,
}

/// The `queue_changed` event: the queue as `GET /api/queues` lists it, and when it changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct QueueChanged {
    #[serde(flatten)]
    pub queue: Queue,
    /// The time of the write that changed the queue (RFC 3339, the hall's offset): the moment
    /// `oldest_wait_minutes` is counted to. Absent from halls before 2026-12-05.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Elderly,
    Disabled,
    Military,
    Pregnant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    Waiting,
    Called,
    Serving,
    Done,
    NoShow,
    /// Waiting again at another matter or window after a transfer.
    Transferred,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 即办件 (R9)
    Immediate,
    /// 承诺件 (R12)
    Promised,
    /// 补办件 (R11)
    Supplement,
    /// 退回件 (R10)
    Returned,
    /// 联办件 (R13)
    Joint,
    /// 上报件 (R14)
    Reported,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Ticket {
    pub id: i64,
    pub number: String,
    /// The matter: absent from anonymous views (a citizen's matter is theirs).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub service_id: String,
    pub queue: String,
    pub status: TicketStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    pub waiting_ahead: u32,
    pub estimated_wait_minutes: u32,
    pub windows: Vec<String>,
    pub issued_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub called_at: Option<String>,
    /// When the clerk started serving it (the desk counts the service's minutes from it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_id: Option<String>,
    /// The window that first handled this ticket; it stays responsible after a transfer (R2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_window_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// The ticket's mobile status page (`/t/<unguessable token>`); only in the answer to the
    /// kiosk that issued it (absolute when the server has a public URL, else a path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_url: Option<String>,
    /// The case the finish registered (in the finish answer and staff reads of the ticket).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseBrief>,
    /// Came by appointment and checked in on time: called ahead of walk-ins (预约).
    #[serde(default)]
    pub booked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IssueTicket {
    pub service_id: String,
    #[serde(default)]
    pub priority: Option<Priority>,
    /// The 居民身份证号, on matters that ask for it (per-person limit; never stored in clear).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Login {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub window_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Kiosk,
    /// A window's rating screen (好差评 评价器).
    Evaluator,
    Clerk,
    Director,
    /// A leader who inspects the hall and reads its figures (R18), read-mostly.
    Leader,
    Admin,
    /// A village agent (代办员, R22): registers villagers' requests for the town hall.
    Village,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Session {
    pub token: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_id: Option<String>,
    pub username: String,
    pub name: String,
    pub expires_at: String,
}

/// `{service_id}` or `{window_id}` (or both: that matter, at that window).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Transfer {
    #[serde(default)]
    pub service_id: Option<String>,
    #[serde(default)]
    pub window_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Finish {
    pub outcome: Outcome,
    /// Free note of the clerk.
    #[serde(default)]
    pub note: Option<String>,
    /// Required for `returned` (R1, R10): the reason told to the citizen.
    #[serde(default)]
    pub reason: Option<String>,
    /// Required for `supplement` (R11): every missing material, listed at once.
    #[serde(default)]
    pub missing_materials: Option<Vec<String>>,
    /// The applicant, for the case and its notices (optional: a consultation may leave them out).
    #[serde(default)]
    pub applicant_name: Option<String>,
    #[serde(default)]
    pub applicant_phone: Option<String>,
    /// Required for `returned` (R10): which of the three grounds.
    #[serde(default)]
    pub return_ground: Option<ReturnGround>,
    /// Required for `joint` (R13): the other departments involved.
    #[serde(default)]
    pub departments: Option<Vec<String>>,
    /// Required for `reported` (R14): the upper-level authority that decides.
    #[serde(default)]
    pub authority: Option<String>,
}

/// One call of a ticket to a window; also the `ticket_called` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Call {
    pub ticket_id: i64,
    pub number: String,
    pub window_id: String,
    pub window_number: u32,
    pub window_name: String,
    pub at: String,
    pub recall: bool,
    /// The ticket came by appointment, on time.
    #[serde(default)]
    pub booked: bool,
}

/// `ticket_issued` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TicketIssued {
    pub ticket_id: i64,
    pub number: String,
    pub queue: String,
    pub service_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    pub at: String,
    /// The ticket came by appointment, on time.
    #[serde(default)]
    pub booked: bool,
}

/// `ticket_finished` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TicketFinished {
    pub ticket_id: i64,
    pub number: String,
    pub window_id: String,
    pub outcome: Outcome,
    pub at: String,
}

/// `ticket_no_show` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TicketNoShow {
    pub ticket_id: i64,
    pub number: String,
    pub window_id: String,
    pub at: String,
}

/// `ticket_transferred` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TicketTransferred {
    pub ticket_id: i64,
    pub number: String,
    pub from_window_id: String,
    pub service_id: String,
    pub queue: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_id: Option<String>,
    pub at: String,
}

/// `ticket_requeued` event: a no-show citizen came back and waits again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TicketRequeued {
    pub ticket_id: i64,
    pub number: String,
    pub queue: String,
    pub at: String,
}

/// `window_status` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WindowStatusChanged {
    pub window_id: String,
    pub window_number: u32,
    pub status: WindowStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<StaffOnDuty>,
    /// Number of the ticket being called or served there, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serving: Option<String>,
    pub at: String,
}

/// `GET /api/windows/{id}/stats`: today's work at a window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WindowStats {
    pub finished_today: u32,
    pub no_show_today: u32,
}

/// `GET /api/windows/{id}/no-shows`: a ticket called at the window today whose citizen did not
/// come, for the clerk to put back in the queue when they turn up (`POST /api/tickets/{id}/requeue`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NoShowLine {
    pub ticket_id: i64,
    pub number: String,
    pub service_id: String,
    pub service_name: String,
    /// When it was last called.
    pub called_at: String,
    /// Whether it may still go back to the queue (`policy.no_show_requeue_limit` not used up).
    pub requeue_allowed: bool,
}

/// `GET /api/windows/{id}/left-open` (and the director's today view): a citizen whose service
/// had begun at the window when the day-close step ended it — nobody finished it, so no case was
/// registered (R1 收件登记). The window's clerk registers it afterwards
/// (`POST /api/windows/{id}/register-left-open`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LeftOpenLine {
    pub ticket_id: i64,
    pub number: String,
    /// The day the service began (the case is registered on that day).
    pub day: String,
    pub window_id: String,
    pub service_id: String,
    pub service_name: String,
    /// When the service began.
    pub started_at: String,
}

/// The case of a ticket, as its phone page links to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TicketCase {
    pub number: String,
    pub kind: Outcome,
    /// The case's progress page (`/c/{token}`), while the case runs: a ticket's slip is often
    /// left in the hall, and a closed case's page holds its reasons (the applicant has its
    /// notice, with its own link).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_url: Option<String>,
}

/// `POST /api/windows/{id}/register-left-open` body: the ticket, then what a finish says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RegisterLeftOpen {
    pub ticket_id: i64,
    #[serde(flatten)]
    pub finish: Finish,
}

/// `POST /api/windows/{id}/stand-in` body: the clerk the director sends there (R16).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StandIn {
    pub username: String,
    /// The director sends the clerk to a window outside the account's allowed windows, knowingly
    /// (audited); without it that is refused (`403 window_not_allowed`).
    #[serde(default)]
    pub override_allowed: bool,
}

/// `GET /api/auth/me`: who the token belongs to and where they are signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Me {
    pub username: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_id: Option<String>,
    /// A village agent's station (R22).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub station: Option<String>,
    /// A clerk's: whether this session still holds its window (`false` once the window was
    /// signed in at anew, or the clerk signed in at another window, on another computer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holds_window: Option<bool>,
}

/// `GET /api/director/today`: the hall at a glance for the director.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DirectorToday {
    pub day: String,
    pub now: String,
    pub work_start: String,
    /// Waits longer than this are shown in the warning colour.
    pub wait_warning_minutes: u32,
    pub queues: Vec<QueueToday>,
    pub windows: Vec<WindowToday>,
    pub staff: Vec<StaffToday>,
    pub notice: String,
    /// The audit trail's latest anchor (R5): its head signed with the server's key and kept
    /// outside the database; write it down to check the trail later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_anchor: Option<AuditAnchor>,
    /// The hall's cases: counts by kind and state, and the overdue list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cases: Option<CasesOverview>,
    /// From 1 December: next year's working-day calendar is not loaded yet (the admin adds it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar_missing_year: Option<i32>,
    /// The citizen's voice today: ratings, bad ratings' follow-ups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<FeedbackOverview>,
    /// The last good backup (`hall-server backup`); absent: none on record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_backup: Option<LastBackup>,
    /// Windows whose clerk is on leave today and whose stand-in has not signed in by the start
    /// time (R16): shown red at the top of the console.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leave_alarms: Vec<LeaveAlarm>,
    /// Clerks on approved leave today (shown as 休假 in the sign-in list).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub on_leave: Vec<LeaveToday>,
    /// Services the day's close ended before anyone finished them: no case registered yet (R1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_open: Vec<LeftOpenLine>,
}

/// The last good backup of the hall's database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LastBackup {
    pub at: String,
    /// Hours since it was taken.
    pub age_hours: f64,
    /// Older than two days: the console shows it in red.
    pub stale: bool,
    pub file: String,
}

/// The audit trail's head as anchored: row, hash, when, and the server's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AuditAnchor {
    pub at: String,
    pub row: i64,
    pub head: String,
    pub mac: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct QueueToday {
    pub queue: String,
    pub prefix: String,
    pub name: String,
    pub waiting: u32,
    /// How long the longest-waiting citizen has waited, in minutes.
    pub longest_wait_minutes: u32,
    pub issued: u32,
    pub finished: u32,
    pub no_show: u32,
    pub avg_wait_minutes: f64,
    pub p90_wait_minutes: f64,
    pub avg_service_minutes: f64,
    pub p90_service_minutes: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WindowToday {
    pub id: String,
    pub number: u32,
    pub name: String,
    pub status: WindowStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<StaffOnDuty>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serving: Option<String>,
    /// Minutes the current ticket has been at the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serving_minutes: Option<u32>,
    /// The on-the-spot minutes of the matter served, when it is one done on the spot (R7): the
    /// console marks a service that has reached them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serving_limit_minutes: Option<u32>,
    pub finished: u32,
    pub no_show: u32,
    /// Tickets this window sent on today (转办: to another matter or window).
    #[serde(default)]
    pub transferred: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffToday {
    pub username: String,
    pub name: String,
    pub staff_no: String,
    /// Where the day's first sign-in was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_id: Option<String>,
    pub signed_in_at: String,
    /// Signed in after the hall's work start and its grace (`policy.late_grace_minutes`, R15).
    pub late: bool,
    /// The window the clerk holds now (another after a stand-in move); absent once signed out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_window: Option<String>,
}

/// `POST /api/notice` body, and the `notice_changed` event (with `at`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Notice {
    /// The scrolling line of the lobby displays; empty hides it.
    pub notice: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// What a kiosk reports about its printer (`POST /api/kiosk/faults`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum KioskFaultKind {
    /// The printer does not answer (network down, switched off, unplugged).
    PrinterUnreachable,
    /// The printer answers but says it is offline.
    PrinterOffline,
    CoverOpen,
    PaperOut,
    /// Sending the ticket failed part-way.
    PrintFailed,
    /// The printer works again: the fault is cleared.
    Recovered,
}

/// `POST /api/kiosk/faults` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct KioskFaultReport {
    pub kind: KioskFaultKind,
    /// Plain words for staff (≤ 500 characters).
    #[serde(default)]
    pub message: String,
    /// The ticket that could not be printed, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_number: Option<String>,
}

/// A kiosk and its current fault; also the `kiosk_fault` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct KioskState {
    pub kiosk_id: String,
    pub name: String,
    /// The open fault; `None` when the kiosk's printer works (or never reported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<KioskFaultKind>,
    #[serde(default)]
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_number: Option<String>,
    /// When the last report came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// `POST /api/director/issuing`: reopen issuing for the rest of today (hours and quotas set
/// aside), or end that.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReopenIssuing {
    pub reopen: bool,
}

/// A window that served a ticket before it was sent on, as the citizen's phone page names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ServedWindow {
    pub number: u32,
    pub name: String,
}

/// `GET /api/t/{token}`: what the citizen's phone shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TicketView {
    pub hall_name: String,
    pub number: String,
    pub matter: String,
    pub status: TicketStatus,
    pub waiting_ahead: u32,
    pub estimated_wait_minutes: u32,
    pub issued_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_number: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_location: Option<String>,
    /// The window that first served a ticket sent on since (转办: 首问窗口), when it is not the
    /// window above: the citizen may complain about either.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_window_number: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_window_name: Option<String>,
    /// Every window that served the ticket and sent it on, first to last, without the window
    /// above (the first of them is `first_window_*`): a ticket sent on twice was served at a
    /// window in between too, and the citizen may complain about any of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier_windows: Vec<ServedWindow>,
    /// The service's rating once given (one per service, from any channel): the page offers the
    /// rating while the ticket is `done` and this is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<RatingReceipt>,
    /// The complaints made on this page, oldest first (a reload shows where they stand and
    /// the hall's answer).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub complaints: Vec<TicketComplaint>,
    /// `done` without a service: ended by the day's close while called or being served (nobody
    /// finished it). No case, nothing to rate; the page says so instead of "finished".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unserved: bool,
    /// The case registered for this ticket (at its finish, or afterwards for a service the day's
    /// close ended): its number, kind and, while it runs, the applicant's progress page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<TicketCase>,
    /// `unserved`, its service had begun: the window may still register its case
    /// (`register-left-open`). A ticket only called when the day closed never gets one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub case_expected: bool,
    /// Came by appointment, on time (预约).
    #[serde(default)]
    pub booked: bool,
    /// The page alerts "your turn soon" when this many people are ahead (`GET /api/hall` too).
    #[serde(default)]
    pub turn_soon_ahead: u32,
    /// A ticket of an earlier day never called: numbers hold for their day, so it will not be
    /// called any more (nothing ahead, nothing to wait; a new ticket is needed).
    #[serde(default)]
    pub expired: bool,
}

/// The kinds of `GET /api/events`; clients ignore kinds they do not know.
pub mod event_kind {
    pub const TICKET_ISSUED: &str = "ticket_issued";
    pub const TICKET_CALLED: &str = "ticket_called";
    pub const TICKET_FINISHED: &str = "ticket_finished";
    pub const TICKET_NO_SHOW: &str = "ticket_no_show";
    pub const TICKET_TRANSFERRED: &str = "ticket_transferred";
    pub const TICKET_REQUEUED: &str = "ticket_requeued";
    pub const WINDOW_STATUS: &str = "window_status";
    pub const QUEUE_CHANGED: &str = "queue_changed";
    pub const NOTICE_CHANGED: &str = "notice_changed";
    pub const KIOSK_FAULT: &str = "kiosk_fault";
    /// The hall's issuing state changed (hours, cut-off, a quota, the director reopening):
    /// data is the hall's `Issuing`; the queues concerned also get `queue_changed`.
    pub const ISSUING_CHANGED: &str = "issuing_changed";
    /// A case was registered or moved (`CaseChanged`); staff streams only.
    pub const CASE_CHANGED: &str = "case_changed";
    /// The citizen's voice moved (a bad rating's follow-up, a complaint, a petition): the
    /// director's and administrators' streams only; `FeedbackChanged`.
    pub const FEEDBACK_CHANGED: &str = "feedback_changed";
    /// A service was rated (`RatingGiven`): the director's and administrators' streams and the
    /// county only.
    pub const RATING_GIVEN: &str = "rating_given";
    /// A village request was registered, forwarded, accepted into a case or replied to
    /// (`VillageChanged`, no personal information); staff streams only.
    pub const VILLAGE_CHANGED: &str = "village_changed";
    /// A message waits in the hall's outbox (`{id}`): the county service relays it. Staff and
    /// county streams only.
    pub const RELAY_PENDING: &str = "relay_pending";
    /// An incoming case (上报来件) arrived or moved (`{id, window_id, state}`); staff streams only.
    pub const INCOMING_CHANGED: &str = "incoming_changed";
    /// The administrator put a new hall configuration in force (`{at, sha256}`): clients load
    /// the hall again (windows, matters, queues).
    pub const HALL_CHANGED: &str = "hall_changed";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_use_the_contract_spelling() {
        let check = |v: serde_json::Value, expected: &str| assert_eq!(v, serde_json::json!(expected));
        check(serde_json::to_value(TicketStatus::NoShow).unwrap(), "no_show");
        check(serde_json::to_value(Outcome::Immediate).unwrap(), "immediate");
        check(serde_json::to_value(Priority::Pregnant).unwrap(), "pregnant");
        check(serde_json::to_value(WindowStatus::Paused).unwrap(), "paused");
        check(serde_json::to_value(MaterialKind::Aux).unwrap(), "aux");
    }

    #[test]
    fn optional_ticket_fields_are_omitted_when_absent() {
        let t = Ticket {
            id: 1,
            number: "A001".into(),
            service_id: "s".into(),
            queue: "q".into(),
            status: TicketStatus::Waiting,
            priority: None,
            waiting_ahead: 0,
            estimated_wait_minutes: 0,
            windows: vec!["w01".into()],
            issued_at: "2026-11-25T09:00:00+08:00".into(),
            called_at: None,
            started_at: None,
            window_id: None,
            first_window_id: None,
            outcome: None,
            status_url: None,
            case: None,
            booked: false,
        };
        let v = serde_json::to_value(&t).unwrap();
        assert!(v.get("called_at").is_none());
        assert_eq!(v["number"], "A001");
    }
}
