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
    // Every gap reads the same way: ids after_id + 1 ..= next_id - 1 (for the one passed over: 6).
    let expected = [(0, 5, "pruned"), (5, 7, "at_or_below_mark"), (6, 9, "unexplained")];
    assert_eq!(gaps, expected.map(|(a, n, c)| (a, n, c.to_string())));
    // A hall restored from an old backup resumes below the mark: passed over, and said so — one
    // row for the run (8 and 9), not one per event.
    let again = vec![event(8, "ticket_issued", issued(4)), event(9, "ticket_issued", issued(5))];
    follow::store(&pool, "h", again, &mut carry).await.unwrap();
    assert_eq!(ids(&pool, "h").await, vec![5, 6, 9]);
    let cause: String =
        c.query_one("SELECT cause FROM event_gaps WHERE after_id = 7 AND next_id = 10", &[]).await.unwrap().get(0);
    assert_eq!(cause, "at_or_below_mark");
    // Restored again from the same backup: the same ids passed over again, already recorded.
    let twice = vec![event(8, "ticket_issued", issued(4)), event(9, "ticket_issued", issued(5))];
    follow::store(&pool, "h", twice, &mut carry).await.unwrap();
    let mark: i64 = c.query_one("SELECT last_event_id FROM halls WHERE hall_id = 'h'", &[]).await.unwrap().get(0);
    assert_eq!(mark, 9);
    let issued: i32 = c.query_one("SELECT issued FROM hall_days WHERE hall_id = 'h'", &[]).await.unwrap().get(0);
    assert_eq!(issued, 3, "the resent ticket counted once");
    let recorded: i64 = c.query_one("SELECT count(*) FROM event_gaps", &[]).await.unwrap().get(0);
    assert_eq!(recorded, 4);
}

/// Serves the county's API in process on a free port.
async fn serve(pool: deadpool_postgres::Pool, links: Links, users: Vec<User>) -> String {
    serve_state(hall_county::http::AppState::new(pool, links, users, true)).await
}

