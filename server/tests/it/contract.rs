//! The HTTP contract end to end: a citizen's ticket from issue to finish.

use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{assert_error, TestServer};

#[tokio::test]
async fn public_reads_describe_the_hall() {
    let s = TestServer::start().await;
    let r = s.get("/api/health").await;
    assert_eq!(r.body, json!({"status": "ok"}));

    let hall = s.get("/api/hall").await.body;
    assert_eq!(hall["name"], "青石镇便民服务中心");
    assert_eq!(hall["timezone"], "Asia/Shanghai");
    assert!(!hall["notice"].as_str().unwrap().is_empty());

    let services = s.get("/api/services").await.body;
    let services = services.as_array().unwrap();
    assert!(services.len() >= 20);
    let dibao = services.iter().find(|m| m["id"] == "mz-dibao").unwrap();
    assert_eq!(dibao["department"], "民政");
    assert_eq!(dibao["windows"], json!(["w02", "w03"]));
    assert!(dibao["materials"].as_array().unwrap().iter().any(|m| m["kind"] == "main"));
    for key in ["procedure", "time_limit_days", "fee", "basis", "queue"] {
        assert!(!dibao[key].is_null(), "{key}");
    }

    let windows = s.get("/api/windows").await.body;
    assert_eq!(windows.as_array().unwrap().len(), 11);
    assert!(windows.as_array().unwrap().iter().all(|w| w["status"] == "closed" && w["serving"].is_null()));

    let queues = s.get("/api/queues").await.body;
    assert_eq!(
        queues[0],
        json!({"queue": "zonghe", "prefix": "A", "name": "综合咨询", "waiting": 0, "estimated_wait_minutes": 0, "oldest_wait_minutes": 0,
               "issuing": {"open": true, "until": "2026-11-25T12:00:00+08:00", "reopened": false}})
    );

    let doc = s.get("/api/openapi.json").await.body;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["paths"]["/api/windows/{id}/call-next"]["post"].is_object());
}

#[tokio::test]
async fn a_ticket_from_kiosk_to_finish() {
    let s = TestServer::start().await;
    let t1 = s.issue("mz-dibao").await;
    assert_eq!(t1["number"], "B001");
    assert_eq!(t1["status"], "waiting");
    assert_eq!(t1["queue"], "minzheng");
    assert_eq!(t1["windows"], json!(["w02", "w03"]));
    assert_eq!(t1["waiting_ahead"], 0);
    assert_eq!(t1["issued_at"], "2026-11-25T09:00:00+08:00");
    let t2 = s.issue("mz-tekun").await;
    assert_eq!(t2["number"], "B002");
    assert_eq!(t2["waiting_ahead"], 1);
    assert!(t2["estimated_wait_minutes"].as_u64().unwrap() > 0);
    // Read by id it is the same ticket, without the status page's secret (only the kiosk gets it).
    let mut t2_public = t2.clone();
    assert!(t2_public.as_object_mut().unwrap().remove("status_url").is_some());
    assert_eq!(s.ticket(&t2["id"]).await, t2_public);
    assert_eq!(s.get("/api/queues").await.body[1]["waiting"], 2);

    let clerk = s.clerk("clerk2", "w02").await;
    let w = s.get("/api/windows").await.body[1].clone();
    assert_eq!(w["status"], "open");
    assert_eq!(w["staff"]["staff_no"].as_str().map(|n| !n.is_empty()), Some(true));

    s.clock().advance(Duration::minutes(3));
    let called = s.act(&clerk, "w02", "call-next").await;
    assert_eq!(called.status, StatusCode::OK);
    assert_eq!(called.body["number"], "B001");
    assert_eq!(called.body["status"], "called");
    assert_eq!(called.body["window_id"], "w02");
    assert_eq!(called.body["first_window_id"], "w02");
    assert_eq!(called.body["called_at"], "2026-11-25T09:03:00+08:00");
    assert_eq!(s.get("/api/windows").await.body[1]["serving"]["number"], "B001");

    let recall = s.act(&clerk, "w02", "recall").await;
    assert_eq!(recall.body["number"], "B001");
    let calls = s.get("/api/calls/recent?limit=5").await.body;
    assert_eq!(calls[0]["recall"], true);
    assert_eq!(calls[1]["recall"], false);
    assert_eq!(calls[0]["window_number"], 2);
    assert_eq!(calls[0]["window_name"], "民政窗口（一）");

    assert_eq!(s.act(&clerk, "w02", "start").await.body["status"], "serving");
    s.clock().advance(Duration::minutes(10));
    let done = s.post("/api/windows/w02/finish", &clerk, json!({"outcome": "immediate"})).await;
    assert_eq!(done.body["status"], "done");
    assert_eq!(done.body["outcome"], "immediate");

    // No-show, then the citizen comes back once.
    assert_eq!(s.act(&clerk, "w02", "call-next").await.body["number"], "B002");
    assert_eq!(s.act(&clerk, "w02", "no-show").await.body["status"], "no_show");
    // The clerk's list of the window's no-shows: where a citizen who comes back is found.
    let no_shows = || s.send(Method::GET, "/api/windows/w02/no-shows", Some(&clerk), None, None);
    let listed = no_shows().await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert_eq!(listed.body[0]["number"], "B002");
    assert_eq!(listed.body[0]["ticket_id"], t2["id"]);
    assert_eq!(listed.body[0]["service_name"], "特困人员救助供养申请");
    assert_eq!(listed.body[0]["requeue_allowed"], true);
    assert_eq!(listed.body.as_array().map(Vec::len), Some(1));
    assert_error(&s.get("/api/windows/w02/no-shows").await, 401, "unauthorized");
    let back = s.post(&format!("/api/tickets/{}/requeue", t2["id"]), &clerk, json!({})).await;
    assert_eq!(back.body["status"], "waiting");
    assert_eq!(no_shows().await.body, json!([]), "back in the queue: off the list");
    let calls = s.get("/api/calls/recent?limit=10").await.body;
    assert!(
        calls.as_array().unwrap().iter().all(|c| c["number"] != "B002"),
        "a display starting now does not send them to the window: {calls}"
    );
    assert_eq!(s.act(&clerk, "w02", "call-next").await.body["number"], "B002");
    assert_eq!(s.act(&clerk, "w02", "no-show").await.status, StatusCode::OK);
    assert_eq!(no_shows().await.body[0]["requeue_allowed"], false, "the sample hall's once is used");
    let again = s.post(&format!("/api/tickets/{}/requeue", t2["id"]), &clerk, json!({})).await;
    assert_error(&again, 409, "invalid_transition");

    // Nobody left.
    assert_eq!(s.act(&clerk, "w02", "call-next").await.status, StatusCode::NO_CONTENT);
}

