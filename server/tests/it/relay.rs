//! The relay of reported cases (R14, 上报件): the outbox written in the registration's own
//! transaction, the inbox applying a message once by its key, the county device doing relay
//! things only; and one hall playing both ends (town and county hall) through the whole loop.

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{assert_error, Reply, TestServer};

const COUNTY: &str = "demo-county";

async fn get(s: &TestServer, path: &str, token: &str) -> Reply {
    s.send(Method::GET, path, Some(token), None, None).await
}

/// A reported case (上报件) of 临时救助 at w02, with the applicant's data; its number.
async fn report(s: &TestServer, clerk: &str) -> String {
    s.issue("mz-linshi").await;
    assert_eq!(s.act(clerk, "w02", "call-next").await.status, 200);
    let body = json!({"outcome": "reported", "authority": "县民政局", "applicant_name": "王五",
        "applicant_phone": "13700001111", "note": "因病致贫，申请县级临时救助"});
    let r = s.post("/api/windows/w02/finish", clerk, body).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["case"]["number"].as_str().unwrap().to_string()
}

async fn outbox(s: &TestServer) -> Vec<Value> {
    let r = get(s, "/api/relay/outbox", COUNTY).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body.as_array().unwrap().clone()
}

fn audits(s: &TestServer, action: &str) -> i64 {
    let db = rusqlite::Connection::open(&s.db).unwrap();
    db.query_row("SELECT COUNT(*) FROM audit WHERE action = ?1", [action], |r| r.get(0)).unwrap()
}

/// Delivers every waiting message of `s` to `s` itself (the county's part, by hand), each
/// `times` times, then acknowledges it; the inbox's answers.
async fn relay_to_self(s: &TestServer, times: usize) -> Vec<Value> {
    let mut answers = Vec::new();
    for m in outbox(s).await {
        let message = json!({"key": format!("qingshui:{}", m["key"].as_str().unwrap()), "from_hall": "qingshui",
            "kind": m["kind"], "body": m["body"]});
        for _ in 0..times {
            let r = s.post("/api/relay/inbox", COUNTY, message.clone()).await;
            assert_eq!(r.status, 200, "{}", r.body);
            answers.push(r.body);
        }
        let ack = s.post(&format!("/api/relay/outbox/{}/ack", m["id"]), COUNTY, json!({})).await;
        assert_eq!(ack.status, 204, "{}", ack.body);
    }
    answers
}

#[tokio::test]
async fn a_reported_case_is_in_the_outbox_from_its_registration_and_only_then() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    assert!(outbox(&s).await.is_empty());
    assert_eq!(audits(&s, "relay.outbox_read"), 0, "an empty outbox read holds nothing to audit");
    // A refused finish (no authority) registers nothing and sends nothing.
    s.issue("mz-linshi").await;
    s.act(&clerk, "w02", "call-next").await;
    let refused = s.post("/api/windows/w02/finish", &clerk, json!({"outcome": "reported"})).await;
    assert_error(&refused, 422, "authority_required");
    assert!(outbox(&s).await.is_empty());
    // Other kinds send nothing either.
    let promised = s.post("/api/windows/w02/finish", &clerk, json!({"outcome": "promised"})).await;
    assert_eq!(promised.status, 200, "{}", promised.body);
    assert!(outbox(&s).await.is_empty());

    let number = report(&s, &clerk).await;
    let waiting = outbox(&s).await;
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    let m = &waiting[0];
    assert_eq!((m["kind"].as_str(), m["key"].as_str()), (Some("report"), Some(format!("report:{number}").as_str())));
    assert_eq!(m["body"]["number"], number.as_str());
    assert_eq!(m["body"]["authority"], "县民政局");
    assert_eq!(m["body"]["hall_name"], "青石镇便民服务中心");
    assert_eq!(
        (m["body"]["applicant_name"].as_str(), m["body"]["applicant_phone"].as_str()),
        (Some("王五"), Some("13700001111"))
    );
    assert_eq!(audits(&s, "relay.outbox_read"), 1, "the read that held the applicant's data is audited");
    // Read again and again while it waits (its target down): no new disclosure, no new rows.
    for _ in 0..3 {
        assert_eq!(outbox(&s).await.len(), 1);
    }
    assert_eq!(audits(&s, "relay.outbox_read"), 1, "only its first read is audited");
    // The stream says there is work, never what: no personal data in events.
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let pending: Vec<String> = db
        .prepare("SELECT data FROM events WHERE kind = 'relay_pending'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(pending, vec![json!({"id": m["id"]}).to_string()]);
    let all_events: String = db.query_row("SELECT group_concat(data, ' ') FROM events", [], |r| r.get(0)).unwrap();
    assert!(!all_events.contains("13700001111") && !all_events.contains("王五"), "{all_events}");
    // Acknowledged, it leaves the outbox; acknowledged again, nothing changes.
    let ack = |id: Value| format!("/api/relay/outbox/{id}/ack");
    assert_eq!(s.post(&ack(m["id"].clone()), COUNTY, json!({})).await.status, 204);
    assert_eq!(s.post(&ack(m["id"].clone()), COUNTY, json!({})).await.status, 204);
    assert_eq!(audits(&s, "relay.delivered"), 1);
    let kept: String = db.query_row("SELECT body FROM outbox", [], |r| r.get(0)).unwrap();
    assert_eq!(kept, "{}", "delivered, the outbox keeps no copy of the applicant's data");
    assert!(outbox(&s).await.is_empty());
    assert_error(&s.post(&ack(json!(999)), COUNTY, json!({})).await, 404, "unknown_message");
}

