//! 好差评 through the HTTP contract: one rating per service across the evaluator and the phone
//! pages, the reason of a bad one and its follow-up on working days, the evaluator's screen,
//! satisfaction figures, who may see what, and the director-only live events.

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{assert_error, Reply, Sse, TestServer};

const EVALUATOR_W02: &str = "demo-evaluator-w02";

/// A ticket issued, called and finished at w02 by `clerk`: (the ticket as issued, the finish answer).
async fn served(s: &TestServer, clerk: &str) -> (Value, Value) {
    let t = s.issue("mz-linshi").await;
    let called = s.act(clerk, "w02", "call-next").await;
    assert_eq!(called.status, 200, "{}", called.body);
    let r = s.post("/api/windows/w02/finish", clerk, json!({"outcome": "immediate"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    (t, r.body)
}

fn token_of(ticket: &Value) -> String {
    ticket["status_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string()
}

async fn get(s: &TestServer, path: &str, token: Option<&str>) -> Reply {
    s.send(Method::GET, path, token, None, None).await
}

async fn post(s: &TestServer, path: &str, token: Option<&str>, body: Value) -> Reply {
    s.send(Method::POST, path, token, Some(body), None).await
}

#[tokio::test]
async fn one_rating_per_service_from_whichever_channel_comes_first() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    let director = s.staff("director").await;

    // (first channel, then every other channel is refused)
    for first in ["evaluator", "ticket", "case"] {
        let (ticket, finish) = served(&s, &clerk).await;
        let number = finish["number"].as_str().unwrap().to_string();
        let case =
            get(&s, &format!("/api/cases/{}", finish["case"]["number"].as_str().unwrap()), Some(&director)).await;
        let case_token = case.body["status_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
        let channels = [
            ("evaluator", "/api/evaluator/rating".to_string(), Some(EVALUATOR_W02)),
            ("ticket", format!("/api/t/{}/rating", token_of(&ticket)), None),
            ("case", format!("/api/c/{case_token}/rating"), None),
        ];
        let body = json!({"level": "very_satisfied", "ticket_number": number});
        // The clerk who served, signed in, cannot rate through the citizen's pages (nor can the
        // director or a device): refused before anything is read, and nothing is kept.
        for (name, path, _) in channels.iter().filter(|(n, _, _)| *n != "evaluator") {
            for who in [clerk.as_str(), director.as_str(), EVALUATOR_W02] {
                assert_error(&post(&s, path, Some(who), body.clone()).await, 403, "staff_cannot_rate");
            }
            assert_eq!(
                get(&s, &format!("/api/t/{}", token_of(&ticket)), None).await.body.get("rating"),
                None,
                "{name}"
            );
        }
        let (_, path, token) = channels.iter().find(|(n, _, _)| *n == first).unwrap();
        let r = post(&s, path, *token, body.clone()).await;
        assert_eq!(r.status, 201, "{first}: {}", r.body);
        assert_eq!(r.body["level"], "very_satisfied");
        assert_eq!(r.body["follow_up"], false);
        for (_, path, token) in channels.iter().filter(|(n, _, _)| *n != first) {
            let again =
                post(&s, path, *token, json!({"level": "dissatisfied", "reason": "attitude", "ticket_number": number}))
                    .await;
            assert_error(&again, 409, "already_rated");
        }
        // The phone pages show the rating given; nothing else about it.
        let view = get(&s, &format!("/api/t/{}", token_of(&ticket)), None).await;
        assert_eq!(view.body["rating"]["level"], "very_satisfied", "{}", view.body);
        // The case's page says only that it was rated: its staff can open it too.
        let progress = get(&s, &format!("/api/c/{case_token}"), None).await;
        assert_eq!(progress.body["rated"], true, "{}", progress.body);
        assert!(!progress.body.to_string().contains("very_satisfied"), "{}", progress.body);
    }
    // Not finished yet: nothing to rate.
    let waiting = s.issue("mz-linshi").await;
    let r = post(&s, &format!("/api/t/{}/rating", token_of(&waiting)), None, json!({"level": "satisfied"})).await;
    assert_error(&r, 409, "not_finished");
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let n: i64 = db.query_row("SELECT COUNT(*) FROM ratings", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 3, "three services, three ratings, every second attempt refused");
}

#[tokio::test]
async fn a_bad_rating_states_its_reason_and_opens_a_follow_up_on_working_days() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    let director = s.staff("director").await;
    let (ticket, _) = served(&s, &clerk).await;
    let path = format!("/api/t/{}/rating", token_of(&ticket));

    // (body, expected refusal): nothing is stored by a refused rating.
    for (body, code) in [
        (json!({"level": "dissatisfied"}), "rating_reason_required"),
        (json!({"level": "very_dissatisfied", "text": "太慢"}), "rating_reason_required"),
        (json!({"level": "dissatisfied", "reason": "efficiency", "phone": "call me"}), "invalid_phone"),
        (json!({"level": "dissatisfied", "reason": "efficiency", "text": "慢".repeat(501)}), "text_too_long"),
        (json!({"level": "so-so"}), "invalid_body"),
    ] {
        let r = post(&s, &path, None, body.clone()).await;
        assert_error(&r, if code == "invalid_body" { 400 } else { 422 }, code);
    }
    let r = post(
        &s,
        &path,
        None,
        json!({"level": "dissatisfied", "reason": "materials_repeated", "text": "<b>材料</b>要了三次", "phone": "13800001234"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["follow_up"], true);

    // The director's list: by deadline, no phone in it. Wednesday 25 November 2026: contact by the
    // next working day, rectify in 15 working days (16 December).
    let list = get(&s, "/api/follow-ups", Some(&director)).await;
    assert_eq!(list.status, 200, "{}", list.body);
    let f = &list.body[0];
    assert_eq!(f["state"], "open");
    assert_eq!(f["reason"], "materials_repeated");
    assert_eq!(f["text"], "<b>材料</b>要了三次", "stored and given back as text");
    assert_eq!(f["contact_due"], "2026-11-26");
    assert_eq!(f["rectify_due"], "2026-12-16");
    assert_eq!(f["clerk"], "clerk2");
    assert_eq!(f["has_phone"], true);
    assert!(f.get("phone").is_none(), "the list carries no phone: {f}");
    let id = f["id"].as_i64().unwrap();

    // (action, body, expected status, code): closing before contacting a rater who left a phone
    // is refused; contacting twice is refused; closed is final.
    let steps = [
        ("close", json!({"action_taken": "已整改"}), 409, Some("invalid_follow_up_action")),
        ("contact", json!({"note": " "}), 422, Some("note_required")),
        ("contact", json!({"note": "已电话联系，群众表示理解"}), 200, None),
        ("contact", json!({"note": "again"}), 409, Some("invalid_follow_up_action")),
        ("close", json!({"action_taken": "窗口一次性告知清单已更新，对工作人员批评教育"}), 200, None),
        ("close", json!({"action_taken": "again"}), 409, Some("invalid_follow_up_action")),
    ];
    // Two working days later, not contacted yet: overdue.
    s.clock().advance(chrono::Duration::days(2));
    let director = s.staff("director").await;
    let overdue = get(&s, "/api/follow-ups", Some(&director)).await;
    assert_eq!(overdue.body[0]["overdue"], true, "{}", overdue.body);
    let glance = get(&s, "/api/director/today", Some(&director)).await.body;
    assert_eq!(glance["feedback"]["follow_ups_open"], 1, "{}", glance["feedback"]);
    assert_eq!(glance["feedback"]["follow_ups_overdue"], 1);
    let metrics = s.http.get(format!("{}/metrics", s.base)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("hall_follow_ups_overdue 1"), "{metrics}");
    let before = get(&s, &format!("/api/follow-ups/{id}"), Some(&director)).await;
    assert_eq!(before.body["phone"], "13800001234", "the single read carries the phone");
    for (action, body, status, code) in steps {
        let r = post(&s, &format!("/api/follow-ups/{id}/{action}"), Some(&director), body).await;
        match code {
            Some(code) => assert_error(&r, status, code),
            None => {
                assert_eq!(r.status, status, "{action}: {}", r.body);
                assert!(
                    r.body.get("phone").is_none(),
                    "the phone is read once, audited, not in answers kept for retries"
                );
            }
        }
    }
    let one = get(&s, &format!("/api/follow-ups/{id}"), Some(&director)).await;
    assert_eq!(one.body["state"], "closed");
    // Closed, the rater is called back no more: the phone is gone (kept no longer than needed).
    assert!(one.body.get("phone").is_none(), "{}", one.body);
    assert_eq!(one.body["has_phone"], false);
    let kept: Option<String> = rusqlite::Connection::open(&s.db)
        .unwrap()
        .query_row("SELECT phone FROM ratings WHERE id = (SELECT rating_id FROM follow_ups WHERE id = ?1)", [id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(kept, None);
    assert_eq!(one.body["overdue"], false);
    assert_eq!(get(&s, "/api/follow-ups", Some(&director)).await.body, json!([]), "closed: off the running list");
    let all = get(&s, "/api/follow-ups?state=all", Some(&director)).await;
    assert_eq!(all.body[0]["action_taken"], "窗口一次性告知清单已更新，对工作人员批评教育");

    let db = rusqlite::Connection::open(&s.db).unwrap();
    let audited: Vec<(String, String)> = db
        .prepare("SELECT action, actor FROM audit WHERE subject = ?1 ORDER BY id")
        .unwrap()
        .query_map([format!("follow_up:{id}")], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let actions: Vec<&str> = audited.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        ["follow_up.open", "follow_up.read", "follow_up.contacted", "follow_up.closed", "follow_up.read"]
    );
    let rating_audit: String =
        db.query_row("SELECT detail FROM audit WHERE action = 'rating.given'", [], |r| r.get(0)).unwrap();
    assert!(!rating_audit.contains("13800001234"), "the audit trail never holds the rater's phone: {rating_audit}");
}

/// A rater who left no phone cannot be contacted: only the rectification's deadline runs.
#[tokio::test]
async fn a_follow_up_without_a_phone_is_not_overdue_for_a_contact_nobody_can_make() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    let (ticket, _) = served(&s, &clerk).await;
    let path = format!("/api/t/{}/rating", token_of(&ticket));
    let r = post(&s, &path, None, json!({"level": "dissatisfied", "reason": "efficiency"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    // Two working days later (the contact was due the next one).
    s.clock().advance(chrono::Duration::days(2));
    let director = s.staff("director").await;
    let list = get(&s, "/api/follow-ups", Some(&director)).await;
    assert_eq!((&list.body[0]["has_phone"], &list.body[0]["overdue"]), (&json!(false), &json!(false)), "{}", list.body);
    let glance = get(&s, "/api/director/today", Some(&director)).await.body;
    assert_eq!(glance["feedback"]["follow_ups_overdue"], 0, "{}", glance["feedback"]);
    // Past the rectification (16 December): overdue.
    s.clock().advance(chrono::Duration::days(25));
    let director = s.staff("director").await;
    assert_eq!(get(&s, "/api/follow-ups", Some(&director)).await.body[0]["overdue"], true);
    let glance = get(&s, "/api/director/today", Some(&director)).await.body;
    assert_eq!(glance["feedback"]["follow_ups_overdue"], 1, "{}", glance["feedback"]);
}

/// The clerk calls the next citizen at once: the pad still asks the citizen just served while
/// the next one walks up, never the next one once they sit down (their service begun, or 30 s
/// after their call) about the service before theirs.
#[tokio::test]
async fn the_evaluator_stops_asking_once_the_next_citizen_sits_down() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    let (_, first) = served(&s, &clerk).await;
    s.issue("mz-linshi").await;
    assert_eq!(s.act(&clerk, "w02", "call-next").await.status, 200);
    let asking = |body: &serde_json::Value| body.get("asking").map(|a| a["ticket_number"].clone());
    s.clock().advance(chrono::Duration::seconds(10));
    assert_eq!(asking(&get(&s, "/api/evaluator", Some(EVALUATOR_W02)).await.body), Some(first["number"].clone()));
    s.clock().advance(chrono::Duration::seconds(25)); // 35 s after the call: the next citizen is here
    assert_eq!(asking(&get(&s, "/api/evaluator", Some(EVALUATOR_W02)).await.body), None);
    let rate = json!({"level": "very_satisfied", "ticket_number": first["number"]});
    assert_error(&post(&s, "/api/evaluator/rating", Some(EVALUATOR_W02), rate.clone()).await, 409, "rating_closed");
    // Their service begun at once: the same.
    let second = s.post("/api/windows/w02/finish", &clerk, json!({"outcome": "immediate"})).await.body;
    s.issue("mz-linshi").await;
    assert_eq!(s.act(&clerk, "w02", "call-next").await.status, 200);
    assert_eq!(asking(&get(&s, "/api/evaluator", Some(EVALUATOR_W02)).await.body), Some(second["number"].clone()));
    assert_eq!(s.act(&clerk, "w02", "start").await.status, 200);
    assert_eq!(asking(&get(&s, "/api/evaluator", Some(EVALUATOR_W02)).await.body), None);
}

#[tokio::test]
async fn the_evaluator_asks_about_the_service_just_finished_and_then_idles() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;

    let idle = get(&s, "/api/evaluator", Some(EVALUATOR_W02)).await;
    assert_eq!(idle.status, 200, "{}", idle.body);
    assert_eq!(idle.body["window_id"], "w02");
    assert!(idle.body["clerk"]["name"].is_string(), "the clerk on duty: {}", idle.body);
    assert!(idle.body.get("asking").is_none());

    let (_, first) = served(&s, &clerk).await;
    let asking = get(&s, "/api/evaluator", Some(EVALUATOR_W02)).await;
    assert_eq!(asking.body["asking"]["ticket_number"], first["number"], "{}", asking.body);
    // The number alone: the pad may still show it to the next citizen, and a matter beside it
    // would tell them what the one before came for (低保: welfare status).
    let fields: Vec<&String> = asking.body["asking"].as_object().unwrap().keys().collect();
    assert_eq!(fields, ["ticket_number", "finished_at", "until"], "{}", asking.body);

    // A later service replaces it: the first can no longer be rated at the window.
    let (_, second) = served(&s, &clerk).await;
    let r = post(
        &s,
        "/api/evaluator/rating",
        Some(EVALUATOR_W02),
        json!({"level": "satisfied", "ticket_number": first["number"]}),
    )
    .await;
    assert_error(&r, 409, "rating_closed");
    // Another window's evaluator cannot rate w02's service.
    let r = post(
        &s,
        "/api/evaluator/rating",
        Some("demo-evaluator-w01"),
        json!({"level": "satisfied", "ticket_number": second["number"]}),
    )
    .await;
    assert_error(&r, 409, "rating_closed");
    // Past the asking time (90 s by default) the evaluator idles again.
    s.clock().advance(chrono::Duration::seconds(91));
    assert!(get(&s, "/api/evaluator", Some(EVALUATOR_W02)).await.body.get("asking").is_none());
    let r = post(
        &s,
        "/api/evaluator/rating",
        Some(EVALUATOR_W02),
        json!({"level": "satisfied", "ticket_number": second["number"]}),
    )
    .await;
    assert_error(&r, 409, "rating_closed");

    // Only an evaluator device uses these endpoints.
    let (_, third) = served(&s, &clerk).await;
    for token in ["demo-kiosk", clerk.as_str()] {
        assert_error(&get(&s, "/api/evaluator", Some(token)).await, 403, "evaluator_only");
        let r = post(
            &s,
            "/api/evaluator/rating",
            Some(token),
            json!({"level": "satisfied", "ticket_number": third["number"]}),
        )
        .await;
        assert_error(&r, 403, "evaluator_only");
    }
    let r = post(
        &s,
        "/api/evaluator/rating",
        Some(EVALUATOR_W02),
        json!({"level": "basically_satisfied", "ticket_number": third["number"]}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["channel"], "evaluator");
    assert!(get(&s, "/api/evaluator", Some(EVALUATOR_W02)).await.body.get("asking").is_none(), "rated: idle again");
}

#[tokio::test]
async fn satisfaction_per_window_and_clerk_and_a_clerk_sees_only_their_own_figure() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    let director = s.staff("director").await;
    for (level, reason) in [
        ("very_satisfied", None),
        ("satisfied", None),
        ("basically_satisfied", None),
        ("dissatisfied", Some("efficiency")),
    ] {
        let (ticket, _) = served(&s, &clerk).await;
        let r =
            post(&s, &format!("/api/t/{}/rating", token_of(&ticket)), None, json!({"level": level, "reason": reason}))
                .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let glance = get(&s, "/api/director/today", Some(&director)).await.body;
    assert_eq!(glance["feedback"]["rated_today"], 4);
    assert_eq!(glance["feedback"]["satisfaction_today"], 0.75);
    let sum = get(&s, "/api/ratings/summary", Some(&director)).await;
    assert_eq!(sum.status, 200, "{}", sum.body);
    assert_eq!(sum.body["from"], "2026-11-01");
    assert_eq!(sum.body["hall"]["rated"], 4);
    assert_eq!(sum.body["hall"]["levels"], json!([1, 1, 1, 1, 0]));
    assert_eq!(sum.body["hall"]["rate"], 0.75);
    assert_eq!(sum.body["windows"][0]["key"], "w02");
    assert_eq!(sum.body["clerks"][0]["key"], "clerk2");
    // The clerk's own figure counts whole days up to yesterday: read before and after a
    // service, today's would tell how the citizen just served rated them.
    let mine = get(&s, "/api/ratings/mine", Some(&clerk)).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert_eq!((mine.body["key"].as_str(), mine.body["rated"].as_u64()), (Some("clerk2"), Some(0)));
    let today = get(&s, "/api/ratings/mine?from=2026-11-25&to=2026-11-25", Some(&clerk)).await;
    assert_eq!(today.body["rated"], 0, "not even asked for today alone: {}", today.body);
    let sheet = get(&s, "/api/assessment/mine", Some(&clerk)).await;
    assert_eq!(sheet.body["sheet"]["figures"]["rated"], 0, "the own assessment sheet neither: {}", sheet.body);
    s.clock().advance(chrono::Duration::days(1));
    let (clerk, director) = (s.clerk("clerk2", "w02").await, s.staff("director").await);
    let mine = get(&s, "/api/ratings/mine", Some(&clerk)).await;
    assert_eq!((mine.body["rated"].as_u64(), mine.body["rate"].as_f64()), (Some(4), Some(0.75)), "{}", mine.body);
    let sheet = get(&s, "/api/assessment/mine", Some(&clerk)).await;
    assert_eq!(sheet.body["sheet"]["figures"]["rated"], 4, "{}", sheet.body);
    assert!(mine.body.get("windows").is_none(), "only the clerk's own line: {}", mine.body);
    let other = s.clerk("clerk1", "w01").await;
    assert_eq!(get(&s, "/api/ratings/mine", Some(&other)).await.body["rated"], 0);
    let r = get(&s, "/api/ratings/summary?from=2026-12-01&to=2026-11-01", Some(&director)).await;
    assert_error(&r, 422, "invalid_date");
    let later = get(&s, "/api/ratings/summary?from=2026-11-26&to=2026-11-30", Some(&director)).await;
    assert_eq!(later.body["hall"]["rated"], 0);
    assert!(later.body["hall"].get("rate").is_none());
}

#[tokio::test]
async fn who_may_read_and_act_on_ratings_and_follow_ups() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    let director = s.staff("director").await;
    let admin = s.staff("admin").await;
    let (ticket, _) = served(&s, &clerk).await;
    let r = post(
        &s,
        &format!("/api/t/{}/rating", token_of(&ticket)),
        None,
        json!({"level": "very_dissatisfied", "reason": "attitude"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = get(&s, "/api/follow-ups", Some(&director)).await.body[0]["id"].as_i64().unwrap();
    // Anyone may read /metrics: nothing there moves the moment a citizen rates badly.
    let metrics = s.http.get(format!("{}/metrics", s.base)).send().await.unwrap().text().await.unwrap();
    assert!(!metrics.contains("follow_ups_open") && metrics.contains("hall_follow_ups_overdue 0"), "{metrics}");

    // (endpoint, method, body) × (anonymous, kiosk, evaluator, clerk, director, admin): status.
    let who: [(&str, Option<&str>); 6] = [
        ("anonymous", None),
        ("kiosk", Some("demo-kiosk")),
        ("evaluator", Some(EVALUATOR_W02)),
        ("clerk", Some(clerk.as_str())),
        ("director", Some(director.as_str())),
        ("admin", Some(admin.as_str())),
    ];
    let table: [(&str, Method, Option<Value>, [u16; 6]); 6] = [
        ("/api/follow-ups", Method::GET, None, [401, 403, 403, 403, 200, 200]),
        ("/api/follow-ups/{id}", Method::GET, None, [401, 403, 403, 403, 200, 200]),
        ("/api/ratings/summary", Method::GET, None, [401, 403, 403, 403, 200, 200]),
        ("/api/ratings/mine", Method::GET, None, [401, 403, 403, 200, 200, 200]),
        ("/api/follow-ups/{id}/contact", Method::POST, Some(json!({"note": "联系了"})), [401, 403, 403, 403, 200, 409]),
        ("/api/evaluator", Method::GET, None, [401, 403, 200, 403, 403, 403]),
    ];
    for (path, method, body, want) in table {
        let path = path.replace("{id}", &id.to_string());
        for ((name, token), status) in who.iter().zip(want) {
            let r = s.send(method.clone(), &path, *token, body.clone(), None).await;
            assert_eq!(r.status, status, "{name} {method} {path}: {}", r.body);
            if (403..=403).contains(&status) {
                assert!(!r.body.to_string().contains("attitude"), "a refusal leaks nothing: {}", r.body);
            }
        }
    }
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let reads: Vec<String> = db
        .prepare("SELECT actor FROM audit WHERE action = 'follow_up.read' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(reads, ["director", "admin"], "every read of a follow-up with a phone is audited");
}

#[tokio::test]
async fn a_follow_up_reaches_only_the_directors_stream() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    let director = s.staff("director").await;
    let (ticket, _) = served(&s, &clerk).await;
    let mut on_director = Sse::connect_as(&s.base, Some(&director), None).await;
    let mut on_clerk = Sse::connect_as(&s.base, Some(&clerk), None).await;
    let mut on_display = Sse::connect(&s.base, None).await;
    let r = post(
        &s,
        &format!("/api/t/{}/rating", token_of(&ticket)),
        None,
        json!({"level": "dissatisfied", "reason": "other", "text": "窗口无人"}),
    )
    .await;
    assert_eq!(r.status, 201);
    // The rating itself, for the county's satisfaction: level, window, matter, channel, time.
    let (given, _) = on_director.until("rating_given").await;
    let keys: Vec<&String> = given.data.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["level", "window_id", "service_id", "channel", "at"], "{}", given.data);
    assert_eq!((given.data["level"].as_str(), given.data["window_id"].as_str()), (Some("dissatisfied"), Some("w02")));
    let (e, _) = on_director.until("feedback_changed").await;
    assert_eq!(e.data["subject"], "follow_up");
    assert_eq!(e.data["action"], "opened");
    assert!(!e.data.to_string().contains("窗口无人"), "no text in the event: {}", e.data);
    // A later public event: the clerk's and the display's streams reach it without the follow-up.
    s.issue("mz-linshi").await;
    for stream in [&mut on_clerk, &mut on_display] {
        let (_, seen) = stream.until("ticket_issued").await;
        assert!(
            seen.iter().all(|e| e.kind != "feedback_changed" && e.kind != "rating_given"),
            "{:?}",
            seen.iter().map(|e| &e.kind).collect::<Vec<_>>()
        );
    }
}

#[tokio::test]
async fn phone_ratings_are_limited_per_ticket() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    let (ticket, _) = served(&s, &clerk).await;
    let path = format!("/api/t/{}/rating", token_of(&ticket));
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(post(&s, &path, None, json!({"level": "dissatisfied"})).await.status);
    }
    assert_eq!(statuses, [[422; 10].as_slice(), &[429, 429]].concat(), "ten attempts a minute per ticket");
}

/// Posts with made-up tokens are refused before they are counted: someone on the hall's Wi-Fi
/// cannot use up the allowance of the address every citizen's phone shares.
#[tokio::test]
async fn made_up_tokens_do_not_use_up_the_halls_address() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    let (ticket, _) = served(&s, &clerk).await;
    for i in 0..80 {
        for (page, code) in [("t", "unknown_ticket"), ("c", "unknown_case")] {
            let r = post(&s, &format!("/api/{page}/{i:032x}/rating"), None, json!({"level": "satisfied"})).await;
            assert_error(&r, 404, code);
        }
    }
    let path = format!("/api/t/{}/rating", token_of(&ticket));
    let r = post(&s, &path, None, json!({"level": "satisfied"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
}

#[tokio::test]
async fn the_directors_glance_counts_the_citizens_voice() {
    let s = TestServer::start().await;
    let director = s.staff("director").await;
    let complaint = json!({
        "channel": "phone", "about": "hall", "what": "大厅空调不制冷", "complainant_name": "赵六",
        "complainant_contact": "13900002222", "complexity": "simple",
    });
    assert_eq!(s.post("/api/complaints", &director, complaint).await.status, 201);
    let petition = json!({
        "channel": "visit", "name": "王秀英", "gender": "female", "age": 58, "occupation": "农民",
        "political_status": "群众", "address_or_workplace": "青石镇东村3组", "issue": "宅基地界址纠纷", "urgent": true,
    });
    let r = s.post("/api/petitions", &director, petition).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let glance = get(&s, "/api/director/today", Some(&director)).await.body["feedback"].clone();
    // (field, count): nothing overdue on the day of registration.
    for (field, n) in [
        ("complaints_open", 1),
        ("complaints_overdue", 0),
        ("petitions_open", 1),
        ("petitions_overdue", 0),
        ("petitions_alerts", 1),
        ("follow_ups_open", 0),
    ] {
        assert_eq!(glance[field], n, "{field}: {glance}");
    }
    // A week later neither was answered: both overdue (the complaint was due the next working day).
    s.clock().advance(chrono::Duration::days(7));
    let director = s.staff("director").await;
    let glance = get(&s, "/api/director/today", Some(&director)).await.body["feedback"].clone();
    assert_eq!(
        (glance["complaints_overdue"].as_u64(), glance["petitions_overdue"].as_u64()),
        (Some(1), Some(1)),
        "{glance}"
    );
}

#[tokio::test]
async fn a_rating_counts_on_the_day_it_is_given_in_reports_and_assessments() {
    // Served on 25 November, rated by phone on the 26th: the 26th's in the 好差评 summary, the
    // report and the assessment alike — and not on the clerk's own sheet until the day is over.
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    let (ticket, _) = served(&s, &clerk).await;
    s.clock().advance(chrono::Duration::days(1));
    let r = post(
        &s,
        &format!("/api/t/{}/rating", token_of(&ticket)),
        None,
        json!({"level": "dissatisfied", "reason": "efficiency"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let (clerk, director) = (s.clerk("clerk2", "w02").await, s.staff("director").await);
    let check = |day: &'static str, want: u64| {
        let (s, director) = (&s, director.clone());
        async move {
            let q = format!("from={day}&to={day}");
            let ratings = get(s, &format!("/api/ratings/summary?{q}"), Some(&director)).await.body;
            let report = get(s, &format!("/api/reports/summary?{q}&by=window"), Some(&director)).await.body;
            let rated = (ratings["hall"]["rated"].as_u64(), report["total"]["rated"].as_u64());
            assert_eq!(rated, (Some(want), Some(want)), "{day}: {ratings} {report}");
        }
    };
    check("2026-11-25", 0).await;
    check("2026-11-26", 1).await;
    let sheet = get(&s, "/api/assessment/mine", Some(&clerk)).await;
    assert_eq!(sheet.body["sheet"]["figures"]["rated"], 0, "given today: not on the own sheet yet: {}", sheet.body);
    s.clock().advance(chrono::Duration::days(1));
    let clerk = s.clerk("clerk2", "w02").await;
    let sheet = get(&s, "/api/assessment/mine", Some(&clerk)).await;
    assert_eq!(sheet.body["sheet"]["figures"]["rated"], 1, "{}", sheet.body);
}

/// A bad rating given in mid-December: its rectification runs into 2027, not loaded, and waits;
/// adding 2027 sets it, on the follow-up and, row by row, on the audit trail.
#[tokio::test]
async fn a_follow_up_running_into_next_year_gets_its_deadline_when_the_year_is_added() {
    let s = TestServer::start().await;
    s.clock().set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 14, 1, 0, 0).unwrap()); // Monday 09:00
    let clerk = s.clerk("clerk2", "w02").await;
    let director = s.staff("director").await;
    let (ticket, _) = served(&s, &clerk).await;
    let path = format!("/api/t/{}/rating", token_of(&ticket));
    let r = post(&s, &path, None, json!({"level": "dissatisfied", "reason": "efficiency"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let f = get(&s, "/api/follow-ups", Some(&director)).await.body[0].clone();
    assert_eq!((f["contact_due"].as_str(), f["rectify_due"].as_str()), (Some("2026-12-15"), None), "{f}");
    let admin = s.staff("admin").await;
    // Meanwhile the limit is shortened: the follow-up keeps the one it was opened under.
    let toml = get(&s, "/api/admin/hall", Some(&admin)).await.body["toml"].as_str().unwrap().to_string();
    let limit = "follow_up_rectify_days = 15 ";
    assert!(toml.contains(limit));
    let toml = toml.replacen(limit, "follow_up_rectify_days = 5 ", 1);
    let r = post(&s, "/api/admin/hall", Some(&admin), json!({ "toml": toml })).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let added = post(&s, "/api/admin/calendar", Some(&admin), json!({"toml": crate::cases::TEST_2027})).await;
    assert_eq!(added.status, 201, "{}", added.body);
    let f = get(&s, "/api/follow-ups", Some(&director)).await.body[0].clone();
    assert_eq!(f["rectify_due"], "2027-01-05", "15 working days from 14 December (not 5): {f}");
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let (subject, detail): (String, String) = db
        .query_row("SELECT subject, detail FROM audit WHERE action = 'follow_up.deadline_set'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(subject, format!("follow_up:{}", f["id"]));
    assert!(detail.contains("2027-01-05"), "{detail}");
}

#[tokio::test]
async fn a_rating_after_the_director_gave_the_case_to_another_window_is_the_serving_windows() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    let director = s.staff("director").await;
    let t = s.issue("mz-linshi").await;
    assert_eq!(s.act(&clerk, "w02", "call-next").await.status, 200);
    let r = s.post("/api/windows/w02/finish", &clerk, json!({"outcome": "promised"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let number = r.body["case"]["number"].as_str().unwrap().to_string();
    let given = post(&s, &format!("/api/cases/{number}/assign"), Some(&director), json!({"window_id": "w03"})).await;
    assert_eq!(given.status, 200, "{}", given.body);
    let rated = post(&s, &format!("/api/t/{}/rating", token_of(&t)), None, json!({"level": "very_satisfied"})).await;
    assert_eq!(rated.status, 201, "{}", rated.body);
    // The citizen rates the service at w02 by clerk2: not w03, where nobody served them yet.
    let sum = get(&s, "/api/ratings/summary", Some(&director)).await.body;
    let windows: Vec<(&str, u64)> = sum["windows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["rated"].as_u64() > Some(0))
        .map(|w| (w["key"].as_str().unwrap(), w["rated"].as_u64().unwrap()))
        .collect();
    assert_eq!(windows, [("w02", 1)], "{sum}");
}

#[tokio::test]
async fn a_rating_sent_again_with_its_retry_key_gets_its_first_answer() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk2", "w02").await;
    let (ticket, _) = served(&s, &clerk).await;
    let path = format!("/api/t/{}/rating", token_of(&ticket));
    let body = json!({"level": "satisfied"});
    let first = s.send(Method::POST, &path, None, Some(body.clone()), Some("rate-1")).await;
    assert_eq!(first.status, 201, "{}", first.body);
    // Its answer lost on the way: the page sends it again, with the same key.
    let again = s.send(Method::POST, &path, None, Some(body.clone()), Some("rate-1")).await;
    assert_eq!((again.status.as_u16(), &again.body), (201, &first.body));
    // A second rating (a new key) is refused, whatever the channel.
    assert_error(&s.send(Method::POST, &path, None, Some(body.clone()), Some("rate-2")).await, 409, "already_rated");
    // Past the page's limit of attempts, the retry still gets its first answer.
    let mut limited = false;
    for n in 3..20 {
        let r = s.send(Method::POST, &path, None, Some(body.clone()), Some(&format!("rate-{n}"))).await;
        if r.status == 429 {
            limited = true;
            break;
        }
    }
    assert!(limited, "the limit was reached");
    let late = s.send(Method::POST, &path, None, Some(body), Some("rate-1")).await;
    assert_eq!((late.status.as_u16(), &late.body), (201, &first.body));
}