/// A ticket sent on to w03, called there, then back in the queue (w03's clerk left before the
/// citizen came): a display starting now does not send anyone to w03 for it.
#[tokio::test]
async fn a_transferred_ticket_called_and_put_back_is_not_among_the_recent_calls() {
    let s = TestServer::start().await;
    let t = s.issue("mz-dibao").await;
    let (clerk2, clerk3) = (s.clerk("clerk2", "w02").await, s.clerk("clerk3", "w03").await);
    assert_eq!(s.act(&clerk2, "w02", "call-next").await.status, StatusCode::OK);
    let sent = s.post("/api/windows/w02/transfer", &clerk2, json!({"window_id": "w03"})).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert_eq!(s.act(&clerk3, "w03", "call-next").await.body["number"], t["number"]);
    let at_w03 =
        |calls: &Value| calls.as_array().unwrap().iter().any(|c| c["number"] == t["number"] && c["window_id"] == "w03");
    assert!(at_w03(&s.get("/api/calls/recent").await.body), "called at w03");
    assert_eq!(s.post("/api/auth/logout", &clerk3, json!({})).await.status, StatusCode::NO_CONTENT);
    let calls = s.get("/api/calls/recent").await.body;
    assert!(!at_w03(&calls), "taken back: {calls}");
}

/// Sent on to another matter by w02, called again at w02 a minute later, put back (the clerk
/// left): that later call is taken back too; the call before the send stays, as live displays
/// keep it.
#[tokio::test]
async fn a_ticket_sent_on_and_called_again_at_the_same_window_then_put_back_is_taken_back() {
    let s = TestServer::start().await;
    let t = s.issue("mz-dibao").await;
    let clerk2 = s.clerk("clerk2", "w02").await;
    assert_eq!(s.act(&clerk2, "w02", "call-next").await.status, StatusCode::OK);
    let sent = s.post("/api/windows/w02/transfer", &clerk2, json!({"service_id": "mz-linshi"})).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    s.clock().advance(Duration::minutes(1));
    assert_eq!(s.act(&clerk2, "w02", "call-next").await.body["number"], t["number"]);
    assert_eq!(s.post("/api/auth/logout", &clerk2, json!({})).await.status, StatusCode::NO_CONTENT);
    let calls = s.get("/api/calls/recent").await.body;
    let of_it: Vec<&Value> = calls.as_array().unwrap().iter().filter(|c| c["number"] == t["number"]).collect();
    assert_eq!(of_it.len(), 1, "only the call before the send: {calls}");
}