#[tokio::test]
async fn the_inbox_applies_a_message_once_by_its_key() {
    let s = TestServer::start().await;
    let director = s.staff("director").await;
    let message = |key: &str| {
        json!({"key": key, "from_hall": "shanxia", "kind": "report", "body": {
            "hall_name": "山下镇便民服务中心", "number": "20261125-0003", "service_id": "mz-linshi",
            "service_name": "临时救助申请", "authority": "县民政局", "applicant_name": "赵六", "applicant_phone": "13600002222"}})
    };
    let first = s.post("/api/relay/inbox", COUNTY, message("shanxia:report:20261125-0003")).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["outcome"], "incoming_registered");
    let again = s.post("/api/relay/inbox", COUNTY, message("shanxia:report:20261125-0003")).await;
    assert_eq!(again.body, first.body, "a repeat gets the first answer");
    // Even under another key, one origin case is one incoming case.
    let other = s.post("/api/relay/inbox", COUNTY, message("shanxia:report:again")).await;
    assert_eq!(other.body["incoming_id"], first.body["incoming_id"]);
    let list = get(&s, "/api/incoming", &director).await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(list.body.as_array().unwrap().len(), 1, "{}", list.body);
    let line = &list.body[0];
    assert_eq!(
        (line["origin_hall_name"].as_str(), line["origin_number"].as_str()),
        (Some("山下镇便民服务中心"), Some("20261125-0003"))
    );
    assert_eq!((line["window_id"].as_str(), line["state"].as_str()), (Some("w02"), Some("received")));
    assert!(!list.body.to_string().contains("赵六"), "lists carry no personal data");
    assert_eq!(audits(&s, "incoming.received"), 1);
    // A matter this hall does not have: the window of its general inquiries (综合咨询).
    let mut unknown = message("shanxia:report:20261125-0004");
    unknown["body"]["number"] = json!("20261125-0004");
    unknown["body"]["service_id"] = json!("xx-unknown");
    unknown["body"]["service_name"] = json!("本厅没有的事项");
    let r = s.post("/api/relay/inbox", COUNTY, unknown).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let general = get(&s, "/api/incoming", &director).await.body;
    let line = general.as_array().unwrap().iter().find(|l| l["origin_number"] == "20261125-0004").unwrap().clone();
    assert_eq!(line["window_id"], "w01", "{line}");
    // Bad messages: a clear 4xx, nothing applied (and not remembered: a good one may follow).
    let no_number = json!({"key": "k1", "from_hall": "shanxia", "kind": "report", "body": {"authority": "x"}});
    assert_error(&s.post("/api/relay/inbox", COUNTY, no_number).await, 422, "invalid_message");
    let unknown_kind = json!({"key": "k2", "from_hall": "shanxia", "kind": "gossip", "body": {}});
    assert_error(&s.post("/api/relay/inbox", COUNTY, unknown_kind).await, 422, "invalid_message");
    assert_error(&s.post("/api/relay/inbox", COUNTY, json!({"key": "k3"})).await, 400, "invalid_body");
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let keys: i64 = db.query_row("SELECT COUNT(*) FROM inbox", [], |r| r.get(0)).unwrap();
    assert_eq!(keys, 3, "the keys applied, not the refused ones");
}

