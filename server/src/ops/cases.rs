//! Cases (办件): registered by a finish, moved by staff, swept by the clock. Every step is
//! audited (R5), written to the case's history in words the applicant reads, and raised as
//! `case_changed` (staff streams only: a case carries personal information).

use axum::http::StatusCode;
use chrono::NaiveDate;
use hall_wire::{self as wire, step_action};
use serde_json::{json, Value};

use super::{Answer, Ctx};
use crate::domain::case::{self, Action, CaseResult, Facts, Particulars, ReturnGround};
use crate::domain::Outcome;
use crate::error::{ApiError, ApiResult, Code};
use crate::store::case_views;
use crate::store::cases::{self, CaseRow, NewCase, StepRow};
use crate::store::tickets::TicketRow;

/// What the clerk gave at the finish for the case, and its secrets made at the boundary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseInput {
    pub applicant_name: Option<String>,
    pub applicant_phone: Option<String>,
    pub return_ground: Option<ReturnGround>,
    pub departments: Vec<String>,
    pub authority: Option<String>,
    /// Six characters for the applicant's paper (the progress query).
    pub check_code: String,
    /// The case's phone page secret.
    pub token: String,
}

/// A staff action on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseOp {
    MaterialsComplete,
    Extend {
        days: u32,
        reason: String,
    },
    Close {
        result: CaseResult,
        reason: Option<String>,
    },
    RecordPart {
        department: String,
        done: bool,
        note: Option<String>,
    },
    Meeting {
        date: NaiveDate,
        attendees: Vec<String>,
        conclusion: String,
    },
    Progress {
        note: String,
        reply: bool,
        deadline: Option<NaiveDate>,
    },
    /// The director's: another window handles it from now on.
    Assign {
        window_id: String,
    },
}

const MAX_TEXT: usize = 500;
/// As the relay takes it (`relay::receive_report`).
const MAX_AUTHORITY: usize = 100;

fn trimmed(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

fn check_text<'a>(items: impl IntoIterator<Item = &'a str>) -> ApiResult<()> {
    if items.into_iter().any(|s| s.chars().count() > MAX_TEXT) {
        return Err(ApiError::new(
            Code::TextTooLong,
            format!("a reason, note or item is limited to {MAX_TEXT} characters"),
        ));
    }
    Ok(())
}

/// A phone as people write it: digits with `+`, `-` or spaces, 5 to 20 digits.
fn valid_phone(p: &str) -> bool {
    let digits = p.chars().filter(char::is_ascii_digit).count();
    p.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ')) && (5..=20).contains(&digits)
}

fn check_applicant(input: &CaseInput) -> ApiResult<()> {
    if input.applicant_name.as_deref().is_some_and(|n| n.trim().chars().count() > 50) {
        return Err(ApiError::new(Code::InvalidApplicant, "the applicant's name is limited to 50 characters"));
    }
    if input.applicant_phone.as_deref().map(str::trim).is_some_and(|p| !p.is_empty() && !valid_phone(p)) {
        return Err(ApiError::new(Code::InvalidApplicant, "the applicant's phone is not a phone number"));
    }
    Ok(())
}

fn today(ctx: &Ctx) -> NaiveDate {
    NaiveDate::parse_from_str(&ctx.day, "%Y-%m-%d").expect("the writer's day is a date")
}

pub(super) fn window_words(ctx: &Ctx, window: &str) -> String {
    ctx.hall.window(window).map(|w| format!("{}号窗口", w.number)).unwrap_or_else(|| window.to_string())
}

pub(super) fn step(ctx: &mut Ctx, c: &CaseRow, action: &str, text: String) -> ApiResult<()> {
    step_from(ctx, c, action, text, None)
}

