//! Retries, restarts and SIGKILL: an acknowledged write is never lost or doubled.

use rusqlite::OptionalExtension;
use std::collections::BTreeMap;
use std::sync::Arc;

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{assert_error, TestServer};

/// What the server acknowledged while it is being killed, and a wake-up for each new one (so
/// the test waits for the count it needs instead of polling).
struct Acked<K, V> {
    seen: std::sync::Mutex<BTreeMap<K, V>>,
    more: tokio::sync::Notify,
}

impl<K: Ord + Clone, V: Clone> Acked<K, V> {
    fn new() -> Arc<Self> {
        Arc::new(Acked { seen: std::sync::Mutex::new(BTreeMap::new()), more: tokio::sync::Notify::new() })
    }

    fn insert(&self, key: K, value: V) {
        self.seen.lock().unwrap().insert(key, value);
        // A permit is kept when nobody waits yet: no acknowledgement is missed.
        self.more.notify_one();
    }

    async fn at_least(&self, n: usize) {
        while self.seen.lock().unwrap().len() < n {
            self.more.notified().await;
        }
    }

    fn all(&self) -> BTreeMap<K, V> {
        self.seen.lock().unwrap().clone()
    }
}

#[tokio::test]
async fn a_retried_request_gets_the_first_answer_and_changes_nothing() {
    let s = TestServer::start().await;
    let body = json!({"service_id": "mz-dibao"});
    let first =
        s.send(Method::POST, "/api/tickets", Some("demo-kiosk"), Some(body.clone()), Some("kiosk-retry-1")).await;
    let again =
        s.send(Method::POST, "/api/tickets", Some("demo-kiosk"), Some(body.clone()), Some("kiosk-retry-1")).await;
    assert_eq!(first.status, 201);
    assert_eq!(again.status, 201);
    assert_eq!(first.body, again.body);
    assert_eq!(s.get("/api/queues").await.body[1]["waiting"], 1);
    let other = s
        .send(
            Method::POST,
            "/api/tickets",
            Some("demo-kiosk"),
            Some(json!({"service_id": "mz-tekun"})),
            Some("kiosk-retry-1"),
        )
        .await;
    assert_error(&other, 422, "idempotency_key_reused");

    // A clerk whose call-next answer was lost does not skip the citizen.
    s.issue("mz-dibao").await;
    let c = s.clerk("clerk2", "w02").await;
    let call = s.send(Method::POST, "/api/windows/w02/call-next", Some(&c), None, Some("call-7")).await;
    let retry = s.send(Method::POST, "/api/windows/w02/call-next", Some(&c), None, Some("call-7")).await;
    assert_eq!(call.body["number"], "B001");
    assert_eq!(retry.body, call.body);
    assert_eq!(s.get("/api/queues").await.body[1]["waiting"], 1, "B002 still waits");
    // The fingerprint is the request as sent: the same key on another endpoint is another request.
    let elsewhere = s.send(Method::POST, "/api/windows/w02/recall", Some(&c), None, Some("call-7")).await;
    assert_error(&elsewhere, 422, "idempotency_key_reused");
    // A retried error is the same error.
    let f1 = s
        .send(Method::POST, "/api/windows/w02/finish", Some(&c), Some(json!({"outcome": "returned"})), Some("f"))
        .await;
    let f2 = s
        .send(Method::POST, "/api/windows/w02/finish", Some(&c), Some(json!({"outcome": "returned"})), Some("f"))
        .await;
    assert_error(&f1, 422, "reason_required");
    assert_eq!(f1.body, f2.body);
}

