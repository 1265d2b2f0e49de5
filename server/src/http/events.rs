//! `GET /api/events`: Server-Sent Events. A client resuming with `Last-Event-ID` first gets
//! every stored event after it, then the live ones, without gap or repeat. Each event's frame
//! is serialised once for all subscribers. A subscriber that falls behind the live buffer is
//! caught up from the table, never cut off.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::StreamExt;

use super::AppState;
use crate::error::{ApiError, ApiResult, Code};
use crate::hall::StaffRole;
use crate::ops::Actor;
use crate::store::events::{self, Audience, LiveEvent};

/// A comment line at least this often keeps proxies and clients from timing out.
const KEEP_ALIVE: Duration = Duration::from_secs(10);
const PAGE: usize = 500;

#[utoipa::path(
    get, path = "/api/events",
    params(("Last-Event-ID" = Option<i64>, Header, description = "resume after this event id")),
    responses((status = 200, description = "text/event-stream of ticket_issued, ticket_called, ticket_finished, \
        ticket_no_show, ticket_transferred, ticket_requeued, window_status, queue_changed (staff and county tokens: \
        more kinds). A county device token gets every event, personal information removed, and `events_missed` \
        (no id; data {after, next}) when events after Last-Event-ID are no longer kept"),
        (status = 400, body = hall_wire::ErrorBody), (status = 401, body = hall_wire::ErrorBody),
        (status = 503, description = "too many live streams (in total or from this address)", body = hall_wire::ErrorBody))
)]
pub async fn events(
    State(s): State<AppState>,
    super::conn::PeerAddr(peer): super::conn::PeerAddr,
    headers: HeaderMap,
) -> ApiResult<Response> {
    // Staff (a bearer token of a live session) get every field; a county service every event
    // without personal information; anyone else the public part.
    let token_hash = super::extract::bearer(&headers).map(crate::auth::token_hash);
    let audience = match token_hash.as_deref() {
        // Resolved as any request's caller is (a removed account, a demo one without --demo, a
        // county device no longer in the hall: refused).
        Some(hash) => match super::extract::Caller::by_token_hash(&s, hash)? {
            Actor::County { .. } => Audience::County,
            Actor::Staff { role: StaffRole::Director | StaffRole::Admin, .. } => Audience::Director,
            // A village agent is none of the hall's staff, and a leader reads figures, not who
            // is old, disabled or pregnant (`access::sees_ticket_details`): the public frames.
            Actor::Staff { role: StaffRole::Village | StaffRole::Leader, .. } => Audience::Public,
            Actor::Staff { .. } => Audience::Staff,
            // A kiosk, an evaluator, the citizen: the public part.
            _ => Audience::Public,
        },
        None => Audience::Public,
    };
    // The hall's displays say who they are (`hall-display/<version>`): counted apart, for the
    // alert on no display connected.
    let display = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ua| ua.starts_with("hall-display/"));
    // A signed-in stream (a session or the county) may use the room anonymous ones leave.
    let pass = s.streams().enter(peer, token_hash.is_some())?;
    let resume = match headers.get("last-event-id") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .and_then(|v| v.trim().parse::<i64>().ok())
                .filter(|n| *n >= 0)
                .ok_or_else(|| ApiError::new(Code::InvalidLastEventId, "Last-Event-ID must be an event id"))?,
        ),
    };
    // Subscribe before reading the table, so nothing falls between the two.
    let live = s.hub().subscribe();
    let newest = s.hub().published();
    // An id beyond the newest (a database restored from a backup) resumes from now: skipping
    // every event up to it would leave the client silently deaf.
    let start = resume.map_or(newest, |n| n.min(newest));
    let (tx, rx) = mpsc::channel::<Bytes>(64);
    s.metrics().stream_opened(audience, display);
    // A staff stream lives as long as its session (signed out, expired, revoked, the account
    // removed), a county's as long as the hall has its device: then it ends.
    let session = token_hash.filter(|_| matches!(audience, Audience::Staff | Audience::Director | Audience::County));
    tokio::spawn(async move {
        follow(s.clone(), live, start, tx, audience, session).await;
        s.metrics().stream_closed(audience, display);
        drop(pass);
    });
    let body = Body::from_stream(ReceiverStream::new(rx).map(Ok::<_, Infallible>));
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(res)
}

