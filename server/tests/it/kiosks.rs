//! Kiosks report printer faults; staff see them (`GET /api/kiosks`) and live (`kiosk_fault`).

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{assert_error, Sse, TestServer};

#[tokio::test]
async fn a_paper_out_is_seen_by_staff_live_and_cleared_by_recovered() {
    let s = TestServer::start().await;
    let director = s.staff("director").await;
    let before = s.send(Method::GET, "/api/kiosks", Some(&director), None, None).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    assert_eq!(before.body, json!([{ "kiosk_id": "kiosk-lobby-1", "name": "大厅1号自助取号机", "message": "" }]));

    let mut stream = Sse::connect(&s.base, None).await;
    let report = json!({ "kind": "paper_out", "message": "打印纸用完，请更换纸卷", "ticket_number": "B007" });
    let r = s.send(Method::POST, "/api/kiosk/faults", Some("demo-kiosk"), Some(report.clone()), Some("f-1")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let expected = json!({
        "kiosk_id": "kiosk-lobby-1", "name": "大厅1号自助取号机", "fault": "paper_out",
        "message": "打印纸用完，请更换纸卷", "ticket_number": "B007", "at": "2026-11-25T09:00:00+08:00"
    });
    assert_eq!(r.body, expected);
    let (event, _) = stream.until("kiosk_fault").await;
    assert_eq!(event.data, expected);

    // A retry gets the same answer and announces nothing again.
    let again = s.send(Method::POST, "/api/kiosk/faults", Some("demo-kiosk"), Some(report), Some("f-1")).await;
    assert_eq!(again.body, expected);

    for who in [director.clone(), s.staff("admin").await, s.clerk("clerk1", "w01").await] {
        let seen = s.send(Method::GET, "/api/kiosks", Some(&who), None, None).await;
        assert_eq!(seen.body, json!([expected.clone()]));
    }

    s.clock().advance(chrono::Duration::minutes(4));
    let ok = s.post("/api/kiosk/faults", "demo-kiosk", json!({ "kind": "recovered" })).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert!(ok.body.get("fault").is_none(), "{}", ok.body);
    assert!(ok.body.get("ticket_number").is_none(), "{}", ok.body);
    assert_eq!(ok.body["at"], "2026-11-25T09:04:00+08:00");
    let (event, seen) = stream.until("kiosk_fault").await;
    assert_eq!(event.data, ok.body);
    let faults = seen.iter().filter(|e| e.kind == "kiosk_fault").count();
    assert_eq!(faults, 1, "the retry announced nothing: {seen:?}");
    let now = s.send(Method::GET, "/api/kiosks", Some(&director), None, None).await;
    assert!(now.body[0].get("fault").is_none(), "{}", now.body);

    // Audited like every write.
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let n: i64 = db
        .query_row("SELECT COUNT(*) FROM audit WHERE action = 'kiosk.fault' AND device = 'kiosk-lobby-1'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(n, 2);
}

#[tokio::test]
async fn only_kiosks_report_and_only_staff_read() {
    let s = TestServer::start().await;
    let director = s.staff("director").await;
    let report = json!({ "kind": "cover_open", "message": "" });
    assert_error(&s.post("/api/kiosk/faults", &director, report.clone()).await, 403, "kiosk_only");
    let anonymous = s.send(Method::POST, "/api/kiosk/faults", None, Some(report), None).await;
    assert_error(&anonymous, 401, "unauthorized");

    assert_error(&s.get("/api/kiosks").await, 401, "unauthorized");
    let kiosk = s.send(Method::GET, "/api/kiosks", Some("demo-kiosk"), None, None).await;
    assert_error(&kiosk, 403, "staff_only");

    let long = json!({ "kind": "print_failed", "message": "纸".repeat(501) });
    assert_error(&s.post("/api/kiosk/faults", "demo-kiosk", long).await, 422, "message_too_long");
    let ok = json!({ "kind": "print_failed", "message": "纸".repeat(500) });
    assert_eq!(s.post("/api/kiosk/faults", "demo-kiosk", ok).await.status, StatusCode::OK);
    let number = json!({ "kind": "print_failed", "ticket_number": "B".repeat(17) });
    assert_error(&s.post("/api/kiosk/faults", "demo-kiosk", number).await, 422, "ticket_number_too_long");
    let bad = s.post("/api/kiosk/faults", "demo-kiosk", json!({ "kind": "on_fire" })).await;
    assert_error(&bad, 400, "invalid_body");

    let doc = s.get("/api/openapi.json").await.body;
    for (path, method) in [("/api/kiosk/faults", "post"), ("/api/kiosks", "get"), ("/api/t/{token}", "get")] {
        assert!(doc["paths"][path][method].is_object(), "{path} missing from the OpenAPI document");
    }
    assert!(doc["components"]["schemas"]["KioskState"].is_object());
}
