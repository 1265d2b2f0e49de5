//! A ticket's status page for the citizen's phone: the unguessable status_url given at issue,
//! `GET /api/t/{token}` and the page `/t/{token}`; and the hall's general-inquiry matter.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{assert_error, TestServer};

fn token_of(url: &str) -> &str {
    url.rsplit('/').next().unwrap()
}

#[tokio::test]
async fn an_issued_ticket_carries_its_status_page_and_the_page_follows_it() {
    let s = TestServer::start().await;
    assert_eq!(s.get("/api/hall").await.body["general_inquiry"], "zh-zixun");

    let first = s.issue("mz-dibao").await;
    let url = first["status_url"].as_str().unwrap().to_string();
    let token = token_of(&url).to_string();
    assert_eq!(url, format!("/t/{token}"), "a path when the server has no public URL");
    assert_eq!(token.len(), 32);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));

    // The same request again with its retry key: the same ticket, the same URL.
    let body = json!({ "service_id": "mz-tekun" });
    let a = s.send(Method::POST, "/api/tickets", Some("demo-kiosk"), Some(body.clone()), Some("k-1")).await;
    let b = s.send(Method::POST, "/api/tickets", Some("demo-kiosk"), Some(body), Some("k-1")).await;
    assert_eq!(a.status, StatusCode::CREATED);
    assert_eq!(a.body, b.body);
    let second_url = a.body["status_url"].as_str().unwrap().to_string();
    assert_ne!(token_of(&second_url), token, "every ticket has its own token");

    // Ids are sequential: nobody but staff reads a ticket by id (contract v1.1), and even staff
    // never see the token there.
    assert_eq!(s.get(&format!("/api/tickets/{}", a.body["id"])).await.status, StatusCode::UNAUTHORIZED);
    let by_id = s.ticket(&a.body["id"]).await;
    assert!(by_id.get("status_url").is_none(), "{by_id}");
    assert!(!by_id.to_string().contains(token_of(&second_url)));

    let view = s.get(&format!("/api/t/{}", token_of(&second_url))).await;
    assert_eq!(view.status, StatusCode::OK, "{}", view.body);
    assert_eq!(view.body["hall_name"], "青石镇便民服务中心");
    assert_eq!(view.body["number"], "B002");
    assert_eq!(view.body["matter"], "特困人员救助供养申请");
    assert_eq!(view.body["status"], "waiting");
    assert_eq!(view.body["waiting_ahead"], 1);
    assert!(view.body["estimated_wait_minutes"].as_u64().unwrap() > 0);
    assert_eq!(view.body["issued_at"], "2026-11-25T09:00:00+08:00");
    assert!(view.body.get("window_number").is_none());

    // Called: the page names the window, its name and where it is.
    let clerk = s.clerk("clerk3", "w03").await;
    assert_eq!(s.act(&clerk, "w03", "call-next").await.body["number"], "B001");
    let mine = s.get(&format!("/api/t/{token}")).await.body;
    assert_eq!(mine["status"], "called");
    assert_eq!(mine["waiting_ahead"], 0);
    assert_eq!(mine["window_number"], 3);
    assert_eq!(mine["window_name"], "民政窗口（二）");
    assert!(!mine["window_location"].as_str().unwrap().is_empty());
    assert_eq!(s.get(&format!("/api/t/{}", token_of(&second_url))).await.body["waiting_ahead"], 0);

    // Unknown and malformed tokens.
    assert_error(&s.get(&format!("/api/t/{}", "0".repeat(32))).await, 404, "unknown_ticket");
    assert_error(&s.get("/api/t/not-a-token").await, 400, "invalid_token");
    assert_error(&s.get(&format!("/api/t/{}", token.to_uppercase())).await, 400, "invalid_token");

    // The page itself: a small mobile HTML page with its script.
    let page = s.http.get(format!("{}{url}", s.base)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = page.text().await.unwrap();
    assert!(html.contains("name=\"viewport\""));
    assert!(html.contains("/assets/ticket.js"));
    let js = s.http.get(format!("{}/assets/ticket.js", s.base)).send().await.unwrap();
    assert_eq!(js.status(), StatusCode::OK);
    let js = js.text().await.unwrap();
    assert!(
        js.contains("/events`") && !js.contains("\"/api/events\""),
        "the page follows its own ticket, not the hall"
    );
}

