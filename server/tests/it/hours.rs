//! Opening hours, the cut-off before closing, a matter's own hours and daily quota, and the
//! director reopening issuing for the day; a writer that cannot commit is reported by health.

use chrono::{TimeZone, Utc};
use serde_json::json;

use crate::support::{assert_error, TestServer};

/// A local time (UTC+8) on Wednesday 25 November 2026.
fn wednesday(h: u32, m: u32) -> chrono::DateTime<Utc> {
    chrono_tz::Asia::Shanghai.with_ymd_and_hms(2026, 11, 25, h, m, 0).unwrap().with_timezone(&Utc)
}

#[tokio::test]
async fn tickets_follow_the_halls_hours_lunch_and_cut_off() {
    let s = TestServer::start().await;
    // (local time, issuing open?, the error, next available)
    let check = |h: u32, m: u32, open: bool, code: &'static str, next: &'static str| (h, m, open, code, next);
    for (h, m, open, code, next) in [
        check(8, 29, false, "hall_closed", "2026-11-25T08:30:00+08:00"),
        check(8, 30, true, "", ""),
        check(12, 5, false, "hall_closed", "2026-11-25T14:00:00+08:00"),
        check(16, 59, true, "", ""),
        // 17:30 closing with a 30-minute cut-off: 今日已停止取号 from 17:00.
        check(17, 0, false, "hall_closed", "2026-11-26T08:30:00+08:00"),
    ] {
        s.clock().set(wednesday(h, m));
        let hall = s.get("/api/hall").await.body;
        assert_eq!(hall["issuing"]["open"], open, "{h}:{m} {hall}");
        let r = s.post("/api/tickets", "demo-kiosk", json!({"service_id": "mz-dibao"})).await;
        if open {
            assert_eq!(r.status, 201, "{h}:{m} {}", r.body);
            continue;
        }
        assert_error(&r, 409, code);
        assert_eq!(r.body["next_open"], next, "{h}:{m}");
        assert_eq!(hall["issuing"]["next_open"], next);
        let queues = s.get("/api/queues").await.body;
        let minzheng = queues.as_array().unwrap().iter().find(|q| q["queue"] == "minzheng").unwrap();
        assert_eq!(minzheng["issuing"]["open"], false, "{h}:{m}");
    }
    let q = s.get("/api/queues").await.body;
    assert_eq!(q[0]["issuing"]["reason"], "cut_off", "{q}");
    // Sunday: the sample hall is closed; Monday morning is next.
    s.clock().set(chrono_tz::Asia::Shanghai.with_ymd_and_hms(2026, 11, 29, 10, 0, 0).unwrap().with_timezone(&Utc));
    let r = s.post("/api/tickets", "demo-kiosk", json!({"service_id": "mz-dibao"})).await;
    assert_error(&r, 409, "hall_closed");
    assert_eq!(r.body["next_open"], "2026-11-30T08:30:00+08:00");
}

/// The statutory calendar changes the week: no tickets on a holiday (国庆节, Thursday 1 to
/// Wednesday 7 October 2026) and the next opening after it; Saturday 10 October is a make-up
/// working day (调休上班), on which the hall issues and takes bookings as on a weekday.
#[tokio::test]
async fn holidays_close_and_make_up_working_days_open() {
    let s = TestServer::start().await;
    let at = |m: u32, d: u32, h: u32| {
        chrono_tz::Asia::Shanghai.with_ymd_and_hms(2026, m, d, h, 0, 0).unwrap().with_timezone(&Utc)
    };
    let after_the_holiday = "2026-10-08T08:30:00+08:00";
    // (local time, open?, the stop's reason, next available or open until)
    for (when, open, reason, next) in [
        (at(9, 30, 18), false, "cut_off", after_the_holiday),
        (at(10, 1, 10), false, "closed_today", after_the_holiday),
        (at(10, 3, 10), false, "closed_today", after_the_holiday),
        (at(10, 10, 9), true, "", "2026-10-10T12:00:00+08:00"),
        (at(10, 10, 15), true, "", "2026-10-10T17:00:00+08:00"),
        (at(10, 11, 10), false, "closed_today", "2026-10-12T08:30:00+08:00"),
    ] {
        s.clock().set(when);
        let hall = s.get("/api/hall").await.body;
        assert_eq!(hall["issuing"]["open"], open, "{when} {hall}");
        let r = s.post("/api/tickets", "demo-kiosk", json!({"service_id": "mz-dibao"})).await;
        if open {
            assert_eq!(r.status, 201, "{when} {}", r.body);
            assert_eq!(hall["issuing"]["until"], next, "{when}");
            continue;
        }
        assert_error(&r, 409, "hall_closed");
        assert_eq!((r.body["next_open"].as_str(), hall["issuing"]["next_open"].as_str()), (Some(next), Some(next)));
        assert_eq!(hall["issuing"]["reason"], reason, "{when}");
    }
    // On the Friday before it, the make-up Saturday is a day to book 最低生活保障 on.
    s.clock().set(at(10, 9, 9));
    let days = s.get("/api/services/mz-dibao/booking-days").await.body;
    let days: Vec<&str> = days.as_array().unwrap().iter().map(|d| d["day"].as_str().unwrap()).collect();
    assert_eq!(days[..3], ["2026-10-09", "2026-10-10", "2026-10-12"], "{days:?}");
    let slots = s.get("/api/services/mz-dibao/slots?day=2026-10-10").await;
    assert_eq!(slots.status, 200, "{}", slots.body);
    assert_eq!(slots.body[0]["start"], "08:30", "{}", slots.body);
}

