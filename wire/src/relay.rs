//! The relay between halls through the county service (R14, 上报件): a hall's outbox, another
//! hall's inbox, the incoming cases at the upper hall, and how far the upper hall has come with
//! a reported case, as the town case shows it.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::CaseResult;

/// A message waiting in a hall's outbox (`GET /api/relay/outbox`, the county device only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OutboxMessage {
    pub id: i64,
    /// The message's name at this hall, the same on every delivery (`report:<case number>`,
    /// `progress:<origin hall>:<origin number>:<step>`).
    pub key: String,
    /// `report` (to the county hall) or `progress` (back to `to_hall`).
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_hall: Option<String>,
    /// What the message carries (a report holds the applicant's name and phone).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub body: serde_json::Value,
    pub created_at: String,
}

/// `POST /api/relay/inbox`: a message of another hall, delivered by the county service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InboxMessage {
    /// Applied once: `<from hall>:<its outbox key>`; a repeat gets the first answer.
    pub key: String,
    pub from_hall: String,
    pub kind: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub body: serde_json::Value,
}

/// The county's acknowledgement of an outbox message it delivered (a body is optional: a county
/// of an earlier version sends none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OutboxAck {
    /// The name of the hall it was delivered to (a report's: the county hall), for the case's
    /// history: 上报材料已送达云岭县政务服务中心.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_hall_name: Option<String>,
    /// Taken out of the outbox undelivered: the county hall's own report, whose upper level is
    /// outside the county (a city or province office): its staff send it and record its
    /// progress by hand. No step tells the applicant of a delivery.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_relayed: bool,
}

/// What applying an inbox message did (the same answer to every repeat of its key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InboxAnswer {
    pub key: String,
    /// `incoming_registered` (a report), `progress_recorded`, `case_closed` (the upper hall's
    /// result closed the reported case), `superseded` (a step older than what the case already
    /// heard: one before the upper hall's close, an acceptance after its later steps; kept, not
    /// applied) or `ignored` (nothing this hall knows: kept, not applied).
    pub outcome: String,
    /// The incoming case a report became.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incoming_id: Option<i64>,
    /// The reported case a progress message moved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_number: Option<String>,
}

/// Where an incoming case stands at the upper hall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IncomingState {
    /// Arrived, not yet accepted.
    Received,
    /// Accepted: its deadline runs.
    Accepted,
    Closed,
}

/// An incoming case on a list (no personal information).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IncomingLine {
    pub id: i64,
    pub origin_hall: String,
    /// The lower hall's name (e.g. 青石镇便民服务中心).
    pub origin_hall_name: String,
    /// The case's number at the lower hall.
    pub origin_number: String,
    pub service_name: String,
    /// The authority the lower hall named (R14).
    pub authority: String,
    /// The window handling that matter here; none: the director assigns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_id: Option<String>,
    pub state: IncomingState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<CaseResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    pub received_at: String,
    /// Its one extension (R12) is used.
    #[serde(default)]
    pub extended: bool,
}

/// A step of an incoming case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IncomingStep {
    pub at: String,
    pub by: String,
    pub action: String,
    pub text: String,
}

/// A whole incoming case (`GET /api/incoming/{id}`: audited, it holds the applicant's data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IncomingCase {
    #[serde(flatten)]
    pub line: IncomingLine,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant_phone: Option<String>,
    /// What the lower hall's clerk noted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A result's reason (required for not approved).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub history: Vec<IncomingStep>,
}

/// `POST /api/incoming/{id}/accept`: the deadline is the matter's promised days here, or these.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AcceptIncoming {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
}

/// `POST /api/incoming/{id}/assign` (director): the window that handles it from now on (one the
/// hall did not route it to — its matter unknown here — or another).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AssignIncoming {
    pub window_id: String,
}

/// How far the upper hall has come with a reported case (the town's `Case` and its applicant's
/// `CaseProgress`, from the progress messages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpperProgress {
    /// The upper hall's name.
    pub hall_name: String,
    pub state: IncomingState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<CaseResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// When the last step was taken there.
    pub at: String,
}