/// A step the county delivered late (held back after a refusal) comes after the upper hall's
/// close: it is kept, not applied — the applicant's case never goes back from 已办结.
#[tokio::test]
async fn an_upper_halls_step_delivered_after_its_close_does_not_reopen_the_case() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    let director = s.staff("director").await;
    let number = report(&s, &clerk).await;
    let progress = |step: &str, extra: Value| {
        let mut body = json!({"origin_number": number, "step": step, "hall_name": "县政务服务中心"});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        json!({"key": format!("county:progress:{number}:{step}"), "from_hall": "county", "kind": "progress", "body": body})
    };
    let accepted = progress("accepted", json!({"deadline": "2026-12-09"}));
    assert_eq!(s.post("/api/relay/inbox", COUNTY, accepted).await.body["outcome"], "progress_recorded");
    let closed = s.post("/api/relay/inbox", COUNTY, progress("closed", json!({"result": "approved"}))).await;
    assert_eq!(closed.body["outcome"], "case_closed", "{}", closed.body);
    let before = get(&s, &format!("/api/cases/{number}"), &director).await.body;
    assert_eq!((before["state"].as_str(), before["upper"]["state"].as_str()), (Some("closed"), Some("closed")));
    for (late, extra) in [("deadline_set", json!({"deadline": "2026-12-20"})), ("accepted", json!({}))] {
        let mut message = progress(late, extra);
        message["key"] = json!(format!("county:progress:{number}:{late}:late"));
        let r = s.post("/api/relay/inbox", COUNTY, message).await;
        assert_eq!((r.status.as_u16(), r.body["outcome"].as_str()), (200, Some("superseded")), "{}", r.body);
    }
    let after = get(&s, &format!("/api/cases/{number}"), &director).await.body;
    assert_eq!(after["upper"], before["upper"], "the upper hall's close was overwritten");
    assert_eq!(after["state"], "closed");
    assert_eq!(after["steps"].as_array().map(Vec::len), before["steps"].as_array().map(Vec::len), "{after}");
}

/// Steps delivered out of order: a deadline the upper hall set before its extension, delivered
/// after it, does not put the older date back — the applicant keeps the date they were told.
#[tokio::test]
async fn an_upper_halls_older_step_delivered_late_does_not_undo_a_later_one() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    let director = s.staff("director").await;
    let number = report(&s, &clerk).await;
    let progress = |step: &str, at: i64, deadline: &str| {
        let body = json!({"origin_number": number, "step": step, "hall_name": "县政务服务中心",
            "deadline": deadline, "stepped_at_ms": at});
        json!({"key": format!("county:progress:{number}:{step}:{deadline}"), "from_hall": "county",
            "kind": "progress", "body": body})
    };
    let t0 = 1_796_000_000_000_i64;
    for (step, at, deadline, outcome) in [
        ("accepted", t0, "2026-12-09", "progress_recorded"),
        ("extended", t0 + 3_000, "2026-12-14", "progress_recorded"),
        ("deadline_set", t0 + 2_000, "2026-12-10", "superseded"),
        ("deadline_set", t0 + 4_000, "2026-12-15", "progress_recorded"),
    ] {
        let r = s.post("/api/relay/inbox", COUNTY, progress(step, at, deadline)).await;
        assert_eq!((r.status.as_u16(), r.body["outcome"].as_str()), (200, Some(outcome)), "{step}: {}", r.body);
        let case = get(&s, &format!("/api/cases/{number}"), &director).await.body;
        let expected = if outcome == "superseded" { "2026-12-14" } else { deadline };
        assert_eq!((case["deadline"].as_str(), case["upper"]["deadline"].as_str()), (Some(expected), Some(expected)));
    }
}

#[tokio::test]
async fn the_county_device_relays_and_nobody_else_does() {
    let s = TestServer::start().await;
    let director = s.staff("director").await;
    let clerk = s.clerk("clerk2", "w02").await;
    // The relay's endpoints are the county's only.
    for token in [director.as_str(), clerk.as_str(), "demo-kiosk"] {
        assert_error(&get(&s, "/api/relay/outbox", token).await, 403, "county_only");
        assert_error(&s.post("/api/relay/outbox/1/ack", token, json!({})).await, 403, "county_only");
        let m = json!({"key": "k", "from_hall": "x", "kind": "report", "body": {}});
        assert_error(&s.post("/api/relay/inbox", token, m).await, 403, "county_only");
    }
    assert_error(&s.send(Method::GET, "/api/relay/outbox", None, None, None).await, 401, "unauthorized");
    // And the county does nothing else: not the incoming cases (the applicant's data), not cases.
    for path in ["/api/incoming", "/api/incoming/1", "/api/cases"] {
        let r = get(&s, path, COUNTY).await;
        assert_eq!(r.status, 403, "{path}: {}", r.body);
    }
    let r = s.post("/api/incoming/1/accept", COUNTY, json!({})).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_error(&get(&s, "/api/relay/outbox?limit=0", COUNTY).await, 400, "invalid_limit");
}

#[tokio::test]
async fn the_outbox_is_read_page_by_page_past_messages_still_waiting() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    for _ in 0..3 {
        report(&s, &clerk).await;
    }
    // The first waits for a town that is down; the county reads on after it.
    let first = get(&s, "/api/relay/outbox?limit=1", COUNTY).await.body;
    let id = first[0]["id"].as_i64().unwrap();
    let next = get(&s, &format!("/api/relay/outbox?limit=1&after={id}"), COUNTY).await.body;
    assert_eq!(next.as_array().unwrap().len(), 1, "{next}");
    assert!(next[0]["id"].as_i64().unwrap() > id);
    let rest = get(&s, &format!("/api/relay/outbox?after={id}"), COUNTY).await.body;
    assert_eq!(rest.as_array().unwrap().len(), 2, "{rest}");
    assert_eq!(outbox(&s).await.len(), 3, "nothing acknowledged: all still waiting");
}

