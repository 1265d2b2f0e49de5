//! A citizen's phone follows its own ticket (`GET /api/t/{token}/events`) or case
//! (`GET /api/c/{token}/events`), not the whole hall. The server watches the hall's events for
//! those that concern it and sends its view when it changed. A busy morning has hundreds of
//! phones: each gets a handful of small events, never the hall.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use hall_wire as wire;
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::StreamExt;

use super::extract::PathParam;
use super::AppState;
use crate::error::{ApiError, ApiResult, Code};
use crate::store::{self, events::LiveEvent, reads};

const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// What a phone follows: how to look at it, and which events may change it.
trait Followed: Sized + Send + 'static {
    type View: PartialEq + serde::Serialize + Send + 'static;
    /// The SSE event name of each view (and the word for what is followed).
    const EVENT: &'static str;
    /// The error when the token opens nothing.
    const UNKNOWN: Code;
    /// The view now, and what to watch for it; `None` when the token opens nothing.
    fn look(
        s: &AppState,
        token: String,
    ) -> impl std::future::Future<Output = ApiResult<Option<(Self::View, Self)>>> + Send;
    fn concerns(&self, e: &LiveEvent) -> bool;
}

/// What of the ticket decides whether an event concerns it.
#[derive(Clone, PartialEq)]
struct Watch {
    id: i64,
    queue: String,
    window: Option<String>,
}

impl Followed for Watch {
    type View = wire::TicketView;
    const EVENT: &'static str = "ticket";
    const UNKNOWN: Code = Code::UnknownTicket;

    async fn look(s: &AppState, token: String) -> ApiResult<Option<(wire::TicketView, Watch)>> {
        look(s, &token).await
    }

    fn concerns(&self, e: &LiveEvent) -> bool {
        let data = &*e.data;
        data.contains(&format!("\"ticket_id\":{},", self.id))
            || data.contains(&format!("\"ticket_id\":{}}}", self.id))
            || (e.kind == wire::event_kind::QUEUE_CHANGED && data.contains(&format!("\"queue\":\"{}\"", self.queue)))
            || self.window.as_ref().is_some_and(|w| data.contains(&format!("\"window_id\":\"{w}\"")))
            || e.kind == "hall_changed"
    }
}

/// The ticket's view now, and what to watch for it.
async fn look(s: &AppState, token: &str) -> ApiResult<Option<(wire::TicketView, Watch)>> {
    let (hall, calendar, now_ms, token) = (s.hall(), s.calendar(), store::ms(s.now()), token.to_string());
    s.reads()
        .run(move |c| match store::tickets::by_status_token(c, &token)? {
            Some(t) => {
                // No complaint's answer on the stream: an EventSource sends no secret.
                let view = reads::ticket_view(c, &hall, &calendar, &t, (now_ms, None))?;
                Ok(Some((view, Watch { id: t.id, queue: t.queue.clone(), window: t.window_id.clone() })))
            }
            None => Ok(None),
        })
        .await
        .map_err(ApiError::Internal)
}

/// A case: its own `case_changed` events (and a new day, for the working days left).
struct CaseWatch {
    number: String,
}

impl Followed for CaseWatch {
    type View = wire::CaseProgress;
    const EVENT: &'static str = "case";
    const UNKNOWN: Code = Code::UnknownCase;

    async fn look(s: &AppState, token: String) -> ApiResult<Option<(wire::CaseProgress, CaseWatch)>> {
        let view = super::cases::progress_by_token(s, token).await?;
        Ok(view.map(|v| {
            let number = v.number.clone();
            (v, CaseWatch { number })
        }))
    }

    fn concerns(&self, e: &LiveEvent) -> bool {
        (e.kind == wire::event_kind::CASE_CHANGED && e.data.contains(&format!("\"number\":\"{}\"", self.number)))
            || e.kind == "hall_changed"
    }
}

fn frame<F: Followed>(view: &F::View) -> Bytes {
    let data = serde_json::to_string(view).unwrap_or_default();
    Bytes::from(format!("event: {}\ndata: {data}\n\n", F::EVENT))
}