/// A step; `from_window`: the window that had the case until this step (its desk refreshes).
fn step_from(ctx: &mut Ctx, c: &CaseRow, action: &str, text: String, from_window: Option<String>) -> ApiResult<()> {
    let by = ctx.actor.name().to_string();
    cases::add_step(ctx.tx, c.id, &StepRow { at: ctx.now_ms, by, action: action.into(), text })?;
    let changed = wire::CaseChanged {
        number: c.number.clone(),
        kind: c.kind.into(),
        state: c.state.into(),
        window_id: c.window_id.clone(),
        first_window_id: c.first_window_id.clone(),
        deadline: c.deadline.map(|d| d.to_string()),
        action: action.into(),
        at: ctx.fmt(ctx.now_ms),
        service_id: Some(c.service_id.clone()),
        from_window_id: from_window,
    };
    ctx.emit(wire::event_kind::CASE_CHANGED, &changed)?;
    let detail = json!({ "kind": c.kind.as_str(), "state": c.state.as_str(), "deadline": changed.deadline });
    ctx.audit(&format!("case.{action}"), Some(&c.window_id), Some(format!("case:{}", c.number)), detail)?;
    // A close answers the village request it came from; a note on a closed case (its file
    // archived, an objection answered, a visit) is no new answer.
    if c.state == case::CaseState::Closed && !step_action::NOTES.contains(&action) {
        super::village::case_closed(ctx, c.id, &c.number)?;
    }
    // A 补办件's materials came in: its villager, told what to bring, is owed the result next.
    if action == step_action::MATERIALS_COMPLETE {
        super::village::materials_in(ctx, c.id, &c.number)?;
    }
    Ok(())
}

/// What a finish says, as the request gave it (a finish at a window, a late registration of a
/// service the day's close ended, a village request's acceptance).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishInput {
    pub outcome: Outcome,
    pub note: Option<String>,
    pub reason: Option<String>,
    pub missing: Vec<String>,
    /// The case's particulars and secrets.
    pub case: CaseInput,
}

impl FinishInput {
    pub fn finishing(&self) -> Finishing<'_> {
        Finishing {
            outcome: self.outcome,
            note: self.note.as_deref(),
            reason: self.reason.as_deref(),
            missing: &self.missing,
            case: &self.case,
        }
    }
}

/// A finish at a window, as the clerk gave it.
#[derive(Clone, Copy)]
pub struct Finishing<'a> {
    pub outcome: Outcome,
    pub note: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub missing: &'a [String],
    pub case: &'a CaseInput,
}

/// What the finish must state for its kind, checked before the ticket moves.
pub(super) fn check_particulars(f: &Finishing) -> ApiResult<()> {
    let p = Particulars {
        reason: f.reason,
        return_ground: f.case.return_ground,
        missing: f.missing,
        departments: &f.case.departments,
        authority: f.case.authority.as_deref(),
    };
    case::check(f.outcome, &p)?;
    check_authority(f.case.authority.as_deref())?;
    check_applicant(f.case)
}

/// The upper-level authority of a 上报件 is an office's name: the report to the upper hall and
/// the county carry at most [`MAX_AUTHORITY`] characters of it, so no more is taken.
fn check_authority(authority: Option<&str>) -> ApiResult<()> {
    if authority.is_some_and(|a| a.trim().chars().count() > MAX_AUTHORITY) {
        return Err(ApiError::new(
            Code::TextTooLong,
            format!("the upper-level authority is limited to {MAX_AUTHORITY} characters"),
        ));
    }
    Ok(())
}

/// Registration (收件登记, R1) at a finish: the case of the ticket just finished.
pub(super) fn register(ctx: &mut Ctx, t: &TicketRow, window: &str, f: &Finishing) -> ApiResult<wire::CaseBrief> {
    let day = today(ctx);
    let clerk = ctx.actor.name().to_string();
    register_on(ctx, t, (window, &clerk), f, day)
}

