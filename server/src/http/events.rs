//! `GET /api/events`: Server-Sent Events. A client resuming with `Last-Event-ID` first gets
//! every stored event after it, then the live ones, without gap or repeat. A subscriber that
//! falls behind the live buffer is caught up from the table, never cut off.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;

use super::AppState;
use crate::error::{ApiError, ApiResult};
use crate::store::events::{self, LiveEvent};

const KEEP_ALIVE: Duration = Duration::from_secs(10);
const PAGE: usize = 500;

#[utoipa::path(
    get, path = "/api/events",
    params(("Last-Event-ID" = Option<i64>, Header, description = "resume after this event id")),
    responses((status = 200, description = "text/event-stream of ticket_issued, ticket_called, ticket_finished, \
        ticket_no_show, ticket_transferred, ticket_requeued, window_status, queue_changed"),
        (status = 400, body = hall_wire::ErrorBody))
)]
pub async fn events(
    State(s): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let resume =
        match headers.get("last-event-id") {
            None => None,
            Some(v) => {
                Some(v.to_str().ok().and_then(|v| v.trim().parse::<i64>().ok()).filter(|n| *n >= 0).ok_or_else(
                    || ApiError::bad_request("invalid_last_event_id", "Last-Event-ID must be an event id"),
                )?)
            }
        };
    // Subscribe before reading the table, so nothing falls between the two.
    let live = s.hub().subscribe();
    let start = match resume {
        Some(n) => n,
        None => s.reads().run(|c| Ok(events::last_id(c)?)).await.map_err(ApiError::Internal)?,
    };
    let (tx, rx) = mpsc::channel(64);
    s.metrics().sse_connected();
    tokio::spawn(follow(s, live, start, tx));
    Ok(Sse::new(ReceiverStream::new(rx)).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}

fn sse(e: &LiveEvent) -> Result<Event, Infallible> {
    Ok(Event::default().id(e.id.to_string()).event(&e.kind).data(&*e.data))
}

/// Sends stored events after `last`; returns the new last id, or None when the client left.
async fn catch_up(s: &AppState, mut last: i64, tx: &mpsc::Sender<Result<Event, Infallible>>) -> Option<i64> {
    loop {
        let page = match s.reads().run(move |c| Ok(events::after(c, last, PAGE)?)).await {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = ?e, "reading stored events failed; closing the stream");
                return None;
            }
        };
        let done = page.len() < PAGE;
        for e in &page {
            tx.send(sse(e)).await.ok()?;
            last = e.id;
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
    tx: mpsc::Sender<Result<Event, Infallible>>,
) {
    let stop = s.shutdown_token();
    let mut last = start;
    'stream: {
        match catch_up(&s, last, &tx).await {
            Some(l) => last = l,
            None => break 'stream,
        }
        loop {
            let received = tokio::select! {
                _ = stop.cancelled() => break 'stream,
                _ = tx.closed() => break 'stream,
                r = live.recv() => r,
            };
            match received {
                Ok(e) if e.id <= last => {}
                Ok(e) => {
                    if tx.send(sse(&e)).await.is_err() {
                        break 'stream;
                    }
                    last = e.id;
                }
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "slow event subscriber caught up from the table");
                    match catch_up(&s, last, &tx).await {
                        Some(l) => last = l,
                        None => break 'stream,
                    }
                }
                Err(broadcast::error::RecvError::Closed) => break 'stream,
            }
        }
    }
    s.metrics().sse_disconnected();
}
