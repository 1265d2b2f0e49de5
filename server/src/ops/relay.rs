//! The relay of reported cases between halls (R14, 上报件), through the county service.
//!
//! The lower hall: a reported case registered puts its `report` in the outbox, in the
//! registration's transaction; the upper hall's progress comes back through the inbox and is
//! written into the case's history (the applicant reads it), its result closing the case.
//! The upper hall: a report becomes an incoming case on the desk of the window handling its
//! matter; each of its steps puts a `progress` message for the origin in the outbox.
//! The inbox applies a message once by its key: the key is stored with the effect, in one
//! transaction, and a repeat is answered what the first delivery was.

use axum::http::StatusCode;
use chrono::NaiveDate;
use hall_wire as wire;
use serde_json::{json, Value};

use super::{Answer, Ctx};
use crate::domain::case::{self, Action, CaseResult, CaseState};
use crate::domain::relay::{self as rule, IncomingAction, IncomingFacts, IncomingState, UpperStep};
use crate::domain::Outcome;
use crate::error::{ApiError, ApiResult, Code};
use crate::store::cases::{self, CaseRow};
use crate::store::relay::{self as store, IncomingRow};

/// A staff action on an incoming case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncomingOp {
    Accept {
        days: Option<u32>,
    },
    Extend {
        days: u32,
        reason: String,
    },
    Close {
        result: CaseResult,
        reason: Option<String>,
    },
    /// The director hands it to a window (no step for the origin hall: where it is handled here
    /// is this hall's own business).
    Assign {
        window_id: String,
    },
}

const MAX_TEXT: usize = 500;

fn today(ctx: &Ctx) -> NaiveDate {
    NaiveDate::parse_from_str(&ctx.day, "%Y-%m-%d").expect("the writer's day is a date")
}

