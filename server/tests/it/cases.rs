//! Cases (办件) and the working-day calendar through the HTTP contract: registration by a
//! finish, every kind's steps and refusals, the applicant's query, privacy, the day-close step.

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{assert_error, Sse, TestServer};

/// Calls the next ticket of `mz-*` matters at w02 and finishes it with `body`; the finish answer.
async fn finish(s: &TestServer, clerk: &str, window: &str, service: &str, body: Value) -> Value {
    s.issue(service).await;
    let called = s.act(clerk, window, "call-next").await;
    assert_eq!(called.status, 200, "{}", called.body);
    let r = s.post(&format!("/api/windows/{window}/finish"), clerk, body).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

async fn get(s: &TestServer, path: &str, token: &str) -> crate::support::Reply {
    s.send(Method::GET, path, Some(token), None, None).await
}

#[tokio::test]
async fn each_kind_registers_its_case_with_its_deadline() {
    let s = TestServer::start().await;
    let c = s.clerk("clerk2", "w02").await;
    // Wednesday 25 November 2026 (09:07 after the first); mz-linshi promises 10 working days: 9 December.
    let check = |t: &Value, kind: &str, state: &str, deadline: Option<&str>| {
        let case = &t["case"];
        assert_eq!(case["kind"], kind, "{t}");
        assert_eq!(case["state"], state, "{t}");
        assert_eq!(case["deadline"].as_str(), deadline, "{t}");
        assert!(case["number"].as_str().unwrap().starts_with("20261125-"), "{t}");
        let code = case["check_code"].as_str().unwrap();
        assert!(code.len() == 6 && code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()), "{code}");
    };
    s.issue("mz-linshi").await;
    s.act(&c, "w02", "call-next").await;
    s.act(&c, "w02", "start").await;
    s.clock().advance(chrono::Duration::minutes(7));
    let t = s.post("/api/windows/w02/finish", &c, json!({"outcome": "immediate"})).await.body;
    check(&t, "immediate", "closed", None);
    assert_eq!(t["case"]["number"], "20261125-0001");
    let case = s.send(Method::GET, "/api/cases/20261125-0001", Some(&c), None, None).await.body;
    assert_eq!(case["service_minutes"], 7, "即办件: the service minutes are recorded (R7)");
    let t = finish(
        &s,
        &c,
        "w02",
        "mz-linshi",
        json!({"outcome": "promised", "applicant_name": "张三", "applicant_phone": "13800001234"}),
    )
    .await;
    check(&t, "promised", "open", Some("2026-12-09"));
    assert_eq!(t["case"]["number"], "20261125-0002");
    let t = finish(
        &s,
        &c,
        "w02",
        "mz-linshi",
        json!({"outcome": "supplement", "missing_materials": ["户口簿复印件", " "]}),
    )
    .await;
    check(&t, "supplement", "awaiting_materials", None);
    let t = finish(
        &s,
        &c,
        "w02",
        "mz-linshi",
        json!({"outcome": "returned", "return_ground": "conditions_unmet", "reason": "经核查不具备条件"}),
    )
    .await;
    check(&t, "returned", "closed", None);
    let t = finish(&s, &c, "w02", "mz-linshi", json!({"outcome": "joint", "departments": ["残联"]})).await;
    check(&t, "joint", "open", Some("2026-12-09"));
    let t = finish(&s, &c, "w02", "mz-linshi", json!({"outcome": "reported", "authority": "县民政局"})).await;
    check(&t, "reported", "open", Some("2026-12-09"));
    // mz-dibao promises 30 working days: into 2027, whose calendar is not loaded. Not guessed.
    let t = finish(&s, &c, "w02", "mz-dibao", json!({"outcome": "promised"})).await;
    check(&t, "promised", "open", None);
}

/// What the clerk types may say something of the citizen: kept with the ticket, never in the
/// audit every auditor reads (only that there was a note or a reason).
#[tokio::test]
async fn the_clerks_free_text_stays_out_of_the_audit() {
    let s = TestServer::start().await;
    let c = s.clerk("clerk2", "w02").await;
    let body = json!({"outcome": "returned", "return_ground": "conditions_unmet", "reason": "申请人住院，无法到场核实",
        "note": "家属代办，持委托书"});
    let number = finish(&s, &c, "w02", "mz-linshi", body).await["case"]["number"].as_str().unwrap().to_string();
    // On the case's record for its staff (R5), never in the phone page's view.
    let case = get(&s, &format!("/api/cases/{number}"), &c).await.body;
    assert_eq!(case["note"], "家属代办，持委托书", "{case}");
    let token = case["status_url"].as_str().unwrap().trim_start_matches("/c/").to_string();
    assert!(!s.get(&format!("/api/c/{token}")).await.body.to_string().contains("委托书"));
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    let audited: String =
        conn.query_row("SELECT detail FROM audit WHERE action = 'window.finish'", [], |r| r.get(0)).unwrap();
    assert!(!audited.contains("住院") && !audited.contains("委托书"), "{audited}");
    let audited: Value = serde_json::from_str(&audited).unwrap();
    assert_eq!((&audited["detail"]["note"], &audited["detail"]["reason"]), (&json!(true), &json!(true)), "{audited}");
    let kept: String = conn.query_row("SELECT outcome_detail FROM tickets", [], |r| r.get(0)).unwrap();
    assert!(kept.contains("住院") && kept.contains("委托书"), "{kept}");
}

#[tokio::test]
async fn a_finish_missing_its_kinds_particulars_changes_nothing() {
    let s = TestServer::start().await;
    let c = s.clerk("clerk2", "w02").await;
    s.issue("mz-linshi").await;
    s.act(&c, "w02", "call-next").await;
    for (body, code) in [
        (json!({"outcome": "returned", "reason": "x"}), "return_ground_required"),
        (json!({"outcome": "returned", "return_ground": "against_policy"}), "reason_required"),
        (json!({"outcome": "supplement"}), "missing_materials_required"),
        (json!({"outcome": "joint", "departments": [""]}), "departments_required"),
        (json!({"outcome": "reported"}), "authority_required"),
        (json!({"outcome": "promised", "departments": ["残联"]}), "departments_not_joint"),
        // Notices that would say everything was received, and that something was not.
        (json!({"outcome": "immediate", "missing_materials": ["身份证复印件"]}), "missing_not_supplement"),
        (json!({"outcome": "promised", "return_ground": "against_policy"}), "ground_not_returned"),
        (json!({"outcome": "reported", "authority": "县".repeat(101)}), "text_too_long"),
        (json!({"outcome": "immediate", "applicant_phone": "call me"}), "invalid_applicant"),
        (json!({"outcome": "immediate", "applicant_name": "名".repeat(51)}), "invalid_applicant"),
    ] {
        assert_error(&s.post("/api/windows/w02/finish", &c, body).await, 422, code);
    }
    let director = s.staff("director").await;
    assert_eq!(get(&s, "/api/cases?state=all", &director).await.body, json!([]));
    assert_eq!(s.act(&c, "w02", "start").await.status, 200, "the ticket is still at the window");
}

#[tokio::test]
async fn a_supplement_waits_for_its_materials_then_runs_and_is_extended_once() {
    let s = TestServer::start().await;
    let c = s.clerk("clerk2", "w02").await;
    let director = s.staff("director").await;
    let t = finish(&s, &c, "w02", "mz-linshi", json!({"outcome": "supplement", "missing_materials": ["户口簿复印件"]}))
        .await;
    let number = t["case"]["number"].as_str().unwrap().to_string();
    let path = |action: &str| format!("/api/cases/{number}/{action}");
    let case = get(&s, &format!("/api/cases/{number}"), &c).await.body;
    assert_eq!(case["missing_materials"], json!(["户口簿复印件"]));
    assert!(case["supplement_until"].is_null(), "30 working days from 25 November run into 2027, not loaded");
    assert_eq!(case["due"], "none");
    // Not yet running: no extension, no closing.
    assert_error(
        &s.post(&path("extend"), &director, json!({"days": 3, "reason": "需实地核查"})).await,
        409,
        "invalid_case_action",
    );
    assert_error(&s.post(&path("close"), &c, json!({"result": "approved"})).await, 409, "invalid_case_action");
    // Complete on Monday 30 November: 10 working days, 14 December (a new day, a new sign-in).
    s.clock().advance(chrono::Duration::days(5));
    let (c, director) = (s.clerk("clerk2", "w02").await, s.staff("director").await);
    let done = s.post(&path("materials-complete"), &c, json!({})).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!((done.body["state"].as_str(), done.body["clock_from"].as_str()), (Some("open"), Some("2026-11-30")));
    assert_eq!(done.body["deadline"], "2026-12-14");
    assert_error(&s.post(&path("materials-complete"), &c, json!({})).await, 409, "invalid_case_action");
    // Only the director extends; once; within the cap (10).
    assert_error(&s.post(&path("extend"), &c, json!({"days": 3, "reason": "x"})).await, 403, "director_only");
    let too_long = s.post(&path("extend"), &director, json!({"days": 11, "reason": "需实地核查"})).await;
    assert_error(&too_long, 422, "extension_too_long");
    assert_eq!(too_long.body["max_days"], 10, "the cap is said, for the page to name it");
    assert_error(&s.post(&path("extend"), &director, json!({"days": 2, "reason": " "})).await, 422, "reason_required");
    let extended = s.post(&path("extend"), &director, json!({"days": 2, "reason": "需实地核查"})).await;
    assert_eq!(extended.body["deadline"], "2026-12-16", "{}", extended.body);
    assert_eq!(extended.body["extension"]["by"], "director");
    assert_error(
        &s.post(&path("extend"), &director, json!({"days": 1, "reason": "再次"})).await,
        409,
        "extension_used",
    );
    // Closed with its result; nothing moves a closed case.
    assert_error(&s.post(&path("close"), &c, json!({"result": "not_approved"})).await, 422, "reason_required");
    let closed = s.post(&path("close"), &c, json!({"result": "approved"})).await;
    assert_eq!((closed.body["state"].as_str(), closed.body["result"].as_str()), (Some("closed"), Some("approved")));
    assert_error(&s.post(&path("close"), &c, json!({"result": "approved"})).await, 409, "case_closed");
    let actions: Vec<String> =
        closed.body["history"].as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap().to_string()).collect();
    assert_eq!(actions, ["registered", "materials_complete", "extended", "closed"]);
}

