//! The TOML file as written; every field a mistake can hide in keeps its span so that
//! errors name the line.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHall {
    pub hall: RawHallInfo,
    #[serde(default)]
    pub policy: RawPolicy,
    /// Opening hours; without them the hall issues Monday to Friday from work_start to work_end.
    pub hours: Option<RawHours>,
    pub departments: Vec<RawDepartment>,
    pub queues: Vec<RawQueue>,
    pub windows: Vec<RawWindow>,
    pub matters: Vec<RawMatter>,
    #[serde(default)]
    pub staff: Vec<RawStaff>,
    #[serde(default)]
    pub kiosks: Vec<RawKiosk>,
    /// The rating screens facing citizens at windows (好差评 评价器).
    #[serde(default)]
    pub evaluators: Vec<RawEvaluator>,
    /// The county services that follow this hall's events (read-only device tokens).
    #[serde(default)]
    pub counties: Vec<RawCounty>,
    /// The monthly assessment's scheme (R17); the documented defaults without it.
    pub assessment: Option<Spanned<RawAssessment>>,
    /// Appointments (预约): the hall's rules; the documented defaults without it.
    pub booking: Option<Spanned<RawBooking>>,
}

/// `[booking]`: every value optional (see `domain::booking::Rules::default`).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawBooking {
    pub early_minutes: Option<u32>,
    pub grace_minutes: Option<u32>,
    pub per_person_per_day: Option<u32>,
    pub no_show_limit: Option<u32>,
    pub keep_days: Option<u32>,
    pub turn_soon_ahead: Option<u32>,
    pub tickets_per_person_per_matter: Option<u32>,
}

/// `[matters.booking]`: the matter is bookable in slots of `slot_minutes`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMatterBooking {
    pub slot_minutes: u32,
    pub slot_capacity: u32,
    pub days_ahead: Option<u32>,
}