fn date(s: Option<&str>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

/// A message's text field, trimmed and cut to a sane length; `None` when empty.
fn field(v: &Value, key: &str, max: usize) -> Option<String> {
    let s = v.get(key)?.as_str()?.trim();
    (!s.is_empty()).then(|| s.chars().take(max).collect())
}

fn invalid(what: &str) -> ApiError {
    ApiError::new(Code::InvalidMessage, format!("the message lacks {what}"))
}

/// Puts a message in the outbox and tells the county's stream there is work.
fn queue(ctx: &mut Ctx, key: &str, kind: &str, to_hall: Option<&str>, body: &Value) -> ApiResult<()> {
    if let Some(id) = store::add(ctx.tx, key, kind, to_hall, body, ctx.now_ms)? {
        ctx.emit(wire::event_kind::RELAY_PENDING, &json!({ "id": id }))?;
    }
    Ok(())
}

/// The lower hall: a reported case was registered; its report goes up with the applicant's data
/// (only on the county's authenticated link, never in events).
pub(super) fn report(ctx: &mut Ctx, c: &CaseRow) -> ApiResult<()> {
    let service_name = ctx.hall.matter(&c.service_id).map(|m| m.name.clone()).unwrap_or_else(|| c.service_id.clone());
    let body = json!({
        "hall_name": ctx.hall.name,
        "number": c.number,
        "service_id": c.service_id,
        "service_name": service_name,
        "authority": c.detail.get("authority"),
        "applicant_name": c.applicant_name,
        "applicant_phone": c.applicant_phone,
        "note": c.detail.get("note"),
        "accepted_on": c.accepted_on.to_string(),
        "deadline": c.deadline.map(|d| d.to_string()),
    });
    queue(ctx, &rule::report_key(&c.number), "report", None, &body)
}

/// The county reads what waits in the outbox: each message's first read is audited (a report
/// carries the applicant's name and phone); a message read again — its target down or refusing
/// it, the county asking every few seconds — is no new disclosure and writes nothing.
pub(super) fn read_outbox(ctx: &mut Ctx, limit: u32, after: i64) -> ApiResult<Answer> {
    let rows = store::pending(ctx.tx, after, limit)?;
    let first: Vec<&store::OutboxRow> = rows.iter().filter(|r| r.unread).collect();
    if !first.is_empty() {
        let keys: Vec<&str> = first.iter().map(|r| r.key.as_str()).collect();
        ctx.audit("relay.outbox_read", None, None, json!({ "keys": keys }))?;
        let ids: Vec<i64> = first.iter().map(|r| r.id).collect();
        store::mark_read(ctx.tx, &ids, ctx.now_ms)?;
    }
    let list: Vec<wire::OutboxMessage> = rows
        .into_iter()
        .map(|r| wire::OutboxMessage {
            id: r.id,
            key: r.key,
            kind: r.kind,
            to_hall: r.to_hall,
            body: r.body,
            created_at: ctx.fmt(r.created_at),
        })
        .collect();
    Answer::json(StatusCode::OK, &list)
}

/// The county delivered a message: it leaves the outbox (a second acknowledgement changes
/// nothing). A report's case, still waiting for the upper hall, says where it went.
pub(super) fn ack(ctx: &mut Ctx, id: i64, to_hall_name: Option<&str>, not_relayed: bool) -> ApiResult<Answer> {
    match store::ack(ctx.tx, id, ctx.now_ms)? {
        None => Err(ApiError::new(Code::UnknownMessage, format!("no outbox message {id}"))),
        Some((key, first)) if not_relayed => {
            // The county hall's own report: its upper level is outside the county's relay.
            if first {
                ctx.audit("relay.not_relayed", None, Some(format!("outbox:{id}")), json!({ "key": key }))?;
            }
            Answer::no_content()
        }
        Some((key, first)) => {
            if first {
                ctx.audit("relay.delivered", None, Some(format!("outbox:{id}")), json!({ "key": key }))?;
                if let Some(number) = rule::reported_number(&key) {
                    report_delivered(ctx, number, to_hall_name)?;
                }
            }
            Answer::no_content()
        }
    }
}

/// R14: the applicant reads that the report reached the upper hall. Only while the case is open
/// and nothing has come from above yet: no step of the upper hall (its acceptance may come first
/// after an outage), no reply or date the town recorded by hand. A step only: the case stays the
/// town's as before (its `upper` line, which moves the deadline and the assessment to the upper
/// hall, comes with the upper hall's own progress).
fn report_delivered(ctx: &mut Ctx, number: &str, to_hall_name: Option<&str>) -> ApiResult<()> {
    let Some(c) = cases::by_number(ctx.tx, number)?.filter(|c| c.kind == Outcome::Reported) else {
        return Ok(());
    };
    let heard = c.detail.get("upper").is_some_and(|u| !u.is_null())
        || c.detail.get("upper_deadline").is_some_and(|d| !d.is_null())
        || crate::store::case_views::replied(&c.detail);
    if c.state != CaseState::Open || heard {
        return Ok(());
    }
    let name: Option<String> = to_hall_name.map(|n| n.trim().chars().take(100).collect());
    super::cases::step(ctx, &c, wire::step_action::UPPER_RECEIVED, rule::delivered_words(name.as_deref()))
}

fn valid_hall_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 40 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A message of another hall, applied once by its key.
pub(super) fn inbox(ctx: &mut Ctx, m: &wire::InboxMessage) -> ApiResult<Answer> {
    let key_ok = !m.key.trim().is_empty() && m.key.chars().count() <= 300;
    if !key_ok || !valid_hall_id(&m.from_hall) {
        return Err(ApiError::new(Code::InvalidMessage, "a message has a key (1-300 characters) and its hall's id"));
    }
    if let Some(answer) = store::applied(ctx.tx, &m.key)? {
        return Ok(Answer { status: StatusCode::OK, body: Some(answer), replayed: true });
    }
    let answer = match m.kind.as_str() {
        "report" => receive_report(ctx, m)?,
        "progress" => receive_progress(ctx, m)?,
        other => {
            return Err(ApiError::new(Code::InvalidMessage, format!("unknown kind `{other}`: report or progress")))
        }
    };
    let text = serde_json::to_string(&answer)?;
    store::record_applied(ctx.tx, &m.key, &m.from_hall, &m.kind, &text, ctx.now_ms)?;
    Ok(Answer { status: StatusCode::OK, body: Some(text), replayed: false })
}

/// The window handling a matter here: by its id, or its name (the halls' files may differ);
/// a matter this hall does not have goes to the window of its general inquiries (综合咨询,
/// `[hall] general_inquiry`), and without one to the director.
fn handling_window(ctx: &Ctx, service_id: &str, service_name: &str) -> Option<String> {
    let m = ctx.hall.matter(service_id).or_else(|| ctx.hall.matters.iter().find(|m| m.name == service_name));
    let m = m.or_else(|| ctx.hall.general_inquiry.as_deref().and_then(|g| ctx.hall.matter(g)))?;
    m.windows.first().cloned()
}

/// Working days promised at acceptance (a working year at most, for a matter not listed here).
const MAX_PROMISED_DAYS: u32 = 250;

/// The days the window states, checked against the matter's own time limit here (`listed`):
/// a shorter promise is the window's to make, a longer one would lengthen what the hall
/// publishes (R12, R19).
fn check_days(days: Option<u32>, listed: Option<u32>) -> ApiResult<Option<u32>> {
    match (days, listed) {
        (Some(d), Some(limit)) if d > limit || (d == 0 && limit > 0) => Err(ApiError::new(
            Code::PromisedDaysOutOfRange,
            format!("this hall promises the matter in {limit} working days: 1 to {limit}"),
        )),
        (Some(d), None) if d == 0 || d > MAX_PROMISED_DAYS => Err(ApiError::new(
            Code::PromisedDaysOutOfRange,
            format!("the working days promised are 1 to {MAX_PROMISED_DAYS}"),
        )),
        _ => Ok(days),
    }
}

fn promised_days(ctx: &Ctx, c: &IncomingRow) -> Option<u32> {
    let m = ctx.hall.matter(&c.service_id).or_else(|| ctx.hall.matters.iter().find(|m| m.name == c.service_name))?;
    Some(m.time_limit_days)
}

fn incoming_changed(ctx: &mut Ctx, c: &IncomingRow) -> ApiResult<()> {
    let data = json!({ "id": c.id, "window_id": c.window_id, "state": c.state, "at": ctx.fmt(ctx.now_ms) });
    ctx.emit(wire::event_kind::INCOMING_CHANGED, &data)
}

/// The upper hall: a report becomes an incoming case (one per origin case, whatever the key).
fn receive_report(ctx: &mut Ctx, m: &wire::InboxMessage) -> ApiResult<wire::InboxAnswer> {
    let b = &m.body;
    let number = field(b, "number", 40).ok_or_else(|| invalid("the case's number"))?;
    let authority = field(b, "authority", 100).ok_or_else(|| invalid("the authority (R14)"))?;
    let registered = |id| wire::InboxAnswer {
        key: m.key.clone(),
        outcome: "incoming_registered".into(),
        incoming_id: Some(id),
        case_number: None,
    };
    if let Some(existing) = store::incoming_by_origin(ctx.tx, &m.from_hall, &number)? {
        return Ok(registered(existing.id));
    }
    let service_id = field(b, "service_id", 100).unwrap_or_default();
    let service_name = field(b, "service_name", 200).unwrap_or_else(|| service_id.clone());
    let hall_name = field(b, "hall_name", 100).unwrap_or_else(|| m.from_hall.clone());
    let window_id = handling_window(ctx, &service_id, &service_name);
    let mut row = IncomingRow {
        id: 0,
        key: m.key.clone(),
        origin_hall: m.from_hall.clone(),
        origin_hall_name: hall_name.clone(),
        origin_number: number.clone(),
        service_id,
        service_name: service_name.clone(),
        authority: authority.clone(),
        window_id,
        applicant_name: field(b, "applicant_name", 50),
        applicant_phone: field(b, "applicant_phone", 30),
        detail: json!({
            "note": field(b, "note", MAX_TEXT),
            "accepted_on": field(b, "accepted_on", 10),
            "deadline": field(b, "deadline", 10),
        }),
        state: IncomingState::Received.as_str().into(),
        result: None,
        deadline: None,
        extended: false,
        received_at: ctx.now_ms,
        accepted_on: None,
        promised_days: None,
    };
    row.id = store::insert_incoming(ctx.tx, &row)?;
    let text = format!("收到{hall_name}上报件（{number}）：{service_name}，报{authority}");
    store::add_step(ctx.tx, row.id, ctx.now_ms, ctx.actor.name(), "received", &text)?;
    let detail = json!({ "from": m.from_hall, "origin_number": number });
    ctx.audit("incoming.received", row.window_id.as_deref(), Some(format!("incoming:{}", row.id)), detail)?;
    incoming_changed(ctx, &row)?;
    Ok(registered(row.id))
}

/// The lower hall: the upper hall's step on a reported case, into its history (and its result
/// closes the case). A case this hall does not know is answered `ignored` (and kept so).
fn receive_progress(ctx: &mut Ctx, m: &wire::InboxMessage) -> ApiResult<wire::InboxAnswer> {
    let b = &m.body;
    let number = field(b, "origin_number", 40).ok_or_else(|| invalid("the origin's case number"))?;
    let step = field(b, "step", 20).and_then(|s| UpperStep::parse(&s)).ok_or_else(|| invalid("its step"))?;
    let answer = |outcome: &str, number: Option<String>| wire::InboxAnswer {
        key: m.key.clone(),
        outcome: outcome.into(),
        incoming_id: None,
        case_number: number,
    };
    let Some(mut c) = cases::by_number(ctx.tx, &number)?.filter(|c| c.kind == Outcome::Reported) else {
        tracing::warn!(key = %m.key, number, "progress of a case this hall has not reported; kept, not applied");
        return Ok(answer("ignored", None));
    };
    // A step the county could not deliver at once (refused by an older server, held back an
    // hour) may come after later ones: once the upper hall closed the case nothing before its
    // close applies, nor an acceptance once the upper hall was heard from, nor a step taken
    // there before the one the case already has (a deadline set before an extension). Kept,
    // not applied. A message of an older upper hall says no time: only its step is judged.
    let upper = c.detail.get("upper");
    let heard = upper.and_then(|u| u.get("state")).and_then(Value::as_str);
    let stepped_at = b.get("stepped_at_ms").and_then(Value::as_i64);
    let last_at = upper.and_then(|u| u.get("stepped_at_ms")).and_then(Value::as_i64);
    let superseded = rule::superseded(heard, step, stepped_at, last_at);
    if superseded {
        tracing::info!(key = %m.key, number, "an upper hall's step older than what the case already heard; kept, not applied");
        return Ok(answer("superseded", Some(c.number)));
    }
    let hall_name = field(b, "hall_name", 100).unwrap_or_else(|| m.from_hall.clone());
    let deadline = field(b, "deadline", 10);
    let pending_year = b.get("pending_year").and_then(Value::as_i64).and_then(|y| i32::try_from(y).ok());
    let result = field(b, "result", 20).and_then(|r| CaseResult::parse(&r));
    let reason = field(b, "reason", MAX_TEXT);
    let state = if step == UpperStep::Closed { IncomingState::Closed } else { IncomingState::Accepted };
    c.detail["upper"] = json!({
        "hall_name": hall_name,
        "state": state.as_str(),
        "result": result.map(CaseResult::as_str),
        "deadline": deadline,
        "at": ctx.fmt(stepped_at.unwrap_or(ctx.now_ms)),
        "stepped_at_ms": stepped_at.or(last_at),
    });
    // The upper hall's date is the one the applicant is given (R14): the case's deadline here
    // follows it, so the lists, the assessment and a village reply date count from it.
    let upper_date = deadline.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    if let (Some(d), CaseState::Open, false) = (upper_date, c.state, step == UpperStep::Closed) {
        c.deadline = Some(d);
    }
    let text = rule::progress_words(&hall_name, step, deadline.as_deref(), pending_year, result, reason.as_deref());
    let mut outcome = "progress_recorded";
    if let (UpperStep::Closed, CaseState::Open, Some(result)) = (step, c.state, result) {
        // The upper hall's result is the case's: it closes here too, with the same words.
        // `detail.upper` now says closed: the upper hall's close is its reply.
        let facts = super::cases::facts(&c, &[]);
        let close = Action::Close { result, reason: reason.as_deref() };
        if let Ok(moved) = case::apply(&facts, &close, today(ctx), ctx.calendar, ctx.hall.policy.cases) {
            c.state = moved.state;
            c.result = moved.result;
            c.detail["result_reason"] = json!(reason);
            outcome = "case_closed";
        }
    }
    cases::update(ctx.tx, &c, ctx.now_ms, ctx.hall.policy.cases.archive_days)?;
    super::cases::step(ctx, &c, &rule::origin_step_action(step), text)?;
    Ok(answer(outcome, Some(c.number)))
}

fn load(ctx: &Ctx, id: i64) -> ApiResult<IncomingRow> {
    store::incoming_by_id(ctx.tx, id)?
        .ok_or_else(|| ApiError::new(Code::UnknownIncoming, format!("no incoming case {id}")))
}

/// An incoming case as staff read it (with the applicant's data).
pub fn view(
    conn: &rusqlite::Connection,
    hall: &crate::hall::Hall,
    c: &IncomingRow,
) -> rusqlite::Result<wire::IncomingCase> {
    let history = store::steps(conn, c.id)?
        .into_iter()
        .map(|(at, by, action, text)| wire::IncomingStep {
            at: crate::store::reads::fmt_time(hall, at),
            by,
            action,
            text,
        })
        .collect();
    let text = |k: &str| c.detail.get(k).and_then(Value::as_str).map(str::to_string);
    Ok(wire::IncomingCase {
        line: line(hall, c),
        applicant_name: c.applicant_name.clone(),
        applicant_phone: c.applicant_phone.clone(),
        note: text("note"),
        reason: text("reason"),
        history,
    })
}

/// An incoming case on a list (no personal information).
pub fn line(hall: &crate::hall::Hall, c: &IncomingRow) -> wire::IncomingLine {
    wire::IncomingLine {
        id: c.id,
        origin_hall: c.origin_hall.clone(),
        origin_hall_name: c.origin_hall_name.clone(),
        origin_number: c.origin_number.clone(),
        service_name: c.service_name.clone(),
        authority: c.authority.clone(),
        window_id: c.window_id.clone(),
        state: match IncomingState::parse(&c.state) {
            Some(IncomingState::Accepted) => wire::IncomingState::Accepted,
            Some(IncomingState::Closed) => wire::IncomingState::Closed,
            _ => wire::IncomingState::Received,
        },
        result: c.result.as_deref().and_then(CaseResult::parse).map(Into::into),
        deadline: c.deadline.clone(),
        received_at: crate::store::reads::fmt_time(hall, c.received_at),
        extended: c.extended,
    }
}

/// A staff read of an incoming case: audited (the applicant's name and phone).
pub(super) fn read(ctx: &mut Ctx, id: i64) -> ApiResult<Answer> {
    let c = load(ctx, id)?;
    ctx.audit("incoming.read", c.window_id.as_deref(), Some(format!("incoming:{id}")), json!({}))?;
    Answer::json(StatusCode::OK, &view(ctx.tx, ctx.hall, &c)?)
}

/// Accept, extend or close an incoming case; the step goes back to the origin hall.
pub(super) fn act(ctx: &mut Ctx, id: i64, op: &IncomingOp) -> ApiResult<Answer> {
    let mut c = load(ctx, id)?;
    if let IncomingOp::Assign { window_id } = op {
        return assign(ctx, c, window_id);
    }
    let facts = IncomingFacts {
        state: IncomingState::parse(&c.state).unwrap_or(IncomingState::Received),
        deadline: date(c.deadline.as_deref()),
        extended: c.extended,
    };
    let promised = match op {
        // A matter this hall does not list has no promised days here: the window states them
        // (else the case would run with no deadline, never overdue, R12 unreachable).
        IncomingOp::Accept { days } => {
            match check_days(*days, promised_days(ctx, &c))?.or_else(|| promised_days(ctx, &c)) {
                None => {
                    return Err(ApiError::new(
                        Code::PromisedDaysRequired,
                        format!("`{}` is not a matter of this hall: state the working days promised", c.service_name),
                    ))
                }
                days => days,
            }
        }
        _ => None,
    };
    let action = match op {
        IncomingOp::Assign { .. } => unreachable!("assigned above"),
        IncomingOp::Accept { .. } => IncomingAction::Accept { days: promised },
        IncomingOp::Extend { days, reason } => {
            if reason.trim().is_empty() {
                return Err(ApiError::new(Code::ReasonRequired, "an extension states its reason (R12)"));
            }
            IncomingAction::Extend { days: *days }
        }
        IncomingOp::Close { result, reason } => IncomingAction::Close { result: *result, reason: reason.as_deref() },
    };
    let reason = match op {
        IncomingOp::Extend { reason, .. } => Some(reason.trim().to_string()),
        IncomingOp::Close { reason, .. } => {
            reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_string)
        }
        IncomingOp::Accept { .. } | IncomingOp::Assign { .. } => None,
    };
    if reason.as_ref().is_some_and(|r| r.chars().count() > MAX_TEXT) {
        return Err(ApiError::new(Code::TextTooLong, format!("a reason is limited to {MAX_TEXT} characters")));
    }
    let moved = rule::move_incoming(facts, &action, today(ctx), ctx.calendar, ctx.hall.policy.cases)?;
    c.state = moved.state.as_str().into();
    c.deadline = moved.deadline.map(|d| d.to_string());
    c.result = moved.result.map(|r| r.as_str().to_string());
    if moved.step == UpperStep::Accepted {
        (c.accepted_on, c.promised_days) = (Some(today(ctx)), promised);
    }
    let deadline = c.deadline.clone().unwrap_or_default();
    let text = match (op, moved.step) {
        (IncomingOp::Extend { days, .. }, _) => {
            c.extended = true;
            format!(
                "经中心主任批准延期 {days} 个工作日，办结日期改为 {deadline}：{}",
                reason.clone().unwrap_or_default()
            )
        }
        (_, UpperStep::Closed) => {
            c.detail["reason"] = json!(reason);
            rule::result_words(moved.result).to_string()
        }
        _ if deadline.is_empty() => match moved.pending_year {
            Some(y) => format!("已受理，{}", rule::pending_words(y)),
            None => "已受理".to_string(),
        },
        _ => format!("已受理，承诺办结日期 {deadline}"),
    };
    store::update_incoming(ctx.tx, &c, ctx.now_ms)?;
    let progress = Progress { step: moved.step, text, reason, pending_year: moved.pending_year };
    record_step(ctx, &c, progress)?;
    Answer::json(StatusCode::OK, &view(ctx.tx, ctx.hall, &c)?)
}