#[tokio::test]
async fn a_joint_case_closes_when_every_department_did_its_part() {
    let s = TestServer::start().await;
    let c = s.clerk("clerk2", "w02").await;
    let director = s.staff("director").await;
    let t = finish(&s, &c, "w02", "mz-linshi", json!({"outcome": "joint", "departments": ["残联", "人社"]})).await;
    let number = t["case"]["number"].as_str().unwrap().to_string();
    let path = |action: &str| format!("/api/cases/{number}/{action}");
    assert_error(&s.post(&path("close"), &c, json!({"result": "done"})).await, 422, "parts_not_done");
    let case = get(&s, &format!("/api/cases/{number}"), &c).await.body;
    assert!(case.get("awaiting_meeting").is_none(), "its parts are not done: {case}");
    // The 残联 window's clerk records its part; the 卫健 window's clerk has nothing to do with it.
    let canlian = s.clerk("clerk4", "w04").await;
    let weijian = s.clerk("clerk8", "w08").await;
    assert_error(
        &s.post(&path("parts"), &weijian, json!({"department": "残联", "done": true})).await,
        403,
        "not_your_case",
    );
    assert_error(&get(&s, &format!("/api/cases/{number}"), &weijian).await, 403, "not_your_case");
    let part =
        s.post(&path("parts"), &canlian, json!({"department": "残联", "done": true, "note": "已核定残疾等级"})).await;
    assert_eq!(part.status, 200, "{}", part.body);
    // A department taking part records its own part, and runs nothing else of the case.
    assert_error(
        &s.post(&path("parts"), &canlian, json!({"department": "人社", "done": true})).await,
        403,
        "not_your_case",
    );
    assert_error(&s.post(&path("close"), &canlian, json!({"result": "done"})).await, 403, "not_your_case");
    assert_eq!(get(&s, &format!("/api/cases/{number}"), &canlian).await.status, 200, "it reads the case");
    // …and finds it in its window's list (R13: a department taking part sees the case); the
    // 卫健 window does not.
    for (token, window, want) in [(&canlian, "w04", true), (&weijian, "w08", false)] {
        let lines = get(&s, &format!("/api/cases?window={window}"), token).await.body;
        let listed = lines.as_array().unwrap().iter().any(|l| l["number"] == number.as_str());
        assert_eq!(listed, want, "{window} lists the joint case: {lines}");
    }
    assert_error(
        &s.post(&path("parts"), &c, json!({"department": "税务", "done": true})).await,
        409,
        "invalid_case_action",
    );
    s.post(&path("parts"), &c, json!({"department": "人社", "done": true})).await;
    // Every part done, but no joint review yet (R13): not closed.
    assert_error(&s.post(&path("close"), &c, json!({"result": "done"})).await, 422, "meeting_required");
    // The case and the director's list say it waits for the director's meeting.
    let awaiting = |body: &serde_json::Value| body.get("awaiting_meeting").cloned();
    assert_eq!(awaiting(&get(&s, &format!("/api/cases/{number}"), &c).await.body), Some(json!(true)));
    let lines = get(&s, "/api/cases", &director).await.body;
    let line = lines.as_array().unwrap().iter().find(|l| l["number"] == number.as_str()).unwrap().clone();
    assert_eq!(awaiting(&line), Some(json!(true)), "{line}");
    assert_error(
        &s.post(&path("meeting"), &c, json!({"date": "2026-11-27", "attendees": ["民政"], "conclusion": "同意"})).await,
        403,
        "director_only",
    );
    assert_error(
        &s.post(&path("meeting"), &director, json!({"date": "27/11", "attendees": [], "conclusion": "同意"})).await,
        422,
        "invalid_date",
    );
    // Recorded once, so never empty: who attended and what they concluded (R13).
    for (attendees, conclusion) in [(json!([]), "同意"), (json!(["  "]), "同意"), (json!(["民政"]), " ")] {
        let empty = json!({"date": "2026-11-25", "attendees": attendees, "conclusion": conclusion});
        assert_error(&s.post(&path("meeting"), &director, empty).await, 422, "meeting_incomplete");
    }
    // Recorded once held (R13): not before the case was accepted today, not on a day to come.
    for date in ["2026-11-24", "2026-11-26"] {
        let early = json!({"date": date, "attendees": ["民政"], "conclusion": "同意"});
        assert_error(&s.post(&path("meeting"), &director, early).await, 422, "meeting_date_out_of_range");
    }
    let met = s
        .post(
            &path("meeting"),
            &director,
            json!({"date": "2026-11-25", "attendees": ["民政", "残联", "人社"], "conclusion": "同意办理"}),
        )
        .await;
    assert_eq!(met.body["meeting"]["conclusion"], "同意办理", "{}", met.body);
    assert_eq!(awaiting(&met.body), None, "the meeting is held: {}", met.body);
    // Recorded once: a second recording would replace who met and what they concluded.
    let again = json!({"date": "2026-11-25", "attendees": ["民政"], "conclusion": "不同意"});
    assert_error(&s.post(&path("meeting"), &director, again).await, 409, "invalid_case_action");
    let kept = s.send(reqwest::Method::GET, &format!("/api/cases/{number}"), Some(&director), None, None).await;
    assert_eq!(kept.body["meeting"]["conclusion"], "同意办理");
    let closed = s.post(&path("close"), &c, json!({"result": "done"})).await;
    assert_eq!(closed.body["state"], "closed", "{}", closed.body);
    assert_eq!(
        closed.body["parts"],
        json!([{"department": "残联", "done": true, "note": "已核定残疾等级"}, {"department": "人社", "done": true}])
    );
}

#[tokio::test]
async fn a_case_not_approved_tells_why_to_staff_and_applicant() {
    let s = TestServer::start().await;
    let c = s.clerk("clerk2", "w02").await;
    let t = finish(&s, &c, "w02", "mz-linshi", json!({"outcome": "promised"})).await;
    let number = t["case"]["number"].as_str().unwrap().to_string();
    let why = "家庭人均收入高于当地临时救助标准";
    let closed =
        s.post(&format!("/api/cases/{number}/close"), &c, json!({"result": "not_approved", "reason": why})).await;
    assert_eq!((closed.body["result"].as_str(), closed.body["reason"].as_str()), (Some("not_approved"), Some(why)));
    let case = get(&s, &format!("/api/cases/{number}"), &c).await.body;
    assert_eq!(case["reason"], why, "the staff view (and the printed 办结通知单) says why: {case}");
    let code = t["case"]["check_code"].as_str().unwrap();
    let progress = s.get(&format!("/api/cases/{number}?code={code}")).await.body;
    assert!(progress.to_string().contains(why), "the applicant reads it too: {progress}");
}

