//! The county's store and views on a real PostgreSQL, fed the halls' real event shapes
//! directly; and its HTTP API in process.

use serde_json::{json, Value};

use hall_county::config::{HallEntry, User};
use hall_county::follow::{self, Links};
use hall_county::sse::Message;
use hall_county::views::Carry;

use crate::pg::Postgres;

fn event(id: i64, kind: &str, data: Value) -> Message {
    Message::Event { id: Some(id), kind: kind.into(), data: data.to_string() }
}

fn missed(after: i64, next: i64) -> Message {
    Message::Event { id: None, kind: "events_missed".into(), data: json!({"after": after, "next": next}).to_string() }
}

async fn county_db(pg: &Postgres, halls: &[&str]) -> deadpool_postgres::Pool {
    let pool = hall_county::db::pool(&pg.url()).unwrap();
    assert_eq!(hall_county::db::migrate(&pool).await.unwrap(), hall_county::db::MIGRATIONS.len());
    assert_eq!(hall_county::db::migrate(&pool).await.unwrap(), 0, "applied once");
    let entries: Vec<HallEntry> = halls
        .iter()
        .map(|h| HallEntry {
            id: h.to_string(),
            url: "http://127.0.0.1:9".into(),
            token: "t".into(),
            county_hall: false,
        })
        .collect();
    follow::register(&pool, &entries).await.unwrap();
    pool
}

