//! R4's objections (异议): the applicant objects to how a case is handled or to its result and
//! gets a clear answer at its window; both are kept in the case's history (R5), which the
//! applicant reads too. Recorded by the case's window's clerk or the director, on a running or a
//! closed case; refused whole when either part is missing.

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{assert_error, get, history, TestServer};

/// A citizen of 临时救助 called at w02 and finished as `outcome`: the finish's case.
async fn finish(s: &TestServer, clerk: &str, outcome: &str) -> Value {
    s.issue("mz-linshi").await;
    assert_eq!(s.act(clerk, "w02", "call-next").await.status, 200);
    let r = s.post("/api/windows/w02/finish", clerk, json!({"outcome": outcome})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["case"].clone()
}

async fn object(s: &TestServer, number: &str, token: &str, objection: &str, answer: &str) -> crate::support::Reply {
    s.post(&format!("/api/cases/{number}/objection"), token, json!({"objection": objection, "answer": answer})).await
}

#[tokio::test]
async fn an_objection_and_its_answer_are_kept_in_the_cases_history() {
    let s = TestServer::start().await;
    let c = s.clerk("clerk2", "w02").await;
    let closed = finish(&s, &c, "immediate").await;
    let running = finish(&s, &c, "promised").await;
    let number = closed["number"].as_str().unwrap();
    let before = get(&s, &format!("/api/cases/{number}"), &c).await;

    // Refused whole, changing nothing: a part missing, a part too long, another window's clerk,
    // an unknown case.
    struct Refusal {
        objection: String,
        answer: String,
        status: u16,
        code: &'static str,
    }
    let refusals = [
        Refusal { objection: "不服".into(), answer: " ".into(), status: 422, code: "objection_required" },
        Refusal { objection: "".into(), answer: "已解释".into(), status: 422, code: "objection_required" },
        Refusal { objection: "长".repeat(501), answer: "已解释".into(), status: 422, code: "text_too_long" },
    ];
    for r in &refusals {
        assert_error(&object(&s, number, &c, &r.objection, &r.answer).await, r.status, r.code);
    }
    let other = s.clerk("clerk1", "w01").await;
    assert_error(&object(&s, number, &other, "不服", "已解释").await, 403, "not_your_case");
    assert_error(&object(&s, "20261125-9999", &c, "不服", "已解释").await, 404, "unknown_case");
    assert_eq!(get(&s, &format!("/api/cases/{number}"), &c).await["history"], before["history"], "nothing written");

    // A closed case: the objection and the answer in its history, nothing else of it changed.
    let r = object(&s, number, &c, " 认为应当场发放救助金 ", "已说明需经民政所审核后发放，并告知审核时限").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        history(&r.body).last().unwrap(),
        &(
            "objection_answered".to_string(),
            "申请人提出异议：认为应当场发放救助金。答复：已说明需经民政所审核后发放，并告知审核时限".to_string()
        ),
        "{}",
        r.body
    );
    assert_eq!(r.body["history"].as_array().unwrap().last().unwrap()["by"], "clerk2");
    for field in ["state", "result", "kind", "deadline", "archive_due"] {
        assert_eq!(r.body.get(field), before.get(field), "{field} unchanged");
    }
    // The applicant reads it on their query (R4), without the clerk's name.
    let code = closed["check_code"].as_str().unwrap();
    let p = s.send(Method::GET, &format!("/api/cases/{number}?code={code}"), None, None, None).await.body;
    let last = p["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "objection_answered", "{p}");
    assert!(last["text"].as_str().unwrap().starts_with("申请人提出异议：认为应当场发放救助金"), "{p}");
    assert!(!p.to_string().contains("clerk2"), "{p}");

    // A running case too, and the director for any case; each objection is a step of its own.
    let director = s.staff("director").await;
    let running = running["number"].as_str().unwrap();
    for (token, answer) in [(&c, "已告知承诺办结日期"), (&director, "主任已复核，维持原答复")] {
        let r = object(&s, running, token, "办理太慢", answer).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["state"], "open", "{}", r.body);
    }
    let answered: Vec<String> = history(&get(&s, &format!("/api/cases/{running}"), &c).await)
        .into_iter()
        .filter(|(a, _)| a == "objection_answered")
        .map(|(_, t)| t)
        .collect();
    assert_eq!(
        answered,
        [
            "申请人提出异议：办理太慢。答复：已告知承诺办结日期",
            "申请人提出异议：办理太慢。答复：主任已复核，维持原答复"
        ]
    );
}