#[tokio::test]
async fn a_restart_on_the_same_file_keeps_everything() {
    let s = TestServer::start().await;
    s.issue("mz-dibao").await;
    s.issue("mz-dibao").await;
    let c = s.clerk("clerk2", "w02").await;
    let called = s.act(&c, "w02", "call-next").await.body;
    let windows_before = s.get("/api/windows").await.body;

    let s = s.restart().await;
    assert_eq!(s.get("/api/windows").await.body, windows_before);
    assert_eq!(s.ticket(&called["id"]).await["status"], "called");
    assert_eq!(s.issue("mz-dibao").await["number"], "B003");
    // The session survived too.
    let done = s.post("/api/windows/w02/finish", &c, json!({"outcome": "immediate"})).await;
    assert_eq!(done.status, 200, "{}", done.body);
    let calls = s.get("/api/calls/recent").await.body;
    assert_eq!(calls[0]["number"], "B001");
    let db = s.db.clone();
    let dir = s.stop().await;
    let conn = rusqlite::Connection::open(&db).unwrap();
    let v = hall_server::store::audit::verify(&conn).unwrap().expect("audit chain intact");
    assert!(v.rows >= 5);
    drop(dir);
}

/// Starts the real binary and returns it with its base URL.
async fn spawn_server(db: &std::path::Path) -> (tokio::process::Child, String) {
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_hall-server"));
    server
        .args([
            "--db",
            db.to_str().unwrap(),
            "--demo",
            "--issue-any-time",
            "--kiosk-rate-limit",
            "0",
            "--listen",
            "127.0.0.1:0",
        ])
        .env("RUST_LOG", "warn");
    let (child, base) = hall_testkit::child::spawn(server, std::time::Duration::from_secs(30)).await.unwrap();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    (child, base)
}