/// The director hands an incoming case to a window (R18: the one the matter names is missing here,
/// or another fits better): on that window's desk from now on, the step in its history, both
/// desks told. The same window again changes nothing.
fn assign(ctx: &mut Ctx, mut c: IncomingRow, window_id: &str) -> ApiResult<Answer> {
    let w = ctx
        .hall
        .window(window_id)
        .ok_or_else(|| ApiError::new(Code::UnknownWindow, format!("no window `{window_id}`")))?;
    if c.state == IncomingState::Closed.as_str() {
        return Err(ApiError::new(Code::InvalidCaseAction, "a closed incoming case stays where it was handled"));
    }
    if c.window_id.as_deref() == Some(window_id) {
        // Nothing to change; the answer is the case whole (the applicant's name and phone): a
        // read, audited as one.
        ctx.audit("incoming.read", Some(window_id), Some(format!("incoming:{}", c.id)), json!({}))?;
        return Answer::json(StatusCode::OK, &view(ctx.tx, ctx.hall, &c)?);
    }
    let text = format!("中心主任分派至{}号窗口（{}）办理", w.number, w.name);
    let from = c.window_id.replace(window_id.to_string());
    store::assign_incoming(ctx.tx, c.id, window_id)?;
    store::add_step(ctx.tx, c.id, ctx.now_ms, ctx.actor.name(), "assigned", &text)?;
    let detail = json!({ "from": from, "to": window_id });
    ctx.audit("incoming.assigned", Some(window_id), Some(format!("incoming:{}", c.id)), detail)?;
    let data = json!({ "id": c.id, "window_id": window_id, "from_window_id": from, "state": c.state,
        "at": ctx.fmt(ctx.now_ms) });
    ctx.emit(wire::event_kind::INCOMING_CHANGED, &data)?;
    Answer::json(StatusCode::OK, &view(ctx.tx, ctx.hall, &c)?)
}