#[tokio::test]
async fn transfer_keeps_number_place_and_first_window() {
    let s = TestServer::start().await;
    let t = s.issue("mz-dibao").await;
    s.clock().advance(Duration::minutes(1));
    let later = s.issue("rs-jmyibao").await; // issued after t, same target queue
    let mz = s.clerk("clerk2", "w02").await;
    assert_eq!(s.act(&mz, "w02", "call-next").await.body["number"], "B001");
    let moved = s.post("/api/windows/w02/transfer", &mz, json!({"service_id": "rs-jmyibao"})).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(moved.body["status"], "transferred");
    assert_eq!(moved.body["queue"], "renshe");
    assert_eq!(moved.body["number"], "B001");
    assert_eq!(moved.body["waiting_ahead"], 0, "keeps its place by issue time");

    let rs = s.clerk("clerk5", "w05").await;
    let called = s.act(&rs, "w05", "call-next").await.body;
    assert_eq!(called["id"], t["id"], "older than {}", later["number"]);
    assert_eq!(called["first_window_id"], "w02");
    assert_eq!(called["window_id"], "w05");

    // Transfer to one window: only that window can call it (one whose clerk is signed in: a
    // closed window would leave the citizen waiting all day).
    let closed = s.post("/api/windows/w05/transfer", &rs, json!({"window_id": "w06"})).await;
    assert_error(&closed, 409, "window_closed");
    let same =
        s.post("/api/windows/w05/transfer", &rs, json!({"window_id": "w05", "service_id": called["service_id"]})).await;
    assert_error(&same, 422, "same_window");
    let w06 = s.clerk("clerk6", "w06").await;
    let to_w06 = s.post("/api/windows/w05/transfer", &rs, json!({"window_id": "w06"})).await;
    assert_eq!(to_w06.body["windows"], json!(["w06"]));
    assert_eq!(s.act(&rs, "w05", "call-next").await.body["number"], later["number"]);
    assert_eq!(s.act(&w06, "w06", "call-next").await.body["number"], "B001");
    let returned = s
        .post(
            "/api/windows/w06/finish",
            &w06,
            json!({"outcome": "returned", "return_ground": "against_policy", "reason": "不符合参保条件"}),
        )
        .await;
    assert_eq!(returned.body["outcome"], "returned");
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    assert_eq!(hall_server::store::tickets::waiting_count_mismatches(&conn).unwrap(), vec![]);
}

#[tokio::test]
async fn a_citizen_sent_to_a_window_whose_clerk_then_leaves_is_called_at_another_of_the_matter() {
    let s = TestServer::start().await;
    let t = s.issue("rs-jmyibao").await; // 社保窗口 w05 and w06
    s.clock().advance(Duration::minutes(1));
    let later = s.issue("rs-jmyibao").await;
    let w05 = s.clerk("clerk5", "w05").await;
    let w06 = s.clerk("clerk6", "w06").await;
    assert_eq!(s.act(&w05, "w05", "call-next").await.body["id"], t["id"]);
    let sent = s.post("/api/windows/w05/transfer", &w05, json!({"window_id": "w06"})).await;
    assert_eq!(sent.body["windows"], json!(["w06"]), "{}", sent.body);
    // w06's clerk leaves before calling them: they do not wait for w06 all day.
    assert_eq!(s.post("/api/auth/logout", &w06, json!({})).await.status, StatusCode::NO_CONTENT);
    assert_eq!(s.ticket(&t["id"]).await["windows"], json!(["w05", "w06", "w01"]), "the matter's windows again");
    assert_eq!(s.act(&w05, "w05", "call-next").await.body["id"], t["id"], "still ahead of {}", later["number"]);
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    assert_eq!(hall_server::store::tickets::waiting_count_mismatches(&conn).unwrap(), vec![]);
    let audited: String = conn
        .query_row("SELECT detail FROM audit WHERE action = 'window.released_transfers'", [], |r| r.get(0))
        .unwrap();
    assert!(audited.contains(t["number"].as_str().unwrap()), "{audited}");
}

#[tokio::test]
async fn priority_goes_first_but_never_starves_ordinary_tickets() {
    let s = TestServer::start().await;
    let ordinary = s.issue("mz-dibao").await; // B001 ordinary
    for (i, p) in ["elderly", "disabled", "military", "pregnant"].iter().enumerate() {
        let t = s.issue_priority("mz-dibao", p).await; // B002..B005
        assert_eq!(t["waiting_ahead"], i, "priority tickets line up among themselves");
    }
    let b001 = s.ticket(&ordinary["id"]).await;
    assert_eq!(b001["waiting_ahead"], 4, "four priority tickets went ahead");
    assert_eq!(s.issue("mz-dibao").await["waiting_ahead"], 5);
    let c = s.clerk("clerk2", "w02").await;
    let mut order = vec![];
    for _ in 0..6 {
        let t = s.act(&c, "w02", "call-next").await.body;
        order.push(t["number"].as_str().unwrap().to_string());
        s.post("/api/windows/w02/finish", &c, json!({"outcome": "immediate"})).await;
    }
    // Cap 3 in the sample hall: three priority calls, then the waiting ordinary citizen.
    assert_eq!(order, ["B002", "B003", "B004", "B001", "B005", "B006"]);
}

