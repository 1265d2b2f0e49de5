//! Village requests (R22): a village agent registers and forwards them, a clerk at a window
//! handling the matter accepts one into a case (the existing case machinery: the same kinds,
//! particulars and deadlines as a finish at the window), the agent records the reply to the
//! villager. `access` checked who may (the agent who registered it; a window handling its
//! matter). Every step is audited and raised as `village_changed` — never with the villager's
//! name, phone or the note; a staff read of the whole request is audited.

use axum::http::StatusCode;
use chrono::NaiveDate;
use hall_wire as wire;
use serde_json::json;

use super::cases::{CaseInput, Finishing};
use super::{Actor, Answer, Ctx};
use crate::domain::village::{self, VillageState};
use crate::error::{ApiError, ApiResult, Code};
use crate::hall::StaffRole;
use crate::store::village::{self as store, NewRequest, RequestRow};

/// A registration as the agent gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VillageInput {
    pub villager_name: String,
    pub villager_phone: String,
    pub service_id: String,
    pub materials: Vec<String>,
    pub urgent: bool,
    pub note: Option<String>,
    pub forward: bool,
}

impl From<wire::NewVillageRequest> for VillageInput {
    fn from(r: wire::NewVillageRequest) -> Self {
        VillageInput {
            villager_name: r.villager_name,
            villager_phone: r.villager_phone,
            service_id: r.service_id,
            materials: r.materials,
            urgent: r.urgent,
            note: r.note,
            forward: r.forward,
        }
    }
}

fn today(ctx: &Ctx) -> NaiveDate {
    NaiveDate::parse_from_str(&ctx.day, "%Y-%m-%d").expect("the writer's day is a date")
}

pub(super) fn load(ctx: &Ctx, id: i64) -> ApiResult<RequestRow> {
    store::by_id(ctx.tx, id)?
        .ok_or_else(|| ApiError::new(Code::UnknownVillageRequest, format!("no village request {id}")))
}

fn changed(ctx: &mut Ctx, r: &RequestRow, action: &str, detail: serde_json::Value) -> ApiResult<()> {
    ctx.audit(&format!("village.{action}"), None, Some(format!("village:{}", r.number)), detail)?;
    let view = store::view((ctx.hall, ctx.calendar), r, today(ctx), store::Reader::StaffList);
    let event = wire::VillageChanged {
        id: r.id,
        number: r.number.clone(),
        station: r.station.clone(),
        service_id: r.service_id.clone(),
        status: view.status,
        urgent: r.urgent,
        forward_by: view.forward_by,
        action: action.to_string(),
        at: ctx.fmt(ctx.now_ms),
    };
    ctx.emit(wire::event_kind::VILLAGE_CHANGED, &event)
}

/// Whether the town hall received the request after its forward day: by the day it was first
/// forwarded, not the day it was accepted (a window accepting a week later does not make the
/// agent's forward late).
fn received_late(ctx: &Ctx, r: &RequestRow) -> bool {
    let received_on = r.forwarded_at.map(|at| crate::store::from_ms(at).with_timezone(&ctx.hall.timezone).date_naive());
    village::forwarded_late(received_on.unwrap_or_else(|| today(ctx)), r.forward_by)
}

/// The request as its reader may see it (the agent who registered it, another agent of the
/// station, or the town's staff reading it whole).
fn answer(ctx: &Ctx, id: i64, status: StatusCode) -> ApiResult<Answer> {
    let r = load(ctx, id)?;
    let reader = match ctx.actor {
        Actor::Staff { username, .. } if *username == r.agent => store::Reader::OwnAgent,
        Actor::Staff { role: StaffRole::Village, .. } => store::Reader::OtherAgent,
        _ => store::Reader::StaffWhole,
    };
    Answer::json(status, &store::view((ctx.hall, ctx.calendar), &r, today(ctx), reader))
}

/// Registration at the station (R22): the fields checked, the materials against the matter's
/// list, the forward deadline counted; forwarded at once when the agent says so.
pub(super) fn register(ctx: &mut Ctx, input: &VillageInput) -> ApiResult<Answer> {
    let agent = ctx.hall.staff(ctx.actor.name()).filter(|s| s.role == StaffRole::Village);
    let Some(station) = agent.and_then(|s| s.station.clone()) else {
        return Err(ApiError::new(Code::VillageOnly, "only a village agent with a station registers requests"));
    };
    let matter = ctx.hall.matter(input.service_id.trim()).ok_or_else(|| {
        ApiError::new(Code::UnknownService, format!("no matter `{}` in this hall", input.service_id.trim()))
    })?;
    let name = village::check_name(&input.villager_name)?;
    let phone = village::check_mobile(&input.villager_phone)?;
    let listed: Vec<&str> = matter.materials.iter().map(|m| m.name.as_str()).collect();
    let materials = village::check_materials(&input.materials, &listed)?;
    let note = village::check_note(input.note.as_deref())?;
    let (service_id, registered_on) = (matter.id.clone(), today(ctx));
    let forward_by = village::forward_by(registered_on, input.urgent, ctx.calendar);
    let agent = ctx.actor.name().to_string();
    let id = store::insert(
        ctx.tx,
        &NewRequest {
            day: registered_on,
            station: &station,
            agent: &agent,
            villager_name: &name,
            villager_phone: &phone,
            service_id: &service_id,
            materials: &materials,
            urgent: input.urgent,
            note: note.as_deref(),
            forward_by,
            at_ms: ctx.now_ms,
        },
    )?;
    let r = load(ctx, id)?;
    let detail = json!({ "service_id": service_id, "materials": materials, "urgent": input.urgent,
        "forward_by": forward_by.to_string() });
    changed(ctx, &r, "registered", detail)?;
    if input.forward {
        store::set_forwarded(ctx.tx, id, ctx.now_ms)?;
        let r = load(ctx, id)?;
        changed(ctx, &r, "forwarded", json!({}))?;
    }
    answer(ctx, id, StatusCode::CREATED)
}

