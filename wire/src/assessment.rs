//! The monthly assessment (R17): every clerk's and window's sheet, ranked, each component
//! visible; a closed month is frozen as it was closed.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AssessmentComponent {
    /// Late arrivals, early leaves and absences (R15).
    Attendance,
    /// Inspection findings that stand (R18).
    Discipline,
    /// Tickets served, as a share of the most any peer served.
    Service,
    /// Cases closed on time among those due.
    Cases,
    /// Case files archived (归档) by their date among those due.
    Archives,
    /// Citizens' satisfaction (好差评).
    Satisfaction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AssessmentGrade {
    /// 优秀
    Excellent,
    /// 良好
    Good,
    /// 合格
    Pass,
    /// 不合格
    Fail,
}

/// A component's score out of 100 (absent: unknown, its weight shared by the others).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AssessmentPart {
    pub component: AssessmentComponent,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    pub weight: f64,
}

/// The month's figures a sheet is scored from; absent = unknown (a window has no attendance).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AssessmentFigures {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_leave: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absent: Option<u32>,
    pub findings: u32,
    pub served: u32,
    /// A clerk's working days due at work in the month (half days of leave count half; leave,
    /// and days before joining, are not due): the service score compares tickets served per
    /// day due. Absent for a window, while attendance is unknown, and from months closed
    /// before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_due: Option<f64>,
    /// Service minutes, mean and 90th percentile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_mean: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_p90: Option<f64>,
    pub closed_on_time: u32,
    pub closed_late: u32,
    pub overdue_open: u32,
    /// The case files due for the archive in the month: archived by their date, late, still out
    /// when it ended (absent from a month closed before the archive was assessed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived_on_time: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived_late: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_overdue: Option<u32>,
    pub rated: u32,
    /// Share of satisfied ratings, 0–1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<f64>,
    /// Complaints answered in the month as found true: upheld or partly upheld (R17).
    pub complaints_upheld: u32,
}

/// One clerk's or window's month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AssessmentSheet {
    /// The clerk's username or the window's id.
    pub key: String,
    /// The clerk's name, or the window's number and name.
    pub label: String,
    /// 1 = best; equal totals share a rank; absent when nothing could be scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    /// Out of 100: the weighted mean of the known components less the deductions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<AssessmentGrade>,
    pub parts: Vec<AssessmentPart>,
    /// Points taken from the total for upheld complaints and overdue cases.
    pub deducted: f64,
    pub figures: AssessmentFigures,
}

/// Who closed a month, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AssessmentClosed {
    pub at: String,
    pub by: String,
}

/// How the hall scores (`[assessment]` in its configuration).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AssessmentScheme {
    /// Each component's weight, in the order the sheets show them.
    pub weights: Vec<AssessmentPart>,
    pub late: f64,
    pub early_leave: f64,
    pub absent: f64,
    pub finding: f64,
    pub complaint_upheld: f64,
    pub overdue_case: f64,
    /// The lowest totals of 优秀, 良好, 合格.
    pub excellent: f64,
    pub good: f64,
    pub pass: f64,
}

/// A month's assessment (`GET /api/assessment?month=YYYY-MM`): clerks and windows ranked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Assessment {
    pub month: String,
    /// Set once the director closed the month: the sheets are frozen as they were then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<AssessmentClosed>,
    /// A closed month whose records have been corrected since: today's figures would differ,
    /// the frozen sheets stand.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub changed_since_closed: bool,
    /// The month is not over yet: its figures still move.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_progress: bool,
    pub scheme: AssessmentScheme,
    pub staff: Vec<AssessmentSheet>,
    pub windows: Vec<AssessmentSheet>,
}

/// A clerk's own sheet (`GET /api/assessment/mine?month=YYYY-MM`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MyAssessment {
    pub month: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<AssessmentClosed>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_progress: bool,
    pub scheme: AssessmentScheme,
    /// Out of how many clerks ranked.
    pub ranked: u32,
    /// Absent when the clerk has no sheet that month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<AssessmentSheet>,
}