/// A log that cannot be synced (here: removed from under the server, as a mistaken clean-up
/// would) ends writing: the write is refused, and the server exits non-zero for its service
/// manager to start it again (`writer/durable.rs`), rather than acknowledge writes that a later
/// restart would not find.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_whose_log_cannot_be_synced_refuses_the_write_and_exits_to_be_started_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    let (mut child, base) = spawn_server(&db).await;
    let http = reqwest::Client::new();
    let issue = || {
        http.post(format!("{base}/api/tickets"))
            .bearer_auth("demo-kiosk")
            .json(&json!({"service_id": "mz-dibao"}))
            .send()
    };
    assert_eq!(issue().await.unwrap().status(), 201);
    std::fs::remove_file(dir.path().join("hall.db-wal")).unwrap();
    assert_eq!(issue().await.unwrap().status(), 500);
    let exit = tokio::time::timeout(std::time::Duration::from_secs(30), child.wait()).await;
    let status = exit.expect("the server went on after its log could not be synced").unwrap();
    assert_eq!(status.code(), Some(1), "{status}");

    let (_child, base) = spawn_server(&db).await;
    let health = http.get(format!("{base}/api/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let issued = http
        .post(format!("{base}/api/tickets"))
        .bearer_auth("demo-kiosk")
        .json(&json!({"service_id": "mz-dibao"}))
        .send()
        .await
        .unwrap();
    assert_eq!(issued.status(), 201);
    // The ticket acknowledged before was kept (the last close copied the log it still had open).
    assert_ne!(issued.json::<Value>().await.unwrap()["number"], "B001", "the acknowledged ticket was lost");
}

/// Once a flush failed, no audit anchor names the head the refused commit left (a crash would
/// take that row back, and the anchor would then cry tampering).
#[tokio::test]
async fn no_audit_anchor_after_a_flush_failed() {
    let s = TestServer::start().await;
    s.issue("mz-dibao").await;
    // The sweeper's first round may have anchored the ticket already (it runs at start).
    s.state().anchor_audit().await.unwrap();
    let before = s.state().last_anchor().await.expect("an anchor of the acknowledged head");
    std::fs::remove_file(format!("{}-wal", s.db.display())).unwrap();
    let refused =
        s.send(Method::POST, "/api/tickets", Some("demo-kiosk"), Some(json!({"service_id": "mz-dibao"})), None).await;
    assert_eq!(refused.status, 500);
    assert_eq!(s.state().anchor_audit().await.unwrap(), None);
    assert_eq!(s.state().last_anchor().await, Some(before), "no anchor after the refused write");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_during_issuing_loses_no_acknowledged_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    let (mut child, base) = spawn_server(&db).await;
    let acked = Acked::<i64, String>::new();
    let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(5)).build().unwrap();
    let mut issuers = vec![];
    for k in 0..6 {
        let (acked, http, base) = (acked.clone(), http.clone(), base.clone());
        issuers.push(tokio::spawn(async move {
            let service = if k % 2 == 0 { "mz-dibao" } else { "rs-jmyibao" };
            loop {
                let res = http
                    .post(format!("{base}/api/tickets"))
                    .bearer_auth("demo-kiosk")
                    .json(&json!({"service_id": service}))
                    .send()
                    .await;
                let Ok(res) = res else { return };
                let Ok(t) = res.json::<Value>().await else {
                    return;
                };
                acked.insert(t["id"].as_i64().unwrap(), t["number"].as_str().unwrap().to_string());
            }
        }));
    }
    // Kill once a good number of tickets were acknowledged, while issuing goes on.
    acked.at_least(300).await;
    child.start_kill().unwrap(); // SIGKILL
    child.wait().await.unwrap();
    for i in issuers {
        i.await.unwrap();
    }
    let acked = acked.all();

    // Every acknowledged ticket is in the file as the killed server left it, read by a fresh
    // read-only connection before anything restarts (no recovery by a new writer in between).
    {
        let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        for (id, number) in &acked {
            let stored: Option<String> =
                conn.query_row("SELECT number FROM tickets WHERE id = ?1", [id], |r| r.get(0)).optional().unwrap();
            assert_eq!(stored.as_deref(), Some(number.as_str()), "acknowledged ticket {id} lost");
        }
    }
    let (_child, base) = spawn_server(&db).await;
    // Numbering continues without gaps or repeats: every number of each queue up to the
    // last one stored exists exactly once, and the next one follows it.
    for (prefix, service) in [('B', "mz-dibao"), ('C', "rs-jmyibao")] {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let numbers: Vec<String> = conn
            .prepare("SELECT number FROM tickets WHERE number LIKE ?1 ORDER BY seq")
            .unwrap()
            .query_map([format!("{prefix}%")], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let expected: Vec<String> = (1..=numbers.len()).map(|n| format!("{prefix}{n:03}")).collect();
        assert_eq!(numbers, expected);
        assert_eq!(hall_server::store::tickets::waiting_count_mismatches(&conn).unwrap(), vec![]);
        let next: Value = http
            .post(format!("{base}/api/tickets"))
            .bearer_auth("demo-kiosk")
            .json(&json!({"service_id": service}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(next["number"], format!("{prefix}{:03}", numbers.len() + 1));
    }
}

#[tokio::test]
async fn sigterm_stops_gracefully_even_with_live_streams_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    let (mut child, base) = spawn_server(&db).await;
    let mut stream = reqwest::get(format!("{base}/api/events")).await.unwrap();
    let http = reqwest::Client::new();
    let t: Value = http
        .post(format!("{base}/api/tickets"))
        .bearer_auth("demo-kiosk")
        .json(&json!({"service_id": "wj-shengyu"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pid = child.id().unwrap().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = tokio::time::timeout(std::time::Duration::from_secs(15), child.wait())
        .await
        .expect("server did not stop on SIGTERM")
        .unwrap();
    assert!(status.success(), "{status:?}");
    // The live stream was ended, not left hanging.
    let ended = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while let Ok(Some(_)) = stream.chunk().await {}
    })
    .await;
    assert!(ended.is_ok());
    let (_child, _base) = spawn_server(&db).await;
    let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let number: String =
        conn.query_row("SELECT number FROM tickets WHERE id = ?1", [t["id"].as_i64().unwrap()], |r| r.get(0)).unwrap();
    assert_eq!(number, "E001");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_during_finishing_loses_no_acknowledged_case() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    let (mut child, base) = spawn_server(&db).await;
    let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(5)).build().unwrap();
    for service in ["mz-linshi", "rs-jmyanglao-daiyu"] {
        for _ in 0..150 {
            let r = http
                .post(format!("{base}/api/tickets"))
                .bearer_auth("demo-kiosk")
                .json(&json!({"service_id": service}));
            assert!(r.send().await.unwrap().status().is_success());
        }
    }
    let acked = Acked::<String, i64>::new();
    let mut clerks = vec![];
    for (user, window) in [("clerk2", "w02"), ("clerk3", "w03"), ("clerk5", "w05"), ("clerk6", "w06")] {
        let (acked, http, base) = (acked.clone(), http.clone(), base.clone());
        let login = json!({"username": user, "password": "demo", "window_id": window});
        let session: Value =
            http.post(format!("{base}/api/auth/login")).json(&login).send().await.unwrap().json().await.unwrap();
        let token = session["token"].as_str().unwrap().to_string();
        clerks.push(tokio::spawn(async move {
            loop {
                let call = http.post(format!("{base}/api/windows/{window}/call-next")).bearer_auth(&token).send().await;
                if call.is_err() {
                    return;
                }
                let body = json!({"outcome": "promised", "applicant_name": "测试"});
                let res = http
                    .post(format!("{base}/api/windows/{window}/finish"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await;
                let Ok(res) = res else { return };
                let Ok(t) = res.json::<Value>().await else { return };
                let number = t["case"]["number"].as_str().unwrap().to_string();
                acked.insert(number, t["id"].as_i64().unwrap());
            }
        }));
    }
    acked.at_least(60).await;
    child.start_kill().unwrap(); // SIGKILL
    child.wait().await.unwrap();
    for c in clerks {
        c.await.unwrap();
    }
    // Every acknowledged case is in the file as the killed server left it, with its ticket.
    let acked = acked.all();
    let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    for (number, ticket) in &acked {
        let stored: Option<i64> =
            conn.query_row("SELECT ticket_id FROM cases WHERE number = ?1", [number], |r| r.get(0)).optional().unwrap();
        assert_eq!(stored, Some(*ticket), "acknowledged case {number} lost");
    }
}

/// A database keeps a check of the key it was made with: restored on a new machine without its
/// `hall.db.key`, or started with another key, it refuses to start (a new key would quietly stop
/// finding bookings by identity number, answering retries, signing the same anchors), unless
/// told the key is lost for good.
#[test]
fn a_database_starts_only_with_the_key_it_was_made_with() {
    use hall_server::http::{AppState, Settings};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    let key = hall_server::secret::ServerKey::path_for(&db);
    let clock: Arc<dyn hall_server::clock::Clock> =
        Arc::new(hall_server::clock::ManualClock::new(hall_testkit::morning()));
    let start = |new_key: bool| {
        let mut settings = Settings::new(db.clone(), hall_server::config::sample(), clock.clone());
        settings.new_key = new_key;
        AppState::start(settings).map(|(state, writer)| {
            drop(state);
            writer.join().unwrap();
        })
    };
    start(false).expect("a new database makes its key");
    let made = std::fs::read_to_string(&key).unwrap();
    start(false).expect("and starts again with it");

    std::fs::remove_file(&key).unwrap();
    let refused = format!("{:#}", start(false).unwrap_err());
    assert!(refused.contains("hall.db.key is missing") && refused.contains("--new-key"), "{refused}");
    assert!(!key.exists(), "no key made in its place");

    std::fs::write(&key, "ab".repeat(32)).unwrap();
    let refused = format!("{:#}", start(false).unwrap_err());
    assert!(refused.contains("not the one this database was made with"), "{refused}");

    // Told the key is lost for good: the key there now is recorded, and used from then on.
    start(true).expect("--new-key");
    start(false).expect("the new key is the database's now");
    assert_ne!(std::fs::read_to_string(&key).unwrap(), made);
}