#[tokio::test]
async fn the_cap_holds_at_a_window_handling_part_of_its_queue() {
    // 民政's queue: w04 calls its 残联 matters only, w02 the 民政 ones. An ordinary call at w02
    // must not reset w04's count of priority calls, or w04's walk-in would wait all day.
    let s = TestServer::start().await;
    let walk_in = s.issue("cl-canjizheng").await; // B001
    for _ in 0..4 {
        s.issue_priority("cl-canjizheng", "disabled").await; // B002, B004, B006, B008
        s.issue("mz-dibao").await; // B003, B005, … for w02
    }
    assert_eq!(walk_in["number"], "B001");
    let (canlian, minzheng) = (s.clerk("clerk4", "w04").await, s.clerk("clerk2", "w02").await);
    let mut at_w04 = vec![];
    for _ in 0..4 {
        for (token, window) in [(&canlian, "w04"), (&minzheng, "w02")] {
            let t = s.act(token, window, "call-next").await.body;
            if window == "w04" {
                at_w04.push(t["number"].as_str().unwrap().to_string());
            }
            s.post(&format!("/api/windows/{window}/finish"), token, json!({"outcome": "immediate"})).await;
        }
    }
    assert_eq!(at_w04, ["B002", "B004", "B006", "B001"], "three priority calls, then the walk-in");
}

#[tokio::test]
async fn a_citizen_called_to_a_window_that_closes_goes_back_to_their_place() {
    let s = TestServer::start().await;
    let (first, second) = (s.issue("mz-dibao").await, s.issue("mz-dibao").await);
    // Signed out with B001 called and not yet come: B001 waits again, first in line.
    let c = s.clerk("clerk2", "w02").await;
    assert_eq!(s.act(&c, "w02", "call-next").await.body["number"], first["number"]);
    assert_eq!(s.post("/api/auth/logout", &c, json!({})).await.status, 204);
    let t = s.ticket(&first["id"]).await;
    assert_eq!((t["status"].as_str(), t["waiting_ahead"].as_u64()), (Some("waiting"), Some(0)), "{t}");
    let w02 = s.get("/api/windows").await.body.as_array().unwrap().iter().find(|w| w["id"] == "w02").cloned().unwrap();
    assert!(w02["serving"].is_null() && w02["status"] == "closed", "{w02}");
    let c = s.clerk("clerk3", "w03").await;
    assert_eq!(s.act(&c, "w03", "call-next").await.body["number"], first["number"], "called again at its place");
    // The session runs out (12 hours) with B002 called: the same.
    assert_eq!(s.post("/api/windows/w03/finish", &c, json!({"outcome": "immediate"})).await.status, 200);
    assert_eq!(s.act(&c, "w03", "call-next").await.body["number"], second["number"]);
    s.clock().advance(Duration::hours(13));
    s.state()
        .writer()
        .submit(hall_server::ops::Actor::System, hall_server::ops::Op::ExpireSessions, None)
        .await
        .unwrap();
    assert_eq!(s.ticket(&second["id"]).await["status"], "waiting");
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let returned: i64 =
        db.query_row("SELECT COUNT(*) FROM audit WHERE action = 'ticket.returned'", [], |r| r.get(0)).unwrap();
    assert_eq!(returned, 2);
}

#[tokio::test]
async fn window_weights_favour_a_queue() {
    let s = TestServer::start().await;
    s.issue("rs-jmyibao").await; // C001, queue renshe (weight 1 at w01)
    s.clock().advance(Duration::minutes(6));
    s.issue("zh-zixun").await; // A001, queue zonghe (weight 3 at w01)
    s.clock().advance(Duration::minutes(4));
    let c = s.clerk("clerk1", "w01").await;
    // C001 waited 10 min × 1 = 10; A001 waited 4 min × 3 = 12.
    assert_eq!(s.act(&c, "w01", "call-next").await.body["number"], "A001");
}

#[tokio::test]
async fn numbering_restarts_at_local_midnight() {
    let s = TestServer::options().issue_any_time(true).start().await;
    s.clock().set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 25, 15, 59, 0).unwrap()); // 23:59 local
    assert_eq!(s.issue("mz-dibao").await["number"], "B001");
    assert_eq!(s.issue("mz-dibao").await["number"], "B002");
    s.clock().advance(Duration::minutes(2)); // 00:01 the next day
    let t = s.issue("mz-dibao").await;
    assert_eq!(t["number"], "B001");
    assert_eq!(t["waiting_ahead"], 0, "yesterday's tickets are not ahead");
    assert_eq!(s.get("/api/queues").await.body[1]["waiting"], 1);
    // A ticket left open at the window overnight does not block today's first call.
    s.clock().set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 25, 9, 0, 0).unwrap()); // 17:00 local
    s.issue("mz-tekun").await;
    let c = s.clerk("clerk2", "w02").await;
    let late = s.act(&c, "w02", "call-next").await.body;
    s.clock().set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 26, 1, 0, 0).unwrap()); // next morning
    let c = s.clerk("clerk2", "w02").await;
    assert_error(
        &s.post("/api/windows/w02/transfer", &c, json!({"service_id": "rs-jmyibao"})).await,
        409,
        "ticket_expired",
    );
    let first = s.act(&c, "w02", "call-next").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_ne!(first.body["id"], late["id"]);
}

