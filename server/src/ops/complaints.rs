//! Complaints (投诉, R21): registered by the director or online from a ticket's phone page,
//! investigated, answered (late ones explained) and closed. Each step is audited and raised as
//! `feedback_changed` (director and administrators' streams only, no names, no text); the
//! director's reads of a complaint are audited too, since it holds the complainant's identity.

use axum::http::StatusCode;
use chrono::NaiveDate;
use hall_wire as wire;
use serde_json::json;

use super::{Answer, Ctx};
use crate::domain::complaint::{self, About, Channel, Complexity, Finding, Problem, Step};
use crate::error::{ApiError, ApiResult, Code};
use crate::store::complaints::{self as store, ComplaintRow, NewComplaint, StepRow};

/// A complaint as given (by the director, or by the citizen online).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub channel: Channel,
    pub about: Option<About>,
    pub window_id: Option<String>,
    pub staff: Option<String>,
    pub what: String,
    pub happened: Option<String>,
    pub complainant_name: Option<String>,
    pub complainant_contact: Option<String>,
    pub complainant_address: Option<String>,
    pub complexity: Option<Complexity>,
    /// When it came, as given (default now); see [`received_on`].
    pub received_at: Option<String>,
    /// Registered by the director without the complainant's name and contact, on purpose.
    pub anonymous: bool,
}

impl From<wire::NewComplaint> for Input {
    fn from(c: wire::NewComplaint) -> Self {
        Input {
            channel: c.channel.into(),
            about: Some(c.about.into()),
            window_id: c.window_id,
            staff: c.staff,
            what: c.what,
            happened: c.happened,
            complainant_name: c.complainant_name,
            complainant_contact: c.complainant_contact,
            complainant_address: c.complainant_address,
            complexity: c.complexity.map(Into::into),
            received_at: c.received_at,
            anonymous: c.anonymous,
        }
    }
}

impl From<wire::OnlineComplaint> for Input {
    fn from(c: wire::OnlineComplaint) -> Self {
        Input {
            channel: Channel::Online,
            about: c.about.map(Into::into),
            window_id: None,
            staff: None,
            what: c.what,
            happened: c.happened,
            complainant_name: c.complainant_name,
            complainant_contact: c.complainant_contact,
            complainant_address: None,
            complexity: None,
            received_at: None,
            anonymous: false,
        }
    }
}

/// A director's step on a complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComplaintOp {
    Investigate {
        complexity: Option<Complexity>,
        note: Option<String>,
    },
    Answer {
        finding: Finding,
        answer: String,
        late_explanation: Option<String>,
        to_staff: Option<String>,
        /// The staff member found responsible for a complaint about a window or the hall.
        responsible: Option<String>,
    },
    Close {
        note: Option<String>,
    },
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(Code::InvalidComplaint, message)
}

