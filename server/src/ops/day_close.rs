//! The day-close step: at local midnight (and at start, for days missed while the server was
//! down) tickets still called or served at a window on an earlier day are closed, each audited,
//! and the day recorded; supplements past their waiting limit expire. Nothing is closed
//! silently.

use chrono::NaiveDate;
use serde_json::json;

use super::{cases, Answer, Ctx};
use crate::error::ApiResult;
use crate::store::{tickets, windows};

pub(super) fn run(ctx: &mut Ctx) -> ApiResult<Answer> {
    let today = ctx.day.clone();
    let after = tickets::last_closed_day(ctx.tx)?;
    let left = tickets::left_open(ctx.tx, &after, &today)?;
    let mut per_day: std::collections::BTreeMap<String, u32> = Default::default();
    for t in &left {
        tickets::close_left_open(ctx.tx, t.id, ctx.now_ms)?;
        if let Some(w) = &t.window_id {
            if windows::get(ctx.tx, w, ctx.now_ms)?.is_some_and(|row| row.current_ticket == Some(t.id)) {
                windows::set_current(ctx.tx, w, None)?;
                // A window the hall no longer has (its file edited between two starts) has no
                // display to tell: the close goes on for every other ticket and day.
                if ctx.hall.window(w).is_some() {
                    super::windows::window_status(ctx, w)?;
                }
            }
        }
        ctx.audit(
            "ticket.day_close",
            t.window_id.as_deref(),
            Some(format!("ticket:{}", t.id)),
            json!({ "number": t.number, "day": t.day, "status": t.status.as_str() }),
        )?;
        *per_day.entry(t.day.clone()).or_default() += 1;
    }
    // Yesterday is gone over even when nothing was left open, so the next sweep starts after it.
    let yesterday = NaiveDate::parse_from_str(&today, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.pred_opt())
        .map(|d| d.to_string())
        .unwrap_or_default();
    if yesterday > after {
        per_day.entry(yesterday).or_default();
    }
    for (day, n) in &per_day {
        tickets::record_day_closed(ctx.tx, day, ctx.now_ms, *n)?;
    }
    cases::expire_supplements(ctx)?;
    super::booking::close_day(ctx)?;
    Answer::no_content()
}