#[tokio::test]
async fn pause_resume_and_sign_out() {
    let s = TestServer::start().await;
    s.issue("wj-shengyu").await;
    let c = s.clerk("clerk8", "w08").await;
    let paused = s.act(&c, "w08", "pause").await;
    assert_eq!(paused.body["status"], "paused");
    assert_error(&s.act(&c, "w08", "call-next").await, 409, "window_paused");
    assert_eq!(s.act(&c, "w08", "resume").await.body["status"], "open");
    // The director may pause any window.
    let dt = s.staff("director").await;
    assert_eq!(s.act(&dt, "w08", "pause").await.body["status"], "paused");
    // ...and sets the displays' notice line; a clerk may not.
    let notice = s.post("/api/notice", &dt, json!({"notice": "今天下午三点起暂停办理不动产登记"})).await;
    assert_eq!(notice.body["notice"], "今天下午三点起暂停办理不动产登记");
    assert_eq!(s.get("/api/hall").await.body["notice"], "今天下午三点起暂停办理不动产登记");
    assert_error(&s.post("/api/notice", &c, json!({"notice": "x"})).await, 403, "director_only");
    assert_error(&s.post("/api/notice", &dt, json!({"notice": "长".repeat(501)})).await, 422, "notice_too_long");
    assert_error(&s.act(&dt, "w08", "call-next").await, 403, "clerk_only");

    let out = s.post("/api/auth/logout", &c, json!({})).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(s.get("/api/windows").await.body[7]["status"], "closed");
    assert_error(&s.act(&c, "w08", "call-next").await, 401, "session_expired");
}

#[tokio::test]
async fn a_clerk_acts_only_at_their_window_and_sessions_expire() {
    let s = TestServer::start().await;
    s.issue("mz-dibao").await;
    let first = s.clerk("clerk2", "w02").await;
    let other = s.clerk("clerk3", "w03").await;
    assert_error(&s.act(&other, "w02", "call-next").await, 403, "not_your_window");
    // Signing in again (another browser) takes the window over from the first session.
    let second = s.clerk("clerk2", "w02").await;
    assert_error(&s.act(&first, "w02", "call-next").await, 403, "not_your_window");
    assert_eq!(s.act(&second, "w02", "call-next").await.status, StatusCode::OK);
    // Sessions expire.
    s.clock().advance(Duration::hours(13));
    assert_error(&s.act(&second, "w02", "recall").await, 401, "session_expired");
    assert_eq!(s.get("/api/windows").await.body[1]["status"], "closed");
}

#[tokio::test]
async fn a_clerk_signing_in_at_another_window_sends_the_citizen_called_at_the_first_back() {
    // clerk2 works w02 and w03. A012 is called at w02; before they come, the clerk moves to w03.
    let text = hall_server::config::SAMPLE_HALL.replacen(
        "username = \"clerk2\"\nname = \"陈建国\"\nstaff_no = \"QS-2016-008\"\nrole = \"clerk\"\nwindows = [\"w02\"]",
        "username = \"clerk2\"\nname = \"陈建国\"\nstaff_no = \"QS-2016-008\"\nrole = \"clerk\"\nwindows = [\"w02\", \"w03\"]",
        1,
    );
    assert_ne!(text, hall_server::config::SAMPLE_HALL);
    let s = TestServer::options().hall(hall_server::config::parse(&text, "test").unwrap()).start().await;
    let first = s.issue("mz-dibao").await;
    let c = s.clerk("clerk2", "w02").await;
    assert_eq!(s.act(&c, "w02", "call-next").await.body["id"], first["id"]);
    let c = s.clerk("clerk2", "w03").await;
    let windows = s.get("/api/windows").await.body;
    assert_eq!(windows[1]["status"], "closed");
    // Not left called to a closed window: back at its place, called next at w03.
    let again = s.act(&c, "w03", "call-next").await;
    assert_eq!(
        (again.body["id"].clone(), again.body["window_id"].clone()),
        (first["id"].clone(), json!("w03")),
        "{}",
        again.body
    );
}

