//! Petitions (信访, R20): registered, read, transferred, answered, closed and acknowledged by
//! the director or an administrator (`access` checks that once). Every step is audited (who,
//! when, which petition; never the petitioner's identity in the audit detail), written to the
//! petition's history, and raised as `feedback_changed` (director and admin streams only).
//! A staff read of a petition is audited too: it holds the petitioner's identity.

use axum::http::StatusCode;
use chrono::NaiveDate;
use hall_wire as wire;
use serde_json::json;

use super::{Answer, Ctx};
use crate::domain::calendar::MissingYear;
use crate::domain::petition::{self, Action, Channel, Facts, Fields, Gender, PetitionState};
use crate::error::{ApiError, ApiResult, Code};
use crate::store::petitions::{self, NewPetition, PetitionRow};

/// A registration as the director gave it (enums already the domain's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PetitionInput {
    pub channel: Channel,
    /// RFC 3339; checked here, after the access check.
    pub received_at: Option<String>,
    pub name: String,
    pub gender: Gender,
    pub age: Option<u32>,
    pub occupation: Option<String>,
    pub political_status: Option<String>,
    pub address_or_workplace: String,
    pub issue: String,
    pub anonymous: bool,
    pub urgent: bool,
    pub leader_reception: bool,
    pub solved_on_spot: bool,
    pub answer: Option<String>,
}

impl From<wire::NewPetition> for PetitionInput {
    fn from(p: wire::NewPetition) -> Self {
        PetitionInput {
            channel: p.channel.into(),
            received_at: p.received_at,
            name: p.name,
            gender: p.gender.into(),
            age: p.age,
            occupation: p.occupation,
            political_status: p.political_status,
            address_or_workplace: p.address_or_workplace,
            issue: p.issue,
            anonymous: p.anonymous,
            urgent: p.urgent,
            leader_reception: p.leader_reception,
            solved_on_spot: p.solved_on_spot,
            answer: p.answer,
        }
    }
}

/// The director's action on a petition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PetitionOp {
    Transfer { department: String, note: Option<String>, due: Option<String> },
    Answer { answer: String },
    Close,
    Acknowledge,
}

