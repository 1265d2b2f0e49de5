//! Leave with stand-ins (R16) through the HTTP contract: a clerk asks with a named stand-in for
//! each window, the director approves or refuses, the requester cancels before it starts; the
//! stand-in signs in at that window only on the day; the alarm for a window left unstaffed; no
//! absence on leave; the reason never in a list and the director's read audited.

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{assert_error, at, get, TestServer};

fn count(s: &TestServer, sql: &str) -> i64 {
    rusqlite::Connection::open(&s.db).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
}

const REASON: &str = "腰椎间盘突出复查";

fn ask(from: &str, to: &str, stand_ins: Value) -> Value {
    json!({"kind": "sick", "from": from, "to": to, "reason": REASON, "stand_ins": stand_ins})
}

async fn read(s: &TestServer, id: i64, token: &str) -> crate::support::Reply {
    s.send(Method::GET, &format!("/api/leave/{id}"), Some(token), None, None).await
}

async fn login(s: &TestServer, user: &str, window: &str) -> crate::support::Reply {
    let body = json!({"username": user, "password": "demo", "window_id": window});
    s.send(Method::POST, "/api/auth/login", None, Some(body), None).await
}

#[tokio::test]
async fn requests_are_checked_decided_and_cancelled_and_the_reason_stays_private() {
    let s = TestServer::start().await; // Wednesday 25 November 2026, 09:00
    let clerk1 = s.clerk("clerk1", "w01").await;
    let clerk2 = s.clerk("clerk2", "w02").await;
    let (director, leader) = (s.staff("director").await, s.staff("leader").await);
    let w01 = |who: &str| json!([{"window_id": "w01", "username": who}]);

    // Monday afternoon to Wednesday noon: two working days.
    let mut body = ask("2026-11-30", "2026-12-02", w01("clerk2"));
    body["from_afternoon"] = json!(true);
    body["to_noon"] = json!(true);
    let r = s.post("/api/leave", &clerk1, body.clone()).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let first = r.body["id"].as_i64().unwrap();
    assert_eq!((r.body["state"].clone(), r.body["working_days"].clone()), (json!("pending"), json!(2.0)));
    assert_eq!(r.body["stand_ins"][0]["name"], "陈建国");

    // Bad input: a clear 4xx, nothing written.
    let before = count(&s, "SELECT COUNT(*) FROM leave_requests");
    let mut bad: Vec<(Value, u16, &str)> = vec![
        (ask("2026-12-03", "2026-12-02", w01("clerk2")), 422, "invalid_leave_days"),
        (ask("2026-11-20", "2026-11-24", w01("clerk2")), 422, "invalid_leave_days"),
        (ask("2026-12-10", "2026-12-11", json!([])), 422, "stand_in_missing"),
        (ask("2026-12-10", "2026-12-11", json!([{"window_id": "w02", "username": "clerk2"}])), 422, "invalid_stand_in"),
        (ask("2026-12-10", "2026-12-11", w01("clerk1")), 422, "invalid_stand_in"),
        (ask("2026-12-10", "2026-12-11", w01("director")), 422, "invalid_stand_in"),
        (ask("2026-12-10", "2026-12-11", w01("nobody")), 422, "invalid_stand_in"),
        (ask("2026-12-10", "2026-12-1x", w01("clerk2")), 422, "invalid_date"),
        (ask("2026-12-01", "2026-12-01", w01("clerk3")), 409, "leave_overlaps"),
        (json!({"kind": "holiday", "from": "2026-12-10", "to": "2026-12-10"}), 400, "invalid_body"),
    ];
    let mut half = ask("2026-12-10", "2026-12-10", w01("clerk2"));
    half["from_afternoon"] = json!(true);
    half["to_noon"] = json!(true);
    bad.push((half, 422, "invalid_leave_days"));
    let mut no_reason = ask("2026-12-10", "2026-12-10", w01("clerk2"));
    no_reason["reason"] = json!("  ");
    bad.push((no_reason, 422, "invalid_leave_reason"));
    for (body, status, code) in bad {
        assert_error(&s.post("/api/leave", &clerk1, body.clone()).await, status, code);
    }
    assert_error(
        &s.post("/api/leave", &director, ask("2026-12-10", "2026-12-10", w01("clerk2"))).await,
        403,
        "clerks_only",
    );
    assert_eq!(count(&s, "SELECT COUNT(*) FROM leave_requests"), before, "nothing written");

    // Who may do what.
    let path = |what: &str| format!("/api/leave/{first}/{what}");
    assert_error(&s.send(Method::GET, "/api/leave", Some(&clerk1), None, None).await, 403, "oversight_only");
    assert_error(&s.post(&path("approve"), &clerk2, json!({})).await, 403, "director_only");
    assert_error(&s.post(&path("approve"), &leader, json!({})).await, 403, "director_only");
    assert_error(&s.post(&path("cancel"), &clerk2, json!({})).await, 403, "not_your_leave");
    assert_error(&read(&s, first, &clerk2).await, 403, "not_your_leave");
    assert_error(&read(&s, first, &leader).await, 403, "not_your_leave");
    assert_error(&s.send(Method::GET, "/api/leave/999", Some(&director), None, None).await, 404, "unknown_leave");

    // The lists never carry the reason; the leader reads the list too.
    for token in [&director, &leader] {
        let list = get(&s, "/api/leave?from=2026-11-01&to=2026-12-31", token).await;
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["kind"], "sick");
        assert!(!list.to_string().contains(REASON), "{list}");
    }
    let mine2 = get(&s, "/api/leave/mine", &clerk2).await;
    assert_eq!(mine2["standing_in"][0]["id"], first);
    assert!(!mine2.to_string().contains(REASON));
    // Nor the kind: a sick leave's says something of the colleague's health.
    assert!(mine2["standing_in"][0].get("kind").is_none(), "{mine2}");
    assert!(!mine2.to_string().contains("sick"), "{mine2}");
    // The requester reads their own reason (not audited); the director's read is audited.
    assert_eq!(read(&s, first, &clerk1).await.body["reason"], REASON);
    assert_eq!(count(&s, "SELECT COUNT(*) FROM audit WHERE action = 'leave.read'"), 0);
    assert_eq!(read(&s, first, &director).await.body["reason"], REASON);
    assert_eq!(count(&s, &format!("SELECT COUNT(*) FROM audit WHERE action = 'leave.read' AND subject = 'leave:{first}' AND actor = 'director'")), 1);
    assert_eq!(
        count(&s, &format!("SELECT COUNT(*) FROM audit WHERE detail LIKE '%{REASON}%'")),
        0,
        "never in the audit"
    );

    // Refused with a note (a refusal says why), then no longer pending.
    assert_error(&s.post(&path("refuse"), &director, json!({})).await, 422, "invalid_leave_reason");
    let r = s.post(&path("refuse"), &director, json!({"note": "月底人手紧"})).await;
    assert_eq!((r.status.as_u16(), r.body["state"].clone()), (200, json!("refused")), "{}", r.body);
    assert_error(&s.post(&path("approve"), &director, json!({})).await, 409, "leave_not_pending");
    // The colleague named as stand-in sees the outcome, not the director's grounds nor who.
    let mine2 = get(&s, "/api/leave/mine", &clerk2).await;
    assert_eq!(mine2["standing_in"][0]["state"], "refused");
    assert!(!mine2.to_string().contains("月底人手紧"), "{mine2}");
    assert!(mine2["standing_in"][0].get("decided_by").is_none(), "{mine2}");

    // Asked again: approved, then cancelled by the requester before it starts; once.
    let again = s.post("/api/leave", &clerk1, body).await.body["id"].as_i64().unwrap();
    let r = s.post(&format!("/api/leave/{again}/approve"), &director, json!({})).await;
    assert_eq!(r.body["state"], "approved", "{}", r.body);
    // A clerk on approved leave is no stand-in for those days.
    let clerk3 = s.clerk("clerk3", "w03").await;
    let r = s
        .post(
            "/api/leave",
            &clerk3,
            ask("2026-12-01", "2026-12-01", json!([{"window_id": "w03", "username": "clerk1"}])),
        )
        .await;
    assert_error(&r, 409, "stand_in_on_leave");
    let r = s.post(&format!("/api/leave/{again}/cancel"), &clerk1, json!({})).await;
    assert_eq!(r.body["state"], "cancelled", "{}", r.body);
    assert_error(&s.post(&format!("/api/leave/{again}/cancel"), &clerk1, json!({})).await, 409, "leave_not_pending");

    // Leave that has started is not cancelled.
    let today = s.post("/api/leave", &clerk1, ask("2026-11-25", "2026-11-26", w01("clerk2"))).await.body["id"]
        .as_i64()
        .unwrap();
    assert_eq!(s.post(&format!("/api/leave/{today}/approve"), &director, json!({})).await.status, 200);
    assert_error(&s.post(&format!("/api/leave/{today}/cancel"), &clerk1, json!({})).await, 409, "leave_started");
    // Clerk2 stands in for it: no leave of their own on those days, asked or approved.
    let w02 = json!([{"window_id": "w02", "username": "clerk4"}]);
    assert_error(
        &s.post("/api/leave", &clerk2, ask("2026-11-26", "2026-11-27", w02.clone())).await,
        409,
        "standing_in_then",
    );
    let later = s.post("/api/leave", &clerk2, ask("2026-11-27", "2026-11-27", w02)).await.body["id"].as_i64().unwrap();
    assert_eq!(s.post(&format!("/api/leave/{later}/approve"), &director, json!({})).await.status, 200);

    // Every step audited; nothing deleted.
    assert_eq!(count(&s, "SELECT COUNT(*) FROM leave_requests"), 4);
    for (action, n) in [("leave.request", 4), ("leave.refuse", 1), ("leave.approve", 3), ("leave.cancel", 1)] {
        assert_eq!(count(&s, &format!("SELECT COUNT(*) FROM audit WHERE action = '{action}'")), n, "{action}");
    }
}