/// A new hall without a window that holds incoming cases still open: each goes on no desk, where
/// the director's 上报来件 card marks it for handing on (no clerk's list showed it any more, and
/// one still 待受理 has no deadline to fall overdue). Returns how many.
pub(super) fn off_removed_windows(ctx: &mut Ctx, hall: &crate::hall::Hall) -> ApiResult<u32> {
    let kept: Vec<&str> = hall.windows.iter().map(|w| w.id.as_str()).collect();
    let stranded = store::incoming_open_elsewhere(ctx.tx, &kept)?;
    for c in &stranded {
        let from = c.window_id.clone().unwrap_or_default();
        let name = ctx.hall.window(&from).map(|w| format!("{}号窗口（{}）", w.number, w.name)).unwrap_or(from.clone());
        let text = format!("{name}已撤销：待中心主任分派窗口");
        store::unassign_incoming(ctx.tx, c.id)?;
        store::add_step(ctx.tx, c.id, ctx.now_ms, ctx.actor.name(), "unassigned", &text)?;
        let detail = json!({ "from": from, "why": "window removed" });
        ctx.audit("incoming.unassigned", Some(&from), Some(format!("incoming:{}", c.id)), detail)?;
        let data = json!({ "id": c.id, "window_id": null, "from_window_id": from, "state": c.state,
            "at": ctx.fmt(ctx.now_ms) });
        ctx.emit(wire::event_kind::INCOMING_CHANGED, &data)?;
    }
    Ok(stranded.len() as u32)
}

