//! The display's client and model against a real server: calls arrive, and none still waiting
//! for its citizen is missed when the server restarts while calls go on.

use std::time::Duration;

use hall_display::client::{Client, Feed};
use hall_display::controller::{Effect, Link, Model, Settings};
use hall_testkit::TestServer;
use serde_json::json;
use tokio::sync::mpsc;

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
                for effect in self.model.apply(input, chrono::Utc::now()) {
                    if let Effect::Announce(c) = effect {
                        self.announced.push(c.number);
                    }
                }
            }
        }
    }
}

async fn call_one(s: &TestServer, clerk: &str) {
    s.issue("mz-dibao").await;
    assert_eq!(s.act(clerk, "w02", "call-next").await.status, 200);
    assert_eq!(s.post("/api/windows/w02/finish", clerk, json!({"outcome": "immediate"})).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_reach_the_display_and_none_still_calling_is_missed_across_a_restart() {
    // The wall clock: the model judges calls stale by its own.
    let server = TestServer::options().real_time().issue_any_time(true).start().await;
    let base = server.base.clone();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(Client::new(&base, reqwest::Client::new()).follow(tx));
    let mut display = Display { rx, model: Model::new(Settings::default()), announced: vec![] };
    display.until(|d| d.model.link == Link::Live).await;
    assert_eq!(display.model.hall_name, "青石镇便民服务中心");

    let clerk = server.clerk("clerk2", "w02").await;
    for _ in 0..3 {
        call_one(&server, &clerk).await;
    }
    display.until(|d| d.announced.len() == 3).await;
    assert_eq!(display.model.latest.as_ref().unwrap().number, "B003");
    assert_eq!(display.model.latest.as_ref().unwrap().window_number, 2);

    // The server goes away; the display notices and keeps showing the last state.
    let (addr, db) = (server.addr, server.db.clone());
    let _dir = server.stop().await;
    display.until(|d| matches!(d.model.link, Link::Lost { .. })).await;
    assert_eq!(display.model.recent.len(), 3);

    // Back on the same port and database: calls happen before the display has reconnected.
    // B004 is served and finished meanwhile (window 2 moved on): shown, not said; B005 is still
    // called to window 2: said.
    let server = TestServer::options().real_time().issue_any_time(true).addr(addr).db(&db).start().await;
    call_one(&server, &clerk).await;
    server.issue("mz-dibao").await;
    assert_eq!(server.act(&clerk, "w02", "call-next").await.status, 200);
    display.until(|d| d.announced.len() == 4 && d.model.link == Link::Live).await;
    assert_eq!(display.announced, ["B001", "B002", "B003", "B005"], "each once, in order");
    let recent: Vec<&str> = display.model.recent.iter().map(|c| c.number.as_str()).collect();
    assert_eq!(recent, ["B005", "B004", "B003", "B002", "B001"]);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_hall_configuration_reaches_the_display_without_a_reconnection() {
    let server = TestServer::options().real_time().start().await;
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(Client::new(&server.base, reqwest::Client::new()).follow(tx));
    let mut display = Display { rx, model: Model::new(Settings::default()), announced: vec![] };
    display.until(|d| d.model.link == Link::Live).await;
    let name = |d: &Display| d.model.windows.iter().find(|w| w.id == "w11").map(|w| w.name.clone());
    assert_eq!(name(&display).as_deref(), Some("林业窗口"));
    // The administrator renames the window on /admin: the display above it follows at once.
    let admin = server.staff("admin").await;
    let toml = server.send(reqwest::Method::GET, "/api/admin/hall", Some(&admin), None, None).await.body["toml"]
        .as_str()
        .unwrap()
        .replacen("林业窗口", "林业工作站窗口", 1);
    assert_eq!(server.post("/api/admin/hall", &admin, json!({ "toml": toml })).await.status, 200);
    display.until(|d| name(d).as_deref() == Some("林业工作站窗口")).await;
    assert_eq!(display.model.link, Link::Live, "the stream was kept");
    server.stop().await;
}

/// A display started (or back from an outage) after calls and their recalls lists every
/// ticket it has room for: a recall is a row of the recent calls, so asking the server for
/// only as many rows as the list shows left the list short.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recalls_do_not_shorten_the_list_a_display_starts_with() {
    let server = TestServer::options().real_time().issue_any_time(true).start().await;
    let clerk = server.clerk("clerk2", "w02").await;
    for _ in 0..3 {
        server.issue("mz-dibao").await;
        assert_eq!(server.act(&clerk, "w02", "call-next").await.status, 200);
        for _ in 0..2 {
            assert_eq!(server.act(&clerk, "w02", "recall").await.status, 200);
        }
        let done = server.post("/api/windows/w02/finish", &clerk, json!({"outcome": "immediate"})).await;
        assert_eq!(done.status, 200);
    }
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(Client::new(&server.base, reqwest::Client::new()).follow(tx));
    let settings = Settings { recent: 3, ..Settings::default() };
    let mut display = Display { rx, model: Model::new(settings), announced: vec![] };
    display.until(|d| d.model.link == Link::Live).await;
    let recent: Vec<&str> = display.model.recent.iter().map(|c| c.number.as_str()).collect();
    assert_eq!(recent, ["B003", "B002", "B001"]);
    server.stop().await;
}

/// The server's time is read again while the stream stays up (not only at each connection):
/// a clock stepped after the displays connected, or this machine's drift, is caught up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_time_is_read_again_while_the_stream_stays_up() {
    let server = TestServer::options().real_time().start().await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let client = Client::new(&server.base, reqwest::Client::new()).with_time_check(Duration::from_millis(100));
    tokio::spawn(client.follow(tx));
    let (mut times, mut connections) = (0, 0);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while times < 3 {
        match tokio::time::timeout_at(deadline, rx.recv()).await.expect("the server's time read once only").unwrap() {
            Feed::ServerTime(c) => {
                let off = (c.at(std::time::Instant::now()) - chrono::Utc::now()).num_seconds().abs();
                assert!(off <= 2, "the server's time, off by {off} s");
                times += 1;
            }
            Feed::Input(hall_display::controller::Input::Connected) => connections += 1,
            Feed::Input(_) => {}
        }
    }
    assert_eq!(connections, 1, "read again on the same connection");
}