/// A wait estimated before the lunch break (12:00–14:00 in the sample hall) counts the break:
/// a citizen told "24 minutes" at 11:45 would come back at 12:09 to a hall at lunch. In the
/// break, windows paused for it still count: they serve again after it.
#[tokio::test]
async fn an_estimated_wait_goes_through_the_lunch_break() {
    let s = TestServer::start().await;
    s.clock().set(wednesday(11, 45));
    let clerks = [("w02", s.clerk("clerk2", "w02").await), ("w03", s.clerk("clerk3", "w03").await)];
    let mut fifth = json!(null);
    for _ in 0..5 {
        fifth = s.post("/api/tickets", "demo-kiosk", json!({"service_id": "mz-dibao"})).await.body;
    }
    let token = fifth["status_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    // Four ahead, 12 minutes each at the two open windows: 15 minutes before the break, the
    // break, 9 after it.
    assert_eq!((fifth["waiting_ahead"].as_u64(), fifth["estimated_wait_minutes"].as_u64()), (Some(4), Some(24 + 120)));
    // (local time, pause the windows for lunch?, the phone page's estimate, the queue's for all five)
    for (h, m, pause, page, queue) in
        [(11, 45, false, 144, 150), (12, 30, true, 90 + 24, 90 + 30), (14, 10, false, 48, 60)]
    {
        s.clock().set(wednesday(h, m));
        if pause {
            for (window, token) in &clerks {
                assert_eq!(s.act(token, window, "pause").await.status, 200);
            }
        }
        let view = s.get(&format!("/api/t/{token}")).await.body;
        assert_eq!(view["estimated_wait_minutes"], page, "{h}:{m} {view}");
        let queues = s.get("/api/queues").await.body;
        let minzheng = queues.as_array().unwrap().iter().find(|q| q["queue"] == "minzheng").unwrap().clone();
        assert_eq!(minzheng["estimated_wait_minutes"], queue, "{h}:{m} {minzheng}");
    }
}

#[tokio::test]
async fn a_matter_keeps_its_own_hours_and_daily_quota() {
    let s = TestServer::start().await;
    s.clock().set(wednesday(9, 0));
    let services = s.get("/api/services").await.body;
    let bdc = services.as_array().unwrap().iter().find(|m| m["id"] == "zr-budongchan").unwrap().clone();
    assert_eq!(
        bdc["issuing"],
        json!({"open": true, "until": "2026-11-25T12:00:00+08:00", "daily_quota": 40, "left_today": 40, "reopened": false})
    );
    for _ in 0..40 {
        s.issue("zr-budongchan").await;
    }
    let r = s.post("/api/tickets", "demo-kiosk", json!({"service_id": "zr-budongchan"})).await;
    assert_error(&r, 409, "quota_reached");
    assert_eq!(r.body["next_open"], "2026-11-26T08:30:00+08:00");
    // Priority tickets follow the same rule in the sample hall.
    let r = s.post("/api/tickets", "demo-kiosk", json!({"service_id": "zr-budongchan", "priority": "elderly"})).await;
    assert_error(&r, 409, "quota_reached");
    let services = s.get("/api/services").await.body;
    let bdc = services.as_array().unwrap().iter().find(|m| m["id"] == "zr-budongchan").unwrap().clone();
    assert_eq!(bdc["issuing"]["left_today"], 0);
    assert_eq!(bdc["issuing"]["reason"], "quota_reached");
    // Other matters of the hall go on.
    s.issue("mz-dibao").await;
    // Its own hours end at 16:00, before the hall's cut-off.
    s.clock().set(wednesday(16, 10));
    let r = s.post("/api/tickets", "demo-kiosk", json!({"service_id": "zr-budongchan"})).await;
    assert_error(&r, 409, "hall_closed");
    s.issue("mz-dibao").await;
    // A new day, a new quota.
    s.clock().set(wednesday(9, 0) + chrono::Duration::days(1));
    s.issue("zr-budongchan").await;
    assert_eq!(s.get("/api/hall").await.body["priority_exempt"], false);
}

#[tokio::test]
async fn a_hall_that_exempts_priority_tickets_says_so_and_issues_them_past_the_cut_off() {
    let mut hall = hall_server::config::sample();
    hall.hours.priority_exempt = true;
    let s = TestServer::options().hall(hall).start().await;
    s.clock().set(wednesday(17, 10));
    // The kiosk learns it from the hall: 「优先取号」 stays open when 「取号」 stops.
    assert_eq!(s.get("/api/hall").await.body["priority_exempt"], true);
    let r = s.post("/api/tickets", "demo-kiosk", json!({"service_id": "mz-dibao"})).await;
    assert_error(&r, 409, "hall_closed");
    let r = s.post("/api/tickets", "demo-kiosk", json!({"service_id": "mz-dibao", "priority": "elderly"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
}

#[tokio::test]
async fn the_director_reopens_issuing_for_the_day_audited() {
    let s = TestServer::start().await;
    s.clock().set(wednesday(17, 40));
    assert_error(&s.post("/api/tickets", "demo-kiosk", json!({"service_id": "mz-dibao"})).await, 409, "hall_closed");
    let clerk = s.clerk("clerk2", "w02").await;
    assert_error(&s.post("/api/director/issuing", &clerk, json!({"reopen": true})).await, 403, "director_only");
    let director = s.staff("director").await;
    let mut events = crate::support::Sse::connect(&s.base, None).await;
    let r = s.post("/api/director/issuing", &director, json!({"reopen": true})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["open"], true);
    assert_eq!(r.body["reopened"], true);
    let (changed, _) = events.until("issuing_changed").await;
    assert_eq!(changed.data["reopened"], true);
    assert_eq!(s.issue("mz-dibao").await["number"], "B001");
    // Stopping the reopening restores the hours at once.
    let r = s.post("/api/director/issuing", &director, json!({"reopen": false})).await;
    assert_eq!(r.body["open"], false, "{}", r.body);
    assert_error(&s.post("/api/tickets", "demo-kiosk", json!({"service_id": "mz-dibao"})).await, 409, "hall_closed");
    // Reopened for that day only.
    s.post("/api/director/issuing", &director, json!({"reopen": true})).await;
    s.clock().set(wednesday(17, 40) + chrono::Duration::days(1));
    assert_error(&s.post("/api/tickets", "demo-kiosk", json!({"service_id": "mz-dibao"})).await, 409, "hall_closed");
    let db = s.db.clone();
    let _dir = s.stop().await;
    let conn = rusqlite::Connection::open(db).unwrap();
    let audited: Vec<String> = conn
        .prepare("SELECT detail FROM audit WHERE action = 'issuing.reopen' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(audited.len(), 3, "{audited:?}");
    assert!(audited[0].contains("\"reopened\":true") && audited[0].contains("2026-11-25"), "{audited:?}");
}

#[tokio::test]
async fn health_reports_a_writer_that_cannot_commit_and_recovers() {
    let s = TestServer::start().await;
    assert_eq!(s.get("/api/health").await.body["status"], "ok");
    // Another process takes the database's write lock and keeps it.
    let lock = rusqlite::Connection::open(&s.db).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE; INSERT INTO hall_settings (key, value) VALUES ('x', 'y');").unwrap();
    let r = s.post("/api/tickets", "demo-kiosk", json!({"service_id": "mz-dibao"})).await;
    assert_eq!(r.status, 500, "{}", r.body);
    let h = s.get("/api/health").await;
    assert_eq!(h.status, 503, "{}", h.body);
    assert_eq!(h.body["status"], "failing");
    assert!(h.body["reason"].as_str().unwrap().contains("locked"), "{}", h.body);
    lock.execute_batch("ROLLBACK").unwrap();
    s.issue("mz-dibao").await;
    assert_eq!(s.get("/api/health").await.status, 200);
}
