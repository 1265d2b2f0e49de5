//! Petitions (信访, R20) through the HTTP contract: due days on the working-day calendar, the
//! state machine, transfers to the hall's departments, the urgent alert on the director's
//! streams only, confidentiality (clerks, kiosks and anonymous callers refused everywhere),
//! audited reads, and text kept verbatim.

use chrono::{TimeZone, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{assert_error, Reply, TestServer};

/// 09:00 in Shanghai on that day.
fn at_nine(y: i32, m: u32, d: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 1, 0, 0).unwrap()
}

fn petition(extra: Value) -> Value {
    let mut p = json!({
        "channel": "visit", "name": "王秀英", "gender": "female", "age": 58, "occupation": "农民",
        "political_status": "群众", "address_or_workplace": "青石镇东村3组", "issue": "宅基地界址纠纷，邻居建房占用通道",
    });
    p.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    p
}

async fn get(s: &TestServer, path: &str, token: &str) -> Reply {
    s.send(Method::GET, path, Some(token), None, None).await
}

async fn register(s: &TestServer, token: &str, extra: Value) -> Value {
    let r = s.post("/api/petitions", token, petition(extra)).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body
}

fn count(s: &TestServer, sql: &str) -> i64 {
    rusqlite::Connection::open(&s.db).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn due_days_count_working_days_around_national_day() {
    let s = TestServer::start().await;
    // (registered on, the petition's particulars, state, due day)
    type Row = ((i32, u32, u32), Value, &'static str, Option<&'static str>);
    let table: [Row; 7] = [
        // Monday 28 September: 29, 30 September, then 8 October (1–7 off).
        ((2026, 9, 28), json!({}), "received", Some("2026-10-08")),
        // Wednesday 30 September: 8, 9 and 10 October (a worked Saturday).
        ((2026, 9, 30), json!({}), "received", Some("2026-10-10")),
        // A leader reception, answered within a week: 8, 9, 10, 12, 13 October.
        ((2026, 9, 30), json!({"leader_reception": true}), "received", Some("2026-10-13")),
        // Solved on the spot: answered at once, no due day.
        (
            (2026, 9, 30),
            json!({"solved_on_spot": true, "answer": "当场调阅宅基地档案，向信访人解释界址"}),
            "answered",
            None,
        ),
        // A letter received on Tuesday 29 September, registered on 8 October: counted from the 29th.
        (
            (2026, 10, 8),
            json!({"channel": "letter", "received_at": "2026-09-29T15:00:00+08:00"}),
            "received",
            Some("2026-10-09"),
        ),
        // The same letter's time as the console's date-time field sends it: the hall's local time.
        (
            (2026, 10, 8),
            json!({"channel": "letter", "received_at": "2026-09-29T17:00"}),
            "received",
            Some("2026-10-09"),
        ),
        // Wednesday 30 December: 31 December, then 2027, whose calendar is not loaded: pending.
        ((2026, 12, 30), json!({"channel": "online"}), "received", None),
    ];
    let mut numbers = vec![];
    for ((y, m, d), extra, state, due) in table {
        s.clock().set(at_nine(y, m, d));
        let director = s.staff("director").await;
        let p = register(&s, &director, extra.clone()).await;
        assert_eq!(p["state"], state, "{extra} {p}");
        assert_eq!(p["due"].as_str(), due, "{extra} {p}");
        numbers.push(p["number"].as_str().unwrap().to_string());
        if p["solved_on_spot"] == true {
            assert_eq!(p["due_days"], 0);
            assert_eq!(p["answer"]["text"], "当场调阅宅基地档案，向信访人解释界址");
            assert_eq!(p["answer"]["by"], "director");
        }
    }
    assert_eq!(numbers[..4], ["XF20260928-01", "XF20260930-01", "XF20260930-02", "XF20260930-03"]);
    assert_eq!(numbers[4], "XF20261008-01", "numbered by the day of registration");
    // Overdue: on 9 October the first (due 8 October) is late, shown red in the list.
    s.clock().set(at_nine(2026, 10, 9));
    let director = s.staff("director").await;
    let over = get(&s, "/api/petitions?overdue=true", &director).await.body;
    let over: Vec<&str> = over.as_array().unwrap().iter().map(|l| l["number"].as_str().unwrap()).collect();
    assert_eq!(over, ["XF20260928-01"]);

    // The administrator adds 2027: the pending due day is set (31 December, 4 and 5 January).
    s.clock().set(at_nine(2026, 12, 30));
    let admin = s.staff("admin").await;
    let added = s.post("/api/admin/calendar", &admin, json!({"toml": crate::cases::TEST_2027})).await;
    assert_eq!(added.status, 201, "{}", added.body);
    let pending = get(&s, "/api/petitions?state=received", &admin).await.body;
    let line = pending.as_array().unwrap().iter().find(|l| l["number"] == numbers[6]).unwrap();
    assert_eq!(line["due"], "2027-01-05", "{line}");
    let id = line["id"].as_i64().unwrap();
    let p = get(&s, &format!("/api/petitions/{id}"), &admin).await.body;
    assert_eq!(p["history"].as_array().unwrap().last().unwrap()["action"], "due_set", "{p}");
}

#[tokio::test]
async fn the_policy_sets_the_days() {
    let toml = include_str!("../../../halls/sample-town.toml")
        .replace("petition_days = 3 ", "petition_days = 2 ")
        .replace("petition_leader_days = 5 ", "petition_leader_days = 7 ");
    let hall = hall_server::config::parse(&toml, "test").unwrap();
    assert_eq!((hall.policy.petitions.days, hall.policy.petitions.leader_days), (2, 7));
    let s = TestServer::options().hall(hall).start().await;
    let director = s.staff("director").await;
    // Wednesday 25 November: + 2 = Friday 27; + 7 = Friday 4 December.
    assert_eq!(register(&s, &director, json!({})).await["due"], "2026-11-27");
    assert_eq!(register(&s, &director, json!({"leader_reception": true})).await["due"], "2026-12-04");
    let bad = include_str!("../../../halls/sample-town.toml").replace("petition_days = 3 ", "petition_days = 0 ");
    let e = hall_server::config::parse(&bad, "test").unwrap_err().to_string();
    assert!(e.contains("petition_days"), "{e}");
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let s = TestServer::start().await;
    let director = s.staff("director").await;
    let long = |n: usize| "字".repeat(n);
    // (particulars, status, code)
    let table = [
        (json!({"name": ""}), 422, "invalid_petition"),
        (json!({"name": long(51)}), 422, "invalid_petition"),
        (json!({"age": 131}), 422, "invalid_petition"),
        (json!({"age": -1}), 400, "invalid_body"),
        (json!({"occupation": long(51)}), 422, "invalid_petition"),
        (json!({"political_status": long(51)}), 422, "invalid_petition"),
        (json!({"address_or_workplace": " "}), 422, "invalid_petition"),
        (json!({"address_or_workplace": long(201)}), 422, "invalid_petition"),
        (json!({"issue": ""}), 422, "invalid_petition"),
        (json!({"issue": long(2001)}), 422, "invalid_petition"),
        (json!({"solved_on_spot": true}), 422, "invalid_petition"),
        (json!({"answer": "已答复"}), 422, "invalid_petition"),
        (json!({"received_at": "yesterday"}), 422, "invalid_received_at"),
        (json!({"received_at": "2026-11-26T09:00:00+08:00"}), 422, "invalid_received_at"),
        (json!({"received_at": "2025-11-01T09:00:00+08:00"}), 422, "invalid_received_at"),
        (json!({"channel": "fax"}), 400, "invalid_body"),
        (json!({"gender": "x"}), 400, "invalid_body"),
    ];
    for (extra, status, code) in table {
        let r = s.post("/api/petitions", &director, petition(extra.clone())).await;
        assert_error(&r, status, code);
        assert!(r.body["message"].as_str().unwrap().len() > 5, "{extra}: {}", r.body);
    }
    assert_eq!(count(&s, "SELECT COUNT(*) FROM petitions"), 0);
    // At the limits: accepted.
    let p = register(&s, &director, json!({"name": long(50), "age": 130, "issue": long(2000)})).await;
    assert_eq!(p["issue"].as_str().unwrap().chars().count(), 2000);
    let id = p["id"].as_i64().unwrap();
    // A transfer to a department the hall does not have: 422, the petition unchanged.
    let r = s.post(&format!("/api/petitions/{id}/transfer"), &director, json!({"department": "公安局"})).await;
    assert_error(&r, 422, "unknown_department");
    let r = s
        .post(&format!("/api/petitions/{id}/transfer"), &director, json!({"department": "minzheng", "note": long(501)}))
        .await;
    assert_error(&r, 422, "invalid_petition");
    let r = s
        .post(
            &format!("/api/petitions/{id}/transfer"),
            &director,
            json!({"department": "minzheng", "due": "2026-12-31"}),
        )
        .await;
    assert_error(&r, 422, "transfer_due_outside");
    let r = s
        .post(&format!("/api/petitions/{id}/transfer"), &director, json!({"department": "minzheng", "due": "soon"}))
        .await;
    assert_error(&r, 422, "invalid_date");
    let r = s.post(&format!("/api/petitions/{id}/answer"), &director, json!({"answer": "  "})).await;
    assert_error(&r, 422, "invalid_petition");
    let p = get(&s, &format!("/api/petitions/{id}"), &director).await.body;
    assert_eq!((p["state"].as_str(), p["history"].as_array().unwrap().len()), (Some("received"), 1), "{p}");
    assert!(p["transfer"].is_null());
    assert_error(&get(&s, "/api/petitions/999", &director).await, 404, "unknown_petition");
    assert_error(&get(&s, "/api/petitions/abc", &director).await, 404, "unknown_petition");
    assert_error(&get(&s, "/api/petitions?state=lost", &director).await, 400, "invalid_body");
}

#[tokio::test]
async fn the_state_machine_and_the_transfer() {
    let s = TestServer::start().await;
    let director = s.staff("director").await;
    let p = register(&s, &director, json!({})).await;
    let id = p["id"].as_i64().unwrap();
    assert_eq!(p["due"], "2026-11-30", "Wednesday 25 November + 3 working days");
    let path = |a: &str| format!("/api/petitions/{id}/{a}");
    assert_error(&s.post(&path("close"), &director, json!({})).await, 409, "invalid_petition_action");
    assert_error(&s.post(&path("acknowledge"), &director, json!({})).await, 409, "invalid_petition_action");
    // Transferred by the department's name (or id), with what is asked and an earlier due day.
    let t = s
        .post(
            &path("transfer"),
            &director,
            json!({"department": "自然资源", "note": "请核实界址并书面答复", "due": "2026-11-27"}),
        )
        .await;
    assert_eq!(t.status, 200, "{}", t.body);
    let t = t.body;
    assert_eq!(t["state"], "transferred");
    assert_eq!(
        (&t["transfer"]["department_id"], &t["transfer"]["department"], &t["transfer"]["due"], &t["transfer"]["by"]),
        (&json!("ziranziyuan"), &json!("自然资源"), &json!("2026-11-27"), &json!("director"))
    );
    assert_eq!(t["due"], "2026-11-30", "the petition's own due day stays");
    // 自然资源 says it is not theirs: sent on to 住建 (a new 交办单); not again to the same one.
    assert_error(
        &s.post(&path("transfer"), &director, json!({"department": "ziranziyuan"})).await,
        409,
        "invalid_petition_action",
    );
    let again = s.post(&path("transfer"), &director, json!({"department": "zhujian", "due": "2026-11-30"})).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(
        (&again.body["transfer"]["department_id"], &again.body["transfer"]["due"]),
        (&json!("zhujian"), &json!("2026-11-30"))
    );
    let told = again.body["history"].as_array().unwrap().last().unwrap()["text"].as_str().unwrap().to_string();
    assert!(told.contains("自然资源告知不属其职责，改交"), "{told}");
    let line = &get(&s, "/api/petitions", &director).await.body[0];
    assert_eq!((&line["state"], &line["department"]), (&json!("transferred"), &again.body["transfer"]["department"]));
    // Answered, then closed; nothing more.
    let a = s.post(&path("answer"), &director, json!({"answer": "经核实，已组织双方调解，通道恢复"})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["state"], "answered");
    assert_error(
        &s.post(&path("answer"), &director, json!({"answer": "再答复"})).await,
        409,
        "invalid_petition_action",
    );
    assert_error(
        &s.post(&path("transfer"), &director, json!({"department": "minzheng"})).await,
        409,
        "invalid_petition_action",
    );
    let c = s.post(&path("close"), &director, json!({})).await;
    assert_eq!(c.body["state"], "closed", "{}", c.body);
    assert!(c.body["closed_at"].is_string());
    let admin = s.staff("admin").await;
    for (action, body) in
        [("close", json!({})), ("answer", json!({"answer": "x"})), ("transfer", json!({"department": "minzheng"}))]
    {
        assert_error(&s.post(&path(action), &admin, body).await, 409, "invalid_petition_action");
    }
    let steps: Vec<String> =
        c.body["history"].as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap().to_string()).collect();
    assert_eq!(steps, ["registered", "transferred", "transferred", "answered", "closed"]);
    // Each step audited under the petition's number, never the petitioner's name.
    assert_eq!(
        count(&s, "SELECT COUNT(*) FROM audit WHERE action LIKE 'petition.%' AND subject = 'petition:XF20261125-01'"),
        5
    );
    assert_eq!(count(&s, "SELECT COUNT(*) FROM audit WHERE detail LIKE '%王秀英%' OR detail LIKE '%宅基地%'"), 0);
    assert_eq!(count(&s, "SELECT COUNT(*) FROM events WHERE data LIKE '%王秀英%' OR data LIKE '%宅基地%'"), 0);
}