/// Registration of a case received on `accepted_on` (today, or the day a service the day's
/// close ended had begun) at `window` by `clerk` (who served: its ratings and sheet are theirs):
/// its number, clock and deadline count from that day.
pub(super) fn register_on(
    ctx: &mut Ctx,
    t: &TicketRow,
    (window, clerk): (&str, &str),
    f: &Finishing,
    accepted_on: NaiveDate,
) -> ApiResult<wire::CaseBrief> {
    let Finishing { outcome: kind, note, reason, missing, case: input } = *f;
    check_applicant(input)?;
    check_authority(input.authority.as_deref())?;
    check_text(missing.iter().chain(&input.departments).map(String::as_str).chain(note).chain(reason))?;
    let missing: Vec<String> = missing.iter().filter_map(|m| trimmed(Some(m))).collect();
    let departments: Vec<String> = input.departments.iter().filter_map(|d| trimmed(Some(d))).collect();
    let authority = trimmed(input.authority.as_deref());
    let promised_days = ctx.hall.matter(&t.service_id).map(|m| m.time_limit_days).unwrap_or(0);
    let particulars = Particulars {
        reason,
        return_ground: input.return_ground,
        missing: &missing,
        departments: &departments,
        authority: authority.as_deref(),
    };
    // A supplement's waiting limit counts from the day the applicant is told what to bring
    // (R11): registered afterwards, that is today, not the day the service began (the days in
    // between were never the applicant's to use).
    let counted_from = if kind == Outcome::Supplement { today(ctx) } else { accepted_on };
    let plan = case::register(kind, counted_from, promised_days, &particulars, ctx.calendar, ctx.hall.policy.cases)?;
    let parts: Vec<Value> = departments.iter().map(|d| json!({ "department": d, "done": false })).collect();
    let mut detail = json!({
        // The 受理窗口 of the notices given at acceptance, if the director hands the case on.
        "accepted_window": window,
        "missing": missing,
        "return_ground": input.return_ground.map(ReturnGround::as_str),
        "reason": trimmed(reason),
        "note": trimmed(note),
        "parts": parts,
        "authority": authority,
    });
    if accepted_on != today(ctx) {
        // A service the day's close ended, registered afterwards: its service time is unknown.
        detail["registered_late"] = json!(true);
    }
    if counted_from != accepted_on {
        // A supplement limit that waits for its year is counted from this day once it comes.
        detail["counted_from"] = json!(counted_from.to_string());
    }
    let first_window = t.first_window_id.clone().unwrap_or_else(|| window.to_string());
    let (name, phone) = (trimmed(input.applicant_name.as_deref()), trimmed(input.applicant_phone.as_deref()));
    let new = NewCase {
        day: accepted_on,
        ticket_id: t.id,
        service_id: &t.service_id,
        window_id: window,
        clerk,
        first_window_id: &first_window,
        kind,
        state: plan.state,
        result: plan.result,
        check_code: &input.check_code,
        token: &input.token,
        applicant_name: name.as_deref(),
        applicant_phone: phone.as_deref(),
        clock_from: plan.clock_from,
        deadline: plan.deadline,
        promised_days,
        supplement_until: plan.supplement_until,
        supplement_days: (kind == Outcome::Supplement).then_some(ctx.hall.policy.cases.supplement_days),
        detail: &detail,
        at_ms: ctx.now_ms,
        archive_days: ctx.hall.policy.cases.archive_days,
        spot_minutes: (kind == Outcome::Immediate).then(|| {
            ctx.hall.matter(&t.service_id).map_or(ctx.hall.policy.on_the_spot_minutes, |m| m.on_the_spot_minutes)
        }),
    };
    let (_, number) = cases::insert(ctx.tx, &new)?;
    let c = load(ctx, &number)?;
    let at = window_words(ctx, window);
    let words = case::kind_words(kind);
    // What waits for the next year's holidays: a supplement's limit to bring the materials (its
    // processing time has not begun), any other case's promised date.
    let waits = if kind == Outcome::Supplement { "补齐材料期限" } else { "办理时限" };
    let pending = plan.pending_year.map(|y| format!("，{waits}待{y}年节假日安排公布后确定")).unwrap_or_default();
    let text = match (kind, plan.deadline, input.return_ground) {
        (Outcome::Immediate, _, _) => format!("{at}受理，当场办结（{words}）"),
        (Outcome::Returned, _, Some(g)) => {
            format!("{at}退回申请：{}。{}", g.words(), trimmed(reason).unwrap_or_default())
        }
        (Outcome::Supplement, _, _) => {
            format!("{at}受理（{words}），请补齐材料：{}。材料齐全之日起计算办理时限{pending}", missing.join("、"))
        }
        (_, Some(d), _) => format!("{at}受理（{words}），承诺办结日期 {d}"),
        _ => format!("{at}受理（{words}）{pending}"),
    };
    let late = (accepted_on != today(ctx)).then(|| format!("（{accepted_on}收件，当日未登记，今日补登记）"));
    step(ctx, &c, step_action::REGISTERED, text + late.as_deref().unwrap_or_default())?;
    if kind == Outcome::Reported {
        // Sent up through the county service, in this very transaction (R14).
        super::relay::report(ctx, &c)?;
    }
    Ok(case_views::brief(&c))
}