fn trimmed(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

fn today(ctx: &Ctx) -> NaiveDate {
    NaiveDate::parse_from_str(&ctx.day, "%Y-%m-%d").expect("the writer's day is a date")
}

fn local_day(ctx: &Ctx, ms: i64) -> NaiveDate {
    crate::store::from_ms(ms).with_timezone(&ctx.hall.timezone).date_naive()
}

fn load(ctx: &Ctx, id: i64) -> ApiResult<PetitionRow> {
    petitions::by_id(ctx.tx, id)?.ok_or_else(|| ApiError::new(Code::UnknownPetition, format!("no petition {id}")))
}

/// The history step, the audit row and the director's event of one change.
fn record(ctx: &mut Ctx, p: &PetitionRow, action: &str, text: &str, detail: serde_json::Value) -> ApiResult<()> {
    let by = ctx.actor.name().to_string();
    petitions::add_step(ctx.tx, p.id, ctx.now_ms, &by, action, text)?;
    ctx.audit(&format!("petition.{action}"), None, Some(format!("petition:{}", p.number)), detail)?;
    let changed = wire::FeedbackChanged {
        subject: wire::FeedbackSubject::Petition,
        id: p.id,
        action: action.to_string(),
        urgent: action == "registered" && p.urgent,
        at: ctx.fmt(ctx.now_ms),
        day: None,
    };
    ctx.emit(wire::event_kind::FEEDBACK_CHANGED, &changed)
}

fn view(ctx: &Ctx, id: i64, status: StatusCode) -> ApiResult<Answer> {
    let p = load(ctx, id)?;
    let view = petitions::view(ctx.tx, ctx.hall, &p, today(ctx))?;
    Answer::json(status, &view)
}

/// When it came: now, or an earlier time given (never a time to come, at most a year back), as
/// RFC 3339 or the hall's local time.
fn received_at(ctx: &Ctx, given: Option<&str>) -> ApiResult<i64> {
    let Some(text) = given.map(str::trim).filter(|s| !s.is_empty()) else { return Ok(ctx.now_ms) };
    let at = ctx.given_time(text).ok_or_else(|| {
        ApiError::new(
            Code::InvalidReceivedAt,
            "received_at is an RFC 3339 time (2026-12-03T09:30:00+08:00) or the hall's local 2026-12-03T09:30",
        )
    })?;
    let ms = crate::store::ms(at);
    if ms > ctx.now_ms + 60_000 {
        return Err(ApiError::new(Code::InvalidReceivedAt, "received_at is in the future"));
    }
    // A petition is registered when it comes, a letter within days: a year back at most.
    if ms < ctx.now_ms - 366 * 24 * 3_600_000 {
        return Err(ApiError::new(Code::InvalidReceivedAt, "received_at is more than a year ago"));
    }
    Ok(ms)
}

fn pending_words(year: i32) -> String {
    format!("答复期限待{year}年节假日安排公布后确定")
}

/// Registration (R20): the fields checked, the due day counted on the working-day calendar
/// (waiting for a year not loaded), the petition numbered, and the console alerted when urgent.
pub(super) fn register(ctx: &mut Ctx, input: &PetitionInput) -> ApiResult<Answer> {
    let (name, address, issue) = (input.name.trim(), input.address_or_workplace.trim(), input.issue.trim());
    let (occupation, political_status, answer) = (
        trimmed(input.occupation.as_deref()),
        trimmed(input.political_status.as_deref()),
        trimmed(input.answer.as_deref()),
    );
    petition::check(&Fields {
        anonymous: input.anonymous,
        name,
        age: input.age,
        occupation: occupation.as_deref(),
        political_status: political_status.as_deref(),
        address_or_workplace: address,
        issue,
        solved_on_spot: input.solved_on_spot,
        answer: answer.as_deref(),
    })?;
    let received_at = received_at(ctx, input.received_at.as_deref())?;
    let received_on = local_day(ctx, received_at);
    let due_days = petition::due_days(input.solved_on_spot, input.leader_reception, ctx.hall.policy.petitions);
    let (due, pending) = match petition::due(received_on, due_days, ctx.calendar) {
        Ok(d) => (d, None),
        Err(MissingYear(y)) => (None, Some(y)),
    };
    let state = if input.solved_on_spot { PetitionState::Answered } else { PetitionState::Received };
    let by = ctx.actor.name().to_string();
    let new = NewPetition {
        day: today(ctx),
        channel: input.channel,
        received_at,
        received_on,
        name,
        gender: input.gender,
        age: input.age,
        occupation: occupation.as_deref(),
        political_status: political_status.as_deref(),
        address,
        issue,
        urgent: input.urgent,
        leader_reception: input.leader_reception,
        solved_on_spot: input.solved_on_spot,
        state,
        due_days,
        due,
        answer: answer.as_deref(),
        by: &by,
        at_ms: ctx.now_ms,
    };
    let (id, _) = petitions::insert(ctx.tx, &new)?;
    let p = load(ctx, id)?;
    let mut text = format!("{}登记", petition::channel_words(input.channel));
    if input.urgent {
        text.push_str("（紧急/重大，已即时报告中心主任及分管领导）");
    }
    if input.leader_reception {
        text.push_str("，领导接访");
    }
    text.push('，');
    text.push_str(&match (input.solved_on_spot, due, pending) {
        (true, _, _) => "当场解决并答复".to_string(),
        (false, Some(d), _) => format!("应于 {d} 前答复（{due_days}个工作日）"),
        (false, None, Some(y)) => pending_words(y),
        (false, None, None) => String::new(),
    });
    let detail = json!({
        "channel": input.channel.as_str(),
        "urgent": input.urgent,
        "leader_reception": input.leader_reception,
        "solved_on_spot": input.solved_on_spot,
        "due": due.map(|d| d.to_string()),
    });
    record(ctx, &p, "registered", &text, detail)?;
    view(ctx, id, StatusCode::CREATED)
}

/// A read of the whole petition (the petitioner's identity): audited, who read which and when.
pub(super) fn read(ctx: &mut Ctx, id: i64) -> ApiResult<Answer> {
    let p = load(ctx, id)?;
    ctx.audit("petition.read", None, Some(format!("petition:{}", p.number)), json!({}))?;
    view(ctx, id, StatusCode::OK)
}

/// A department of the hall, by its id or its name.
fn department(ctx: &Ctx, given: &str) -> ApiResult<String> {
    let given = given.trim();
    ctx.hall
        .departments
        .iter()
        .find(|d| d.id == given || d.name == given)
        .map(|d| d.id.clone())
        .ok_or_else(|| ApiError::new(Code::UnknownDepartment, format!("no department `{given}` in this hall")))
}

/// A leader acknowledges an urgent petition's alert (R20: reported to the leaders at once): the
/// leaders' line ends, whatever the director did with theirs. In the petition's history (the
/// director sees that the leaders were told); the leader is answered with nothing of it (the
/// petitioner's identity is not theirs).
fn leader_saw(ctx: &mut Ctx, id: i64) -> ApiResult<Answer> {
    let p = load(ctx, id)?;
    let by = ctx.actor.name().to_string();
    if !petitions::leader_saw(ctx.tx, p.id, ctx.now_ms, &by)? {
        return Err(ApiError::new(
            Code::InvalidPetitionAction,
            "only an urgent petition's alert is acknowledged, once by the leaders",
        ));
    }
    record(ctx, &p, "leader_seen", &format!("紧急信访已报告分管领导，{by}已知悉"), json!({}))?;
    Answer::no_content()
}

/// The director's action on a petition; the state machine refuses a wrong one with `409`, and
/// a bad field with `422`, before anything changes. A leader's acknowledgement is theirs apart.
pub(super) fn act(ctx: &mut Ctx, id: i64, op: &PetitionOp) -> ApiResult<Answer> {
    if matches!(op, PetitionOp::Acknowledge) && super::access::leader(ctx.actor) {
        return leader_saw(ctx, id);
    }
    let mut p = load(ctx, id)?;
    let action = match op {
        PetitionOp::Transfer { .. } => Action::Transfer,
        PetitionOp::Answer { .. } => Action::Answer,
        PetitionOp::Close => Action::Close,
        PetitionOp::Acknowledge => Action::Acknowledge,
    };
    let facts = Facts { state: p.state, urgent: p.urgent, acknowledged: p.acknowledged_at.is_some() };
    p.state = petition::apply(facts, action)?;
    let by = ctx.actor.name().to_string();
    let (name, text, detail) = match op {
        PetitionOp::Transfer { department: given, note, due } => {
            let department = department(ctx, given)?;
            petition::check_note(note.as_deref())?;
            let given = match due.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => None,
                Some(d) => Some(
                    NaiveDate::parse_from_str(d, "%Y-%m-%d")
                        .map_err(|_| ApiError::new(Code::InvalidDate, "the transfer's due day is YYYY-MM-DD"))?,
                ),
            };
            let due = petition::transfer_due(p.due, given, today(ctx))?;
            let dept_name = petitions::department_name(ctx.hall, &department);
            // Sent on again, to another department (the first one said it is not theirs).
            let before = p.department.clone().filter(|_| facts.state == PetitionState::Transferred);
            if before.as_deref() == Some(department.as_str()) {
                return Err(ApiError::new(
                    Code::InvalidPetitionAction,
                    format!("the petition is already with {dept_name}: send it to another department, or answer it"),
                ));
            }
            p.department = Some(department.clone());
            p.transfer_note = trimmed(note.as_deref());
            p.transfer_due = due;
            p.transferred_at = Some(ctx.now_ms);
            p.transferred_by = Some(by);
            let when = due.map(|d| format!("，请于 {d} 前答复")).unwrap_or_default();
            let text = match before {
                Some(b) => format!(
                    "{}告知不属其职责，改交{dept_name}办理（交办单）{when}",
                    petitions::department_name(ctx.hall, &b)
                ),
                None => format!("按照分级负责、归口办理，转交{dept_name}办理（交办单）{when}"),
            };
            ("transferred", text, json!({ "department": department, "due": due.map(|d| d.to_string()) }))
        }
        PetitionOp::Answer { answer } => {
            petition::check_answer(answer)?;
            p.answer = Some(answer.trim().to_string());
            p.answered_at = Some(ctx.now_ms);
            p.answered_by = Some(by);
            ("answered", "已答复信访人".to_string(), json!({ "chars": answer.trim().chars().count() }))
        }
        PetitionOp::Close => {
            p.closed_at = Some(ctx.now_ms);
            p.closed_by = Some(by);
            ("closed", "已办结".to_string(), json!({}))
        }
        PetitionOp::Acknowledge => {
            p.acknowledged_at = Some(ctx.now_ms);
            p.acknowledged_by = Some(by.clone());
            let text = format!("紧急信访提醒已由{by}确认");
            ("acknowledged", text, json!({ "at": ctx.fmt(ctx.now_ms) }))
        }
    };
    petitions::update(ctx.tx, &p)?;
    record(ctx, &p, name, &text, detail)?;
    view(ctx, id, StatusCode::OK)
}

