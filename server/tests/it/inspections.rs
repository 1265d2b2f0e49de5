//! Spot inspections (督查, R18) through the HTTP contract: the director or a leader records one
//! with findings and photos, the oversight reads it back, a clerk sees only the findings about
//! them, and the director withdraws a finding with a reason.

use base64::Engine;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{assert_error, TestServer};

/// A 1×1 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

async fn get(s: &TestServer, path: &str, token: &str) -> Value {
    let r = s.send(Method::GET, path, Some(token), None, None).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r.body
}

fn count(s: &TestServer, sql: &str) -> i64 {
    let db = rusqlite::Connection::open(&s.db).unwrap();
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// One inspection at w01 and w02 with a finding about clerk1 at w01 and one about w02 itself.
fn visit(photos: Vec<String>) -> Value {
    json!({
        "windows": ["w01", "w02"],
        "note": "上午抽查两个窗口，整体秩序良好",
        "findings": [
            {"window_id": "w01", "username": "clerk1", "kind": "discipline", "note": "工作时间玩手机"},
            {"window_id": "w02", "kind": "appearance", "note": "桌面摆放杂乱"},
        ],
        "photos": photos,
    })
}

#[tokio::test]
async fn a_leader_records_an_inspection_read_back_with_its_photo() {
    let s = TestServer::start().await;
    let leader = s.staff("leader").await;
    let r = s.post("/api/inspections", &leader, visit(vec![format!("data:image/png;base64,{PNG}")])).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!((r.body["inspector"].clone(), r.body["day"].clone()), (json!("leader"), json!("2026-11-25")));
    assert_eq!(r.body["at"], "2026-11-25T09:00:00+08:00", "now by default");
    assert_eq!(r.body["photos"], 1);

    let director = s.staff("director").await;
    let got = get(&s, &format!("/api/inspections/{id}"), &director).await;
    assert_eq!(got, r.body, "read back as recorded");
    assert_eq!(got["windows"], json!(["w01", "w02"]));
    let f = &got["findings"];
    assert_eq!(
        (f[0]["username"].clone(), f[0]["window_number"].clone(), f[0]["kind"].clone()),
        (json!("clerk1"), json!(1), json!("discipline"))
    );
    assert!(f[0]["name"].as_str().is_some_and(|n| !n.is_empty()));
    assert_eq!((f[1]["username"].clone(), f[1]["kind"].clone()), (Value::Null, json!("appearance")));

    // The photo comes back byte for byte, typed by its bytes, cached privately only.
    let res = reqwest::Client::new()
        .get(format!("{}/api/inspections/{id}/photos/1", s.base))
        .bearer_auth(&director)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert!(res.headers()["cache-control"].to_str().unwrap().starts_with("private"));
    let png = base64::engine::general_purpose::STANDARD.decode(PNG).unwrap();
    assert_eq!(res.bytes().await.unwrap().to_vec(), png);
    for path in [
        format!("/api/inspections/{id}/photos/2"),
        format!("/api/inspections/{id}/photos/x"),
        "/api/inspections/99".into(),
    ] {
        assert_error(&s.send(Method::GET, &path, Some(&director), None, None).await, 404, "unknown_inspection");
    }

    // An inspection that found nothing counts too; the director records as well.
    let nothing = json!({"windows": ["w03"], "note": "未发现问题"});
    assert_eq!(s.post("/api/inspections", &director, nothing).await.status, 201);
    let list = get(&s, "/api/inspections", &leader).await;
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    assert_eq!(list[1]["id"], id, "latest first");
    let admin = s.staff("admin").await;
    assert_eq!(get(&s, "/api/inspections", &admin).await, list, "an administrator reads them");
    assert_eq!(count(&s, "SELECT COUNT(*) FROM audit WHERE action = 'inspection.recorded'"), 2);
    // The audit names the photo by its hash, never its bytes.
    let detail: String = rusqlite::Connection::open(&s.db)
        .unwrap()
        .query_row("SELECT detail FROM audit WHERE action = 'inspection.recorded' ORDER BY id LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(detail.contains("photos_sha256") && !detail.contains(PNG), "{detail}");
}

#[tokio::test]
async fn a_retried_inspection_is_recorded_once() {
    let s = TestServer::start().await;
    let leader = s.staff("leader").await;
    let send =
        || s.send(Method::POST, "/api/inspections", Some(&leader), Some(visit(vec![PNG.into()])), Some("insp-1"));
    let (first, again) = (send().await, send().await);
    assert_eq!((first.status.as_u16(), again.status.as_u16()), (201, 201), "{}", again.body);
    assert_eq!(first.body, again.body);
    assert_eq!(count(&s, "SELECT COUNT(*) FROM inspections"), 1);
    assert_eq!(count(&s, "SELECT COUNT(*) FROM inspection_photos"), 1);
    // The same windows named twice are visited once.
    let twice = json!({"windows": ["w03", "w03", " w04"]});
    let r = s.post("/api/inspections", &leader, twice).await;
    assert_eq!(r.body["windows"], json!(["w03", "w04"]), "{}", r.body);
}

#[tokio::test]
async fn bad_inspections_are_refused_and_nothing_is_stored() {
    let s = TestServer::start().await;
    let leader = s.staff("leader").await;
    let png = base64::engine::general_purpose::STANDARD.decode(PNG).unwrap();
    let big = b64(&[png.clone(), vec![0; 1024 * 1024]].concat());
    let with = |photos: Vec<String>| visit(photos);
    let mut future = visit(vec![]);
    future["at"] = json!("2026-11-25T10:00:00+08:00");
    let mut future_local = visit(vec![]);
    future_local["at"] = json!("2026-11-25T09:30");
    let mut garbled = visit(vec![]);
    garbled["at"] = json!("yesterday");
    let unvisited = json!({"windows": ["w01"], "findings": [{"window_id": "w05", "kind": "conduct", "note": "x"}]});
    let no_subject = json!({"windows": ["w01"], "findings": [{"kind": "conduct", "note": "x"}]});
    let empty_note = json!({"windows": ["w01"], "findings": [{"username": "clerk1", "kind": "conduct", "note": " "}]});
    // (body, status, code)
    let cases = [
        (with(vec![b64(b"GIF89a not a photo")]), 422, "invalid_photo"),
        (with(vec![b64(b"<svg xmlns='http://www.w3.org/2000/svg'/>")]), 422, "invalid_photo"),
        (with(vec!["not base64 at all!".into()]), 422, "invalid_photo"),
        (with(vec![big]), 422, "photo_too_large"),
        (with(vec![PNG.to_string(); 5]), 422, "too_many_photos"),
        (future, 422, "invalid_inspection_time"),
        (future_local, 422, "invalid_inspection_time"),
        (garbled, 422, "invalid_inspection_time"),
        (json!({"windows": []}), 422, "invalid_inspection"),
        (json!({"windows": ["w99"]}), 422, "unknown_window"),
        (unvisited, 422, "invalid_inspection"),
        (no_subject, 422, "invalid_inspection"),
        (empty_note, 422, "invalid_inspection"),
        (
            json!({"windows": ["w01"], "findings": [{"username": "director", "kind": "conduct", "note": "x"}]}),
            422,
            "unknown_staff",
        ),
        (
            json!({"windows": ["w01"], "findings": [{"username": "clerk1", "kind": "rude", "note": "x"}]}),
            400,
            "invalid_body",
        ),
    ];
    for (body, status, code) in cases {
        let r = s.post("/api/inspections", &leader, body.clone()).await;
        assert_error(&r, status, code);
    }
    // Only the director or a leader records.
    let admin = s.staff("admin").await;
    assert_error(&s.post("/api/inspections", &admin, visit(vec![])).await, 403, "inspector_only");
    let clerk = s.clerk("clerk1", "w01").await;
    assert_error(&s.post("/api/inspections", &clerk, visit(vec![])).await, 403, "inspector_only");
    for table in ["inspections", "inspection_findings", "inspection_photos", "inspection_windows"] {
        assert_eq!(count(&s, &format!("SELECT COUNT(*) FROM {table}")), 0, "{table}");
    }
    assert_eq!(count(&s, "SELECT COUNT(*) FROM audit WHERE action LIKE 'inspection%'"), 0);
}

#[tokio::test]
async fn only_the_inspection_route_takes_a_large_body() {
    let s = TestServer::start().await;
    let leader = s.staff("leader").await;
    let png = base64::engine::general_purpose::STANDARD.decode(PNG).unwrap();
    let near_mb = b64(&[png, vec![0; 1000 * 1000]].concat());
    let r = s.post("/api/inspections", &leader, visit(vec![near_mb.clone(); 4])).await;
    assert_eq!(r.status, 201, "four photos of nearly 1 MB: {}", r.body);
    assert_eq!(r.body["photos"], 4);
    let director = s.staff("director").await;
    let r = s.post("/api/notice", &director, json!({ "notice": near_mb })).await;
    assert_error(&r, 413, "body_too_large");
}

#[tokio::test]
async fn a_clerk_sees_only_the_findings_about_them_or_their_window() {
    let s = TestServer::start().await;
    let leader = s.staff("leader").await;
    let mut body = visit(vec![PNG.into()]);
    let more = body["findings"].as_array_mut().unwrap();
    more.push(json!({"window_id": "w02", "username": "clerk2", "kind": "conduct", "note": "与同事闲聊"}));
    more.push(json!({"window_id": "w01", "kind": "appearance", "note": "窗口公示牌缺失"}));
    more.push(json!({"window_id": "w01", "username": "clerk2", "kind": "discipline", "note": "串岗"}));
    // The clerks at their windows when the leader comes by.
    let (_c1, _c2) = (s.clerk("clerk1", "w01").await, s.clerk("clerk2", "w02").await);
    s.clock().advance(chrono::Duration::minutes(5));
    assert_eq!(s.post("/api/inspections", &leader, body).await.status, 201);

    // (clerk, window, the findings they see: about them?, note)
    for (clerk, window, want) in [
        ("clerk1", "w01", vec![(true, "工作时间玩手机"), (false, "窗口公示牌缺失")]),
        ("clerk2", "w02", vec![(false, "桌面摆放杂乱"), (true, "与同事闲聊"), (true, "串岗")]),
    ] {
        let token = s.clerk(clerk, window).await;
        let mine = get(&s, "/api/inspections/mine", &token).await;
        let got: Vec<_> = mine
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["about_me"].as_bool().unwrap(), f["note"].as_str().unwrap()))
            .collect();
        assert_eq!(got, want, "{clerk} at {window}");
        let text = mine.to_string();
        assert!(!text.contains("整体秩序良好") && !text.contains("photo") && !text.contains("leader"), "{text}");
    }
    // A finding about w02 concerns clerk2, who held it then, not a stand-in sent there since.
    s.clock().advance(chrono::Duration::minutes(5));
    let clerk2 = s.clerk("clerk2", "w02").await;
    assert_eq!(s.post("/api/auth/logout", &clerk2, json!({})).await.status, 204);
    let clerk3 = s.clerk("clerk3", "w03").await;
    let director = s.staff("director").await;
    let moved =
        s.post("/api/windows/w02/stand-in", &director, json!({"username": "clerk3", "override_allowed": true})).await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let theirs = get(&s, "/api/inspections/mine", &clerk3).await;
    assert_eq!(theirs, json!([]), "not the findings of clerk2's time at w02");
    let clerk1 = s.clerk("clerk1", "w01").await;

    // The rest is the oversight's.
    for path in ["/api/inspections", "/api/inspections/1", "/api/inspections/1/photos/1", "/api/inspections/clerks"] {
        assert_error(&s.send(Method::GET, path, Some(&clerk1), None, None).await, 403, "oversight_only");
    }
    let director = s.staff("director").await;
    assert_error(&s.send(Method::GET, "/api/inspections/mine", Some(&director), None, None).await, 403, "clerk_only");
    let clerks = get(&s, "/api/inspections/clerks", &leader).await;
    assert!(clerks.as_array().unwrap().iter().any(|c| c["username"] == "clerk1"));
    // Each with their staff number (工号): two of the same name are told apart in the form.
    assert!(
        clerks.as_array().unwrap().iter().all(|c| c["staff_no"].as_str().is_some_and(|n| !n.is_empty())),
        "{clerks}"
    );
    assert!(
        clerks.as_array().unwrap().iter().all(|c| c["username"].as_str().unwrap().starts_with("clerk")),
        "{clerks}"
    );
}