fn trimmed(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// Text up to `max` characters; `None` when empty.
fn text(s: Option<&str>, max: usize, what: &str) -> ApiResult<Option<String>> {
    let t = trimmed(s);
    if t.as_ref().is_some_and(|t| t.chars().count() > max) {
        return Err(invalid(format!("{what} is limited to {max} characters")));
    }
    Ok(t)
}

fn today(ctx: &Ctx) -> NaiveDate {
    NaiveDate::parse_from_str(&ctx.day, "%Y-%m-%d").expect("the writer's day is a date")
}

/// The hall's day a complaint came: today, or the day of an earlier time given (a letter
/// registered days later), never a time to come, at most a year back.
fn received_on(ctx: &Ctx, given: Option<&str>) -> ApiResult<NaiveDate> {
    let Some(text) = given.map(str::trim).filter(|s| !s.is_empty()) else { return Ok(today(ctx)) };
    let bad = |m: &str| ApiError::new(Code::InvalidReceivedAt, m);
    let at = ctx.given_time(text).ok_or_else(|| {
        bad("received_at is an RFC 3339 time (2026-12-03T09:30:00+08:00) or the hall's local 2026-12-03T09:30")
    })?;
    let ms = crate::store::ms(at);
    if ms > ctx.now_ms + 60_000 {
        return Err(bad("received_at is in the future"));
    }
    if ms < ctx.now_ms - 366 * 24 * 3_600_000 {
        return Err(bad("received_at is more than a year ago"));
    }
    Ok(crate::domain::numbering::local_day(at, ctx.hall.timezone))
}

fn load(ctx: &Ctx, id: i64) -> ApiResult<ComplaintRow> {
    store::get(ctx.tx, id)?.ok_or_else(|| ApiError::new(Code::UnknownComplaint, format!("no complaint {id}")))
}

/// The due date from the day received, or none while its year is not loaded.
fn due_of(ctx: &Ctx, limits: complaint::Limits, received: NaiveDate, complexity: Complexity) -> Option<NaiveDate> {
    complaint::due(received, complexity, limits, ctx.calendar).ok()
}

/// A complaint's answer limits: those in force when it came, not as changed since (older
/// complaints: those in force).
fn limits_of(ctx: &Ctx, id: i64) -> ApiResult<complaint::Limits> {
    Ok(store::kept_limits(ctx.tx, id)?.unwrap_or(ctx.hall.policy.complaints))
}

fn due_words(due: Option<NaiveDate>) -> String {
    due.map(|d| format!("答复期限 {d}")).unwrap_or_else(|| "答复期限待节假日安排公布后确定".into())
}

/// A step: its history line, its audit row (no names, no text), and `feedback_changed`.
fn record(ctx: &mut Ctx, c: &ComplaintRow, action: &str, text: String) -> ApiResult<()> {
    let by = match ctx.actor {
        super::Actor::Citizen { .. } => "citizen".to_string(),
        a => a.name().to_string(),
    };
    store::add_step(ctx.tx, c.id, &StepRow { at: ctx.now_ms, by, action: action.into(), text })?;
    let detail = json!({
        "channel": c.channel.as_str(),
        "about": c.about.as_str(),
        "window": c.window_id,
        "staff": c.staff,
        "complexity": c.complexity.as_str(),
        "state": c.state.as_str(),
        "due": c.due.map(|d| d.to_string()),
        "finding": c.finding.map(Finding::as_str),
    });
    ctx.audit(&format!("complaint.{action}"), c.window_id.as_deref(), Some(format!("complaint:{}", c.number)), detail)?;
    let changed = wire::FeedbackChanged {
        subject: wire::FeedbackSubject::Complaint,
        id: c.id,
        action: action.into(),
        urgent: false,
        at: ctx.fmt(ctx.now_ms),
        // A letter registered days after it came counts on the day it came (the hall's report
        // does; the county's figures follow).
        day: (action == "received").then(|| c.received_on.to_string()),
    };
    ctx.emit(wire::event_kind::FEEDBACK_CHANGED, &changed)
}

/// What the complaint names, checked against the hall: (about, window, staff).
fn subject(ctx: &Ctx, input: &Input) -> ApiResult<(About, Option<String>, Option<String>)> {
    let about = input.about.ok_or_else(|| invalid("say what the complaint is about"))?;
    let window = trimmed(input.window_id.as_deref());
    let staff = trimmed(input.staff.as_deref());
    if let Some(w) = &window {
        if ctx.hall.window(w).is_none() {
            return Err(ApiError::new(Code::UnknownTargetWindow, format!("no window `{w}` in this hall")));
        }
    }
    if let Some(u) = &staff {
        if ctx.hall.staff(u).is_none() {
            return Err(ApiError::new(Code::UnknownStaff, format!("no staff member `{u}` in this hall")));
        }
        // A village agent reads no findings (`/api/findings/mine` is the hall staff's): the
        // message the answer must give them could never reach them (as `responsible_of`).
        if ctx.hall.staff(u).is_some_and(|p| p.role == crate::hall::StaffRole::Village) {
            return Err(ApiError::new(
                Code::UnknownStaff,
                format!("`{u}` is a village agent, not on the hall's staff: a complaint about a village station is about the hall"),
            ));
        }
    }
    match about {
        About::Window if window.is_none() => Err(invalid("a complaint about a window names the window")),
        About::Staff if staff.is_none() => Err(invalid("a complaint about a staff member names them")),
        About::Hall => Ok((about, None, None)),
        About::Window => Ok((about, window, None)),
        About::Staff => Ok((about, window, staff)),
    }
}

/// The complaint's words, checked.
struct Words {
    what: String,
    happened: Option<String>,
    name: Option<String>,
    contact: Option<String>,
    address: Option<String>,
}

/// A citizen's complaint from their ticket's page, checked before it is counted against the
/// page's allowance: a mistake corrected is not a complaint made.
pub fn check_online(input: &Input) -> ApiResult<()> {
    words(input, false).map(drop)
}

fn words(input: &Input, identity_required: bool) -> ApiResult<Words> {
    let what =
        text(Some(&input.what), complaint::MAX_TEXT, "what happened")?.ok_or_else(|| invalid("say what happened"))?;
    let happened = text(input.happened.as_deref(), complaint::MAX_NAME, "when it happened")?;
    let name = text(input.complainant_name.as_deref(), complaint::MAX_NAME, "the complainant's name")?;
    let contact = trimmed(input.complainant_contact.as_deref());
    if contact.as_deref().is_some_and(|c| !complaint::valid_contact(c)) {
        return Err(invalid("the complainant's contact is a phone number"));
    }
    let address = text(input.complainant_address.as_deref(), complaint::MAX_ADDRESS, "the complainant's address")?;
    let reachable = contact.is_some() || address.is_some();
    if input.anonymous && (name.is_some() || reachable) {
        return Err(invalid(
            "an anonymous complaint has no name, phone or address: leave them out, or do not mark it anonymous",
        ));
    }
    // A caller may keep their name and leave a number to be answered on (R21: confidential);
    // with neither a phone nor an address no answer could reach them.
    if identity_required && !input.anonymous && !reachable {
        return Err(invalid(
            "an oral, phone or written complaint records a phone or postal address to answer on, or is marked anonymous",
        ));
    }
    // R21: a written complaint gets a written answer: the letter needs where to be posted.
    if input.channel == Channel::Written && !input.anonymous && address.is_none() {
        return Err(invalid("a written complaint gets a written answer: record the complainant's postal address"));
    }
    Ok(Words { what, happened, name, contact, address })
}

fn insert(
    ctx: &mut Ctx,
    input: &Input,
    subject: (About, Option<String>, Option<String>),
    ticket_id: Option<i64>,
) -> ApiResult<ComplaintRow> {
    let Words { what, happened, name, contact, address } = words(input, input.channel != Channel::Online)?;
    let (about, window, staff) = subject;
    let complexity = input.complexity.unwrap_or(Complexity::Simple);
    let received = received_on(ctx, input.received_at.as_deref())?;
    let limits = ctx.hall.policy.complaints;
    let due = due_of(ctx, limits, received, complexity);
    let new = NewComplaint {
        day: received,
        channel: input.channel,
        about,
        window_id: window.as_deref(),
        staff: staff.as_deref(),
        what: &what,
        happened: happened.as_deref(),
        complainant_name: name.as_deref(),
        complainant_contact: contact.as_deref(),
        complainant_address: address.as_deref(),
        ticket_id,
        complexity,
        due,
        limits,
        at_ms: ctx.now_ms,
    };
    let (id, _) = store::insert(ctx.tx, &new)?;
    let c = load(ctx, id)?;
    let kind = if complexity == Complexity::Simple { "简单投诉" } else { "复杂投诉" };
    let came = if received < today(ctx) { format!("（{received} 收到）") } else { String::new() };
    let text = format!("受理{}投诉{came}（{kind}），{}", complaint::channel_words(input.channel), due_words(due));
    record(ctx, &c, "received", text)?;
    Ok(c)
}

/// The director registers an oral, phone or written complaint.
pub(super) fn register(ctx: &mut Ctx, input: &Input) -> ApiResult<Answer> {
    if input.channel == Channel::Online {
        return Err(invalid("online complaints come from the ticket's phone page"));
    }
    let subject = subject(ctx, input)?;
    let c = insert(ctx, input, subject, None)?;
    view(ctx, &c, StatusCode::CREATED)
}

/// The citizen's complaint from the ticket's phone page: about the ticket's window (when it has
/// one; for a ticket sent on, one that served it before if the citizen says so: by its number)
/// or the hall. The answer is the number and the due date only. The page's secret (its hash)
/// is kept: the ticket's view shows the answer to that page alone.
pub(super) fn online(
    ctx: &mut Ctx,
    token: &str,
    input: &Input,
    (window_number, reader_key_hash): (Option<u32>, Option<&str>),
) -> ApiResult<Answer> {
    let ticket = crate::store::tickets::by_status_token(ctx.tx, token)?
        .ok_or_else(|| ApiError::new(Code::UnknownTicket, "no ticket has this token"))?;
    let mut window = ticket.window_id.clone().or_else(|| ticket.first_window_id.clone());
    // The window named, for a complaint about a window (one about the hall names none).
    if let Some(n) = window_number.filter(|_| input.about != Some(About::Hall)) {
        let earlier = crate::store::tickets::sent_on_from(ctx.tx, &ticket)?;
        let mut served = ticket.window_id.iter().chain(&earlier);
        let chosen = served.find(|w| ctx.hall.window(w).is_some_and(|w| w.number == n));
        window = Some(chosen.cloned().ok_or_else(|| invalid(format!("window {n} did not serve this ticket")))?);
    }
    let about = match (input.about, &window) {
        (Some(About::Staff), _) => return Err(invalid("an online complaint is about the window or the hall")),
        (Some(About::Window) | None, Some(w)) => (About::Window, Some(w.clone()), None),
        (Some(About::Window), None) => return Err(invalid("this ticket has not been served at a window yet")),
        (Some(About::Hall) | None, _) => (About::Hall, None, None),
    };
    let c = insert(ctx, &Input { channel: Channel::Online, ..input.clone() }, about, Some(ticket.id))?;
    if let Some(hash) = reader_key_hash {
        store::set_reader_key(ctx.tx, c.id, hash)?;
    }
    let receipt = wire::ComplaintReceipt { number: c.number, due: c.due.map(|d| d.to_string()) };
    Answer::json(StatusCode::CREATED, &receipt)
}

fn view(ctx: &Ctx, c: &ComplaintRow, status: StatusCode) -> ApiResult<Answer> {
    let detail = store::detail(ctx.tx, ctx.hall, c, today(ctx))?;
    Answer::json(status, &detail)
}

/// The director's (or an administrator's) read: it holds the complainant's identity, so it is
/// audited (who read which, when).
pub(super) fn read(ctx: &mut Ctx, id: i64) -> ApiResult<Answer> {
    let c = load(ctx, id)?;
    ctx.audit("complaint.read", None, Some(format!("complaint:{}", c.number)), json!({}))?;
    view(ctx, &c, StatusCode::OK)
}

fn refused(p: Problem) -> ApiError {
    match p {
        Problem::BadTransition { from } => ApiError::new(
            Code::InvalidComplaintStep,
            format!("the complaint is {}: that step is not possible now", from.as_str()),
        ),
        Problem::LateExplanationRequired => ApiError::new(
            Code::LateExplanationRequired,
            "the complaint is past its due date: record why it is answered late",
        ),
        Problem::DeadlinePassed => ApiError::new(
            Code::DeadlinePassed,
            "the complaint is past its due date: its complexity no longer changes it; answer it with why it is late",
        ),
        Problem::NewDueDatePassed => ApiError::new(
            Code::SimpleDuePassed,
            "as a simple complaint it was due by the day after it came, which has passed: keep it complex",
        ),
    }
}

/// The director's steps.
pub(super) fn act(ctx: &mut Ctx, id: i64, op: &ComplaintOp) -> ApiResult<Answer> {
    let mut c = load(ctx, id)?;
    let today = today(ctx);
    let (name, line) = match op {
        ComplaintOp::Investigate { complexity, note } => {
            let note = text(note.as_deref(), complaint::MAX_TEXT, "a note")?;
            if let Some(x) = complexity.filter(|x| *x != c.complexity) {
                let new_due = due_of(ctx, limits_of(ctx, c.id)?, c.received_on, x);
                complaint::may_reclassify(c.state, c.due, new_due, today).map_err(refused)?;
            }
            // Under investigation already, a new complexity is all the step can be: the finding
            // that it involves several units (or not) counts its due date again.
            let reclassify =
                c.state == complaint::State::Investigating && complexity.is_some_and(|x| x != c.complexity);
            let step = if reclassify { Step::Reclassify } else { Step::Investigate };
            c.state = complaint::apply(c.state, c.due, step, today).map_err(refused)?;
            // Only a new complexity counts the due date again: the same one sent back (the page
            // always sends it) keeps the date as it is, moved by a notice (顺延) included.
            if let Some(x) = complexity.filter(|x| *x != c.complexity) {
                c.complexity = x;
                c.due = due_of(ctx, limits_of(ctx, c.id)?, c.received_on, x);
            }
            let kind = if c.complexity == Complexity::Simple { "简单投诉" } else { "复杂投诉" };
            let mut line = match reclassify {
                true => format!("经调查改为{kind}，{}", due_words(c.due)),
                false => format!("开始调查核实（{kind}），{}", due_words(c.due)),
            };
            if let Some(n) = note {
                line.push_str(&format!("：{n}"));
            }
            (if reclassify { "reclassified" } else { "investigating" }, line)
        }
        ComplaintOp::Answer { finding, answer, late_explanation, to_staff, responsible } => {
            let answer = text(Some(answer), complaint::MAX_TEXT, "the answer")?
                .ok_or_else(|| invalid("the answer has some text"))?;
            let responsible = responsible_of(ctx, &c, *finding, responsible.as_deref())?;
            let explanation = text(late_explanation.as_deref(), complaint::MAX_TEXT, "the late explanation")?;
            let step = Step::Answer { explained: explanation.is_some() };
            c.state = complaint::apply(c.state, c.due, step, today).map_err(refused)?;
            // The staff member complained about (or found responsible) is told in the
            // director's words (R21): the complaint's own and the answer to the complainant stay
            // with the director.
            let to_staff = match if responsible.is_some() { About::Staff } else { c.about } {
                About::Staff => {
                    Some(text(to_staff.as_deref(), complaint::MAX_TEXT, "what the staff member is told")?.ok_or_else(
                        || {
                            ApiError::new(
                                Code::ToStaffRequired,
                                "a complaint about a staff member is answered with what they are told (to_staff)",
                            )
                        },
                    )?)
                }
                _ => None,
            };
            let late = c.due.is_some_and(|d| today > d);
            let found = responsible.map(|(username, name)| {
                (c.about, c.staff) = (About::Staff, Some(username));
                name
            });
            c.finding = Some(*finding);
            c.answer = Some(answer);
            c.answered_on = Some(today);
            c.to_staff = to_staff;
            c.late_explanation = if late { explanation } else { None };
            let mut line = format!("已答复投诉人，调查结论：{}", complaint::finding_words(*finding));
            if let Some(name) = found {
                line.push_str(&format!("；经查责任人：{name}"));
            }
            if let Some(e) = &c.late_explanation {
                line.push_str(&format!("；逾期答复说明：{e}"));
            }
            ("answered", line)
        }
        ComplaintOp::Close { note } => {
            let note = text(note.as_deref(), complaint::MAX_TEXT, "a note")?;
            c.state = complaint::apply(c.state, c.due, Step::Close, today).map_err(refused)?;
            c.closed_on = Some(today);
            let mut line = "投诉办结".to_string();
            if let Some(n) = note {
                line.push_str(&format!("：{n}"));
            }
            ("closed", line)
        }
    };
    store::update(ctx.tx, &c)?;
    record(ctx, &c, name, line)?;
    view(ctx, &c, StatusCode::OK)
}

/// The staff member a complaint about a window or the hall is found to be about, with their
/// name: a member of the hall's staff, for a finding of fact (R17 counts what was found true).
fn responsible_of(
    ctx: &Ctx,
    c: &ComplaintRow,
    finding: Finding,
    username: Option<&str>,
) -> ApiResult<Option<(String, String)>> {
    let Some(username) = username.map(str::trim).filter(|u| !u.is_empty()) else { return Ok(None) };
    if c.about == About::Staff {
        return Err(ApiError::new(Code::ResponsibleNotUpheld, "this complaint is about a staff member already"));
    }
    if !matches!(finding, Finding::Upheld | Finding::PartlyUpheld) {
        return Err(ApiError::new(
            Code::ResponsibleNotUpheld,
            "a staff member is found responsible only for a complaint found true (upheld, partly upheld)",
        ));
    }
    let person = ctx
        .hall
        .staff(username)
        .filter(|p| p.role != crate::hall::StaffRole::Village)
        .ok_or_else(|| ApiError::new(Code::UnknownStaff, format!("no staff member `{username}` in the hall")))?;
    Ok(Some((person.username.clone(), person.name.clone())))
}

/// A year of the calendar was added: the due dates that waited for it are set now.
pub fn settle_pending(ctx: &mut Ctx) -> ApiResult<u32> {
    let mut settled = 0;
    for mut c in store::pending_due(ctx.tx)? {
        let Some(due) = due_of(ctx, limits_of(ctx, c.id)?, c.received_on, c.complexity) else { continue };
        c.due = Some(due);
        store::update(ctx.tx, &c)?;
        record(ctx, &c, "deadline_set", format!("节假日安排已公布，{}", due_words(c.due)))?;
        settled += 1;
    }
    Ok(settled)
}

/// A year's notice made days of the December before it days off (`from`..=`to`): a complaint's
/// due day on one of them moves to the next working day (顺延), in its history. Answers how many
/// moved.
pub fn defer_from_days_off(ctx: &mut Ctx, from: NaiveDate, to: NaiveDate) -> ApiResult<u32> {
    let mut moved = 0;
    for mut c in store::due_between(ctx.tx, from, to)? {
        let Some((old, new)) = c.due.and_then(|old| Some((old, ctx.calendar.deferred(old)?))) else { continue };
        c.due = Some(new);
        store::update(ctx.tx, &c)?;
        record(ctx, &c, "deadline_set", format!("节假日安排调整，{old} 为休息日，{}", due_words(c.due)))?;
        moved += 1;
    }
    Ok(moved)
}

/// Staff see the answered complaints about themselves (never who complained, nor how).
pub fn mine(conn: &rusqlite::Connection, username: &str) -> rusqlite::Result<Vec<wire::MyFinding>> {
    Ok(store::findings_about(conn, username)?.iter().filter_map(store::my_finding).collect())
}
