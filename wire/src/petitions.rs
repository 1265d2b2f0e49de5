//! Petitions (信访, R20): every letter, visit, call or online petition registered with R20's
//! fields, answered on the spot or within the hall's working days, transferred to a department
//! with a 交办单 and told to the petitioner with a 告知书. The petitioner's identity is the
//! director's and administrators' only; lists and alerts carry none. Dates are `YYYY-MM-DD` in
//! the hall's time zone; times RFC 3339 with the hall's offset.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// How the petition came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PetitionChannel {
    /// 来信
    Letter,
    /// 来访
    Visit,
    /// 来电
    Call,
    /// 网上信访
    Online,
}

/// The petitioner's gender as registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
    /// Not stated (an unsigned letter, a call).
    Unstated,
}

/// Where a petition stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PetitionState {
    /// Registered, not answered yet: the deadline runs.
    Received,
    /// Handed to a department with a 交办单 (分级负责、归口办理): the deadline runs.
    Transferred,
    /// Answered (on the spot, or later).
    Answered,
    Closed,
}

/// `POST /api/petitions` (director, admin): a petition as registered (R20's fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewPetition {
    pub channel: PetitionChannel,
    /// When it came (a letter may be registered later); default now. Not in the future. RFC 3339,
    /// or the hall's local `YYYY-MM-DDTHH:MM` (read in the hall's time zone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<String>,
    /// 1 to 50 characters; empty for an anonymous petition.
    #[serde(default)]
    pub name: String,
    pub gender: Gender,
    /// 0 to 130.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u32>,
    /// Up to 50 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occupation: Option<String>,
    /// 政治面貌, up to 50 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub political_status: Option<String>,
    /// 住址或工作单位, 1 to 200 characters; empty for an anonymous petition.
    #[serde(default)]
    pub address_or_workplace: String,
    /// The main issue, 1 to 2000 characters (kept as text).
    pub issue: String,
    /// An unsigned letter (匿名信), a caller who gives no name: registered all the same (R20),
    /// without a name or an address; there is nobody to give a 告知书 to.
    #[serde(default)]
    pub anonymous: bool,
    /// An urgent or major matter: the director's console alerts at once until acknowledged.
    #[serde(default)]
    pub urgent: bool,
    /// Received by a leader (领导接访): answered within `policy.petition_leader_days`.
    #[serde(default)]
    pub leader_reception: bool,
    /// Solved on the spot: `answer` says how; the petition is answered at once.
    #[serde(default)]
    pub solved_on_spot: bool,
    /// Up to 2000 characters; required when solved on the spot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
}

/// A line of `GET /api/petitions`: no identity, no text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PetitionLine {
    pub id: i64,
    /// `XF20261203-01`: the day of registration and its sequence.
    pub number: String,
    pub channel: PetitionChannel,
    pub received_at: String,
    pub state: PetitionState,
    /// Answer by this day (absent: answered on the spot, or the calendar's year is not loaded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// Not answered and the due day is past.
    pub overdue: bool,
    pub urgent: bool,
    /// An urgent petition the director acknowledged (always true for one not urgent).
    pub acknowledged: bool,
    pub leader_reception: bool,
    /// The department it was transferred to (its name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
}

/// Where a petition was transferred, and what was asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PetitionTransfer {
    /// The department's id in the hall.
    pub department_id: String,
    /// The department's name.
    pub department: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The department answers by this day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    pub at: String,
    pub by: String,
}

/// The answer given to the petitioner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PetitionAnswer {
    pub text: String,
    pub at: String,
    pub by: String,
}

/// Who acknowledged an urgent petition's alert, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PetitionAcknowledged {
    pub at: String,
    pub by: String,
}

/// A step of a petition's history (no identity in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PetitionStep {
    pub at: String,
    pub by: String,
    /// `registered`, `answered`, `transferred`, `closed`, `acknowledged`, `due_set`.
    pub action: String,
    /// The step in plain Chinese.
    pub text: String,
}

/// `GET /api/petitions/{id}` (director, admin; every read is audited): the whole record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Petition {
    pub id: i64,
    pub number: String,
    pub channel: PetitionChannel,
    pub received_at: String,
    pub registered_by: String,
    pub name: String,
    pub gender: Gender,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occupation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub political_status: Option<String>,
    pub address_or_workplace: String,
    pub issue: String,
    /// Registered without a name or an address (an unsigned letter).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub anonymous: bool,
    pub urgent: bool,
    pub leader_reception: bool,
    pub solved_on_spot: bool,
    pub state: PetitionState,
    /// Answer by this day (absent: answered on the spot, or the calendar's year not loaded yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// Working days the hall gives it (3, or 5 for a leader reception; 0 on the spot).
    pub due_days: u32,
    pub overdue: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<PetitionTransfer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<PetitionAnswer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<PetitionAcknowledged>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<String>,
    pub history: Vec<PetitionStep>,
}

/// `POST /api/petitions/{id}/transfer`: to a department of the hall (its id or its name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TransferPetition {
    pub department: String,
    /// What is asked of the department, up to 500 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Answer by this day (from today up to the petition's own due day); default that due day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
}

/// `POST /api/petitions/{id}/answer`: the answer given to the petitioner (1 to 2000 characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AnswerPetition {
    pub answer: String,
}

/// `GET /api/petitions/alerts`: an urgent petition not acknowledged yet (no identity, no text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PetitionAlert {
    pub id: i64,
    pub number: String,
    pub channel: PetitionChannel,
    pub received_at: String,
    pub leader_reception: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
}