/// A session that lost its window without ending (the clerk signed in again on another
/// computer and signed out there) does not hold it days later: a finding about the window, no
/// clerk named, made while nobody sat there, is nobody's.
#[tokio::test]
async fn a_window_nobody_holds_is_not_charged_to_a_session_that_lost_it() {
    let s = TestServer::start().await;
    let _lost = s.clerk("clerk1", "w01").await;
    s.clock().advance(chrono::Duration::minutes(100));
    let again = s.clerk("clerk1", "w01").await;
    s.clock().advance(chrono::Duration::hours(5));
    assert_eq!(s.post("/api/auth/logout", &again, json!({})).await.status, 204);
    // Friday 08:40, before anyone signed in at w01.
    s.clock().advance(chrono::Duration::hours(41));
    let leader = s.staff("leader").await;
    let finding =
        json!({"windows": ["w01"], "findings": [{"window_id": "w01", "kind": "discipline", "note": "无人在岗"}]});
    assert_eq!(s.post("/api/inspections", &leader, finding).await.status, 201);
    let clerk1 = s.clerk("clerk1", "w01").await;
    assert_eq!(get(&s, "/api/inspections/mine", &clerk1).await, json!([]), "nobody held w01 when it was seen");
    // While a clerk does sit there, it is theirs.
    s.clock().advance(chrono::Duration::minutes(5));
    let finding =
        json!({"windows": ["w01"], "findings": [{"window_id": "w01", "kind": "appearance", "note": "桌面杂乱"}]});
    assert_eq!(s.post("/api/inspections", &leader, finding).await.status, 201);
    let mine = get(&s, "/api/inspections/mine", &clerk1).await;
    assert_eq!(mine.as_array().map(|m| m.len()), Some(1), "{mine}");
    assert_eq!(mine[0]["note"], "桌面杂乱");
}