/// The hall plays both ends: its reported case comes back to it as an incoming case, which its
/// w02 clerk accepts and closes; the progress comes home to the case and its applicant's page.
#[tokio::test]
async fn a_report_goes_up_and_its_result_comes_back_to_the_applicant() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    let number = report(&s, &clerk).await;
    let answers = relay_to_self(&s, 2).await;
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0], answers[1]);
    let id = answers[0]["incoming_id"].as_i64().unwrap();
    // At the upper hall: on w02's desk (its matter's window), its data read by its clerk (audited).
    let mine = get(&s, "/api/incoming?window=w02", &clerk).await.body;
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    let whole = get(&s, &format!("/api/incoming/{id}"), &clerk).await;
    assert_eq!(whole.status, 200, "{}", whole.body);
    assert_eq!(
        (whole.body["applicant_name"].as_str(), whole.body["note"].as_str()),
        (Some("王五"), Some("因病致贫，申请县级临时救助"))
    );
    assert_eq!(audits(&s, "incoming.read"), 1);
    let other = s.clerk("clerk1", "w01").await;
    assert_error(&get(&s, &format!("/api/incoming/{id}"), &other).await, 403, "not_your_case");
    assert_error(
        &s.post(&format!("/api/incoming/{id}/close"), &clerk, json!({"result": "approved"})).await,
        409,
        "invalid_case_action",
    );
    // Not promised longer than the hall publishes for the matter (R12), nothing changed.
    for days in [0, 11] {
        let r = s.post(&format!("/api/incoming/{id}/accept"), &clerk, json!({ "days": days })).await;
        assert_error(&r, 422, "promised_days_out_of_range");
    }
    // Accepted: 临时救助 promises 10 working days here too (Wednesday 25 November: 9 December).
    let accepted = s.post(&format!("/api/incoming/{id}/accept"), &clerk, json!({})).await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    assert_eq!(
        (accepted.body["state"].as_str(), accepted.body["deadline"].as_str()),
        (Some("accepted"), Some("2026-12-09"))
    );
    relay_to_self(&s, 1).await;
    let director = s.staff("director").await;
    let case = get(&s, &format!("/api/cases/{number}"), &director).await.body;
    assert_eq!(case["upper"]["state"], "accepted", "{case}");
    assert_eq!(case["upper"]["deadline"], "2026-12-09");
    assert_eq!(case["state"], "open");
    // The upper hall's date came by the relay: the window does not move it (R12), the director may.
    let later = json!({"note": "县局电话告知将延后", "deadline": "2027-01-29"});
    assert_error(&s.post(&format!("/api/cases/{number}/progress"), &clerk, later).await, 403, "director_only");
    // The decision is the upper level's (R14): the town does not close before its answer,
    // and the case says so (the clerk's page holds 办结 on it).
    assert_eq!(case["awaiting_reply"], true, "{case}");
    let close = json!({"result": "approved"});
    assert_error(&s.post(&format!("/api/cases/{number}/close"), &clerk, close).await, 422, "reply_required");
    // Extended once by the director (R12), with its reason; a clerk may not.
    let extend = json!({"days": 3, "reason": "需实地核查家庭收入"});
    let r = s.post(&format!("/api/incoming/{id}/extend"), &clerk, extend.clone()).await;
    assert_error(&r, 403, "director_only");
    let r = s.post(&format!("/api/incoming/{id}/extend"), &director, extend.clone()).await;
    assert_eq!((r.status.as_u16(), r.body["deadline"].as_str()), (200, Some("2026-12-14")), "{}", r.body);
    assert_error(&s.post(&format!("/api/incoming/{id}/extend"), &director, extend).await, 409, "extension_used");
    relay_to_self(&s, 1).await;
    let case = get(&s, &format!("/api/cases/{number}"), &director).await.body;
    assert_eq!(case["upper"]["deadline"], "2026-12-14", "{case}");
    // The town's deadline is the one the applicant was given: the county's, extended; moved
    // only there. On the 10th the case is not overdue at the town.
    assert_eq!(case["deadline"], "2026-12-14", "{case}");
    let extend = json!({"days": 2, "reason": "等待县局批复"});
    let r = s.post(&format!("/api/cases/{number}/extend"), &director, extend).await;
    assert_error(&r, 409, "invalid_case_action");
    s.clock().set(chrono::DateTime::parse_from_rfc3339("2026-12-10T10:00:00+08:00").unwrap().into());
    let director = s.staff("director").await;
    let overdue = get(&s, "/api/cases?due=overdue", &director).await.body;
    assert!(!overdue.to_string().contains(&number), "{overdue}");
    let clerk = s.clerk("clerk2", "w02").await;
    // Closed, not approved, with the reason the applicant is told.
    let closed = s
        .post(
            &format!("/api/incoming/{id}/close"),
            &clerk,
            json!({"result": "not_approved", "reason": "家庭收入超过救助标准"}),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    let answers = relay_to_self(&s, 3).await;
    assert_eq!(answers[0]["outcome"], "case_closed");
    assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");
    let case = get(&s, &format!("/api/cases/{number}"), &director).await.body;
    assert_eq!((case["state"].as_str(), case["result"].as_str()), (Some("closed"), Some("not_approved")), "{case}");
    assert_eq!(case["upper"]["result"], "not_approved");
    assert!(case.get("awaiting_reply").is_none(), "a closed case awaits nothing: {case}");
    let code = case["check_code"].as_str().unwrap();
    let progress = s.get(&format!("/api/cases/{number}?code={code}")).await.body;
    let history: Vec<&str> =
        progress["history"].as_array().unwrap().iter().map(|h| h["text"].as_str().unwrap()).collect();
    let upper: Vec<&&str> = history.iter().filter(|t| t.starts_with("上报至")).collect();
    assert_eq!(
        upper,
        [
            &"上报至青石镇便民服务中心：已受理，承诺办结日期 2026-12-09",
            &"上报至青石镇便民服务中心：办理期限延长至 2026-12-14：需实地核查家庭收入",
            &"上报至青石镇便民服务中心：已办结，不予许可。理由：家庭收入超过救助标准"
        ],
        "{history:?}"
    );
    assert_eq!(progress["upper"]["state"], "closed");
    assert_eq!(progress["status_text"], "已办结：不予许可");
    // Its deadline and its close were the county's (R14): not the town clerk's to keep or miss
    // on December's assessment; a town extension would have been refused.
    let month = s.send(Method::GET, "/api/assessment?month=2026-12", Some(&director), None, None).await.body;
    let clerk2 = month["staff"].as_array().unwrap().iter().find(|x| x["key"] == "clerk2").unwrap().clone();
    let f = &clerk2["figures"];
    assert_eq!(
        (f["closed_on_time"].as_u64(), f["closed_late"].as_u64(), f["overdue_open"].as_u64()),
        (Some(0), Some(0), Some(0))
    );
    assert!(!progress.to_string().contains("王五"));
    assert!(outbox(&s).await.is_empty(), "everything acknowledged");
}