/// A year's calendar added (or days of it amended): the requests still at their station are due
/// by R22's three working days counted on it — the week's cap stood in for a year not loaded,
/// and a day the notice closes is no day to hand over. Never before today: the notice does not
/// make an agent late for a day already gone. Returns how many moved.
pub(super) fn settle_forward_days(ctx: &mut Ctx) -> ApiResult<u32> {
    let today = today(ctx);
    let mut moved = 0;
    for r in store::registered(ctx.tx)? {
        let registered_on = crate::store::local_day(r.registered_at, ctx.hall.timezone);
        let due = village::forward_by(registered_on, r.urgent, ctx.calendar).max(today);
        if due == r.forward_by || r.forward_by < today {
            continue;
        }
        store::set_forward_by(ctx.tx, r.id, due)?;
        let r = load(ctx, r.id)?;
        changed(ctx, &r, "forward_by_set", json!({ "forward_by": due.to_string() }))?;
        moved += 1;
    }
    Ok(moved)
}

/// The agent forwards it: the town hall's windows handling the matter receive it.
pub(super) fn forward(ctx: &mut Ctx, id: i64) -> ApiResult<Answer> {
    let r = load(ctx, id)?;
    if r.state != VillageState::Registered {
        return Err(ApiError::new(Code::InvalidVillageAction, format!("request {} was already forwarded", r.number)));
    }
    store::set_forwarded(ctx.tx, id, ctx.now_ms)?;
    let r = load(ctx, id)?;
    let late = received_late(ctx, &r);
    changed(ctx, &r, "forwarded", json!({ "late": late }))?;
    answer(ctx, id, StatusCode::OK)
}

/// The whole request, with the villager's name and phone: audited (个人信息保护法).
pub(super) fn read(ctx: &mut Ctx, id: i64) -> ApiResult<Answer> {
    let r = load(ctx, id)?;
    ctx.audit("village.read", None, Some(format!("village:{}", r.number)), json!({}))?;
    answer(ctx, id, StatusCode::OK)
}

/// A clerk at a window handling the matter accepts it into a case: the case is registered as
/// at a finish (same kinds, particulars, promised deadline), on a ticket of its own that never
/// queued (`tickets::insert_village`); the applicant is the villager.
/// A window's acceptance: the finish's kind and particulars, as at a window (the applicant is
/// the villager: filled here).
pub(super) fn accept(ctx: &mut Ctx, id: i64, a: &super::cases::FinishInput) -> ApiResult<Answer> {
    let r = load(ctx, id)?;
    if r.state == VillageState::Accepted {
        let number = r.case.as_ref().map(|c| c.number.as_str()).unwrap_or_default();
        return Err(ApiError::new(
            Code::InvalidVillageAction,
            format!("request {} was already accepted as case {number}", r.number),
        ));
    }
    let Actor::Staff { window_id: Some(window), .. } = ctx.actor else {
        return Err(ApiError::new(Code::ClerkOnly, "a clerk signed in at a window accepts a village request"));
    };
    let window = window.clone();
    let case = CaseInput {
        applicant_name: Some(r.villager_name.clone()),
        applicant_phone: Some(r.villager_phone.clone()),
        ..a.case.clone()
    };
    let f = Finishing {
        outcome: a.outcome,
        note: a.note.as_deref(),
        reason: a.reason.as_deref(),
        missing: &a.missing,
        case: &case,
    };
    super::cases::check_particulars(&f)?;
    let queue = ctx.hall.matter(&r.service_id).map(|m| m.queue.clone()).ok_or_else(|| {
        ApiError::new(Code::UnknownService, format!("the matter `{}` is no longer configured", r.service_id))
    })?;
    let listed: Vec<&str> = a.missing.iter().map(|m| m.trim()).filter(|m| !m.is_empty()).collect();
    let detail = json!({ "note": a.note, "reason": a.reason, "missing_materials": listed, "village": r.number });
    let day = ctx.day.clone();
    let detail = detail.to_string();
    let ticket = crate::store::tickets::VillageTicket {
        day: &day,
        queue: &queue,
        number: &r.number,
        service_id: &r.service_id,
        window: &window,
        outcome: a.outcome,
        detail: &detail,
        at_ms: ctx.now_ms,
    };
    let ticket_id = crate::store::tickets::insert_village(ctx.tx, &ticket)?;
    let t = crate::store::tickets::get(ctx.tx, ticket_id)?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("the village ticket just inserted is missing")))?;
    let brief = super::cases::register(ctx, &t, &window, &f)?;
    let case_id = crate::store::cases::by_number(ctx.tx, &brief.number)?
        .map(|c| c.id)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("the case just registered is missing")))?;
    let by = ctx.actor.name().to_string();
    store::set_accepted(ctx.tx, id, case_id, &by, ctx.now_ms)?;
    let r = load(ctx, id)?;
    let late = received_late(ctx, &r);
    changed(ctx, &r, "accepted", json!({ "case": brief.number, "window": window, "late": late }))?;
    answer(ctx, id, StatusCode::OK)
}

