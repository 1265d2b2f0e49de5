//! The display's client and model against a real server: calls arrive, and none is missed
//! when the server restarts while calls go on.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hall_display::client::{Client, Feed};
use hall_display::model::{Effect, Link, Model, Settings};
use hall_server::{clock::SystemClock, config, Settings as ServerSettings};
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};

struct Server {
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
    writer: std::thread::JoinHandle<()>,
}

async fn start(db: &Path, port: u16) -> (Server, u16) {
    let settings = ServerSettings {
        demo: true,
        kiosk_rate_limit: 0,
        issue_any_time: true,
        ..ServerSettings::new(db, config::sample(), Arc::new(SystemClock))
    };
    let (state, writer) = hall_server::AppState::start(settings).unwrap();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let st = state.clone();
        axum::serve(listener, hall_server::app(state))
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
                st.shutdown();
            })
            .await
            .unwrap();
    });
    (Server { stop, task, writer }, port)
}

impl Server {
    async fn stop(self) {
        self.stop.send(()).unwrap();
        self.task.await.unwrap();
        tokio::task::spawn_blocking(move || self.writer.join().unwrap()).await.unwrap();
    }
}

struct Display {
    rx: mpsc::UnboundedReceiver<Feed>,
    model: Model,
    announced: Vec<String>,
}

impl Display {
    /// Applies what arrives until `done` holds (at most 15 s).
    async fn until(&mut self, done: impl Fn(&Display) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        while !done(self) {
            let feed =
                tokio::time::timeout_at(deadline, self.rx.recv()).await.expect("the display never got there").unwrap();
            if let Feed::Input(input) = feed {
                for Effect::Announce(c) in self.model.apply(input, chrono::Utc::now()) {
                    self.announced.push(c.number);
                }
            }
        }
    }
}

async fn post(http: &reqwest::Client, url: String, token: &str, body: Value) -> Value {
    let res = http.post(url).bearer_auth(token).json(&body).send().await.unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    res.json().await.unwrap_or(Value::Null)
}

async fn call_one(http: &reqwest::Client, base: &str, clerk: &str) {
    post(http, format!("{base}/api/tickets"), "demo-kiosk", json!({"service_id": "mz-dibao"})).await;
    post(http, format!("{base}/api/windows/w02/call-next"), clerk, json!({})).await;
    post(http, format!("{base}/api/windows/w02/finish"), clerk, json!({"outcome": "immediate"})).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_reach_the_display_and_none_is_missed_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    let (server, port) = start(&db, 0).await;
    let base = format!("http://127.0.0.1:{port}");
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(Client::new(&base, 8).follow(tx));
    let mut display = Display { rx, model: Model::new(Settings::default()), announced: vec![] };
    display.until(|d| d.model.link == Link::Live).await;
    assert_eq!(display.model.hall_name, "青石镇便民服务中心");

    let http = reqwest::Client::new();
    let login = json!({"username": "clerk2", "password": "demo", "window_id": "w02"});
    let session: Value =
        http.post(format!("{base}/api/auth/login")).json(&login).send().await.unwrap().json().await.unwrap();
    let clerk = session["token"].as_str().unwrap().to_string();
    for _ in 0..3 {
        call_one(&http, &base, &clerk).await;
    }
    display.until(|d| d.announced.len() == 3).await;
    assert_eq!(display.model.latest.as_ref().unwrap().number, "B003");
    assert_eq!(display.model.latest.as_ref().unwrap().window_number, 2);

    // The server goes away; the display notices and keeps showing the last state.
    server.stop().await;
    display.until(|d| matches!(d.model.link, Link::Lost { .. })).await;
    assert_eq!(display.model.recent.len(), 3);

    // Back on the same port: calls happen before the display has reconnected.
    let (server, _) = start(&db, port).await;
    for _ in 0..2 {
        call_one(&http, &base, &clerk).await;
    }
    display.until(|d| d.announced.len() == 5 && d.model.link == Link::Live).await;
    assert_eq!(display.announced, ["B001", "B002", "B003", "B004", "B005"], "each once, in order");
    let recent: Vec<&str> = display.model.recent.iter().map(|c| c.number.as_str()).collect();
    assert_eq!(recent, ["B005", "B004", "B003", "B002", "B001"]);
    server.stop().await;
}