/// Accepted in December with a limit running into a year whose calendar is not loaded: the
/// incoming case is accepted all the same (it was refused `calendar_year_missing`), both halls
/// say the deadline waits for that year, and adding the year sets it at both.
#[tokio::test]
async fn an_incoming_case_accepted_into_a_year_not_loaded_gets_its_deadline_when_the_year_is_added() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    s.issue("mz-dibao").await;
    assert_eq!(s.act(&clerk, "w02", "call-next").await.status, 200);
    let body = json!({"outcome": "reported", "authority": "县民政局", "applicant_name": "王五"});
    let r = s.post("/api/windows/w02/finish", &clerk, body).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let number = r.body["case"]["number"].as_str().unwrap().to_string();
    let id = relay_to_self(&s, 1).await[0]["incoming_id"].as_i64().unwrap();
    // 最低生活保障 promises 30 working days: from Wednesday 25 November, into 2027.
    let accepted = s.post(&format!("/api/incoming/{id}/accept"), &clerk, json!({})).await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    assert_eq!((accepted.body["state"].as_str(), accepted.body["deadline"].as_str()), (Some("accepted"), None));
    let said = accepted.body["history"].as_array().unwrap().last().unwrap()["text"].as_str().unwrap().to_string();
    assert_eq!(said, "已受理，办结日期待2027年节假日安排公布后确定", "{}", accepted.body);
    relay_to_self(&s, 1).await;
    let admin = s.staff("admin").await;
    let added = s.post("/api/admin/calendar", &admin, json!({"toml": crate::cases::TEST_2027})).await;
    assert_eq!(added.status, 201, "{}", added.body);
    // 25 Nov + 30 working days: 7 January 2027, at the upper hall and, relayed, at the origin.
    let incoming = get(&s, &format!("/api/incoming/{id}"), &clerk).await.body;
    assert_eq!(incoming["deadline"], "2027-01-07", "{incoming}");
    assert_eq!(incoming["history"].as_array().unwrap().last().unwrap()["action"], "deadline_set", "{incoming}");
    assert_eq!(audits(&s, "incoming.deadline_set"), 1);
    relay_to_self(&s, 1).await;
    let director = s.staff("director").await;
    let case = get(&s, &format!("/api/cases/{number}"), &director).await.body;
    assert_eq!(
        (case["upper"]["state"].as_str(), case["upper"]["deadline"].as_str()),
        (Some("accepted"), Some("2027-01-07"))
    );
    let upper: Vec<&str> = case["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["text"].as_str().unwrap())
        .filter(|t| t.starts_with("上报至"))
        .collect();
    assert_eq!(
        upper,
        [
            "上报至青石镇便民服务中心：已受理，办结日期待2027年节假日安排公布后确定",
            "上报至青石镇便民服务中心：节假日安排已公布，承诺办结日期 2027-01-07"
        ],
        "{case}"
    );
    assert!(outbox(&s).await.is_empty(), "everything acknowledged");
}

