//! A citizen back for a case registered earlier (R11: a 补办件's missing materials; R4: to ask
//! how it stands) takes a ticket like anyone; the clerk at the case's window finishes it as a
//! visit for that case: its history tells it, the materials may start its clock, and no second
//! case is registered. The visit is its window's and clerk's service (served, rated). Another
//! window, even one of the same matter, does not (it sends the citizen on).

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{assert_error, get, history, TestServer};

/// A ticket of 临时救助 called at `window` by `clerk`: the issued ticket.
async fn called(s: &TestServer, clerk: &str, window: &str) -> Value {
    let t = s.issue("mz-linshi").await;
    let r = s.act(clerk, window, "call-next").await;
    assert_eq!((r.status.as_u16(), &r.body["number"]), (200, &t["number"]), "{}", r.body);
    t
}

async fn visit(s: &TestServer, clerk: &str, window: &str, body: Value) -> crate::support::Reply {
    s.post(&format!("/api/windows/{window}/finish-visit"), clerk, body).await
}

fn token_of(ticket: &Value) -> String {
    ticket["status_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string()
}

#[tokio::test]
async fn a_citizen_back_with_the_missing_materials_is_a_visit_not_a_second_case() {
    let s = TestServer::start().await;
    // Wednesday 25 November: a 补办件 registered at w02.
    let c2 = s.clerk("clerk2", "w02").await;
    called(&s, &c2, "w02").await;
    let r = s
        .post("/api/windows/w02/finish", &c2, json!({"outcome": "supplement", "missing_materials": ["户口簿复印件"]}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let number = r.body["case"]["number"].as_str().unwrap().to_string();
    let code = r.body["case"]["check_code"].as_str().unwrap().to_string();

    // Refused, changing nothing: w03, which takes 临时救助 too but does not hold the case (it
    // reads none of its applicant's particulars); an unknown case.
    let c3 = s.clerk("clerk3", "w03").await;
    let elsewhere = called(&s, &c3, "w03").await;
    assert_error(&visit(&s, &c3, "w03", json!({"case_number": number})).await, 403, "not_your_case");
    let view = s.send(Method::GET, &format!("/api/t/{}", token_of(&elsewhere)), None, None, None).await.body;
    assert_eq!(view["status"], "called", "{view}");
    assert_eq!(s.act(&c3, "w03", "no-show").await.status, 200);
    // The applicant back with the materials, called at the case's window.
    let back = called(&s, &c2, "w02").await;
    assert_error(&visit(&s, &c2, "w02", json!({"case_number": "20261125-9999"})).await, 404, "unknown_case");

    let r = visit(&s, &c2, "w02", json!({"case_number": format!(" {number} "), "materials_complete": true})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (&r.body["status"], &r.body["outcome"], &r.body["case"]["number"], &r.body["case"]["state"]),
        (&json!("done"), &json!("supplement"), &json!(number), &json!("open")),
        "{}",
        r.body
    );
    let case = get(&s, &format!("/api/cases/{number}"), &c2).await;
    let steps = history(&case);
    let n = back["number"].as_str().unwrap();
    assert_eq!(steps[1], ("visited".to_string(), format!("申请人持 {n} 号到2号窗口补交材料")), "{case}");
    assert_eq!(steps[2].0, "materials_complete", "{case}");
    assert_eq!((case["state"].as_str(), case["deadline"].is_string()), (Some("open"), true), "the clock runs: {case}");
    // The visit's ticket leads to the case (the citizen's phone page).
    let view = s.send(Method::GET, &format!("/api/t/{}", token_of(&back)), None, None, None).await.body;
    assert_eq!((&view["case"]["number"], view.get("unserved")), (&json!(number), None), "{view}");

    // Back again: materials complete once more is refused whole (the ticket still called).
    let again = called(&s, &c2, "w02").await;
    assert_error(
        &visit(&s, &c2, "w02", json!({"case_number": number, "materials_complete": true})).await,
        409,
        "invalid_case_action",
    );
    let view = s.send(Method::GET, &format!("/api/t/{}", token_of(&again)), None, None, None).await.body;
    assert_eq!(view["status"], "called", "{view}");
    assert_eq!(history(&get(&s, &format!("/api/cases/{number}"), &c2).await).len(), 3, "no step written");
    // Asking how it stands: a visit without materials.
    let r = visit(&s, &c2, "w02", json!({"case_number": number})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let n = again["number"].as_str().unwrap();
    let last = history(&get(&s, &format!("/api/cases/{number}"), &c2).await).pop().unwrap();
    assert_eq!(last, ("visited".to_string(), format!("申请人持 {n} 号到2号窗口续办")));

    // The visit is rated as clerk2's service at w02 (without the case's registering service).
    let r = s
        .send(
            Method::POST,
            &format!("/api/t/{}/rating", token_of(&back)),
            None,
            Some(json!({"level": "satisfied"})),
            None,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);

    let progress = s.send(Method::GET, &format!("/api/cases/{number}?code={code}"), None, None, None).await.body;
    assert_eq!(progress.get("rated"), None, "the case's own service is still to rate: {progress}");

    // One case in the day's report; the two visits are clerk2's served services.
    let director = s.staff("director").await;
    let report = get(&s, "/api/reports/summary?from=2026-11-25&to=2026-11-25&by=staff", &director).await;
    assert_eq!(report["total"]["cases"]["supplement"], 1, "{report}");
    let served: Vec<(String, u64)> = report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["key"].as_str().unwrap().to_string(), l["served"].as_u64().unwrap()))
        .collect();
    assert_eq!(served.iter().find(|(k, _)| k == "clerk2"), Some(&("clerk2".to_string(), 3)), "{report}");
    let rated: Vec<(String, u64)> = report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["key"].as_str().unwrap().to_string(), l["rated"].as_u64().unwrap_or(0)))
        .collect();
    assert_eq!(rated.iter().find(|(k, _)| k == "clerk2"), Some(&("clerk2".to_string(), 1)), "{report}");
}