/// `[assessment.weights]`, `[assessment.deductions]`, `[assessment.grades]`: every value
/// optional (see `domain::assessment::Scheme::default`).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawAssessment {
    #[serde(default)]
    pub weights: RawWeights,
    #[serde(default)]
    pub deductions: RawDeductions,
    #[serde(default)]
    pub grades: RawGrades,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawWeights {
    pub attendance: Option<f64>,
    pub discipline: Option<f64>,
    pub service: Option<f64>,
    pub cases: Option<f64>,
    pub archives: Option<f64>,
    pub satisfaction: Option<f64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawDeductions {
    pub late: Option<f64>,
    pub early_leave: Option<f64>,
    pub absent: Option<f64>,
    pub finding: Option<f64>,
    pub complaint_upheld: Option<f64>,
    pub overdue_case: Option<f64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawGrades {
    pub excellent: Option<f64>,
    pub good: Option<f64>,
    pub pass: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHallInfo {
    /// The hall's stable id in its county (ASCII, e.g. `qingshui`); optional for old files.
    pub id: Option<Spanned<String>>,
    pub name: Spanned<String>,
    #[serde(default = "default_tz")]
    pub timezone: Spanned<String>,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default = "default_start")]
    pub work_start: Spanned<String>,
    #[serde(default = "default_end")]
    pub work_end: Spanned<String>,
    #[serde(default)]
    pub notice: String,
    /// The matter a citizen who does not know what to ask for gets a ticket for (综合咨询).
    pub general_inquiry: Option<Spanned<String>>,
}

fn default_tz() -> Spanned<String> {
    Spanned::new(0..0, "Asia/Shanghai".into())
}
fn default_start() -> Spanned<String> {
    Spanned::new(0..0, "08:30".into())
}
fn default_end() -> Spanned<String> {
    Spanned::new(0..0, "17:30".into())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    pub priority_cap: Option<Spanned<u32>>,
    pub no_show_requeue_limit: Option<u32>,
    pub session_hours: Option<Spanned<u32>>,
    /// The director's console colours waits longer than this many minutes.
    pub wait_warning_minutes: Option<u32>,
    /// Minutes after the start a clerk's sign-in is still on time (R15).
    pub late_grace_minutes: Option<u32>,
    /// A simple matter with complete materials is done on the spot within this many minutes
    /// (即收即办, R7; default 20); a matter may set its own.
    pub on_the_spot_minutes: Option<Spanned<u32>>,
    /// Working days a 补办件 waits for its materials before it expires.
    pub supplement_days: Option<Spanned<u32>>,
    /// The most working days the director's single extension may add.
    pub extension_cap: Option<Spanned<u32>>,
    /// Working days after a case's close to archive its file (R17; default 5).
    pub archive_days: Option<Spanned<u32>>,
    /// Working days to contact the citizen after a bad rating.
    pub follow_up_contact_days: Option<u32>,
    /// Working days to rectify and answer a bad rating.
    pub follow_up_rectify_days: Option<u32>,
    /// Seconds a window's evaluator asks for the rating of a service just finished.
    pub evaluator_seconds: Option<u32>,
    /// Working days to answer a simple complaint (R21; default 1: the next working day).
    pub complaint_simple_days: Option<u32>,
    /// Working days to answer a complex complaint (R21; default 5).
    pub complaint_complex_days: Option<u32>,
    /// Working days to answer a petition (R20; default 3).
    pub petition_days: Option<Spanned<u32>>,
    /// Working days to answer a petition received by a leader ("within a week"; default 5).
    pub petition_leader_days: Option<Spanned<u32>>,
}

/// `[hours]`: each weekday's periods (`["08:30-12:00", "14:00-17:30"]`; a day left out is
/// closed; the gap between two periods is the lunch break), the cut-off before closing, and
/// whether priority tickets are exempt.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHours {
    #[serde(default)]
    pub mon: Vec<Spanned<String>>,
    #[serde(default)]
    pub tue: Vec<Spanned<String>>,
    #[serde(default)]
    pub wed: Vec<Spanned<String>>,
    #[serde(default)]
    pub thu: Vec<Spanned<String>>,
    #[serde(default)]
    pub fri: Vec<Spanned<String>>,
    #[serde(default)]
    pub sat: Vec<Spanned<String>>,
    #[serde(default)]
    pub sun: Vec<Spanned<String>>,
    #[serde(default)]
    pub cut_off_minutes: Option<Spanned<u32>>,
    #[serde(default)]
    pub priority_exempt: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDepartment {
    pub id: Spanned<String>,
    pub name: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQueue {
    pub id: Spanned<String>,
    pub prefix: Spanned<String>,
    pub name: Spanned<String>,
    #[serde(default = "default_minutes")]
    pub service_minutes: Spanned<u32>,
}

fn default_minutes() -> Spanned<u32> {
    Spanned::new(0..0, 10)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlan {
    pub x: f32,
    pub y: f32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWindow {
    pub id: Spanned<String>,
    pub number: Spanned<u32>,
    pub name: Spanned<String>,
    pub department: Spanned<String>,
    #[serde(default)]
    pub location: String,
    pub plan: Option<Spanned<RawPlan>>,
    pub weights: Option<Spanned<BTreeMap<String, u32>>>,
}

#[derive(Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RawMaterialKind {
    Main,
    Aux,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMaterial {
    pub name: Spanned<String>,
    pub kind: RawMaterialKind,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMatter {
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    pub department: Spanned<String>,
    pub queue: Spanned<String>,
    pub windows: Spanned<Vec<Spanned<String>>>,
    pub materials: Spanned<Vec<RawMaterial>>,
    #[serde(default)]
    pub procedure: Vec<String>,
    pub time_limit_days: u32,
    #[serde(default = "default_fee")]
    pub fee: String,
    #[serde(default)]
    pub basis: String,
    /// Tickets a day for this matter (e.g. 不动产登记 80).
    pub daily_quota: Option<Spanned<u32>>,
    /// The part of each day this matter's tickets are issued in, `HH:MM-HH:MM`.
    pub hours: Option<Spanned<String>>,
    /// Minutes this matter is done on the spot in (R7), if not the hall's `on_the_spot_minutes`.
    pub on_the_spot_minutes: Option<Spanned<u32>>,
    /// Booking and walk-in tickets ask for the 居民身份证号.
    #[serde(default)]
    pub id_number: bool,
    /// Bookable in slots (`[matters.booking]`).
    pub booking: Option<Spanned<RawMatterBooking>>,
}

fn default_fee() -> String {
    "不收费".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStaff {
    pub username: Spanned<String>,
    pub name: Spanned<String>,
    #[serde(default)]
    pub staff_no: String,
    pub role: Spanned<String>,
    #[serde(default)]
    pub windows: Vec<Spanned<String>>,
    pub password_hash: Spanned<String>,
    /// Photo for the window display (staff publicity), relative to the configuration file.
    pub photo: Option<Spanned<String>>,
    /// A village agent's station (role `village` only).
    pub station: Option<Spanned<String>>,
    #[serde(default)]
    pub demo: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKiosk {
    pub id: Spanned<String>,
    #[serde(default)]
    pub name: String,
    pub token_sha256: Spanned<String>,
    #[serde(default)]
    pub demo: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvaluator {
    pub id: Spanned<String>,
    /// The window it faces.
    pub window: Spanned<String>,
    pub token_sha256: Spanned<String>,
    #[serde(default)]
    pub demo: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCounty {
    pub id: Spanned<String>,
    #[serde(default)]
    pub name: String,
    pub token_sha256: Spanned<String>,
    #[serde(default)]
    pub demo: bool,
}