async fn ids(pool: &deadpool_postgres::Pool, hall: &str) -> Vec<i64> {
    let c = pool.get().await.unwrap();
    c.query("SELECT event_id FROM events WHERE hall_id = $1 ORDER BY event_id", &[&hall])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[tokio::test]
async fn gaps_are_recorded_and_ids_at_or_below_the_mark_never_stored_again() {
    let pg = Postgres::start();
    let pool = county_db(&pg, &["h"]).await;
    let mut carry = Carry::default();
    let issued = |id: i64| json!({"ticket_id": id, "number": format!("A{id:03}"), "queue": "q", "at": "2026-11-25T09:00:00+08:00"});
    // The hall says 1..4 are gone (pruned), then sends 5 and 6.
    let burst = vec![missed(0, 5), event(5, "ticket_issued", issued(1)), event(6, "ticket_issued", issued(2))];
    follow::store(&pool, "h", burst, &mut carry).await.unwrap();
    // 6 again (at the mark: passed over), then 9: 7 and 8 never came and nobody said why.
    follow::store(
        &pool,
        "h",
        vec![event(6, "ticket_issued", issued(2)), event(9, "ticket_issued", issued(3))],
        &mut carry,
    )
    .await
    .unwrap();
    assert_eq!(ids(&pool, "h").await, vec![5, 6, 9]);
    let c = pool.get().await.unwrap();
    let gaps: Vec<(i64, i64, String)> = c
        .query("SELECT after_id, next_id, cause FROM event_gaps ORDER BY after_id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let expected = [(0, 5, "pruned"), (6, 6, "at_or_below_mark"), (6, 9, "unexplained")];
    assert_eq!(gaps, expected.map(|(a, n, c)| (a, n, c.to_string())));
    // A hall restored from an old backup resumes below the mark: passed over, and said so.
    follow::store(&pool, "h", vec![event(8, "ticket_issued", issued(4))], &mut carry).await.unwrap();
    assert_eq!(ids(&pool, "h").await, vec![5, 6, 9]);
    let cause: String =
        c.query_one("SELECT cause FROM event_gaps WHERE after_id = 9 AND next_id = 8", &[]).await.unwrap().get(0);
    assert_eq!(cause, "at_or_below_mark");
    let mark: i64 = c.query_one("SELECT last_event_id FROM halls WHERE hall_id = 'h'", &[]).await.unwrap().get(0);
    assert_eq!(mark, 9);
    let issued: i32 = c.query_one("SELECT issued FROM hall_days WHERE hall_id = 'h'", &[]).await.unwrap().get(0);
    assert_eq!(issued, 3, "the resent ticket counted once");
    let recorded: i64 = c.query_one("SELECT count(*) FROM event_gaps", &[]).await.unwrap().get(0);
    assert_eq!(recorded, 4);
}

/// Serves the county's API in process on a free port.
async fn serve(pool: deadpool_postgres::Pool, links: Links, users: Vec<User>) -> String {
    let app = hall_county::http::app(hall_county::http::AppState::new(pool, links, users, true));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

#[tokio::test]
async fn the_views_and_the_api_tell_what_the_events_tell_and_no_more() {
    let pg = Postgres::start();
    let pool = county_db(&pg, &["busy", "silent"]).await;
    let at = |hm: &str| format!("2026-11-25T{hm}:00+08:00");
    let burst = vec![
        event(
            1,
            "window_status",
            json!({"window_id": "w01", "window_number": 1, "status": "open", "staff": {"signed_in_at": at("08:55")}, "at": at("08:55")}),
        ),
        event(
            2,
            "ticket_issued",
            json!({"ticket_id": 1, "number": "A001", "queue": "zonghe", "service_id": "zh-zixun", "at": at("09:00")}),
        ),
        event(
            3,
            "ticket_issued",
            json!({"ticket_id": 2, "number": "A002", "queue": "zonghe", "service_id": "zh-zixun", "at": at("09:05")}),
        ),
        event(
            4,
            "queue_changed",
            json!({"queue": "zonghe", "prefix": "A", "name": "综合", "waiting": 2, "estimated_wait_minutes": 8, "oldest_wait_minutes": 5}),
        ),
        event(
            5,
            "ticket_called",
            json!({"ticket_id": 1, "number": "A001", "window_id": "w01", "window_number": 1, "window_name": "1号窗口", "at": at("09:10"), "recall": false}),
        ),
        event(
            6,
            "ticket_called",
            json!({"ticket_id": 1, "number": "A001", "window_id": "w01", "window_number": 1, "window_name": "1号窗口", "at": at("09:12"), "recall": true}),
        ),
        event(
            7,
            "ticket_finished",
            json!({"ticket_id": 1, "number": "A001", "window_id": "w01", "outcome": "promised", "at": at("09:27")}),
        ),
        event(
            8,
            "case_changed",
            json!({"number": "20261125-0001", "kind": "promised", "state": "open", "window_id": "w01", "first_window_id": "w01", "deadline": "2026-11-20", "action": "registered", "at": at("09:27")}),
        ),
        event(
            9,
            "ticket_called",
            json!({"ticket_id": 2, "number": "A002", "window_id": "w01", "window_number": 1, "window_name": "1号窗口", "at": at("09:20"), "recall": false}),
        ),
        event(10, "ticket_no_show", json!({"ticket_id": 2, "number": "A002", "window_id": "w01", "at": at("09:30")})),
        event(
            11,
            "feedback_changed",
            json!({"subject": "complaint", "id": 1, "action": "registered", "urgent": false, "at": at("09:40")}),
        ),
        // A ticket the county never saw issued (before a gap): no wait, no service time.
        event(
            12,
            "ticket_called",
            json!({"ticket_id": 99, "number": "A099", "window_id": "w01", "window_number": 1, "window_name": "1号窗口", "at": at("09:45"), "recall": false}),
        ),
    ];
    follow::store(&pool, "busy", burst, &mut Carry::default()).await.unwrap();
    let c = pool.get().await.unwrap();
    let row = c
        .query_one(
            "SELECT issued, served, no_show, wait_seconds_sum, wait_count, service_seconds_sum, service_count
             FROM hall_days WHERE hall_id = 'busy' AND day = '2026-11-25'",
            &[],
        )
        .await
        .unwrap();
    let got: (i32, i32, i32, i64, i32, i64, i32) =
        (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4), row.get(5), row.get(6));
    // Waits 10 and 15 minutes (first calls only); service 15 minutes from the last call (09:12).
    assert_eq!(got, (2, 1, 1, 25 * 60, 2, 15 * 60, 1));

    let links = Links::default();
    let hash = argon2_hash("s3cret");
    let users = vec![User { username: "zhang".into(), name: "张科长".into(), password_hash: hash }];
    let base = serve(pool.clone(), links, users).await;
    let http = reqwest::Client::new();
    let login = |u: &str, p: &str| {
        http.post(format!("{base}/api/auth/login")).json(&json!({"username": u, "password": p})).send()
    };
    // (user, password, status)
    for (u, p, status) in
        [("zhang", "s3cret", 200), ("zhang", "wrong", 401), ("nobody", "s3cret", 401), ("county", "demo", 200)]
    {
        let r = login(u, p).await.unwrap();
        assert_eq!(r.status().as_u16(), status, "{u}/{p}");
        let body: Value = r.json().await.unwrap();
        if status == 200 {
            assert_eq!(body["role"], "county");
        } else {
            assert_eq!(body["error"], "bad_credentials");
        }
    }
    let bad = http.post(format!("{base}/api/auth/login")).body("{").send().await.unwrap();
    assert_eq!(bad.status(), 400);
    let r = http.get(format!("{base}/api/county/halls")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "unauthorized");
    let r = http.get(format!("{base}/api/county/halls")).bearer_auth("nope").send().await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "session_expired");
    let token =
        login("zhang", "s3cret").await.unwrap().json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string();
    let get = |path: String| http.get(format!("{base}{path}")).bearer_auth(&token).send();
    let halls: Value = get("/api/county/halls".into()).await.unwrap().json().await.unwrap();
    let (busy, silent) = (&halls[0], &halls[1]);
    assert_eq!(busy["hall_id"], "busy");
    assert_eq!(busy["last_event_id"], 12);
    assert_eq!(busy["windows_open"], 1);
    assert_eq!(busy["tickets_today"], 0, "known: the hall's events are here, none from today");
    assert_eq!(busy["waiting"], 0, "the queue was last heard of on an earlier day");
    assert_eq!(busy["overdue_cases"], 1);
    assert_eq!(busy["online"], false);
    // A hall never heard from: every figure unknown.
    assert_eq!(silent["hall_id"], "silent");
    for f in ["lag_seconds", "tickets_today", "waiting", "longest_wait_minutes", "windows_open", "overdue_cases"] {
        assert_eq!(silent[f], Value::Null, "{f}: {silent}");
    }
    let page: Value = get("/api/county/halls/busy".into()).await.unwrap().json().await.unwrap();
    assert_eq!(page["days"][0]["day"], "2026-11-25");
    assert_eq!(page["days"][0]["mean_wait_minutes"], 12.5);
    assert_eq!(page["days"][0]["mean_service_minutes"], 15.0);
    assert_eq!(page["cases"], json!([{"kind": "promised", "open": 1, "overdue": 1}]));
    assert_eq!(page["gaps"], json!([]));
    let r = get("/api/county/halls/nowhere".into()).await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "unknown_hall");
    let health = http.get(format!("{base}/api/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    // PostgreSQL down: health says so, the halls endpoint too, without details.
    pg.down();
    let health = http.get(format!("{base}/api/health")).send().await.unwrap();
    assert_eq!(health.status(), 503);
    assert_eq!(health.json::<Value>().await.unwrap()["error"], "database_unavailable");
    pg.up();
}

fn argon2_hash(password: &str) -> String {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default().hash_password(password.as_bytes(), &salt).unwrap().to_string()
}
