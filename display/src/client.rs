//! The display's link to the server: the snapshot (`GET` of the hall, recent calls, queues,
//! windows) and the live stream, resumed with `Last-Event-ID` after any break, with back-off.

use std::time::Duration;

use anyhow::{bail, Context};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use hall_wire as wire;
use tokio::sync::mpsc;

use crate::controller::{Input, Snapshot};

/// What the client tells the controller: model inputs, plus the server's clock.
#[derive(Debug)]
pub enum Feed {
    Input(Input),
    /// The server's time at a moment of this machine's monotonic clock, from the snapshot's
    /// `Date` header.
    ServerTime(ServerClock),
}

/// The server's time, carried forward by this machine's monotonic clock: a step of the local
/// wall clock after the snapshot (timesyncd correcting a bad RTC at boot, a date typed by hand)
/// moves nothing. Read from an answer's `Date` (whole seconds: taken as its middle, half a
/// second on) at the middle of the request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServerClock {
    server: DateTime<Utc>,
    at: std::time::Instant,
}

impl ServerClock {
    pub fn from_answer(date: DateTime<Utc>, asked: std::time::Instant, answered: std::time::Instant) -> ServerClock {
        ServerClock { server: date + chrono::Duration::milliseconds(500), at: asked + (answered - asked) / 2 }
    }

    /// The server's time at `now` of the monotonic clock.
    pub fn at(&self, now: std::time::Instant) -> DateTime<Utc> {
        let since = now.saturating_duration_since(self.at);
        self.server + chrono::Duration::from_std(since).unwrap_or_else(|_| chrono::Duration::zero())
    }
}

#[derive(Clone)]
pub struct Client {
    base: String,
    http: reqwest::Client,
    /// How often the server's time is read again while the stream stays up.
    time_check: Duration,
}

/// The server's time read again every so often: a stream may stay up for weeks, while the
/// server's clock is stepped (a bad RTC corrected by NTP after the displays connected) or this
/// machine's drifts; calls would then look stale (never said) or of another day (not shown).
pub const TIME_CHECK: Duration = Duration::from_secs(300);

/// The recent call rows a snapshot asks for: the server's most. A recall is a row of its own, so
/// as many rows as the list shows would leave it short of tickets after a few recalls (the
/// model keeps one entry a ticket, as many as its list shows, and announces every fresh call
/// missed while away, oldest first).
const SNAPSHOT_CALLS: usize = 100;

