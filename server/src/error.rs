//! The one error type of the HTTP boundary: client mistakes are 4xx with
//! `{"error": code, "message": text}`; anything else is a logged 500 that leaks nothing.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hall_wire::ErrorBody;

/// Every client error of the API: its HTTP status, its `error` code (the contract's spelling)
/// and what it means. The OpenAPI document lists them; nothing else makes a code.
macro_rules! codes {
    ($($variant:ident = $status:ident, $code:literal, $meaning:literal;)+) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Code { $(#[doc = $meaning] $variant),+ }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            pub fn status(self) -> StatusCode {
                match self { $(Code::$variant => StatusCode::$status),+ }
            }

            /// The `error` field of the body.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code),+ }
            }

            pub fn meaning(self) -> &'static str {
                match self { $(Code::$variant => $meaning),+ }
            }
        }
    };
}

codes! {
    InvalidBody = BAD_REQUEST, "invalid_body", "the body is not the JSON this endpoint takes";
    InvalidPath = BAD_REQUEST, "invalid_path", "a path parameter is not valid text";
    InvalidHost = BAD_REQUEST, "invalid_host", "the Host header is not a host name (and port) a printed QR code could lead back to";
    InvalidQuery = BAD_REQUEST, "invalid_query", "a query parameter is not of the type the endpoint takes (a number, true or false, a known word)";
    InvalidIdempotencyKey = BAD_REQUEST, "invalid_idempotency_key", "Idempotency-Key is not 1 to 64 characters of UTF-8";
    InvalidLimit = BAD_REQUEST, "invalid_limit", "a limit out of its range";
    InvalidLastEventId = BAD_REQUEST, "invalid_last_event_id", "Last-Event-ID is not an event id";
    InvalidToken = BAD_REQUEST, "invalid_token", "a ticket's token is not 32 hex digits";
    Unauthorized = UNAUTHORIZED, "unauthorized", "no bearer token";
    SessionExpired = UNAUTHORIZED, "session_expired", "unknown, expired or ended session";
    BadCredentials = UNAUTHORIZED, "bad_credentials", "wrong username or password";
    DemoDisabled = UNAUTHORIZED, "demo_disabled", "a demo account or device without --demo";
    KioskOnly = FORBIDDEN, "kiosk_only", "only kiosk devices";
    ClerkOnly = FORBIDDEN, "clerk_only", "only the clerk of that window";
    StaffOnly = FORBIDDEN, "staff_only", "only hall staff";
    StaffCannotRate = FORBIDDEN, "staff_cannot_rate", "a rating comes from the citizen's own page, never with a staff or device sign-in";
    DirectorOnly = FORBIDDEN, "director_only", "only the director or an administrator";
    AdminOnly = FORBIDDEN, "admin_only", "only an administrator";
    OversightOnly = FORBIDDEN, "oversight_only", "only the director, a leader or an administrator";
    InspectorOnly = FORBIDDEN, "inspector_only", "only the director or a leader";
    SystemOnly = FORBIDDEN, "system_only", "only the server itself";
    EvaluatorOnly = FORBIDDEN, "evaluator_only", "only a window's evaluator device";
    NotYourWindow = FORBIDDEN, "not_your_window", "a clerk acting at a window they do not hold";
    WindowNotAllowed = FORBIDDEN, "window_not_allowed", "a window outside the account's allowed windows";
    ClerksOnly = FORBIDDEN, "clerks_only", "only a clerk (e.g. asking for leave)";
    NotYourLeave = FORBIDDEN, "not_your_leave", "another clerk's leave request";
    NotFound = NOT_FOUND, "not_found", "no such endpoint or asset";
    UnknownTicket = NOT_FOUND, "unknown_ticket", "no such ticket";
    UnknownWindow = NOT_FOUND, "unknown_window", "no such window";
    UnknownLeave = NOT_FOUND, "unknown_leave", "no such leave request";
    NoPhoto = NOT_FOUND, "no_photo", "no photo for that person";
    UnknownCase = NOT_FOUND, "unknown_case", "no such case, or a wrong check code";
    UnknownComplaint = NOT_FOUND, "unknown_complaint", "no such complaint";
    UnknownPetition = NOT_FOUND, "unknown_petition", "no such petition";
    UnknownVillageRequest = NOT_FOUND, "unknown_village_request", "no such village request";
    NotYourCase = FORBIDDEN, "not_your_case", "a clerk acting on a case of another window or department";
    VillageOnly = FORBIDDEN, "village_only", "only a village agent (代办员) does this";
    NotYourVillageRequest = FORBIDDEN, "not_your_village_request", "a village request of another agent, or of a matter this window does not handle";
    CountyOnly = FORBIDDEN, "county_only", "only the county service (its device token): the relay between halls";
    UnknownIncoming = NOT_FOUND, "unknown_incoming", "no such incoming case";
    UnknownMessage = NOT_FOUND, "unknown_message", "no such outbox message";
    InvalidMessage = UNPROCESSABLE_ENTITY, "invalid_message", "a relayed message this hall cannot apply (no key, an unknown kind, a field missing)";
    UnknownInspection = NOT_FOUND, "unknown_inspection", "no such inspection, or no such photo of it";
    UnknownFinding = NOT_FOUND, "unknown_finding", "no such inspection finding";
    UnknownFollowUp = NOT_FOUND, "unknown_follow_up", "no such follow-up";
    BookingNotFound = NOT_FOUND, "booking_not_found", "no such booking (or none today: `booking_day` names the day of the booking found, when another day's)";
    SlotFull = CONFLICT, "slot_full", "the slot has no place left (its capacity, or the matter's daily quota)";
    BookingLimit = CONFLICT, "booking_limit", "the person already has a live booking of the matter, or the day's number of bookings";
    BookingSuspended = CONFLICT, "booking_suspended", "missed bookings suspend booking for 30 days; `until` says when it is possible again";
    BookingStarted = CONFLICT, "booking_started", "the slot has started: the booking can no longer be cancelled";
    BookingTooEarly = CONFLICT, "booking_too_early", "check-in opens a set time before the slot (`next_open` says when)";
    BookingUsed = CONFLICT, "booking_used", "the booking was checked in already, cancelled, or missed";
    BookingNotMissed = CONFLICT, "booking_not_missed", "only a missed booking is excused (a day's misses are marked when it closes)";
    PersonLimit = CONFLICT, "person_limit", "the person holds the most live tickets of this matter today";
    InvalidIdNumber = UNPROCESSABLE_ENTITY, "invalid_id_number", "not an 18-character 居民身份证号 with a right check digit (GB 11643)";
    IdNumberRequired = UNPROCESSABLE_ENTITY, "id_number_required", "the matter asks for the 居民身份证号";
    NotBookable = UNPROCESSABLE_ENTITY, "not_bookable", "the matter takes no bookings, or not on that day or slot";
    InvalidName = UNPROCESSABLE_ENTITY, "invalid_name", "a name empty or over 50 characters";
    MethodNotAllowed = METHOD_NOT_ALLOWED, "method_not_allowed", "the endpoint does not take that method";
    ClerkNotSignedIn = CONFLICT, "clerk_not_signed_in", "the clerk is not signed in at any window";
    WindowStaffed = CONFLICT, "window_staffed", "another clerk holds that window";
    WindowBusy = CONFLICT, "window_busy", "a ticket is still called or served there";
    MatterInUse = CONFLICT, "matter_in_use", "tickets of the matter still wait today, or villagers' requests of it wait for a window to accept them: the hall cannot drop it before";
    WindowPaused = CONFLICT, "window_paused", "the window is paused";
    WindowClosed = CONFLICT, "window_closed", "nobody is signed in at the window";
    NoCurrentTicket = CONFLICT, "no_current_ticket", "no ticket is called or served at the window";
    InvalidTransition = CONFLICT, "invalid_transition", "the ticket's state does not allow that";
    TicketExpired = CONFLICT, "ticket_expired", "a ticket of an earlier day";
    CaseClosed = CONFLICT, "case_closed", "the case is closed";
    CaseNotClosed = CONFLICT, "case_not_closed", "a case's file is archived once the case is closed (R17)";
    CaseArchived = CONFLICT, "case_archived", "the case's file is archived already (R17)";
    InvalidCaseAction = CONFLICT, "invalid_case_action", "the case's kind or state does not allow that";
    ExtensionUsed = CONFLICT, "extension_used", "the deadline was already extended once (R12)";
    DeadlinePassed = CONFLICT, "deadline_passed", "the deadline has passed: it is not moved (a case extended, a complaint reclassified; R12, R21)";
    InvalidComplaintStep = CONFLICT, "invalid_complaint_step", "the complaint's state does not allow that (received → investigating → answered → closed)";
    SimpleDuePassed = CONFLICT, "simple_due_passed", "as a simple complaint it would have been due by the day after it came, which has passed: it stays complex (R21)";
    InvalidPetitionAction = CONFLICT, "invalid_petition_action", "the petition's state does not allow that (R20)";
    InvalidVillageAction = CONFLICT, "invalid_village_action", "the village request's state does not allow that (registered → forwarded → accepted; replied once, after acceptance)";
    CalendarYearExists = CONFLICT, "calendar_year_exists", "that year's calendar is already loaded";
    AlreadyRated = CONFLICT, "already_rated", "this service was rated already (one rating per service, any channel)";
    NotLeftOpen = CONFLICT, "not_left_open", "that ticket is not a service the day's close ended at this window, or its case is registered already";
    NotFinished = CONFLICT, "not_finished", "the service is not finished: it is rated once it is";
    RatingClosed = CONFLICT, "rating_closed", "the evaluator no longer asks for this service (a later one, or its time passed)";
    InvalidFollowUpAction = CONFLICT, "invalid_follow_up_action", "the follow-up's state does not allow that";
    AlreadyExplained = CONFLICT, "already_explained", "the attendance mark is explained (or acknowledged) already";
    MonthNotOver = CONFLICT, "month_not_over", "a month is closed only once it is over";
    MonthClosed = CONFLICT, "month_closed", "the month's assessment is closed already";
    NotExplained = CONFLICT, "not_explained", "the clerk has not explained that attendance mark yet";
    FindingWithdrawn = CONFLICT, "finding_withdrawn", "the inspection finding was withdrawn already";
    HallClosed = CONFLICT, "hall_closed", "tickets are not issued now (hours, lunch, cut-off); see next_open";
    QuotaReached = CONFLICT, "quota_reached", "the matter's daily quota is used up; see next_open";
    BodyTooLarge = PAYLOAD_TOO_LARGE, "body_too_large", "the body is over 64 KiB";
    BodyTimeout = REQUEST_TIMEOUT, "body_timeout", "the body did not arrive within 15 s of the request";
    UnsupportedMediaType = UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "a body not sent as application/json";
    InvalidConfig = UNPROCESSABLE_ENTITY, "invalid_config", "the hall's TOML has a mistake (file:line:column)";
    UnknownService = UNPROCESSABLE_ENTITY, "unknown_service", "no such matter";
    UnknownTargetWindow = UNPROCESSABLE_ENTITY, "unknown_window", "a window named in the body does not exist";
    WindowRequired = UNPROCESSABLE_ENTITY, "window_required", "a clerk signs in at one window";
    TransferTargetRequired = UNPROCESSABLE_ENTITY, "transfer_target_required", "a transfer names a matter or a window";
    SameWindow = UNPROCESSABLE_ENTITY, "same_window", "already at that window";
    NoticeTooLong = UNPROCESSABLE_ENTITY, "notice_too_long", "the notice is over 500 characters";
    MessageTooLong = UNPROCESSABLE_ENTITY, "message_too_long", "the message is over 500 characters";
    TicketNumberTooLong = UNPROCESSABLE_ENTITY, "ticket_number_too_long", "a ticket number is over 16 characters";
    ReasonRequired = UNPROCESSABLE_ENTITY, "reason_required", "a returned case states its reason (R1, R10); so do a withdrawn inspection finding and an excused booking";
    MissingMaterialsRequired = UNPROCESSABLE_ENTITY, "missing_materials_required", "a supplement case lists every missing material (R11)";
    ReturnGroundRequired = UNPROCESSABLE_ENTITY, "return_ground_required", "a returned case names one of R10's three grounds";
    DepartmentsRequired = UNPROCESSABLE_ENTITY, "departments_required", "a joint case names the other departments (R13)";
    AuthorityRequired = UNPROCESSABLE_ENTITY, "authority_required", "a reported case names the upper-level authority (R14)";
    DepartmentsNotJoint = UNPROCESSABLE_ENTITY, "departments_not_joint", "only a joint case names departments taking part (R13)";
    MissingNotSupplement = UNPROCESSABLE_ENTITY, "missing_not_supplement", "only a supplement case lists missing materials (R11)";
    GroundNotReturned = UNPROCESSABLE_ENTITY, "ground_not_returned", "only a returned case states a ground for returning (R10)";
    PartsNotDone = UNPROCESSABLE_ENTITY, "parts_not_done", "a joint case closes when every department's part is done";
    MeetingRequired = UNPROCESSABLE_ENTITY, "meeting_required", "a joint case closes after its joint review meeting is recorded (R13)";
    ReplyRequired = UNPROCESSABLE_ENTITY, "reply_required", "a reported case closes once the upper level's reply is recorded (R14)";
    MatterDoneOnTheSpot = UNPROCESSABLE_ENTITY, "matter_done_on_the_spot", "a matter with no promised working days is not a promised, joint or reported case (R12)";
    ExtensionTooLong = UNPROCESSABLE_ENTITY, "extension_too_long", "an extension is 1 working day up to the hall's cap";
    MeetingDateOutOfRange = UNPROCESSABLE_ENTITY, "meeting_date_out_of_range", "a joint review meeting is recorded once held: on or after the case's acceptance, not after today (R13)";
    MeetingIncomplete = UNPROCESSABLE_ENTITY, "meeting_incomplete", "a joint review meeting's record names who attended and what they concluded (R13)";
    CalendarYearMissing = UNPROCESSABLE_ENTITY, "calendar_year_missing", "a date in a year whose working-day calendar is not loaded";
    InvalidCalendar = UNPROCESSABLE_ENTITY, "invalid_calendar", "a year's calendar with a mistake (named in the message)";
    InvalidDate = UNPROCESSABLE_ENTITY, "invalid_date", "a date that is not YYYY-MM-DD";
    InvalidApplicant = UNPROCESSABLE_ENTITY, "invalid_applicant", "an applicant's name over 50 characters or a phone that is not a phone number";
    TextTooLong = UNPROCESSABLE_ENTITY, "text_too_long", "a reason, note or list item over 500 characters";
    PromisedDaysOutOfRange = UNPROCESSABLE_ENTITY, "promised_days_out_of_range", "the working days promised on accepting an incoming case are at most the matter's own time limit here (R12: a published promise is not lengthened), 1 to 250 for a matter this hall does not list";
    PromisedDaysRequired = UNPROCESSABLE_ENTITY, "promised_days_required", "an incoming case of a matter this hall does not list is accepted with the working days promised (`days`)";
    ObjectionRequired = UNPROCESSABLE_ENTITY, "objection_required", "an objection is recorded with the applicant's words and the answer given (R4)";
    RatingReasonRequired = UNPROCESSABLE_ENTITY, "rating_reason_required", "不满意 and 非常不满意 state a reason";
    InvalidPhone = UNPROCESSABLE_ENTITY, "invalid_phone", "a call-back phone that is not a phone number, or a booking's phone that is not a mainland mobile number";
    InvalidComplaint = UNPROCESSABLE_ENTITY, "invalid_complaint", "a complaint's text empty or over 2000 characters, a name over 50, a contact that is not a phone number, or a missing complainant, window or staff member";
    UnknownStaff = UNPROCESSABLE_ENTITY, "unknown_staff", "a staff member named in the body is not on the hall's staff list";
    LateExplanationRequired = UNPROCESSABLE_ENTITY, "late_explanation_required", "a complaint answered after its due date states why (R21)";
    ToStaffRequired = UNPROCESSABLE_ENTITY, "to_staff_required", "a complaint about a staff member is answered with what that staff member is told, in the director's words (R21)";
    InvalidPetition = UNPROCESSABLE_ENTITY, "invalid_petition", "a petition's field missing, too long or out of range (named in the message)";
    InvalidReceivedAt = UNPROCESSABLE_ENTITY, "invalid_received_at", "when a complaint or petition came: an RFC 3339 time or the hall's local YYYY-MM-DDTHH:MM, not in the future nor more than a year back";
    ResponsibleNotUpheld = UNPROCESSABLE_ENTITY, "responsible_not_upheld", "a staff member is found responsible only for a complaint found true (upheld, partly upheld), and not in a complaint about a staff member already";
    NoteRequired = UNPROCESSABLE_ENTITY, "note_required", "a follow-up's contact or close says what was said or done";
    TransferDueOutside = UNPROCESSABLE_ENTITY, "transfer_due_outside", "a department's due day (交办单) is from today up to the petition's own due day, or any day from today once that day has passed (R20)";
    TransferDueRequired = UNPROCESSABLE_ENTITY, "transfer_due_required", "the petition is overdue: its own due day has passed, so the transfer gives the department a due day from today (R20)";
    InvalidVillageRequest = UNPROCESSABLE_ENTITY, "invalid_village_request", "a villager's name missing or over 50 characters, a phone that is not a mobile number, a material not of the matter's list, or a note over 500 characters";
    UnknownDepartment = UNPROCESSABLE_ENTITY, "unknown_department", "no department of that id or name in the hall";
    NoAttendanceMark = UNPROCESSABLE_ENTITY, "no_attendance_mark", "no such late arrival, early leave or absence on that day";
    InvalidLeaveDays = UNPROCESSABLE_ENTITY, "invalid_leave_days", "leave whose last day is before its first, a single day from the afternoon until noon, or over 366 days";
    InvalidLeaveReason = UNPROCESSABLE_ENTITY, "invalid_leave_reason", "a leave reason (or a refusal's note) empty or over 500 characters";
    StandInMissing = UNPROCESSABLE_ENTITY, "stand_in_missing", "leave without a stand-in for each of the clerk's windows (R16)";
    InvalidStandIn = UNPROCESSABLE_ENTITY, "invalid_stand_in", "a stand-in who is not another clerk of the hall, or a window not the requester's";
    StandInOnLeave = CONFLICT, "stand_in_on_leave", "the named stand-in is on approved leave on those days";
    StandInBusy = CONFLICT, "stand_in_busy", "the named stand-in already stands in at another window on those days (R16)";
    LeaveOverlaps = CONFLICT, "leave_overlaps", "the clerk already asked for leave on those days";
    StandInHoldsWindow = CONFLICT, "stand_in_holds_window", "the clerk is on approved leave today and their named stand-in is signed in at that window (R16)";
    StandingInThen = CONFLICT, "standing_in_then", "the clerk is the named stand-in for another's approved leave on those days (R16)";
    LeaveNotPending = CONFLICT, "leave_not_pending", "a leave request already decided or cancelled";
    LeaveStarted = CONFLICT, "leave_started", "leave that has started cannot be cancelled";
    InvalidInspection = UNPROCESSABLE_ENTITY, "invalid_inspection", "an inspection without a window visited, a finding without a window or clerk, about a window not visited, or a note empty or too long (named in the message)";
    InvalidInspectionTime = UNPROCESSABLE_ENTITY, "invalid_inspection_time", "an inspection's time in the future, more than a year back, or not a time";
    InvalidPhoto = UNPROCESSABLE_ENTITY, "invalid_photo", "a photo that is not base64 of a JPEG or PNG image";
    PhotoTooLarge = UNPROCESSABLE_ENTITY, "photo_too_large", "a photo over 1 MB";
    TooManyPhotos = UNPROCESSABLE_ENTITY, "too_many_photos", "more than 4 photos on one inspection";
    IdempotencyKeyReused = UNPROCESSABLE_ENTITY, "idempotency_key_reused", "the retry key was used for another request";
    RateLimited = TOO_MANY_REQUESTS, "rate_limited", "the kiosk issues too fast";
    TooManyAttempts = TOO_MANY_REQUESTS, "too_many_attempts", "too many failed sign-ins, or case queries";
    TooManyComplaints = TOO_MANY_REQUESTS, "too_many_complaints", "too many online complaints from this ticket or this address";
    TooManyStreams = SERVICE_UNAVAILABLE, "too_many_streams", "too many live streams, in total or from this address";
}