/// What the rules need to know of a case (with its joint parts: department, done).
pub(super) fn facts<'a>(c: &CaseRow, parts: &'a [(String, bool)]) -> Facts<'a> {
    Facts {
        kind: c.kind,
        state: c.state,
        deadline: c.deadline,
        extended: c.extended,
        promised_days: c.promised_days,
        supplement_until: c.supplement_until,
        parts,
        met: case_views::met(&c.detail),
        replied: case_views::replied(&c.detail),
        upper_dated: case_views::upper_dated(c),
    }
}

pub(super) fn load(ctx: &Ctx, number: &str) -> ApiResult<CaseRow> {
    cases::by_number(ctx.tx, number)?.ok_or_else(|| ApiError::new(Code::UnknownCase, format!("no case `{number}`")))
}

fn staff_view(ctx: &Ctx, number: &str) -> ApiResult<Answer> {
    let c = load(ctx, number)?;
    let view = case_views::staff(ctx.tx, ctx.hall, ctx.calendar, &c, today(ctx), ctx.public_url)?;
    Answer::json(StatusCode::OK, &view)
}

/// A staff read of a case: it holds the applicant's personal information, so the read is
/// audited (个人信息保护法).
pub(super) fn read(ctx: &mut Ctx, number: &str) -> ApiResult<Answer> {
    let c = load(ctx, number)?;
    ctx.audit("case.read", None, Some(format!("case:{}", c.number)), json!({}))?;
    staff_view(ctx, number)
}

/// A closed case's file put in the archive (R17), once, told in its history (`access` checked
/// that the caller may act on it).
pub(super) fn archive(ctx: &mut Ctx, number: &str) -> ApiResult<Answer> {
    let c = load(ctx, number)?;
    crate::domain::archive::check(c.state, c.archived_at.is_some())?;
    cases::archive(ctx.tx, c.id, ctx.now_ms, ctx.actor.name())?;
    step(ctx, &c, step_action::ARCHIVED, "办件材料已归档".to_string())?;
    staff_view(ctx, number)
}

/// The applicant's objection (异议) to how the case is handled or to its result, and the clear
/// answer the window gave them (R4), kept in its history (R5): on a running case or a closed
/// one, each time they come (`access` checked that the caller may act on it).
pub(super) fn answer_objection(ctx: &mut Ctx, number: &str, objection: &str, answer: &str) -> ApiResult<Answer> {
    let c = load(ctx, number)?;
    let (Some(objection), Some(answer)) = (trimmed(Some(objection)), trimmed(Some(answer))) else {
        return Err(ApiError::new(
            Code::ObjectionRequired,
            "write the applicant's objection and the answer given to them",
        ));
    };
    check_text([objection.as_str(), answer.as_str()])?;
    step(ctx, &c, step_action::OBJECTION_ANSWERED, format!("申请人提出异议：{objection}。答复：{answer}"))?;
    staff_view(ctx, number)
}