/// The display's HTTP client: `ca` (a private CA's certificate, PEM file) trusted besides the
/// system's CAs for an `https://` server.
pub fn http_client(ca: Option<&std::path::Path>) -> anyhow::Result<reqwest::Client> {
    // Named, so that the server counts the displays' streams apart (its alert on no display).
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("hall-display/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(5));
    if let Some(path) = ca {
        let pem = std::fs::read(path).with_context(|| format!("cannot read the CA file {}", path.display()))?;
        builder = builder.add_root_certificate(
            reqwest::Certificate::from_pem(&pem)
                .with_context(|| format!("{}: not a PEM certificate", path.display()))?,
        );
    }
    builder.build().context("the HTTP client")
}

impl Client {
    /// A client of `base` (http:// or https://, through `http`: see [`http_client`]).
    pub fn new(base: &str, http: reqwest::Client) -> Client {
        Client { base: base.trim_end_matches('/').to_string(), http, time_check: TIME_CHECK }
    }

    /// The same client, reading the server's time every `every` (tests).
    pub fn with_time_check(self, every: Duration) -> Client {
        Client { time_check: every, ..self }
    }

    /// The server's time, from the `Date` of a small answer.
    async fn clock(&self) -> anyhow::Result<Option<ServerClock>> {
        let asked = std::time::Instant::now();
        let (_, date): (serde_json::Value, _) = self.get("/api/hall").await?;
        Ok(date.map(|d| ServerClock::from_answer(d, asked, std::time::Instant::now())))
    }

    /// Reads the server's time every `time_check` for as long as the display runs (an answer
    /// that fails is tried again at the next; the stream's own reconnection reads it too).
    async fn keep_time(self, feed: mpsc::UnboundedSender<Feed>) {
        loop {
            tokio::time::sleep(self.time_check).await;
            if let Ok(Some(c)) = self.clock().await {
                if feed.send(Feed::ServerTime(c)).is_err() {
                    return; // the display is closing
                }
            }
        }
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> anyhow::Result<(T, Option<DateTime<Utc>>)> {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .with_context(|| format!("GET {path}"))?;
        if !res.status().is_success() {
            bail!("GET {path}: {}", res.status());
        }
        let date = res
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|d| d.to_str().ok())
            .and_then(|d| DateTime::parse_from_rfc2822(d).ok())
            .map(|d| d.with_timezone(&Utc));
        Ok((res.json().await?, date))
    }

    pub async fn snapshot(&self) -> anyhow::Result<(Snapshot, Option<ServerClock>)> {
        let asked = std::time::Instant::now();
        let (hall, date): (wire::HallInfo, _) = self.get("/api/hall").await?;
        let clock = date.map(|d| ServerClock::from_answer(d, asked, std::time::Instant::now()));
        let (calls, _) = self.get(&format!("/api/calls/recent?limit={SNAPSHOT_CALLS}")).await?;
        let (queues, _) = self.get("/api/queues").await?;
        let (windows, _) = self.get("/api/windows").await?;
        let (services, _) = self.get("/api/services").await?;
        Ok((Snapshot { hall, calls, queues, windows, services }, clock))
    }

    /// Follows the server forever: connect, take the snapshot, stream events; on any break,
    /// report it, wait (0.5 s doubling to 10 s) and resume after the last event seen.
    pub async fn follow(self, feed: mpsc::UnboundedSender<Feed>) {
        let time = tokio::spawn(self.clone().keep_time(feed.clone()));
        let _stop_time = AbortOnDrop(time);
        let mut last_id: Option<i64> = None;
        let mut backoff = Duration::from_millis(500);
        loop {
            let mut connected = false;
            match self.stream_once(&feed, &mut last_id, &mut connected).await {
                Ok(()) => tracing::info!("event stream ended; reconnecting"),
                Err(e) => tracing::warn!(error = %format!("{e:#}"), "server unreachable; retrying"),
            }
            if feed.send(Feed::Input(Input::Disconnected)).is_err() {
                return; // the display is closing
            }
            if connected {
                backoff = Duration::from_millis(500);
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(10));
        }
    }

    async fn stream_once(
        &self,
        feed: &mpsc::UnboundedSender<Feed>,
        last_id: &mut Option<i64>,
        connected: &mut bool,
    ) -> anyhow::Result<()> {
        let mut req = self.http.get(format!("{}/api/events", self.base)).header("Accept", "text/event-stream");
        if let Some(id) = last_id {
            req = req.header("Last-Event-ID", id.to_string());
        }
        let res = req.send().await.context("GET /api/events")?;
        if !res.status().is_success() {
            bail!("GET /api/events: {}", res.status());
        }
        // Subscribed: now the snapshot, so that nothing falls between the two.
        let (snapshot, clock) = self.snapshot().await?;
        if let Some(c) = clock {
            let _ = feed.send(Feed::ServerTime(c));
        }
        let _ = feed.send(Feed::Input(Input::Snapshot(Box::new(snapshot))));
        let _ = feed.send(Feed::Input(Input::Connected));
        *connected = true;
        let mut parser = SseParser::default();
        let mut body = res.bytes_stream();
        loop {
            // Keep-alives arrive every 10 s; silence for 30 s means the link is dead.
            let chunk = match tokio::time::timeout(Duration::from_secs(30), body.next()).await {
                Err(_) => bail!("no data from the server for 30 s"),
                Ok(None) => return Ok(()),
                Ok(Some(chunk)) => chunk.context("reading the event stream")?,
            };
            for e in parser.push(&chunk) {
                *last_id = Some(e.id);
                // A new hall configuration (windows added or renamed, matters changed): the
                // whole state again, without leaving the stream.
                let reload = e.kind == hall_wire::event_kind::HALL_CHANGED;
                if feed.send(Feed::Input(Input::Event { id: e.id, kind: e.kind, data: e.data })).is_err() {
                    return Ok(());
                }
                if reload {
                    let (snapshot, clock) = self.snapshot().await?;
                    if let Some(c) = clock {
                        let _ = feed.send(Feed::ServerTime(c));
                    }
                    let _ = feed.send(Feed::Input(Input::Snapshot(Box::new(snapshot))));
                }
            }
        }
    }
}

/// Ends a task when dropped (the time checks end with the stream they serve).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RawEvent {
    pub id: i64,
    pub kind: String,
    pub data: serde_json::Value,
}