#[derive(Debug)]
pub enum ApiError {
    Client(ClientError),
    Internal(anyhow::Error),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientError {
    pub status: StatusCode,
    pub code: Code,
    pub message: String,
    /// Seconds, for 429 (u32: the error stays small, it is in every handler's `Result`).
    pub retry_after: Option<u32>,
    /// For `409 hall_closed` / `quota_reached`: when tickets are next available.
    pub next_open: Option<String>,
    /// For `409 booking_suspended`: the first day booking is possible again.
    pub until: Option<String>,
    /// For `404 booking_not_found` at a check-in: the day of the booking found, another day's.
    pub booking_day: Option<String>,
    /// For `422 extension_too_long`: the hall's cap.
    pub max_days: Option<u32>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ClientError {
    /// Status and code from the `Code`, a message for people, nothing more said as data.
    fn plain(code: Code, message: impl Into<String>) -> ClientError {
        ClientError {
            status: code.status(),
            code,
            message: message.into(),
            retry_after: None,
            next_open: None,
            until: None,
            booking_day: None,
            max_days: None,
        }
    }
}

impl ApiError {
    /// A client error: status and code from the `Code`, with a message for people.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        ApiError::Client(ClientError::plain(code, message))
    }
    /// `429` with `Retry-After`.
    pub fn too_many(code: Code, message: impl Into<String>, retry_after: u64) -> Self {
        let seconds = u32::try_from(retry_after.max(1)).unwrap_or(u32::MAX);
        ApiError::Client(ClientError { retry_after: Some(seconds), ..ClientError::plain(code, message) })
    }
    /// `409`: tickets are not issued now; `next_open` says when they are again.
    pub fn not_issuing(code: Code, message: impl Into<String>, next_open: Option<String>) -> Self {
        ApiError::Client(ClientError { next_open, ..ClientError::plain(code, message) })
    }
    /// `409 booking_suspended`, with the day booking is possible again.
    pub fn suspended(message: impl Into<String>, until: String) -> Self {
        ApiError::Client(ClientError { until: Some(until), ..ClientError::plain(Code::BookingSuspended, message) })
    }
    /// `404 booking_not_found` for a booking of another day: `booking_day` names it.
    pub fn booking_of_another_day(message: impl Into<String>, day: String) -> Self {
        ApiError::Client(ClientError { booking_day: Some(day), ..ClientError::plain(Code::BookingNotFound, message) })
    }
    /// `422 extension_too_long`, with the hall's cap in working days.
    pub fn extension_too_long(message: impl Into<String>, cap: u32) -> Self {
        ApiError::Client(ClientError { max_days: Some(cap), ..ClientError::plain(Code::ExtensionTooLong, message) })
    }
    /// `503`: the server is at a limit (e.g. live streams); the client may retry later.
    pub fn unavailable(code: Code, message: impl Into<String>) -> Self {
        ApiError::too_many(code, message, 5)
    }
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        ApiError::Internal(e.into())
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::Internal(e.into())
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        ApiError::Internal(e.into())
    }
}