/// The director sends a clerk to a window another clerk left earlier: a finding about that
/// window, no clerk named, concerns the clerk sent there (who holds it since the move), not
/// nobody because the earlier clerk's session there ended.
#[tokio::test]
async fn a_window_a_clerk_was_sent_to_is_theirs_from_the_move() {
    let s = TestServer::start().await;
    let clerk1 = s.clerk("clerk1", "w01").await;
    let clerk2 = s.clerk("clerk2", "w02").await;
    s.clock().advance(chrono::Duration::minutes(60));
    assert_eq!(s.post("/api/auth/logout", &clerk2, json!({})).await.status, 204);
    s.clock().advance(chrono::Duration::minutes(5));
    let director = s.staff("director").await;
    let moved =
        s.post("/api/windows/w02/stand-in", &director, json!({"username": "clerk1", "override_allowed": true})).await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    s.clock().advance(chrono::Duration::minutes(55));
    let leader = s.staff("leader").await;
    let finding =
        json!({"windows": ["w02"], "findings": [{"window_id": "w02", "kind": "appearance", "note": "桌面杂乱"}]});
    assert_eq!(s.post("/api/inspections", &leader, finding).await.status, 201);
    // Recorded afterwards for earlier times (R18 allows it): w01 at 09:30 was clerk1's, before
    // the move; w01 at 10:30 nobody's, after it.
    for (at, note) in [("2026-11-25T09:30", "桌牌未摆放"), ("2026-11-25T10:30", "窗口无人")] {
        let finding = json!({"at": at, "windows": ["w01"], "findings": [{"window_id": "w01", "kind": "discipline", "note": note}]});
        let r = s.post("/api/inspections", &leader, finding).await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let mine = get(&s, "/api/inspections/mine", &clerk1).await;
    let mut notes: Vec<(&str, &str)> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["window_id"].as_str().unwrap(), f["note"].as_str().unwrap()))
        .collect();
    notes.sort();
    assert_eq!(notes, [("w01", "桌牌未摆放"), ("w02", "桌面杂乱")], "{mine}");
}