#[tokio::test]
async fn a_ticket_sent_to_a_window_of_another_queue_is_called_there() {
    let s = TestServer::start().await;
    s.issue("mz-dibao").await;
    let mz = s.clerk("clerk2", "w02").await;
    s.act(&mz, "w02", "call-next").await;
    // 宅基地 questions came up: the clerk sends the citizen to the 自然资源 window as is.
    let zr = s.clerk("clerk9", "w09").await;
    let sent = s.post("/api/windows/w02/transfer", &mz, json!({"window_id": "w09"})).await;
    assert_eq!(sent.body["windows"], json!(["w09"]));
    assert_eq!(s.act(&mz, "w02", "call-next").await.status, StatusCode::NO_CONTENT);
    let called = s.act(&zr, "w09", "call-next").await.body;
    assert_eq!(called["number"], "B001");
    assert_eq!(called["first_window_id"], "w02");
}

#[tokio::test]
async fn a_configured_staff_photo_is_published_with_the_window() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("clerk2.png"), b"\x89PNG\r\n\x1a\n fake").unwrap();
    std::fs::write(dir.path().join("clerk3.png"), b"not an image at all").unwrap();
    let text = hall_server::config::SAMPLE_HALL
        .replacen("username = \"clerk2\"", "username = \"clerk2\"\nphoto = \"clerk2.png\"", 1)
        .replacen("username = \"clerk3\"", "username = \"clerk3\"\nphoto = \"clerk3.png\"", 1);
    let hall = hall_server::config::parse_in(&text, "hall.toml", Some(dir.path())).unwrap();
    let s = TestServer::options().db(dir.path().join("h.db")).hall(hall).start().await;
    s.clerk("clerk2", "w02").await;
    let w = s.get("/api/windows").await.body[1].clone();
    assert_eq!(w["staff"]["photo_url"], "/api/staff/clerk2/photo");
    let res = s.http.get(format!("{}/api/staff/clerk2/photo", s.base)).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(&res.bytes().await.unwrap()[..4], b"\x89PNG");
    // A file that is not an image is not served as one, and the answer names no path.
    let r = s.get("/api/staff/clerk3/photo").await;
    assert_error(&r, 404, "no_photo");
    assert!(!r.body.to_string().contains('/'), "{}", r.body);
    assert_error(&s.get("/api/staff/clerk4/photo").await, 404, "no_photo");
    assert!(s.get("/api/windows").await.body[2]["staff"].is_null());
}

#[tokio::test]
async fn the_director_moves_a_clerk_to_stand_in_at_another_window() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk5", "w05").await;
    let other = s.clerk("clerk6", "w06").await;
    let dt = s.staff("director").await;
    assert_error(
        &s.post("/api/windows/w07/stand-in", &other, json!({"username": "clerk5"})).await,
        403,
        "director_only",
    );
    assert_error(
        &s.post("/api/windows/w07/stand-in", &dt, json!({"username": "clerk9"})).await,
        409,
        "clerk_not_signed_in",
    );
    assert_error(&s.post("/api/windows/w06/stand-in", &dt, json!({"username": "clerk5"})).await, 409, "window_staffed");
    // clerk5 may work only at w05: the director must say so knowingly (audited).
    assert_error(
        &s.post("/api/windows/w07/stand-in", &dt, json!({"username": "clerk5"})).await,
        403,
        "window_not_allowed",
    );
    let moved = s.post("/api/windows/w07/stand-in", &dt, json!({"username": "clerk5", "override_allowed": true})).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(moved.body["status"], "open");
    let me = s.send(reqwest::Method::GET, "/api/auth/me", Some(&clerk), None, None).await;
    assert_eq!(me.body["window_id"], "w07");
    assert_eq!(me.body["holds_window"], true);
    assert_eq!(s.get("/api/windows").await.body[4]["status"], "closed");
    // The director's list of who signed in says where the clerk is now (its stand-in menu too).
    let today = s.send(Method::GET, "/api/director/today", Some(&dt), None, None).await.body;
    let clerk5 = today["staff"].as_array().unwrap().iter().find(|p| p["username"] == "clerk5").unwrap().clone();
    assert_eq!((clerk5["window_id"].as_str(), clerk5["at_window"].as_str()), (Some("w05"), Some("w07")), "{clerk5}");
    s.issue("rs-shiye").await;
    assert_eq!(s.act(&clerk, "w07", "call-next").await.status, StatusCode::OK);
    assert_error(&s.act(&clerk, "w05", "call-next").await, 403, "not_your_window");
    // Signed in at anew on another computer: the first session no longer holds the window it
    // is still named for (its desk steps aside).
    let second = s.clerk("clerk6", "w06").await;
    assert_eq!(session_of(&s, &second).await["holds_window"], true);
    let again = s.clerk("clerk6", "w06").await;
    assert_eq!(session_of(&s, &second).await["holds_window"], false);
    assert_eq!(session_of(&s, &again).await["holds_window"], true);
    assert!(session_of(&s, &dt).await.get("holds_window").is_none(), "the director holds no window");
}