/// The director gives a case not closed to another window (R18: the hall managed day to day): a
/// window removed from the hall, or a clerk away for long, leaves no case without a desk. The
/// first-inquiry window keeps following it (R2), unless it is the window removed.
pub(super) fn assign(ctx: &mut Ctx, number: &str, window_id: &str) -> ApiResult<Answer> {
    let mut c = load(ctx, number)?;
    let w = ctx
        .hall
        .window(window_id)
        .ok_or_else(|| ApiError::new(Code::UnknownWindow, format!("no window `{window_id}`")))?;
    if c.state == case::CaseState::Closed {
        return Err(ApiError::new(Code::CaseClosed, "a closed case stays with the window that closed it"));
    }
    if c.window_id == window_id {
        // Nothing to change, but the answer is the case whole (the applicant's name and phone):
        // a read, audited as one.
        ctx.audit("case.read", None, Some(format!("case:{}", c.number)), json!({}))?;
        return staff_view(ctx, &c.number);
    }
    let text = format!("中心主任将办件改由{}号窗口（{}）办理", w.number, w.name);
    let from = std::mem::replace(&mut c.window_id, window_id.to_string());
    if ctx.hall.window(&c.first_window_id).is_none() {
        c.first_window_id = window_id.to_string();
    }
    cases::set_windows(ctx.tx, c.id, &c.window_id, &c.first_window_id)?;
    step_from(ctx, &c, step_action::ASSIGNED, text, Some(from))?;
    staff_view(ctx, &c.number)
}

