//! Every error code with its JSON body, and bad input changes nothing.

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{assert_error, TestServer};

struct Case {
    method: Method,
    path: String,
    token: Option<String>,
    body: Option<Value>,
    raw: Option<&'static str>,
    key: Option<String>,
    status: u16,
    code: &'static str,
}

fn case(method: Method, path: &str, token: Option<&str>, body: Option<Value>, status: u16, code: &'static str) -> Case {
    Case { method, path: path.into(), token: token.map(Into::into), body, raw: None, key: None, status, code }
}

async fn check(s: &TestServer, c: Case) {
    let mut req = s.http.request(c.method.clone(), format!("{}{}", s.base, c.path));
    if let Some(t) = &c.token {
        req = req.bearer_auth(t);
    }
    if let Some(k) = &c.key {
        req = req.header("Idempotency-Key", k);
    }
    if let Some(b) = &c.body {
        req = req.json(b);
    }
    if let Some(r) = c.raw {
        req = req.header("content-type", "application/json").body(r);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    let reply = crate::support::Reply { status, body };
    assert_error(&reply, c.status, c.code);
}

async fn last_event_id(s: &TestServer) -> i64 {
    let db = rusqlite::Connection::open(&s.db).unwrap();
    db.query_row("SELECT COALESCE(MAX(id), 0) FROM events", [], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn every_client_error_is_json_and_changes_nothing() {
    let s = TestServer::start().await;
    s.issue("mz-dibao").await;
    let clerk = s.clerk("clerk2", "w02").await;
    let director = s.staff("director").await;
    let before_events = last_event_id(&s).await;
    let before_queues = s.get("/api/queues").await.body;
    let huge = "x".repeat(100 * 1024);
    let p = Method::POST;
    let g = Method::GET;
    let k = Some("demo-kiosk");
    let c = Some(clerk.as_str());
    let d = Some(director.as_str());
    let cases = vec![
        case(p.clone(), "/api/tickets", None, Some(json!({"service_id": "mz-dibao"})), 401, "unauthorized"),
        case(
            p.clone(),
            "/api/tickets",
            Some("nonsense"),
            Some(json!({"service_id": "mz-dibao"})),
            401,
            "session_expired",
        ),
        Case { raw: Some("{\"service_id\": "), ..case(p.clone(), "/api/tickets", k, None, 400, "invalid_body") },
        Case { raw: Some(""), ..case(p.clone(), "/api/tickets", k, None, 400, "invalid_body") },
        case(p.clone(), "/api/tickets", k, Some(json!({"service_id": 5})), 400, "invalid_body"),
        case(p.clone(), "/api/tickets", k, Some(json!([1, 2])), 400, "invalid_body"),
        case(
            p.clone(),
            "/api/tickets",
            k,
            Some(json!({"service_id": "mz-dibao", "priority": "vip"})),
            400,
            "invalid_body",
        ),
        case(p.clone(), "/api/tickets", k, Some(json!({"service_id": "no-such"})), 422, "unknown_service"),
        case(p.clone(), "/api/tickets", k, Some(json!({"service_id": huge})), 413, "body_too_large"),
        case(p.clone(), "/api/tickets", c, Some(json!({"service_id": "mz-dibao"})), 403, "kiosk_only"),
        case(g.clone(), "/api/tickets/1", None, None, 401, "unauthorized"),
        case(g.clone(), "/api/tickets/1", k, None, 403, "staff_only"),
        case(g.clone(), "/api/tickets/999999", c, None, 404, "unknown_ticket"),
        case(g.clone(), "/api/tickets/abc", c, None, 404, "unknown_ticket"),
        case(p.clone(), "/api/windows/w02/call-next", k, Some(json!({})), 403, "clerk_only"),
        case(p.clone(), "/api/windows/w03/call-next", c, Some(json!({})), 403, "not_your_window"),
        case(p.clone(), "/api/windows/w99/call-next", c, Some(json!({})), 404, "unknown_window"),
        case(p.clone(), "/api/windows/w02/recall", c, Some(json!({})), 409, "no_current_ticket"),
        case(p.clone(), "/api/windows/w02/no-show", c, Some(json!({})), 409, "no_current_ticket"),
        case(p.clone(), "/api/windows/w02/finish", c, Some(json!({"outcome": "immediate"})), 409, "no_current_ticket"),
        case(p.clone(), "/api/windows/w02/finish", c, Some(json!({"outcome": "returned"})), 422, "reason_required"),
        case(
            p.clone(),
            "/api/windows/w02/finish",
            c,
            Some(json!({"outcome": "supplement", "missing_materials": []})),
            422,
            "missing_materials_required",
        ),
        case(p.clone(), "/api/windows/w02/finish", c, Some(json!({"outcome": "done"})), 400, "invalid_body"),
        case(p.clone(), "/api/windows/w02/transfer", c, Some(json!({})), 422, "transfer_target_required"),
        case(p.clone(), "/api/windows/w02/transfer", c, Some(json!({"window_id": "w77"})), 422, "unknown_window"),
        case(p.clone(), "/api/tickets/1/requeue", c, Some(json!({})), 409, "invalid_transition"),
        case(p.clone(), "/api/tickets/1/requeue", k, Some(json!({})), 403, "staff_only"),
        case(
            p.clone(),
            "/api/auth/login",
            None,
            Some(json!({"username": "clerk2", "password": "nope", "window_id": "w02"})),
            401,
            "bad_credentials",
        ),
        case(
            p.clone(),
            "/api/auth/login",
            None,
            Some(json!({"username": "nobody", "password": "demo"})),
            401,
            "bad_credentials",
        ),
        case(
            p.clone(),
            "/api/auth/login",
            None,
            Some(json!({"username": "clerk3", "password": "demo"})),
            422,
            "window_required",
        ),
        case(
            p.clone(),
            "/api/auth/login",
            None,
            Some(json!({"username": "clerk3", "password": "demo", "window_id": "w02"})),
            403,
            "window_not_allowed",
        ),
        case(
            p.clone(),
            "/api/auth/login",
            None,
            Some(json!({"username": "clerk3", "password": "demo", "window_id": "zz"})),
            422,
            "unknown_window",
        ),
        case(g.clone(), "/api/calls/recent?limit=0", None, None, 400, "invalid_limit"),
        case(g.clone(), "/api/calls/recent?limit=x", None, None, 400, "invalid_limit"),
        // A query parameter not of its type: the contract's JSON, not axum's plain text.
        case(g.clone(), "/api/cases?limit=abc", d, None, 400, "invalid_query"),
        case(g.clone(), "/api/complaints?overdue=1", d, None, 400, "invalid_query"),
        case(g.clone(), "/api/petitions?overdue=yes", d, None, 400, "invalid_query"),
        case(g.clone(), "/api/calendar/working-days?from=2026-11-25&add=-1", None, None, 400, "invalid_query"),
        case(g.clone(), "/api/nowhere", None, None, 404, "not_found"),
        case(Method::DELETE, "/api/tickets/1", None, None, 405, "method_not_allowed"),
        Case {
            key: Some("k".repeat(65)),
            ..case(
                p.clone(),
                "/api/tickets",
                k,
                Some(json!({"service_id": "mz-dibao"})),
                400,
                "invalid_idempotency_key",
            )
        },
    ];
    for c in cases {
        let label = format!("{} {} -> {} {}", c.method, c.path, c.status, c.code);
        tokio::time::timeout(std::time::Duration::from_secs(10), check(&s, c))
            .await
            .unwrap_or_else(|_| panic!("{label} hung"));
    }
    let res = s.http.get(format!("{}/api/tickets/%FF%FE", s.base)).bearer_auth(&clerk).send().await.unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "invalid_path");
    let director = s.staff("director").await;
    let res = s.http.post(format!("{}/api/assessment/%FF/close", s.base)).bearer_auth(&director).send().await.unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "invalid_path");
    let res = s.http.get(format!("{}/api/events", s.base)).header("Last-Event-ID", "abc").send().await.unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(last_event_id(&s).await, before_events, "bad requests appended events");
    assert_eq!(s.get("/api/queues").await.body, before_queues);
}

#[tokio::test]
async fn repeated_failed_logins_are_slowed_down() {
    let s = TestServer::start().await;
    let bad = json!({"username": "clerk4", "password": "guess", "window_id": "w04"});
    for _ in 0..3 {
        assert_error(
            &s.send(Method::POST, "/api/auth/login", None, Some(bad.clone()), None).await,
            401,
            "bad_credentials",
        );
    }
    let res = s.http.post(format!("{}/api/auth/login", s.base)).json(&bad).send().await.unwrap();
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    // Even the right password waits until the pause is over.
    let good = json!({"username": "clerk4", "password": "demo", "window_id": "w04"});
    assert_error(&s.send(Method::POST, "/api/auth/login", None, Some(good), None).await, 429, "too_many_attempts");
}

#[tokio::test]
async fn kiosks_are_rate_limited_per_device() {
    let s = TestServer::options().kiosk_rate_limit(2).start().await;
    s.issue("mz-dibao").await;
    s.issue("mz-dibao").await;
    let r = s.post("/api/tickets", "demo-kiosk", json!({"service_id": "mz-dibao"})).await;
    assert_error(&r, 429, "rate_limited");
    assert_eq!(s.get("/api/queues").await.body[1]["waiting"], 2);
    // A retry of an issued ticket still gets its first answer, rate or not.
    let s2 = TestServer::options().kiosk_rate_limit(1).start().await;
    let body = json!({"service_id": "mz-dibao"});
    let first = s2.send(Method::POST, "/api/tickets", Some("demo-kiosk"), Some(body.clone()), Some("k-1")).await;
    let again = s2.send(Method::POST, "/api/tickets", Some("demo-kiosk"), Some(body), Some("k-1")).await;
    assert_eq!(first.status, 201);
    assert_eq!(again.body, first.body);
}

#[tokio::test]
async fn demo_accounts_need_demo_mode() {
    use tower::ServiceExt;
    let (_dir, app) = crate::support::router(false);
    let login = axum::http::Request::post("/api/auth/login")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(r#"{"username":"admin","password":"demo"}"#))
        .unwrap();
    let res = app.clone().oneshot(login).await.unwrap();
    assert_eq!(res.status(), 401);
    let body = axum::body::to_bytes(res.into_body(), 10_000).await.unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap()["error"], "demo_disabled");
    let issue = axum::http::Request::post("/api/tickets")
        .header("authorization", "Bearer demo-kiosk")
        .body(axum::body::Body::from(r#"{"service_id":"mz-dibao"}"#))
        .unwrap();
    assert_eq!(app.oneshot(issue).await.unwrap().status(), 401);
}
