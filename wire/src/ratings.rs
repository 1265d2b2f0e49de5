//! The citizen's voice (R17, GB/T 39734 好差评): one rating per service from the window's
//! evaluator or the phone page, bad ratings' follow-ups, satisfaction figures. Dates are
//! `YYYY-MM-DD` in the hall's time zone; times RFC 3339 with the hall's offset.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// The five levels, best first, as the national practice words them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RatingLevel {
    /// 非常满意
    VerySatisfied,
    /// 满意
    Satisfied,
    /// 基本满意
    BasicallySatisfied,
    /// 不满意 (a reason is required; opens a follow-up)
    Dissatisfied,
    /// 非常不满意 (a reason is required; opens a follow-up)
    VeryDissatisfied,
}

/// Why a rating is bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RatingReason {
    /// 服务态度
    Attitude,
    /// 办事效率
    Efficiency,
    /// 材料反复要求
    MaterialsRepeated,
    /// 未按时办结
    NotInTime,
    /// 其他
    Other,
}

/// Where a rating was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RatingChannel {
    /// The small screen facing the citizen at the window.
    Evaluator,
    /// The ticket's or the case's phone page.
    Phone,
}

/// A citizen's rating of one service. `POST /api/t/{token}/rating`, `POST /api/c/{token}/rating`,
/// and (with `ticket_number`) `POST /api/evaluator/rating`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RateService {
    pub level: RatingLevel,
    /// Required for 不满意 and 非常不满意.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<RatingReason>,
    /// Up to 500 characters, kept as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A phone number for a call back (bad ratings), optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The evaluator's ticket: the one just finished at its window (the evaluator only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_number: Option<String>,
}

/// A rating as the rater sees it again (nothing about other ratings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RatingReceipt {
    pub level: RatingLevel,
    pub channel: RatingChannel,
    pub at: String,
    /// A bad rating is verified and answered by the hall (差评回访).
    pub follow_up: bool,
}

/// The clerk on duty at a window, as the evaluator shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClerkOnDuty {
    pub name: String,
    /// 工号
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_number: Option<String>,
    /// `/api/staff/{username}/photo` when the hall has a photo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo_url: Option<String>,
}

/// A finished service waiting for its rating at the evaluator. Its ticket number only: the
/// pad may still show it when the next citizen sits down, and a matter beside a number (低保,
/// 残疾人证) tells a stranger the person's welfare or health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RatingAsked {
    pub ticket_number: String,
    pub finished_at: String,
    /// Until when the evaluator asks (then it returns to idle).
    pub until: String,
}

/// `GET /api/evaluator`: what the evaluator at a window shows now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EvaluatorView {
    pub window_id: String,
    pub window_number: u32,
    pub window_name: String,
    pub hall_name: String,
    /// Nobody signed in: the evaluator idles with the window's name only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clerk: Option<ClerkOnDuty>,
    /// The service just finished and not rated yet, while it may still be rated there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asking: Option<RatingAsked>,
    /// Seconds the evaluator waits for a rating before it idles again.
    pub ask_seconds: u32,
}

/// Where a bad rating's follow-up stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FollowUpState {
    /// Nobody contacted the rater yet.
    Open,
    /// The rater was contacted (or could not be: no phone); rectification under way.
    Contacted,
    /// Rectified and answered: closed with what was done.
    Closed,
}

/// A bad rating's follow-up, for the director (it holds the rater's phone: reads are audited).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FollowUp {
    pub id: i64,
    pub state: FollowUpState,
    pub level: RatingLevel,
    pub reason: RatingReason,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Only in the single, audited read (`GET /api/follow-ups/{id}`) and the answers to actions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The rater left a phone for a call back (contact before closing).
    pub has_phone: bool,
    pub channel: RatingChannel,
    pub window_id: String,
    pub window_number: u32,
    pub clerk: String,
    pub clerk_name: String,
    pub service_name: String,
    pub ticket_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_number: Option<String>,
    pub rated_at: String,
    /// Contact the rater by this date (empty while the calendar's year is not loaded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_due: Option<String>,
    /// Rectify and answer by this date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rectify_due: Option<String>,
    /// The running deadline is past.
    pub overdue: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contacted_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_taken: Option<String>,
}

/// `POST /api/follow-ups/{id}/contact`: the rater was contacted (what they said, what was agreed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ContactFollowUp {
    pub note: String,
}

/// `POST /api/follow-ups/{id}/close`: what was rectified and how the rater was answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CloseFollowUp {
    pub action_taken: String,
}

/// Ratings of one window, one clerk, or the whole hall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SatisfactionLine {
    /// A window id, a clerk's username, or `hall`.
    pub key: String,
    /// Window number and name, the clerk's name, or the hall's name.
    pub label: String,
    pub rated: u32,
    /// Counts per level, best first (非常满意 … 非常不满意).
    pub levels: [u32; 5],
    /// (非常满意 + 满意 + 基本满意) / rated; absent when nothing was rated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
}

/// `GET /api/ratings/summary` (director) and `GET /api/ratings/mine` (a clerk: only their line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Satisfaction {
    /// First and last day counted, inclusive.
    pub from: String,
    pub to: String,
    pub hall: SatisfactionLine,
    pub windows: Vec<SatisfactionLine>,
    pub clerks: Vec<SatisfactionLine>,
}

/// The director's glance at the citizen's voice (`DirectorToday.feedback`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FeedbackOverview {
    /// Services rated today, and today's satisfaction (absent when none was rated).
    pub rated_today: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction_today: Option<f64>,
    /// Bad ratings' follow-ups not closed, and those past a deadline (red).
    pub follow_ups_open: u32,
    pub follow_ups_overdue: u32,
    /// Complaints not answered yet, and those past their due date.
    pub complaints_open: u32,
    pub complaints_overdue: u32,
    /// Petitions not answered yet, those past their due date, and urgent ones not acknowledged.
    pub petitions_open: u32,
    pub petitions_overdue: u32,
    pub petitions_alerts: u32,
}

/// What the citizen's voice is about, in `feedback_changed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FeedbackSubject {
    FollowUp,
    Complaint,
    Petition,
}

/// Event `feedback_changed`, to the director's and administrators' streams only: no names, no
/// text, only what to reload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FeedbackChanged {
    pub subject: FeedbackSubject,
    pub id: i64,
    /// What happened, e.g. `opened`, `contacted`, `closed`, `answered`.
    pub action: String,
    /// An urgent or major petition: the console alerts at once (R20).
    #[serde(default)]
    pub urgent: bool,
    pub at: String,
    /// The day it counts on in the hall's figures when that is not the day of `at`: a complaint
    /// received (a letter registered days after it came counts on the day it came, YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<String>,
}

/// Event `rating_given`: a service was rated (好差评), to the director's and administrators'
/// streams and the county only (a clerk must not learn which citizen rated what): the level,
/// where and for which matter; never the rater, the reason, the text or a phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RatingGiven {
    pub level: RatingLevel,
    pub window_id: String,
    /// The matter served.
    pub service_id: String,
    pub channel: RatingChannel,
    pub at: String,
}
