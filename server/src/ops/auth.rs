//! Signing in (the day's attendance, R15) and out. Passwords are checked before the writer.

use axum::http::StatusCode;
use chrono::Duration;
use hall_wire as wire;
use serde_json::json;

use super::windows::window_status;
use super::{Actor, Answer, Ctx};
use crate::error::{ApiError, ApiResult, Code};
use crate::hall::StaffRole;
use crate::store::windows;

/// The session table keeps only the token's hash. (An idempotent retry must get the same
/// answer, so a login sent with an `Idempotency-Key` keeps its answer, token included, for
/// the 24 hours the key lives.)
pub(super) fn login(
    ctx: &mut Ctx,
    username: &str,
    (role, checked_hash): (StaffRole, &str),
    window: Option<&str>,
    token: &str,
) -> ApiResult<Answer> {
    let token_hash = crate::auth::token_hash(token);
    let token_hash = token_hash.as_str();
    // The password was checked against the hall the handler read: a hall saved since with a new
    // password (a leaked one reset) or another role (a director demoted) is in force now, and
    // the sessions it ended must not be followed by one made under the old.
    let staff = ctx
        .hall
        .staff(username)
        .filter(|p| p.role == role && p.password_hash == checked_hash)
        .ok_or_else(|| ApiError::new(Code::BadCredentials, "wrong username or password"))?;
    let name = staff.name.clone();
    let window = if role == StaffRole::Clerk { window } else { None };
    // R16: a named stand-in on a day of approved leave signs in at that window, even outside
    // their own list; anyone else only at their windows.
    let day = crate::domain::numbering::local_day(ctx.now, ctx.hall.timezone);
    let standing_in = match window {
        Some(w) => super::leave::stand_in_today(ctx.tx, username, w, day)?,
        None => None,
    };
    if let Some(w) = window {
        let outside = !staff.windows.is_empty() && !staff.windows.iter().any(|x| x == w);
        if outside && standing_in.is_none() {
            return Err(ApiError::new(Code::WindowNotAllowed, format!("{name} may not sign in at window `{w}`")));
        }
        stand_in_not_displaced(ctx, username, w, day)?;
        not_serving_elsewhere(ctx, username, w)?;
    }
    let expires = ctx.now + Duration::hours(ctx.session_hours as i64);
    let expires_ms = crate::store::ms(expires);
    let session_id =
        windows::create_session(ctx.tx, token_hash, username, role.as_str(), window, ctx.now_ms, expires_ms)?;
    let day = ctx.day.clone();
    windows::record_attendance(ctx.tx, &day, username, window, ctx.now_ms)?;
    ctx.audit("auth.login", window, Some(format!("session:{session_id}")), json!({ "role": role.as_str() }))?;
    if let Some(leave) = standing_in {
        ctx.audit("leave.stand_in_sign_in", window, Some(format!("leave:{leave}")), json!({ "username": username }))?;
    }
    if let Some(w) = window {
        // Leave any other window this clerk was still signed in at.
        let others: Vec<String> = ctx.hall.windows.iter().map(|w| w.id.clone()).filter(|id| id != w).collect();
        for other in others {
            let row = windows::get(ctx.tx, &other, ctx.now_ms)?;
            if let Some(r) = row.filter(|r| r.username.as_deref() == Some(username) && r.session_id.is_some()) {
                // As at a sign-out: a citizen called there goes back to their place.
                close_window(ctx, &other, &r)?;
            }
        }
        windows::sign_in(ctx.tx, w, session_id, username, ctx.now_ms, standing_in.is_some())?;
        window_changed(ctx, w)?;
    }
    Answer::json(
        StatusCode::OK,
        &wire::Session {
            token: token.to_string(),
            role: role.into(),
            window_id: window.map(str::to_string),
            username: username.to_string(),
            name,
            expires_at: ctx.fmt(expires_ms),
        },
    )
}

