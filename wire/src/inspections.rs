//! Spot inspections (督查, R18): the director or a leader visits windows and records findings
//! about a window or a clerk, with photos.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// 纪律: absent from the post, on the phone, chatting…
    Discipline,
    /// 仪容仪表: uniform, badge.
    Appearance,
    /// 服务态度/言行.
    Conduct,
}

/// A finding as recorded: about a window, a clerk, or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewFinding {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_id: Option<String>,
    /// The clerk's username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    pub kind: FindingKind,
    pub note: String,
}

/// `POST /api/inspections`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewInspection {
    /// When: RFC 3339, or `YYYY-MM-DDTHH:MM` in the hall's time zone; default now, never later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// The windows visited (at least one).
    pub windows: Vec<String>,
    #[serde(default)]
    pub note: String,
    /// None at all is a valid inspection: no problems found.
    #[serde(default)]
    pub findings: Vec<NewFinding>,
    /// At most 4 JPEG or PNG photos of at most 1 MB each, base64 (a `data:…;base64,` prefix is
    /// accepted; the type is taken from the bytes).
    #[serde(default)]
    pub photos: Vec<String>,
}

/// A finding as read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InspectionFinding {
    pub id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_number: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The clerk's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub kind: FindingKind,
    pub note: String,
    /// Withdrawn by the director: kept, shown as withdrawn, no longer counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_reason: Option<String>,
}

/// An inspection (`GET /api/inspections`, `/api/inspections/{id}`, the answer of the POST).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Inspection {
    pub id: i64,
    /// The hall's local day of `at`.
    pub day: String,
    pub at: String,
    pub inspector: String,
    pub inspector_name: String,
    pub note: String,
    pub windows: Vec<String>,
    pub findings: Vec<InspectionFinding>,
    /// How many photos: `GET /api/inspections/{id}/photos/{n}` for n = 1…photos.
    pub photos: u32,
    pub recorded_at: String,
}

/// A finding about the signed-in clerk, or about the window they are signed in at
/// (`GET /api/inspections/mine`): no photos, no inspector's note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MyInspectionFinding {
    pub id: i64,
    pub day: String,
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_number: Option<u32>,
    /// About the clerk themselves (else about their window).
    pub about_me: bool,
    pub kind: FindingKind,
    pub note: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_reason: Option<String>,
}

/// `POST /api/inspections/findings/{id}/withdraw`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WithdrawFinding {
    pub reason: String,
}

/// A clerk of the hall, to name in a finding (`GET /api/inspections/clerks`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HallClerk {
    pub username: String,
    pub name: String,
    /// The staff number (工号): two clerks of the same name told apart.
    #[serde(default)]
    pub staff_no: String,
}