#[tokio::test]
async fn the_stand_in_signs_in_on_the_day_the_alarm_goes_and_leave_is_no_absence() {
    let s = TestServer::start().await;
    // The evening before, clerk6 asks for tomorrow morning off; clerk7 will stand in at w06.
    s.clock().set(at("2026-11-24", "17:00"));
    let clerk6 = s.clerk("clerk6", "w06").await;
    let mut morning = ask("2026-11-25", "2026-11-25", json!([{"window_id": "w06", "username": "clerk7"}]));
    morning["to_noon"] = json!(true);
    let morning = s.post("/api/leave", &clerk6, morning).await.body["id"].as_i64().unwrap();
    let director = s.staff("director").await;
    assert_eq!(s.post(&format!("/api/leave/{morning}/approve"), &director, json!({})).await.status, 200);

    s.clock().set(at("2026-11-25", "08:00"));
    let clerk1 = s.clerk("clerk1", "w01").await;
    let id = s
        .post(
            "/api/leave",
            &clerk1,
            ask("2026-11-25", "2026-11-25", json!([{"window_id": "w01", "username": "clerk2"}])),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    assert_eq!(s.post("/api/auth/logout", &clerk1, json!({})).await.status, 204);
    // Not yet approved: w01 is outside clerk2's windows.
    assert_error(&login(&s, "clerk2", "w01").await, 403, "window_not_allowed");
    let director = s.staff("director").await;
    assert_eq!(s.post(&format!("/api/leave/{id}/approve"), &director, json!({})).await.status, 200);
    // Only the named stand-in, only at that window.
    assert_error(&login(&s, "clerk3", "w01").await, 403, "window_not_allowed");
    assert_error(&login(&s, "clerk2", "w03").await, 403, "window_not_allowed");

    // Clerk4 is off this afternoon; clerk5 stands in at w04.
    s.clock().set(at("2026-11-25", "08:20"));
    let clerk4 = s.clerk("clerk4", "w04").await;
    let mut half = ask("2026-11-25", "2026-11-25", json!([{"window_id": "w04", "username": "clerk5"}]));
    half["from_afternoon"] = json!(true);
    half["kind"] = json!("official");
    let half = s.post("/api/leave", &clerk4, half).await.body["id"].as_i64().unwrap();
    assert_eq!(s.post(&format!("/api/leave/{half}/approve"), &director, json!({})).await.status, 200);

    s.clock().set(at("2026-11-25", "08:25"));
    assert_eq!(login(&s, "clerk7", "w06").await.status, 200);

    let today = get(&s, "/api/director/today", &director).await;
    assert!(today.get("leave_alarms").is_none(), "before the start: {today}");
    assert_eq!(today["on_leave"].as_array().unwrap().len(), 3, "{today}");

    // Past the start, w01 has nobody: the alarm.
    s.clock().set(at("2026-11-25", "08:40"));
    let today = get(&s, "/api/director/today", &director).await;
    let alarms = today["leave_alarms"].as_array().unwrap();
    assert_eq!(alarms.len(), 1, "{today}");
    assert_eq!((alarms[0]["window_id"].clone(), alarms[0]["stand_in"].clone()), (json!("w01"), json!("clerk2")));
    assert_eq!(alarms[0]["due"], "08:30");

    // The stand-in signs in: audited, the window says "standing in" (never who is away), no alarm.
    assert_eq!(login(&s, "clerk2", "w01").await.status, 200);
    assert_eq!(
        count(&s, "SELECT COUNT(*) FROM audit WHERE action = 'leave.stand_in_sign_in' AND window_id = 'w01'"),
        1
    );
    let windows = s.get("/api/windows").await.body;
    let w01 = windows.as_array().unwrap().iter().find(|w| w["id"] == "w01").unwrap().clone();
    assert_eq!(w01["staff"]["stand_in"], true, "{w01}");
    assert_eq!(w01["staff"]["name"], "陈建国");
    assert!(!windows.to_string().contains("刘晓燕") && !windows.to_string().contains(REASON));
    let w04 = windows.as_array().unwrap().iter().find(|w| w["id"] == "w04").unwrap().clone();
    assert!(w04["staff"].get("stand_in").is_none(), "the window's own clerk: {w04}");
    let today = get(&s, "/api/director/today", &director).await;
    assert!(today.get("leave_alarms").is_none(), "{today}");
    let d01 = today["windows"].as_array().unwrap().iter().find(|w| w["id"] == "w01").unwrap().clone();
    assert_eq!(d01["staff"]["stand_in"], true);
    // The stand-in goes back to their own window: w01 has nobody again, and the alarm says so;
    // back at w01, it goes.
    assert_eq!(login(&s, "clerk2", "w02").await.status, 200);
    let today = get(&s, "/api/director/today", &director).await;
    let alarms = today["leave_alarms"].as_array().map(Vec::len);
    assert_eq!((alarms, today["leave_alarms"][0]["window_id"].clone()), (Some(1), json!("w01")), "{today}");
    assert_eq!(login(&s, "clerk2", "w01").await.status, 200);
    assert!(get(&s, "/api/director/today", &director).await.get("leave_alarms").is_none());

    // Clerk4 leaves at noon for the afternoon off; clerk5 is due at w04 when the afternoon
    // opens at 14:00: over the lunch break nobody is missing.
    s.clock().set(at("2026-11-25", "12:00"));
    assert_eq!(s.post("/api/auth/logout", &clerk4, json!({})).await.status, 204);
    s.clock().set(at("2026-11-25", "12:30"));
    let lunch = get(&s, "/api/director/today", &director).await;
    assert!(lunch.get("leave_alarms").is_none(), "over lunch: {lunch}");
    // The morning's stand-in at w06 leaves at lunch; clerk6 is due back at 14:00: a gap after it
    // is clerk6's to explain (attendance), not an alarm naming the stand-in.
    let clerk7 = login(&s, "clerk7", "w06").await.body["token"].as_str().unwrap().to_string();
    assert_eq!(s.post("/api/auth/logout", &clerk7, json!({})).await.status, 204);
    s.clock().set(at("2026-11-25", "14:01"));
    let early = get(&s, "/api/director/today", &director).await;
    let alarm =
        |w: &str| early["leave_alarms"].as_array().and_then(|a| a.iter().find(|x| x["window_id"] == w).cloned());
    let w06 = alarm("w06").expect("w06 has nobody");
    assert_eq!((w06["stand_in"].clone(), w06["due"].clone()), (json!("clerk6"), json!("14:00")), "{early}");
    assert!(alarm("w04").is_some(), "{early}");
    // Clerk6 is back for the afternoon: due at 14:00 (and its grace), not at 08:30.
    s.clock().set(at("2026-11-25", "14:03"));
    assert_eq!(login(&s, "clerk6", "w06").await.status, 200);
    assert_eq!(login(&s, "clerk9", "w09").await.status, 200);
    let today = get(&s, "/api/director/today", &director).await;
    let late =
        |u: &str| today["staff"].as_array().unwrap().iter().find(|p| p["username"] == u).unwrap()["late"].clone();
    assert_eq!((late("clerk6"), late("clerk9")), (json!(false), json!(true)), "{}", today["staff"]);
    s.clock().set(at("2026-11-25", "14:10"));
    let today = get(&s, "/api/director/today", &director).await;
    let alarms = today["leave_alarms"].as_array().unwrap();
    assert_eq!(
        (alarms.len(), alarms[0]["window_id"].clone(), alarms[0]["due"].clone()),
        (1, json!("w04"), json!("14:00"))
    );
    assert_eq!(login(&s, "clerk5", "w04").await.status, 200);
    assert!(get(&s, "/api/director/today", &director).await.get("leave_alarms").is_none());

    // The next day the leave is over: w01 is clerk2's no more.
    s.clock().set(at("2026-11-26", "09:00"));
    assert_error(&login(&s, "clerk2", "w01").await, 403, "window_not_allowed");

    // Attendance: clerk1 on leave, not absent; clerk4's afternoon off is no early leave.
    let director = s.staff("director").await;
    let day = get(&s, "/api/attendance?from=2026-11-25&to=2026-11-25", &director).await;
    let of = |u: &str| day.as_array().unwrap().iter().find(|d| d["username"] == u).cloned().unwrap();
    assert_eq!((of("clerk1")["leave"].clone(), of("clerk1")["marks"].clone()), (json!("sick"), json!([])), "{day}");
    assert_eq!((of("clerk4")["leave"].clone(), of("clerk4")["marks"].clone()), (json!("official"), json!([])), "{day}");
    assert_eq!((of("clerk6")["leave"].clone(), of("clerk6")["marks"].clone()), (json!("sick"), json!([])), "{day}");
    assert_eq!(of("clerk8")["marks"][0]["kind"], "absent", "no leave: absent as before");
}

/// R16: a clerk on leave who opens the clerk page at their window does not take it from the
/// stand-in signed in there (their desk would close, a called citizen go back, the alarm stay
/// silent); back from a morning off, in the afternoon, they do.
#[tokio::test]
async fn a_clerk_on_leave_does_not_take_the_window_from_the_stand_in() {
    let s = TestServer::start().await;
    s.clock().set(at("2026-11-24", "17:00"));
    let clerk1 = s.clerk("clerk1", "w01").await;
    let mut morning = ask("2026-11-25", "2026-11-25", json!([{"window_id": "w01", "username": "clerk2"}]));
    morning["to_noon"] = json!(true);
    let id = s.post("/api/leave", &clerk1, morning).await.body["id"].as_i64().unwrap();
    let director = s.staff("director").await;
    assert_eq!(s.post(&format!("/api/leave/{id}/approve"), &director, json!({})).await.status, 200);
    assert_eq!(s.post("/api/auth/logout", &clerk1, json!({})).await.status, 204);

    s.clock().set(at("2026-11-25", "10:00"));
    let clerk2 = s.clerk("clerk2", "w01").await;
    s.issue("zh-zixun").await;
    assert_eq!(s.act(&clerk2, "w01", "call-next").await.status, 200);
    assert_error(&login(&s, "clerk1", "w01").await, 409, "stand_in_holds_window");
    let done = s.post("/api/windows/w01/finish", &clerk2, json!({"outcome": "immediate"})).await;
    assert_eq!(done.status, 200, "the stand-in's desk still works: {}", done.body);
    // Back for the afternoon: the window is theirs again.
    s.clock().set(at("2026-11-25", "14:05"));
    assert_eq!(login(&s, "clerk1", "w01").await.status, 200);
}

/// Sick leave asked for on the morning of its one day and decided the day after: approved, the
/// day is leave, not an absence (the request could neither be cancelled nor asked again).
#[tokio::test]
async fn leave_asked_for_in_time_is_approved_after_its_last_day() {
    let s = TestServer::start().await; // 25 November, 09:00
    let clerk3 = s.clerk("clerk3", "w03").await;
    let id = s
        .post(
            "/api/leave",
            &clerk3,
            ask("2026-11-25", "2026-11-25", json!([{"window_id": "w03", "username": "clerk2"}])),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    s.clock().set(at("2026-11-26", "09:00"));
    let director = s.staff("director").await;
    let approved = s.post(&format!("/api/leave/{id}/approve"), &director, json!({})).await;
    assert_eq!(
        (approved.status.as_u16(), approved.body["state"].as_str()),
        (200, Some("approved")),
        "{}",
        approved.body
    );
    let day = get(&s, "/api/attendance?from=2026-11-25&to=2026-11-25", &director).await;
    let clerk3 = day.as_array().unwrap().iter().find(|d| d["username"] == "clerk3").cloned().unwrap();
    assert_eq!(clerk3["leave"], "sick", "{day}");
}

/// A morning off: due at the afternoon's start (14:00). Come in at 08:20 to see to the leave
/// and gone at 08:25, back at 15:00: late by an hour, not on time; never back: absent.
#[tokio::test]
async fn with_a_morning_off_a_morning_sign_in_is_no_attendance_for_the_afternoon() {
    let s = TestServer::start().await;
    s.clock().set(at("2026-11-24", "17:00"));
    let director = s.staff("director").await;
    for clerk in ["clerk3", "clerk6"] {
        let window = if clerk == "clerk3" { "w03" } else { "w06" };
        let token = s.clerk(clerk, window).await;
        let stand_in = if clerk == "clerk3" { "clerk2" } else { "clerk7" };
        let mut morning = ask("2026-11-25", "2026-11-25", json!([{"window_id": window, "username": stand_in}]));
        morning["to_noon"] = json!(true);
        let id = s.post("/api/leave", &token, morning).await.body["id"].as_i64().unwrap();
        assert_eq!(s.post(&format!("/api/leave/{id}/approve"), &director, json!({})).await.status, 200);
        assert_eq!(s.post("/api/auth/logout", &token, json!({})).await.status, 204);
    }
    for (clerk, window) in [("clerk3", "w03"), ("clerk6", "w06")] {
        s.clock().set(at("2026-11-25", "08:20"));
        let token = s.clerk(clerk, window).await;
        s.clock().set(at("2026-11-25", "08:25"));
        assert_eq!(s.post("/api/auth/logout", &token, json!({})).await.status, 204);
    }
    s.clock().set(at("2026-11-25", "15:00"));
    let clerk6 = s.clerk("clerk6", "w06").await;
    s.clock().set(at("2026-11-25", "17:30"));
    assert_eq!(s.post("/api/auth/logout", &clerk6, json!({})).await.status, 204);

    s.clock().set(at("2026-11-26", "09:00"));
    let director = s.staff("director").await;
    let day = get(&s, "/api/attendance?from=2026-11-25&to=2026-11-25", &director).await;
    let marks = |who: &str| {
        let d = day.as_array().unwrap().iter().find(|d| d["username"] == who).cloned().unwrap();
        d["marks"].as_array().unwrap().iter().map(|m| m["kind"].as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(marks("clerk6"), ["late"], "{day}");
    assert_eq!(marks("clerk3"), ["absent"], "{day}");
}

#[tokio::test]
async fn a_morning_off_and_an_afternoon_off_are_the_whole_day_off() {
    let s = TestServer::start().await;
    // The evening before, clerk3 takes tomorrow morning off, then also the afternoon.
    s.clock().set(at("2026-11-24", "17:00"));
    let clerk3 = s.clerk("clerk3", "w03").await;
    let director = s.staff("director").await;
    let mut morning = ask("2026-11-25", "2026-11-25", json!([{"window_id": "w03", "username": "clerk2"}]));
    morning["to_noon"] = json!(true);
    let mut afternoon = ask("2026-11-25", "2026-11-25", json!([{"window_id": "w03", "username": "clerk2"}]));
    afternoon["from_afternoon"] = json!(true);
    for body in [morning, afternoon] {
        let id = s.post("/api/leave", &clerk3, body).await.body["id"].as_i64().unwrap();
        assert_eq!(s.post(&format!("/api/leave/{id}/approve"), &director, json!({})).await.status, 200);
    }
    assert_eq!(s.post("/api/auth/logout", &clerk3, json!({})).await.status, 204);

    // 14:30 on the 25th, w03 empty: the afternoon's stand-in is due, not clerk3 (away all day).
    s.clock().set(at("2026-11-25", "14:30"));
    let director = s.staff("director").await;
    let today = get(&s, "/api/director/today", &director).await;
    let alarms: Vec<_> = today["leave_alarms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["window_id"].as_str().unwrap(), a["stand_in"].as_str().unwrap()))
        .collect();
    assert_eq!(alarms, [("w03", "clerk2")], "{today}");

    // Clerk3 does not come on the 25th: on leave all day, neither absent nor late nor early.
    s.clock().set(at("2026-11-26", "09:00"));
    let director = s.staff("director").await;
    let day = get(&s, "/api/attendance?from=2026-11-25&to=2026-11-25", &director).await;
    let clerk3 = day.as_array().unwrap().iter().find(|d| d["username"] == "clerk3").cloned().unwrap();
    assert_eq!((clerk3["leave"].clone(), clerk3["marks"].clone()), (json!("sick"), json!([])), "{day}");
}

#[tokio::test]
async fn leave_asked_far_ahead_or_into_next_year_is_listed_and_counted_when_the_year_comes() {
    let s = TestServer::start().await; // Wednesday 25 November 2026
    let clerk1 = s.clerk("clerk1", "w01").await;
    let director = s.staff("director").await;
    let w01 = json!([{"window_id": "w01", "username": "clerk2"}]);
    // Maternity leave from March: pending, beyond the console's default 92 days, yet listed.
    let mut maternity = ask("2027-03-15", "2027-07-15", w01.clone());
    maternity["kind"] = json!("maternity");
    let far = s.post("/api/leave", &clerk1, maternity).await;
    assert_eq!(far.status, 201, "{}", far.body);
    // Over the new year: its working days wait for 2027's calendar.
    let winter = s.post("/api/leave", &clerk1, ask("2026-12-28", "2027-01-05", w01)).await;
    assert_eq!(winter.status, 201, "{}", winter.body);
    assert!(winter.body.get("working_days").is_none(), "{}", winter.body);
    let listed = get(&s, "/api/leave", &director).await;
    let ids: Vec<_> = listed.as_array().unwrap().iter().map(|l| l["id"].clone()).collect();
    assert!(ids.contains(&far.body["id"]), "the far request is listed for a decision: {listed}");
    // 2027 added: counted (28–31 December, then 4 and 5 January; 1–3 January off).
    let admin = s.staff("admin").await;
    let added = s.post("/api/admin/calendar", &admin, json!({"toml": crate::cases::TEST_2027})).await;
    assert_eq!(added.status, 201, "{}", added.body);
    let id = winter.body["id"].as_i64().unwrap();
    assert_eq!(read(&s, id, &clerk1).await.body["working_days"], 6.0);
    let audited = count(
        &s,
        &format!("SELECT COUNT(*) FROM audit WHERE action = 'leave.working_days_set' AND subject = 'leave:{id}'"),
    );
    assert_eq!(audited, 1, "each request counted when the year came is on the audit trail");
}

#[tokio::test]
async fn one_clerk_stands_in_at_one_window_at_a_time() {
    let s = TestServer::start().await; // Wednesday 25 November 2026
    let (clerk5, clerk7, clerk8) =
        (s.clerk("clerk5", "w05").await, s.clerk("clerk7", "w07").await, s.clerk("clerk8", "w08").await);
    let director = s.staff("director").await;
    let by6 = |w: &str| json!([{"window_id": w, "username": "clerk6"}]);
    // Both ask before either is decided: the second approval would leave a window unstaffed.
    let a =
        s.post("/api/leave", &clerk5, ask("2026-12-14", "2026-12-15", by6("w05"))).await.body["id"].as_i64().unwrap();
    let b =
        s.post("/api/leave", &clerk7, ask("2026-12-15", "2026-12-16", by6("w07"))).await.body["id"].as_i64().unwrap();
    assert_eq!(s.post(&format!("/api/leave/{a}/approve"), &director, json!({})).await.status, 200);
    assert_error(&s.post(&format!("/api/leave/{b}/approve"), &director, json!({})).await, 409, "stand_in_busy");
    // Asked after: refused at once, nothing written.
    let before = count(&s, "SELECT COUNT(*) FROM leave_requests");
    let r = s.post("/api/leave", &clerk8, ask("2026-12-14", "2026-12-14", by6("w08"))).await;
    assert_error(&r, 409, "stand_in_busy");
    assert_eq!(count(&s, "SELECT COUNT(*) FROM leave_requests"), before);
    // Other days are free.
    assert_eq!(s.post("/api/leave", &clerk8, ask("2026-12-17", "2026-12-17", by6("w08"))).await.status, 201);
}

/// One stand-in for two windows of one request would leave one of them unstaffed; a stand-in's
/// own window left meanwhile is named for the director (R16).
#[tokio::test]
async fn a_stand_in_is_named_for_one_window_and_their_own_is_shown_left() {
    let text = hall_server::config::SAMPLE_HALL.replacen(r#"windows = ["w05"]"#, r#"windows = ["w05", "w06"]"#, 1);
    assert_ne!(text, hall_server::config::SAMPLE_HALL);
    let s = TestServer::options().hall(hall_server::config::parse(&text, "test").unwrap()).start().await;
    let clerk5 = s.clerk("clerk5", "w05").await;
    let both = json!([{"window_id": "w05", "username": "clerk7"}, {"window_id": "w06", "username": "clerk7"}]);
    let before = count(&s, "SELECT COUNT(*) FROM leave_requests");
    assert_error(&s.post("/api/leave", &clerk5, ask("2026-12-14", "2026-12-14", both)).await, 409, "stand_in_busy");
    assert_eq!(count(&s, "SELECT COUNT(*) FROM leave_requests"), before, "nothing written");
    let two = json!([{"window_id": "w05", "username": "clerk7"}, {"window_id": "w06", "username": "clerk6"}]);
    let r = s.post("/api/leave", &clerk5, ask("2026-12-14", "2026-12-14", two)).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let left: Vec<(String, Value)> = r.body["stand_ins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["username"].as_str().unwrap().to_string(), x["own_windows_left"].clone()))
        .collect();
    assert_eq!(left, [("clerk7".into(), json!(["w07"])), ("clerk6".into(), Value::Null)], "{}", r.body);
}

/// A 2027 notice reaching into December 2026 (元旦 from Thursday the 31st, Sunday the 27th
/// worked): added in time, it amends those days, says so, and leave over them is counted again;
/// added after one of them has passed, it is refused and changes nothing.
#[tokio::test]
async fn next_years_notice_may_amend_this_december_until_its_days_have_come() {
    let reaching = crate::cases::TEST_2027.replacen("from = \"2027-01-01\"", "from = \"2026-12-31\"", 1)
        + "[[working_weekends]]\ndate = \"2026-12-27\"\nname = \"元旦\"\n";
    let s = TestServer::start().await; // Wednesday 25 November 2026
    let clerk1 = s.clerk("clerk1", "w01").await;
    let w01 = json!([{"window_id": "w01", "username": "clerk2"}]);
    let winter = s.post("/api/leave", &clerk1, ask("2026-12-28", "2026-12-31", w01)).await;
    assert_eq!((winter.status.as_u16(), winter.body["working_days"].as_f64()), (201, Some(4.0)), "{}", winter.body);
    let admin = s.staff("admin").await;
    let added = s.post("/api/admin/calendar", &admin, json!({"toml": reaching.clone()})).await;
    assert_eq!(added.status, 201, "{}", added.body);
    assert_eq!(added.body["amended_days"], json!(["2026-12-27", "2026-12-31"]));
    assert!(added.body.get("bookings_cancelled").is_none(), "none booked: {}", added.body);
    let id = winter.body["id"].as_i64().unwrap();
    assert_eq!(read(&s, id, &clerk1).await.body["working_days"], 3.0, "31 December is off now");
    let audited = count(
        &s,
        &format!("SELECT COUNT(*) FROM audit WHERE action = 'leave.working_days_set' AND subject = 'leave:{id}'"),
    );
    assert_eq!(audited, 1);
    assert_eq!(s.get("/api/calendar/day/2026-12-27").await.body, json!({"working": true, "name": "元旦"}));

    // Monday 28 December: the 27th has passed (worked or not, its attendance is kept).
    let late = TestServer::start().await;
    late.clock().set(at("2026-12-28", "09:00"));
    let admin = late.staff("admin").await;
    let refused = late.post("/api/admin/calendar", &admin, json!({"toml": reaching.clone()})).await;
    assert_error(&refused, 422, "invalid_calendar");
    assert!(refused.body["message"].as_str().unwrap().contains("2026-12-27"), "{}", refused.body);
    assert_eq!(late.get("/api/calendar/years").await.body.as_array().unwrap().len(), 3, "nothing added");

    // Saturday 26 December (the hall opens its mornings): a citizen has booked 最低生活保障
    // for the 31st, which becomes a day off. The booking is cancelled by the hall (not left to
    // be missed, which would count against the citizen), audited, and the answer says how many
    // the director must call.
    let booked = TestServer::start().await;
    booked.clock().set(at("2026-12-26", "09:00"));
    let b = json!({"service_id": "mz-dibao", "day": "2026-12-31", "start": "09:00", "name": "张三", "phone": "13800001234"});
    let made = booked.send(Method::POST, "/api/bookings", None, Some(b), None).await;
    assert_eq!(made.status, 201, "{}", made.body);
    // And one for Friday 1 January 2027, taken by opening hours while 2027 was not loaded: the
    // notice makes it 元旦. Cancelled too, not left to be missed.
    let b = json!({"service_id": "zr-zhaijidi", "day": "2027-01-01", "start": "09:00", "name": "李四", "phone": "13800004321",
        "id_number": "11010119900307803X"});
    let new_year = booked.send(Method::POST, "/api/bookings", None, Some(b), None).await;
    assert_eq!(new_year.status, 201, "{}", new_year.body);
    let admin = booked.staff("admin").await;
    let added = booked.post("/api/admin/calendar", &admin, json!({"toml": reaching})).await;
    assert_eq!((added.status.as_u16(), added.body["bookings_cancelled"].as_u64()), (201, Some(2)), "{}", added.body);
    for made in [&made, &new_year] {
        let code = made.body["code"].as_str().unwrap();
        assert_eq!(booked.get(&format!("/api/bookings/{code}")).await.body["status"], "cancelled");
    }
    let audited =
        count(&booked, "SELECT COUNT(*) FROM audit WHERE action = 'booking.cancel' AND detail LIKE '%calendar%'");
    assert_eq!(audited, 2);

    // Wednesday 30 December, 2027 not loaded: bookings on Friday 1 January and on Saturday 9
    // January, both by opening hours. The notice makes 1 January 元旦; the 9th is a plain
    // Saturday the hall opens in the morning: its booking stays.
    let ahead = TestServer::start().await;
    ahead.clock().set(at("2026-12-30", "09:00"));
    let book = |day: &str, phone: &str, id: &str| json!({"service_id": "zr-zhaijidi", "day": day, "start": "09:00", "name": "王五", "phone": phone, "id_number": id});
    let mut codes = Vec::new();
    for b in [
        book("2027-01-01", "13800001111", "11010119900307803X"),
        book("2027-01-09", "13800002222", "11010519491231002X"),
    ] {
        let made = ahead.send(Method::POST, "/api/bookings", None, Some(b), None).await;
        assert_eq!(made.status, 201, "{}", made.body);
        codes.push(made.body["code"].as_str().unwrap().to_string());
    }
    let admin = ahead.staff("admin").await;
    let added = ahead.post("/api/admin/calendar", &admin, json!({"toml": crate::cases::TEST_2027})).await;
    assert_eq!((added.status.as_u16(), added.body["bookings_cancelled"].as_u64()), (201, Some(1)), "{}", added.body);
    for (code, status) in codes.iter().zip(["cancelled", "booked"]) {
        assert_eq!(ahead.get(&format!("/api/bookings/{code}")).await.body["status"], status, "{code}");
    }
}

/// A clerk serving a citizen at one window who signs in at another (R16: a window is never left
/// with nobody to finish): refused while the citizen is in service there, as the director's
/// stand-in move is; once finished, the sign-in goes through and the first window closes.
#[tokio::test]
async fn a_clerk_serving_at_one_window_does_not_sign_in_at_another() {
    let text = hall_server::config::SAMPLE_HALL;
    let (head, tail) = text.split_at(text.find("username = \"clerk2\"").unwrap());
    let both = format!("{head}{}", tail.replacen("windows = [\"w02\"]", "windows = [\"w02\", \"w03\"]", 1));
    let s = TestServer::options().hall(hall_server::config::parse(&both, "hall.toml").unwrap()).start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    s.issue("mz-linshi").await;
    assert_eq!(s.act(&clerk, "w02", "call-next").await.status, 200);
    assert_eq!(s.act(&clerk, "w02", "start").await.status, 200);
    assert_error(&login(&s, "clerk2", "w03").await, 409, "window_busy");
    let w02 = get(&s, "/api/windows", &clerk).await;
    let w02 = w02.as_array().unwrap().iter().find(|w| w["id"] == "w02").unwrap().clone();
    assert_eq!((w02["status"].as_str(), w02["serving"]["status"].as_str()), (Some("open"), Some("serving")), "{w02}");
    let done = s.post("/api/windows/w02/finish", &clerk, json!({"outcome": "immediate"})).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(login(&s, "clerk2", "w03").await.status, 200);
}