#[tokio::test]
async fn the_director_withdraws_a_finding_with_a_reason_once_audited() {
    let s = TestServer::start().await;
    let leader = s.staff("leader").await;
    let r = s.post("/api/inspections", &leader, visit(vec![])).await;
    let finding = r.body["findings"][0]["id"].as_i64().unwrap();
    let path = format!("/api/inspections/findings/{finding}/withdraw");
    let reason = json!({"reason": "复核监控：当时在为群众查询政策"});
    let clerk = s.clerk("clerk1", "w01").await;
    assert_error(&s.post(&path, &leader, reason.clone()).await, 403, "director_only");
    assert_error(&s.post(&path, &clerk, reason.clone()).await, 403, "director_only");
    let director = s.staff("director").await;
    assert_error(&s.post(&path, &director, json!({"reason": "  "})).await, 422, "reason_required");
    assert_error(
        &s.post("/api/inspections/findings/999/withdraw", &director, reason.clone()).await,
        404,
        "unknown_finding",
    );
    let r = s.post(&path, &director, reason.clone()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let f = &r.body["findings"][0];
    assert_eq!(
        (f["withdrawn_by"].clone(), f["withdrawn_reason"].clone()),
        (json!("director"), reason["reason"].clone())
    );
    assert_eq!(f["withdrawn_at"], "2026-11-25T09:00:00+08:00");
    assert_error(&s.post(&path, &director, reason.clone()).await, 409, "finding_withdrawn");
    // Still visible, as withdrawn, to the oversight and to the clerk.
    let list = get(&s, "/api/inspections", &leader).await;
    assert_eq!(list[0]["findings"].as_array().unwrap().len(), 2);
    assert_eq!(list[0]["findings"][0]["withdrawn_by"], "director");
    let mine = get(&s, "/api/inspections/mine", &clerk).await;
    assert_eq!(mine[0]["withdrawn_reason"], reason["reason"]);
    assert_eq!(count(&s, "SELECT COUNT(*) FROM audit WHERE action = 'inspection.finding_withdrawn'"), 1);
    // Never deleted, never rewritten (the database refuses it).
    let db = rusqlite::Connection::open(&s.db).unwrap();
    assert!(db.execute("DELETE FROM inspections", []).is_err());
    assert!(db.execute("DELETE FROM inspection_findings", []).is_err());
    assert!(db.execute("UPDATE inspection_findings SET withdrawn_reason = 'x'", []).is_err());
    assert!(db.execute("UPDATE inspection_findings SET note = 'x' WHERE withdrawn_at_ms IS NULL", []).is_err());
    // An administrator withdraws too.
    let other = list[0]["findings"][1]["id"].as_i64().unwrap();
    let admin = s.staff("admin").await;
    let r = s.post(&format!("/api/inspections/findings/{other}/withdraw"), &admin, json!({"reason": "录入错误"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["findings"][1]["withdrawn_by"], "admin");
}

#[tokio::test]
async fn the_list_follows_the_range_by_the_day_of_the_inspection() {
    let s = TestServer::start().await;
    let leader = s.staff("leader").await;
    // An inspection of yesterday afternoon (the hall's local time), one of a month ago, one now.
    for at in ["2026-11-24T16:00", "2026-10-20T10:15:00+08:00", ""] {
        let body = json!({"at": at, "windows": ["w01"], "note": at});
        let r = s.post("/api/inspections", &leader, body).await;
        assert_eq!(r.status, 201, "{at}: {}", r.body);
    }
    let days =
        |v: &Value| v.as_array().unwrap().iter().map(|i| i["day"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(
        days(&get(&s, "/api/inspections", &leader).await),
        ["2026-11-25", "2026-11-24"],
        "this month by default"
    );
    let range = get(&s, "/api/inspections?from=2026-10-01&to=2026-11-24", &leader).await;
    assert_eq!(days(&range), ["2026-11-24", "2026-10-20"]);
    assert_eq!(range[0]["at"], "2026-11-24T16:00:00+08:00");
    let r = s.send(Method::GET, "/api/inspections?from=2026-11-25&to=2026-11-01", Some(&leader), None, None).await;
    assert_error(&r, 422, "invalid_date");
}

/// A caller who may not record inspections is refused before its body is read: a kiosk that
/// announces 5 MB of photos gets its 403 at once, without the server waiting for (and holding)
/// the 5 MB.
#[tokio::test]
async fn a_caller_who_may_not_inspect_is_refused_before_the_photos_arrive() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = TestServer::start().await;
    let mut conn = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    let head = "POST /api/inspections HTTP/1.1\r\nHost: hall\r\nAuthorization: Bearer demo-kiosk\r\n\
                Content-Type: application/json\r\nContent-Length: 5000000\r\n\r\n{\"photos\": [\"";
    conn.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 512];
    let n = tokio::time::timeout(std::time::Duration::from_secs(5), conn.read(&mut answer))
        .await
        .expect("no answer before the body: the server waited for it")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(answer.contains("inspector_only"), "{answer}");
}