/// Reads a stream's events of one kind until `n` arrived (or 5 s pass).
async fn ticket_events(res: &mut reqwest::Response, n: usize) -> Vec<Value> {
    let mut text = String::new();
    let mut views = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while views.len() < n {
            let Ok(Some(chunk)) = res.chunk().await else { return };
            text.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = text.find("\n\n") {
                let frame: String = text.drain(..end + 2).collect();
                if let Some(data) = frame.strip_prefix("event: ticket\ndata: ") {
                    views.push(serde_json::from_str(data.trim()).unwrap());
                }
            }
        }
    })
    .await;
    views
}

#[tokio::test]
async fn a_phone_follows_only_its_own_ticket() {
    let s = TestServer::start().await;
    let mine = s.issue("mz-dibao").await;
    let token = token_of(mine["status_url"].as_str().unwrap()).to_string();
    let mut res = s.http.get(format!("{}/api/t/{token}/events", s.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let first = ticket_events(&mut res, 1).await;
    assert_eq!(first[0]["status"], "waiting", "{first:?}");
    // Another queue moving is not this phone's business: nothing is sent for it.
    s.issue("zh-zixun").await;
    let c = s.clerk("clerk2", "w02").await;
    s.act(&c, "w02", "call-next").await;
    let next = ticket_events(&mut res, 1).await;
    assert_eq!(next.len(), 1, "{next:?}");
    assert_eq!(next[0]["status"], "called");
    assert_eq!(next[0]["window_number"], 2);
    assert_error(&s.get(&format!("/api/t/{}/events", "0".repeat(32))).await, 404, "unknown_ticket");
}

/// Numbers hold for their day: a ticket left waiting when the hall closed is `expired` on its
/// page the next day, with nothing ahead and nothing to wait (it will not be called); a ticket
/// of the day itself, and one that was served, are not.
#[tokio::test]
async fn a_ticket_left_waiting_expires_with_its_day() {
    let s = TestServer::start().await; // Wednesday 25 November 2026, 09:00
    let served = s.issue("mz-dibao").await;
    let missed = s.issue("mz-dibao").await;
    let left = s.issue("mz-dibao").await;
    let clerk = s.clerk("clerk2", "w02").await;
    assert_eq!(s.act(&clerk, "w02", "call-next").await.body["number"], served["number"]);
    assert_eq!(s.post("/api/windows/w02/finish", &clerk, json!({"outcome": "immediate"})).await.status, 200);
    assert_eq!(s.act(&clerk, "w02", "call-next").await.body["number"], missed["number"]);
    assert_eq!(s.act(&clerk, "w02", "no-show").await.status, 200);
    let page = |t: &Value| format!("/api/t/{}", token_of(t["status_url"].as_str().unwrap()));
    let today = s.get(&page(&left)).await.body;
    assert_eq!((today["status"].as_str(), today["expired"].as_bool()), (Some("waiting"), Some(false)));
    // Missed today: the staff may still put it back at its place.
    assert_eq!(s.get(&page(&missed)).await.body["expired"], false);

    s.clock().advance(chrono::Duration::days(1));
    let next_day = s.get(&page(&left)).await.body;
    assert_eq!(next_day["expired"], true, "{next_day}");
    // Missed yesterday: no staff can put it back any more (`ticket_expired`): expired too.
    let missed = s.get(&page(&missed)).await.body;
    assert_eq!((missed["status"].as_str(), missed["expired"].as_bool()), (Some("no_show"), Some(true)), "{missed}");
    assert_eq!((next_day["waiting_ahead"].as_u64(), next_day["estimated_wait_minutes"].as_u64()), (Some(0), Some(0)));
    assert_eq!(s.get(&page(&served)).await.body["expired"], false, "a served ticket is done, not expired");
    let fresh = s.issue("mz-dibao").await;
    assert_eq!(s.get(&page(&fresh)).await.body["expired"], false);
}

#[tokio::test]
async fn with_a_public_url_the_status_url_is_absolute() {
    let s = TestServer::options().public_url("https://hall.example.cn/").start().await;
    let t = s.issue("zh-zixun").await;
    let url = t["status_url"].as_str().unwrap();
    assert!(url.starts_with("https://hall.example.cn/t/"), "{url}");
    assert_eq!(url.len(), "https://hall.example.cn/t/".len() + 32);
    let view = s.get(&format!("/api/t/{}", token_of(url))).await;
    assert_eq!(view.body["matter"], "综合咨询");
    s.stop().await;
}
