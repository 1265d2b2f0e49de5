//! Village stations (代办点, R22): a village agent registers a villager's request for the town
//! hall, forwards it (the town window's desk receives it), a window accepts it into a case, and
//! the agent replies to the villager by the town's deadline. The villager's name and phone reach
//! only the registering agent, the clerks of the windows handling the matter and the director;
//! lists for the town's staff and the `village_changed` event carry none. Dates are
//! `YYYY-MM-DD` in the hall's time zone; times RFC 3339 with the hall's offset.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::CaseResult;

/// `POST /api/village/requests` (a village agent): the villager's request as registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewVillageRequest {
    /// 1 to 50 characters.
    pub villager_name: String,
    /// A mainland mobile number (11 digits starting with 1; spaces, dashes, +86 allowed).
    pub villager_phone: String,
    /// The matter (`GET /api/services`).
    pub service_id: String,
    /// The matter's materials the villager handed over, each one of its list (一次性告知).
    #[serde(default)]
    pub materials: Vec<String>,
    /// Urgent: forwarded the same day (R22).
    #[serde(default)]
    pub urgent: bool,
    /// Up to 500 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Forward it at once (the materials go to the town hall today).
    #[serde(default)]
    pub forward: bool,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VillageStatus {
    /// At the station.
    Registered,
    /// Received by the town hall: on the desk of the windows handling its matter.
    Forwarded,
    /// Accepted by a window into a case that is running.
    Accepted,
    /// Its case is closed (`case_result`).
    Closed,
}

/// A village request. `villager_name`, `villager_phone` and `note` are there only for the
/// registering agent, and in a staff member's audited read (`GET /api/village/requests/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VillageRequest {
    pub id: i64,
    /// `DB` + the day + its sequence, e.g. `DB20261203-001`.
    pub number: String,
    pub station: String,
    pub service_id: String,
    pub service_name: String,
    /// The windows handling the matter: where it arrives.
    pub windows: Vec<String>,
    pub materials: Vec<String>,
    pub urgent: bool,
    pub status: VillageStatus,
    pub registered_at: String,
    /// The village agent who holds it (registered it, or was handed it over): their username and
    /// name.
    #[serde(default)]
    pub agent: String,
    #[serde(default)]
    pub agent_name: String,
    /// The day the town hall must have it by: 3 working days, never over a week; urgent the same day.
    pub forward_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forwarded_at: Option<String>,
    /// Past `forward_by` and not received by the town hall.
    pub forward_overdue: bool,
    /// Received after `forward_by`.
    pub forwarded_late: bool,
    /// The case a window accepted it into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_window_id: Option<String>,
    /// The town's promised date (the case's deadline), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub town_deadline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_result: Option<CaseResult>,
    /// The day the agent replies to the villager by: the town's deadline, or the day the window
    /// decided when the case has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replied_at: Option<String>,
    /// The town answered and the villager was not told by `reply_by` (R22).
    pub reply_overdue: bool,
    /// The town's case still runs past its promised date: the town window is late (the agent
    /// presses it), not the agent, who has nothing to tell yet.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub town_overdue: bool,
    /// The town has answered (the case closed, or waiting for materials it lists): the agent may
    /// record the reply. False while the case runs (and before a window accepted the request).
    #[serde(default)]
    pub town_answered: bool,
    /// A 补办件 waiting for materials: what the villager must still bring, all at once (R11),
    /// and by when (the case ends unanswered after it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_materials: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplement_until: Option<String>,
    /// Why the case was returned or not approved, to tell the villager (R1, R10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_reason: Option<String>,
    /// The case's check code (R4: the villager asks its progress at a kiosk with it): the agent's
    /// own requests only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_check_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub villager_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub villager_phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `village_changed` event (staff streams; no name, phone or note).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VillageChanged {
    pub id: i64,
    pub number: String,
    pub station: String,
    pub service_id: String,
    pub status: VillageStatus,
    pub urgent: bool,
    pub forward_by: String,
    /// `registered`, `forwarded`, `forward_by_set`, `accepted`, `materials_in`, `reply_due`,
    /// `replied` or `hand_over`.
    pub action: String,
    pub at: String,
}

/// A village agent of the hall (代办员): who a station's requests may be handed over to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VillageAgent {
    pub username: String,
    pub name: String,
    pub station: String,
}

/// `POST /api/village/requests/{id}/agent`: the agent of the same station who takes it over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HandOver {
    pub agent: String,
}