impl ClientError {
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: self.code.as_str().to_string(),
            message: self.message.clone(),
            next_open: self.next_open.clone(),
            until: self.until.clone(),
            booking_day: self.booking_day.clone(),
            max_days: self.max_days,
        }
    }
}

impl IntoResponse for ClientError {
    fn into_response(self) -> Response {
        let mut res = (self.status, Json(self.body())).into_response();
        if let Some(s) = self.retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        res
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Client(c) => c.into_response(),
            ApiError::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                let body = ErrorBody {
                    error: "internal".into(),
                    message: "internal server error; it has been logged".into(),
                    next_open: None,
                    until: None,
                    booking_day: None,
                    max_days: None,
                };
                (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_spelled_once_per_status_and_is_a_client_error() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            assert!(c.status().is_client_error() || c.status() == StatusCode::SERVICE_UNAVAILABLE, "{c:?}");
            assert!(seen.insert((c.as_str(), c.status())), "{c:?} twice");
            assert!(c.as_str().chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'), "{c:?}");
        }
    }

    /// docs/api.md's list of error codes names every code (it says so).
    #[test]
    fn the_api_document_lists_every_code() {
        let doc = include_str!("../../docs/api.md");
        let section = doc.split("## Error codes").nth(1).expect("the section").split("\n## ").next().unwrap();
        let missing: Vec<&str> =
            Code::ALL.iter().map(|c| c.as_str()).filter(|c| !section.contains(&format!("`{c}`"))).collect();
        assert!(missing.is_empty(), "not in docs/api.md's error codes: {missing:?}");
    }
}
