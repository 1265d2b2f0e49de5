//! Attendance (R15): a clerk's late arrival, early leave or absence on a working day, explained by
//! the clerk and acknowledged by the director.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AttendanceMarkKind {
    /// Signed in after the start time and its grace.
    Late,
    /// The day's last session ended before the end of the working hours.
    EarlyLeave,
    /// No sign-in on a working day.
    Absent,
}

/// A mark, with its explanation and acknowledgement once given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AttendanceMark {
    pub kind: AttendanceMarkKind,
    /// How many minutes late, or early.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explained_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged_at: Option<String>,
}

/// A clerk's working day with marks (`GET /api/attendance`, `/api/attendance/mine`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AttendanceDay {
    pub day: String,
    pub username: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_in_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_out_at: Option<String>,
    pub marks: Vec<AttendanceMark>,
    /// On approved leave that day (R16): a full day has no marks; a half day is due only the
    /// other half.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leave: Option<crate::LeaveKind>,
}

/// `POST /api/attendance/explain`: the clerk's own explanation of a mark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ExplainAttendance {
    pub day: String,
    pub kind: AttendanceMarkKind,
    pub explanation: String,
}

/// `POST /api/attendance/acknowledge`: the director acknowledges an explained mark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AcknowledgeAttendance {
    pub day: String,
    pub username: String,
    pub kind: AttendanceMarkKind,
}
