//! Many live subscribers: from a call-next answer to the `ticket_called` event reaching each.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use reqwest::Client;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::stats::Samples;

pub struct Fanout {
    pub subscribers: usize,
    /// From the call-next answer arriving (0 when the event came first).
    pub latency: Samples,
    /// From the call-next request being sent: an upper bound that includes the commit.
    pub from_request: Samples,
    /// Subscribers that did not receive every call.
    pub missed: usize,
}

/// One subscriber: a raw HTTP/1.1 connection reading the stream and reporting each
/// `ticket_called` event's arrival.
async fn subscribe(
    addr: String,
    id: usize,
    ready: mpsc::Sender<()>,
    arrivals: mpsc::UnboundedSender<(usize, Instant)>,
) -> anyhow::Result<()> {
    let mut s = TcpStream::connect(&addr).await?;
    s.write_all(b"GET /api/events HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n").await?;
    let mut buf = vec![0u8; 16 * 1024];
    let mut pending: Vec<u8> = Vec::new();
    let mut announced = false;
    loop {
        let n = s.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        let now = Instant::now();
        pending.extend_from_slice(&buf[..n]);
        if !announced && pending.windows(11).any(|w| w == b": connected") {
            announced = true;
            let _ = ready.send(()).await;
        }
        let needle = b"event: ticket_called\n";
        let mut from = 0;
        while let Some(pos) = pending[from..].windows(needle.len()).position(|w| w == needle) {
            let _ = arrivals.send((id, now));
            from += pos + needle.len();
        }
        // Keep only what could be the start of a needle split across reads.
        let keep = pending.len().saturating_sub(needle.len()).max(from);
        pending.drain(..keep);
    }
}

pub async fn fanout(http: &Client, base: &str, subscribers: usize, calls: usize) -> anyhow::Result<Fanout> {
    let addr = base.trim_start_matches("http://").to_string();
    let (ready_tx, mut ready_rx) = mpsc::channel(subscribers.max(1));
    let (arr_tx, mut arr_rx) = mpsc::unbounded_channel();
    let mut tasks = Vec::new();
    for id in 0..subscribers {
        tasks.push(tokio::spawn(subscribe(addr.clone(), id, ready_tx.clone(), arr_tx.clone())));
        if id % 200 == 199 {
            tokio::task::yield_now().await;
        }
    }
    for _ in 0..subscribers {
        tokio::time::timeout(Duration::from_secs(60), ready_rx.recv()).await.context("subscribers did not connect")?;
    }
    // A clerk and tickets to call.
    for _ in 0..calls {
        crate::load::issue(http, base, "demo-kiosk", "mz-dibao").await?;
    }
    let login = http
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"username": "clerk2", "password": "demo", "window_id": "w02"}))
        .send()
        .await?
        .json::<serde_json::Value>()
        .await?;
    let token = login["token"].as_str().context("clerk login")?.to_string();
    let mut latency = Samples::default();
    let mut from_request = Samples::default();
    let mut received = vec![0usize; subscribers];
    for _ in 0..calls {
        let sent = Instant::now();
        let res = http.post(format!("{base}/api/windows/w02/call-next")).bearer_auth(&token).send().await?;
        let t0 = Instant::now();
        if res.status() != 200 {
            bail!("call-next: {}", res.status());
        }
        let mut got = 0;
        let deadline = t0 + Duration::from_secs(10);
        while got < subscribers {
            match tokio::time::timeout_at(deadline.into(), arr_rx.recv()).await {
                Ok(Some((id, at))) => {
                    received[id] += 1;
                    latency.push(at.saturating_duration_since(t0));
                    from_request.push(at.saturating_duration_since(sent));
                    got += 1;
                }
                _ => break,
            }
        }
        http.post(format!("{base}/api/windows/w02/finish"))
            .bearer_auth(&token)
            .json(&json!({"outcome": "immediate"}))
            .send()
            .await?;
    }
    for t in tasks {
        t.abort();
    }
    let missed = received.iter().filter(|&&n| n < calls).count();
    Ok(Fanout { subscribers, latency, from_request, missed })
}

/// Keeps `n` idle subscribers connected until the returned handles are dropped/aborted.
pub async fn hold(base: &str, n: usize) -> anyhow::Result<Vec<tokio::task::JoinHandle<anyhow::Result<()>>>> {
    let addr = base.trim_start_matches("http://").to_string();
    let (ready_tx, mut ready_rx) = mpsc::channel(n.max(1));
    let (arr_tx, arr_rx) = mpsc::unbounded_channel();
    drop(arr_rx); // arrivals are not needed: their sends just fail
    let tasks: Vec<_> =
        (0..n).map(|id| tokio::spawn(subscribe(addr.clone(), id, ready_tx.clone(), arr_tx.clone()))).collect();
    for _ in 0..n {
        tokio::time::timeout(Duration::from_secs(60), ready_rx.recv()).await.context("subscribers did not connect")?;
    }
    Ok(tasks)
}
