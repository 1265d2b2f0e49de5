//! Complaints (投诉, R21): about a window, a staff member or the hall, registered by the
//! director (oral, phone, written) or by the citizen on the ticket's phone page (online).
//! Confidential: the complainant's identity is in [`Complaint`] only (director and
//! administrators, every read audited); lists and a staff member's own findings never carry it.
//! Dates are `YYYY-MM-DD` in the hall's time zone; times RFC 3339 with the hall's offset.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// How the complaint came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ComplaintChannel {
    /// 当面口头
    Oral,
    /// 电话
    Phone,
    /// 书面 (answered in writing: the reply letter)
    Written,
    /// 网上 (the ticket's phone page)
    Online,
}

/// What the complaint is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ComplaintAbout {
    Window,
    /// A staff member (counts against them in assessments when upheld, R17).
    Staff,
    Hall,
}

/// Simple ones are due the next working day, complex ones in 5 (the hall's policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Complexity {
    Simple,
    /// Complex or involving several units.
    Complex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ComplaintState {
    Received,
    Investigating,
    Answered,
    Closed,
}

/// What the investigation found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    /// 属实
    Upheld,
    /// 部分属实
    PartlyUpheld,
    /// 不属实
    NotUpheld,
}

/// `POST /api/complaints` (director, administrator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewComplaint {
    /// `oral`, `phone` or `written` (online complaints come from the phone page).
    pub channel: ComplaintChannel,
    /// When it came (a letter may be registered days later; the time limit runs from the day
    /// received, R21); default now. Not in the future, at most a year back. RFC 3339, or the
    /// hall's local `YYYY-MM-DDTHH:MM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<String>,
    pub about: ComplaintAbout,
    /// The window (about `window`; may also be given about `staff`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_id: Option<String>,
    /// The staff member's username (about `staff`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
    /// What happened, up to 2000 characters, kept as text.
    pub what: String,
    /// When it happened, as the complainant says it (up to 50 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub happened: Option<String>,
    /// Up to 50 characters; required unless `anonymous`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complainant_name: Option<String>,
    /// A phone number; this or `complainant_address` required unless `anonymous`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complainant_contact: Option<String>,
    /// Where a written answer is sent (R21: written complaints get written answers), up to 200
    /// characters: for a letter that gave an address, with or without a phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complainant_address: Option<String>,
    /// The complainant gave no name or contact (an anonymous letter, a caller who would not say):
    /// registered and investigated all the same; no answer can reach them. Name and contact are
    /// then not given.
    #[serde(default)]
    pub anonymous: bool,
    /// Default `simple`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complexity: Option<Complexity>,
}

/// `POST /api/t/{token}/complaint`: the citizen's complaint from the ticket's phone page. The
/// ticket's window is known; name and contact are optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OnlineComplaint {
    /// `window` (the ticket's window; the default when the ticket has one) or `hall`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<ComplaintAbout>,
    /// With `about: window`, which of the ticket's windows: its window (the default) or, for a
    /// ticket sent on, one that served it before (`TicketView.first_window_number`,
    /// `TicketView.earlier_windows`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_number: Option<u32>,
    pub what: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub happened: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complainant_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complainant_contact: Option<String>,
    /// A secret the page keeps (16–128 letters, digits, `-` or `_`): the ticket's view shows the
    /// complaint's answer only to a request that sends it again (header `X-Complaint-Key`), so
    /// that a ticket slip left in the hall does not open the complainant's answers (R21).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reader_key: Option<String>,
}

/// The answer to an online complaint: its number and due date only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ComplaintReceipt {
    pub number: String,
    /// Absent while the calendar's year is not loaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
}

/// A complaint made on a ticket's phone page, as its complainant reads it there again
/// (`TicketView.complaints`): where it stands and, once answered, the hall's answer (R21).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TicketComplaint {
    pub number: String,
    pub state: ComplaintState,
    /// Absent while the calendar's year is not loaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_on: Option<String>,
    /// The director's answer to the complainant (not the finding, not what staff were told).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// Past its due date unanswered, or answered after it (R21: late, explained, still tracked).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub late: bool,
    /// The director's explanation of a late answer, as the written answer gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_explanation: Option<String>,
}

/// A line of `GET /api/complaints`: no complainant identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ComplaintLine {
    pub id: i64,
    pub number: String,
    pub channel: ComplaintChannel,
    pub about: ComplaintAbout,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
    pub complexity: Complexity,
    pub state: ComplaintState,
    pub received_on: String,
    /// Absent while the calendar's year is not loaded (pending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// Not answered and past its due date.
    pub overdue: bool,
    /// Overdue now, or answered after its due date (with an explanation): tracked.
    pub late: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<Finding>,
}

/// A step of a complaint's handling (who, when, what).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ComplaintStep {
    pub at: String,
    /// The staff account, `citizen` (online) or `system`.
    pub by: String,
    /// `received`, `investigating`, `answered`, `closed`, `deadline_set`.
    pub action: String,
    /// The step in plain Chinese.
    pub text: String,
}

/// A complaint as the director and administrators see it (`GET /api/complaints/{id}`; the read
/// is audited).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Complaint {
    pub id: i64,
    pub number: String,
    pub channel: ComplaintChannel,
    pub about: ComplaintAbout,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_id: Option<String>,
    /// `3号窗口 民政社保`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_name: Option<String>,
    pub what: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub happened: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complainant_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complainant_contact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complainant_address: Option<String>,
    /// An online complaint's ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_number: Option<String>,
    pub complexity: Complexity,
    pub state: ComplaintState,
    pub received_on: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    pub overdue: bool,
    pub late: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_explanation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<Finding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_on: Option<String>,
    /// What the staff member complained about was told (see [`AnswerComplaint::to_staff`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_staff: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<String>,
    pub history: Vec<ComplaintStep>,
}

/// `POST /api/complaints/{id}/investigate`: the investigation starts; the director may mark the
/// complexity (the due date is counted again from the day received).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InvestigateComplaint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complexity: Option<Complexity>,
    /// Up to 2000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `POST /api/complaints/{id}/answer`: the finding and the answer given to the complainant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AnswerComplaint {
    pub finding: Finding,
    /// Up to 2000 characters.
    pub answer: String,
    /// Required when the complaint is past its due date (R21: explain, keep tracking).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_explanation: Option<String>,
    /// What the staff member complained about is told (告知被投诉人), up to 2000 characters:
    /// the director's own words, without the complainant's name, contact or wording (R21:
    /// confidential). Required when the complaint is about a staff member; the only text of
    /// the complaint they ever see (`GET /api/findings/mine`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_staff: Option<String>,
    /// The staff member found responsible (username), for a complaint about a window or the
    /// hall found true (`upheld` or `partly_upheld`): the complaint is then about them — on their
    /// monthly assessment (R17) and told to them (`to_staff` required) — as one registered about
    /// them would be. A citizen's complaint online names the window, never a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
}

/// `POST /api/complaints/{id}/close`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CloseComplaint {
    /// Up to 2000 characters (e.g. the complainant's response).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `GET /api/findings/mine`: an answered complaint about the signed-in staff member, as the
/// director told it to them: never the complainant, the channel, the complaint's own wording or
/// the answer written to the complainant (R21: any of them may say who complained).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MyFinding {
    pub number: String,
    pub finding: Finding,
    /// The director's words to the staff member; absent for a complaint answered before the
    /// director wrote them (the page says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub told: Option<String>,
    pub answered_on: String,
}
