//! A real server on 127.0.0.1:0 with a temporary database and a hand-set clock.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use chrono::{DateTime, TimeZone, Utc};
use hall_server::clock::ManualClock;
use hall_server::{app, config, AppState, Settings};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use tokio::sync::oneshot;

/// 2026-11-25 09:00 in Shanghai.
pub fn morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 1, 0, 0).unwrap()
}

/// The router on a fresh database at the morning clock, for `oneshot` tests; `demo` enables the
/// demo accounts. Keep the folder while the router is used.
pub fn router(demo: bool) -> (tempfile::TempDir, axum::Router) {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        demo,
        kiosk_rate_limit: 0,
        ..Settings::new(dir.path().join("h.db"), config::sample(), Arc::new(ManualClock::new(morning())))
    };
    let (state, _writer) = AppState::start(settings).unwrap();
    (dir, app(state))
}

pub struct TestServer {
    pub base: String,
    /// The server's state, for what no endpoint does (e.g. anchoring the audit trail now);
    /// dropped by `stop` so that the writer can finish.
    state: Option<AppState>,
    pub clock: Arc<ManualClock>,
    pub db: PathBuf,
    pub http: Client,
    stop: Option<oneshot::Sender<()>>,
    serve: Option<tokio::task::JoinHandle<()>>,
    writer: Option<JoinHandle<()>>,
    _dir: Option<tempfile::TempDir>,
}

pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl TestServer {
    pub async fn start() -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("hall.db");
        let mut s = Self::start_on(&db, Arc::new(ManualClock::new(morning())), 0).await;
        s._dir = Some(dir);
        s
    }

    /// Like `start`, issuing at any hour (`--issue-any-time`): for tests about something else
    /// that need tickets at night.
    pub async fn start_any_time() -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("hall.db");
        let clock = Arc::new(ManualClock::new(morning()));
        let settings = Settings {
            demo: true,
            kiosk_rate_limit: 0,
            issue_any_time: true,
            ..Settings::new(&db, config::sample(), clock.clone())
        };
        let mut s = Self::start_with(settings, clock).await;
        s._dir = Some(dir);
        s
    }

    pub async fn start_on(db: &Path, clock: Arc<ManualClock>, kiosk_rate_limit: u32) -> TestServer {
        Self::start_with(
            Settings { demo: true, kiosk_rate_limit, ..Settings::new(db, config::sample(), clock.clone()) },
            clock,
        )
        .await
    }

    pub async fn start_with(settings: Settings, clock: Arc<ManualClock>) -> TestServer {
        let db = settings.db.clone();
        let (state, writer) = AppState::start(settings).unwrap();
        let kept = state.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let serve = tokio::spawn(async move {
            let st = state.clone();
            let stopped = async move {
                let _ = stopped.await;
                st.shutdown();
            };
            hall_server::http::conn::serve(listener, app(state), stopped).await.unwrap();
        });
        TestServer {
            base,
            state: Some(kept),
            clock,
            db,
            http: Client::new(),
            stop: Some(stop),
            serve: Some(serve),
            writer: Some(writer),
            _dir: None,
        }
    }

    /// Stops gracefully and waits for the writer to finish; the database stays.
    pub async fn stop(mut self) -> Option<tempfile::TempDir> {
        self.state = None;
        self.stop.take().unwrap().send(()).unwrap();
        self.serve.take().unwrap().await.unwrap();
        let w = self.writer.take().unwrap();
        tokio::task::spawn_blocking(move || w.join().unwrap()).await.unwrap();
        self._dir.take()
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        key: Option<&str>,
    ) -> Reply {
        let mut req = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Reply { status, body }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None, None, None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(token), Some(body), None).await
    }

    pub fn state(&self) -> &AppState {
        self.state.as_ref().expect("running")
    }

    /// Issues a ticket from the demo kiosk and returns it.
    pub async fn issue(&self, service: &str) -> Value {
        let r = self.post("/api/tickets", "demo-kiosk", json!({ "service_id": service })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body
    }

    pub async fn issue_priority(&self, service: &str, priority: &str) -> Value {
        let r = self.post("/api/tickets", "demo-kiosk", json!({ "service_id": service, "priority": priority })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body
    }

    /// A ticket read by id as staff (the director): anonymous reads are refused (contract v1.1).
    pub async fn ticket(&self, id: &Value) -> Value {
        let director = self.staff("director").await;
        let r = self.send(Method::GET, &format!("/api/tickets/{id}"), Some(&director), None, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body
    }

    /// Signs in a director or admin demo account and returns the token.
    pub async fn staff(&self, user: &str) -> String {
        let r = self
            .send(Method::POST, "/api/auth/login", None, Some(json!({"username": user, "password": "demo"})), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["role"], user, "the demo director and admin accounts carry their role's name");
        r.body["token"].as_str().unwrap().to_string()
    }

    /// Signs in `clerkN` at `window` and returns the token.
    pub async fn clerk(&self, user: &str, window: &str) -> String {
        let r = self
            .send(
                Method::POST,
                "/api/auth/login",
                None,
                Some(json!({"username": user, "password": "demo", "window_id": window})),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body["token"].as_str().unwrap().to_string()
    }

    pub async fn act(&self, token: &str, window: &str, action: &str) -> Reply {
        self.post(&format!("/api/windows/{window}/{action}"), token, json!({})).await
    }
}

/// Asserts a contract error: status and `{"error": code, "message": ...}`.
pub fn assert_error(r: &Reply, status: u16, code: &str) {
    assert_eq!(r.status.as_u16(), status, "{}", r.body);
    assert_eq!(r.body["error"], code, "{}", r.body);
    assert!(r.body["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", r.body);
}

/// A minimal Server-Sent Events reader.
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
    pub async fn connect(base: &str, last_event_id: Option<i64>) -> Sse {
        let mut req = Client::new().get(format!("{base}/api/events"));
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