/// R14: once the county delivered a report, its case's history (which its applicant reads) says
/// where it went; once only, and only while nothing has come from above yet. A step only: the
/// case stays the town's (no `upper` line, which would give its deadline to the upper hall).
#[tokio::test]
async fn a_report_delivered_is_in_its_cases_history_once() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    let director = s.staff("director").await;
    let steps = |case: &Value| crate::support::history(case);
    let delivered = |case: &Value| steps(case).into_iter().filter(|(a, _)| a == "upper_received").collect::<Vec<_>>();

    // Named by the county: the step and the upper hall's line.
    let named = report(&s, &clerk).await;
    let m = outbox(&s).await.into_iter().find(|m| m["key"] == format!("report:{named}")).unwrap();
    let ack = format!("/api/relay/outbox/{}/ack", m["id"]);
    let body = json!({"to_hall_name": "云岭县政务服务中心"});
    assert_eq!(s.post(&ack, COUNTY, body.clone()).await.status, 204);
    let case = get(&s, &format!("/api/cases/{named}"), &director).await.body;
    assert_eq!(
        delivered(&case),
        [("upper_received".to_string(), "上报材料已送达云岭县政务服务中心，等待受理".to_string())],
        "{case}"
    );
    assert!(case["upper"].is_null(), "{case}");
    assert_eq!(case["state"], "open");
    // The applicant reads it on the case's page (by its check code).
    let code = case["check_code"].as_str().unwrap();
    let public = s.send(Method::GET, &format!("/api/cases/{named}?code={code}"), None, None, None).await.body;
    assert!(steps(&public).iter().any(|(a, t)| a == "upper_received" && t.contains("云岭县政务服务中心")), "{public}");
    // Acknowledged again (the county's answer lost on the link): nothing more.
    assert_eq!(s.post(&ack, COUNTY, body).await.status, 204);
    let again = get(&s, &format!("/api/cases/{named}"), &director).await.body;
    assert_eq!(delivered(&again).len(), 1);

    // A county of an earlier version sends no body: the step without the name, no upper line.
    let plain = report(&s, &clerk).await;
    let m = outbox(&s).await.into_iter().find(|m| m["key"] == format!("report:{plain}")).unwrap();
    let r = s.send(Method::POST, &format!("/api/relay/outbox/{}/ack", m["id"]), Some(COUNTY), None, None).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let case = get(&s, &format!("/api/cases/{plain}"), &director).await.body;
    assert_eq!(delivered(&case)[0].1, "上报材料已送达上级政务服务中心，等待受理");
    assert!(case["upper"].is_null(), "{case}");

    // The upper hall accepted it before the county noted the delivery (an outage between the
    // two): the late acknowledgement adds nothing after 已受理.
    let late = report(&s, &clerk).await;
    let m = outbox(&s).await.into_iter().find(|m| m["key"] == format!("report:{late}")).unwrap();
    let message =
        json!({"key": format!("qingshui:report:{late}"), "from_hall": "qingshui", "kind": "report", "body": m["body"]});
    let id = s.post("/api/relay/inbox", COUNTY, message).await.body["incoming_id"].as_i64().unwrap();
    assert_eq!(s.post(&format!("/api/incoming/{id}/accept"), &clerk, json!({})).await.status, 200);
    let progress = outbox(&s).await.into_iter().find(|x| x["kind"] == "progress").unwrap();
    let message = json!({"key": format!("qingshui:{}", progress["key"].as_str().unwrap()), "from_hall": "qingshui",
        "kind": "progress", "body": progress["body"]});
    assert_eq!(s.post("/api/relay/inbox", COUNTY, message).await.status, 200);
    let path = format!("/api/relay/outbox/{}/ack", m["id"]);
    assert_eq!(s.post(&path, COUNTY, json!({"to_hall_name": "云岭县政务服务中心"})).await.status, 204);
    let case = get(&s, &format!("/api/cases/{late}"), &director).await.body;
    assert!(delivered(&case).is_empty(), "{case}");
    assert_eq!(case["upper"]["state"], "accepted");

    // A body that is not an acknowledgement is refused and changes nothing.
    let third = report(&s, &clerk).await;
    let m = outbox(&s).await.into_iter().find(|m| m["key"] == format!("report:{third}")).unwrap();
    let path = format!("/api/relay/outbox/{}/ack", m["id"]);
    assert_error(&s.post(&path, COUNTY, json!({"to_hall_name": 7})).await, 400, "invalid_body");
    assert!(outbox(&s).await.iter().any(|x| x["id"] == m["id"]), "still waiting");
}