/// The session a staff stream was opened with, checked again before every batch of events and
/// on every keep-alive: a stream never outlives its session (a signed-out, expired or dismissed
/// clerk would otherwise keep receiving priority classes and cases). Staff streams are few (a
/// hall's clerks and director); the displays' and phones' anonymous streams have no session.
fn may_go_on(s: &AppState, session: Option<&str>) -> bool {
    let Some(hash) = session else { return true };
    super::extract::Caller::by_token_hash(s, hash).is_ok()
}

/// Sends stored events after `last`; returns the new last id, or None when the client left.
async fn catch_up(s: &AppState, mut last: i64, tx: &mpsc::Sender<Bytes>, audience: Audience) -> Option<i64> {
    loop {
        // Only events on disk: one committed and still being flushed comes live once it is.
        let upto = s.hub().published();
        let page = match s.reads().run(move |c| Ok(events::after(c, last, upto, PAGE)?)).await {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = ?e, "reading stored events failed; closing the stream");
                return None;
            }
        };
        let done = page.len() < PAGE;
        for e in page {
            if audience == Audience::County && e.id > last + 1 {
                tx.send(events::missed_frame(last, e.id)).await.ok()?;
            }
            last = e.id;
            let frame = e.frame_for(audience);
            if !frame.is_empty() {
                tx.send(frame).await.ok()?;
            }
        }
        if done {
            return Some(last);
        }
    }
}

async fn follow(
    s: AppState,
    mut live: broadcast::Receiver<LiveEvent>,
    start: i64,
    tx: mpsc::Sender<Bytes>,
    audience: Audience,
    session: Option<String>,
) {
    let stop = s.shutdown_token();
    let mut last = start;
    let mut keep_alive = tokio::time::interval(KEEP_ALIVE);
    keep_alive.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    'stream: {
        // A comment first, so that the client sees the stream open at once.
        if tx.send(Bytes::from_static(b": connected\n\n")).await.is_err() {
            break 'stream;
        }
        match catch_up(&s, last, &tx, audience).await {
            Some(l) => last = l,
            None => break 'stream,
        }
        loop {
            let received = tokio::select! {
                _ = stop.cancelled() => break 'stream,
                _ = tx.closed() => break 'stream,
                _ = keep_alive.tick() => {
                    if !may_go_on(&s, session.as_deref())
                        || tx.send(Bytes::from_static(b": keep-alive\n\n")).await.is_err()
                    {
                        break 'stream;
                    }
                    continue;
                }
                r = live.recv() => r,
            };
            if !may_go_on(&s, session.as_deref()) {
                break 'stream;
            }
            match received {
                Ok(e) => {
                    // The events of one commit arrive together: send them as one write.
                    let mut frames = Vec::new();
                    let mut lagged = false;
                    let mut next = Some(e);
                    while let Some(e) = next.take() {
                        if e.id > last {
                            if audience == Audience::County && e.id > last + 1 {
                                frames.push(events::missed_frame(last, e.id));
                            }
                            last = e.id;
                            let frame = e.frame_for(audience);
                            if !frame.is_empty() {
                                frames.push(frame);
                            }
                        }
                        match live.try_recv() {
                            Ok(more) => next = Some(more),
                            Err(broadcast::error::TryRecvError::Lagged(_)) => lagged = true,
                            Err(_) => {}
                        }
                    }
                    let chunk = match frames.len() {
                        0 => None,
                        1 => frames.pop(),
                        _ => Some(Bytes::from(frames.concat())),
                    };
                    if let Some(chunk) = chunk {
                        if tx.send(chunk).await.is_err() {
                            break 'stream;
                        }
                    }
                    if lagged {
                        s.metrics().sse_caught_up();
                        match catch_up(&s, last, &tx, audience).await {
                            Some(l) => last = l,
                            None => break 'stream,
                        }
                    }
                }
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "slow event subscriber caught up from the table");
                    s.metrics().sse_caught_up();
                    match catch_up(&s, last, &tx, audience).await {
                        Some(l) => last = l,
                        None => break 'stream,
                    }
                }
                Err(broadcast::error::RecvError::Closed) => break 'stream,
            }
        }
    }
}
