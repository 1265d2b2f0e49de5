//! A minimal reader of the hall's Server-Sent Events.

use reqwest::{Client, StatusCode};
use serde_json::Value;

pub struct Sse {
    res: reqwest::Response,
    buf: String,
}

#[derive(Debug, Clone)]
pub struct SseEvent {
    pub id: i64,
    pub kind: String,
    pub data: Value,
}

impl Sse {
    /// Subscribes to `{base}/api/events` anonymously, from `last_event_id` if given.
    pub async fn connect(base: &str, last_event_id: Option<i64>) -> Sse {
        Sse::connect_as(base, None, last_event_id).await
    }

    /// Subscribes with a staff session's token (`None`: anonymously).
    pub async fn connect_as(base: &str, token: Option<&str>, last_event_id: Option<i64>) -> Sse {
        Sse::open(Client::new(), base, token, last_event_id).await
    }

    /// Subscribes anonymously through `client` (e.g. one that trusts a test CA).
    pub async fn connect_with(base: &str, client: Client, last_event_id: Option<i64>) -> Sse {
        Sse::open(client, base, None, last_event_id).await
    }

    async fn open(client: Client, base: &str, token: Option<&str>, last_event_id: Option<i64>) -> Sse {
        let mut req = client.get(format!("{base}/api/events"));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(id) = last_event_id {
            req = req.header("Last-Event-ID", id.to_string());
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
        Sse { res, buf: String::new() }
    }

    /// The next event (keep-alive comments skipped), waiting at most 10 s.
    pub async fn next(&mut self) -> SseEvent {
        tokio::time::timeout(std::time::Duration::from_secs(10), self.next_inner()).await.expect("no event within 10 s")
    }

    async fn next_inner(&mut self) -> SseEvent {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let (mut id, mut kind, mut data) = (None, None, String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = Some(v.trim().parse().unwrap());
                    } else if let Some(v) = line.strip_prefix("event:") {
                        kind = Some(v.trim().to_string());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if let (Some(id), Some(kind)) = (id, kind) {
                    return SseEvent { id, kind, data: serde_json::from_str(&data).unwrap() };
                }
                continue;
            }
            let chunk = self.res.chunk().await.unwrap().expect("stream ended");
            self.buf.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Reads until an event of `kind`, returning it and everything read.
    pub async fn until(&mut self, kind: &str) -> (SseEvent, Vec<SseEvent>) {
        let mut seen = Vec::new();
        loop {
            let e = self.next().await;
            seen.push(e.clone());
            if e.kind == kind {
                return (e, seen);
            }
        }
    }
}