/// A window removed from the hall while it holds an incoming case still open: the case goes on
/// no desk, where the director's card marks it, instead of staying on a window nobody signs in at.
#[tokio::test]
async fn an_incoming_case_on_a_removed_window_goes_on_no_desk_for_the_director() {
    let s = TestServer::start().await;
    let message = json!({"key": "baiyun:report:20261125-0007", "from_hall": "baiyun", "kind": "report",
        "body": {"number": "20261125-0007", "hall_name": "白云镇便民服务中心", "service_id": "ly-caifa",
                 "service_name": "林木采伐许可", "authority": "县林业局", "applicant_name": "赵六"}});
    let r = s.post("/api/relay/inbox", COUNTY, message).await;
    let id = r.body["incoming_id"].as_i64().unwrap();
    let director = s.staff("director").await;
    let line = |list: Value| list.as_array().unwrap().iter().find(|l| l["id"] == id).unwrap().clone();
    assert_eq!(line(get(&s, "/api/incoming", &director).await.body)["window_id"], "w11");
    // 林业窗口 (w11) is removed; its matters go to w10.
    let admin = s.staff("admin").await;
    let toml = get(&s, "/api/admin/hall", &admin).await.body["toml"].as_str().unwrap().to_string();
    let mut events = crate::support::Sse::connect_as(&s.base, Some(&director), None).await;
    let saved = s.post("/api/admin/hall", &admin, json!({ "toml": crate::hall_change::without_w11(&toml) })).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let e = events.until("incoming_changed").await.0.data;
    assert_eq!((e["window_id"].clone(), e["from_window_id"].as_str()), (Value::Null, Some("w11")), "{e}");
    let now = line(get(&s, "/api/incoming", &director).await.body);
    assert!(now.get("window_id").is_none(), "on no desk: {now}");
    let whole = get(&s, &format!("/api/incoming/{id}"), &director).await.body;
    let last = whole["history"].as_array().unwrap().last().unwrap()["text"].as_str().unwrap().to_string();
    assert_eq!(last, "11号窗口（林业窗口）已撤销：待中心主任分派窗口");
    assert_eq!(audits(&s, "incoming.unassigned"), 1);
    // Handed on by the director as any case on no desk.
    let r = s.post(&format!("/api/incoming/{id}/assign"), &director, json!({"window_id": "w10"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

/// R14, R18: a report for a matter this hall does not list, with no window for general inquiries,
/// is on no desk: the director sees it and hands it to a window (then another), and grants its
/// one extension; a clerk may do neither.
#[tokio::test]
async fn the_director_hands_an_incoming_case_on_no_desk_to_a_window() {
    let s = TestServer::start().await;
    let admin = s.staff("admin").await;
    let toml = get(&s, "/api/admin/hall", &admin).await.body["toml"].as_str().unwrap().to_string();
    let toml = toml.replacen("general_inquiry = \"zh-zixun\"", "", 1);
    assert_eq!(s.post("/api/admin/hall", &admin, json!({ "toml": toml })).await.status, 200);
    let message = json!({"key": "baiyun:report:20261125-0001", "from_hall": "baiyun", "kind": "report",
        "body": {"number": "20261125-0001", "hall_name": "白云镇便民服务中心", "service_id": "yy-buliao",
                 "service_name": "渔业捕捞许可", "authority": "县农业农村局", "applicant_name": "赵六"}});
    let r = s.post("/api/relay/inbox", COUNTY, message).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.body["incoming_id"].as_i64().unwrap();
    let director = s.staff("director").await;
    let all = get(&s, "/api/incoming", &director).await.body;
    let line = all.as_array().unwrap().iter().find(|l| l["id"] == id).unwrap().clone();
    assert!(line.get("window_id").is_none(), "on no desk: {line}");
    assert!(!line.to_string().contains("赵六"), "the list carries no applicant");

    let clerk2 = s.clerk("clerk2", "w02").await;
    let assign = |w: &str| (format!("/api/incoming/{id}/assign"), json!({ "window_id": w }));
    let (path, body) = assign("w02");
    assert_error(&s.post(&path, &clerk2, body.clone()).await, 403, "director_only");
    assert_error(&s.post(&path, &director, json!({"window_id": "w99"})).await, 404, "unknown_window");
    let mut events = crate::support::Sse::connect_as(&s.base, Some(&director), None).await;
    let r = s.post(&path, &director, body.clone()).await;
    assert_eq!((r.status.as_u16(), r.body["window_id"].as_str()), (200, Some("w02")), "{}", r.body);
    let e = events.until("incoming_changed").await.0.data;
    assert_eq!((e["window_id"].as_str(), e["from_window_id"].as_str()), (Some("w02"), None), "{e}");
    let desk = |token: String, w: &'static str| {
        let s = &s;
        async move {
            let list = get(s, &format!("/api/incoming?window={w}"), &token).await.body;
            list.as_array().unwrap().iter().any(|l| l["id"] == id)
        }
    };
    assert!(desk(clerk2.clone(), "w02").await, "on w02's desk now");
    // The same window again changes nothing (its answer, the case whole, is a read: audited);
    // then another: w02's desk is told it left.
    let reads = audits(&s, "incoming.read");
    assert_eq!(s.post(&path, &director, body).await.status, 200);
    assert_eq!(audits(&s, "incoming.read"), reads + 1);
    let (path, body) = assign("w03");
    assert_eq!(s.post(&path, &director, body).await.status, 200);
    let e = events.until("incoming_changed").await.0.data;
    assert_eq!((e["window_id"].as_str(), e["from_window_id"].as_str()), (Some("w03"), Some("w02")), "{e}");
    assert!(!desk(clerk2, "w02").await, "no longer w02's");
    let whole = get(&s, &format!("/api/incoming/{id}"), &director).await.body;
    let steps: Vec<&str> = whole["history"].as_array().unwrap().iter().map(|h| h["text"].as_str().unwrap()).collect();
    assert_eq!(
        steps.iter().filter(|t| t.starts_with("中心主任分派至")).copied().collect::<Vec<_>>(),
        ["中心主任分派至2号窗口（民政窗口（一））办理", "中心主任分派至3号窗口（民政窗口（二））办理"],
        "{steps:?}"
    );
    assert_eq!(audits(&s, "incoming.assigned"), 2);

    // Accepted at w03, extended once by the director (listed as extended), then closed: a closed
    // case stays where it was handled.
    let clerk3 = s.clerk("clerk3", "w03").await;
    // 渔业捕捞许可 is no matter of this hall: accepted with the days promised, never without.
    let r = s.post(&format!("/api/incoming/{id}/accept"), &clerk3, json!({})).await;
    assert_error(&r, 422, "promised_days_required");
    for days in [0, 251] {
        let r = s.post(&format!("/api/incoming/{id}/accept"), &clerk3, json!({ "days": days })).await;
        assert_error(&r, 422, "promised_days_out_of_range");
    }
    let r = s.post(&format!("/api/incoming/{id}/accept"), &clerk3, json!({"days": 5})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let extend = json!({"days": 2, "reason": "需现场核实渔船证照"});
    assert_eq!(s.post(&format!("/api/incoming/{id}/extend"), &director, extend).await.status, 200);
    let line = get(&s, "/api/incoming?window=w03", &clerk3).await.body[0].clone();
    assert_eq!(line["extended"], true, "{line}");
    let r = s.post(&format!("/api/incoming/{id}/close"), &clerk3, json!({"result": "approved"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let (path, body) = assign("w02");
    assert_error(&s.post(&path, &director, body).await, 409, "invalid_case_action");
}

/// R17 at the county hall: an incoming case accepted at a window and left past the deadline it
/// promised counts overdue for that window and the clerk who accepted it, as the hall's own
/// cases do (the reported case at the origin does not: its deadline is the upper hall's).
#[tokio::test]
async fn an_incoming_case_left_past_its_deadline_counts_in_the_assessment() {
    let s = TestServer::start().await; // Wednesday 25 November 2026
    let clerk = s.clerk("clerk2", "w02").await;
    report(&s, &clerk).await;
    let id = relay_to_self(&s, 1).await[0]["incoming_id"].as_i64().unwrap();
    let accepted = s.post(&format!("/api/incoming/{id}/accept"), &clerk, json!({})).await;
    assert_eq!(accepted.body["deadline"], "2026-12-09", "{}", accepted.body);
    // (The hall plays both ends: the acceptance goes back to its reported case, whose deadline
    // is then the upper hall's and counts there only.)
    relay_to_self(&s, 1).await;
    s.clock().set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 10, 1, 0, 0).unwrap());
    let director = s.staff("director").await;
    let december = get(&s, "/api/assessment?month=2026-12", &director).await.body;
    let overdue = |list: &str, key: &str| {
        december[list].as_array().unwrap().iter().find(|x| x["key"] == key).unwrap()["figures"]["overdue_open"].clone()
    };
    assert_eq!((overdue("windows", "w02"), overdue("staff", "clerk2")), (json!(1), json!(1)), "{december}");
}