#[tokio::test]
async fn a_reported_case_follows_the_upper_level_to_its_reply() {
    let s = TestServer::start().await;
    let c = s.clerk("clerk2", "w02").await;
    let t = finish(&s, &c, "w02", "mz-linshi", json!({"outcome": "reported", "authority": "县民政局"})).await;
    let number = t["case"]["number"].as_str().unwrap().to_string();
    let path = |action: &str| format!("/api/cases/{number}/{action}");
    s.post(&path("progress"), &c, json!({"note": "已报送县民政局"})).await;
    // The 9 December deadline was the town's (10 working days); the county department, outside
    // the relay, promises 16 December: that is the applicant's date from now on (R14), and the
    // town no longer extends it. A date before the acceptance is refused, changing nothing.
    let early = json!({"note": "县民政局已受理", "deadline": "2026-11-24"});
    assert_error(&s.post(&path("progress"), &c, early).await, 422, "invalid_date");
    let dated = s.post(&path("progress"), &c, json!({"note": "县民政局已受理", "deadline": "2026-12-16"})).await;
    assert_eq!((dated.status.as_u16(), dated.body["deadline"].as_str()), (200, Some("2026-12-16")), "{}", dated.body);
    let line = dated.body["history"].as_array().unwrap().last().unwrap()["text"].as_str().unwrap().to_string();
    assert!(line.ends_with("上级机关承诺办结日期 2026-12-16"), "{line}");
    // Not with the reply (the case is decided then).
    let both = json!({"note": "批复", "reply": true, "deadline": "2026-12-20"});
    assert_error(&s.post(&path("progress"), &c, both).await, 400, "invalid_body");
    let director = s.staff("director").await;
    let extend = json!({"days": 2, "reason": "等待批复"});
    assert_error(&s.post(&path("extend"), &director, extend).await, 409, "invalid_case_action");
    // The date is not moved again at the window (R12: never extended arbitrarily); a new date
    // from the upper level is the director's to record. A Sunday is met on the Monday (顺延).
    let later = json!({"note": "县民政局延期", "deadline": "2026-12-27"});
    assert_error(&s.post(&path("progress"), &c, later.clone()).await, 403, "director_only");
    let moved = s.post(&path("progress"), &director, later).await;
    assert_eq!((moved.status.as_u16(), moved.body["deadline"].as_str()), (200, Some("2026-12-28")), "{}", moved.body);
    let line = moved.body["history"].as_array().unwrap().last().unwrap()["text"].as_str().unwrap().to_string();
    assert!(line.ends_with("上级机关承诺办结日期 2026-12-27（休息日，顺延至 2026-12-28）"), "{line}");
    let reply = s.post(&path("progress"), &c, json!({"note": "县民政局批复同意", "reply": true})).await;
    assert_eq!(
        (reply.body["authority"].as_str(), reply.body["reply"].as_str()),
        (Some("县民政局"), Some("县民政局批复同意"))
    );
    assert_error(
        &s.post(&path("parts"), &c, json!({"department": "残联", "done": true})).await,
        409,
        "invalid_case_action",
    );
    assert_eq!(s.post(&path("close"), &c, json!({"result": "approved"})).await.body["result"], "approved");
}

