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
use tokio::sync::watch;

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

/// Tickets issued at a hall until stopped (a hall that is down is skipped over), each counted in
/// `issued` as its answer comes.
fn keep_issuing(
    base: String,
    stop: Arc<AtomicBool>,
    issued_so_far: Arc<watch::Sender<u32>>,
) -> tokio::task::JoinHandle<u32> {
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
                Ok(r) if r.status() == 201 => {
                    issued += 1;
                    issued_so_far.send_modify(|n| *n += 1);
                }
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        issued
    })
}

async fn county_halls(county: &County) -> Vec<Value> {
    let http = reqwest::Client::new();
    let token = store::demo_token(&http, &county.base).await;
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
    let counter = Arc::new(watch::channel(0u32).0);
    let load = [
        keep_issuing(a.base.clone(), stop.clone(), counter.clone()),
        keep_issuing(b.base.clone(), stop.clone(), counter.clone()),
    ];
    // Until the halls have issued `more` tickets from now (at most 30 s).
    let issue_more = |more: u32, what: &'static str| {
        let mut seen = counter.subscribe();
        let target = *seen.borrow() + more;
        async move {
            let done = tokio::time::timeout(Duration::from_secs(30), seen.wait_for(|n| *n >= target)).await;
            assert!(done.is_ok_and(|d| d.is_ok()), "the halls did not issue {more} tickets {what}");
        }
    };
    let before: i64 = db.query_one("SELECT count(*) FROM events", &[]).await.unwrap().get(0);
    let deadline = Instant::now() + Duration::from_secs(30);
    while db.query_one("SELECT count(*) FROM events", &[]).await.unwrap().get::<_, i64>(0) < before + 50 {
        assert!(Instant::now() < deadline, "the county stores nothing while the halls issue");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    county.kill_and_restart().await;
    issue_more(20, "after the county's restart").await; // the load goes on across the restart

    // PostgreSQL restarted under the load.
    pg.down();
    issue_more(20, "while PostgreSQL was down").await; // events pile up at the halls meanwhile
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

/// The county's page of a hall once it says why the hall is not followed (at most 30 s).
async fn hall_page_with_error(county: &County, hall: &str) -> Value {
    let http = reqwest::Client::new();
    let token = store::demo_token(&http, &county.base).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let page: Value = http
            .get(format!("{}/api/county/halls/{hall}", county.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if page["error"].is_string() {
            return page;
        }
        assert!(Instant::now() < deadline, "no error shown: {page}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A hall whose server gives no id cannot be told from another: not followed until it names
/// itself, and the county's page says which line to add.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hall_giving_no_id_is_not_followed() {
    let pg = pg::Postgres::start();
    let work = tempfile::tempdir().unwrap();
    let a = Hall::start_without_id("hall-a").await;
    a.issue().await;
    let county = County::start(work.path(), &pg.url(), &[&a]).await;
    let page = hall_page_with_error(&county, "hall-a").await;
    assert!(page["error"].as_str().unwrap().contains("gives no hall id: set `[hall] id = \"hall-a\"`"), "{page}");
    let db = pg.client().await;
    let stored: i64 = db.query_one("SELECT count(*) FROM events", &[]).await.unwrap().get(0);
    assert_eq!(stored, 0);
}

/// A halls file that names a hall wrongly never mixes one hall's events into another's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hall_answering_with_another_id_is_refused() {
    let pg = pg::Postgres::start();
    let work = tempfile::tempdir().unwrap();
    let a = Hall::start("hall-a").await;
    a.issue().await;
    let county = County::start_as(work.path(), &pg.url(), &[("hall-z", &a)]).await;
    let page = hall_page_with_error(&county, "hall-z").await;
    assert!(page["error"].as_str().unwrap().contains("is hall `hall-a`, not `hall-z`"), "{page}");
    assert_eq!(page["online"], false);
    assert_eq!(page["last_event_id"], 0);
    let db = pg.client().await;
    let stored: i64 = db.query_one("SELECT count(*) FROM events", &[]).await.unwrap().get(0);
    assert_eq!(stored, 0);
}

/// What a hall did (tickets served and missed, ratings, a complaint received and closed) is
/// what the county's screen and report say, figure for figure with the hall's own reports.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_countys_figures_are_the_halls_own() {
    let pg = pg::Postgres::start();
    let work = tempfile::tempdir().unwrap();
    let a = Hall::start("hall-a").await;
    let county = County::start(work.path(), &pg.url(), &[&a]).await;
    let clerk = a.clerk().await;
    let mut tickets = Vec::new();
    for _ in 0..4 {
        tickets.push(a.issue().await); // in turn: the first two are the ones served
    }
    a.serve_one(&clerk).await;
    a.serve_one(&clerk).await;
    let (status, b) = a.post("/api/windows/w01/call-next", &clerk, json!({})).await;
    assert_eq!(status, 200, "{b}");
    let (status, b) = a.post("/api/windows/w01/no-show", &clerk, json!({})).await;
    assert_eq!(status, 200, "{b}");
    // 好差评 on the phone pages of the two served tickets: one satisfied, one not.
    let token_of = |t: &Value| t["status_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    for (t, body) in [
        (&tickets[0], json!({"level": "satisfied"})),
        (&tickets[1], json!({"level": "dissatisfied", "reason": "efficiency", "text": "等了很久"})),
    ] {
        let (status, b) = a.post(&format!("/api/t/{}/rating", token_of(t)), "", body).await;
        assert_eq!(status, 201, "{b}");
    }
    // A complaint received, answered and closed.
    let director = a.staff("director").await;
    let complaint = json!({
        "channel": "written", "about": "hall", "what": "排队太久", "complainant_name": "王五",
        "complainant_contact": "13900001111", "complainant_address": "青石镇河西村三组12号", "complexity": "simple",
    });
    let (status, c) = a.post("/api/complaints", &director, complaint).await;
    assert_eq!(status, 201, "{c}");
    let id = c["id"].as_i64().unwrap();
    let (status, b) = a
        .post(&format!("/api/complaints/{id}/answer"), &director, json!({"finding": "not_upheld", "answer": "已说明"}))
        .await;
    assert_eq!(status, 200, "{b}");
    let (status, b) = a.post(&format!("/api/complaints/{id}/close"), &director, json!({})).await;
    assert_eq!(status, 200, "{b}");

    let db = pg.client().await;
    same_events(&db, &a).await;
    let today = a.today();
    let ratings = a.get_ok(&format!("/api/ratings/summary?from={today}&to={today}"), &director).await;
    let summary = a.get_ok(&format!("/api/reports/summary?from={today}&to={today}&by=hall"), &director).await;
    let hall_total = &summary["total"];

    // The screen's line.
    let line = county_halls(&county).await.into_iter().find(|h| h["hall_id"] == "hall-a").unwrap();
    assert_eq!(line["rated_today"], ratings["hall"]["rated"], "{line}");
    assert_eq!(line["satisfaction"], ratings["hall"]["rate"], "{line} vs {ratings}");
    assert_eq!(line["satisfaction"], 0.5);
    assert_eq!(line["windows_open"], 1);
    assert_eq!(line["tickets_today"], hall_total["issued"]);
    assert_eq!(line["waiting"], 1, "four issued, three called: {line}");

    // The report of today, by hall, against the hall's own report of today.
    let http = reqwest::Client::new();
    let token = store::demo_token(&http, &county.base).await;
    let report: Value = http
        .get(format!("{}/api/county/reports?from={today}&to={today}&by=hall", county.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mine = &report["lines"][0];
    assert_eq!(mine["key"], "hall-a");
    for f in ["issued", "served", "no_show", "rated", "satisfaction"] {
        assert_eq!(mine[f], hall_total[f], "{f}: county {mine} vs hall {hall_total}");
    }
    assert_eq!(
        (mine["issued"].as_i64(), mine["served"].as_i64(), mine["no_show"].as_i64()),
        (Some(4), Some(2), Some(1))
    );
    assert_eq!(mine["cases_opened"]["immediate"], hall_total["cases"]["immediate"]);
    assert_eq!(mine["levels"], json!([0, 1, 0, 1, 0]));
    assert_eq!((mine["complaints_received"].as_i64(), mine["complaints_closed"].as_i64()), (Some(1), Some(1)));
    // The hall's mean wait (from the issue to the call) within rounding of the county's.
    let (county_wait, hall_wait) =
        (mine["mean_wait_minutes"].as_f64().unwrap(), hall_total["wait"]["mean"].as_f64().unwrap());
    assert!((county_wait - hall_wait).abs() <= 0.1, "county {county_wait} hall {hall_wait}");

    // The hall's page: today's line with the same ratings and complaints.
    let page: Value = http
        .get(format!("{}/api/county/halls/hall-a", county.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let day = &page["days"][0];
    assert_eq!(day["day"], today.as_str());
    assert_eq!((day["rated"].as_i64(), day["satisfaction"].as_f64()), (Some(2), Some(0.5)), "{day}");
    assert_eq!((day["complaints_received"].as_i64(), day["complaints_closed"].as_i64()), (Some(1), Some(1)));

    let csv = http
        .get(format!("{}/api/county/reports?from={today}&to={today}&by=matter&format=csv", county.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&csv[..3], b"\xEF\xBB\xBF");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 3, "headings, the one matter, the total: {text}");
    assert!(rows[1].starts_with("zh-zixun,4,2,1,"), "{text}");
    assert!(rows[2].starts_with("合计,4,2,1,"), "{text}");
}

/// A hall renamed on its admin page is named so on the county's screen while its stream stays
/// open (its `hall_changed` is followed by a read of the hall), not at the next reconnection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hall_renamed_is_named_so_without_a_reconnection() {
    let pg = pg::Postgres::start();
    let work = tempfile::tempdir().unwrap();
    let a = Hall::start("hall-a").await;
    let county = County::start(work.path(), &pg.url(), &[&a]).await;
    until_online(&county, "hall-a", true).await;
    let admin = a.sign_in("admin", None).await;
    let (status, current) = a.get("/api/admin/hall", &admin).await;
    assert_eq!(status, 200, "{current}");
    let renamed =
        current["toml"].as_str().unwrap().replacen("name = \"青石镇便民服务中心\"", "name = \"青石镇政务服务中心\"", 1);
    let (status, body) = a.post("/api/admin/hall", &admin, json!({"toml": renamed})).await;
    assert_eq!(status, 200, "{body}");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let halls = county_halls(&county).await;
        if halls[0]["name"] == "青石镇政务服务中心" {
            assert_eq!(halls[0]["online"], true, "the same stream, never dropped");
            break;
        }
        assert!(Instant::now() < deadline, "still named as before: {halls:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
