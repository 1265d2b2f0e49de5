//! Appointments (预约, issue 17): bookable days and slots, a booking, the kiosk's check-in,
//! and the staff's list of a day's bookings.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::Ticket;

/// A matter's booking configuration, on `GET /api/services` (absent: not bookable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ServiceBooking {
    pub slot_minutes: u32,
    pub slot_capacity: u32,
    pub days_ahead: u32,
}

/// `GET /api/services/{id}/booking-days`: one bookable working day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BookingDay {
    /// `YYYY-MM-DD`
    pub day: String,
    /// Places left that day.
    pub left: u32,
}

/// `GET /api/services/{id}/slots?day=`: one slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Slot {
    /// `HH:MM`
    pub start: String,
    pub end: String,
    pub left: u32,
}

/// `POST /api/bookings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewBooking {
    pub service_id: String,
    /// `YYYY-MM-DD`
    pub day: String,
    /// The slot's start, `HH:MM`.
    pub start: String,
    pub name: String,
    /// A mainland mobile number (11 digits).
    pub phone: String,
    /// The 居民身份证号 (18 characters); required on matters that ask for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    Booked,
    CheckedIn,
    Cancelled,
    Missed,
    /// A missed booking the director excused (the citizen was not at fault): it no longer
    /// counts towards a suspension.
    Excused,
}

/// A window of the booked matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BookingWindow {
    pub id: String,
    pub name: String,
    pub location: String,
}

/// The ticket a booking was checked in with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BookingTicket {
    pub id: i64,
    pub number: String,
    /// The ticket's phone page (absolute with the server's public URL, else a path).
    pub status_url: String,
}

/// A booking as the citizen sees it (the code is its secret): personal data masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Booking {
    /// 8 digits.
    pub code: String,
    pub status: BookingStatus,
    pub service_id: String,
    pub service_name: String,
    pub day: String,
    pub start: String,
    pub end: String,
    pub hall_name: String,
    pub windows: Vec<BookingWindow>,
    /// `张*`
    pub name_masked: String,
    /// `138****5678`
    pub phone_masked: String,
    /// `110***********123X`, or null when no identity number was given.
    pub id_masked: Option<String>,
    /// RFC 3339: cancelling is possible until the slot starts.
    pub cancel_until: String,
    pub ticket: Option<BookingTicket>,
    /// "HH:MM": check-in at a kiosk gives the booked place from then (the slot's start less
    /// `early_minutes`) …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_in_from: Option<String>,
    /// … until then (the start plus `grace_minutes`); later, an ordinary ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_in_until: Option<String>,
    /// Cancelled by the hall, not by the citizen (its hours, matters or calendar changed; the
    /// director phones them): the page says so and asks them to book again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hall_cancelled: bool,
}

/// `POST /api/bookings/check-in` (a kiosk): by the code, or by the identity number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CheckIn {
    /// The 8-digit code, or scanned text ending in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
}

/// The answer to a check-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CheckedIn {
    pub ticket: Ticket,
    pub booking: Booking,
    /// Within the slot's window: the ticket is called ahead of walk-ins (`booked`); late: an
    /// ordinary ticket.
    pub on_time: bool,
}

/// `POST /api/bookings/{code}/excuse` (the director): why a missed booking is excused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ExcuseBooking {
    /// Why the citizen was not at fault (the hall closed, the kiosk failed, …): 1–500
    /// characters, kept in the audit trail.
    pub reason: String,
}

/// `GET /api/bookings?day=` (staff, audited): one booking of the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BookingLine {
    /// The citizen's secret (it cancels the booking and opens its ticket's page): the director's
    /// and administrators' lists only, never a clerk's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub status: BookingStatus,
    pub service_id: String,
    /// The matter's name in the hall's configuration now (its id when the matter is gone).
    #[serde(default)]
    pub service_name: String,
    pub start: String,
    pub end: String,
    pub name: String,
    /// In full for the director, masked for anyone else.
    pub phone: String,
    pub id_masked: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_number: Option<String>,
    /// A cancelled booking the hall cancelled (a new configuration or calendar no longer serves
    /// it): the director phones the citizen.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hall_cancelled: bool,
    /// Why the director excused a missed booking (the director's and administrators' lists
    /// only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excuse: Option<String>,
}