/// A step taken on an incoming case (saved by the caller).
struct Progress {
    step: UpperStep,
    /// The upper hall's own history line.
    text: String,
    reason: Option<String>,
    pending_year: Option<i32>,
}

/// A step of an incoming case: into its history, the audit trail and the live events, and back
/// to the origin hall.
fn record_step(ctx: &mut Ctx, c: &IncomingRow, p: Progress) -> ApiResult<()> {
    let by = ctx.actor.name().to_string();
    store::add_step(ctx.tx, c.id, ctx.now_ms, &by, p.step.as_str(), &p.text)?;
    let detail = json!({ "state": c.state, "deadline": c.deadline, "result": c.result });
    ctx.audit(
        &format!("incoming.{}", p.step.as_str()),
        c.window_id.as_deref(),
        Some(format!("incoming:{}", c.id)),
        detail,
    )?;
    incoming_changed(ctx, c)?;
    let body = json!({
        "origin_number": c.origin_number,
        "hall_name": ctx.hall.name,
        "step": p.step.as_str(),
        "deadline": c.deadline,
        "pending_year": p.pending_year,
        "result": c.result,
        "reason": p.reason,
        // When the step was taken here: the lower hall applies no step older than one it has.
        "stepped_at_ms": ctx.now_ms,
    });
    let key = rule::progress_key(&c.origin_hall, &c.origin_number, p.step, c.deadline.as_deref());
    queue(ctx, &key, "progress", Some(&c.origin_hall.clone()), &body)
}