/// A staff action on a case (`access` checked that the caller may act on it).
pub(super) fn act(ctx: &mut Ctx, number: &str, op: &CaseOp) -> ApiResult<Answer> {
    let mut c = load(ctx, number)?;
    let today = today(ctx);
    let parts = case_views::parts(&c.detail);
    let done: Vec<(String, bool)> = parts.iter().map(|(d, done, _)| (d.clone(), *done)).collect();
    let facts = facts(&c, &done);
    let action = match op {
        CaseOp::MaterialsComplete => Action::MaterialsComplete,
        CaseOp::Extend { days, .. } => Action::Extend { days: *days },
        // Recording the last part done is what lets the case close; the part is checked, not
        // its being done.
        CaseOp::Close { result, reason } => Action::Close { result: *result, reason: reason.as_deref() },
        CaseOp::RecordPart { department, .. } => Action::RecordPart { department },
        CaseOp::Meeting { date, attendees, conclusion } => Action::RecordMeeting {
            date: *date,
            accepted_on: c.accepted_on,
            attendees: attendees.iter().filter(|a| !a.trim().is_empty()).count(),
            concluded: !conclusion.trim().is_empty(),
        },
        CaseOp::Progress { .. } => Action::Progress,
        CaseOp::Assign { .. } => return Err(ApiError::new(Code::InvalidCaseAction, "a case is given by `assign`")),
    };
    let moved = case::apply(&facts, &action, today, ctx.calendar, ctx.hall.policy.cases)?;
    c.state = moved.state;
    c.result = moved.result.or(c.result);
    c.clock_from = moved.clock_from.or(c.clock_from);
    c.deadline = moved.deadline;
    let by = ctx.actor.name().to_string();
    let at = ctx.fmt(ctx.now_ms);
    let (name, text) = match op {
        CaseOp::MaterialsComplete => {
            // A deadline in a year not loaded is told as pending, never left blank.
            let when = match (c.deadline, ctx.calendar.add_working_days(today, c.promised_days)) {
                (Some(d), _) => format!("承诺办结日期 {d}"),
                (None, Err(missing)) => format!("办理时限待{}年节假日安排公布后确定", missing.0),
                (None, Ok(_)) => "承诺办结日期待定".to_string(),
            };
            (step_action::MATERIALS_COMPLETE, format!("材料已补齐，开始计算办理时限，{when}"))
        }
        CaseOp::Extend { days, reason } => {
            check_text([reason.as_str()])?;
            let reason = trimmed(Some(reason))
                .ok_or_else(|| ApiError::new(Code::ReasonRequired, "an extension states its reason (R12)"))?;
            c.extended = true;
            c.detail["extension"] = json!({ "days": days, "reason": reason, "by": by, "at": at });
            let text = format!(
                "经中心主任批准延期 {days} 个工作日，办结日期改为 {}：{reason}",
                c.deadline.map(|d| d.to_string()).unwrap_or_default()
            );
            (step_action::EXTENDED, text)
        }
        CaseOp::Close { result, reason } => {
            check_text(reason.as_deref())?;
            c.detail["result_reason"] = json!(trimmed(reason.as_deref()));
            let text = match result {
                CaseResult::NotApproved => {
                    format!("已办结：不予许可。理由：{}", trimmed(reason.as_deref()).unwrap_or_default())
                }
                _ => case::status_words(c.state, c.result, c.kind).to_string(),
            };
            (step_action::CLOSED, text)
        }
        CaseOp::RecordPart { department, done, note } => {
            check_text(note.as_deref())?;
            if let Some(parts) = c.detail.get_mut("parts").and_then(Value::as_array_mut) {
                for p in parts.iter_mut().filter(|p| p.get("department").and_then(Value::as_str) == Some(department)) {
                    p["done"] = json!(done);
                    p["note"] = json!(trimmed(note.as_deref()));
                }
            }
            let text = if *done {
                format!("{department}已完成其办理环节")
            } else {
                format!("{department}正在办理其环节")
            };
            (step_action::PART_RECORDED, text)
        }
        CaseOp::Meeting { date, attendees, conclusion } => {
            check_text(attendees.iter().map(String::as_str).chain([conclusion.as_str()]))?;
            let attendees: Vec<&str> = attendees.iter().map(|a| a.trim()).filter(|a| !a.is_empty()).collect();
            c.detail["meeting"] =
                json!({ "date": date.to_string(), "attendees": attendees, "conclusion": conclusion.trim() });
            (step_action::MEETING_RECORDED, format!("{date} 召开联合审查会议"))
        }
        CaseOp::Progress { note, reply, deadline } => {
            check_text([note.as_str()])?;
            let note =
                trimmed(Some(note)).ok_or_else(|| ApiError::new(Code::InvalidBody, "a progress note has some text"))?;
            let (name, mut text) = if *reply {
                c.detail["reply"] = json!(note);
                (step_action::REPLY_RECEIVED, format!("已收到上级机关批复：{note}"))
            } else {
                (step_action::PROGRESS_NOTED, format!("上报进展：{note}"))
            };
            // The upper level's own date (outside the relay): the applicant's from now on. Not
            // with the reply (the case is decided), not a day gone; a case already overdue here
            // has its date recorded by the director (it then leaves the clerk's assessment).
            if let Some(d) = *deadline {
                if *reply {
                    return Err(ApiError::new(
                        Code::InvalidBody,
                        "the upper level's date comes with a progress note, not with its reply",
                    ));
                }
                if d < today {
                    return Err(ApiError::new(Code::InvalidDate, "the upper level's date is today or later"));
                }
                let director = matches!(
                    ctx.actor,
                    super::Actor::Staff { role: crate::hall::StaffRole::Director | crate::hall::StaffRole::Admin, .. }
                );
                if c.deadline.is_some_and(|own| own < today) && !director {
                    return Err(ApiError::new(
                        Code::DeadlinePassed,
                        "the case is overdue here: the director records the upper level's date",
                    ));
                }
                // Once recorded (here, or relayed from the upper hall), the applicant's date is
                // not moved again at the window (R12: never extended arbitrarily): a new date
                // from the upper level is the director's.
                if case_views::upper_dated(&c) && !director {
                    return Err(ApiError::new(
                        Code::DirectorOnly,
                        "the upper level's date was recorded already: the director records a new one",
                    ));
                }
                // A date on a day off is met on the next working day (R6: 顺延), as every
                // other deadline is; the upper level's own words stay in the history.
                let due = ctx.calendar.deferred(d).unwrap_or(d);
                c.deadline = Some(due);
                c.detail["upper_deadline"] = json!(d.to_string());
                text.push_str(&format!("；上级机关承诺办结日期 {d}"));
                if due != d {
                    text.push_str(&format!("（休息日，顺延至 {due}）"));
                }
            }
            (name, text)
        }
        CaseOp::Assign { .. } => unreachable!("refused above"),
    };
    cases::update(ctx.tx, &c, ctx.now_ms, ctx.hall.policy.cases.archive_days)?;
    step(ctx, &c, name, text)?;
    staff_view(ctx, number)
}