/// An upper level's date in a year whose calendar is not loaded yet is kept as given, and moved
/// off a day off (顺延, R6) once the year is added.
#[tokio::test]
async fn an_upper_levels_date_in_a_year_not_loaded_is_deferred_once_it_is() {
    let s = TestServer::start().await;
    let c = s.clerk("clerk2", "w02").await;
    let t = finish(&s, &c, "w02", "mz-linshi", json!({"outcome": "reported", "authority": "县民政局"})).await;
    let number = t["case"]["number"].as_str().unwrap().to_string();
    let dated = s
        .post(&format!("/api/cases/{number}/progress"), &c, json!({"note": "县民政局已受理", "deadline": "2027-01-01"}))
        .await;
    assert_eq!((dated.status.as_u16(), dated.body["deadline"].as_str()), (200, Some("2027-01-01")), "{}", dated.body);
    let admin = s.staff("admin").await;
    let added = s.post("/api/admin/calendar", &admin, json!({"toml": TEST_2027})).await;
    assert_eq!(added.status, 201, "{}", added.body);
    assert_eq!(added.body["deadlines_deferred"], 1, "{}", added.body);
    let case = get(&s, &format!("/api/cases/{number}"), &c).await.body;
    assert_eq!(case["deadline"], "2027-01-04", "元旦 1–3 January off: {case}");
    let last = case["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "deadline_set", "{last}");
    assert!(last["text"].as_str().unwrap().contains("顺延至 2027-01-04"), "{last}");
}

#[tokio::test]
async fn the_applicant_queries_progress_without_seeing_anyones_personal_information() {
    let s = TestServer::start().await;
    let c = s.clerk("clerk2", "w02").await;
    let t = finish(
        &s,
        &c,
        "w02",
        "mz-linshi",
        json!({"outcome": "supplement", "missing_materials": ["医疗费用票据"], "applicant_name": "李四", "applicant_phone": "13900005678"}),
    )
    .await;
    let (number, code) = (t["case"]["number"].as_str().unwrap(), t["case"]["check_code"].as_str().unwrap());
    let p = s.get(&format!("/api/cases/{number}?code={}", code.to_lowercase())).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(p.body["state"], "awaiting_materials");
    assert_eq!(p.body["missing_materials"], json!(["医疗费用票据"]));
    assert_eq!((p.body["window_number"].as_u64(), p.body["service_name"].as_str()), (Some(2), Some("临时救助申请")));
    // Each step says what it was, so a page in another language can name it.
    assert_eq!(p.body["history"][0]["action"], "registered", "{}", p.body);
    let text = p.body.to_string();
    for private in ["李四", "13900005678", "clerk2"] {
        assert!(!text.contains(private), "{private} in the public progress: {text}");
    }
    // A wrong code and an unknown number answer the same.
    let wrong = s.get(&format!("/api/cases/{number}?code=AAAAAA")).await;
    let unknown = s.get(&format!("/api/cases/20990101-0001?code={code}")).await;
    assert_error(&wrong, 404, "unknown_case");
    assert_eq!(wrong.body, unknown.body);
    assert_error(&s.get(&format!("/api/cases/{number}")).await, 401, "unauthorized");
    // Guessing is slowed down per address.
    let mut limited = false;
    for _ in 0..40 {
        let r = s.get(&format!("/api/cases/{number}?code=BBBBBB")).await;
        if r.status == 429 {
            assert_error(&r, 429, "too_many_attempts");
            limited = true;
            break;
        }
    }
    assert!(limited, "forty guesses a minute are not all answered");
    // A kiosk's queries are counted for that kiosk, not for the address it shares.
    let kiosk = s.send(Method::GET, &format!("/api/cases/{number}?code={code}"), Some("demo-kiosk"), None, None).await;
    assert_eq!(kiosk.status, 200, "{}", kiosk.body);
    // The phone page's data by its token, and staff reads are audited.
    let director = s.staff("director").await;
    let case = get(&s, &format!("/api/cases/{number}"), &director).await.body;
    assert_eq!((case["applicant_name"].as_str(), case["clerk"].as_str()), (Some("李四"), Some("clerk2")));
    let token = case["status_url"].as_str().unwrap().trim_start_matches("/c/").to_string();
    let by_token = s.get(&format!("/api/c/{token}")).await;
    assert_eq!(by_token.body["number"], number);
    assert!(!by_token.body.to_string().contains("李四"));
    let qr = s.http.get(format!("{}/c/{token}/qr.svg", s.base)).send().await.unwrap();
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(qr.text().await.unwrap().contains("<svg"));
    // A Host no printed code could lead back to is refused, not a failed code (500): the case's
    // and a booking's alike.
    for path in [format!("/c/{token}/qr.svg"), "/book/12345678/qr.svg".to_string()] {
        for host in ["a".repeat(3000), "evil host".to_string()] {
            let r = s.http.get(format!("{}{path}", s.base)).header("host", &host).send().await.unwrap();
            assert_eq!(r.status(), 400, "{path} {}", &host[..9]);
            let body: serde_json::Value = r.json().await.unwrap();
            assert_eq!(body["error"], "invalid_host");
        }
    }
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let reads: Vec<String> = db
        .prepare("SELECT actor FROM audit WHERE action = 'case.read' AND subject = ?1")
        .unwrap()
        .query_map([format!("case:{number}")], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        reads,
        ["director"],
        "every staff read of the case is audited, the applicant's query is not a staff read"
    );
}

#[tokio::test]
async fn case_events_reach_staff_streams_and_the_cases_phone_never_the_public_stream() {
    let s = TestServer::start().await;
    let c = s.clerk("clerk2", "w02").await;
    let mut public = Sse::connect(&s.base, None).await;
    let director = s.staff("director").await;
    let staff = s.http.get(format!("{}/api/events", s.base)).bearer_auth(&director).send().await.unwrap();
    let t = finish(
        &s,
        &c,
        "w02",
        "mz-linshi",
        json!({"outcome": "supplement", "missing_materials": ["票据"], "applicant_name": "王五"}),
    )
    .await;
    let number = t["case"]["number"].as_str().unwrap().to_string();
    // The public stream sees the finish and the queue move, never the case.
    let (_, seen) = public.until("queue_changed").await;
    s.issue("mz-linshi").await;
    let (_, more) = public.until("ticket_issued").await;
    assert!(seen.iter().chain(&more).all(|e| e.kind != "case_changed"), "{seen:?}");
    // The staff stream carries it.
    let mut staff = staff;
    let mut text = String::new();
    while !text.contains("event: case_changed") {
        let chunk =
            tokio::time::timeout(std::time::Duration::from_secs(10), staff.chunk()).await.unwrap().unwrap().unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(text.contains(&number));
    assert!(!text.contains("王五"), "the event carries no personal information");
    // The case's phone follows it live.
    let case = get(&s, &format!("/api/cases/{number}"), &c).await.body;
    let token = case["status_url"].as_str().unwrap().trim_start_matches("/c/").to_string();
    let mut phone = s.http.get(format!("{}/api/c/{token}/events", s.base)).send().await.unwrap();
    let first = String::from_utf8_lossy(&phone.chunk().await.unwrap().unwrap()).to_string();
    assert!(first.starts_with("event: case\n") && first.contains("awaiting_materials"), "{first}");
    s.post(&format!("/api/cases/{number}/materials-complete"), &c, json!({})).await;
    let mut next = String::new();
    while !next.contains("\"state\":\"open\"") {
        let chunk =
            tokio::time::timeout(std::time::Duration::from_secs(10), phone.chunk()).await.unwrap().unwrap().unwrap();
        next.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test]
async fn on_the_years_last_day_without_next_years_calendar_the_lists_and_history_still_answer() {
    let s = TestServer::start().await;
    let shanghai = |d: u32| chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, d, 1, 0, 0).unwrap(); // 09:00
    s.clock().set(shanghai(28));
    let c = s.clerk("clerk2", "w02").await;
    let t = finish(&s, &c, "w02", "mz-linshi", json!({"outcome": "supplement", "missing_materials": ["户口簿复印件"]}))
        .await;
    let number = t["case"]["number"].as_str().unwrap().to_string();
    // Thursday 31 December, 2027 not loaded: the materials come in; the deadline waits for 2027.
    s.clock().set(shanghai(31));
    let c = s.clerk("clerk2", "w02").await;
    let done = s.post(&format!("/api/cases/{number}/materials-complete"), &c, json!({})).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body["deadline"].is_null(), "{}", done.body);
    let said = done.body["history"].as_array().unwrap().last().unwrap()["text"].as_str().unwrap().to_string();
    assert!(said.ends_with("办理时限待2027年节假日安排公布后确定"), "never a blank date: {said}");
    // The clerk's 'due soon' list answers (it was 422 calendar_year_missing all day).
    let soon = get(&s, "/api/cases?due=soon", &c).await;
    assert_eq!((soon.status.as_u16(), soon.body.clone()), (200, json!([])), "{}", soon.body);
}

#[tokio::test]
async fn lists_show_what_is_due_soon_and_overdue() {
    let s = TestServer::start().await;
    let c = s.clerk("clerk2", "w02").await;
    // mz-binzang promises 5 working days: 2 December; mz-linshi 10: 9 December.
    let soon = finish(&s, &c, "w02", "mz-binzang", json!({"outcome": "promised"})).await;
    finish(&s, &c, "w02", "mz-linshi", json!({"outcome": "promised"})).await;
    finish(&s, &c, "w02", "mz-linshi", json!({"outcome": "immediate"})).await;
    let numbers = |r: &Value| -> Vec<String> {
        r.as_array().unwrap().iter().map(|l| l["number"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(numbers(&get(&s, "/api/cases", &c).await.body).len(), 2, "open cases only by default");
    assert_eq!(numbers(&get(&s, "/api/cases?state=all", &c).await.body).len(), 3);
    assert_eq!(numbers(&get(&s, "/api/cases?window=w03", &c).await.body).len(), 0);
    // Tuesday 1 December: due tomorrow, amber.
    s.clock().advance(chrono::Duration::days(6));
    let c = s.clerk("clerk2", "w02").await;
    let due = get(&s, "/api/cases?due=soon", &c).await.body;
    assert_eq!(numbers(&due), [soon["case"]["number"].as_str().unwrap()]);
    assert_eq!((due[0]["due"].as_str(), due[0]["working_days_left"].as_i64()), (Some("soon"), Some(1)));
    // Friday 4 December: two working days over, red, on the director's panel and /metrics.
    s.clock().advance(chrono::Duration::days(3));
    let director = s.staff("director").await;
    let over = get(&s, "/api/cases?due=overdue", &director).await.body;
    assert_eq!((over[0]["due"].as_str(), over[0]["working_days_left"].as_i64()), (Some("overdue"), Some(-2)));
    let today = get(&s, "/api/director/today", &director).await.body;
    assert_eq!((today["cases"]["open"].as_u64(), today["cases"]["overdue"].as_u64()), (Some(2), Some(1)));
    assert_eq!(today["cases"]["overdue_list"][0]["number"], soon["case"]["number"]);
    assert_eq!(today["calendar_missing_year"], 2027, "from 1 December the director is told next year is missing");
    let metrics = s.http.get(format!("{}/metrics", s.base)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("hall_cases_open 2") && metrics.contains("hall_cases_overdue 1"), "{metrics}");
    assert_error(&get(&s, "/api/cases?due=later", &director).await, 400, "invalid_body");
    // Overdue, it stays overdue: no extension past the deadline (R12), nothing changed.
    let late = soon["case"]["number"].as_str().unwrap();
    assert_error(
        &s.post(&format!("/api/cases/{late}/extend"), &director, json!({"days": 5, "reason": "补充核查"})).await,
        409,
        "deadline_passed",
    );
    assert_eq!(get(&s, "/api/cases?due=overdue", &director).await.body[0]["number"], late);
}

pub(crate) const TEST_2027: &str = r#"
year = 2027
source = "测试用日历（非官方安排，仅供测试）"
[[holidays]]
name = "元旦"
from = "2027-01-01"
to = "2027-01-03"
[[holidays]]
name = "春节"
from = "2027-02-06"
to = "2027-02-14"
[[holidays]]
name = "清明节"
from = "2027-04-05"
to = "2027-04-05"
[[holidays]]
name = "劳动节"
from = "2027-05-01"
to = "2027-05-05"
[[holidays]]
name = "端午节"
from = "2027-06-09"
to = "2027-06-09"
[[holidays]]
name = "中秋节"
from = "2027-09-15"
to = "2027-09-15"
[[holidays]]
name = "国庆节"
from = "2027-10-01"
to = "2027-10-07"
"#;

#[tokio::test]
async fn the_admin_adds_next_year_and_waiting_deadlines_are_set() {
    let s = TestServer::start().await;
    let c = s.clerk("clerk2", "w02").await;
    let admin = s.staff("admin").await;
    let years = s.get("/api/calendar/years").await.body;
    assert_eq!(
        years.as_array().unwrap().iter().map(|y| y["year"].as_i64().unwrap()).collect::<Vec<_>>(),
        [2024, 2025, 2026]
    );
    assert_eq!(years[2]["working_days"], 248);
    assert_eq!(s.get("/api/calendar/working-days?from=2026-09-30&add=1").await.body, json!({"date": "2026-10-08"}));
    assert_eq!(s.get("/api/calendar/working-days?from=2026-10-03&add=0").await.body, json!({"date": "2026-10-08"}));
    assert_eq!(s.get("/api/calendar/day/2026-10-10").await.body, json!({"working": true, "name": "国庆节"}));
    assert_eq!(s.get("/api/calendar/day/2026-10-01").await.body, json!({"working": false, "name": "国庆节"}));
    let missing = s.get("/api/calendar/working-days?from=2026-12-20&add=30").await;
    assert_error(&missing, 422, "calendar_year_missing");
    assert!(missing.body["message"].as_str().unwrap().contains("2027"));
    assert_error(&s.get("/api/calendar/day/2026-13-01").await, 422, "invalid_date");

    // A 30-day promise made now waits for 2027.
    let t = finish(&s, &c, "w02", "mz-dibao", json!({"outcome": "promised"})).await;
    let number = t["case"]["number"].as_str().unwrap().to_string();
    assert!(t["case"]["deadline"].is_null());

    let bad = TEST_2027.replace("[[holidays]]\nname = \"国庆节\"", "[[holidays]]\nname = \"国庆\"");
    assert_error(&s.post("/api/admin/calendar", &admin, json!({"toml": bad})).await, 422, "invalid_calendar");
    let incomplete = TEST_2027.split("[[holidays]]\nname = \"国庆节\"").next().unwrap().to_string();
    assert_error(&s.post("/api/admin/calendar", &admin, json!({"toml": incomplete})).await, 422, "invalid_calendar");
    assert_error(&s.post("/api/admin/calendar", &c, json!({"toml": TEST_2027})).await, 403, "admin_only");
    let added = s.post("/api/admin/calendar", &admin, json!({"toml": TEST_2027})).await;
    assert_eq!(added.status, 201, "{}", added.body);
    assert_error(&s.post("/api/admin/calendar", &admin, json!({"toml": TEST_2027})).await, 409, "calendar_year_exists");
    // 25 Nov + 30 working days: 26, 27, 30 Nov; 23 in December; 4 to 7 January 2027 (1–3 off).
    let case = get(&s, &format!("/api/cases/{number}"), &c).await.body;
    assert_eq!(case["deadline"], "2027-01-07", "{case}");
    assert_eq!(case["history"].as_array().unwrap().last().unwrap()["action"], "deadline_set");
    assert_eq!(s.get("/api/calendar/working-days?from=2026-12-31&add=1").await.body, json!({"date": "2027-01-04"}));
    // It stays after a restart: the year is in the database.
    let s = s.restart().await;
    assert_eq!(s.get("/api/calendar/years").await.body.as_array().unwrap().len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_windows_finishing_at_once_never_share_a_case_number() {
    let s = std::sync::Arc::new(TestServer::start().await);
    let windows = [
        ("clerk2", "w02", "mz-linshi"),
        ("clerk3", "w03", "mz-linshi"),
        ("clerk5", "w05", "rs-jmyibao"),
        ("clerk6", "w06", "rs-jmyibao"),
    ];
    for (_, _, service) in windows {
        for _ in 0..10 {
            s.issue(service).await;
        }
    }
    let mut tasks = vec![];
    for (user, window, _) in windows {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let c = s.clerk(user, window).await;
            let mut numbers = vec![];
            for _ in 0..5 {
                s.act(&c, window, "call-next").await;
                let r = s.post(&format!("/api/windows/{window}/finish"), &c, json!({"outcome": "immediate"})).await;
                numbers.push(r.body["case"]["number"].as_str().unwrap().to_string());
            }
            numbers
        }));
    }
    let mut all = vec![];
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    let expected: Vec<String> = (1..=20).map(|n| format!("20261125-{n:04}")).collect();
    assert_eq!(all, expected);
}

#[tokio::test]
async fn tickets_left_at_windows_are_closed_by_the_day_close_and_recorded() {
    let s = TestServer::start().await;
    let c = s.clerk("clerk2", "w02").await;
    let t = s.issue("mz-linshi").await;
    s.act(&c, "w02", "call-next").await;
    s.act(&c, "w02", "start").await;
    // Past midnight the sweep closes it, audited; the window is free again.
    s.clock().advance(chrono::Duration::hours(16));
    s.state().writer().submit(hall_server::ops::Actor::System, hall_server::ops::Op::CloseDays, None).await.unwrap();
    let ticket = s.ticket(&t["id"]).await;
    assert_eq!(ticket["status"], "done");
    assert!(ticket["outcome"].is_null(), "nobody finished it: no case");
    // The citizen's page says it was not finished, and offers no rating it would refuse.
    let token = t["status_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let view = s.get(&format!("/api/t/{token}")).await.body;
    assert_eq!((view["status"].as_str(), view["unserved"].as_bool()), (Some("done"), Some(true)), "{view}");
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let (n, closed): (i64, i64) = db
        .query_row(
            "SELECT (SELECT COUNT(*) FROM audit WHERE action = 'ticket.day_close'), (SELECT tickets FROM days_closed WHERE day = '2026-11-25')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((n, closed), (1, 1));
    // Nobody finished it: not served in the reports (nor sixteen hours of service at w02).
    let director = s.staff("director").await;
    let report = s
        .send(Method::GET, "/api/reports/summary?from=2026-11-25&to=2026-11-25&by=window", Some(&director), None, None)
        .await;
    assert_eq!(report.status, 200, "{}", report.body);
    let total = &report.body["total"];
    assert_eq!((total["issued"].as_u64(), total["served"].as_u64()), (Some(1), Some(0)), "{total}");
    assert!(total.get("service").is_none(), "{total}");
    // Running it again closes nothing more.
    s.state().writer().submit(hall_server::ops::Actor::System, hall_server::ops::Op::CloseDays, None).await.unwrap();
    let again: i64 =
        db.query_row("SELECT COUNT(*) FROM audit WHERE action = 'ticket.day_close'", [], |r| r.get(0)).unwrap();
    assert_eq!(again, 1);
}

#[tokio::test]
async fn a_service_the_day_close_ended_is_registered_afterwards_on_its_own_day() {
    let s = TestServer::start().await;
    let c = s.clerk("clerk2", "w02").await;
    // One service begun at w02 and never finished (the clerk forgot); one citizen only called.
    let served = s.issue("mz-linshi").await;
    s.act(&c, "w02", "call-next").await;
    s.act(&c, "w02", "start").await;
    let c3 = s.clerk("clerk3", "w03").await;
    let other = s.issue("mz-linshi").await;
    s.act(&c3, "w03", "call-next").await;
    s.act(&c3, "w03", "start").await;
    let c1 = s.clerk("clerk1", "w01").await;
    let only_called = s.issue("zh-zixun").await;
    let called = s.act(&c1, "w01", "call-next").await;
    assert_eq!(called.status, 200, "{}", called.body);
    s.clock().advance(chrono::Duration::hours(16));
    s.state().writer().submit(hall_server::ops::Actor::System, hall_server::ops::Op::CloseDays, None).await.unwrap();

    // The next morning the desk and the director see it: the application was received (R1).
    let (c, c1, director) = (s.clerk("clerk2", "w02").await, s.clerk("clerk1", "w01").await, s.staff("director").await);
    let listed = get(&s, "/api/windows/w02/left-open", &c).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let line = &listed.body[0];
    assert_eq!((line["number"].as_str(), line["day"].as_str()), (served["number"].as_str(), Some("2026-11-25")));
    assert_eq!(listed.body.as_array().unwrap().len(), 1, "a citizen only called was not received: {}", listed.body);
    assert_eq!(get(&s, "/api/windows/w01/left-open", &c1).await.body, json!([]));
    let today = get(&s, "/api/director/today", &director).await.body;
    assert_eq!(today["left_open"][0]["ticket_id"], served["id"], "{today}");
    assert_eq!(today["left_open"].as_array().unwrap().len(), 2, "w02's and w03's: {today}");

    // Only its window's clerk registers it, once, with what a finish needs.
    let id = served["id"].as_i64().unwrap();
    let promised = json!({"ticket_id": id, "outcome": "promised", "applicant_name": "张三"});
    let register = |window: &str| format!("/api/windows/{window}/register-left-open");
    assert_error(&s.post(&register("w01"), &c1, promised.clone()).await, 409, "not_left_open");
    assert_error(&s.post(&register("w02"), &director, promised.clone()).await, 403, "clerk_only");
    let unsaid = json!({"ticket_id": id, "outcome": "returned"});
    assert_eq!(s.post(&register("w02"), &c, unsaid).await.status, 422);
    assert_eq!(get(&s, "/api/windows/w02/left-open", &c).await.body.as_array().unwrap().len(), 1, "nothing changed");
    let token = served["status_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let page = s.get(&format!("/api/t/{token}")).await.body;
    assert_eq!((page["unserved"].as_bool(), page.get("case")), (Some(true), None), "{page}");
    assert_eq!(page["case_expected"], true, "its service had begun: {page}");
    // A citizen only called when the day closed never gets a case: the page does not wait for one.
    let called_token = only_called["status_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let page = s.get(&format!("/api/t/{called_token}")).await.body;
    assert_eq!((page["unserved"].as_bool(), page.get("case_expected")), (Some(true), None), "{page}");
    let done = s.post(&register("w02"), &c, promised.clone()).await;
    assert_eq!(done.status, 200, "{}", done.body);
    // The citizen's phone page now leads to the case's progress page.
    let page = s.get(&format!("/api/t/{token}")).await.body;
    assert_eq!(page["case"]["number"], done.body["case"]["number"], "{page}");
    assert_eq!(page["case"]["kind"], "promised", "{page}");
    assert!(page["case"]["status_url"].as_str().unwrap().starts_with("/c/"), "{page}");
    assert!(page.get("unserved").is_none() && page.get("case_expected").is_none(), "{page}");
    // Once the case is closed the slip no longer leads to its page (a slip left in the hall;
    // its reasons are the applicant's, on their notice).
    let number = page["case"]["number"].as_str().unwrap().to_string();
    let closed = s.post(&format!("/api/cases/{number}/close"), &c, json!({"result": "approved"})).await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    let page = s.get(&format!("/api/t/{token}")).await.body;
    assert_eq!(
        (page["case"]["number"].as_str(), page["case"].get("status_url")),
        (Some(number.as_str()), None),
        "{page}"
    );
    // Received on 25 November: its number and its 10 working days count from then (9 December).
    let case = &done.body["case"];
    assert!(case["number"].as_str().unwrap().starts_with("20261125-"), "{case}");
    assert_eq!((case["kind"].as_str(), case["deadline"].as_str()), (Some("promised"), Some("2026-12-09")), "{case}");
    assert_eq!(done.body["outcome"], "promised", "{}", done.body);
    let whole = get(&s, &format!("/api/cases/{}", case["number"].as_str().unwrap()), &c).await.body;
    let registered = whole["history"][0]["text"].as_str().unwrap();
    assert!(registered.contains("2026-11-25收件") && registered.contains("补登记"), "{registered}");
    assert_error(&s.post(&register("w02"), &c, promised).await, 409, "not_left_open");
    assert_eq!(get(&s, "/api/windows/w02/left-open", &c).await.body, json!([]));
    let today = get(&s, "/api/director/today", &director).await.body;
    assert_eq!(today["left_open"].as_array().map(|l| l.len()), Some(1), "w03's only: {today}");
    assert_eq!(today["left_open"][0]["ticket_id"], other["id"], "{today}");
    // Audited; still no hours of service in the reports (nobody knows when it really ended).
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let audited: i64 = db
        .query_row("SELECT COUNT(*) FROM audit WHERE action = 'window.register_left_open'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(audited, 1);
    let report = get(&s, "/api/reports/summary?from=2026-11-25&to=2026-11-25&by=window", &director).await;
    assert!(report.body["total"].get("service").is_none(), "{}", report.body);

    // At w03 another clerk is on duty this morning: the case is the one who served it (its
    // ratings, its sheet), and a 补办件's 30 working days count from today, when the applicant
    // hears what to bring — not from yesterday (8 January 2027, not the 7th).
    let admin = s.staff("admin").await;
    assert_eq!(s.post("/api/admin/calendar", &admin, json!({"toml": TEST_2027})).await.status, 201);
    // clerk4, sent by the director to stand in at w03 (R16).
    let c4 = s.clerk("clerk4", "w04").await;
    let moved =
        s.post("/api/windows/w03/stand-in", &director, json!({"username": "clerk4", "override_allowed": true})).await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let body = json!({"ticket_id": other["id"], "outcome": "supplement", "missing_materials": ["户口簿复印件"]});
    let done = s.post(&register("w03"), &c4, body).await;
    assert_eq!(done.status, 200, "{}", done.body);
    let number = done.body["case"]["number"].as_str().unwrap().to_string();
    assert!(number.starts_with("20261125-"), "{number}");
    let whole = get(&s, &format!("/api/cases/{number}"), &director).await.body;
    assert_eq!(
        (whole["clerk"].as_str(), whole["supplement_until"].as_str()),
        (Some("clerk3"), Some("2027-01-08")),
        "{whole}"
    );
    assert!(whole.get("service_minutes").is_none(), "not the 16 hours to midnight: {whole}");
    // The applicant's own page says by when to bring what is missing (R11).
    let code = done.body["case"]["check_code"].as_str().unwrap();
    let progress = s.get(&format!("/api/cases/{number}?code={code}")).await.body;
    assert_eq!(progress["supplement_until"], "2027-01-08", "{progress}");
    assert_eq!(progress["missing_materials"], json!(["户口簿复印件"]), "{progress}");
    assert_eq!(whole["history"][0]["by"], "clerk4", "who registered it: {whole}");
    assert!(get(&s, "/api/director/today", &director).await.body.get("left_open").is_none());
}

#[tokio::test]
async fn a_supplement_whose_limit_is_set_after_it_passed_does_not_expire_that_night() {
    let s = TestServer::start().await;
    let c = s.clerk("clerk2", "w02").await;
    let t = finish(&s, &c, "w02", "mz-linshi", json!({"outcome": "supplement", "missing_materials": ["户口簿复印件"]}))
        .await;
    let number = t["case"]["number"].as_str().unwrap().to_string();
    // 30 working days from 25 November end on 7 January 2027, but 2027 is added only on 20
    // January: the citizen hears of a limit then, and gets 30 working days from that day.
    s.clock().set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2027, 1, 20, 2, 0, 0).unwrap());
    let admin = s.staff("admin").await;
    let added = s.post("/api/admin/calendar", &admin, json!({"toml": TEST_2027})).await;
    assert_eq!(added.status, 201, "{}", added.body);
    let director = s.staff("director").await;
    let case = get(&s, &format!("/api/cases/{number}"), &director).await.body;
    assert_eq!(case["supplement_until"], "2027-03-10", "{case}");
    let told = case["history"].as_array().unwrap().last().unwrap().clone();
    assert!(told["text"].as_str().unwrap_or_default().contains("自今日起计"), "{told}");
    // The night's sweep leaves it waiting for its materials.
    s.clock().set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2027, 1, 20, 17, 0, 0).unwrap());
    s.state()
        .writer()
        .submit(hall_server::ops::Actor::System, hall_server::ops::Op::CloseDays, None)
        .await
        .expect("day close runs");
    let director = s.staff("director").await;
    let case = get(&s, &format!("/api/cases/{number}"), &director).await.body;
    assert_eq!(case["state"], "awaiting_materials", "{case}");
}

#[tokio::test]
async fn a_window_taken_over_takes_its_cases_with_it() {
    let s = TestServer::start().await;
    let before = s.clerk("clerk2", "w02").await;
    let t = finish(
        &s,
        &before,
        "w02",
        "mz-linshi",
        json!({"outcome": "promised", "applicant_name": "张三", "applicant_phone": "13800001234"}),
    )
    .await;
    let number = t["case"]["number"].as_str().unwrap().to_string();
    assert_eq!(get(&s, &format!("/api/cases/{number}"), &before).await.status, 200);
    // A new sign-in at window 2 (a lost phone's token, a shared login): the earlier session
    // reads and runs none of its cases (the applicant's name and phone among them) any more;
    // the new one does.
    let after = s.clerk("clerk2", "w02").await;
    assert_error(&get(&s, &format!("/api/cases/{number}"), &before).await, 403, "not_your_window");
    assert_error(
        &s.post(&format!("/api/cases/{number}/close"), &before, json!({"result": "approved"})).await,
        403,
        "not_your_window",
    );
    assert_eq!(get(&s, &format!("/api/cases/{number}"), &after).await.status, 200);
    // The window's desk of village requests too.
    assert_error(&get(&s, "/api/village/requests", &before).await, 403, "not_your_window");
    assert_eq!(get(&s, "/api/village/requests", &after).await.status, 200);
    let closed = s.post(&format!("/api/cases/{number}/close"), &after, json!({"result": "approved"})).await;
    assert_eq!(closed.body["state"], "closed", "{}", closed.body);
}

/// A 2027 notice making Thursday 31 December 2026 a day off: what fell due that day (a case's
/// deadline, a complaint's, a petition's and a rating follow-up's due day) moves to the next
/// working day, Monday 4 January (顺延), each told in its history; what fell due on the 30th
/// stays.
#[tokio::test]
async fn deadlines_on_a_day_a_notice_makes_off_move_to_the_next_working_day() {
    let reaching = TEST_2027.replacen("from = \"2027-01-01\"", "from = \"2026-12-31\"", 1);
    let s = TestServer::start().await; // Wednesday 25 November 2026
    let c = s.clerk("clerk2", "w02").await;
    let director = s.staff("director").await;
    let promised = json!({"outcome": "promised", "applicant_name": "张三", "applicant_phone": "13800001234"});
    let on_31 =
        finish(&s, &c, "w02", "mz-dibao", promised.clone()).await["case"]["number"].as_str().unwrap().to_string();
    let on_30 = finish(&s, &c, "w02", "mz-dibao", promised).await["case"]["number"].as_str().unwrap().to_string();
    let complaint = json!({"channel": "written", "about": "hall", "what": "排队太久", "complainant_name": "王五",
        "complainant_contact": "13900001111", "complainant_address": "青石镇河西村三组12号", "complexity": "simple"});
    let complaint = s.post("/api/complaints", &director, complaint).await;
    assert_eq!(complaint.status, 201, "{}", complaint.body);
    let petition = json!({"channel": "visit", "name": "王秀英", "gender": "female", "age": 58, "occupation": "农民",
        "political_status": "群众", "address_or_workplace": "青石镇东村3组", "issue": "宅基地界址纠纷"});
    let petition = s.post("/api/petitions", &director, petition).await;
    assert_eq!(petition.status, 201, "{}", petition.body);
    // A citizen dissatisfied: a follow-up (contact by the next working day, put right in 15).
    let rated = s.issue("mz-linshi").await;
    assert_eq!(s.act(&c, "w02", "call-next").await.status, 200);
    assert_eq!(s.post("/api/windows/w02/finish", &c, json!({"outcome": "immediate"})).await.status, 200);
    let token = rated["status_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let rating = json!({"level": "dissatisfied", "reason": "efficiency"});
    let rating = s.send(Method::POST, &format!("/api/t/{token}/rating"), None, Some(rating), None).await;
    assert_eq!((rating.status.as_u16(), &rating.body["follow_up"]), (201, &json!(true)), "{}", rating.body);
    // Their dates on those days (how a date is counted is the rules' own tests').
    let db = rusqlite::Connection::open(&s.db).unwrap();
    for (sql, key) in [
        ("UPDATE cases SET deadline = '2026-12-31' WHERE number = ?1", json!(on_31)),
        ("UPDATE cases SET deadline = '2026-12-30' WHERE number = ?1", json!(on_30)),
        ("UPDATE complaints SET due = '2026-12-31' WHERE id = ?1", complaint.body["id"].clone()),
        ("UPDATE petitions SET due = '2026-12-31' WHERE id = ?1", petition.body["id"].clone()),
        ("UPDATE follow_ups SET rectify_due = '2026-12-31' WHERE state = 'open' AND ?1 = '1'", json!("1")),
    ] {
        let key = key.as_str().map(str::to_string).unwrap_or_else(|| key.to_string());
        assert_eq!(db.execute(sql, [key]).unwrap(), 1, "{sql}");
    }
    let admin = s.staff("admin").await;
    let added = s.post("/api/admin/calendar", &admin, json!({"toml": reaching})).await;
    assert_eq!((added.status.as_u16(), added.body["deadlines_deferred"].as_u64()), (201, Some(4)), "{}", added.body);
    let case = |n: String| {
        let (s, director) = (&s, director.clone());
        async move { get(s, &format!("/api/cases/{n}"), &director).await.body }
    };
    let moved = case(on_31).await;
    assert_eq!(moved["deadline"], "2027-01-04");
    let told = moved["history"].as_array().unwrap().last().unwrap()["text"].as_str().unwrap().to_string();
    assert!(told.contains("2026-12-31 为休息日") && told.contains("顺延至 2027-01-04"), "{told}");
    assert_eq!(case(on_30).await["deadline"], "2026-12-30", "a working day still");
    let id = &complaint.body["id"];
    assert_eq!(get(&s, &format!("/api/complaints/{id}"), &director).await.body["due"], "2027-01-04");
    // Investigated as the complexity it has (the page sends it): its date stays the moved one,
    // not counted again from its arrival (that would make it overdue at once).
    let investigating =
        s.post(&format!("/api/complaints/{id}/investigate"), &director, json!({"complexity": "simple"})).await;
    assert_eq!(investigating.status, 200, "{}", investigating.body);
    assert_eq!(get(&s, &format!("/api/complaints/{id}"), &director).await.body["due"], "2027-01-04");
    let id = &petition.body["id"];
    assert_eq!(get(&s, &format!("/api/petitions/{id}"), &director).await.body["due"], "2027-01-04");
    let follow_up = &get(&s, "/api/follow-ups", &director).await.body[0];
    assert_eq!((&follow_up["contact_due"], &follow_up["rectify_due"]), (&json!("2026-11-26"), &json!("2027-01-04")));
    let audited: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM audit WHERE action IN
                 ('case.deadline_set', 'complaint.deadline_set', 'petition.due_set', 'follow_up.deadline_set')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 4, "each move is on the audit trail");
}

/// A 补办件's waiting limit that waits for next year's calendar is counted, once the year is
/// added, with the limit in force when the case was accepted: an administrator who shortens
/// `supplement_days` meanwhile does not cut the citizen's time to bring the materials.
#[tokio::test]
async fn a_waiting_limit_set_late_keeps_the_days_of_when_the_case_was_accepted() {
    let s = TestServer::start().await;
    let c = s.clerk("clerk2", "w02").await;
    let t = finish(&s, &c, "w02", "mz-linshi", json!({"outcome": "supplement", "missing_materials": ["户口簿复印件"]}))
        .await;
    let number = t["case"]["number"].as_str().unwrap().to_string();
    assert!(t["case"]["supplement_until"].is_null(), "30 working days from 25 November reach 2027: {t}");
    let admin = s.staff("admin").await;
    let toml = get(&s, "/api/admin/hall", &admin).await.body["toml"].as_str().unwrap().to_string();
    let limit = "supplement_days = 30";
    assert!(toml.contains(limit));
    let r = s.post("/api/admin/hall", &admin, json!({ "toml": toml.replacen(limit, "supplement_days = 10", 1) })).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let added = s.post("/api/admin/calendar", &admin, json!({"toml": TEST_2027})).await;
    assert_eq!(added.status, 201, "{}", added.body);
    // 25 Nov + 30 working days, as when accepted: 7 January 2027 (not 10 days: 9 December).
    let case = get(&s, &format!("/api/cases/{number}"), &c).await.body;
    assert_eq!(case["supplement_until"], "2027-01-07", "{case}");
}

/// The director gives a case to another window (R18): a window removed from the hall leaves no
/// case without a desk. The first-inquiry window keeps following it, unless it was the one
/// removed; only the director gives cases; a closed case stays where it was closed.
#[tokio::test]
async fn the_director_gives_a_case_of_a_removed_window_to_another() {
    let s = TestServer::start().await;
    let clerk11 = s.clerk("clerk11", "w11").await;
    let number = finish(&s, &clerk11, "w11", "ly-caifa", json!({"outcome": "promised"})).await["case"]["number"]
        .as_str()
        .unwrap()
        .to_string();
    let assign = |w: &str| json!({ "window_id": w });
    let path = format!("/api/cases/{number}/assign");
    assert_error(&s.post(&path, &clerk11, assign("w10")).await, 403, "director_only");
    // 林业窗口 (w11) is removed; its matters go to w10.
    let admin = s.staff("admin").await;
    let toml = get(&s, "/api/admin/hall", &admin).await.body["toml"].as_str().unwrap().to_string();
    let toml = crate::hall_change::without_w11(&toml);
    let r = s.post("/api/admin/hall", &admin, json!({ "toml": toml })).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let director = s.staff("director").await;
    assert_error(&s.post(&path, &director, assign("w99")).await, 404, "unknown_window");
    let given = s.post(&path, &director, assign("w10")).await;
    assert_eq!(given.status, 200, "{}", given.body);
    assert_eq!((given.body["window_id"].as_str(), given.body["first_window_id"].as_str()), (Some("w10"), Some("w10")));
    let last = given.body["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["action"].as_str(), last["text"].as_str()),
        (Some("assigned"), Some("中心主任将办件改由10号窗口（住建窗口）办理")),
        "{last}"
    );
    // Given again to the same window: nothing changes, but its answer (the case whole) is a read.
    let reads = || -> i64 {
        rusqlite::Connection::open(&s.db)
            .unwrap()
            .query_row("SELECT COUNT(*) FROM audit WHERE action = 'case.read'", [], |r| r.get(0))
            .unwrap()
    };
    let before = reads();
    let again = s.post(&path, &director, assign("w10")).await;
    assert_eq!(again.body["history"].as_array().unwrap().len(), given.body["history"].as_array().unwrap().len());
    assert_eq!(reads(), before + 1);
    // The applicant's page says where it is handled now.
    let token = given.body["status_url"].as_str().unwrap().trim_start_matches("/c/").to_string();
    let progress = s.get(&format!("/api/c/{token}")).await.body;
    assert_eq!(progress["window_number"], 10, "{progress}");
    // w10's clerk closes it; given again once closed: refused.
    let clerk10 = s.clerk("clerk10", "w10").await;
    let closed = s.post(&format!("/api/cases/{number}/close"), &clerk10, json!({"result": "approved"})).await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    assert_error(&s.post(&path, &director, assign("w09")).await, 409, "case_closed");
}

/// Given to another window while its own is still in the hall, the first-inquiry window keeps
/// following it (R2) and the case leaves the first window's desk as the one handling it.
#[tokio::test]
async fn a_case_given_to_another_window_keeps_its_first_inquiry_window() {
    let s = TestServer::start().await;
    let clerk2 = s.clerk("clerk2", "w02").await;
    let number = finish(&s, &clerk2, "w02", "mz-linshi", json!({"outcome": "promised"})).await["case"]["number"]
        .as_str()
        .unwrap()
        .to_string();
    let director = s.staff("director").await;
    let mut sse = crate::support::Sse::connect_as(&s.base, Some(&director), None).await;
    let given = s.post(&format!("/api/cases/{number}/assign"), &director, json!({"window_id": "w03"})).await;
    assert_eq!((given.body["window_id"].as_str(), given.body["first_window_id"].as_str()), (Some("w03"), Some("w02")));
    let (event, _) = sse.until("case_changed").await;
    assert_eq!((event.data["window_id"].as_str(), event.data["from_window_id"].as_str()), (Some("w03"), Some("w02")));
    let clerk3 = s.clerk("clerk3", "w03").await;
    let mine = get(&s, "/api/cases?window=w03", &clerk3).await.body;
    assert!(mine.to_string().contains(&number), "on w03's desk: {mine}");
    // The notices given at acceptance name w02 and clerk2; the 办结通知单, w03 and who closed it;
    // the days promised are those of the registration.
    let case = get(&s, &format!("/api/cases/{number}"), &director).await.body;
    assert_eq!(
        (case["accepted_window_id"].as_str(), case["promised_days"].as_u64()),
        (Some("w02"), Some(10)),
        "{case}"
    );
    assert!(case.get("closed_by_name").is_none(), "{case}");
    let closed = s.post(&format!("/api/cases/{number}/close"), &clerk3, json!({"result": "approved"})).await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    let case = get(&s, &format!("/api/cases/{number}"), &director).await.body;
    assert_eq!(
        (case["closed_by_name"].as_str(), case["clerk_name"].as_str()),
        (Some("王丽娟"), Some("陈建国")),
        "{case}"
    );
}

/// R4: the citizen asks at the window named on their 受理单 (the one that accepted the case),
/// even after the director handed the case on to a third window.
#[tokio::test]
async fn the_accepting_window_still_answers_for_a_case_handed_on() {
    let s = TestServer::start().await;
    let (clerk2, clerk3) = (s.clerk("clerk2", "w02").await, s.clerk("clerk3", "w03").await);
    s.issue("mz-linshi").await;
    assert_eq!(s.act(&clerk2, "w02", "call-next").await.status, 200);
    let sent = s.post("/api/windows/w02/transfer", &clerk2, json!({"window_id": "w03"})).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(s.act(&clerk3, "w03", "call-next").await.status, 200);
    let r = s.post("/api/windows/w03/finish", &clerk3, json!({"outcome": "promised"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let number = r.body["case"]["number"].as_str().unwrap().to_string();
    let director = s.staff("director").await;
    let given = s.post(&format!("/api/cases/{number}/assign"), &director, json!({"window_id": "w04"})).await;
    assert_eq!(given.status, 200, "{}", given.body);
    let case = get(&s, &format!("/api/cases/{number}"), &clerk3).await;
    assert_eq!((case.status.as_u16(), case.body["accepted_window_id"].as_str()), (200, Some("w03")), "{}", case.body);
    let objection = json!({"objection": "为什么还没办好", "answer": "已转4号窗口办理，承诺期限内办结"});
    let answered = s.post(&format!("/api/cases/{number}/objection"), &clerk3, objection).await;
    assert_eq!(answered.status, 200, "{}", answered.body);
    // A window that never had it still may not.
    let clerk5 = s.clerk("clerk5", "w05").await;
    assert_error(
        &s.send(Method::GET, &format!("/api/cases/{number}"), Some(&clerk5), None, None).await,
        403,
        "not_your_case",
    );
}

/// R2: the first-inquiry window is the one that handled the citizen, not one that called the
/// ticket before its clerk left (or whose call the citizen missed and came back from).
#[tokio::test]
async fn a_window_that_only_called_the_ticket_is_not_its_first_inquiry_window() {
    let s = TestServer::start().await;
    s.issue("mz-dibao").await;
    let clerk2 = s.clerk("clerk2", "w02").await;
    assert_eq!(s.act(&clerk2, "w02", "call-next").await.status, 200);
    assert_eq!(s.post("/api/auth/logout", &clerk2, json!({})).await.status, 204);
    let clerk3 = s.clerk("clerk3", "w03").await;
    let called = s.act(&clerk3, "w03", "call-next").await;
    assert_eq!(called.body["first_window_id"], "w03", "{}", called.body);
    let r = s.post("/api/windows/w03/finish", &clerk3, json!({"outcome": "promised"})).await;
    let number = r.body["case"]["number"].as_str().unwrap().to_string();
    let case = get(&s, &format!("/api/cases/{number}"), &s.staff("director").await).await.body;
    assert_eq!(case["first_window_id"], "w03");
    let token = case["status_url"].as_str().unwrap().trim_start_matches("/c/").to_string();
    assert_eq!(s.get(&format!("/api/c/{token}")).await.body["window_number"], 3);
    // A no-show who comes back is not the calling window's either.
    s.issue("mz-dibao").await;
    let missed = s.act(&clerk3, "w03", "call-next").await.body;
    assert_eq!(s.act(&clerk3, "w03", "no-show").await.status, 200);
    let back = s.post(&format!("/api/tickets/{}/requeue", missed["id"]), &clerk3, json!({})).await;
    assert_eq!(back.status, 200, "{}", back.body);
    assert!(back.body.get("first_window_id").is_none_or(Value::is_null), "{}", back.body);
}

/// A ticket sent to a window, missed there (no-show), that window closed since: put back, it
/// waits for any window of its matter, not for the closed one that would never call it.
#[tokio::test]
async fn a_no_show_sent_to_a_window_closed_since_is_put_back_for_any_window() {
    let s = TestServer::start().await;
    let (clerk2, clerk3) = (s.clerk("clerk2", "w02").await, s.clerk("clerk3", "w03").await);
    s.issue("mz-dibao").await;
    assert_eq!(s.act(&clerk2, "w02", "call-next").await.status, 200);
    let sent = s.post("/api/windows/w02/transfer", &clerk2, json!({"window_id": "w03"})).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let missed = s.act(&clerk3, "w03", "call-next").await.body;
    assert_eq!(s.act(&clerk3, "w03", "no-show").await.status, 200);
    assert_eq!(s.post("/api/auth/logout", &clerk3, json!({})).await.status, 204);
    let director = s.staff("director").await;
    let back = s.post(&format!("/api/tickets/{}/requeue", missed["id"]), &director, json!({})).await;
    assert_eq!(back.status, 200, "{}", back.body);
    let called = s.act(&clerk2, "w02", "call-next").await;
    assert_eq!((called.status.as_u16(), &called.body["id"]), (200, &missed["id"]), "{}", called.body);
}

/// A release that ships next year's calendar (the State Council's notice came out).
static RELEASE_WITH_2027: [(&str, &str); 4] = [
    hall_server::calendar_data::SHIPPED[0],
    hall_server::calendar_data::SHIPPED[1],
    hall_server::calendar_data::SHIPPED[2],
    ("2027.toml", TEST_2027),
];

/// The hall installs a release whose calendar has the year its deadlines waited for: they are
/// set at the start, as when the administrator adds the year (a 补办件's limit, here), audited.
#[tokio::test]
async fn a_year_a_release_ships_settles_what_waited_for_it() {
    let s = TestServer::start().await; // Wednesday 25 November 2026; 2027 not shipped
    let c = s.clerk("clerk2", "w02").await;
    let t = finish(&s, &c, "w02", "mz-linshi", json!({"outcome": "supplement", "missing_materials": ["户口簿复印件"]}))
        .await;
    let number = t["case"]["number"].as_str().unwrap().to_string();
    let director = s.staff("director").await;
    let case = get(&s, &format!("/api/cases/{number}"), &director).await.body;
    assert!(case["supplement_until"].is_null(), "30 working days run into 2027: {case}");
    let (db, clock) = (s.db.clone(), s.clock().clone());
    let _dir = s.stop().await;
    let s = TestServer::options().db(&db).clock(clock).shipped_calendar(&RELEASE_WITH_2027).start().await;
    let director = s.staff("director").await;
    let case = get(&s, &format!("/api/cases/{number}"), &director).await.body;
    assert_eq!(case["supplement_until"], "2027-01-07", "{case}");
    let last = case["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "deadline_set", "{case}");
    let years = s.get("/api/calendar/years").await.body;
    assert!(years.to_string().contains("2027"), "{years}");
    let db = rusqlite::Connection::open(&db).unwrap();
    let audited: i64 = db
        .query_row("SELECT COUNT(*) FROM audit WHERE action = 'calendar.add_year' AND actor = 'system'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(audited, 1);
}

/// A 补办件 registered the Monday after its Friday service, its limit waiting for 2027: the
/// applicant hears that the limit to bring the materials waits (not a processing time, which
/// has not begun), and once the year comes the limit counts from the Monday they were told.
#[tokio::test]
async fn a_late_supplement_waiting_for_its_year_counts_from_the_day_it_was_registered() {
    let s = TestServer::start().await;
    let friday = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 27, 1, 0, 0).unwrap();
    s.clock().set(friday);
    let c = s.clerk("clerk2", "w02").await;
    let served = s.issue("mz-linshi").await;
    s.act(&c, "w02", "call-next").await;
    s.act(&c, "w02", "start").await;
    s.clock().advance(chrono::Duration::hours(16));
    s.state().writer().submit(hall_server::ops::Actor::System, hall_server::ops::Op::CloseDays, None).await.unwrap();
    s.clock().set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 30, 1, 0, 0).unwrap());
    let c = s.clerk("clerk2", "w02").await;
    let body = json!({"ticket_id": served["id"], "outcome": "supplement", "missing_materials": ["户口簿复印件"]});
    let done = s.post("/api/windows/w02/register-left-open", &c, body).await;
    assert_eq!(done.status, 200, "{}", done.body);
    let number = done.body["case"]["number"].as_str().unwrap().to_string();
    let director = s.staff("director").await;
    let case = get(&s, &format!("/api/cases/{number}"), &director).await.body;
    assert!(case["supplement_until"].is_null(), "{case}");
    let told = case["history"][0]["text"].as_str().unwrap();
    assert!(told.contains("补齐材料期限待2027年节假日安排公布后确定") && !told.contains("办理时限待"), "{told}");
    // The director's 今日登记 counts it today, the day it was registered.
    let today = get(&s, "/api/director/today", &director).await.body;
    assert_eq!(today["cases"]["registered_today"], 1, "{today}");
    let admin = s.staff("admin").await;
    assert_eq!(s.post("/api/admin/calendar", &admin, json!({"toml": TEST_2027})).await.status, 201);
    let case = get(&s, &format!("/api/cases/{number}"), &director).await.body;
    // 30 working days from Monday 30 November (not from Friday the 27th: 11 January).
    assert_eq!(case["supplement_until"], "2027-01-12", "{case}");
}