/// A year's notice made days of the December before it days off (`from`..=`to`): a petition's
/// due day, or its department's, on one of them moves to the next working day (顺延), in its
/// history. Answers how many petitions moved.
pub(super) fn defer_from_days_off(ctx: &mut Ctx, from: NaiveDate, to: NaiveDate) -> ApiResult<u32> {
    let mut moved = 0;
    for mut p in petitions::due_between(ctx.tx, from, to)? {
        let due = p.due.and_then(|d| Some((d, ctx.calendar.deferred(d)?)));
        let transfer = p.transfer_due.and_then(|d| Some((d, ctx.calendar.deferred(d)?)));
        if due.is_none() && transfer.is_none() {
            continue;
        }
        let mut text = Vec::new();
        if let Some((old, new)) = due {
            p.due = Some(new);
            text.push(format!("{old} 为休息日，答复期限顺延至 {new}"));
        }
        if let Some((old, new)) = transfer {
            p.transfer_due = Some(new);
            text.push(format!("承办部门答复期限 {old} 顺延至 {new}"));
        }
        petitions::update(ctx.tx, &p)?;
        let text = format!("节假日安排调整，{}", text.join("；"));
        let detail =
            json!({ "due": p.due.map(|d| d.to_string()), "transfer_due": p.transfer_due.map(|d| d.to_string()) });
        record(ctx, &p, "due_set", &text, detail)?;
        moved += 1;
    }
    Ok(moved)
}

/// A year of the calendar was added: the due days that waited for it are set now, each noted
/// in its petition's history.
pub(super) fn settle_pending(ctx: &mut Ctx) -> ApiResult<u32> {
    let mut settled = 0;
    for mut p in petitions::pending_due(ctx.tx)? {
        let Ok(Some(d)) = petition::due(p.received_on, p.due_days, ctx.calendar) else { continue };
        p.due = Some(d);
        // A department's due day given while the petition's waited may not be later than it:
        // the 交办单 and the 告知书 would promise the petitioner the later day.
        let later = p.transfer_due.is_some_and(|t| t > d);
        if p.department.is_some() && (p.transfer_due.is_none() || later) {
            p.transfer_due = Some(d);
        }
        petitions::update(ctx.tx, &p)?;
        let text = match later {
            true => format!("节假日安排已公布，应于 {d} 前答复（承办部门答复期限随之改为 {d}）"),
            false => format!("节假日安排已公布，应于 {d} 前答复"),
        };
        record(ctx, &p, "due_set", &text, json!({ "due": d.to_string() }))?;
        settled += 1;
    }
    Ok(settled)
}