/// A year's notice made days of the December before it days off (`from`..=`to`): an open
/// case's deadline, or a supplement's waiting limit, on one of them moves to the next working
/// day (顺延), told in its history. Answers how many moved.
pub(super) fn defer_from_days_off(ctx: &mut Ctx, from: NaiveDate, to: NaiveDate) -> ApiResult<u32> {
    let mut moved = 0;
    for mut c in cases::dated_between(ctx.tx, from, to)? {
        let waiting = c.state == case::CaseState::AwaitingMaterials;
        let date = if waiting { &mut c.supplement_until } else { &mut c.deadline };
        let Some((old, new)) = date.and_then(|old| Some((old, ctx.calendar.deferred(old)?))) else { continue };
        *date = Some(new);
        let text = match waiting {
            true => format!("节假日安排调整，{old} 为休息日，补齐材料期限顺延至 {new}"),
            false => format!("节假日安排调整，{old} 为休息日，承诺办结日期顺延至 {new}"),
        };
        cases::update(ctx.tx, &c, ctx.now_ms, ctx.hall.policy.cases.archive_days)?;
        step(ctx, &c, step_action::DEADLINE_SET, text)?;
        moved += 1;
    }
    Ok(moved)
}

/// The clock's sweep: supplements past their waiting limit expire (closed as such, R11).
pub(super) fn expire_supplements(ctx: &mut Ctx) -> ApiResult<u32> {
    let today = today(ctx);
    let mut expired = 0;
    for mut c in cases::supplements_past(ctx.tx, today)? {
        let moved = case::apply(&facts(&c, &[]), &Action::Expire, today, ctx.calendar, ctx.hall.policy.cases)?;
        (c.state, c.result) = (moved.state, moved.result);
        cases::update(ctx.tx, &c, ctx.now_ms, ctx.hall.policy.cases.archive_days)?;
        let until = c.supplement_until.map(|d| d.to_string()).unwrap_or_default();
        step(ctx, &c, step_action::EXPIRED, format!("未在 {until} 前补齐材料，本件已终止"))?;
        expired += 1;
    }
    Ok(expired)
}

/// A year of the calendar was added: the deadlines that waited for it are set now, each noted in
/// its case's history.
pub(super) fn settle_pending(ctx: &mut Ctx) -> ApiResult<u32> {
    let mut settled = 0;
    for mut c in cases::pending_dates(ctx.tx)? {
        let text = match (c.state, c.clock_from) {
            (case::CaseState::Open, Some(from)) => match case::settle_deadline(from, c.promised_days, ctx.calendar) {
                Some(d) => {
                    c.deadline = Some(d);
                    format!("节假日安排已公布，承诺办结日期 {d}")
                }
                None => continue,
            },
            _ => {
                // The limit as configured when the case was accepted, not as changed since.
                let kept = cases::supplement_days(ctx.tx, c.id)?;
                let days = kept.unwrap_or(ctx.hall.policy.cases.supplement_days);
                // From the day the applicant was told what to bring (a late registration's day).
                let told_on = c.detail.get("counted_from").and_then(Value::as_str);
                let from = told_on.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).unwrap_or(c.accepted_on);
                match case::settle_supplement(from, days, today(ctx), ctx.calendar) {
                    Some((d, false)) => {
                        c.supplement_until = Some(d);
                        format!("节假日安排已公布，请于 {d} 前补齐材料")
                    }
                    Some((d, true)) => {
                        c.supplement_until = Some(d);
                        format!("节假日安排公布时原期限已过，补齐材料期限自今日起计，请于 {d} 前补齐材料")
                    }
                    None => continue,
                }
            }
        };
        cases::update(ctx.tx, &c, ctx.now_ms, ctx.hall.policy.cases.archive_days)?;
        step(ctx, &c, step_action::DEADLINE_SET, text)?;
        settled += 1;
    }
    Ok(settled)
}
