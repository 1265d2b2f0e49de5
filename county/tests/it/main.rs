//! The county service against real halls and a real PostgreSQL: every event exactly once,
//! through a hall going down, the county killed, PostgreSQL restarted.

mod pg;
mod procs;
mod relay;
mod store;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use procs::{County, Hall};
use serde_json::{json, Value};

/// Waits (polling PostgreSQL, at most 60 s) until the county has every event the hall has,
/// then checks that it has exactly the hall's ids: no gap, no duplicate, nothing else.
async fn same_events(db: &tokio_postgres::Client, hall: &Hall) {
    let ids = hall.event_ids();
    let newest = *ids.last().expect("the hall has events");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let mark: i64 = match db.query_opt("SELECT last_event_id FROM halls WHERE hall_id = $1", &[&hall.id]).await {
            Ok(Some(r)) => r.get(0),
            _ => 0,
        };
        if mark >= newest {
            assert_eq!(mark, newest, "{}: the county is ahead of the hall", hall.id);
            break;
        }
        assert!(Instant::now() < deadline, "{}: the county stays at {mark}, the hall is at {newest}", hall.id);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stored: Vec<i64> = db
        .query("SELECT event_id FROM events WHERE hall_id = $1 ORDER BY event_id", &[&hall.id])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(stored, ids, "{}: the county's events are the hall's", hall.id);
    assert_eq!(ids, (1..=newest).collect::<Vec<_>>(), "{}: the hall's ids run without gap", hall.id);
    let gaps: i64 =
        db.query_one("SELECT count(*) FROM event_gaps WHERE hall_id = $1", &[&hall.id]).await.unwrap().get(0);
    assert_eq!(gaps, 0);
}

/// Tickets issued at a hall until stopped (a hall that is down is skipped over).
fn keep_issuing(base: String, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<u32> {
    tokio::spawn(async move {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(2)).build().unwrap();
        let mut issued = 0;
        while !stop.load(Ordering::Relaxed) {
            let r = http
                .post(format!("{base}/api/tickets"))
                .bearer_auth("demo-kiosk")
                .json(&json!({"service_id": "zh-zixun"}))
                .send()
                .await;
            match r {
                Ok(r) if r.status() == 201 => issued += 1,
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        issued
    })
}

async fn county_halls(county: &County) -> Vec<Value> {
    let http = reqwest::Client::new();
    let login = http
        .post(format!("{}/api/auth/login", county.base))
        .json(&json!({"username": "county", "password": "demo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let token = login.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string();
    let r = http.get(format!("{}/api/county/halls", county.base)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap().as_array().unwrap().clone()
}

async fn until_online(county: &County, hall: &str, online: bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let halls = county_halls(county).await;
        if halls.iter().any(|h| h["hall_id"] == hall && h["online"] == online) {
            return;
        }
        assert!(Instant::now() < deadline, "{hall} never became online={online}: {halls:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_event_of_every_hall_once_through_outages() {
    let pg = pg::Postgres::start();
    let work = tempfile::tempdir().unwrap();
    let a = Hall::start("hall-a").await;
    let mut b = Hall::start("hall-b").await;
    let mut county = County::start(work.path(), &pg.url(), &[&a, &b]).await;
    let db = pg.client().await;

    // Events flow: tickets, a service with its case, at both halls.
    let clerk_a = a.clerk().await;
    for _ in 0..5 {
        a.issue().await;
        b.issue().await;
    }
    a.serve_one(&clerk_a).await;
    same_events(&db, &a).await;
    same_events(&db, &b).await;

    // A hall down for a while (killed), its events piling up elsewhere, then back.
    b.kill().await;
    until_online(&county, "hall-b", false).await;
    for _ in 0..5 {
        a.issue().await;
    }
    b.restart().await;
    for _ in 0..5 {
        b.issue().await;
    }
    same_events(&db, &a).await;
    same_events(&db, &b).await;
    until_online(&county, "hall-b", true).await;

    // The county killed mid-stream, and started again.
    let stop = Arc::new(AtomicBool::new(false));
    let load = [keep_issuing(a.base.clone(), stop.clone()), keep_issuing(b.base.clone(), stop.clone())];
    let before: i64 = db.query_one("SELECT count(*) FROM events", &[]).await.unwrap().get(0);
    let deadline = Instant::now() + Duration::from_secs(30);
    while db.query_one("SELECT count(*) FROM events", &[]).await.unwrap().get::<_, i64>(0) < before + 50 {
        assert!(Instant::now() < deadline, "the county stores nothing while the halls issue");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    county.kill_and_restart().await;
    tokio::time::sleep(Duration::from_millis(300)).await; // let the load go on across the restart

    // PostgreSQL restarted under the load.
    pg.down();
    tokio::time::sleep(Duration::from_millis(500)).await; // events pile up at the halls meanwhile
    pg.up();
    stop.store(true, Ordering::Relaxed);
    let mut issued = 0;
    for l in load {
        issued += l.await.unwrap();
    }
    assert!(issued > 20, "the halls issued {issued} tickets under load");
    let db = pg.client().await;
    same_events(&db, &a).await;
    same_events(&db, &b).await;

    // The halls endpoint reports them.
    let halls = county_halls(&county).await;
    assert_eq!(halls.len(), 2, "{halls:?}");
    for (hall, line) in [(&a, &halls[0]), (&b, &halls[1])] {
        assert_eq!(line["hall_id"], hall.id.as_str());
        assert_eq!(line["name"], "青石镇便民服务中心");
        assert_eq!(line["online"], true, "{line}");
        assert_eq!(line["last_event_id"], *hall.event_ids().last().unwrap());
        assert_eq!(line["tickets_today"], hall.tickets_today(), "{line}");
        assert!(line["lag_seconds"].as_i64().is_some_and(|l| l < 30), "{line}");
        assert!(line["waiting"].as_i64().is_some(), "{line}");
        assert_eq!(line["overdue_cases"], 0, "{line}");
    }
    // Hall A served one ticket: a window open, one wait measured, one immediate case (closed).
    assert_eq!(halls[0]["windows_open"], 1, "{}", halls[0]);
    assert_eq!(halls[1]["windows_open"], Value::Null, "no window ever opened at hall B: unknown, not 0");
}

/// A halls file that names a hall wrongly never mixes one hall's events into another's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hall_answering_with_another_id_is_refused() {
    let pg = pg::Postgres::start();
    let work = tempfile::tempdir().unwrap();
    let a = Hall::start("hall-a").await;
    a.issue().await;
    let county = County::start_as(work.path(), &pg.url(), &[("hall-z", &a)]).await;
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{}/api/auth/login", county.base))
        .json(&json!({"username": "county", "password": "demo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let page = loop {
        let page: Value = http
            .get(format!("{}/api/county/halls/hall-z", county.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if page["error"].is_string() {
            break page;
        }
        assert!(Instant::now() < deadline, "no error shown: {page}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(page["error"].as_str().unwrap().contains("is hall `hall-a`, not `hall-z`"), "{page}");
    assert_eq!(page["online"], false);
    assert_eq!(page["last_event_id"], 0);
    let db = pg.client().await;
    let stored: i64 = db.query_one("SELECT count(*) FROM events", &[]).await.unwrap().get(0);
    assert_eq!(stored, 0);
}