async fn session_of(s: &TestServer, token: &str) -> serde_json::Value {
    s.send(Method::GET, "/api/auth/me", Some(token), None, None).await.body
}

#[tokio::test]
async fn the_admin_pages_changes_outlive_a_restart_on_a_configuration_file_until_the_file_changes() {
    // As the packaged service runs: always with its file, /etc/hall/hall.toml.
    let s = TestServer::options().hall_from_file(true).start().await;
    let admin = s.staff("admin").await;
    let toml = s.send(reqwest::Method::GET, "/api/admin/hall", Some(&admin), None, None).await.body["toml"]
        .as_str()
        .unwrap()
        .to_string();
    let edited = toml.replacen("林业窗口", "林业工作站窗口", 1);
    assert_eq!(s.post("/api/admin/hall", &admin, json!({"toml": edited})).await.status, StatusCode::OK);
    // A restart (a reboot, an upgrade) with the same file keeps the change made on /admin.
    let s = s.restart().await;
    assert_eq!(s.get("/api/windows").await.body[10]["name"], "林业工作站窗口");
    // The file edited since: the newest edit wins, the file's; sessions whose rights it changed
    // (clerk11 may now also work at w10) end, audited, the others go on.
    let (clerk1, clerk11) = (s.clerk("clerk1", "w01").await, s.clerk("clerk11", "w11").await);
    let called = s.issue("ly-caifa").await;
    assert_eq!(s.act(&clerk11, "w11", "call-next").await.body["number"], called["number"]);
    let db = s.db.clone();
    let dir = s.stop().await;
    let clerk11_windows = "staff_no = \"QS-2014-002\"\nrole = \"clerk\"\nwindows = [\"w11\"]";
    let text = hall_server::config::SAMPLE_HALL.replacen("林业窗口", "林业站窗口", 1).replacen(
        clerk11_windows,
        &clerk11_windows.replace("[\"w11\"]", "[\"w10\", \"w11\"]"),
        1,
    );
    assert!(text.contains("windows = [\"w10\", \"w11\"]"));
    let file_hall = hall_server::config::parse(&text, "hall.toml").unwrap();
    let s = TestServer::options().db(&db).hall(file_hall).hall_from_file(true).start().await;
    assert_eq!(s.get("/api/windows").await.body[10]["name"], "林业站窗口");
    let me = s.send(reqwest::Method::GET, "/api/auth/me", Some(&clerk1), None, None).await;
    assert_eq!(me.status, StatusCode::OK);
    let me = s.send(reqwest::Method::GET, "/api/auth/me", Some(&clerk11), None, None).await;
    assert_error(&me, 401, "session_expired");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let revoked: i64 =
        conn.query_row("SELECT COUNT(*) FROM audit WHERE action = 'auth.revoked'", [], |r| r.get(0)).unwrap();
    assert_eq!(revoked, 1);
    // The citizen called to w11 is back at their place, not left called at a closed window.
    let t = s.ticket(&called["id"]).await;
    assert_eq!((t["status"].as_str(), t["waiting_ahead"].as_u64()), (Some("waiting"), Some(0)), "{t}");
    s.stop().await;
    drop(dir);
}