/// R16: a clerk on approved leave today does not take their window from the stand-in named for
/// it while the stand-in is signed in there (opening the clerk page from home would close the
/// stand-in's desk, silence the unstaffed-window alarm, and send a called citizen back).
fn stand_in_not_displaced(ctx: &Ctx, username: &str, window: &str, day: chrono::NaiveDate) -> ApiResult<()> {
    let Some(row) = windows::get(ctx.tx, window, ctx.now_ms)? else { return Ok(()) };
    let Some(holder) = row.username.as_deref().filter(|u| row.session_id.is_some() && *u != username) else {
        return Ok(());
    };
    // Off now: the whole day, or the half of it that now is (the afternoon from its period's start).
    use crate::domain::{attendance, leave::Cover};
    let periods = attendance::working_periods(day, &ctx.hall.hours, ctx.calendar).ok().flatten();
    let afternoon =
        periods.as_deref().and_then(|p| attendance::due_hours(p, Some(Cover::Morning))).map(|(start, _)| start);
    let now = ctx.now.with_timezone(&ctx.hall.timezone).time();
    let off_now = |cover: Cover| match (cover, afternoon) {
        (Cover::Morning, Some(a)) => now < a,
        (Cover::Afternoon, Some(a)) => now >= a,
        _ => true,
    };
    let on_leave = crate::store::leave::approved_between(ctx.tx, day, day)?.into_iter().any(|l| {
        l.username == username
            && l.span.cover(day).is_some_and(off_now)
            && l.stand_ins.iter().any(|(w, u)| w == window && u == holder)
    });
    if on_leave {
        let holder_name = ctx.hall.staff(holder).map_or(holder, |p| p.name.as_str());
        return Err(ApiError::new(
            Code::StandInHoldsWindow,
            format!("you are on leave today and {holder_name} stands in at this window: it stays theirs"),
        ));
    }
    Ok(())
}

pub(super) fn logout(ctx: &mut Ctx) -> ApiResult<Answer> {
    // A staff session (checked by `access`).
    let Actor::Staff { session_id, window_id, .. } = ctx.actor else { return Answer::no_content() };
    let (session_id, window_id) = (*session_id, window_id.clone());
    windows::end_session(ctx.tx, session_id, ctx.now_ms)?;
    ctx.audit("auth.logout", window_id.as_deref(), Some(format!("session:{session_id}")), json!({}))?;
    // A window removed from the hall since the sign-in has nothing left to close.
    if let Some(w) = window_id.filter(|w| ctx.hall.window(w).is_some()) {
        if let Some(row) = windows::get(ctx.tx, &w, ctx.now_ms)?.filter(|r| r.session_id == Some(session_id)) {
            close_window(ctx, &w, &row)?;
        }
    }
    Answer::no_content()
}

/// A window loses its clerk (signed out, revoked, expired): closed and announced. A citizen
/// called there and not yet come goes back to their place in the queue (audited), rather than
/// walking to a closed window; one already being served stays, for the next sign-in to finish.
fn close_window(ctx: &mut Ctx, window: &str, row: &windows::WindowRow) -> ApiResult<()> {
    if let Some(id) = row.current_ticket {
        return_if_called_today(ctx, window, id)?;
    }
    // Citizens sent on to this window would wait for it all day: any window of their matter
    // calls them now, at their place (their queues' figures follow with the window's).
    let released = release_transfers(ctx, window)?;
    windows::sign_out(ctx.tx, window)?;
    window_changed(ctx, window)?;
    // A queue of theirs the window does not call (sent on to a window of another matter) is
    // told too: their phones follow their queue.
    let told: Vec<String> = ctx.hall.window_queues(window).iter().map(|(q, _)| q.id.clone()).collect();
    let mut others: Vec<String> = released.into_iter().map(|(_, q)| q).filter(|q| !told.contains(q)).collect();
    others.sort();
    others.dedup();
    for q in others {
        super::tickets::queue_changed(ctx, &q)?;
    }
    Ok(())
}

/// A citizen called to a window that loses its clerk, and not yet come, goes back to their
/// place; one already being served (or a ticket of an earlier day) stays there.
fn return_if_called_today(ctx: &mut Ctx, window: &str, id: i64) -> ApiResult<()> {
    let called_today = crate::store::tickets::get(ctx.tx, id)?
        .is_some_and(|t| t.status == crate::domain::TicketStatus::Called && t.day == ctx.day);
    if called_today {
        return_ticket(ctx, window, id)?;
    }
    Ok(())
}

