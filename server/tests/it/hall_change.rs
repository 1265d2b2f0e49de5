//! A new configuration while the hall runs (the admin page, or the file edited between two
//! starts) leaves no citizen stranded: a window removed while a citizen is at its desk, a
//! matter removed while its tickets wait, a queue renamed during the day.

use serde_json::{json, Value};

use crate::support::{assert_error, at, TestServer};

/// The sample hall without window `w11` (林业窗口): its matters and clerk go to `w10`.
pub(crate) fn without_w11(toml: &str) -> String {
    let cut = |t: String, block: &str| {
        let at = t.find(block).unwrap_or_else(|| panic!("{block}"));
        let end = t[at..].find("\n\n").map_or(t.len(), |n| at + n + 2); // the file's last block
        format!("{}{}", &t[..at], &t[end..])
    };
    let t = cut(toml.to_string(), "[[windows]]\nid = \"w11\"");
    cut(t, "[[evaluators]]\nid = \"evaluator-w11\"").replace("\"w11\"", "\"w10\"")
}

async fn hall_toml(s: &TestServer, admin: &str) -> String {
    s.send(reqwest::Method::GET, "/api/admin/hall", Some(admin), None, None).await.body["toml"]
        .as_str()
        .unwrap()
        .to_string()
}

fn count(s: &TestServer, sql: &str) -> i64 {
    rusqlite::Connection::open(&s.db).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn the_admin_page_does_not_remove_a_window_or_matter_a_citizen_is_waiting_on() {
    let s = TestServer::start().await;
    let clerk11 = s.clerk("clerk11", "w11").await;
    let ticket = s.issue("ly-caifa").await;
    assert_eq!(s.act(&clerk11, "w11", "call-next").await.status, 200);
    assert_eq!(s.act(&clerk11, "w11", "start").await.status, 200);
    let admin = s.staff("admin").await;
    let before = count(&s, "SELECT COUNT(*) FROM audit WHERE action = 'hall.replace'");
    let toml = without_w11(&hall_toml(&s, &admin).await);
    let r = s.post("/api/admin/hall", &admin, json!({ "toml": toml })).await;
    assert_error(&r, 409, "window_busy");
    assert!(r.body["message"].as_str().unwrap().contains(ticket["number"].as_str().unwrap()), "{}", r.body);
    assert_eq!(count(&s, "SELECT COUNT(*) FROM audit WHERE action = 'hall.replace'"), before, "nothing changed");
    // Served and finished: the window goes.
    let done = s.post("/api/windows/w11/finish", &clerk11, json!({"outcome": "immediate"})).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(s.post("/api/admin/hall", &admin, json!({ "toml": toml })).await.status, 200);

    // A matter with a ticket waiting today stays until it is served, and one called too.
    s.issue("zh-tousu").await;
    let toml = hall_toml(&s, &admin).await;
    let start = toml.find("[[matters]]\nid = \"zh-tousu\"").expect("the matter's block");
    let end = start + toml[start..].find("\n\n[[").unwrap() + 2;
    let dropped = format!("{}{}", &toml[..start], &toml[end..]);
    let r = s.post("/api/admin/hall", &admin, json!({ "toml": dropped })).await;
    assert_error(&r, 409, "matter_in_use");
    let clerk1 = s.clerk("clerk1", "w01").await;
    let called = s.act(&clerk1, "w01", "call-next").await;
    assert_eq!(called.body["service_id"], "zh-tousu", "{}", called.body);
    let r = s.post("/api/admin/hall", &admin, json!({ "toml": dropped })).await;
    assert_error(&r, 409, "matter_in_use");
}

/// A service the day close ended and nobody registered yet (R1) is registered at its window with
/// its matter's time limit: neither the window nor the matter goes before it is.
#[tokio::test]
async fn the_admin_page_does_not_remove_a_window_or_matter_with_a_service_to_register() {
    let s = TestServer::start().await;
    let clerk11 = s.clerk("clerk11", "w11").await;
    let ticket = s.issue("ly-caifa").await;
    assert_eq!(s.act(&clerk11, "w11", "call-next").await.status, 200);
    assert_eq!(s.act(&clerk11, "w11", "start").await.status, 200);
    s.clock().advance(chrono::Duration::hours(16)); // the clerk went home without 办结
    s.state().writer().submit(hall_server::ops::Actor::System, hall_server::ops::Op::CloseDays, None).await.unwrap();
    let admin = s.staff("admin").await;
    let toml = without_w11(&hall_toml(&s, &admin).await);
    let r = s.post("/api/admin/hall", &admin, json!({ "toml": toml })).await;
    assert_error(&r, 409, "window_busy");
    assert!(r.body["message"].as_str().unwrap().contains("not registered yet"), "{}", r.body);
    let with_w11 = hall_toml(&s, &admin).await;
    let start = with_w11.find("[[matters]]\nid = \"ly-caifa\"").expect("the matter's block");
    let end = start + with_w11[start..].find("\n\n[[").unwrap() + 2;
    let dropped = format!("{}{}", &with_w11[..start], &with_w11[end..]);
    assert_error(&s.post("/api/admin/hall", &admin, json!({ "toml": dropped })).await, 409, "matter_in_use");
    // Registered at its window: both may go.
    let clerk11 = s.clerk("clerk11", "w11").await;
    let body = json!({"ticket_id": ticket["id"], "outcome": "promised", "applicant_name": "张三"});
    let done = s.post("/api/windows/w11/register-left-open", &clerk11, body).await;
    assert_eq!(done.status, 200, "{}", done.body);
    let r = s.post("/api/admin/hall", &admin, json!({ "toml": toml })).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

/// The file edited between two starts cannot be refused: the day-close still ends a ticket left
/// at a window the file removed, and every day after closes.
#[tokio::test]
async fn a_window_removed_between_two_starts_does_not_stop_the_day_close() {
    let s = TestServer::options().hall_from_file(true).start().await;
    let clerk11 = s.clerk("clerk11", "w11").await;
    let ticket = s.issue("ly-caifa").await;
    assert_eq!(s.act(&clerk11, "w11", "call-next").await.status, 200);
    assert_eq!(s.act(&clerk11, "w11", "start").await.status, 200);
    let hall = hall_server::config::parse(&without_w11(hall_server::config::SAMPLE_HALL), "test").unwrap();
    let s = s.restart_with_hall(hall).await;
    s.clock().set(at("2026-11-26", "09:00"));
    s.state().writer().submit(hall_server::ops::Actor::System, hall_server::ops::Op::CloseDays, None).await.unwrap();
    let status: String = rusqlite::Connection::open(&s.db)
        .unwrap()
        .query_row("SELECT status FROM tickets WHERE id = ?1", [ticket["id"].as_i64().unwrap()], |r| r.get(0))
        .unwrap();
    assert_ne!(status, "serving", "ended by the day-close");
    assert_eq!(count(&s, "SELECT COUNT(*) FROM days_closed WHERE day = '2026-11-25'"), 1);
}

/// A queue renamed (or its letter moved to another queue) during the day numbers on after the
/// letter's highest ticket of the day: never a second A001.
#[tokio::test]
async fn a_queue_renamed_during_the_day_numbers_on() {
    let s = TestServer::start().await;
    let first: Vec<Value> = vec![s.issue("zh-zixun").await, s.issue("zh-zixun").await];
    let admin = s.staff("admin").await;
    let toml = hall_toml(&s, &admin).await;
    assert!(toml.contains("id = \"zonghe\""), "the sample's queue");
    let renamed = toml.replace("\"zonghe\"", "\"zixun-q\"").replace("{ zonghe = 3,", "{ zixun-q = 3,");
    let r = s.post("/api/admin/hall", &admin, json!({ "toml": renamed })).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let next = s.issue("zh-zixun").await;
    let numbers: Vec<&str> = first.iter().chain([&next]).map(|t| t["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, ["A001", "A002", "A003"]);
}

/// The director's notice line stays until the configuration's own notice is changed: then the
/// new one is the lobby's (the published line hid every later edit of the configuration).
#[tokio::test]
async fn a_notice_changed_in_the_configuration_replaces_the_line_published_before() {
    let s = TestServer::start().await;
    let director = s.staff("director").await;
    let published = s.post("/api/notice", &director, json!({"notice": "今天下午三点起暂停办理不动产登记"})).await;
    assert_eq!(published.status, 200, "{}", published.body);
    let admin = s.staff("admin").await;
    let toml = hall_toml(&s, &admin).await;
    // Saved again with another change only: the published line stays.
    let other = toml.replacen("phone = \"0835-6621234\"", "phone = \"0835-6621235\"", 1);
    assert_ne!(other, toml);
    assert_eq!(s.post("/api/admin/hall", &admin, json!({ "toml": other })).await.status, 200);
    assert_eq!(s.get("/api/hall").await.body["notice"], "今天下午三点起暂停办理不动产登记");
    // The configuration's notice edited: it is the lobby's now.
    let edited = other.replacen(
        "notice = \"欢迎来到青石镇便民服务中心，",
        "notice = \"春节期间正常办公。欢迎来到青石镇便民服务中心，",
        1,
    );
    assert_ne!(edited, other);
    assert_eq!(s.post("/api/admin/hall", &admin, json!({ "toml": edited })).await.status, 200);
    let notice = s.get("/api/hall").await.body["notice"].as_str().unwrap().to_string();
    assert!(notice.starts_with("春节期间正常办公。"), "{notice}");
}