#[utoipa::path(
    get, path = "/api/t/{token}/events",
    params(("token" = String, Path, pattern = "^[0-9a-f]{32}$", description = "the ticket's status-page token")),
    responses((status = 200, description = "text/event-stream of `ticket` events, each the ticket's view (as GET /api/t/{token}) \
        when it changed; the first at once"),
        (status = 400, body = hall_wire::ErrorBody), (status = 404, body = hall_wire::ErrorBody),
        (status = 503, description = "too many live streams", body = hall_wire::ErrorBody))
)]
pub async fn ticket_events(
    State(s): State<AppState>,
    super::conn::PeerAddr(peer): super::conn::PeerAddr,
    PathParam(token): PathParam,
) -> ApiResult<Response> {
    open::<Watch>(s, peer, token).await
}

#[utoipa::path(
    get, path = "/api/c/{token}/events",
    params(("token" = String, Path, pattern = "^[0-9a-f]{32}$", description = "the case's phone-page token")),
    responses((status = 200, description = "text/event-stream of `case` events, each the case's progress (as GET /api/c/{token}) \
        when it changed; the first at once"),
        (status = 400, body = hall_wire::ErrorBody), (status = 404, body = hall_wire::ErrorBody),
        (status = 503, description = "too many live streams", body = hall_wire::ErrorBody))
)]
pub async fn case_events(
    State(s): State<AppState>,
    super::conn::PeerAddr(peer): super::conn::PeerAddr,
    PathParam(token): PathParam,
) -> ApiResult<Response> {
    open::<CaseWatch>(s, peer, token).await
}

async fn open<F: Followed>(s: AppState, peer: Option<std::net::IpAddr>, token: String) -> ApiResult<Response> {
    if !crate::auth::is_status_token(&token) {
        return Err(ApiError::new(Code::InvalidToken, format!("a {}'s token is 32 hexadecimal digits", F::EVENT)));
    }
    let unknown = || ApiError::new(F::UNKNOWN, format!("no {} has this token", F::EVENT));
    let pass = s.streams().enter(peer, false)?;
    // Subscribe first, so that nothing between the first look and the stream is missed.
    let live = s.hub().subscribe();
    let (view, watch) = F::look(&s, token.clone()).await?.ok_or_else(unknown)?;
    let (tx, rx) = mpsc::channel::<Bytes>(8);
    s.metrics().sse_connected();
    tokio::spawn(async move {
        follow::<F>(s, token, live, view, watch, tx).await;
        drop(pass);
    });
    let mut res = Body::from_stream(ReceiverStream::new(rx).map(Ok::<_, Infallible>)).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    Ok(res)
}

async fn follow<F: Followed>(
    s: AppState,
    token: String,
    mut live: broadcast::Receiver<LiveEvent>,
    mut view: F::View,
    mut watch: F,
    tx: mpsc::Sender<Bytes>,
) {
    let stop = s.shutdown_token();
    let mut keep_alive = tokio::time::interval(KEEP_ALIVE);
    keep_alive.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    'stream: {
        if tx.send(frame::<F>(&view)).await.is_err() {
            break 'stream;
        }
        loop {
            let changed = tokio::select! {
                _ = stop.cancelled() => break 'stream,
                _ = tx.closed() => break 'stream,
                _ = keep_alive.tick() => {
                    if tx.send(Bytes::from_static(b": keep-alive\n\n")).await.is_err() {
                        break 'stream;
                    }
                    continue;
                }
                r = live.recv() => match r {
                    Ok(e) => watch.concerns(&e),
                    // Fell behind: whatever happened, look again.
                    Err(broadcast::error::RecvError::Lagged(_)) => true,
                    Err(broadcast::error::RecvError::Closed) => break 'stream,
                },
            };
            if !changed {
                continue;
            }
            match F::look(&s, token.clone()).await {
                Ok(Some((now, w))) => {
                    watch = w;
                    if now != view {
                        view = now;
                        if tx.send(frame::<F>(&view)).await.is_err() {
                            break 'stream;
                        }
                    }
                }
                Ok(None) | Err(_) => break 'stream,
            }
        }
    }
    s.metrics().sse_disconnected();
}