/// A window taken out of the file between two starts, and a matter no longer booked online: the
/// start does what a save on /admin does (the citizen called there goes back to their place,
/// the booking is cancelled by the hall, audited `hall.replace` by the server itself).
#[tokio::test]
async fn a_file_edited_between_two_starts_is_put_in_force_as_the_admin_page_would() {
    use chrono::TimeZone;
    let shanghai = |d: u32, h: u32| chrono_tz::Asia::Shanghai.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap();
    let clock = std::sync::Arc::new(hall_testkit::ManualClock::new(shanghai(25, 9).with_timezone(&chrono::Utc)));
    let s = TestServer::options().clock(clock.clone()).hall_from_file(true).start().await;
    let booking = json!({ "service_id": "rs-jmyibao", "day": "2026-11-26", "start": "09:10", "name": "张三", "phone": "13900000001" });
    let booked = s.send(Method::POST, "/api/bookings", None, Some(booking), None).await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    let clerk3 = s.clerk("clerk3", "w03").await;
    let called = s.issue("mz-dibao").await;
    assert_eq!(s.act(&clerk3, "w03", "call-next").await.body["id"], called["id"]);
    let db = s.db.clone();
    let dir = s.stop().await;
    let window = "[[windows]]\nid = \"w03\"\nnumber = 3\nname = \"民政窗口（二）\"\ndepartment = \"minzheng\"\nlocation = \"一楼大厅东侧\"\nplan = { x = 94, y = 58 }\n\n";
    let evaluator = "[[evaluators]]\nid = \"evaluator-w03\"\nwindow = \"w03\"\n";
    let booked_online = "[matters.booking]                  # 可网上预约：每20分钟一个时段，每时段3个名额（默认可预约接下来的5个办公日）\nslot_minutes = 20\nslot_capacity = 3\n";
    let text = hall_server::config::SAMPLE_HALL
        .replacen(window, "", 1)
        .replacen(evaluator, "[[evaluators]]\nid = \"evaluator-w03\"\nwindow = \"w02\"\n", 1)
        .replace("[\"w02\", \"w03\"]", "[\"w02\"]")
        .replacen("windows = [\"w03\"]", "windows = [\"w02\"]", 1)
        .replacen(booked_online, "", 1);
    assert!(!text.contains("\"w03\"") && !text.contains("每20分钟一个时段"), "the edit took");
    let file_hall = hall_server::config::parse(&text, "hall.toml").unwrap();
    let s = TestServer::options().db(&db).clock(clock.clone()).hall(file_hall).hall_from_file(true).start().await;
    let t = s.ticket(&called["id"]).await;
    assert_eq!((t["status"].as_str(), t["waiting_ahead"].as_u64()), (Some("waiting"), Some(0)), "{t}");
    let clerk2 = s.clerk("clerk2", "w02").await;
    assert_eq!(s.act(&clerk2, "w02", "call-next").await.body["id"], called["id"]);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (status, by): (String, Option<String>) =
        conn.query_row("SELECT status, cancelled_by FROM bookings", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((status.as_str(), by.as_deref()), ("cancelled", Some("config")));
    let audited = |action: &str| -> Vec<(String, String)> {
        let mut q = conn.prepare("SELECT actor, detail FROM audit WHERE action = ?1").unwrap();
        q.query_map([action], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    let replaced = audited("hall.replace");
    assert_eq!(replaced.len(), 1, "{replaced:?}");
    assert_eq!(replaced[0].0, "system");
    assert!(replaced[0].1.contains("\"bookings_cancelled\":1"), "{replaced:?}");
    assert_eq!(audited("ticket.returned").len(), 1);
    assert_eq!(audited("auth.revoked").len(), 1);
    s.stop().await;
    drop(dir);
}

#[tokio::test]
async fn an_administrator_changes_the_hall_without_a_restart() {
    let s = TestServer::start().await;
    let admin = s.staff("admin").await;
    let clerk = s.clerk("clerk1", "w01").await;
    let toml = s.send(reqwest::Method::GET, "/api/admin/hall", Some(&admin), None, None).await.body["toml"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(toml.contains("林业窗口"));
    assert_error(&s.send(reqwest::Method::GET, "/api/admin/hall", Some(&clerk), None, None).await, 403, "admin_only");
    // A mistake is refused with its line, and nothing changes.
    let broken = toml.replacen("windows = [\"w11\"]", "windows = [\"w99\"]", 1);
    let r = s.post("/api/admin/hall", &admin, json!({"toml": broken})).await;
    assert_error(&r, 422, "invalid_config");
    assert!(r.body["message"].as_str().unwrap().contains("unknown window `w99`"), "{}", r.body);
    assert_eq!(s.get("/api/windows").await.body[10]["name"], "林业窗口");
    // A hall without an administrator who can sign in would lock everyone out of this page.
    let demoted = toml.replacen(
        "staff_no = \"QS-2024-025\"\nrole = \"admin\"",
        "staff_no = \"QS-2024-025\"\nrole = \"director\"",
        1,
    );
    assert_ne!(demoted, toml);
    let r = s.post("/api/admin/hall", &admin, json!({"toml": demoted})).await;
    assert_error(&r, 422, "invalid_config");
    assert!(r.body["message"].as_str().unwrap().contains("lock every administrator out"), "{}", r.body);
    assert_eq!(session_of(&s, &admin).await["role"], "admin", "the administrator still signed in");
    // A good change is in force at once, and audited.
    let edited = toml.replacen("林业窗口", "林业工作站窗口", 1);
    let r = s.post("/api/admin/hall", &admin, json!({"toml": edited})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(s.get("/api/windows").await.body[10]["name"], "林业工作站窗口");
    // A county centre's hall is larger than any other body (hundreds of matters): 150 KB saves.
    let large = format!("{edited}\n# {}\n", "事项材料说明".repeat(8_500));
    assert!(large.len() > 150_000);
    let r = s.post("/api/admin/hall", &admin, json!({"toml": large})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // ...and kept across a restart (the server was started on the bundled hall, not a file).
    let s = s.restart().await;
    assert_eq!(s.get("/api/windows").await.body[10]["name"], "林业工作站窗口");
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    let audited: i64 =
        conn.query_row("SELECT COUNT(*) FROM audit WHERE action = 'hall.replace'", [], |r| r.get(0)).unwrap();
    assert_eq!(audited, 2);
}