/// A year's notice made days of the December before it days off (`from`..=`to`): an accepted
/// incoming case's deadline on one of them moves to the next working day (顺延), in its history
/// and back to its origin hall. Answers how many moved.
pub(super) fn defer_from_days_off(ctx: &mut Ctx, from: NaiveDate, to: NaiveDate) -> ApiResult<u32> {
    let mut moved = 0;
    for mut c in store::incoming_due_between(ctx.tx, &from.to_string(), &to.to_string())? {
        let old = c.deadline.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let Some((old, new)) = old.and_then(|old| Some((old, ctx.calendar.deferred(old)?))) else { continue };
        c.deadline = Some(new.to_string());
        store::update_incoming(ctx.tx, &c, ctx.now_ms)?;
        let text = format!("节假日安排调整，{old} 为休息日，承诺办结日期顺延至 {new}");
        record_step(ctx, &c, Progress { step: UpperStep::DeadlineSet, text, reason: None, pending_year: None })?;
        moved += 1;
    }
    Ok(moved)
}

/// A year of the calendar was added: the incoming cases accepted with a deadline waiting for it
/// get their deadline, in their history and back to their origin hall.
pub(super) fn settle_pending(ctx: &mut Ctx) -> ApiResult<u32> {
    let mut settled = 0;
    for mut c in store::incoming_deadline_pending(ctx.tx)? {
        let (Some(from), Some(days)) = (c.accepted_on, c.promised_days) else { continue };
        let Some(deadline) = rule::settle_deadline(from, days, ctx.calendar) else { continue };
        c.deadline = Some(deadline.to_string());
        store::update_incoming(ctx.tx, &c, ctx.now_ms)?;
        let text = format!("节假日安排已公布，承诺办结日期 {deadline}");
        record_step(ctx, &c, Progress { step: UpperStep::DeadlineSet, text, reason: None, pending_year: None })?;
        settled += 1;
    }
    Ok(settled)
}
