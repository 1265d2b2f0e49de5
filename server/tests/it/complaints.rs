//! Complaints (投诉, R21) through the HTTP contract: registration and due dates on the
//! working-day calendar, the state machine, late answers, confidentiality (who may call what,
//! audited reads, a staff member's own findings), the online complaint and its limits, text kept
//! as text.

use chrono::TimeZone;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{assert_error, Reply, TestServer};

/// 10:00 in Shanghai on `date`.
fn at(date: &str) -> chrono::DateTime<chrono::Utc> {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    chrono::Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).unwrap())
}

fn complaint(complexity: &str) -> Value {
    json!({
        "channel": "written", "about": "staff", "staff": "clerk2", "window_id": "w02",
        "what": "办理低保时态度生硬，多次让我回去补材料", "happened": "12月2日上午",
        "complainant_name": "王五", "complainant_contact": "13900001111", "complexity": complexity,
        "complainant_address": "青石镇河西村三组12号",
    })
}

async fn register(s: &TestServer, token: &str, body: Value) -> Value {
    let r = s.post("/api/complaints", token, body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body
}

async fn get(s: &TestServer, path: &str, token: Option<&str>) -> Reply {
    s.send(Method::GET, path, token, None, None).await
}

#[tokio::test]
async fn due_dates_count_working_days_and_wait_for_a_year_not_loaded() {
    let s = TestServer::start().await;
    // (day received, complexity, due): the Friday before 国庆 2026 and the day before it.
    for (day, complexity, due) in [
        ("2026-09-25", "simple", "2026-09-28"),
        ("2026-09-25", "complex", "2026-10-09"),
        ("2026-09-30", "simple", "2026-10-08"),
        ("2026-09-30", "complex", "2026-10-13"),
    ] {
        s.clock().set(at(day));
        let director = s.staff("director").await;
        let c = register(&s, &director, complaint(complexity)).await;
        assert_eq!(c["due"], due, "{day} {complexity}: {c}");
        assert_eq!(c["state"], "received");
        assert!(c["number"].as_str().unwrap().starts_with(&format!("TS{}-", day.replace('-', ""))), "{c}");
    }
    // Marked complex later: counted again from the day received, not from today.
    s.clock().set(at("2026-09-25"));
    let director = s.staff("director").await;
    let c = register(&s, &director, complaint("simple")).await;
    assert_eq!((c["number"].as_str(), c["due"].as_str()), (Some("TS20260925-03"), Some("2026-09-28")));
    s.clock().set(at("2026-09-28"));
    let director = s.staff("director").await;
    let path = format!("/api/complaints/{}/investigate", c["id"]);
    let c = s.post(&path, &director, json!({"complexity": "complex"})).await.body;
    assert_eq!((c["due"].as_str(), c["complexity"].as_str()), (Some("2026-10-09"), Some("complex")), "{c}");
    // Marked complex once its due date has passed: refused, still late (R21: explain, keep tracking).
    s.clock().set(at("2026-09-25"));
    let director = s.staff("director").await;
    let late = register(&s, &director, complaint("simple")).await;
    s.clock().set(at("2026-09-29"));
    let director = s.staff("director").await;
    let path = format!("/api/complaints/{}/investigate", late["id"]);
    assert_error(&s.post(&path, &director, json!({"complexity": "complex"})).await, 409, "deadline_passed");
    let late = get(&s, &format!("/api/complaints/{}", late["id"]), Some(&director)).await.body;
    assert_eq!(
        (late["due"].as_str(), late["state"].as_str(), late["overdue"].as_bool()),
        (Some("2026-09-28"), Some("received"), Some(true)),
        "{late}"
    );
    let c = s.post(&path, &director, json!({"note": "调取录像"})).await;
    assert_eq!(c.body["state"], "investigating", "investigated as it is: {}", c.body);
    // Registered complex, found simple on its third day: simple it was due on the 28th, which
    // has passed; refused (it would be late at once, for a day before the finding), due as it was.
    s.clock().set(at("2026-09-25"));
    let director = s.staff("director").await;
    let complex = register(&s, &director, complaint("complex")).await;
    s.clock().set(at("2026-09-29"));
    let director = s.staff("director").await;
    let path = format!("/api/complaints/{}/investigate", complex["id"]);
    assert_error(&s.post(&path, &director, json!({"complexity": "simple"})).await, 409, "simple_due_passed");
    let c = get(&s, &format!("/api/complaints/{}", complex["id"]), Some(&director)).await.body;
    assert_eq!(
        (c["due"].as_str(), c["state"].as_str(), c["overdue"].as_bool()),
        (Some("2026-10-09"), Some("received"), Some(false))
    );
    // 31 December: the next working day is in 2027, not loaded: pending until the year is added.
    s.clock().set(at("2026-12-31"));
    let director = s.staff("director").await;
    let c = register(&s, &director, complaint("simple")).await;
    assert!(c["due"].is_null(), "{c}");
    assert_eq!(c["overdue"], false);
    let admin = s.staff("admin").await;
    // Meanwhile the limit is changed: the complaint keeps the one it came under.
    let toml = s.send(Method::GET, "/api/admin/hall", Some(&admin), None, None).await.body["toml"].clone();
    let (limit, longer) = ("complaint_simple_days = 1 ", "complaint_simple_days = 3 ");
    assert!(toml.as_str().unwrap().contains(limit));
    let toml = toml.as_str().unwrap().replacen(limit, longer, 1);
    let r = s.post("/api/admin/hall", &admin, json!({ "toml": toml })).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let added = s.post("/api/admin/calendar", &admin, json!({"toml": crate::cases::TEST_2027})).await;
    assert_eq!(added.status, 201, "{}", added.body);
    let c = get(&s, &format!("/api/complaints/{}", c["id"]), Some(&director)).await.body;
    assert_eq!(c["due"], "2027-01-04", "one working day, as when it came (not three): {c}");
    assert_eq!(c["history"].as_array().unwrap().last().unwrap()["action"], "deadline_set");
}

#[tokio::test]
async fn the_state_machine_and_late_answers_need_an_explanation() {
    let s = TestServer::start().await;
    let director = s.staff("director").await;
    // Wednesday 25 November: simple, due Thursday 26th.
    let c = register(&s, &director, complaint("simple")).await;
    let id = c["id"].clone();
    let path = |step: &str| format!("/api/complaints/{id}/{step}");
    let answer = json!({"finding": "upheld", "answer": "经核实属实，已对当事人批评教育。",
                        "to_staff": "经核实，你在办理低保时未一次性告知所需材料，投诉属实，予以批评教育。"});
    // Bad steps: 409, nothing changes.
    assert_error(&s.post(&path("close"), &director, json!({})).await, 409, "invalid_complaint_step");
    let c = s.post(&path("investigate"), &director, json!({"note": "调取窗口录像"})).await;
    assert_eq!((c.status.as_u16(), c.body["state"].as_str()), (200, Some("investigating")), "{}", c.body);
    assert_error(&s.post(&path("investigate"), &director, json!({})).await, 409, "invalid_complaint_step");
    assert_error(&s.post(&path("close"), &director, json!({})).await, 409, "invalid_complaint_step");
    // The investigation finds several units involved: complex, due again from the day received
    // (Wednesday + 5 working days); and back to simple (due the 26th, not passed yet).
    let r = s.post(&path("investigate"), &director, json!({"complexity": "complex", "note": "涉及民政和住建"})).await;
    assert_eq!(
        (r.status.as_u16(), r.body["state"].as_str(), r.body["due"].as_str()),
        (200, Some("investigating"), Some("2026-12-02")),
        "{}",
        r.body
    );
    let line = r.body["history"].as_array().unwrap().last().unwrap()["text"].as_str().unwrap().to_string();
    assert!(line.starts_with("经调查改为复杂投诉"), "{line}");
    let r = s.post(&path("investigate"), &director, json!({"complexity": "simple"})).await;
    assert_eq!((r.status.as_u16(), r.body["due"].as_str()), (200, Some("2026-11-26")), "{}", r.body);
    // Friday 27th: past the due date. Without an explanation: 422 and unchanged.
    s.clock().set(at("2026-11-27"));
    let director = s.staff("director").await;
    let late = get(&s, "/api/complaints?overdue=true", Some(&director)).await.body;
    assert_eq!(late.as_array().unwrap().len(), 1, "{late}");
    assert_eq!((late[0]["overdue"].as_bool(), late[0]["late"].as_bool()), (Some(true), Some(true)));
    assert_error(&s.post(&path("answer"), &director, answer.clone()).await, 422, "late_explanation_required");
    let mut explained = answer.clone();
    explained["late_explanation"] = json!("  ");
    assert_error(&s.post(&path("answer"), &director, explained.clone()).await, 422, "late_explanation_required");
    for (body, code) in [
        (json!({"finding": "upheld", "answer": " ", "late_explanation": "x"}), "invalid_complaint"),
        (json!({"finding": "upheld", "answer": "答".repeat(2001), "late_explanation": "x"}), "invalid_complaint"),
        // About a staff member: what they are told is written by the director (R21).
        (json!({"finding": "upheld", "answer": "答复", "late_explanation": "x"}), "to_staff_required"),
        (json!({"finding": "upheld", "answer": "答复", "late_explanation": "x", "to_staff": " "}), "to_staff_required"),
        (
            json!({"finding": "upheld", "answer": "答复", "late_explanation": "x", "to_staff": "告".repeat(2001)}),
            "invalid_complaint",
        ),
    ] {
        assert_error(&s.post(&path("answer"), &director, body).await, 422, code);
    }
    assert_eq!(get(&s, &format!("/api/complaints/{id}"), Some(&director)).await.body["state"], "investigating");
    explained["late_explanation"] = json!("涉及窗口录像调取，需信息中心配合");
    let c = s.post(&path("answer"), &director, explained).await.body;
    assert_eq!(c["state"], "answered", "{c}");
    assert_eq!((c["finding"].as_str(), c["answered_on"].as_str()), (Some("upheld"), Some("2026-11-27")));
    assert_eq!(c["late_explanation"], "涉及窗口录像调取，需信息中心配合");
    assert_eq!(
        (c["overdue"].as_bool(), c["late"].as_bool()),
        (Some(false), Some(true)),
        "answered late: still tracked"
    );
    assert_error(&s.post(&path("answer"), &director, answer.clone()).await, 409, "invalid_complaint_step");
    assert_error(&s.post(&path("investigate"), &director, json!({})).await, 409, "invalid_complaint_step");
    let c = s.post(&path("close"), &director, json!({"note": "投诉人表示满意"})).await.body;
    assert_eq!((c["state"].as_str(), c["closed_on"].as_str()), (Some("closed"), Some("2026-11-27")), "{c}");
    assert_error(&s.post(&path("close"), &director, json!({})).await, 409, "invalid_complaint_step");
    let steps: Vec<&str> = c["history"].as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
    assert_eq!(steps, ["received", "investigating", "reclassified", "reclassified", "answered", "closed"]);
    // Late ones stay in the overdue list, closed or not.
    let late = get(&s, "/api/complaints?overdue=true", Some(&director)).await.body;
    assert_eq!(late[0]["id"], id, "{late}");
    assert_eq!(get(&s, "/api/complaints?state=closed", Some(&director)).await.body.as_array().unwrap().len(), 1);
    // Answered on time (simple, received and answered the same day): no explanation needed, not late.
    let c = register(&s, &director, complaint("simple")).await;
    let c = s.post(&format!("/api/complaints/{}/answer", c["id"]), &director, answer).await.body;
    assert_eq!((c["state"].as_str(), c["late"].as_bool()), (Some("answered"), Some(false)), "{c}");
    assert!(c.get("late_explanation").is_none());
    // Unknown complaints.
    assert_error(&get(&s, "/api/complaints/999", Some(&director)).await, 404, "unknown_complaint");
    assert_error(&get(&s, "/api/complaints/x", Some(&director)).await, 404, "unknown_complaint");
    assert_error(&s.post("/api/complaints/999/close", &director, json!({})).await, 404, "unknown_complaint");
    assert_error(&get(&s, "/api/complaints?state=open", Some(&director)).await, 400, "invalid_body");
}

#[tokio::test]
async fn bad_registrations_change_nothing() {
    let s = TestServer::start().await;
    let director = s.staff("director").await;
    let with = |key: &str, value: Value| {
        let mut b = complaint("simple");
        b[key] = value;
        b
    };
    // Without the postal address too (the fixture, a letter, has one).
    let bare = |key: &str, value: Value| {
        let mut b = with(key, value);
        b["complainant_address"] = Value::Null;
        b
    };
    for (body, code) in [
        (with("what", json!("  ")), "invalid_complaint"),
        (with("what", json!("事".repeat(2001))), "invalid_complaint"),
        (with("complainant_name", json!("名".repeat(51))), "invalid_complaint"),
        (with("complainant_contact", json!("call me maybe")), "invalid_complaint"),
        (bare("complainant_contact", json!("")), "invalid_complaint"),
        (with("happened", json!("时".repeat(51))), "invalid_complaint"),
        (with("channel", json!("online")), "invalid_complaint"),
        (with("staff", json!("nobody")), "unknown_staff"),
        // A village agent reads no findings: the answer's message to them could never arrive.
        (with("staff", json!("village1")), "unknown_staff"),
        (with("staff", Value::Null), "invalid_complaint"),
        (with("window_id", json!("w99")), "unknown_window"),
        (
            json!({"channel": "oral", "about": "window", "what": "x", "complainant_name": "a", "complainant_contact": "13900001111"}),
            "invalid_complaint",
        ),
        // No name or contact without saying so: the director forgot them.
        (json!({"channel": "written", "about": "hall", "what": "x"}), "invalid_complaint"),
        // Anonymous with a name: one or the other.
        (with("anonymous", json!(true)), "invalid_complaint"),
        // A name with neither a phone nor an address: no answer could reach them.
        (bare("complainant_contact", Value::Null), "invalid_complaint"),
        // A letter is answered by letter (R21): its postal address, not only a phone.
        (with("complainant_address", Value::Null), "invalid_complaint"),
        (with("complainant_address", json!("地".repeat(201))), "invalid_complaint"),
        (
            json!({"channel": "written", "about": "hall", "what": "x", "anonymous": true, "complainant_address": "河西村"}),
            "invalid_complaint",
        ),
    ] {
        assert_error(&s.post("/api/complaints", &director, body.clone()).await, 422, code);
    }
    assert_error(&s.post("/api/complaints", &director, with("channel", json!("letter"))).await, 400, "invalid_body");
    assert_eq!(get(&s, "/api/complaints", Some(&director)).await.body, json!([]));
    // The limits themselves are fine; about the hall needs no window or staff.
    let mut ok = with("what", json!("事".repeat(2000)));
    ok["complainant_name"] = json!("名".repeat(50));
    register(&s, &director, ok).await;
    let hall = json!({"channel": "phone", "about": "hall", "what": "大厅空调太冷", "complainant_name": "赵六",
        "complainant_contact": "0835-6621234", "staff": "clerk2"});
    let c = register(&s, &director, hall).await;
    assert!(c.get("staff").is_none() && c.get("window_id").is_none(), "{c}");
    // A caller who keeps their name and leaves a number to be called back on (R21: confidential).
    let unnamed = json!({"channel": "phone", "about": "hall", "what": "叫号屏幕上午一直黑屏",
        "complainant_name": "", "complainant_contact": "13900002222"});
    let c = register(&s, &director, unnamed).await;
    assert!(c.get("complainant_name").is_none(), "{c}");
    let read = get(&s, &format!("/api/complaints/{}", c["id"]), Some(&director)).await.body;
    assert_eq!(read["complainant_contact"], "13900002222");
    // An anonymous letter (匿名信): registered and investigated all the same (R21).
    let letter = json!({"channel": "written", "about": "window", "window_id": "w02", "anonymous": true,
        "what": "3号窗口工作人员上班时间玩手机，群众排队无人理会"});
    let c = register(&s, &director, letter).await;
    assert!(c.get("complainant_name").is_none() && c.get("complainant_contact").is_none(), "{c}");
    assert_eq!((c["channel"].as_str(), c["state"].as_str()), (Some("written"), Some("received")));
    // A letter with a name and a postal address, no phone: answered in writing, by post (R21).
    let mut by_post = with("complainant_contact", Value::Null);
    by_post["complainant_address"] = json!("  青石镇河西村三组12号 ");
    let c = register(&s, &director, by_post).await;
    assert_eq!((c["complainant_address"].as_str(), c.get("complainant_contact")), (Some("青石镇河西村三组12号"), None));
    let read = get(&s, &format!("/api/complaints/{}", c["id"]), Some(&director)).await.body;
    assert_eq!(read["complainant_address"], "青石镇河西村三组12号");
    // Personal information: never in the list.
    let list = get(&s, "/api/complaints", Some(&director)).await.body.to_string();
    assert!(!list.contains("河西村"), "{list}");
}

#[tokio::test]
async fn only_the_director_and_administrators_reach_complaints() {
    let s = TestServer::start().await;
    let director = s.staff("director").await;
    let admin = s.staff("admin").await;
    let clerk = s.clerk("clerk2", "w02").await;
    let id = register(&s, &director, complaint("simple")).await["id"].clone();
    let writes = [
        ("/api/complaints".to_string(), complaint("simple")),
        (format!("/api/complaints/{id}/investigate"), json!({})),
        (format!("/api/complaints/{id}/answer"), json!({"finding": "upheld", "answer": "已答复", "to_staff": "属实"})),
        (format!("/api/complaints/{id}/close"), json!({})),
    ];
    let reads = ["/api/complaints".to_string(), format!("/api/complaints/{id}")];
    // (caller, expected status and code): the clerk is refused even on a complaint about them.
    for (who, token, status, code) in [
        ("anonymous", None, 401, "unauthorized"),
        ("kiosk", Some("demo-kiosk"), 403, "director_only"),
        ("clerk", Some(clerk.as_str()), 403, "director_only"),
    ] {
        for path in &reads {
            let r = get(&s, path, token).await;
            assert_eq!(r.status, status, "{who} GET {path}: {}", r.body);
            assert_eq!(r.body["error"], code, "{who} GET {path}");
        }
        for (path, body) in &writes {
            let r = s.send(Method::POST, path, token, Some(body.clone()), None).await;
            assert_eq!(r.status, status, "{who} POST {path}: {}", r.body);
            assert_eq!(r.body["error"], code, "{who} POST {path}");
        }
    }
    // Nothing moved; the director and an administrator may do everything.
    let c = get(&s, &format!("/api/complaints/{id}"), Some(&admin)).await;
    assert_eq!((c.status.as_u16(), c.body["state"].as_str()), (200, Some("received")));
    assert_eq!(c.body["complainant_name"], "王五");
    let lines = get(&s, "/api/complaints", Some(&admin)).await.body;
    assert_eq!(lines.as_array().unwrap().len(), 1);
    let text = lines.to_string();
    assert!(!text.contains("王五") && !text.contains("13900001111"), "lists carry no identity: {text}");
    for (i, (path, body)) in writes.iter().enumerate() {
        let token = if i % 2 == 0 { &director } else { &admin };
        let r = s.post(path, token, body.clone()).await;
        assert!(r.status.is_success(), "{path}: {}", r.body);
    }
    // Every director's or administrator's read of a complaint is audited: who, which, when.
    get(&s, &format!("/api/complaints/{id}"), Some(&director)).await;
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let number = c.body["number"].as_str().unwrap().to_string();
    let reads: Vec<(String, String)> = db
        .prepare("SELECT actor, role FROM audit WHERE action = 'complaint.read' AND subject = ?1 ORDER BY id")
        .unwrap()
        .query_map([format!("complaint:{number}")], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(reads, [("admin".into(), "admin".into()), ("director".into(), "director".into())]);
    let details: Vec<String> = db
        .prepare("SELECT detail FROM audit WHERE action LIKE 'complaint.%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        details.iter().all(|d| !d.contains("王五") && !d.contains("139")),
        "no identity in the audit rows: {details:?}"
    );
    assert!(hall_server::store::audit::verify(&db).unwrap().is_ok(), "the audit chain holds");
}

#[tokio::test]
async fn staff_see_only_their_own_findings_without_the_complainant() {
    let s = TestServer::start().await;
    let director = s.staff("director").await;
    let answer = |finding: &str| json!({"finding": finding, "answer": format!("王五您好，结论：{finding}"), "to_staff": format!("告知：{finding}，请改进服务")});
    let mut about_clerk3 = complaint("simple");
    about_clerk3["staff"] = json!("clerk3");
    about_clerk3["window_id"] = json!("w03");
    let a = register(&s, &director, complaint("simple")).await["id"].clone();
    let b = register(&s, &director, complaint("simple")).await["id"].clone();
    let _unanswered = register(&s, &director, complaint("simple")).await;
    let other = register(&s, &director, about_clerk3).await["id"].clone();
    s.post(&format!("/api/complaints/{a}/answer"), &director, answer("upheld")).await;
    s.post(&format!("/api/complaints/{b}/answer"), &director, answer("not_upheld")).await;
    s.post(&format!("/api/complaints/{b}/close"), &director, json!({})).await;
    s.post(&format!("/api/complaints/{other}/answer"), &director, answer("upheld")).await;
    let clerk = s.clerk("clerk2", "w02").await;
    let mine = get(&s, "/api/findings/mine", Some(&clerk)).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    let found = mine.body.as_array().unwrap();
    assert_eq!(found.len(), 2, "{}", mine.body);
    let findings: Vec<&str> = found.iter().map(|f| f["finding"].as_str().unwrap()).collect();
    assert_eq!(findings, ["not_upheld", "upheld"]);
    for f in found {
        let mut keys: Vec<&String> = f.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["answered_on", "finding", "number", "told"], "{f}");
    }
    assert_eq!(found[1]["told"], "告知：upheld，请改进服务");
    // Neither the complainant, the channel, the complaint's wording nor the answer to them.
    let text = mine.body.to_string();
    for never in ["王五", "13900001111", "written", "态度生硬", "您好"] {
        assert!(!text.contains(never), "{never} in {text}");
    }
    // The director has none about them; a kiosk is not staff; nobody anonymous.
    assert_eq!(get(&s, "/api/findings/mine", Some(&director)).await.body, json!([]));
    assert_error(&get(&s, "/api/findings/mine", Some("demo-kiosk")).await, 403, "staff_only");
    assert_error(&get(&s, "/api/findings/mine", None).await, 401, "unauthorized");
    // For assessments: upheld complaints against a staff member in a period.
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    assert_eq!(hall_server::store::complaints::upheld_against(&db, "clerk2", day, day).unwrap(), 1);
    assert_eq!(hall_server::store::complaints::upheld_against(&db, "clerk3", day, day).unwrap(), 1);
    assert_eq!(hall_server::store::complaints::upheld_against(&db, "clerk1", day, day).unwrap(), 0);
}

/// A citizen's complaint online names the window; found true, the director names the clerk
/// responsible: it then counts on their month's sheet (R17) and is told to them, as one
/// registered about them would be.
#[tokio::test]
async fn a_window_complaint_found_true_may_be_found_to_be_a_clerks() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    let director = s.staff("director").await;
    let token = served_ticket(&s, &clerk).await;
    let made = s
        .send(Method::POST, &format!("/api/t/{token}/complaint"), None, Some(json!({"what": "窗口人员态度差"})), None)
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id = get(&s, "/api/complaints", Some(&director)).await.body[0]["id"].clone();
    let path = format!("/api/complaints/{id}/answer");
    let answer = |finding: &str, staff: &str, to_staff: Option<&str>| json!({"finding": finding, "answer": "经核实，已批评教育。", "staff": staff, "to_staff": to_staff});
    // (body, refusal): nothing changes.
    for (body, code) in [
        (answer("not_upheld", "clerk2", Some("x")), "responsible_not_upheld"),
        (answer("upheld", "nobody", Some("x")), "unknown_staff"),
        (answer("upheld", "clerk2", None), "to_staff_required"),
    ] {
        assert_error(&s.post(&path, &director, body).await, 422, code);
    }
    let r = s.post(&path, &director, answer("partly_upheld", "clerk2", Some("服务态度需改进"))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (r.body["about"].as_str(), r.body["staff"].as_str(), r.body["window_id"].as_str()),
        (Some("staff"), Some("clerk2"), Some("w02")),
        "{}",
        r.body
    );
    let history = r.body["history"].to_string();
    assert!(history.contains("经查责任人"), "{history}");
    let mine = get(&s, "/api/findings/mine", Some(&clerk)).await.body;
    assert_eq!(
        (mine[0]["finding"].as_str(), mine[0]["told"].as_str()),
        (Some("partly_upheld"), Some("服务态度需改进")),
        "{mine}"
    );
    let sheet = get(&s, "/api/assessment", Some(&director)).await.body;
    let of = |list: &str, key: &str| {
        sheet[list].as_array().unwrap().iter().find(|x| x["key"] == key).unwrap()["figures"]["complaints_upheld"]
            .clone()
    };
    assert_eq!((of("staff", "clerk2"), of("windows", "w02")), (json!(1), json!(1)), "{sheet}");
}