/// A live stream read with a token (or none), kept raw: the kinds of its events.
struct Stream(reqwest::Response, String);

impl Stream {
    async fn open(s: &TestServer, token: Option<&str>) -> Stream {
        let mut req = s.http.get(format!("{}/api/events", s.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200);
        Stream(res, String::new())
    }

    /// Events (kind, data) up to and including the first of `kind`.
    async fn until(&mut self, kind: &str) -> Vec<(String, Value)> {
        let mut seen = vec![];
        loop {
            while let Some(end) = self.1.find("\n\n") {
                let block: String = self.1.drain(..end + 2).collect();
                let (mut k, mut data) = (None, String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        k = Some(v.trim().to_string());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if let Some(k) = k {
                    let done = k == kind;
                    seen.push((k, serde_json::from_str(&data).unwrap_or(Value::Null)));
                    if done {
                        return seen;
                    }
                }
            }
            let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), self.0.chunk())
                .await
                .expect("no event within 10 s")
                .unwrap()
                .expect("the stream ended");
            self.1.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

#[tokio::test]
async fn an_urgent_petition_alerts_the_director_only_until_acknowledged() {
    let s = TestServer::start().await;
    let director = s.staff("director").await;
    let clerk = s.clerk("clerk2", "w02").await;
    let mut directors = Stream::open(&s, Some(&director)).await;
    let mut clerks = Stream::open(&s, Some(&clerk)).await;
    let mut anyone = Stream::open(&s, None).await;
    let p = register(&s, &director, json!({"urgent": true, "issue": "多名群众反映村道塌方，存在安全隐患"})).await;
    let id = p["id"].as_i64().unwrap();
    // The director's stream: at once, urgent, no names, no text.
    let seen = directors.until("feedback_changed").await;
    let (_, data) = seen.last().unwrap();
    assert_eq!(data["subject"], "petition");
    assert_eq!(
        (data["id"].as_i64(), data["action"].as_str(), data["urgent"].as_bool()),
        (Some(id), Some("registered"), Some(true))
    );
    assert_eq!(data.as_object().unwrap().len(), 5, "subject, id, action, urgent, at: {data}");
    // Neither the clerk's nor an anonymous stream: a ticket issued after it comes first.
    s.issue("mz-linshi").await;
    for stream in [&mut clerks, &mut anyone] {
        let seen = stream.until("ticket_issued").await;
        assert!(seen.iter().all(|(k, _)| k != "feedback_changed"), "{seen:?}");
    }
    // The alert list: until acknowledged, with no identity.
    let alerts = get(&s, "/api/petitions/alerts", &director).await.body;
    assert_eq!(alerts.as_array().unwrap().len(), 1);
    assert_eq!(alerts[0]["number"], p["number"]);
    assert!(!alerts.to_string().contains("王秀英") && !alerts.to_string().contains("塌方"), "{alerts}");
    // A petition not urgent raises none.
    register(&s, &director, json!({})).await;
    let seen = directors.until("feedback_changed").await;
    assert_eq!(seen.last().unwrap().1["urgent"], false);
    assert_eq!(get(&s, "/api/petitions/alerts", &director).await.body.as_array().unwrap().len(), 1);
    let lines = get(&s, "/api/petitions", &director).await.body;
    assert_eq!((&lines[1]["urgent"], &lines[1]["acknowledged"]), (&json!(true), &json!(false)));
    // Acknowledged by the admin: audited with who and when, the alert gone, for every console.
    let admin = s.staff("admin").await;
    let a = s.post(&format!("/api/petitions/{id}/acknowledge"), &admin, json!({})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["acknowledged"]["by"], "admin");
    assert_eq!(a.body["acknowledged"]["at"], "2026-11-25T09:00:00+08:00");
    let seen = directors.until("feedback_changed").await;
    assert_eq!(seen.last().unwrap().1["action"], "acknowledged");
    assert_eq!(get(&s, "/api/petitions/alerts", &director).await.body, json!([]));
    // The leaders' line stays until a leader has seen it: one not signed in meanwhile learns of
    // it at their next sign-in (R20: reported to the leaders at once).
    let leader = s.staff("leader").await;
    assert_eq!(get(&s, "/api/petitions/alerts", &leader).await.body[0]["number"], p["number"]);
    assert_error(
        &s.post(&format!("/api/petitions/{id}/acknowledge"), &director, json!({})).await,
        409,
        "invalid_petition_action",
    );
    let (actor, role, subject): (String, String, String) = rusqlite::Connection::open(&s.db)
        .unwrap()
        .query_row("SELECT actor, role, subject FROM audit WHERE action = 'petition.acknowledged'", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(
        (actor.as_str(), role.as_str(), subject),
        ("admin", "admin", format!("petition:{}", p["number"].as_str().unwrap()))
    );
}

#[tokio::test]
async fn only_the_director_and_admins_reach_petitions() {
    let s = TestServer::start().await;
    let director = s.staff("director").await;
    let admin = s.staff("admin").await;
    let clerk = s.clerk("clerk2", "w02").await;
    let p = register(&s, &director, json!({"urgent": true})).await;
    let id = p["id"].as_i64().unwrap();
    // Each endpoint with a body that would succeed for the director.
    let endpoints: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/api/petitions".into(), None),
        (Method::GET, format!("/api/petitions/{id}"), None),
        (Method::POST, "/api/petitions".into(), Some(petition(json!({})))),
        (Method::POST, format!("/api/petitions/{id}/transfer"), Some(json!({"department": "minzheng"}))),
        (Method::POST, format!("/api/petitions/{id}/answer"), Some(json!({"answer": "已答复"}))),
        (Method::POST, format!("/api/petitions/{id}/close"), Some(json!({}))),
    ];
    let acknowledge = format!("/api/petitions/{id}/acknowledge");
    for (who, token) in [("kiosk", "demo-kiosk"), ("clerk", clerk.as_str())] {
        assert_eq!(s.post(&acknowledge, token, json!({})).await.status, 403, "{who}");
    }
    // (caller, token, status, code)
    let refused = [
        ("anonymous", None, 401, "unauthorized"),
        ("kiosk", Some("demo-kiosk"), 403, "director_only"),
        ("clerk", Some(clerk.as_str()), 403, "director_only"),
    ];
    for (who, token, status, code) in refused {
        for (method, path, body) in &endpoints {
            let r = s.send(method.clone(), path, token, body.clone(), None).await;
            assert_eq!(r.status.as_u16(), status, "{who} {method} {path}: {}", r.body);
            assert_eq!(r.body["error"], code, "{who} {method} {path}: {}", r.body);
            assert!(!r.body.to_string().contains("王秀英"), "{who} {path}");
        }
        // A clerk is refused even for a petition that does not exist.
        let r = s.send(Method::GET, "/api/petitions/999", token, None, None).await;
        assert_eq!(r.status.as_u16(), status, "{who}");
    }
    // The alert line (number, channel, time: no identity) reaches the leaders too (R20: urgent
    // or major issues are reported to the leaders at once); nobody else.
    let leader = s.staff("leader").await;
    for (who, token, status) in
        [("anonymous", None, 401), ("kiosk", Some("demo-kiosk"), 403), ("clerk", Some(clerk.as_str()), 403)]
    {
        let r = s.send(Method::GET, "/api/petitions/alerts", token, None, None).await;
        assert_eq!(r.status.as_u16(), status, "{who}: {}", r.body);
    }
    let alerts = get(&s, "/api/petitions/alerts", &leader).await;
    assert_eq!((alerts.status.as_u16(), &alerts.body[0]["number"]), (200, &p["number"]), "{}", alerts.body);
    assert!(!alerts.body.to_string().contains("王秀英"), "{}", alerts.body);
    for (method, path, body) in &endpoints {
        let r = s.send(method.clone(), path, Some(&leader), body.clone(), None).await;
        assert_eq!((r.status.as_u16(), r.body["error"].as_str()), (403, Some("director_only")), "leader {path}");
    }
    // A leader acknowledges the leaders' line (R20), apart from the director's: told nothing of
    // the petition; once.
    let seen = s.post(&acknowledge, &leader, json!({})).await;
    assert_eq!(seen.status, 204, "{}", seen.body);
    assert_eq!(get(&s, "/api/petitions/alerts", &leader).await.body, json!([]));
    assert_eq!(
        get(&s, "/api/petitions/alerts", &director).await.body.as_array().unwrap().len(),
        1,
        "the director's stays"
    );
    assert_error(&s.post(&acknowledge, &leader, json!({})).await, 409, "invalid_petition_action");
    assert_eq!(count(&s, "SELECT COUNT(*) FROM petitions"), 1, "no refused write changed anything");
    assert_eq!(count(&s, "SELECT COUNT(*) FROM audit WHERE action = 'petition.read'"), 0);
    // The director and the admin reach every endpoint.
    for (who, token) in [("director", &director), ("admin", &admin)] {
        let r = get(&s, "/api/petitions", token).await;
        assert_eq!(r.status, 200, "{who}");
        assert!(!r.body.to_string().contains("王秀英"), "the list carries no identity");
        assert_eq!(get(&s, "/api/petitions/alerts", token).await.status, 200, "{who}");
        let r = get(&s, &format!("/api/petitions/{id}"), token).await;
        assert_eq!((r.status.as_u16(), &r.body["name"]), (200, &json!("王秀英")), "{who}");
        assert_eq!(s.post("/api/petitions", token, petition(json!({}))).await.status, 201, "{who}");
    }
    for (action, body, who) in [
        ("transfer", json!({"department": "minzheng"}), &director),
        ("answer", json!({"answer": "已答复"}), &admin),
        ("close", json!({}), &director),
        ("acknowledge", json!({}), &admin),
    ] {
        let r = s.post(&format!("/api/petitions/{id}/{action}"), who, body).await;
        assert_eq!(r.status, 200, "{action}: {}", r.body);
    }
}

#[tokio::test]
async fn every_read_is_audited_and_text_is_kept_as_text() {
    let s = TestServer::start().await;
    let director = s.staff("director").await;
    let admin = s.staff("admin").await;
    let html = "<img src=x onerror=alert(1)><script>alert('xss')</script> & \"引号\"";
    let p = register(&s, &director, json!({"name": "<b>李四</b>", "issue": html, "occupation": "<i>个体</i>"})).await;
    let id = p["id"].as_i64().unwrap();
    assert_eq!(count(&s, "SELECT COUNT(*) FROM audit WHERE action = 'petition.read'"), 0, "registering is no read");
    for token in [&director, &admin, &director] {
        let r = get(&s, &format!("/api/petitions/{id}"), token).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["issue"], html, "stored and given back verbatim");
        assert_eq!(r.body["name"], "<b>李四</b>");
        assert_eq!(r.body["occupation"], "<i>个体</i>");
    }
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let reads: Vec<(String, String, String, i64)> = db
        .prepare("SELECT actor, role, subject, at FROM audit WHERE action = 'petition.read' ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let subject = format!("petition:{}", p["number"].as_str().unwrap());
    let who: Vec<(&str, &str, &str)> = reads.iter().map(|(a, r, s, _)| (a.as_str(), r.as_str(), s.as_str())).collect();
    assert_eq!(
        who,
        [
            ("director", "director", subject.as_str()),
            ("admin", "admin", subject.as_str()),
            ("director", "director", subject.as_str())
        ]
    );
    assert!(reads.iter().all(|r| r.3 == at_nine(2026, 11, 25).timestamp_millis()), "when: {reads:?}");
    let stored: String = db.query_row("SELECT issue FROM petitions WHERE id = ?1", [id], |r| r.get(0)).unwrap();
    assert_eq!(stored, html);
    // A retried registration with the same key registers once.
    let key = Some("petition-retry-1");
    let body = petition(json!({"issue": "重复提交"}));
    let a = s.send(Method::POST, "/api/petitions", Some(&director), Some(body.clone()), key).await;
    let b = s.send(Method::POST, "/api/petitions", Some(&director), Some(body), key).await;
    assert_eq!((a.status.as_u16(), b.status.as_u16()), (201, 201));
    assert_eq!(a.body["number"], b.body["number"]);
    assert_eq!(count(&s, "SELECT COUNT(*) FROM petitions"), 2);
}

#[tokio::test]
async fn the_printable_pages_are_served() {
    let s = TestServer::start().await;
    for path in [
        "/petitions/1/transfer-slip",
        "/petitions/1/notice",
        "/assets/petition.js",
        "/assets/petition.i18n.js",
        "/assets/director-petitions.js",
    ] {
        let r = s.http.get(format!("{}{path}", s.base)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(r.headers().contains_key("content-security-policy"), "{path}");
    }
}

#[tokio::test]
async fn a_departments_due_day_given_while_the_petitions_waited_is_brought_back_to_it() {
    let s = TestServer::start().await;
    // Tuesday 29 December: three working days run into 2027, not loaded: the due day waits.
    s.clock().set(at_nine(2026, 12, 29));
    let director = s.staff("director").await;
    let p = register(&s, &director, json!({})).await;
    assert!(p["due"].is_null(), "{p}");
    let id = p["id"].as_i64().unwrap();
    let body = json!({"department": "minzheng", "due": "2027-02-26"});
    let t = s.post(&format!("/api/petitions/{id}/transfer"), &director, body).await;
    assert_eq!(t.status, 200, "{}", t.body);
    // 2027 added: the petition is due 4 January, and so is the department's answer.
    let admin = s.staff("admin").await;
    let added = s.post("/api/admin/calendar", &admin, json!({"toml": crate::cases::TEST_2027})).await;
    assert_eq!(added.status, 201, "{}", added.body);
    let p = get(&s, &format!("/api/petitions/{id}"), &admin).await.body;
    assert_eq!((p["due"].as_str(), p["transfer"]["due"].as_str()), (Some("2027-01-04"), Some("2027-01-04")), "{p}");
}

#[tokio::test]
async fn an_overdue_petition_is_transferred_with_a_day_the_department_can_meet() {
    let s = TestServer::start().await;
    // Wednesday 25 November, due Monday 30 November; on Wednesday 2 December it is overdue.
    s.clock().set(at_nine(2026, 11, 25));
    let director = s.staff("director").await;
    let id = register(&s, &director, json!({})).await["id"].as_i64().unwrap();
    s.clock().set(at_nine(2026, 12, 2));
    let director = s.staff("director").await;
    let path = format!("/api/petitions/{id}/transfer");
    // No day given: the petition's own day (30 November) is past, no day to hand on.
    assert_error(&s.post(&path, &director, json!({"department": "minzheng"})).await, 422, "transfer_due_required");
    // A day before today: refused as ever.
    let r = s.post(&path, &director, json!({"department": "minzheng", "due": "2026-12-01"})).await;
    assert_error(&r, 422, "transfer_due_outside");
    let p = get(&s, &format!("/api/petitions/{id}"), &director).await.body;
    assert_eq!((p["state"].as_str(), p["transfer"].is_null()), (Some("received"), true), "nothing changed: {p}");
    // A day from today: accepted, though later than the petition's own (it stays overdue).
    let t = s.post(&path, &director, json!({"department": "minzheng", "due": "2026-12-04"})).await;
    assert_eq!(t.status, 200, "{}", t.body);
    assert_eq!((t.body["transfer"]["due"].as_str(), t.body["due"].as_str()), (Some("2026-12-04"), Some("2026-11-30")));
    let told = t.body["history"].as_array().unwrap().last().unwrap()["text"].as_str().unwrap().to_string();
    assert!(told.contains("请于 2026-12-04 前答复"), "{told}");
    let over = get(&s, "/api/petitions?overdue=true", &director).await.body;
    assert_eq!(over.as_array().unwrap().len(), 1, "still overdue: {over}");
}

/// An unsigned letter (匿名信) is registered all the same (R20): no name, no address; one marked
/// anonymous that names someone is refused, and nothing about it leaks into the list.
#[tokio::test]
async fn an_unsigned_letter_is_registered_without_a_name() {
    let s = TestServer::start().await;
    let director = s.staff("director").await;
    let letter = json!({"channel": "letter", "gender": "unstated", "anonymous": true,
        "issue": "反映村道路灯长期不亮，夜间出行不便"});
    let r = s.post("/api/petitions", &director, letter.clone()).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!((r.body["anonymous"].as_bool(), r.body["name"].as_str()), (Some(true), Some("")), "{}", r.body);
    assert_eq!(r.body["due"], "2026-11-30", "its due day runs as any other's");
    let mut named = letter.clone();
    named["name"] = json!("王五");
    assert_error(&s.post("/api/petitions", &director, named).await, 422, "invalid_petition");
    // Not anonymous, the name and the address are asked for as before.
    let mut unsigned = letter;
    unsigned["anonymous"] = json!(false);
    assert_error(&s.post("/api/petitions", &director, unsigned).await, 422, "invalid_petition");
    assert_eq!(get(&s, "/api/petitions", &director).await.body.as_array().map(Vec::len), Some(1));
}
