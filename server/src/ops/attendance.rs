//! Attendance's two writes (R15): a clerk explains their own mark, the director acknowledges an
//! explained one. A mark is what the sign-ins and the calendar say, checked here again.

use chrono::NaiveDate;
use serde_json::json;

use super::{Actor, Answer, Ctx};
use crate::domain::attendance::MarkKind;
use crate::error::{ApiError, ApiResult, Code};
use crate::store::attendance::{self, Note};

const MAX_TEXT: usize = 500;

/// Whether `username` has a mark of `kind` on `day` (computed as the reports compute it).
fn has_mark(ctx: &Ctx, username: &str, day: NaiveDate, kind: MarkKind) -> ApiResult<bool> {
    let days = attendance::day_marks(ctx.tx, ctx.hall, ctx.calendar, &[username.to_string()], (day, day), ctx.now)?;
    Ok(days.iter().any(|d| d.marks.iter().any(|m| m.kind == kind)))
}

/// A clerk explains a mark of their own, once.
pub(super) fn explain(ctx: &mut Ctx, day: NaiveDate, kind: MarkKind, text: &str) -> ApiResult<Answer> {
    let username = match ctx.actor {
        Actor::Staff { username, .. } => username.clone(),
        _ => return Err(ApiError::new(Code::StaffOnly, "only hall staff explain their attendance")),
    };
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT {
        return Err(ApiError::new(Code::TextTooLong, format!("an explanation has 1 to {MAX_TEXT} characters")));
    }
    if !has_mark(ctx, &username, day, kind)? {
        return Err(ApiError::new(Code::NoAttendanceMark, format!("no {} on {day} to explain", kind.as_str())));
    }
    let (d, k) = (day.to_string(), kind.as_str());
    if attendance::get_note(ctx.tx, &d, &username, k)?.is_some() {
        return Err(ApiError::new(
            Code::AlreadyExplained,
            "this mark is explained already; the record is kept as it is",
        ));
    }
    let note = Note {
        day: d.clone(),
        username: username.clone(),
        kind: k.into(),
        explanation: text.into(),
        explained_at: ctx.now_ms,
        acknowledged_by: None,
        acknowledged_at: None,
    };
    attendance::explain(ctx.tx, &note)?;
    ctx.audit("attendance.explain", None, Some(format!("attendance:{d}:{username}")), json!({ "kind": k }))?;
    Answer::no_content()
}

/// The director's read of clerks' explanations over a range, recorded (the list itself is read
/// outside the writer; it is answered only once this is committed).
pub(super) fn read_explanations(ctx: &mut Ctx, from: NaiveDate, to: NaiveDate, explanations: u32) -> ApiResult<Answer> {
    ctx.audit(
        "attendance.read",
        None,
        Some(format!("attendance:{from}..{to}")),
        json!({ "explanations": explanations }),
    )?;
    Answer::no_content()
}

/// The director acknowledges an explained mark.
pub(super) fn acknowledge(ctx: &mut Ctx, day: NaiveDate, username: &str, kind: MarkKind) -> ApiResult<Answer> {
    let (d, k) = (day.to_string(), kind.as_str());
    let Some(note) = attendance::get_note(ctx.tx, &d, username, k)? else {
        return Err(ApiError::new(Code::NotExplained, "the clerk has not explained this mark yet"));
    };
    if note.acknowledged_at.is_some() {
        return Err(ApiError::new(Code::AlreadyExplained, "this mark is acknowledged already"));
    }
    attendance::acknowledge(ctx.tx, &d, username, k, ctx.actor.name(), ctx.now_ms)?;
    ctx.audit("attendance.acknowledge", None, Some(format!("attendance:{d}:{username}")), json!({ "kind": k }))?;
    Answer::no_content()
}
