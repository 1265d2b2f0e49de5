//! Leave with stand-ins (R16): a clerk's request with a named stand-in (顶岗人员) for each of
//! their windows, the director's decision, and the alarm for a window left unstaffed. The reason
//! is personal information: only a request read whole (`GET /api/leave/{id}`) carries it, and
//! only for the requester and the director or an administrator. Dates are `YYYY-MM-DD`.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// The kind of leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LeaveKind {
    /// 年休假
    Annual,
    /// 病假
    Sick,
    /// 事假
    Personal,
    /// 婚假
    Marriage,
    /// 产假、陪产假
    Maternity,
    /// 丧假
    Bereavement,
    /// 公出、外出培训
    Official,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LeaveState {
    Pending,
    Approved,
    Refused,
    Cancelled,
}

/// A window and the clerk named to stand in there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StandInFor {
    pub window_id: String,
    /// The stand-in's username.
    pub username: String,
    /// Filled in answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Filled in answers: the stand-in's own windows, which nobody holds while they stand in
    /// here (R16: the director sees it before approving and arranges them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub own_windows_left: Vec<String>,
}

/// `POST /api/leave` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewLeave {
    pub kind: LeaveKind,
    pub from: String,
    /// The first day from the afternoon only.
    #[serde(default)]
    pub from_afternoon: bool,
    pub to: String,
    /// The last day until noon only.
    #[serde(default)]
    pub to_noon: bool,
    pub reason: String,
    /// One for each of the requester's windows (at least one when they have no list).
    pub stand_ins: Vec<StandInFor>,
}

/// A request as lists show it (never the reason), or read whole (`reason` set).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Leave {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub kind: LeaveKind,
    pub from: String,
    pub from_afternoon: bool,
    pub to: String,
    pub to_noon: bool,
    /// Working days on the statutory calendar (halves as .5); absent when a year is not loaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_days: Option<f64>,
    pub state: LeaveState,
    pub stand_ins: Vec<StandInFor>,
    pub requested_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<String>,
    /// Only in a whole read by the requester, the director or an administrator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A colleague's request as the clerk named to stand in sees it: who, which days, the
/// stand-ins and where it stands. Never the kind (病假, 产假 say something of a person's health
/// or family), the reason, or who decided it and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StandingIn {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub from: String,
    pub from_afternoon: bool,
    pub to: String,
    pub to_noon: bool,
    pub state: LeaveState,
    pub stand_ins: Vec<StandInFor>,
}

impl From<Leave> for StandingIn {
    fn from(l: Leave) -> Self {
        StandingIn {
            id: l.id,
            username: l.username,
            name: l.name,
            from: l.from,
            from_afternoon: l.from_afternoon,
            to: l.to,
            to_noon: l.to_noon,
            state: l.state,
            stand_ins: l.stand_ins,
        }
    }
}

/// `GET /api/leave/mine`: the caller's own requests and those naming them as stand-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MyLeave {
    pub requests: Vec<Leave>,
    pub standing_in: Vec<StandingIn>,
    /// The caller's own windows (a stand-in is named for each; empty: any window).
    #[serde(default)]
    pub windows: Vec<String>,
    /// The other clerks who may be named, with their windows.
    #[serde(default)]
    pub colleagues: Vec<Colleague>,
}

/// A clerk who may stand in, with the windows they work at (to list first those of a window).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Colleague {
    pub username: String,
    pub name: String,
    pub windows: Vec<String>,
}

/// `POST /api/leave/{id}/approve|refuse|cancel` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LeaveDecision {
    /// The director's note (required to refuse).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A window whose clerk is on approved leave today and whose stand-in has not signed in there
/// by the start time (R16: a window is never left unstaffed). The director's only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LeaveAlarm {
    pub window_id: String,
    pub window_number: u32,
    pub leave_id: i64,
    /// The clerk on leave.
    pub username: String,
    pub name: String,
    pub stand_in: String,
    pub stand_in_name: String,
    /// When the stand-in was due (`HH:MM`).
    pub due: String,
}

/// A clerk on approved leave today, with the kind (never the reason) and the stand-ins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LeaveToday {
    pub leave_id: i64,
    pub username: String,
    pub name: String,
    pub kind: LeaveKind,
    /// `full`, `morning` (off until noon) or `afternoon` (off from the afternoon).
    pub part: String,
    pub stand_ins: Vec<StandInFor>,
}
