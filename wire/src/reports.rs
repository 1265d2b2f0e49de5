//! Reports (R17, R18): the hall's figures over any date range, grouped one way. Minutes are
//! decimal; a figure that cannot be known is absent (shown as "—"), never a made-up zero.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// How a report groups its figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportBy {
    Hall,
    Window,
    /// The clerk who finished the service, or sent the ticket on (a no-show belongs to no one:
    /// absent).
    Staff,
    Matter,
    Queue,
    /// The local hour the ticket was issued (arrivals by hour).
    Hour,
}

/// Mean, median and 90th percentile of a set of minutes; absent when the set is empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Minutes {
    pub count: u32,
    pub mean: f64,
    pub median: f64,
    pub p90: f64,
}

/// One group's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReportLine {
    /// The group: a window id, a username, a matter or queue id, `HH` for an hour, `hall`.
    pub key: String,
    /// The group in words (window number and name, the person's name, the matter's name…).
    pub label: String,
    /// Tickets issued (by hall, matter, queue, hour); absent where a ticket belongs to no one yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<u32>,
    /// Tickets finished (served).
    pub served: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_show: Option<u32>,
    /// Tickets sent on from here to another matter or window (转办): by the window and clerk that
    /// sent them, the matter and queue they were sent from. A ticket sent on twice counts at each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transferred: Option<u32>,
    /// From the place in the queue to the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait: Option<Minutes>,
    /// From the start of the service (or the call) to the finish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<Minutes>,
    /// Cases registered, by kind: 即办件, 承诺件, 补办件, 退回件, 联办件, 上报件.
    pub cases: CaseKinds,
    /// 即办件 whose service took longer than their matter's on-the-spot minutes (R7).
    #[serde(default)]
    pub immediate_over_limit: u32,
    /// Cases with a deadline closed by it, closed after it, and still open past it today.
    pub closed_on_time: u32,
    pub closed_late: u32,
    pub overdue_open: u32,
    pub rated: u32,
    /// (非常满意 + 满意 + 基本满意) / rated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<f64>,
}

/// Cases registered per kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseKinds {
    pub immediate: u32,
    pub promised: u32,
    pub supplement: u32,
    pub returned: u32,
    pub joint: u32,
    pub reported: u32,
}

/// `GET /api/reports/summary` as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReportSummary {
    pub hall_name: String,
    pub from: String,
    pub to: String,
    pub by: ReportBy,
    pub lines: Vec<ReportLine>,
    /// The whole range in one line.
    pub total: ReportLine,
}