/// A ticket served and finished at w02: its phone-page token.
async fn served_ticket(s: &TestServer, clerk: &str) -> String {
    let t = s.issue("mz-linshi").await;
    assert_eq!(s.act(clerk, "w02", "call-next").await.status, 200);
    let r = s.post("/api/windows/w02/finish", clerk, json!({"outcome": "immediate"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    t["status_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string()
}

#[tokio::test]
async fn a_citizen_complains_online_from_the_ticket_page_within_limits() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    let director = s.staff("director").await;
    let token = served_ticket(&s, &clerk).await;
    let path = format!("/api/t/{token}/complaint");
    let html = "<img src=x onerror=alert(1)><b>态度差</b>";
    // The page's secret: the answer will be shown to it alone (R21).
    let reader = "3f9a1c0b7d2e4f6a8b9c0d1e2f3a4b5c";
    let first_body = json!({"what": html, "reader_key": reader});
    let r = s.send(Method::POST, &path, None, Some(first_body.clone()), Some("c-1")).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let made = r.body.clone();
    // The number and the due date only.
    let mut keys: Vec<&String> = r.body.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["due", "number"], "{}", r.body);
    assert_eq!((r.body["number"].as_str(), r.body["due"].as_str()), (Some("TS20261125-01"), Some("2026-11-26")));
    // The director sees it, about the ticket's window, its text verbatim (kept as text).
    let lines = get(&s, "/api/complaints", Some(&director)).await.body;
    assert_eq!((lines[0]["channel"].as_str(), lines[0]["about"].as_str()), (Some("online"), Some("window")), "{lines}");
    assert_eq!(lines[0]["window_id"], "w02");
    let c = get(&s, &format!("/api/complaints/{}", lines[0]["id"]), Some(&director)).await.body;
    assert_eq!(c["what"], html);
    assert!(c.get("complainant_name").is_none(), "anonymous online complaint: {c}");
    assert!(c["ticket_number"].as_str().is_some(), "{c}");
    // Bad input: 422, nothing stored, and not counted: the citizen corrects it and sends again
    // (three mistakes used to leave them no complaint at all). An unknown ticket 404; a
    // malformed token 400.
    for _ in 0..3 {
        for body in [json!({"what": ""}), json!({"what": "x", "complainant_contact": "<script>"})] {
            assert_error(&s.send(Method::POST, &path, None, Some(body), None).await, 422, "invalid_complaint");
        }
    }
    // The ticket's limit (3 an hour, the complaints the rules take): the fourth is 429.
    for what in ["again", "and again"] {
        let r = s.send(Method::POST, &path, None, Some(json!({ "what": what })), None).await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let r = s.send(Method::POST, &path, None, Some(json!({"what": "a fourth"})), None).await;
    assert_error(&r, 429, "too_many_complaints");
    // The page's retry of the first complaint (its answer lost) still gets its number.
    let r = s.send(Method::POST, &path, None, Some(first_body), Some("c-1")).await;
    assert_eq!((r.status.as_u16(), &r.body), (201, &made));
    // A secret not well formed is refused, as any bad input.
    let short = json!({"what": "x", "reader_key": "abc"});
    assert_error(&s.send(Method::POST, &path, None, Some(short), None).await, 422, "invalid_complaint");
    // Posts with made-up tokens are not counted against the address the hall's phones share.
    for i in 0..40 {
        let made_up = format!("/api/t/{i:032x}/complaint");
        assert_error(
            &s.send(Method::POST, &made_up, None, Some(json!({"what": "x"})), None).await,
            404,
            "unknown_ticket",
        );
    }
    // A ticket not served yet: not about a window, never about a staff member.
    let waiting = s.issue("mz-linshi").await["status_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let body = json!({"what": "x", "about": "staff"});
    let r = s.send(Method::POST, &format!("/api/t/{waiting}/complaint"), None, Some(body), None).await;
    assert_error(&r, 422, "invalid_complaint");
    assert_eq!(get(&s, "/api/complaints", Some(&director)).await.body.as_array().unwrap().len(), 3);
    let unknown = format!("/api/t/{}/complaint", "0".repeat(32));
    assert_error(&s.send(Method::POST, &unknown, None, Some(json!({"what": "x"})), None).await, 404, "unknown_ticket");
    assert_error(
        &s.send(Method::POST, "/api/t/xyz/complaint", None, Some(json!({"what": "x"})), None).await,
        400,
        "invalid_token",
    );
    // The address's limit (30 an hour): other tickets from the same address run into it.
    let (mut limited, mut accepted) = (false, 0);
    for i in 0..30 {
        let t = s.issue("mz-linshi").await;
        let token = t["status_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
        let body = json!({"what": format!("第{i}次"), "complainant_name": "李", "complainant_contact": "13800001234"});
        let r = s.send(Method::POST, &format!("/api/t/{token}/complaint"), None, Some(body), None).await;
        if r.status == 429 {
            assert_error(&r, 429, "too_many_complaints");
            limited = true;
            break;
        }
        assert_eq!(r.status, 201, "{}", r.body);
        accepted += 1;
    }
    assert!(limited, "an address cannot send complaints without end");
    assert!(accepted >= 20, "only complaints that could be made count: {accepted} taken before the limit");
    // A ticket not served yet complains about the hall, not a window.
    let lines = get(&s, "/api/complaints", Some(&director)).await.body;
    assert_eq!(lines[0]["about"], "hall", "{lines}");
    assert!(lines[0].get("window_id").is_none());
    // The first ticket's page opened again (a reload, days later): where its complaint stands,
    // then the hall's answer (R21), nothing else of its handling.
    let view = s.get(&format!("/api/t/{token}")).await.body;
    let pending = json!({"number": "TS20261125-01", "state": "received", "due": "2026-11-26"});
    assert_eq!((view["complaints"].as_array().map(Vec::len), &view["complaints"][0]), (Some(3), &pending), "{view}");
    let first = lines.as_array().unwrap().iter().find(|l| l["number"] == "TS20261125-01").unwrap()["id"].clone();
    // Past its due date unanswered: late, and still followed (R21).
    s.clock().advance(chrono::Duration::days(2));
    let view = s.get(&format!("/api/t/{token}")).await.body;
    assert_eq!(view["complaints"][0]["late"], true, "{view}");
    let director = s.staff("director").await;
    let answer = json!({"finding": "partly_upheld", "answer": "经核实，窗口告知不够清楚，已整改。",
        "late_explanation": "需调取窗口录像核实"});
    let r = s.post(&format!("/api/complaints/{first}/answer"), &director, answer).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The page that made it reads the answer with its secret; whoever else holds the slip (or a
    // wrong secret) sees that it was answered, not what.
    let read = |key: Option<&'static str>| {
        let mut req = s.http.get(format!("{}/api/t/{token}", s.base));
        if let Some(k) = key {
            req = req.header("X-Complaint-Key", k);
        }
        async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let answered = json!({"number": "TS20261125-01", "state": "answered", "due": "2026-11-26",
        "answered_on": "2026-11-27", "answer": "经核实，窗口告知不够清楚，已整改。", "late": true,
        "late_explanation": "需调取窗口录像核实"});
    let view = read(Some(reader)).await;
    assert_eq!(view["complaints"][0], answered, "{view}");
    let stranger = json!({"number": "TS20261125-01", "state": "answered", "due": "2026-11-26",
        "answered_on": "2026-11-27", "late": true});
    for key in [None, Some("ffffffffffffffffffffffffffffffff"), Some("not a key")] {
        let view = read(key).await;
        assert_eq!(view["complaints"][0], stranger, "{key:?}: {view}");
    }
    assert!(s.get(&format!("/api/t/{waiting}")).await.body.get("complaints").is_none(), "none made there");
}

#[tokio::test]
async fn complaint_changes_reach_only_the_directors_stream() {
    let s = TestServer::start().await;
    let director = s.staff("director").await;
    let c = register(&s, &director, complaint("simple")).await;
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let (kind, data): (String, String) = db
        .query_row("SELECT kind, data FROM events ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!(kind, "feedback_changed");
    let data: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(
        (data["subject"].as_str(), data["id"].clone(), data["action"].as_str()),
        (Some("complaint"), c["id"].clone(), Some("received"))
    );
    assert!(!data.to_string().contains("王五") && !data.to_string().contains("态度"), "no names, no text: {data}");
}

#[tokio::test]
async fn a_letter_registered_days_later_runs_from_the_day_it_came() {
    // A letter came on Friday 25 September 2026, registered on Monday the 28th: a simple
    // complaint is due the next working day after Friday — that Monday — not on Tuesday.
    let s = TestServer::start().await;
    s.clock().set(at("2026-09-28"));
    let director = s.staff("director").await;
    let mut letter = complaint("simple");
    letter["received_at"] = json!("2026-09-25T16:40");
    let c = register(&s, &director, letter).await;
    assert_eq!((c["received_on"].as_str(), c["due"].as_str()), (Some("2026-09-25"), Some("2026-09-28")), "{c}");
    assert!(c["number"].as_str().unwrap().starts_with("TS20260925-"), "{c}");
    assert!(c["history"][0]["text"].as_str().unwrap().contains("2026-09-25 收到"), "{c}");
    // Its event tells the county the day it counts on (the county's figures follow the hall's).
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let data: String = db
        .query_row("SELECT data FROM events WHERE kind = 'feedback_changed' ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let data: Value = serde_json::from_str(&data).unwrap();
    assert_eq!((data["action"].as_str(), data["day"].as_str()), (Some("received"), Some("2026-09-25")), "{data}");
    // Bad times: a clear 422, nothing registered.
    for bad in ["2026-09-29T09:00", "2025-09-01T09:00", "下周一"] {
        let mut body = complaint("simple");
        body["received_at"] = json!(bad);
        assert_error(&s.post("/api/complaints", &director, body).await, 422, "invalid_received_at");
    }
    let all = get(&s, "/api/complaints", Some(&director)).await;
    assert_eq!(all.body.as_array().map(Vec::len), Some(1), "{}", all.body);
}

/// A ticket sent on twice (window 2 → 3 → 5): its phone page names both windows that sent it on,
/// and the citizen may complain about the one in between too; a window that came back (2 → 3 →
/// 2) is named once, as the window serving it.
#[tokio::test]
async fn a_complaint_online_may_be_about_any_window_that_sent_the_ticket_on() {
    let s = TestServer::start().await;
    let ticket = s.issue("mz-linshi").await;
    let token = ticket["status_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    // Windows 3 and 5 open to receive the citizen.
    let (_w03, _w05) = (s.clerk("clerk3", "w03").await, s.clerk("clerk5", "w05").await);
    for (user, at, to) in [("clerk2", "w02", "w03"), ("clerk3", "w03", "w05")] {
        let clerk = s.clerk(user, at).await;
        assert_eq!(s.act(&clerk, at, "call-next").await.status, 200);
        let sent = s.post(&format!("/api/windows/{at}/transfer"), &clerk, json!({"window_id": to})).await;
        assert_eq!(sent.status, 200, "{}", sent.body);
    }
    let view = get(&s, &format!("/api/t/{token}"), None).await.body;
    assert_eq!(view["first_window_number"].as_u64(), Some(2), "{view}");
    let earlier = json!([{"number": 2, "name": "民政窗口（一）"}, {"number": 3, "name": "民政窗口（二）"}]);
    assert_eq!(view["earlier_windows"], earlier, "{view}");
    let path = format!("/api/t/{token}/complaint");
    let r = s.send(
        Method::POST,
        &path,
        None,
        Some(json!({"about": "window", "window_number": 3, "what": "又让我去别处"})),
        None,
    );
    let r = r.await;
    assert_eq!(r.status, 201, "{}", r.body);
    let director = s.staff("director").await;
    let list = get(&s, "/api/complaints", Some(&director)).await.body;
    let line = list.as_array().unwrap().iter().find(|c| c["number"] == r.body["number"]).cloned().unwrap();
    assert_eq!(line["window_id"], "w03", "{line}");

    // 2 → 3 → 2: window 2 serves it again; window 3 is the one it was sent on from.
    let back = s.issue("mz-linshi").await;
    let token = back["status_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    for (user, at, to) in [("clerk2", "w02", "w03"), ("clerk3", "w03", "w02")] {
        let clerk = s.clerk(user, at).await;
        assert_eq!(s.act(&clerk, at, "call-next").await.status, 200);
        let sent = s.post(&format!("/api/windows/{at}/transfer"), &clerk, json!({"window_id": to})).await;
        assert_eq!(sent.status, 200, "{}", sent.body);
    }
    let clerk2 = s.clerk("clerk2", "w02").await;
    assert_eq!(s.act(&clerk2, "w02", "call-next").await.status, 200);
    let view = get(&s, &format!("/api/t/{token}"), None).await.body;
    assert_eq!((view["window_number"].as_u64(), view.get("first_window_number")), (Some(2), None), "{view}");
    assert_eq!(
        view["earlier_windows"].as_array().map(|w| w.iter().map(|w| w["number"].clone()).collect::<Vec<_>>()),
        Some(vec![json!(3)]),
        "{view}"
    );

    let done = s.post("/api/windows/w02/finish", &clerk2, json!({"outcome": "immediate"})).await;
    assert_eq!(done.status, 200, "{}", done.body);

    // Called at window 2 and put back (the clerk signed out), then served at window 3 and sent
    // on to 5: window 2 sent it nowhere, window 3 is the first that sent it on.
    let put_back = s.issue("mz-linshi").await;
    let token = put_back["status_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let clerk2 = s.clerk("clerk2", "w02").await;
    assert_eq!(s.act(&clerk2, "w02", "call-next").await.body["id"], put_back["id"]);
    assert_eq!(s.post("/api/auth/logout", &clerk2, json!({})).await.status, 204);
    let clerk3 = s.clerk("clerk3", "w03").await;
    assert_eq!(s.act(&clerk3, "w03", "call-next").await.body["id"], put_back["id"]);
    let sent = s.post("/api/windows/w03/transfer", &clerk3, json!({"window_id": "w05"})).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let view = get(&s, &format!("/api/t/{token}"), None).await.body;
    let earlier: Vec<u64> =
        view["earlier_windows"].as_array().unwrap().iter().filter_map(|w| w["number"].as_u64()).collect();
    assert_eq!((view["first_window_number"].as_u64(), earlier), (Some(3), vec![3]), "{view}");
    let path = format!("/api/t/{token}/complaint");
    let named =
        s.send(Method::POST, &path, None, Some(json!({"about": "window", "window_number": 2, "what": "x"})), None);
    assert_error(&named.await, 422, "invalid_complaint");
}

/// A ticket sent on (转办) from window 2 to window 3: its phone page names the window that first
/// served it, and the citizen's complaint may be about either window (default the last), never
/// about one that did not serve it.
#[tokio::test]
async fn a_complaint_online_may_be_about_the_window_that_sent_the_ticket_on() {
    let s = TestServer::start().await;
    let ticket = s.issue("mz-linshi").await;
    let token = ticket["status_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let clerk2 = s.clerk("clerk2", "w02").await;
    let clerk3 = s.clerk("clerk3", "w03").await;
    assert_eq!(s.act(&clerk2, "w02", "call-next").await.status, 200);
    let sent = s.post("/api/windows/w02/transfer", &clerk2, json!({"window_id": "w03"})).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let view = get(&s, &format!("/api/t/{token}"), None).await.body;
    assert_eq!((view.get("window_number"), view["first_window_number"].as_u64()), (None, Some(2)), "waiting: {view}");
    assert_eq!(s.act(&clerk3, "w03", "call-next").await.status, 200);
    let done = s.post("/api/windows/w03/finish", &clerk3, json!({"outcome": "immediate"})).await;
    assert_eq!(done.status, 200, "{}", done.body);
    let view = get(&s, &format!("/api/t/{token}"), None).await.body;
    assert_eq!((view["window_number"].as_u64(), view["first_window_number"].as_u64()), (Some(3), Some(2)), "{view}");
    assert_eq!(view["first_window_name"], "民政窗口（一）");
    let path = format!("/api/t/{token}/complaint");
    let send = |body: Value| s.send(Method::POST, &path, None, Some(body), None);
    let refused = send(json!({"about": "window", "window_number": 5, "what": "态度不好"})).await;
    assert_error(&refused, 422, "invalid_complaint");
    // (Three a ticket an hour, the refusal counted.)
    for (number, want) in [(Some(2), "w02"), (None, "w03")] {
        let mut body = json!({"about": "window", "what": "态度不好"});
        if let Some(n) = number {
            body["window_number"] = json!(n);
        }
        let r = send(body).await;
        assert_eq!(r.status, 201, "{}", r.body);
        let director = s.staff("director").await;
        let list = get(&s, "/api/complaints", Some(&director)).await.body;
        let line = list.as_array().unwrap().iter().find(|c| c["number"] == r.body["number"]).cloned().unwrap();
        assert_eq!(line["window_id"], want, "window {number:?}: {line}");
    }
    // A ticket only called at window 2 and back in the queue (the clerk signed out) was sent on
    // by nobody: no first window to offer, nor to name.
    let again = s.issue("mz-linshi").await;
    let token = again["status_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let clerk2 = s.clerk("clerk2", "w02").await;
    assert_eq!(s.act(&clerk2, "w02", "call-next").await.status, 200);
    assert_eq!(s.post("/api/auth/logout", &clerk2, json!({})).await.status, 204);
    let view = get(&s, &format!("/api/t/{token}"), None).await.body;
    assert_eq!((view["status"].as_str(), view.get("first_window_number")), (Some("waiting"), None), "{view}");
    // Then served at window 3: window 2 only called it (it did not send it on).
    let clerk3 = s.clerk("clerk3", "w03").await;
    assert_eq!(s.act(&clerk3, "w03", "call-next").await.status, 200);
    let view = get(&s, &format!("/api/t/{token}"), None).await.body;
    assert_eq!((view["window_number"].as_u64(), view.get("first_window_number")), (Some(3), None), "{view}");
    let path = format!("/api/t/{token}/complaint");
    let named =
        s.send(Method::POST, &path, None, Some(json!({"about": "window", "window_number": 2, "what": "x"})), None);
    assert_error(&named.await, 422, "invalid_complaint");
}