async fn serve_state(state: hall_county::http::AppState) -> String {
    let app = hall_county::http::app(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    // With each caller's address, as `hall-county` serves (the sign-in throttle counts by it).
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

/// A session of the demo account on the county served at `base`.
pub(crate) async fn demo_token(http: &reqwest::Client, base: &str) -> String {
    let login: Value = http
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"username": "county", "password": "demo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    login["token"].as_str().unwrap().to_string()
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
    // Waits 10 and 15 minutes (first calls only); service 17 minutes from the call (09:10), as
    // the hall times it: a recall (09:12) calls the same citizen again, it starts nothing.
    assert_eq!(got, (2, 1, 1, 25 * 60, 2, 17 * 60, 1));

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
    assert_eq!(page["days"][0]["mean_service_minutes"], 17.0);
    assert_eq!(page["cases"], json!([{"kind": "promised", "open": 1, "overdue": 1}]));
    assert_eq!(page["gaps"], json!([]));
    let r = get("/api/county/halls/nowhere".into()).await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "unknown_hall");
    let health = http.get(format!("{base}/api/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    // Signing out ends the session on the server: a copied token no longer reads anything.
    let out = http.post(format!("{base}/api/auth/logout")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(out.status(), 204);
    let r = get("/api/county/halls".into()).await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "session_expired");
    let again = http.post(format!("{base}/api/auth/logout")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(again.status(), 401);
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

/// Two halls over two days, fed the halls' event shapes: the reports per hall, matter and day,
/// in JSON and CSV, and their refusals.
#[tokio::test]
async fn reports_per_hall_matter_and_day_from_the_events() {
    let pg = Postgres::start();
    let pool = county_db(&pg, &["a", "b"]).await;
    let at = |day: u32, hm: &str| format!("2026-11-{day:02}T{hm}:00+08:00");
    let issued = |id: i64, matter: &str, t: String| json!({"ticket_id": id, "number": format!("A{id:03}"), "queue": "zonghe", "service_id": matter, "at": t});
    let called = |id: i64, t: String| json!({"ticket_id": id, "number": format!("A{id:03}"), "window_id": "w01", "window_number": 1, "window_name": "1号窗口", "at": t, "recall": false});
    let finished = |id: i64, outcome: &str, t: String| json!({"ticket_id": id, "number": format!("A{id:03}"), "window_id": "w01", "outcome": outcome, "at": t});
    let rating = |level: &str, matter: &str, t: String| json!({"level": level, "window_id": "w01", "service_id": matter, "channel": "phone", "at": t});
    let case = |n: &str, state: &str, action: &str, deadline: &str, t: String| json!({"number": n, "kind": "promised", "state": state, "window_id": "w01", "first_window_id": "w01", "deadline": deadline, "action": action, "at": t, "service_id": "zh-zixun"});
    let complaint = |id: i64, action: &str, t: String| json!({"subject": "complaint", "id": id, "action": action, "urgent": false, "at": t});
    let a = vec![
        // Day 24: two tickets of two matters; one served (wait 10, service 20), one no-show (wait 35).
        event(1, "ticket_issued", issued(1, "zh-zixun", at(24, "09:00"))),
        event(2, "ticket_issued", issued(2, "mz-dibao", at(24, "09:05"))),
        event(3, "ticket_called", called(1, at(24, "09:10"))),
        event(4, "ticket_finished", finished(1, "promised", at(24, "09:30"))),
        event(5, "case_changed", case("C1", "open", "registered", "2026-11-25", at(24, "09:30"))),
        event(6, "rating_given", rating("very_satisfied", "zh-zixun", at(24, "09:31"))),
        event(7, "ticket_called", called(2, at(24, "09:40"))),
        event(
            8,
            "ticket_no_show",
            json!({"ticket_id": 2, "number": "A002", "window_id": "w01", "at": at(24, "09:45")}),
        ),
        event(9, "feedback_changed", complaint(1, "received", at(24, "10:00"))),
        // Day 25: a bad rating; the complaint closed; the case closed late on the 26th.
        event(10, "rating_given", rating("dissatisfied", "zh-zixun", at(25, "09:00"))),
        event(11, "feedback_changed", complaint(1, "investigating", at(25, "09:10"))),
        event(12, "feedback_changed", complaint(1, "closed", at(25, "16:00"))),
        event(13, "case_changed", case("C1", "closed", "closed", "2026-11-25", at(26, "10:00"))),
        // A case registered on the 25th, due the 27th, closed in time.
        event(14, "case_changed", case("C2", "open", "registered", "2026-11-27", at(25, "11:00"))),
        event(15, "case_changed", case("C2", "closed", "closed", "2026-11-27", at(27, "09:00"))),
        // A follow-up's feedback is not a complaint.
        event(
            16,
            "feedback_changed",
            json!({"subject": "follow_up", "id": 1, "action": "opened", "urgent": false, "at": at(25, "09:00")}),
        ),
        // A case closed before the hall's link, its file archived now (R17): the archive tells the
        // county nothing (no close on the 30th, no overdue case).
        event(17, "case_changed", case("C5", "closed", "archived", "2026-11-25", at(30, "09:00"))),
        // Nor does an objection answered on such a case (R4).
        event(18, "case_changed", case("C6", "closed", "objection_answered", "2026-11-25", at(30, "10:00"))),
        // Nor a visit of its applicant (R11, R4).
        event(19, "case_changed", case("C7", "closed", "visited", "2026-11-25", at(30, "11:00"))),
    ];
    follow::store(&pool, "a", a, &mut Carry::default()).await.unwrap();
    let b = vec![
        event(1, "ticket_issued", issued(1, "zh-zixun", at(25, "10:00"))),
        event(2, "ticket_called", called(1, at(25, "10:04"))),
        event(3, "ticket_finished", finished(1, "immediate", at(25, "10:10"))),
        event(
            4,
            "case_changed",
            // From a server before cases named their matter: no `service_id`.
            json!({"number": "C9", "kind": "immediate", "state": "closed", "window_id": "w01", "first_window_id": "w01", "action": "registered", "at": at(25, "10:10")}),
        ),
        event(5, "rating_given", rating("satisfied", "zh-zixun", at(25, "10:11"))),
        // A letter that came on the 24th, registered on the 25th: counted on the 24th, as at the hall.
        event(
            6,
            "feedback_changed",
            json!({"subject": "complaint", "id": 1, "action": "received", "urgent": false, "at": at(25, "11:00"), "day": "2026-11-24"}),
        ),
    ];
    follow::store(&pool, "b", b, &mut Carry::default()).await.unwrap();

    let base = serve(pool.clone(), Links::default(), vec![]).await;
    let http = reqwest::Client::new();
    let token = demo_token(&http, &base).await;
    let get = |q: &str| http.get(format!("{base}/api/county/reports?{q}")).bearer_auth(&token).send();
    let json_of = |q: &'static str| {
        let get = &get;
        async move {
            let r = get(q).await.unwrap();
            assert_eq!(r.status(), 200, "{q}");
            r.json::<Value>().await.unwrap()
        }
    };

    let by_hall = json_of("from=2026-11-24&to=2026-11-30&by=hall").await;
    let (la, lb) = (&by_hall["lines"][0], &by_hall["lines"][1]);
    assert_eq!((la["key"].as_str(), lb["key"].as_str()), (Some("a"), Some("b")));
    // (field, hall a, hall b)
    let table: [(&str, Value, Value); 13] = [
        ("issued", json!(2), json!(1)),
        ("served", json!(1), json!(1)),
        ("no_show", json!(1), json!(1 - 1)),
        ("mean_wait_minutes", json!(22.5), json!(4.0)),
        ("mean_service_minutes", json!(20.0), json!(6.0)),
        ("rated", json!(2), json!(1)),
        ("levels", json!([1, 0, 0, 1, 0]), json!([0, 1, 0, 0, 0])),
        ("satisfaction", json!(0.5), json!(1.0)),
        ("cases_opened", json!({"promised": 2}), json!({"immediate": 1})),
        // C1 due the 25th closed the 26th: overdue; C2 closed in time.
        ("cases_overdue", json!(1), json!(0)),
        ("complaints_received", json!(1), json!(1)),
        ("complaints_closed", json!(1), json!(0)),
        ("key", json!("a"), json!("b")),
    ];
    for (f, va, vb) in &table {
        assert_eq!((&la[*f], &lb[*f]), (va, vb), "{f}: {by_hall}");
    }
    assert_eq!(by_hall["total"]["issued"], 3);
    assert_eq!(by_hall["total"]["satisfaction"], json!(0.6667));
    assert_eq!(by_hall["total"]["cases_opened"], json!({"immediate": 1, "promised": 2}));
    // Only the 25th: hall a's bad rating and closed complaint, hall b's ticket.
    let day = json_of("from=2026-11-25&to=2026-11-25&by=hall").await;
    assert_eq!(day["lines"][0]["issued"], 0);
    assert_eq!(day["lines"][0]["levels"], json!([0, 0, 0, 1, 0]));
    assert_eq!(day["lines"][0]["complaints_received"], 0);
    assert_eq!(day["lines"][0]["complaints_closed"], 1);
    assert_eq!(day["lines"][0]["cases_overdue"], 1, "C1 fell due on the 25th");
    assert_eq!(day["lines"][1]["issued"], 1);
    assert_eq!(day["lines"][1]["complaints_received"], 0, "hall b's letter came on the 24th");
    let day = json_of("from=2026-11-24&to=2026-11-24&by=hall").await;
    assert_eq!(day["lines"][1]["complaints_received"], 1, "{day}");

    let by_matter = json_of("from=2026-11-24&to=2026-11-30&by=matter").await;
    let keys: Vec<&str> = by_matter["lines"].as_array().unwrap().iter().map(|l| l["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["", "mz-dibao", "zh-zixun"], "the case of no matter under the unknown one");
    let (unknown, dibao, zixun) = (&by_matter["lines"][0], &by_matter["lines"][1], &by_matter["lines"][2]);
    assert_eq!(
        (dibao["issued"].as_i64(), dibao["no_show"].as_i64(), dibao["served"].as_i64()),
        (Some(1), Some(1), Some(0))
    );
    assert_eq!((zixun["issued"].as_i64(), zixun["served"].as_i64()), (Some(2), Some(2)));
    assert_eq!(zixun["levels"], json!([1, 1, 0, 1, 0]));
    assert_eq!(zixun["mean_wait_minutes"], 7.0);
    // The matter's cases: C1 (overdue) and C2; C9 named no matter.
    assert_eq!((&zixun["cases_opened"], &zixun["cases_overdue"]), (&json!({"promised": 2}), &json!(1)));
    assert_eq!((&dibao["cases_opened"], &dibao["cases_overdue"]), (&json!({}), &json!(0)));
    assert_eq!((&unknown["cases_opened"], &unknown["issued"]), (&json!({"immediate": 1}), &json!(0)));
    assert_eq!(by_matter["total"]["cases_opened"], json!({"immediate": 1, "promised": 2}));
    for f in ["complaints_received", "complaints_closed"] {
        assert_eq!(zixun[f], Value::Null, "{f}: a complaint is about a hall's service, not a matter");
    }

    let by_day = json_of("from=2026-11-24&to=2026-11-30&by=day").await;
    let keys: Vec<&str> = by_day["lines"].as_array().unwrap().iter().map(|l| l["key"].as_str().unwrap()).collect();
    assert_eq!(
        keys,
        ["2026-11-24", "2026-11-25"],
        "days with figures only (the 26th and 27th saw cases close, in time or not)"
    );
    assert_eq!(by_day["lines"][0]["issued"], 2);
    assert_eq!(by_day["lines"][1]["issued"], 1);
    assert_eq!(by_day["lines"][1]["cases_opened"], json!({"immediate": 1, "promised": 1}));
    assert_eq!(by_day["lines"][1]["cases_overdue"], 1);

    // CSV: the BOM, the Chinese headings, a line per hall, the total.
    let r = get("from=2026-11-24&to=2026-11-30&by=hall&format=csv").await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("county-hall-2026-11-24-2026-11-30.csv"));
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM first");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 4, "{text}");
    assert!(rows[0].starts_with("大厅编号,大厅名称,取号,办结,未到,平均等候(分钟),"), "{}", rows[0]);
    assert!(rows[1].starts_with("a,,2,1,1,22.5,20,2,1,0,0,1,0,0.5,0,2,0,0,0,0,1,1,1"), "{}", rows[1]);
    assert!(rows[3].starts_with("合计,,3,2,1,"), "{}", rows[3]);
    let en = get("from=2026-11-24&to=2026-11-30&by=matter&format=csv&lang=en").await.unwrap().text().await.unwrap();
    assert!(en.starts_with("\u{feff}Matter,Issued,"), "{en}");

    // Bad ranges and options: a clear 4xx, with the code and what is wrong.
    // (query, status, code, a word of the message)
    let refusals = [
        ("from=2026-11-30&to=2026-11-24", 422, "invalid_date", "after"),
        ("from=2025-01-01&to=2026-11-30", 422, "invalid_date", "at most 366"),
        ("from=2026-11-31&to=2026-12-01", 422, "invalid_date", "`from`"),
        ("from=2026-11-01&to=soon", 422, "invalid_date", "`to`"),
        ("to=soon", 422, "invalid_date", "`to`"),
        ("from=2026-11-01&to=2026-11-30&by=window", 400, "invalid_body", "hall, matter or day"),
        ("from=2026-11-01&to=2026-11-30&format=xlsx", 400, "invalid_body", "json or csv"),
        ("from=2026-11-01&to=2026-11-30&lang=fr", 400, "invalid_body", "zh or en"),
    ];
    for (q, status, code, word) in refusals {
        let r = get(q).await.unwrap();
        assert_eq!(r.status().as_u16(), status, "{q}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"], code, "{q}: {body}");
        assert!(body["message"].as_str().unwrap().contains(word), "{q}: {body}");
    }
    let r = http.get(format!("{base}/api/county/reports")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    // The default range is this month to today.
    let now = json_of("by=day").await;
    assert!(now["from"].as_str().unwrap().ends_with("-01"), "{now}");
}

/// PostgreSQL's plan of `sql` with `params`, one line per step.
async fn explain(
    c: &deadpool_postgres::Client,
    sql: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> String {
    let rows = c.query(&format!("EXPLAIN {sql}"), params).await.unwrap();
    rows.iter().map(|r| r.get::<_, String>(0)).collect::<Vec<_>>().join("\n")
}

/// A year of history for 20 halls: the reports' and the screen's queries use the day indexes
/// (EXPLAIN) and answer fast.
#[tokio::test]
async fn a_year_of_twenty_halls_is_read_through_the_indexes() {
    let pg = Postgres::start();
    let halls: Vec<String> = (1..=20).map(|i| format!("hall-{i:02}")).collect();
    let names: Vec<&str> = halls.iter().map(String::as_str).collect();
    let pool = county_db(&pg, &names).await;
    let c = pool.get().await.unwrap();
    c.batch_execute(
        "INSERT INTO hall_days (hall_id, day, issued, served, no_show, wait_seconds_sum, wait_count, satisfied)
         SELECT h.hall_id, d::date, 300, 280, 20, 300 * 600, 300, 50
         FROM halls h, generate_series('2025-12-01'::date, '2026-11-30'::date, '1 day') d;
         INSERT INTO matter_days (hall_id, day, service_id, issued, served)
         SELECT h.hall_id, d::date, 'm' || m, 15, 14
         FROM halls h, generate_series('2025-12-01'::date, '2026-11-30'::date, '1 day') d, generate_series(1, 20) m;
         INSERT INTO cases (hall_id, number, kind, state, deadline, window_id, opened_on, closed_on)
         SELECT h.hall_id, d::date || '-' || n, 'promised', CASE WHEN n % 10 = 0 THEN 'open' ELSE 'closed' END,
                d::date + 5, 'w01', d::date, CASE WHEN n % 10 = 0 THEN NULL ELSE d::date + 3 END
         FROM halls h, generate_series('2025-12-01'::date, '2026-11-30'::date, '1 day') d, generate_series(1, 30) n;
         ANALYZE;",
    )
    .await
    .unwrap();
    let (from, to) =
        (chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(), chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
    // The screen's query, polled every 3 s by every open screen.
    let none: Option<&str> = None;
    let plan = explain(&c, hall_county::http::LINES, &[&none]).await;
    for table in ["hall_days", "cases"] {
        assert!(!plan.contains(&format!("Seq Scan on {table}")), "the screen reads all of {table}:\n{plan}");
    }
    let started = std::time::Instant::now();
    assert_eq!(c.query(hall_county::http::LINES, &[&none]).await.unwrap().len(), 20);
    let took = started.elapsed();
    eprintln!("the screen's query: {took:?}");
    // 21,780 open overdue cases here (a tenth of a year's); ~50 ms measured, 0.4 s before the
    // open-by-deadline index.
    assert!(took < std::time::Duration::from_secs(1), "the screen's query took {took:?}");
    for by in [hall_county::reports::By::Hall, hall_county::reports::By::Matter, hall_county::reports::By::Day] {
        for sql in hall_county::reports::queries(by) {
            let plan = explain(&c, &sql, &[&from, &to]).await;
            for table in ["hall_days", "matter_days", "cases"] {
                assert!(
                    !plan.contains(&format!("Seq Scan on {table}")),
                    "{by:?}: a month reads all of {table}:\n{sql}\n{plan}"
                );
            }
        }
        // A whole year per hall, matter or day, timed.
        let started = std::time::Instant::now();
        let year = hall_county::reports::report(&pool, chrono::NaiveDate::from_ymd_opt(2025, 12, 1).unwrap(), to, by)
            .await
            .unwrap();
        let took = started.elapsed();
        eprintln!("a year's report by {by:?}: {} lines in {took:?}", year.lines.len());
        assert!(took < std::time::Duration::from_secs(3), "{by:?} took {took:?}");
        let month = hall_county::reports::report(&pool, from, to, by).await.unwrap();
        if by == hall_county::reports::By::Hall {
            assert_eq!(month.lines.len(), 20);
            assert_eq!(month.total.issued, 20 * 30 * 300);
            assert_eq!(month.total.mean_wait_minutes, Some(10.0));
        }
    }
    // A year of relayed messages, all acknowledged but three: the relay's backlog, polled with
    // the screen, reads the three through the partial index, not the year.
    c.batch_execute(
        "INSERT INTO relay_log (source_hall, key, message_id, kind, target_hall, first_seen, attempts, delivered_at, acked_at)
         SELECT h.hall_id, 'report:' || d::date || '-' || n, n, 'report', 'hall-01', d, 1, d, d
         FROM halls h, generate_series('2025-12-01'::date, '2026-11-30'::date, '1 day') d, generate_series(1, 5) n;
         UPDATE relay_log SET acked_at = NULL, last_error = 'down'
          WHERE (source_hall, key) IN (('hall-02', 'report:2026-11-29-2'), ('hall-02', 'report:2026-11-30-1'),
                                       ('hall-03', 'report:2026-11-30-1'));
         ANALYZE relay_log;",
    )
    .await
    .unwrap();
    let plan = explain(&c, hall_county::relay::BACKLOG, &[&hall_county::relay::WAITING_LISTED]).await;
    assert!(!plan.contains("Seq Scan on relay_log"), "the backlog reads the whole log:\n{plan}");
    let backlog = hall_county::relay::backlog(&pool).await.unwrap();
    assert_eq!(backlog.count, 3);
    let keys: Vec<(&str, &str)> = backlog.oldest.iter().map(|m| (m.source_hall.as_str(), m.key.as_str())).collect();
    assert_eq!(
        keys,
        [("hall-02", "report:2026-11-29-2"), ("hall-02", "report:2026-11-30-1"), ("hall-03", "report:2026-11-30-1")],
        "oldest first"
    );
}

/// A ticket transferred to another matter is issued (and first waits) under the matter it was
/// issued for, its first leg served there until the transfer; it waits again from the transfer
/// and is served under the one that finished it: each leg where it happened, as the hall's own
/// report counts it.
#[tokio::test]
async fn a_transferred_ticket_counts_each_leg_under_its_matter_as_at_the_hall() {
    let pg = Postgres::start();
    let pool = county_db(&pg, &["a"]).await;
    let at = |hm: &str| format!("2026-11-25T{hm}:00+08:00");
    let call = |t: &str, recall: bool| json!({"ticket_id": 1, "number": "A001", "window_id": "w01", "window_number": 1, "window_name": "1号窗口", "at": at(t), "recall": recall});
    let called = |t: &str| call(t, false);
    let events = vec![
        event(
            1,
            "ticket_issued",
            json!({"ticket_id": 1, "number": "A001", "queue": "zonghe", "service_id": "zh-zixun", "at": at("09:00")}),
        ),
        event(2, "ticket_called", called("09:10")),
        event(
            3,
            "ticket_transferred",
            json!({"ticket_id": 1, "number": "A001", "service_id": "mz-dibao", "at": at("09:15")}),
        ),
        event(4, "ticket_called", called("09:20")),
        // A recall ends no wait.
        event(5, "ticket_called", call("09:22", true)),
        event(
            6,
            "ticket_finished",
            json!({"ticket_id": 1, "number": "A001", "window_id": "w02", "outcome": "immediate", "at": at("09:30")}),
        ),
    ];
    follow::store(&pool, "a", events, &mut Carry::default()).await.unwrap();
    let client = pool.get().await.unwrap();
    let rows = client
        .query(
            "SELECT service_id, issued, served, wait_count, wait_seconds_sum, service_count, service_seconds_sum
             FROM matter_days WHERE hall_id = 'a' ORDER BY service_id",
            &[],
        )
        .await
        .unwrap();
    type Figures = (String, i32, i32, i32, i64, i32, i64);
    let figures: Vec<Figures> =
        rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6))).collect();
    assert_eq!(
        figures,
        [
            // Waited 09:15–09:20 after the transfer; served from that call (not the recall) to 09:30.
            ("mz-dibao".to_string(), 0, 1, 1, 300, 1, 600),
            // Waited 09:00–09:10; served 09:10–09:15, until the transfer.
            ("zh-zixun".to_string(), 1, 0, 1, 600, 1, 300),
        ]
    );
    let day = client
        .query_one(
            "SELECT issued, served, wait_count, wait_seconds_sum, service_count, service_seconds_sum
             FROM hall_days WHERE hall_id = 'a'",
            &[],
        )
        .await
        .unwrap();
    let day: (i32, i32, i32, i64, i32, i64) = (day.get(0), day.get(1), day.get(2), day.get(3), day.get(4), day.get(5));
    assert_eq!(day, (1, 1, 2, 900, 2, 900));
}

#[tokio::test]
async fn a_no_show_put_back_and_served_is_served_and_a_wild_queue_figure_stops_nothing() {
    let pg = Postgres::start();
    let pool = county_db(&pg, &["h"]).await;
    let at = |hm: &str| format!("2026-11-25T{hm}:00+08:00");
    let called = |hm: &str| json!({"ticket_id": 1, "number": "A001", "window_id": "w01", "window_number": 1, "window_name": "1号窗口", "at": at(hm), "recall": false});
    let burst = vec![
        event(
            1,
            "ticket_issued",
            json!({"ticket_id": 1, "number": "A001", "queue": "q", "service_id": "m", "at": at("09:00")}),
        ),
        event(2, "ticket_called", called("09:10")),
        event(3, "ticket_no_show", json!({"ticket_id": 1, "number": "A001", "window_id": "w01", "at": at("09:15")})),
        // The citizen comes back: put back in the queue, then served.
        event(4, "ticket_requeued", json!({"ticket_id": 1, "number": "A001", "queue": "q", "at": at("09:40")})),
        event(5, "ticket_called", called("09:50")),
        event(
            6,
            "ticket_finished",
            json!({"ticket_id": 1, "number": "A001", "window_id": "w01", "outcome": "immediate", "at": at("09:58")}),
        ),
        // A queue figure no hall sends (a corrupt or hostile one): ignored, the burst stored.
        event(
            7,
            "queue_changed",
            json!({"queue": "q", "prefix": "A", "name": "综合", "waiting": 1, "estimated_wait_minutes": 0, "oldest_wait_minutes": i64::MAX / 2}),
        ),
    ];
    follow::store(&pool, "h", burst, &mut Carry::default()).await.unwrap();
    let c = pool.get().await.unwrap();
    let day = c
        .query_one("SELECT issued, served, no_show FROM hall_days WHERE hall_id = 'h' AND day = '2026-11-25'", &[])
        .await
        .unwrap();
    assert_eq!((day.get::<_, i32>(0), day.get::<_, i32>(1), day.get::<_, i32>(2)), (1, 1, 0));
    // One wait, from the issue to the call that served it (09:00–09:50), as the hall counts it.
    let wait = c
        .query_one("SELECT wait_seconds_sum, wait_count FROM hall_days WHERE hall_id = 'h' AND day = '2026-11-25'", &[])
        .await
        .unwrap();
    assert_eq!((wait.get::<_, i64>(0), wait.get::<_, i32>(1)), (50 * 60, 1));
    let matter = c
        .query_one("SELECT served, no_show FROM matter_days WHERE hall_id = 'h' AND service_id = 'm'", &[])
        .await
        .unwrap();
    assert_eq!((matter.get::<_, i32>(0), matter.get::<_, i32>(1)), (1, 0));
    let q = c.query_one("SELECT waiting, oldest_since FROM queues WHERE hall_id = 'h'", &[]).await.unwrap();
    assert_eq!((q.get::<_, i32>(0), q.get::<_, Option<chrono::DateTime<chrono::Utc>>>(1)), (1, None));
    let mark: i64 = c.query_one("SELECT last_event_id FROM halls WHERE hall_id = 'h'", &[]).await.unwrap().get(0);
    assert_eq!(mark, 7);
}

/// A ticket put back in the queue and never called again has no wait, as the hall counts it (its
/// call was undone); one put back and called again waits until that call.
#[tokio::test]
async fn a_ticket_put_back_and_never_called_again_has_no_wait() {
    let pg = Postgres::start();
    let pool = county_db(&pg, &["h"]).await;
    let at = |hm: &str| format!("2026-11-25T{hm}:00+08:00");
    let issued = |id: i64, hm: &str| json!({"ticket_id": id, "number": format!("A00{id}"), "queue": "q", "service_id": "m", "at": at(hm)});
    let called = |id: i64, hm: &str| json!({"ticket_id": id, "number": format!("A00{id}"), "window_id": "w01", "window_number": 1, "window_name": "1号窗口", "at": at(hm), "recall": false});
    let requeued =
        |id: i64, hm: &str| json!({"ticket_id": id, "number": format!("A00{id}"), "queue": "q", "at": at(hm)});
    let burst = vec![
        // A no-show who came back after the hall's last call of the day.
        event(1, "ticket_issued", issued(1, "09:00")),
        event(2, "ticket_called", called(1, "09:10")),
        event(3, "ticket_no_show", json!({"ticket_id": 1, "number": "A001", "window_id": "w01", "at": at("09:15")})),
        event(4, "ticket_requeued", requeued(1, "09:40")),
        // Called at a window whose clerk then left: back in the queue, called again at 10:30.
        event(5, "ticket_issued", issued(2, "10:00")),
        event(6, "ticket_called", called(2, "10:10")),
        event(7, "ticket_requeued", requeued(2, "10:12")),
        event(8, "ticket_called", called(2, "10:30")),
    ];
    follow::store(&pool, "h", burst, &mut Carry::default()).await.unwrap();
    let c = pool.get().await.unwrap();
    for table in ["hall_days", "matter_days"] {
        let sql = format!("SELECT issued, no_show, wait_count, wait_seconds_sum FROM {table} WHERE hall_id = 'h'");
        let r = c.query_one(&sql, &[]).await.unwrap();
        let got = (r.get::<_, i32>(0), r.get::<_, i32>(1), r.get::<_, i32>(2), r.get::<_, i64>(3));
        // One wait: ticket 2's, 10:00–10:30. Ticket 1 waits again, uncalled: no wait yet.
        assert_eq!(got, (2, 0, 1, 30 * 60), "{table}");
    }
}

#[tokio::test]
async fn a_ticket_id_given_out_again_after_a_restore_is_a_new_ticket() {
    let pg = Postgres::start();
    let pool = county_db(&pg, &["h"]).await;
    let at = |hm: &str| format!("2026-11-25T{hm}:00+08:00");
    let issued = |hm: &str, number: &str| json!({"ticket_id": 7, "number": number, "queue": "q", "service_id": "m", "at": at(hm)});
    let called = |hm: &str| json!({"ticket_id": 7, "number": "A007", "window_id": "w01", "window_number": 1, "window_name": "1号窗口", "at": at(hm), "recall": false});
    let burst = vec![
        event(1, "ticket_issued", issued("09:00", "A007")),
        event(2, "ticket_called", called("09:05")),
        // Told again (a resent event of the same ticket): nothing new.
        event(3, "ticket_issued", issued("09:00", "A007")),
        // The hall restored from a backup gives id 7 to another ticket: counted, its wait its own.
        event(4, "ticket_issued", issued("11:00", "A004")),
        event(5, "ticket_called", called("11:20")),
    ];
    follow::store(&pool, "h", burst, &mut Carry::default()).await.unwrap();
    let c = pool.get().await.unwrap();
    let day = c
        .query_one("SELECT issued, wait_seconds_sum, wait_count FROM hall_days WHERE hall_id = 'h'", &[])
        .await
        .unwrap();
    assert_eq!((day.get::<_, i32>(0), day.get::<_, i64>(1), day.get::<_, i32>(2)), (2, 25 * 60, 2));
    let number: String = c.query_one("SELECT number FROM tickets WHERE hall_id = 'h'", &[]).await.unwrap().get(0);
    assert_eq!(number, "A004");
}

/// A queue's longest wait runs from the `queue_changed` event's own time: a booking made online
/// at 09:50 changes the queue with nothing timed before it since the 09:10 call, and the hall's
/// 60 minutes run from 08:50, not 08:10. An older hall's event, without a time, takes the last.
#[tokio::test]
async fn a_queue_change_is_dated_by_its_own_time() {
    let pg = Postgres::start();
    let pool = county_db(&pg, &["h", "old"]).await;
    let at = |hm: &str| format!("2026-11-25T{hm}:00+08:00");
    let queue = |hall_at: Option<String>| {
        let mut q = json!({"queue": "q", "prefix": "A", "name": "综合", "waiting": 1, "estimated_wait_minutes": 5, "oldest_wait_minutes": 60});
        if let Some(a) = hall_at {
            q["at"] = json!(a);
        }
        q
    };
    let called = json!({"ticket_id": 1, "number": "A001", "window_id": "w01", "window_number": 1, "window_name": "1号窗口", "at": at("09:10"), "recall": false});
    for (hall, own) in [("h", Some(at("09:50"))), ("old", None)] {
        let burst = vec![event(1, "ticket_called", called.clone()), event(2, "queue_changed", queue(own))];
        follow::store(&pool, hall, burst, &mut Carry::default()).await.unwrap();
    }
    let c = pool.get().await.unwrap();
    let since = |hall: &'static str| {
        let c = &c;
        async move {
            let r = c.query_one("SELECT oldest_since FROM queues WHERE hall_id = $1", &[&hall]).await.unwrap();
            r.get::<_, chrono::DateTime<chrono::Utc>>(0)
                .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        }
    };
    assert_eq!(since("h").await.to_rfc3339(), at("08:50"));
    assert_eq!(since("old").await.to_rfc3339(), at("08:10"));
}

/// A database that is not there (a name mistyped in county.env) is said at once with its reason,
/// not waited for as a PostgreSQL still starting; one not yet up is waited for.
#[tokio::test]
async fn a_missing_database_is_refused_for_good_and_a_stopped_server_waited_for() {
    let pg = Postgres::start();
    let wrong = pg.url().replace("/postgres", "/hall_county");
    let e = hall_county::db::migrate(&hall_county::db::pool(&wrong).unwrap()).await.unwrap_err();
    assert!(hall_county::db::refused_for_good(&e), "{e:#}");
    pg.down();
    let e = hall_county::db::migrate(&hall_county::db::pool(&pg.url()).unwrap()).await.unwrap_err();
    assert!(!hall_county::db::refused_for_good(&e), "not up: waited for: {e:#}");
}

/// A hall that went offline keeps its longest wait as last heard, not a figure growing by itself
/// for hours; a hall taken out of the halls file is not listed as offline for ever.
#[tokio::test]
async fn an_offline_halls_wait_is_as_last_heard_and_a_hall_taken_out_is_not_listed() {
    let pg = Postgres::start();
    let pool = county_db(&pg, &["h", "gone"]).await;
    let c = pool.get().await.unwrap();
    // Heard 2 hours ago, its oldest citizen waiting since 3 hours ago (today, the hall's day).
    c.batch_execute(
        "UPDATE halls SET last_event_id = 5, last_stored_at = now() - interval '2 hours';
         INSERT INTO queues (hall_id, queue, day, waiting, oldest_since, at)
         VALUES ('h', 'q', (now() AT TIME ZONE 'Asia/Shanghai')::date, 3, now() - interval '3 hours', now() - interval '2 hours')",
    )
    .await
    .unwrap();
    let only_h =
        vec![HallEntry { id: "h".into(), url: "http://127.0.0.1:9".into(), token: "t".into(), county_hall: false }];
    let state = hall_county::http::AppState::new(pool.clone(), Links::default(), vec![], true).with_halls(&only_h);
    let base = serve_state(state).await;
    let http = reqwest::Client::new();
    let token = demo_token(&http, &base).await;
    let halls: Value =
        http.get(format!("{base}/api/county/halls")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let ids: Vec<&str> = halls.as_array().unwrap().iter().map(|h| h["hall_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["h"], "the hall taken out of the file is not listed");
    assert_eq!(halls[0]["online"], false);
    assert_eq!(halls[0]["longest_wait_minutes"], 60, "as last heard, not 180: {}", halls[0]);
}

/// A county account is not guessed online: after three wrong passwords, each further try waits
/// (429 with Retry-After), and an address failing with many names is refused. Bad input answers 4xx, never 500: a hall id that is no text, a year
/// PostgreSQL cannot hold.
#[tokio::test]
async fn sign_ins_are_slowed_and_bad_input_is_refused_not_a_500() {
    let pg = Postgres::start();
    let pool = county_db(&pg, &["busy"]).await;
    let users = vec![User { username: "zhang".into(), name: "张科长".into(), password_hash: argon2_hash("right") }];
    let base = serve(pool.clone(), Links::default(), users).await;
    let http = reqwest::Client::new();
    let login = |password: &'static str| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            http.post(format!("{base}/api/auth/login"))
                .json(&json!({"username": "zhang", "password": password}))
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..3 {
        assert_eq!(login("wrong").await.status(), 401);
    }
    let r = login("right").await;
    assert_eq!(r.status(), 429, "the fourth try waits, the right password too");
    assert_eq!(r.headers()["retry-after"], "1");
    let token = demo_token(&http, &base).await;
    let get = |path: &str| http.get(format!("{base}{path}")).bearer_auth(&token).send();
    assert_eq!(get("/api/county/halls/%00").await.unwrap().status(), 404);
    let r = get("/api/county/reports?from=-5000-01-01&to=-5000-01-02").await.unwrap();
    assert_eq!(r.status(), 422);

    // A flood of made-up names from one address: each name's own three tries would let it go
    // on for ever (an argon2 check each), so the address is refused after 30 failures a minute.
    let base = serve(pool.clone(), Links::default(), Vec::new()).await;
    let try_as = |n: u32| {
        http.post(format!("{base}/api/auth/login")).json(&json!({"username": format!("nobody{n}"), "password": "x"}))
    };
    for n in 0..30 {
        assert_eq!(try_as(n).send().await.unwrap().status(), 401, "made-up name {n}");
    }
    let r = try_as(30).send().await.unwrap();
    assert_eq!(r.status(), 429, "the 31st failure this minute from one address");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "too_many_attempts");
}
