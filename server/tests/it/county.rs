//! The county's read-only device (`[[counties]]`, `demo-county` with `--demo`): it reads
//! `/api/events` and `/api/hall` and nothing else; its stream has every event, ids without gap,
//! personal information removed; events it asked for that the hall no longer keeps are told.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::*;

const COUNTY: &str = "demo-county";

#[tokio::test]
async fn a_county_token_reads_events_and_the_hall_and_nothing_else() {
    let s = TestServer::start().await;
    let hall = s.send(Method::GET, "/api/hall", Some(COUNTY), None, None).await;
    assert_eq!(hall.status, 200);
    assert_eq!(hall.body["hall_id"], "qingshui");
    let res = s.http.get(format!("{}/api/events", s.base)).bearer_auth(COUNTY).send().await.unwrap();
    assert_eq!(res.status(), 200);
    // (method, path, body): every one refused with 403 and the contract's error.
    let refused = [
        (Method::POST, "/api/tickets", Some(json!({"service_id": "zh-zixun"}))),
        (Method::GET, "/api/director/today", None),
        (Method::GET, "/api/cases", None),
        (Method::GET, "/api/complaints", None),
        (Method::POST, "/api/windows/w01/call-next", Some(json!({}))),
        (Method::POST, "/api/windows/w01/pause", Some(json!({}))),
        (Method::POST, "/api/notice", Some(json!({"notice": "x"}))),
        (Method::GET, "/api/auth/me", None),
    ];
    for (method, path, body) in refused {
        let r = s.send(method.clone(), path, Some(COUNTY), body, None).await;
        assert_eq!(r.status, 403, "{method} {path}: {}", r.body);
        assert!(r.body["error"].as_str().is_some_and(|c| !c.is_empty()), "{method} {path}: {}", r.body);
        assert!(r.body["message"].as_str().is_some_and(|m| !m.is_empty()), "{method} {path}: {}", r.body);
    }
}

#[tokio::test]
async fn the_demo_county_token_needs_demo() {
    let s = TestServer::options().demo(false).start().await;
    let res = s.http.get(format!("{}/api/events", s.base)).bearer_auth(COUNTY).send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "demo_disabled");
}

/// Raw SSE blocks of a county stream from `after`, until `until` ids were seen.
async fn county_blocks(base: &str, after: i64, until: i64) -> Vec<String> {
    let mut res = reqwest::Client::new()
        .get(format!("{base}/api/events"))
        .bearer_auth(COUNTY)
        .header("Last-Event-ID", after.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !text.contains(&format!("id: {until}\n")) {
        let chunk = tokio::time::timeout_at(deadline, res.chunk()).await.expect("events within 10 s").unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk.expect("stream open")));
    }
    let mut blocks: Vec<String> = text.split("\n\n").map(str::to_string).collect();
    blocks.retain(|b| !b.is_empty() && !b.starts_with(':'));
    blocks
}

fn id_of(block: &str) -> Option<i64> {
    block.lines().find_map(|l| l.strip_prefix("id: ")).map(|i| i.parse().unwrap())
}

#[tokio::test]
async fn the_county_stream_has_every_event_without_personal_information() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk1", "w01").await;
    s.issue_priority("zh-zixun", "pregnant").await;
    for action in ["call-next", "start"] {
        assert_eq!(s.act(&clerk, "w01", action).await.status, 200);
    }
    let r = s.post("/api/windows/w01/finish", &clerk, json!({"outcome": "immediate"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let director = s.staff("director").await;
    let complaint = json!({
        "channel": "written", "about": "staff", "staff": "clerk2", "window_id": "w02",
        "what": "态度生硬", "happened": "12月2日上午",
        "complainant_name": "王五", "complainant_contact": "13900001111", "complexity": "simple",
        "complainant_address": "青石镇河西村三组12号",
    });
    let r = s.post("/api/complaints", &director, complaint).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let newest = {
        let conn = rusqlite::Connection::open(&s.db).unwrap();
        conn.query_row("SELECT max(id) FROM events", [], |r| r.get::<_, i64>(0)).unwrap()
    };
    let blocks = county_blocks(&s.base, 0, newest).await;
    let ids: Vec<i64> = blocks.iter().filter_map(|b| id_of(b)).collect();
    assert_eq!(ids, (1..=newest).collect::<Vec<_>>(), "every event, director-only and staff-only too");
    let all = blocks.join("\n\n");
    for kind in
        ["ticket_issued", "window_status", "ticket_called", "ticket_finished", "case_changed", "feedback_changed"]
    {
        assert!(all.contains(&format!("event: {kind}\n")), "{kind} missing: {all}");
    }
    // The staff name on duty (demo clerk1) and the priority class never reach the county.
    let clerk_name = s.state().hall().staff("clerk1").unwrap().name.clone();
    for secret in ["pregnant", "\"priority\"", clerk_name.as_str(), "王五", "13900001111", "staff_no"] {
        assert!(!all.contains(secret), "the county got {secret}: {all}");
    }
    // Staff streams still get the priority (nothing changed for them).
    let mut staff = Sse::connect_as(&s.base, Some(&director), Some(0)).await;
    assert_eq!(staff.until("ticket_issued").await.0.data["priority"], "pregnant");
}

#[tokio::test]
async fn events_the_hall_no_longer_keeps_are_told_to_the_county() {
    let s = TestServer::start().await;
    for _ in 0..3 {
        s.issue("zh-zixun").await;
    }
    // Eight days later (events are kept 7) the server starts again and prunes them.
    s.clock().advance(chrono::Duration::days(8));
    let s = s.restart().await;
    s.issue("zh-zixun").await;
    let newest = {
        let conn = rusqlite::Connection::open(&s.db).unwrap();
        conn.query_row("SELECT max(id) FROM events", [], |r| r.get::<_, i64>(0)).unwrap()
    };
    let blocks = county_blocks(&s.base, 1, newest).await;
    let first = &blocks[0];
    let missed = first.strip_prefix("event: events_missed\ndata: ").unwrap_or_else(|| panic!("{blocks:?}"));
    let next = id_of(&blocks[1]).unwrap();
    assert_eq!(serde_json::from_str::<Value>(missed).unwrap(), json!({"after": 1, "next": next}));
    assert!(next > 2, "events 2..{next} are gone");
    // Without a gap, no signal.
    let blocks = county_blocks(&s.base, next, newest).await;
    assert!(blocks.iter().all(|b| !b.contains("events_missed")), "{blocks:?}");
}
