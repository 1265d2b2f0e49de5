//! Village stations (代办点, R22) through the HTTP contract: a village agent registers a
//! villager's request and forwards it, the windows handling the matter see it on their desk, a
//! clerk accepts it into a case, the agent sees the case and the town's deadline and records the
//! reply; the villager's name and phone reach only the agent, those windows and the director
//! (staff reads audited, never in events); bad input changes nothing; overdue forwards and
//! replies are flagged on both sides.

use chrono::{TimeZone, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{assert_error, Reply, Sse, TestServer};

const NAME: &str = "王桂芬";
const PHONE: &str = "13987654321";
const ID_CARD: &str = "申请人身份证、户口簿原件及复印件";
const FORM: &str = "临时救助申请书";

/// 09:00 in Shanghai on that day.
fn at_nine(y: i32, m: u32, d: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 1, 0, 0).unwrap()
}

async fn login(s: &TestServer, user: &str) -> String {
    let r = s.post("/api/auth/login", "", json!({"username": user, "password": "demo"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["token"].as_str().unwrap().to_string()
}

async fn get(s: &TestServer, path: &str, token: &str) -> Reply {
    s.send(Method::GET, path, Some(token), None, None).await
}

fn request(extra: Value) -> Value {
    let mut r = json!({
        "villager_name": NAME, "villager_phone": "139-8765-4321", "service_id": "mz-linshi",
        "materials": [FORM, ID_CARD], "urgent": false, "note": "老人腿脚不便，由代办员代为递交",
    });
    r.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    r
}

async fn register(s: &TestServer, agent: &str, extra: Value) -> Value {
    let r = s.post("/api/village/requests", agent, request(extra)).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body
}

fn count(s: &TestServer, sql: &str) -> i64 {
    rusqlite::Connection::open(&s.db).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn find(list: &Value, id: i64) -> Option<Value> {
    list.as_array().unwrap().iter().find(|l| l["id"] == id).cloned()
}

#[tokio::test]
async fn register_forward_accept_and_reply() {
    let s = TestServer::start().await; // Wednesday 25 November 2026
    let agent = login(&s, "village1").await;
    let me = get(&s, "/api/auth/me", &agent).await.body;
    assert_eq!(me["role"], "village");

    let r = register(&s, &agent, json!({})).await;
    let id = r["id"].as_i64().unwrap();
    assert_eq!(r["number"], "DB20261125-001");
    assert_eq!(r["station"], "石桥村便民服务站");
    assert_eq!(r["status"], "registered");
    assert_eq!(r["forward_by"], "2026-11-30", "3 working days: Thu, Fri, Mon");
    assert_eq!(r["materials"], json!([ID_CARD, FORM]), "the matter's order");
    assert_eq!(r["villager_phone"], PHONE, "kept as its 11 digits");
    assert_eq!(r["windows"], json!(["w02", "w03"]));

    // The desks of the windows handling 最低生活保障 see it coming (no name, no phone); w01's not.
    let clerk2 = s.clerk("clerk2", "w02").await;
    let clerk1 = s.clerk("clerk1", "w01").await;
    let desk = get(&s, "/api/village/requests", &clerk2).await.body;
    let line = find(&desk, id).expect("on w02's desk");
    assert_eq!(line["status"], "registered");
    assert!(line.get("villager_name").is_none() && line.get("villager_phone").is_none() && line.get("note").is_none());
    assert!(find(&get(&s, "/api/village/requests", &clerk1).await.body, id).is_none(), "w01 does not handle 临时救助");

    // The agent forwards it: the town hall has it.
    let f = s.post(&format!("/api/village/requests/{id}/forward"), &agent, json!({})).await;
    assert_eq!(f.status, 200, "{}", f.body);
    assert_eq!(f.body["status"], "forwarded");
    assert!(f.body["forwarded_at"].as_str().is_some_and(|t| t.starts_with("2026-11-25T09:00")));
    assert_eq!(f.body["forwarded_late"], false);
    assert_error(
        &s.post(&format!("/api/village/requests/{id}/forward"), &agent, json!({})).await,
        409,
        "invalid_village_action",
    );

    // Privacy: another window, the public, a kiosk, a leader cannot read it.
    assert_error(&get(&s, &format!("/api/village/requests/{id}"), &clerk1).await, 403, "not_your_village_request");
    assert_error(
        &s.post(&format!("/api/village/requests/{id}/accept"), &clerk1, json!({"outcome": "promised"})).await,
        403,
        "not_your_village_request",
    );
    assert_error(&s.get("/api/village/requests").await, 401, "unauthorized");
    assert_error(&s.get(&format!("/api/village/requests/{id}")).await, 401, "unauthorized");
    assert_error(&get(&s, "/api/village/requests", "demo-kiosk").await, 403, "staff_only");
    let leader = s.staff("leader").await;
    assert_error(&get(&s, "/api/village/requests", &leader).await, 403, "not_your_village_request");
    assert_error(&get(&s, &format!("/api/village/requests/{id}"), &leader).await, 403, "not_your_village_request");

    // The receiving window reads it whole (audited) and accepts it into a case.
    let reads_before = count(&s, "SELECT COUNT(*) FROM audit WHERE action = 'village.read'");
    let whole = get(&s, &format!("/api/village/requests/{id}"), &clerk2).await;
    assert_eq!(whole.status, 200, "{}", whole.body);
    assert_eq!(
        (whole.body["villager_name"].as_str(), whole.body["villager_phone"].as_str()),
        (Some(NAME), Some(PHONE))
    );
    assert_eq!(whole.body["note"], "老人腿脚不便，由代办员代为递交");
    assert_eq!(count(&s, "SELECT COUNT(*) FROM audit WHERE action = 'village.read'"), reads_before + 1);
    let tickets_before = count(&s, "SELECT COUNT(*) FROM tickets");
    let a = s.post(&format!("/api/village/requests/{id}/accept"), &clerk2, json!({"outcome": "promised"})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["status"], "accepted");
    let number = a.body["case_number"].as_str().unwrap().to_string();
    assert_eq!(a.body["case_window_id"], "w02");
    let deadline = a.body["town_deadline"].as_str().unwrap().to_string();
    assert_eq!(a.body["reply_by"].as_str(), Some(deadline.as_str()), "reply by the town's deadline");
    assert_error(
        &s.post(&format!("/api/village/requests/{id}/accept"), &clerk2, json!({"outcome": "promised"})).await,
        409,
        "invalid_village_action",
    );

    // The case is an ordinary case of w02: the villager is its applicant, the deadline its own.
    let case = get(&s, &format!("/api/cases/{number}"), &clerk2).await.body;
    assert_eq!(case["kind"], "promised");
    assert_eq!(case["window_id"], "w02");
    assert_eq!(case["applicant_name"], NAME);
    assert_eq!(case["applicant_phone"], PHONE);
    assert_eq!(case["deadline"].as_str(), Some(deadline.as_str()));
    assert_eq!(case["ticket_number"], "DB20261125-001");
    let expected = s.get("/api/calendar/working-days?from=2026-11-25&add=10").await.body;
    assert_eq!(expected["date"].as_str(), Some(deadline.as_str()), "临时救助: 10 working days");
    // Its ticket never queued: no queue count, no quota, no wait.
    assert_eq!(count(&s, "SELECT COUNT(*) FROM tickets") - tickets_before, 1);
    assert_eq!(count(&s, "SELECT COUNT(*) FROM day_counts WHERE kind = 'issued' AND name = 'mz-linshi'"), 0);
    assert_eq!(count(&s, "SELECT COALESCE(SUM(n), 0) FROM day_counts WHERE kind = 'waiting'"), 0);
    assert_eq!(
        count(&s, "SELECT COUNT(*) FROM tickets WHERE device = 'village' AND called_at IS NULL AND status = 'done'"),
        1
    );

    // The agent sees the case and the town's deadline, and records the reply once.
    let mine = get(&s, "/api/village/requests", &agent).await.body;
    let line = find(&mine, id).unwrap();
    assert_eq!(line["status"], "accepted");
    assert_eq!(line["case_number"], number.as_str());
    assert_eq!(line["town_deadline"], deadline.as_str());
    assert_eq!(line["villager_name"], NAME, "the agent's own request");
    assert_eq!(line["reply_overdue"], false);
    // While the case runs the town has no answer: a reply recorded now would take the request
    // off every list, and the result would never reach the villager.
    assert_eq!(line["town_answered"], false);
    let early = s.post(&format!("/api/village/requests/{id}/replied"), &agent, json!({})).await;
    assert_error(&early, 409, "invalid_village_action");
    assert!(get(&s, &format!("/api/village/requests/{id}"), &agent).await.body["replied_at"].is_null());
    let closed = s.post(&format!("/api/cases/{number}/close"), &clerk2, json!({"result": "approved"})).await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    let line = find(&get(&s, "/api/village/requests", &agent).await.body, id).unwrap().clone();
    assert_eq!((line["status"].as_str(), line["town_answered"].as_bool()), (Some("closed"), Some(true)));
    let replied = s.post(&format!("/api/village/requests/{id}/replied"), &agent, json!({})).await;
    assert_eq!(replied.status, 200, "{}", replied.body);
    assert!(replied.body["replied_at"].is_string());
    assert_error(
        &s.post(&format!("/api/village/requests/{id}/replied"), &agent, json!({})).await,
        409,
        "invalid_village_action",
    );

    // Once accepted, it is w02's: w03 (which handles the matter too) no longer reads it.
    let clerk3 = s.clerk("clerk3", "w03").await;
    assert_error(&get(&s, &format!("/api/village/requests/{id}"), &clerk3).await, 403, "not_your_village_request");
    assert!(find(&get(&s, "/api/village/requests", &clerk3).await.body, id).is_none());

    // The director reads it whole (audited) too.
    let director = s.staff("director").await;
    assert_eq!(get(&s, &format!("/api/village/requests/{id}"), &director).await.body["villager_phone"], PHONE);

    // Never a name or phone in the events, nor in the audit trail's details.
    assert_eq!(
        count(&s, "SELECT COUNT(*) FROM events WHERE kind = 'village_changed'"),
        5,
        "registered, forwarded, accepted, the reply due at the close, replied"
    );
    for secret in [NAME, PHONE, "腿脚"] {
        let like = format!("SELECT COUNT(*) FROM events WHERE kind = 'village_changed' AND data LIKE '%{secret}%'");
        assert_eq!(count(&s, &like), 0, "{secret} in an event");
        let like = format!("SELECT COUNT(*) FROM audit WHERE action LIKE 'village.%' AND detail LIKE '%{secret}%'");
        assert_eq!(count(&s, &like), 0, "{secret} in the audit trail");
    }
}

/// A village request accepted between two citizens at the counter is a case of the window, not a
/// ticket served there: the window's evaluator goes on asking the citizen in front of it, and
/// the day's ticket figures (the director's, the report's) leave it out; its case counts.
#[tokio::test]
async fn an_accepted_request_is_a_case_not_a_ticket_served() {
    let s = TestServer::start().await;
    let agent = login(&s, "village1").await;
    let clerk2 = s.clerk("clerk2", "w02").await;
    let id = register(&s, &agent, json!({})).await["id"].as_i64().unwrap();
    assert_eq!(s.post(&format!("/api/village/requests/{id}/forward"), &agent, json!({})).await.status, 200);

    let walk_in = s.issue("mz-linshi").await;
    assert_eq!(s.act(&clerk2, "w02", "call-next").await.status, 200);
    let r = s.post("/api/windows/w02/finish", &clerk2, json!({"outcome": "immediate"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let a = s.post(&format!("/api/village/requests/{id}/accept"), &clerk2, json!({"outcome": "promised"})).await;
    assert_eq!(a.status, 200, "{}", a.body);

    let evaluator = get(&s, "/api/evaluator", "demo-evaluator-w02").await;
    assert_eq!(evaluator.body["asking"]["ticket_number"], walk_in["number"], "{}", evaluator.body);
    let rated = s
        .post(
            "/api/evaluator/rating",
            "demo-evaluator-w02",
            json!({"level": "satisfied", "ticket_number": walk_in["number"]}),
        )
        .await;
    assert_eq!(rated.status, 201, "{}", rated.body);

    let director = s.staff("director").await;
    let today = get(&s, "/api/director/today", &director).await.body;
    let queue = today["queues"].as_array().unwrap().iter().find(|q| q["issued"].as_u64() > Some(0)).unwrap();
    assert_eq!((queue["issued"].as_u64(), queue["finished"].as_u64()), (Some(1), Some(1)), "{queue}");
    let w02 = today["windows"].as_array().unwrap().iter().find(|w| w["id"] == "w02").unwrap();
    assert_eq!(w02["finished"], 1, "{w02}");

    let report = get(&s, "/api/reports/summary?from=2026-11-25&to=2026-11-25&by=window", &director).await.body;
    let total = &report["total"];
    assert_eq!((total["issued"].as_u64(), total["served"].as_u64()), (Some(1), Some(1)), "{total}");
    assert_eq!((total["cases"]["immediate"].as_u64(), total["cases"]["promised"].as_u64()), (Some(1), Some(1)));
    assert_eq!(report["lines"][0]["key"], "w02");
    assert_eq!(report["lines"][0]["served"], 1, "{report}");
}

#[tokio::test]
async fn the_agent_does_only_village_things() {
    let s = TestServer::start().await;
    let agent = login(&s, "village1").await;
    for (method, path) in [
        (Method::GET, "/api/cases"),
        (Method::GET, "/api/director/today"),
        (Method::GET, "/api/petitions"),
        (Method::GET, "/api/leave/mine"),
        (Method::GET, "/api/tickets/1"),
        (Method::POST, "/api/windows/w02/call-next"),
        (Method::POST, "/api/leave"),
        (Method::GET, "/api/reports/summary?from=2026-11-01&to=2026-11-25"),
    ] {
        let r = s.send(method.clone(), path, Some(&agent), Some(json!({})), None).await;
        assert_eq!(r.status, 403, "{method} {path}: {}", r.body);
    }
    // A clerk or the director does not register for a village.
    let clerk2 = s.clerk("clerk2", "w02").await;
    assert_error(&s.post("/api/village/requests", &clerk2, request(json!({}))).await, 403, "village_only");
    // The agent signs out like anyone.
    assert_eq!(s.post("/api/auth/logout", &agent, json!({})).await.status, 204);
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let s = TestServer::start().await;
    let agent = login(&s, "village1").await;
    for (extra, status, code) in [
        (json!({"villager_phone": "0871-6123456"}), 422, "invalid_village_request"),
        (json!({"villager_phone": "1398765432"}), 422, "invalid_village_request"),
        (json!({"villager_name": "  "}), 422, "invalid_village_request"),
        (json!({"villager_name": "名".repeat(51)}), 422, "invalid_village_request"),
        (json!({"materials": ["结婚证"]}), 422, "invalid_village_request"),
        (json!({"note": "字".repeat(501)}), 422, "invalid_village_request"),
        (json!({"service_id": "no-such-matter"}), 422, "unknown_service"),
        (json!({"urgent": "yes"}), 400, "invalid_body"),
    ] {
        let r = s.post("/api/village/requests", &agent, request(extra.clone())).await;
        assert_error(&r, status, code);
    }
    assert_eq!(count(&s, "SELECT COUNT(*) FROM village_requests"), 0);
    assert_eq!(count(&s, "SELECT COUNT(*) FROM events WHERE kind = 'village_changed'"), 0);
    assert_error(&s.post("/api/village/requests/99/forward", &agent, json!({})).await, 404, "unknown_village_request");
    assert_error(&s.post("/api/village/requests/x/replied", &agent, json!({})).await, 404, "unknown_village_request");

    // A returned case without its reason is refused: the request stays forwarded, no case, no ticket.
    let id = register(&s, &agent, json!({"forward": true})).await["id"].as_i64().unwrap();
    let clerk3 = s.clerk("clerk3", "w03").await;
    let r = s.post(&format!("/api/village/requests/{id}/accept"), &clerk3, json!({"outcome": "returned"})).await;
    assert_error(&r, 422, "reason_required");
    assert_error(
        &s.post(&format!("/api/village/requests/{id}/accept"), &clerk3, json!({"outcome": "maybe"})).await,
        400,
        "invalid_body",
    );
    assert_eq!(count(&s, "SELECT COUNT(*) FROM cases"), 0);
    assert_eq!(count(&s, "SELECT COUNT(*) FROM tickets"), 0);
    let line = find(&get(&s, "/api/village/requests", &clerk3).await.body, id).unwrap();
    assert_eq!(line["status"], "forwarded");
    // No reply before the town has answered.
    assert_error(
        &s.post(&format!("/api/village/requests/{id}/replied"), &agent, json!({})).await,
        409,
        "invalid_village_action",
    );
}

/// The agent tells the villager the town's answer: what to bring, all at once (R11), or why it
/// was returned (R1, R10), and the check code to follow the case (R4). Only then is the reply
/// recorded.
#[tokio::test]
async fn the_agent_reads_what_to_bring_or_why_and_the_check_code() {
    let s = TestServer::start().await;
    let agent = login(&s, "village1").await;
    let clerk2 = s.clerk("clerk2", "w02").await;
    let director = s.staff("director").await;
    let accept = |id: i64, body: Value| {
        let (s, clerk2) = (&s, &clerk2);
        async move { s.post(&format!("/api/village/requests/{id}/accept"), clerk2, body).await }
    };
    const BILLS: &str = "医疗费用票据、疾病诊断证明等支出证明";
    let short = register(&s, &agent, json!({"forward": true})).await["id"].as_i64().unwrap();
    let a = accept(short, json!({"outcome": "supplement", "missing_materials": [BILLS]})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let returned = register(&s, &agent, json!({"forward": true})).await["id"].as_i64().unwrap();
    let why = "申请人家庭收入高于当地临时救助标准";
    let a = accept(returned, json!({"outcome": "returned", "return_ground": "against_policy", "reason": why})).await;
    assert_eq!(a.status, 200, "{}", a.body);

    let mine = get(&s, "/api/village/requests", &agent).await.body;
    let line = find(&mine, short).unwrap();
    assert_eq!(line["missing_materials"], json!([BILLS]), "{line}");
    assert_eq!(line["town_answered"], true);
    let code = line["case_check_code"].as_str().unwrap().to_string();
    let case = line["case_number"].as_str().unwrap();
    // The limit is the case's (none while its year's calendar is not loaded, as here).
    let staff_case = get(&s, &format!("/api/cases/{case}"), &clerk2).await.body;
    assert_eq!(line["supplement_until"], staff_case["supplement_until"], "{staff_case}");
    let progress = s.get(&format!("/api/cases/{case}?code={code}")).await;
    assert_eq!(progress.status, 200, "the code is the case's: {}", progress.body);
    let line = find(&mine, returned).unwrap();
    assert_eq!((line["status"].as_str(), line["case_reason"].as_str()), (Some("closed"), Some(why)), "{line}");
    // The town's staff read the answer too, never the code (it is the villager's).
    for token in [&clerk2, &director] {
        let staff = get(&s, "/api/village/requests", token).await.body;
        let line = find(&staff, short).unwrap();
        assert_eq!(line["missing_materials"], json!([BILLS]));
        assert!(line.get("case_check_code").is_none(), "{line}");
        let whole = get(&s, &format!("/api/village/requests/{short}"), token).await.body;
        assert!(whole.get("case_check_code").is_none(), "read whole: {whole}");
    }
    // Told: the replies are recorded.
    for id in [short, returned] {
        let r = s.post(&format!("/api/village/requests/{id}/replied"), &agent, json!({})).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    assert!(find(&get(&s, "/api/village/requests", &director).await.body, short).is_none(), "replied: off the list");
    // The villager brings the bills; the case runs and closes: the result is owed to them now.
    s.clock().advance(chrono::Duration::minutes(30));
    let done = s.post(&format!("/api/cases/{case}/materials-complete"), &clerk2, json!({})).await;
    assert_eq!(done.status, 200, "{}", done.body);
    // Running now: open for the town again, and its window's lateness shows when it runs late.
    let line = find(&get(&s, "/api/village/requests", &director).await.body, short).expect("running: open again");
    assert_eq!((line.get("town_overdue"), line["replied_at"].is_null()), (None, true), "{line}");
    let deadline = get(&s, &format!("/api/cases/{case}"), &clerk2).await.body["deadline"].as_str().unwrap().to_string();
    let due = chrono::NaiveDate::parse_from_str(&deadline, "%Y-%m-%d").unwrap();
    let after = due.succ_opt().unwrap();
    s.clock().set(at_nine(2026, chrono::Datelike::month(&after), chrono::Datelike::day(&after)));
    let (clerk2, director, agent) =
        (s.clerk("clerk2", "w02").await, s.staff("director").await, login(&s, "village1").await);
    let line = find(&get(&s, "/api/village/requests", &director).await.body, short).expect("late: still listed");
    assert_eq!(line["town_overdue"], true, "{line}");
    let early = s.post(&format!("/api/village/requests/{short}/replied"), &agent, json!({})).await;
    assert_error(&early, 409, "invalid_village_action");
    s.clock().advance(chrono::Duration::minutes(30));
    let closed = s.post(&format!("/api/cases/{case}/close"), &clerk2, json!({"result": "approved"})).await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    let line = find(&get(&s, "/api/village/requests", &director).await.body, short).expect("owed a reply again");
    assert_eq!((line["status"].as_str(), line["replied_at"].is_null()), (Some("closed"), true), "{line}");
    let r = s.post(&format!("/api/village/requests/{short}/replied"), &agent, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(find(&get(&s, "/api/village/requests", &director).await.body, short).is_none());
    let events = count(&s, "SELECT COUNT(*) FROM events WHERE kind = 'village_changed' AND data LIKE '%reply_due%'");
    assert_eq!(events, 1);
}

#[tokio::test]
async fn overdue_forwards_and_replies_show_on_both_sides() {
    let s = TestServer::start().await; // Wednesday 25 November
    let agent = login(&s, "village1").await;
    let late = register(&s, &agent, json!({})).await["id"].as_i64().unwrap();
    let urgent = register(&s, &agent, json!({"urgent": true, "forward": true})).await;
    assert_eq!(urgent["forward_by"], "2026-11-25", "urgent: the same day");
    assert_eq!(urgent["status"], "forwarded");
    let urgent = urgent["id"].as_i64().unwrap();

    // Monday 30 November is the last day: not overdue yet.
    s.clock().set(at_nine(2026, 11, 30));
    let agent = login(&s, "village1").await;
    assert_eq!(find(&get(&s, "/api/village/requests", &agent).await.body, late).unwrap()["forward_overdue"], false);

    // Tuesday 1 December: overdue for the agent, the receiving desk and the director.
    s.clock().set(at_nine(2026, 12, 1));
    let agent = login(&s, "village1").await;
    let clerk2 = s.clerk("clerk2", "w02").await;
    let director = s.staff("director").await;
    for token in [&agent, &clerk2, &director] {
        let list = get(&s, "/api/village/requests", token).await.body;
        assert_eq!(find(&list, late).unwrap()["forward_overdue"], true, "{list}");
        assert_eq!(find(&list, urgent).unwrap()["forward_overdue"], false, "forwarded in time");
    }
    // Forwarded late: no longer overdue, marked late.
    let f = s.post(&format!("/api/village/requests/{late}/forward"), &agent, json!({})).await.body;
    assert_eq!((f["forward_overdue"].as_bool(), f["forwarded_late"].as_bool()), (Some(false), Some(true)));

    // An immediate case closes at once: the villager is told that day; the day after it is overdue.
    let a = s.post(&format!("/api/village/requests/{urgent}/accept"), &clerk2, json!({"outcome": "immediate"})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["status"], "closed");
    assert_eq!(a.body["case_result"], "done");
    assert_eq!(a.body["reply_by"], "2026-12-01");
    assert!(a.body.get("town_deadline").is_none());
    s.clock().set(at_nine(2026, 12, 2));
    let agent = login(&s, "village1").await;
    let clerk2 = s.clerk("clerk2", "w02").await;
    for token in [&agent, &clerk2] {
        let line = find(&get(&s, "/api/village/requests", token).await.body, urgent).unwrap();
        assert_eq!(line["reply_overdue"], true, "{line}");
    }
    // Replied: it leaves the desk.
    s.post(&format!("/api/village/requests/{urgent}/replied"), &agent, json!({})).await;
    assert!(find(&get(&s, "/api/village/requests", &clerk2).await.body, urgent).is_none());

    // A promised case the window has not closed by its date: the window is late, not the agent,
    // who has nothing to tell the villager yet (R22).
    let p = s.post(&format!("/api/village/requests/{late}/accept"), &clerk2, json!({"outcome": "promised"})).await;
    assert_eq!(p.status, 200, "{}", p.body);
    let due = chrono::NaiveDate::parse_from_str(p.body["town_deadline"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let after = due.succ_opt().unwrap();
    s.clock().set(at_nine(
        chrono::Datelike::year(&after),
        chrono::Datelike::month(&after),
        chrono::Datelike::day(&after),
    ));
    let (agent, clerk2, director) =
        (login(&s, "village1").await, s.clerk("clerk2", "w02").await, s.staff("director").await);
    for token in [&agent, &clerk2, &director] {
        let line = find(&get(&s, "/api/village/requests", token).await.body, late).unwrap();
        assert_eq!(
            (line["town_overdue"].as_bool(), line["reply_overdue"].as_bool()),
            (Some(true), Some(false)),
            "{line}"
        );
    }
}

#[tokio::test]
async fn another_agent_of_the_station_sees_no_villager() {
    let toml = include_str!("../../../halls/sample-town.toml").replace(
        "# ───────────── 自助取号机 ─────────────",
        "[[staff]]\nusername = \"village2\"\nname = \"李国强\"\nrole = \"village\"\nstation = \"石桥村便民服务站\"\n\
         password_hash = \"$argon2id$v=19$m=19456,t=2,p=1$3cCNITORIrAVyxjICqXFRg$uNt4jP9g97Fx3iuFLxOWf8MPZpMCKI8WAFkYFs3DAGA\"\n\
         demo = true\n\n# ───────────── 自助取号机 ─────────────",
    );
    let hall = hall_server::config::parse(&toml, "test").unwrap();
    let s = TestServer::options().hall(hall).start().await;
    let (one, two) = (login(&s, "village1").await, login(&s, "village2").await);
    let id = register(&s, &one, json!({})).await["id"].as_i64().unwrap();
    let line = find(&get(&s, "/api/village/requests", &two).await.body, id).expect("the station's list");
    assert!(line.get("villager_name").is_none() && line.get("villager_phone").is_none());
    assert_error(&get(&s, &format!("/api/village/requests/{id}"), &two).await, 403, "not_your_village_request");
    assert_error(
        &s.post(&format!("/api/village/requests/{id}/forward"), &two, json!({})).await,
        403,
        "not_your_village_request",
    );
    // The town decides: the registering agent is told the result and why, the other agent that
    // it was decided only (the villager's business).
    let clerk2 = s.clerk("clerk2", "w02").await;
    let a = s.post(&format!("/api/village/requests/{id}/accept"), &clerk2, json!({"outcome": "promised"})).await;
    let number = a.body["case_number"].as_str().unwrap_or_else(|| panic!("{}", a.body)).to_string();
    let no = json!({"result": "not_approved", "reason": "家庭收入超过救助标准"});
    assert_eq!(s.post(&format!("/api/cases/{number}/close"), &clerk2, no).await.status, 200);
    let seen = |list: &Value| {
        let l = find(list, id).unwrap();
        (l["status"].clone(), l.get("case_result").cloned(), l.get("case_reason").cloned())
    };
    let own = seen(&get(&s, "/api/village/requests", &one).await.body);
    assert_eq!(own, (json!("closed"), Some(json!("not_approved")), Some(json!("家庭收入超过救助标准"))));
    assert_eq!(seen(&get(&s, "/api/village/requests", &two).await.body), (json!("closed"), None, None));

    // A village agent names a station, and only an agent has one.
    let no_station = toml.replace("station = \"石桥村便民服务站\"\npassword", "password");
    let e = hall_server::config::parse(&no_station, "test").unwrap_err().to_string();
    assert!(e.contains("station"), "{e}");
}

#[tokio::test]
async fn the_agents_live_stream_is_the_publics() {
    let s = TestServer::start().await;
    let agent = login(&s, "village1").await;
    let clerk2 = s.clerk("clerk2", "w02").await;
    let mut mine = Sse::connect_as(&s.base, Some(&agent), None).await;
    let mut desk = Sse::connect_as(&s.base, Some(&clerk2), None).await;
    register(&s, &agent, json!({"forward": true})).await;
    let director = s.staff("director").await;
    let n = s.post("/api/notice", &director, json!({"notice": "今天下午停电"})).await;
    assert_eq!(n.status, 200, "{}", n.body);
    // The clerk's stream gets the village events (without the villager); the agent's does not.
    let (_, before) = desk.until("notice_changed").await;
    let village: Vec<_> = before.iter().filter(|e| e.kind == "village_changed").collect();
    assert_eq!(village.len(), 2, "registered and forwarded");
    assert!(village.iter().all(|e| e.data.get("villager_name").is_none() && !e.data.to_string().contains(NAME)));
    assert_eq!(mine.next().await.kind, "notice_changed", "no staff-only event reaches a village agent");
}

/// The acceptance's audit row blames the agent only for a late forward: forwarded on time and
/// accepted a week later is not late.
#[tokio::test]
async fn a_request_forwarded_in_time_and_accepted_later_is_not_late() {
    let s = TestServer::start().await; // Wednesday 25 November
    let agent = login(&s, "village1").await;
    let id = register(&s, &agent, json!({"forward": true})).await["id"].as_i64().unwrap();
    s.clock().set(at_nine(2026, 12, 4)); // past the forward's day (30 November)
    let clerk2 = s.clerk("clerk2", "w02").await;
    let a = s.post(&format!("/api/village/requests/{id}/accept"), &clerk2, json!({"outcome": "promised"})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["forwarded_late"], false, "{}", a.body);
    let late = count(&s, "SELECT json_extract(detail, '$.late') FROM audit WHERE action = 'village.accepted'");
    assert_eq!(late, 0, "the audit row");
}

/// The director hands an agent's request over to another agent of the station (the first left
/// or is ill): the new agent reads the villager and passes the town's answer on, the old one no
/// longer does; only to an agent of that station, never once the villager was replied to.
#[tokio::test]
async fn the_director_hands_a_request_over_to_another_agent_of_the_station() {
    let station_agent = |user: &str, name: &str, station: &str| {
        format!(
            "[[staff]]\nusername = \"{user}\"\nname = \"{name}\"\nrole = \"village\"\nstation = \"{station}\"\n\
             password_hash = \"$argon2id$v=19$m=19456,t=2,p=1$3cCNITORIrAVyxjICqXFRg$uNt4jP9g97Fx3iuFLxOWf8MPZpMCKI8WAFkYFs3DAGA\"\n\
             demo = true\n\n"
        )
    };
    let marker = "# ───────────── 自助取号机 ─────────────";
    let agents = station_agent("village2", "李国强", "石桥村便民服务站")
        + &station_agent("village3", "赵红", "河西村便民服务站");
    let toml = include_str!("../../../halls/sample-town.toml").replace(marker, &format!("{agents}{marker}"));
    let s = TestServer::options().hall(hall_server::config::parse(&toml, "test").unwrap()).start().await;
    let (one, two, director) = (login(&s, "village1").await, login(&s, "village2").await, login(&s, "director").await);
    let id = register(&s, &one, json!({})).await["id"].as_i64().unwrap();
    let listed = get(&s, "/api/village/agents", &director).await;
    let names: Vec<&str> = listed.body.as_array().unwrap().iter().map(|a| a["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["village3", "village1", "village2"], "by station: {}", listed.body);
    assert_error(&get(&s, "/api/village/agents", &one).await, 403, "director_only");
    let path = format!("/api/village/requests/{id}/agent");
    // (who asks, to whom, refused with)
    for (token, to, status, code) in [
        (&one, "village2", 403, "director_only"),
        (&login(&s, "leader").await, "village2", 403, "director_only"),
        (&director, "village3", 400, "invalid_body"), // another station's agent
        (&director, "clerk2", 400, "invalid_body"),
        (&director, "village1", 409, "invalid_village_action"), // has it already
    ] {
        assert_error(&s.post(&path, token, json!({ "agent": to })).await, status, code);
    }
    assert_eq!(count(&s, "SELECT COUNT(*) FROM audit WHERE action = 'village.hand_over'"), 0);
    let r = s.post(&path, &director, json!({ "agent": "village2" })).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!((r.body["agent"].as_str(), r.body["agent_name"].as_str()), (Some("village2"), Some("李国强")));
    assert!(r.body.get("villager_name").is_none(), "the director's answer has no villager");
    // The new agent reads the villager and forwards it; the old one no longer.
    let whole = get(&s, &format!("/api/village/requests/{id}"), &two).await;
    assert_eq!((whole.status.as_u16(), whole.body["villager_name"].as_str()), (200, Some(NAME)), "{}", whole.body);
    assert_error(&get(&s, &format!("/api/village/requests/{id}"), &one).await, 403, "not_your_village_request");
    assert_eq!(s.post(&format!("/api/village/requests/{id}/forward"), &two, json!({})).await.status, 200);
    let detail: String = rusqlite::Connection::open(&s.db)
        .unwrap()
        .query_row("SELECT detail FROM audit WHERE action = 'village.hand_over'", [], |r| r.get(0))
        .unwrap();
    assert!(detail.contains("village1") && detail.contains("village2") && !detail.contains(NAME), "{detail}");
    assert_error(
        &s.post(&format!("/api/village/requests/{id}/replied"), &one, json!({})).await,
        403,
        "not_your_village_request",
    );

    // village1 leaves the station (removed from the hall) with a request still theirs: the
    // director's list names them as they were, and hands it over.
    let other = register(&s, &one, json!({})).await["id"].as_i64().unwrap();
    let admin = login(&s, "admin").await;
    let start = toml.find("[[staff]]\nusername = \"village1\"").expect("village1's account");
    let end = start + 1 + toml[start + 1..].find("[[staff]]").expect("an account after it");
    let without = format!("{}{}", &toml[..start], &toml[end..]);
    let saved = s.post("/api/admin/hall", &admin, json!({ "toml": without })).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let director = login(&s, "director").await;
    let line = find(&get(&s, "/api/village/requests", &director).await.body, other).expect("still open");
    assert_eq!((line["agent"].as_str(), line["agent_name"].as_str()), (Some("village1"), Some("马桂兰")), "{line}");
    let r = s.post(&format!("/api/village/requests/{other}/agent"), &director, json!({ "agent": "village2" })).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn the_agents_list_keeps_every_open_request_whatever_its_age() {
    let s = TestServer::start().await;
    let agent = login(&s, "village1").await;
    // One request done: accepted on the spot and the villager told.
    let done = register(&s, &agent, json!({})).await["id"].as_i64().unwrap();
    s.post(&format!("/api/village/requests/{done}/forward"), &agent, json!({})).await;
    let clerk2 = s.clerk("clerk2", "w02").await;
    let a = s.post(&format!("/api/village/requests/{done}/accept"), &clerk2, json!({"outcome": "immediate"})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let r = s.post(&format!("/api/village/requests/{done}/replied"), &agent, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // Three still open, the oldest first registered.
    let open: Vec<i64> = [
        register(&s, &agent, json!({})).await,
        register(&s, &agent, json!({})).await,
        register(&s, &agent, json!({})).await,
    ]
    .iter()
    .map(|r| r["id"].as_i64().unwrap())
    .collect();
    // However many newer requests the station has, an open one stays on the agent's page (its
    // answer still owed to the villager); a done one goes with the page's length.
    let list = get(&s, "/api/village/requests?limit=1", &agent).await.body;
    let ids: Vec<i64> = list.as_array().unwrap().iter().map(|l| l["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, open.iter().rev().copied().collect::<Vec<_>>(), "{list}");
    let all = get(&s, "/api/village/requests", &agent).await.body;
    assert!(find(&all, done).is_some(), "within the page's length, the done one too");
}

/// Registered on Tuesday 29 December with 2027 not loaded, a request is due within the week's
/// cap (5 January); once 2027's calendar is added, by R22's three working days (31 December,
/// then Monday 4 January after 元旦). One forwarded already keeps its day.
#[tokio::test]
async fn a_new_years_calendar_sets_the_forward_day_of_requests_still_at_the_station() {
    let s = TestServer::start().await;
    s.clock().set(at_nine(2026, 12, 29));
    let agent = login(&s, "village1").await;
    let waiting = register(&s, &agent, json!({})).await;
    let sent = register(&s, &agent, json!({"forward": true})).await;
    assert_eq!((waiting["forward_by"].as_str(), sent["forward_by"].as_str()), (Some("2027-01-05"), Some("2027-01-05")));
    let admin = s.staff("admin").await;
    let added = s.post("/api/admin/calendar", &admin, json!({"toml": crate::cases::TEST_2027})).await;
    assert_eq!(added.status, 201, "{}", added.body);
    let list = get(&s, "/api/village/requests", &agent).await.body;
    let day = |v: &Value| find(&list, v["id"].as_i64().unwrap()).unwrap()["forward_by"].clone();
    assert_eq!((day(&waiting), day(&sent)), (json!("2027-01-04"), json!("2027-01-05")));
    assert_eq!(count(&s, "SELECT COUNT(*) FROM audit WHERE action = 'village.forward_by_set'"), 1);
}

/// The administrator cannot remove a matter while a villager's request of it waits for a window
/// to accept it: no window could then, and the villager would never hear back (R22).
#[tokio::test]
async fn a_matter_with_a_villagers_request_waiting_is_not_removed() {
    let s = TestServer::start().await;
    let agent = login(&s, "village1").await;
    let id = register(&s, &agent, json!({"forward": true})).await["id"].as_i64().unwrap();
    let admin = s.staff("admin").await;
    let toml = get(&s, "/api/admin/hall", &admin).await.body["toml"].as_str().unwrap().to_string();
    let start = toml.find("[[matters]]\nid = \"mz-linshi\"").expect("the matter's block");
    let end = start + toml[start..].find("\n\n[[").unwrap() + 2;
    let dropped = format!("{}{}", &toml[..start], &toml[end..]);
    let r = s.post("/api/admin/hall", &admin, json!({ "toml": dropped })).await;
    assert_error(&r, 409, "matter_in_use");
    assert!(r.body["message"].as_str().unwrap().contains("village requests"), "{}", r.body);
    // Accepted at a window (a case of its own now): the matter may go.
    let clerk2 = s.clerk("clerk2", "w02").await;
    let a = s.post(&format!("/api/village/requests/{id}/accept"), &clerk2, json!({"outcome": "promised"})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let r = s.post("/api/admin/hall", &admin, json!({ "toml": dropped })).await;
    assert_eq!(r.status, 200, "{}", r.body);
}