/// A window opened or closed: announced, and its queues with it (one window more or fewer
/// serves them: the displays' and the citizens' phones' waits change).
fn window_changed(ctx: &mut Ctx, window: &str) -> ApiResult<()> {
    window_status(ctx, window)?;
    let queues: Vec<String> = ctx.hall.window_queues(window).iter().map(|(q, _)| q.id.clone()).collect();
    for q in queues {
        super::tickets::queue_changed(ctx, &q)?;
    }
    Ok(())
}

/// Why a session cannot outlive a new hall: the account's rights changed or its window went.
pub(crate) fn revoked_by(
    old: &crate::hall::Hall,
    new: &crate::hall::Hall,
    s: &windows::SessionRow,
) -> Option<&'static str> {
    let Some(now) = new.staff(&s.username) else { return Some("account removed") };
    let before = old.staff(&s.username);
    if now.role.as_str() != s.role || before.is_some_and(|b| b.role != now.role) {
        return Some("role changed");
    }
    if before.is_some_and(|b| b.password_hash != now.password_hash) {
        return Some("password changed");
    }
    if before.is_some_and(|b| b.windows != now.windows) {
        return Some("allowed windows changed");
    }
    if s.window_id.as_deref().is_some_and(|w| new.window(w).is_none()) {
        return Some("window removed");
    }
    None
}

/// A new hall ends at once every session whose rights it changed (audited); their windows are
/// signed out so that the displays stop showing the clerk.
pub(super) fn end_sessions_revoked_by(ctx: &mut Ctx, new: &crate::hall::Hall) -> ApiResult<u32> {
    let mut ended = 0;
    for s in windows::live_sessions(ctx.tx, ctx.now_ms)? {
        let Some(reason) = revoked_by(ctx.hall, new, &s) else { continue };
        ended += 1;
        windows::end_session(ctx.tx, s.id, ctx.now_ms)?;
        ctx.audit(
            "auth.revoked",
            s.window_id.as_deref(),
            Some(format!("session:{}", s.id)),
            json!({ "username": s.username, "reason": reason }),
        )?;
        if let Some(w) = s.window_id.filter(|w| ctx.hall.window(w).is_some()) {
            if let Some(row) = windows::get(ctx.tx, &w, ctx.now_ms)?.filter(|r| r.session_id == Some(s.id)) {
                close_window(ctx, &w, &row)?;
            }
        }
    }
    Ok(ended)
}

/// Releases the citizens sent on to `window` (audited); their numbers and queues.
fn release_transfers(ctx: &mut Ctx, window: &str) -> ApiResult<Vec<(String, String)>> {
    let day = ctx.day.clone();
    let released = crate::store::tickets::release_sent_to(ctx.tx, &day, window)?;
    if !released.is_empty() {
        let numbers: Vec<&String> = released.iter().map(|(n, _)| n).collect();
        ctx.audit("window.released_transfers", Some(window), None, json!({ "numbers": numbers }))?;
    }
    Ok(released)
}

/// Windows still held by a session that expired: signed out, announced, audited.
pub(super) fn expire_sessions(ctx: &mut Ctx) -> ApiResult<Answer> {
    let ids: Vec<String> = ctx.hall.windows.iter().map(|w| w.id.clone()).collect();
    for id in ids {
        let Some(row) = windows::get(ctx.tx, &id, ctx.now_ms)? else { continue };
        if row.session_id.is_some() && !row.staffed {
            let who = row.username.clone().unwrap_or_default();
            ctx.audit(
                "auth.expired",
                Some(&id),
                row.session_id.map(|s| format!("session:{s}")),
                json!({ "username": who }),
            )?;
            if let Some(session) = row.session_id {
                windows::end_expired_session(ctx.tx, session)?;
            }
            close_window(ctx, &id, &row)?;
        }
    }
    Answer::no_content()
}