/// Splits a text/event-stream into events (comments and incomplete frames wait). Bytes are
/// kept until a frame is complete, so a character split across reads stays whole.
#[derive(Default)]
pub struct SseParser {
    buf: Vec<u8>,
}

impl SseParser {
    pub fn push(&mut self, bytes: &[u8]) -> Vec<RawEvent> {
        self.buf.extend_from_slice(bytes);
        let mut out = Vec::new();
        while let Some(end) = self.buf.windows(2).position(|w| w == b"\n\n") {
            let raw: Vec<u8> = self.buf.drain(..end + 2).collect();
            let frame = String::from_utf8_lossy(&raw);
            let (mut id, mut kind, mut data) = (None, None, String::new());
            for line in frame.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    id = v.trim().parse().ok();
                } else if let Some(v) = line.strip_prefix("event:") {
                    kind = Some(v.trim().to_string());
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.strip_prefix(' ').unwrap_or(v));
                }
            }
            if let (Some(id), Some(kind)) = (id, kind) {
                if let Ok(data) = serde_json::from_str(&data) {
                    out.push(RawEvent { id, kind, data });
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The server's time goes on with the monotonic clock from the answer's middle, whatever
    /// this machine's wall clock does meanwhile (the wall clock is not read at all).
    #[test]
    fn the_servers_clock_runs_on_from_its_answer_not_from_the_wall_clock() {
        use chrono::TimeZone;
        let date = Utc.with_ymd_and_hms(2026, 11, 25, 1, 0, 0).unwrap();
        let asked = std::time::Instant::now();
        let answered = asked + std::time::Duration::from_millis(200);
        let c = ServerClock::from_answer(date, asked, answered);
        // The Date header's second, taken at its middle, at the request's middle.
        assert_eq!(c.at(asked + std::time::Duration::from_millis(100)), date + chrono::Duration::milliseconds(500));
        let later = asked + std::time::Duration::from_secs(3600) + std::time::Duration::from_millis(100);
        assert_eq!(c.at(later), date + chrono::Duration::milliseconds(500) + chrono::Duration::hours(1));
        // A moment before the anchor reads as the anchor (never a time before the answer).
        assert_eq!(c.at(asked), date + chrono::Duration::milliseconds(500));
    }

    #[test]
    fn a_character_split_across_reads_stays_whole() {
        let frame = "id: 1\nevent: notice_changed\ndata: {\"notice\":\"民政窗口\"}\n\n".as_bytes();
        let cut = frame.iter().position(|&b| b >= 0x80).unwrap() + 1; // inside 民
        let mut p = SseParser::default();
        assert!(p.push(&frame[..cut]).is_empty());
        let got = p.push(&frame[cut..]);
        assert_eq!(got[0].data["notice"], "民政窗口");
    }

    #[test]
    fn frames_split_across_chunks_and_comments_are_skipped() {
        let mut p = SseParser::default();
        assert!(p.push(b": connected\n\nid: 5\nevent: ticket_called\nda").is_empty());
        let got = p.push(b"ta: {\"number\":\"A001\"}\n\nid: 6\nevent: queue_changed\ndata: {}\n\n: keep-alive\n\n");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].id, 5);
        assert_eq!(got[0].kind, "ticket_called");
        assert_eq!(got[0].data["number"], "A001");
        assert_eq!(got[1].kind, "queue_changed");
    }
}