/// A case closed: its request's villager is owed the result now (told only what to bring
/// before, or not told yet): `reply_due` (the director's and the window's lists refresh; the
/// agent's page reads it at its next poll).
pub(super) fn case_closed(ctx: &mut Ctx, case_id: i64, case_number: &str) -> ApiResult<()> {
    if let Some(id) = store::reply_owed_again(ctx.tx, case_id, ctx.now_ms)? {
        let r = load(ctx, id)?;
        changed(ctx, &r, "reply_due", json!({ "case": case_number }))?;
    }
    Ok(())
}

/// A 补办件's materials came in and its case runs: the reply recorded (what to bring) was not
/// the town's answer; the request is open again, owed the result, and a town window running
/// late with it shows on the director's and the window's lists (R22).
pub(super) fn materials_in(ctx: &mut Ctx, case_id: i64, case_number: &str) -> ApiResult<()> {
    if let Some(id) = store::reply_owed_later(ctx.tx, case_id)? {
        let r = load(ctx, id)?;
        changed(ctx, &r, "materials_in", json!({ "case": case_number }))?;
    }
    Ok(())
}

/// The agent told the villager the town's answer.
pub(super) fn replied(ctx: &mut Ctx, id: i64) -> ApiResult<Answer> {
    let r = load(ctx, id)?;
    let Some(case) = &r.case else {
        return Err(ApiError::new(
            Code::InvalidVillageAction,
            format!("request {} has no answer from the town yet: a window has not accepted it", r.number),
        ));
    };
    // The answer is the case's result (or, awaiting materials, what is missing): a case still
    // running has none yet. A reply recorded now would take the request off every list, and
    // the result, when it comes, would never reach the villager.
    if !village::answered(case.state) {
        let by = case.deadline.map(|d| format!(" (promised by {d})")).unwrap_or_default();
        return Err(ApiError::new(
            Code::InvalidVillageAction,
            format!("case {} is still running{by}: the town has not answered yet", case.number),
        ));
    }
    if r.replied_at.is_some() {
        return Err(ApiError::new(
            Code::InvalidVillageAction,
            format!("the reply of {} is already recorded", r.number),
        ));
    }
    store::set_replied(ctx.tx, id, ctx.now_ms)?;
    let r = load(ctx, id)?;
    let view = store::view((ctx.hall, ctx.calendar), &r, today(ctx), store::Reader::StaffList);
    changed(ctx, &r, "replied", json!({ "reply_by": view.reply_by }))?;
    answer(ctx, id, StatusCode::OK)
}

/// The director hands a request over to another agent of its station (the agent who had it
/// left, or is away): from then on it is theirs, the villager's name and phone and the town's
/// answer to pass on with it. A request whose villager was given the final answer (replied to
/// after its case closed) is done: nothing to hand over; one told only what to bring is not. Audited with both agents, nothing of the villager.
pub(super) fn hand_over(ctx: &mut Ctx, id: i64, agent: &str, demo: bool) -> ApiResult<Answer> {
    let r = load(ctx, id)?;
    // An account that can sign in (a demo account only in a demo).
    let to = ctx.hall.staff(agent).filter(|p| p.role == StaffRole::Village && (demo || !p.demo));
    let Some(to) = to.filter(|p| p.station.as_deref() == Some(r.station.as_str())) else {
        return Err(ApiError::new(
            Code::InvalidBody,
            format!("`{agent}` is no village agent of {}: a request goes to an agent of its station", r.station),
        ));
    };
    let closed = r.case.as_ref().is_some_and(|c| c.state == crate::domain::case::CaseState::Closed);
    if r.replied_at.is_some() && closed {
        return Err(ApiError::new(
            Code::InvalidVillageAction,
            format!("the villager of {} was given the town's answer: nothing is left to hand over", r.number),
        ));
    }
    if r.agent == to.username {
        return Err(ApiError::new(Code::InvalidVillageAction, format!("{} is {}'s already", r.number, to.name)));
    }
    store::set_agent(ctx.tx, id, &to.username)?;
    let from = r.agent.clone();
    let r = load(ctx, id)?;
    changed(ctx, &r, "hand_over", json!({ "from": from, "to": r.agent }))?;
    Answer::json(StatusCode::OK, &store::view((ctx.hall, ctx.calendar), &r, today(ctx), store::Reader::StaffList))
}