/// R16: the director moves a signed-in clerk to another window; the clerk's session follows,
/// the old window closes, the new one opens with that clerk on duty.
pub(super) fn stand_in(ctx: &mut Ctx, window: &str, username: &str, override_allowed: bool) -> ApiResult<Answer> {
    if ctx.hall.window(window).is_none() {
        return Err(ApiError::new(Code::UnknownWindow, format!("no window `{window}` in this hall")));
    }
    let Some((session, from)) = windows::live_clerk_session(ctx.tx, username, ctx.now_ms)? else {
        return Err(ApiError::new(Code::ClerkNotSignedIn, format!("`{username}` is not signed in at any window")));
    };
    if from == window {
        return Err(ApiError::new(Code::SameWindow, "the clerk is already at that window"));
    }
    let target = windows::get(ctx.tx, window, ctx.now_ms)?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("window row missing")))?;
    if target.staffed {
        return Err(ApiError::new(Code::WindowStaffed, "another clerk is signed in at that window"));
    }
    let allowed = ctx.hall.staff(username).map(|s| s.windows.clone()).unwrap_or_default();
    let outside = !allowed.is_empty() && !allowed.iter().any(|w| w == window);
    if outside && !override_allowed {
        return Err(ApiError::new(
            Code::WindowNotAllowed,
            format!("`{username}` may work only at {}; confirm to send them there anyway", allowed.join(", ")),
        ));
    }
    // The window the clerk holds now (another's sign-in there since leaves it theirs).
    let old = windows::get(ctx.tx, &from, ctx.now_ms)?.filter(|r| r.session_id == Some(session));
    // Not while they serve a citizen: moved, they could not finish, and nobody would.
    if let Some(id) = old.as_ref().and_then(|r| r.current_ticket) {
        if crate::store::tickets::get(ctx.tx, id)?.is_some_and(|t| t.status == crate::domain::TicketStatus::Serving) {
            return Err(ApiError::new(
                Code::WindowBusy,
                format!("`{username}` is serving a citizen at {from}; move them once it is finished or sent on"),
            ));
        }
    }
    windows::move_session(ctx.tx, session, window, ctx.now_ms)?;
    // As at a sign-out: a citizen called to the old window and not yet come is not left waiting
    // there for nobody (back to their place), and the window closes.
    if let Some(row) = old {
        close_window(ctx, &from, &row)?;
    }
    windows::sign_in(ctx.tx, window, session, username, ctx.now_ms, true)?;
    ctx.audit(
        "window.stand_in",
        Some(window),
        Some(format!("session:{session}")),
        json!({ "username": username, "from": from, "outside_allowed_windows": outside }),
    )?;
    window_changed(ctx, window)?;
    let w = crate::store::reads::window(ctx.tx, ctx.hall, window, ctx.now_ms).map_err(ApiError::Internal)?;
    Answer::json(StatusCode::OK, &w)
}

/// Puts the ticket called at a window that loses its clerk back in the queue (audited).
fn return_ticket(ctx: &mut Ctx, window: &str, ticket: i64) -> ApiResult<()> {
    let Some(t) = crate::store::tickets::get(ctx.tx, ticket)? else { return Ok(()) };
    windows::set_current(ctx.tx, window, None)?;
    if !matches!(t.status, crate::domain::TicketStatus::Called | crate::domain::TicketStatus::Serving) {
        return Ok(());
    }
    crate::store::tickets::return_to_queue(ctx.tx, &t)?;
    ctx.audit("ticket.returned", Some(window), Some(format!("ticket:{}", t.id)), json!({ "number": t.number }))?;
    super::tickets::announce_requeued(ctx, &t)
}

/// A clerk serving a citizen at one window does not sign in at another: that window would close
/// with the citizen in service, whom they could no longer finish from the new one (and nobody
/// would), as the director's stand-in move already refuses. Signing in at the same window again
/// (another PC) stays open to them.
fn not_serving_elsewhere(ctx: &Ctx, username: &str, window: &str) -> ApiResult<()> {
    for other in ctx.hall.windows.iter().filter(|o| o.id != window) {
        let Some(row) = windows::get(ctx.tx, &other.id, ctx.now_ms)? else { continue };
        if row.username.as_deref() != Some(username) || row.session_id.is_none() {
            continue;
        }
        let serving = match row.current_ticket {
            Some(id) => crate::store::tickets::get(ctx.tx, id)?
                .is_some_and(|t| t.status == crate::domain::TicketStatus::Serving),
            None => false,
        };
        if serving {
            return Err(ApiError::new(
                Code::WindowBusy,
                format!(
                    "you are serving a citizen at {}: finish or send them on there first (sign in at that window again from this computer)",
                    other.id
                ),
            ));
        }
    }
    Ok(())
}
