//! Issuing hours at work: the director reopening issuing for the day, and the sweeper telling
//! displays and kiosks when the clock opened or stopped issuing (cut-off, lunch, closing).

use axum::http::StatusCode;
use hall_wire as wire;
use serde_json::json;

use super::{tickets::queue_changed, Answer, Ctx};
use crate::error::ApiResult;
use crate::store::{issuing, settings};

/// The last published issuing state: `hall=1;A=1;B=0`, compared to tell what changed.
const PUBLISHED: &str = "issuing_published";

/// The hall's issuing state, each queue's (open or not), and both as one comparable key.
struct Current {
    hall: wire::Issuing,
    queues: Vec<(String, bool)>,
    key: String,
}

fn current(ctx: &Ctx) -> ApiResult<Current> {
    let hall = issuing::hall(ctx.tx, ctx.at())?;
    let mut queues = Vec::new();
    for q in &ctx.hall.queues {
        queues.push((q.id.clone(), issuing::queue(ctx.tx, ctx.at(), &q.id)?.is_open()));
    }
    let mut key = format!("{}|hall={}", ctx.day, u8::from(hall.is_open()));
    for (q, open) in &queues {
        key.push_str(&format!(";{q}={}", u8::from(*open)));
    }
    Ok(Current { hall: issuing::to_wire(ctx.hall, hall, None), queues, key })
}

/// Publishes `issuing_changed` (and `queue_changed` for every queue) when the state differs from
/// the last one published; `force` publishes anyway.
fn publish(ctx: &mut Ctx, force: bool) -> ApiResult<wire::Issuing> {
    let Current { hall, queues, key } = current(ctx)?;
    let last = settings::get(ctx.tx, PUBLISHED)?;
    if last.is_none() && !force {
        // The first look: clients read the state with their snapshot; nothing changed yet.
        settings::set(ctx.tx, PUBLISHED, &key)?;
    } else if force || last.as_deref() != Some(key.as_str()) {
        settings::set(ctx.tx, PUBLISHED, &key)?;
        ctx.emit(wire::event_kind::ISSUING_CHANGED, &hall)?;
        for (q, _) in queues {
            queue_changed(ctx, &q)?;
        }
    }
    Ok(hall)
}

/// The sweeper's look at the clock.
pub(super) fn check(ctx: &mut Ctx) -> ApiResult<Answer> {
    publish(ctx, false)?;
    Answer::no_content()
}

/// The director reopens issuing for the rest of today (hours and quotas set aside), or ends
/// that; audited.
pub(super) fn reopen(ctx: &mut Ctx, reopen: bool) -> ApiResult<Answer> {
    let day = ctx.day.clone();
    issuing::set_reopened(ctx.tx, &day, reopen)?;
    ctx.audit("issuing.reopen", None, None, json!({ "day": day, "reopened": reopen }))?;
    let hall = publish(ctx, true)?;
    Answer::json(StatusCode::OK, &hall)
}
