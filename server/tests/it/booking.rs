//! Appointments (预约, issue 17): booking a slot, its limits, cancelling, the kiosk's check-in
//! (early, on time, late) and its effect on the order, identity numbers on walk-in tickets,
//! the staff's audited day list, day close (missed bookings, the suspension), and no clear
//! identity number anywhere in the database.

use chrono::{TimeZone, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{assert_error, TestServer};

const ID: &str = "11010519491231002X";
const ID2: &str = "11010119900307803X";

/// A local time (UTC+8) in late November 2026 (the 25th is a Wednesday).
fn at(day: u32, h: u32, m: u32) -> chrono::DateTime<Utc> {
    chrono_tz::Asia::Shanghai.with_ymd_and_hms(2026, 11, day, h, m, 0).unwrap().with_timezone(&Utc)
}

async fn start_at(day: u32, h: u32, m: u32) -> TestServer {
    let s = TestServer::start().await;
    s.clock().set(at(day, h, m));
    s
}

fn body(service: &str, day: &str, start: &str, phone: &str) -> Value {
    json!({ "service_id": service, "day": day, "start": start, "name": "张三", "phone": phone })
}

/// 最低生活保障's booking block in the sample hall.
const DIBAO_BOOKING: &str = "[matters.booking]                  # 可网上预约：每30分钟一个时段，每时段2个名额，可预约大厅接下来的5个办公日（含周六上午）\nslot_minutes = 30\nslot_capacity = 2\ndays_ahead = 5\n";

/// The hall's configuration as the admin page reads it.
async fn hall_toml(s: &TestServer, admin: &str) -> String {
    let toml = s.send(Method::GET, "/api/admin/hall", Some(admin), None, None).await.body["toml"].clone();
    toml.as_str().expect("the hall's TOML").to_string()
}

async fn book(s: &TestServer, b: Value) -> crate::support::Reply {
    s.send(Method::POST, "/api/bookings", None, Some(b), None).await
}

async fn booked(s: &TestServer, b: Value) -> Value {
    let r = book(s, b).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body
}

async fn check_in(s: &TestServer, by: Value) -> crate::support::Reply {
    s.post("/api/bookings/check-in", "demo-kiosk", by).await
}

async fn close_days(s: &TestServer) {
    s.state()
        .writer()
        .submit(hall_server::ops::Actor::System, hall_server::ops::Op::CloseDays, None)
        .await
        .expect("day close runs");
}

#[tokio::test]
async fn days_and_slots_of_a_bookable_matter() {
    let s = start_at(25, 9, 0).await;
    let days = s.get("/api/services/mz-dibao/booking-days").await;
    assert_eq!(days.status, 200, "{}", days.body);
    let list: Vec<&str> = days.body.as_array().unwrap().iter().map(|d| d["day"].as_str().unwrap()).collect();
    // Today (slots still to start), then the days the hall opens: Saturday the 28th's morning
    // (周六上午便民服务, as walk-ins have it), not Sunday the 29th.
    assert_eq!(list, ["2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-30"]);
    let saturday = s.get("/api/services/mz-dibao/slots?day=2026-11-28").await.body;
    let starts: Vec<&str> = saturday.as_array().unwrap().iter().map(|s| s["start"].as_str().unwrap()).collect();
    assert_eq!(
        (starts.first(), starts.last()),
        (Some(&"09:00"), Some(&"11:00")),
        "09:00–12:00, cut off at 11:30: {starts:?}"
    );
    let slots = s.get("/api/services/mz-dibao/slots?day=2026-11-26").await.body;
    let starts: Vec<&str> = slots.as_array().unwrap().iter().map(|s| s["start"].as_str().unwrap()).collect();
    assert_eq!(starts.first(), Some(&"08:30"));
    assert!(!starts.contains(&"12:00") && starts.contains(&"14:00"), "lunch excluded: {starts:?}");
    assert_eq!(starts.last(), Some(&"16:30"), "the 17:00 cut-off: {starts:?}");
    assert_eq!(slots[0], json!({"start": "08:30", "end": "09:00", "left": 2}));
    // Today: only slots after now.
    let today = s.get("/api/services/mz-dibao/slots?day=2026-11-25").await.body;
    assert_eq!(today[0]["start"], "09:30", "{today}");
    assert_error(&s.get("/api/services/nothing/slots?day=2026-11-26").await, 404, "not_found");
    assert_error(&s.get("/api/services/zh-zixun/slots?day=2026-11-26").await, 422, "not_bookable");
    assert_error(&s.get("/api/services/mz-dibao/slots?day=2026-11-29").await, 422, "not_bookable");
    assert_error(&s.get("/api/services/mz-dibao/slots?day=26-11").await, 422, "invalid_date");
    let services = s.get("/api/services").await.body;
    let dibao = services.as_array().unwrap().iter().find(|m| m["id"] == "mz-dibao").unwrap();
    assert_eq!(dibao["booking"], json!({"slot_minutes": 30, "slot_capacity": 2, "days_ahead": 5}));
    assert_eq!(s.get("/api/hall").await.body["turn_soon_ahead"], 3);
}

#[tokio::test]
async fn a_booking_is_masked_fills_its_slot_and_counts_in_the_quota() {
    let s = start_at(25, 9, 0).await;
    let b = booked(&s, body("mz-dibao", "2026-11-26", "09:00", "13812345678")).await;
    assert_eq!(b["status"], "booked");
    assert_eq!(b["code"].as_str().unwrap().len(), 8);
    assert_eq!(b["name_masked"], "张*");
    assert_eq!(b["phone_masked"], "138****5678");
    assert_eq!(b["id_masked"], Value::Null);
    assert_eq!(b["end"], "09:30");
    assert_eq!(b["cancel_until"], "2026-11-26T09:00:00+08:00");
    assert_eq!(b["windows"].as_array().unwrap().len(), 2, "{b}");
    let again = s.get(&format!("/api/bookings/{}", b["code"].as_str().unwrap())).await;
    assert_eq!(again.body, b);
    assert!(!again.body.to_string().contains("13812345678"));
    booked(&s, body("mz-dibao", "2026-11-26", "09:00", "13900000001")).await;
    assert_error(&book(&s, body("mz-dibao", "2026-11-26", "09:00", "13900000002")).await, 409, "slot_full");
    let slots = s.get("/api/services/mz-dibao/slots?day=2026-11-26").await.body;
    assert_eq!(slots[1], json!({"start": "09:00", "end": "09:30", "left": 0}));
    // Bad input changes nothing.
    assert_error(&book(&s, body("mz-dibao", "2026-11-26", "09:30", "12345")).await, 422, "invalid_phone");
    assert_error(&book(&s, body("mz-dibao", "2026-11-26", "09:10", "13900000003")).await, 422, "not_bookable");
    assert_error(&book(&s, body("mz-dibao", "2026-11-29", "09:00", "13900000003")).await, 422, "not_bookable");
    let mut no_name = body("mz-dibao", "2026-11-26", "09:30", "13900000003");
    no_name["name"] = json!("  ");
    assert_error(&book(&s, no_name).await, 422, "invalid_name");
    assert_eq!(s.get("/api/services/mz-dibao/slots?day=2026-11-26").await.body[2]["left"], 2);
    assert_error(&s.get("/api/bookings/00000000").await, 404, "booking_not_found");
    // zr-budongchan's quota of 40 counts booked places: days show places left.
    let days = s.get("/api/services/mz-dibao/booking-days").await.body;
    assert_eq!(days[1]["day"], "2026-11-26");
    let total: u64 = s
        .get("/api/services/mz-dibao/slots?day=2026-11-26")
        .await
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["left"].as_u64().unwrap())
        .sum();
    assert_eq!(days[1]["left"].as_u64(), Some(total));
}

#[tokio::test]
async fn one_live_booking_per_matter_per_person() {
    let s = start_at(25, 9, 0).await;
    booked(&s, body("mz-dibao", "2026-11-26", "09:00", "13812345678")).await;
    let r = book(&s, body("mz-dibao", "2026-11-27", "10:00", "13812345678")).await;
    assert_error(&r, 409, "booking_limit");
    // Another matter the same day is fine (two a day by default).
    booked(&s, body("rs-jmyibao", "2026-11-26", "10:10", "13812345678")).await;
    // Thursday the 26th: still in the 09:00 slot's grace (15 minutes) the booking holds; once it
    // is over (it can no longer be cancelled) the citizen who missed it may book another day.
    s.clock().set(at(26, 9, 10));
    assert_error(&book(&s, body("mz-dibao", "2026-11-27", "10:00", "13812345678")).await, 409, "booking_limit");
    s.clock().set(at(26, 9, 20));
    booked(&s, body("mz-dibao", "2026-11-27", "10:00", "13812345678")).await;
}

#[tokio::test]
async fn the_days_limit_counts_across_matters() {
    let text = hall_server::config::SAMPLE_HALL.replace("per_person_per_day = 2 ", "per_person_per_day = 1 ");
    assert_ne!(text, hall_server::config::SAMPLE_HALL);
    let hall = hall_server::config::parse(&text, "test").unwrap();
    let s = TestServer::options().hall(hall).start().await;
    s.clock().set(at(25, 9, 0));
    booked(&s, body("mz-dibao", "2026-11-26", "09:00", "13812345678")).await;
    assert_error(&book(&s, body("rs-jmyibao", "2026-11-26", "10:10", "13812345678")).await, 409, "booking_limit");
    booked(&s, body("rs-jmyibao", "2026-11-27", "10:10", "13812345678")).await;
}

#[tokio::test]
async fn cancel_until_the_slot_starts() {
    let s = start_at(25, 9, 0).await;
    let b = booked(&s, body("mz-dibao", "2026-11-25", "10:00", "13812345678")).await;
    let code = b["code"].as_str().unwrap().to_string();
    let r = s.send(Method::POST, &format!("/api/bookings/{code}/cancel"), None, None, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "cancelled");
    assert!(r.body.get("hall_cancelled").is_none(), "the citizen's own: {}", r.body);
    let r = s.send(Method::POST, &format!("/api/bookings/{code}/cancel"), None, None, None).await;
    assert_error(&r, 409, "booking_used");
    // The place is free again, and the person may book the matter again.
    assert_eq!(s.get("/api/services/mz-dibao/slots?day=2026-11-25").await.body[1]["left"], 2);
    let b = booked(&s, body("mz-dibao", "2026-11-25", "10:00", "13812345678")).await;
    s.clock().set(at(25, 10, 0));
    let r =
        s.send(Method::POST, &format!("/api/bookings/{}/cancel", b["code"].as_str().unwrap()), None, None, None).await;
    assert_error(&r, 409, "booking_started");
}

#[tokio::test]
async fn a_check_in_retried_past_the_kiosks_rate_gets_its_first_answer() {
    // The check-in was made but its answer lost; the kiosk's retry meets its rate limit. A 429
    // is final for the kiosk: the citizen would lose the ticket made for them.
    let s = TestServer::options().kiosk_rate_limit(1).start().await;
    s.clock().set(at(25, 9, 0));
    let b = booked(&s, body("mz-dibao", "2026-11-25", "09:30", "13812345678")).await;
    let by = json!({ "code": b["code"] });
    let first =
        s.send(Method::POST, "/api/bookings/check-in", Some("demo-kiosk"), Some(by.clone()), Some("ci-1")).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let again = s.send(Method::POST, "/api/bookings/check-in", Some("demo-kiosk"), Some(by), Some("ci-1")).await;
    assert_eq!((again.status.as_u16(), &again.body), (201, &first.body));
    // Anything else over the rate is still refused.
    let other = json!({ "code": "12345678" });
    let r = s.send(Method::POST, "/api/bookings/check-in", Some("demo-kiosk"), Some(other), Some("ci-2")).await;
    assert_error(&r, 429, "rate_limited");
}

#[tokio::test]
async fn a_booking_retried_past_the_addresss_rate_gets_its_code() {
    // The booking was made but its answer lost; by the retry the address (a hall's Wi-Fi, many
    // phones) has used up its rate. The retry gets the booking's code, not a 429.
    let s = start_at(25, 9, 0).await;
    let b = body("mz-dibao", "2026-11-26", "09:30", "13812345678");
    let first = s.send(Method::POST, "/api/bookings", None, Some(b.clone()), Some("bk-1")).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let mut spent = false;
    for i in 0..60 {
        let other = body("mz-dibao", "2026-11-26", "09:30", &format!("139{i:08}"));
        if s.send(Method::POST, "/api/bookings", None, Some(other), None).await.status == 429 {
            spent = true;
            break;
        }
    }
    assert!(spent, "the address's rate is used up");
    let again = s.send(Method::POST, "/api/bookings", None, Some(b.clone()), Some("bk-1")).await;
    assert_eq!((again.status.as_u16(), &again.body["code"]), (201, &first.body["code"]));
    let r = s.send(Method::POST, "/api/bookings", None, Some(b), Some("bk-2")).await;
    assert_error(&r, 429, "rate_limited");
}

#[tokio::test]
async fn a_new_configuration_cancels_the_bookings_it_no_longer_serves() {
    // 最低生活保障 (30-minute slots) twice; 医保 (20-minute slots from 08:30) at 09:10 and 10:10.
    let s = start_at(25, 9, 0).await;
    let dibao = booked(&s, body("mz-dibao", "2026-11-26", "09:30", "13812345678")).await;
    let dibao2 = booked(&s, body("mz-dibao", "2026-11-26", "10:30", "13812345679")).await;
    let kept = booked(&s, body("rs-jmyibao", "2026-11-26", "09:10", "13812345670")).await;
    let slot_gone = booked(&s, body("rs-jmyibao", "2026-11-26", "10:10", "13812345671")).await;
    // The administrator stops booking 最低生活保障 online, ends Thursday mornings at 10:00 and
    // makes 医保's slots 45 minutes (08:30, 09:15…): 10:10 is outside Thursday's hours now;
    // 09:10, off the new grid but within the hours, is still served (check-in goes by the time).
    let admin = s.staff("admin").await;
    let toml = hall_toml(&s, &admin).await;
    let dibao_booking = DIBAO_BOOKING;
    let yibao_slots =
        "# 可网上预约：每20分钟一个时段，每时段3个名额（默认可预约接下来的5个办公日）\nslot_minutes = 20\n";
    assert!(toml.contains(dibao_booking) && toml.contains(yibao_slots));
    let thursday = "thu = [\"08:30-12:00\", \"14:00-17:30\"]";
    assert!(toml.contains(thursday));
    let changed = toml.replacen(dibao_booking, "", 1).replacen(yibao_slots, "\nslot_minutes = 45\n", 1).replacen(
        thursday,
        "thu = [\"08:30-10:00\", \"14:00-17:30\"]",
        1,
    );
    let r = s.post("/api/admin/hall", &admin, json!({ "toml": changed })).await;
    assert_eq!((r.status.as_u16(), r.body["bookings_cancelled"].as_u64()), (200, Some(3)), "{}", r.body);
    for (b, status) in [(&dibao, "cancelled"), (&dibao2, "cancelled"), (&slot_gone, "cancelled"), (&kept, "booked")] {
        let code = b["code"].as_str().unwrap();
        let page = s.get(&format!("/api/bookings/{code}")).await.body;
        assert_eq!(page["status"], status, "{code}");
        // The citizen's own page says the hall cancelled it (not them): book again.
        assert_eq!(page["hall_cancelled"].as_bool().unwrap_or(false), status == "cancelled", "{page}");
    }
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let sql = "SELECT COUNT(*) FROM audit WHERE action = 'booking.cancel' AND detail LIKE '%config%'";
    assert_eq!(db.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap(), 3);
    // The director's list of the day says which the hall cancelled: those citizens are phoned.
    let director = s.staff("director").await;
    let list = s.send(Method::GET, "/api/bookings?day=2026-11-26", Some(&director), None, None).await.body;
    let hall_cancelled = |b: &Value| {
        let line = list.as_array().unwrap().iter().find(|l| l["code"] == b["code"]).expect("listed");
        line["hall_cancelled"].as_bool().unwrap_or(false)
    };
    assert!(hall_cancelled(&dibao) && hall_cancelled(&dibao2) && hall_cancelled(&slot_gone), "{list}");
    assert!(!hall_cancelled(&kept), "{list}");
    // The kept 09:10–09:30 booking is off the new 45-minute grid: it takes a place in both
    // slots it overlaps (capacity 3), so neither is booked past its capacity.
    let slots = s.get("/api/services/rs-jmyibao/slots?day=2026-11-26").await.body;
    let left = |start: &str| slots.as_array().unwrap().iter().find(|x| x["start"] == start).unwrap()["left"].clone();
    assert_eq!((left("08:30"), left("09:15")), (json!(2), json!(2)), "{slots}");
    for phone in ["13912340001", "13912340002"] {
        booked(&s, body("rs-jmyibao", "2026-11-26", "08:30", phone)).await;
    }
    assert_error(&book(&s, body("rs-jmyibao", "2026-11-26", "08:30", "13912340003")).await, 409, "slot_full");
}

/// A new configuration at 10:00 cancels the bookings it no longer serves from now on, not this
/// morning's 09:30 whose check-in closed at 09:45: missed, it is judged at the day's close (a
/// no-show), and nobody is to be phoned about a slot gone.
#[tokio::test]
async fn a_new_configuration_leaves_a_booking_already_missed_today_alone() {
    let s = start_at(25, 9, 0).await;
    let missed = booked(&s, body("mz-dibao", "2026-11-25", "09:30", "13812345678")).await;
    let tomorrow = booked(&s, body("mz-dibao", "2026-11-26", "09:30", "13812345679")).await;
    s.clock().set(at(25, 10, 0));
    let admin = s.staff("admin").await;
    let toml = hall_toml(&s, &admin).await;
    let dibao_booking = DIBAO_BOOKING;
    assert!(toml.contains(dibao_booking));
    let r = s.post("/api/admin/hall", &admin, json!({ "toml": toml.replacen(dibao_booking, "", 1) })).await;
    assert_eq!((r.status.as_u16(), r.body["bookings_cancelled"].as_u64()), (200, Some(1)), "{}", r.body);
    for (b, status) in [(&missed, "booked"), (&tomorrow, "cancelled")] {
        let page = s.get(&format!("/api/bookings/{}", b["code"].as_str().unwrap())).await.body;
        assert_eq!(page["status"], status, "{page}");
    }
}

#[tokio::test]
async fn the_directors_list_keeps_the_bookings_of_a_matter_taken_out_of_the_hall() {
    let s = start_at(25, 9, 0).await;
    let mut land = body("zr-zhaijidi", "2026-11-26", "10:00", "13812345670");
    land["id_number"] = json!(ID);
    let gone = booked(&s, land).await;
    let mine = booked(&s, body("mz-dibao", "2026-11-26", "09:30", "13812345671")).await;
    let code = mine["code"].as_str().unwrap();
    let r = s.send(Method::POST, &format!("/api/bookings/{code}/cancel"), None, None, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let admin = s.staff("admin").await;
    let toml = hall_toml(&s, &admin).await;
    let start = toml.find("[[matters]]\nid = \"zr-zhaijidi\"").unwrap();
    let end = start + 1 + toml[start + 1..].find("[[matters]]").unwrap();
    let without = format!("{}{}", &toml[..start], &toml[end..]);
    let r = s.post("/api/admin/hall", &admin, json!({ "toml": without })).await;
    assert_eq!((r.status.as_u16(), r.body["bookings_cancelled"].as_u64()), (200, Some(1)), "{}", r.body);
    let director = s.staff("director").await;
    let list = s.send(Method::GET, "/api/bookings?day=2026-11-26", Some(&director), None, None).await.body;
    let lines = list.as_array().unwrap();
    assert_eq!(lines.len(), 2, "{list}");
    let line = lines.iter().find(|l| l["code"] == gone["code"]).expect("the removed matter's booking is listed");
    assert_eq!((line["status"].as_str(), line["hall_cancelled"].as_bool()), (Some("cancelled"), Some(true)));
    assert_eq!(line["service_name"], "zr-zhaijidi", "the matter is gone: its id");
    let line = lines.iter().find(|l| l["code"] == mine["code"]).unwrap();
    assert!(line.get("hall_cancelled").is_none(), "cancelled by the citizen: {line}");
}

#[tokio::test]
async fn an_on_time_booked_ticket_is_called_before_an_older_walk_in() {
    let s = start_at(25, 9, 0).await;
    let b = booked(&s, body("mz-dibao", "2026-11-25", "09:30", "13812345678")).await;
    let code = b["code"].as_str().unwrap();
    let walk_in = s.issue("mz-dibao").await;
    assert_eq!(walk_in["booked"], false);
    s.clock().set(at(25, 9, 10));
    // A scanned QR code: the booking page's address ending in the code.
    let r = check_in(&s, json!({ "code": format!("https://hall.example/book/{code}") })).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["on_time"], true);
    assert_eq!(r.body["ticket"]["booked"], true);
    assert_eq!(r.body["ticket"]["waiting_ahead"], 0, "ahead of the walk-in");
    assert!(r.body["ticket"]["status_url"].as_str().unwrap().starts_with("/t/"));
    assert_eq!(r.body["booking"]["status"], "checked_in");
    assert_eq!(r.body["booking"]["ticket"]["number"], r.body["ticket"]["number"]);
    let booked_id = r.body["ticket"]["id"].clone();
    let again = check_in(&s, json!({ "code": code })).await;
    assert_eq!(
        (again.status.as_u16(), again.body["ticket"]["id"].clone()),
        (200, booked_id.clone()),
        "the same ticket"
    );
    let clerk = s.clerk("clerk2", "w02").await;
    let first = s.act(&clerk, "w02", "call-next").await;
    assert_eq!(first.body["id"], booked_id, "{}", first.body);
    assert_eq!(first.body["booked"], true);
    s.act(&clerk, "w02", "start").await;
    let r = s.post("/api/windows/w02/finish", &clerk, json!({"outcome": "immediate"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let second = s.act(&clerk, "w02", "call-next").await;
    assert_eq!(second.body["id"], walk_in["id"]);
}

#[tokio::test]
async fn a_check_in_late_past_the_days_issuing_gets_no_ticket_nobody_would_call() {
    let s = start_at(25, 9, 0).await;
    let b = booked(&s, body("mz-dibao", "2026-11-25", "16:30", "13812345678")).await;
    // 17:10: the grace ended at 16:45 and tickets stop at 17:00 (17:30 close): an ordinary
    // ticket now would wait for a call that never comes.
    s.clock().set(at(25, 17, 10));
    let r = check_in(&s, json!({ "code": b["code"] })).await;
    assert_error(&r, 409, "hall_closed");
    let again = booked(&s, body("mz-dibao", "2026-11-26", "14:00", "13900001111")).await;
    // A code of a day gone is used (missed), not "come back on" that day.
    s.clock().set(at(26, 9, 0));
    assert_error(&check_in(&s, json!({ "code": b["code"] })).await, 409, "booking_used");
    // On time it is the slot's, whatever the hours: 13:40, over lunch, for 14:00.
    s.clock().set(at(26, 13, 40));
    assert_error(&s.post("/api/tickets", "demo-kiosk", json!({"service_id": "mz-dibao"})).await, 409, "hall_closed");
    let r = check_in(&s, json!({ "code": again["code"] })).await;
    assert_eq!((r.status.as_u16(), r.body["on_time"].clone()), (201, json!(true)), "{}", r.body);
}

/// A make-up working day (调休, Saturday 10 October 2026) opens at a weekday's 08:30, not at the
/// Saturday's 09:00: an 08:30 slot is told 08:30 (it was told 08:00, before the doors opened).
#[tokio::test]
async fn a_make_up_days_check_in_is_told_by_that_days_hours() {
    let s = TestServer::start().await;
    s.clock().set(chrono_tz::Asia::Shanghai.with_ymd_and_hms(2026, 10, 8, 9, 0, 0).unwrap().with_timezone(&Utc));
    let b = booked(&s, body("mz-dibao", "2026-10-10", "08:30", "13812345678")).await;
    assert_eq!((b["check_in_from"].as_str(), b["check_in_until"].as_str()), (Some("08:30"), Some("08:45")), "{b}");
    let nine = booked(&s, body("mz-dibao", "2026-10-10", "09:30", "13900001111")).await;
    assert_eq!(nine["check_in_from"], "09:00", "30 minutes early, the doors open: {nine}");
}

#[tokio::test]
async fn check_in_early_on_time_and_late() {
    let s = start_at(25, 9, 0).await;
    let b = booked(&s, body("mz-dibao", "2026-11-25", "11:00", "13812345678")).await;
    let code = b["code"].as_str().unwrap();
    // The booked place is kept from 30 minutes before the slot to 15 after (the sample hall's
    // early_minutes and grace_minutes): said on the booking page.
    assert_eq!((b["check_in_from"].as_str(), b["check_in_until"].as_str()), (Some("10:30"), Some("11:15")));
    // Not before the doors open: an 08:30 slot is told 08:30, not 08:00.
    let first = booked(&s, body("mz-dibao", "2026-11-26", "08:30", "13700001111")).await;
    assert_eq!((first["check_in_from"].as_str(), first["check_in_until"].as_str()), (Some("08:30"), Some("08:45")));
    let tomorrow = booked(&s, body("rs-jmyibao", "2026-11-26", "09:10", "13812345678")).await;
    s.clock().set(at(25, 10, 29));
    let r = check_in(&s, json!({ "code": code })).await;
    assert_error(&r, 409, "booking_too_early");
    assert!(r.body["message"].as_str().unwrap().contains("10:30"), "{}", r.body);
    // Said as data too, for a kiosk to say in its own language.
    assert_eq!(r.body["next_open"], "2026-11-25T10:30:00+08:00", "{}", r.body);
    let r = check_in(&s, json!({ "code": tomorrow["code"] })).await;
    assert_error(&r, 404, "booking_not_found");
    assert!(r.body["message"].as_str().unwrap().contains("2026-11-26"), "{}", r.body);
    assert_eq!(r.body["booking_day"], "2026-11-26", "{}", r.body);
    assert_error(&check_in(&s, json!({ "code": "12345678" })).await, 404, "booking_not_found");
    assert_error(&check_in(&s, json!({})).await, 400, "invalid_body");
    // Late: an ordinary ticket, and the citizen is told.
    s.clock().set(at(25, 11, 16));
    let walk_in = s.issue("mz-dibao").await;
    let r = check_in(&s, json!({ "code": code })).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["on_time"], false);
    assert_eq!(r.body["ticket"]["booked"], false);
    assert_eq!(r.body["ticket"]["waiting_ahead"], 1, "behind the walk-in");
    // Checked in again (the answer lost, the print failed, the paper lost): the same ticket,
    // printed once more, never a second one — until it is served.
    let again = check_in(&s, json!({ "code": code })).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(
        (again.body["ticket"]["id"].clone(), again.body["on_time"].clone()),
        (r.body["ticket"]["id"].clone(), json!(false))
    );
    let clerk = s.clerk("clerk2", "w02").await;
    assert_eq!(s.act(&clerk, "w02", "call-next").await.body["id"], walk_in["id"]);
    s.post("/api/windows/w02/finish", &clerk, json!({"outcome": "immediate"})).await;
    assert_eq!(s.act(&clerk, "w02", "call-next").await.body["id"], r.body["ticket"]["id"]);
    s.post("/api/windows/w02/finish", &clerk, json!({"outcome": "immediate"})).await;
    assert_error(&check_in(&s, json!({ "code": code })).await, 409, "booking_used");
    // Only a kiosk checks in.
    let director = s.staff("director").await;
    assert_error(&s.post("/api/bookings/check-in", &director, json!({"code": code})).await, 403, "kiosk_only");
}

#[tokio::test]
async fn identity_numbers_walk_in_limits_and_check_in_by_number() {
    let s = start_at(25, 9, 0).await;
    let zhaijidi = |id: Option<&str>| {
        let mut b = body("zr-zhaijidi", "2026-11-25", "10:00", "13812345678");
        if let Some(id) = id {
            b["id_number"] = json!(id);
        }
        b
    };
    assert_error(&book(&s, zhaijidi(None)).await, 422, "id_number_required");
    assert_error(&book(&s, zhaijidi(Some("110105194912310021"))).await, 422, "invalid_id_number");
    assert_eq!(s.get("/api/services/zr-zhaijidi/slots?day=2026-11-25").await.body[1]["left"], 3, "nothing booked");
    // With a retry key: the stored answer (replayed to a retry) holds only the masked number.
    let key = Some("booking-with-id");
    let b = s.send(Method::POST, "/api/bookings", None, Some(zhaijidi(Some(&ID.to_lowercase()))), key).await;
    assert_eq!(b.status, 201, "{}", b.body);
    let b = b.body;
    assert_eq!(b["id_masked"], "110***********002X");
    let replay = s.send(Method::POST, "/api/bookings", None, Some(zhaijidi(Some(&ID.to_lowercase()))), key).await;
    assert_eq!((replay.status.as_u16(), &replay.body), (201, &b), "the first answer again, nothing booked twice");
    // The same person with another phone: still one booking per matter.
    let mut other_phone = zhaijidi(Some(ID));
    other_phone["phone"] = json!("13900000000");
    assert_error(&book(&s, other_phone).await, 409, "booking_limit");
    // Walk-ins of the matter give the number; one live ticket per person and matter.
    let issue = |id: Option<&str>| {
        let mut b = json!({"service_id": "zr-zhaijidi"});
        if let Some(id) = id {
            b["id_number"] = json!(id);
        }
        b
    };
    assert_error(&s.post("/api/tickets", "demo-kiosk", issue(None)).await, 422, "id_number_required");
    assert_error(
        &s.post("/api/tickets", "demo-kiosk", issue(Some("11010519491231002"))).await,
        422,
        "invalid_id_number",
    );
    let first = s.post("/api/tickets", "demo-kiosk", issue(Some(ID2))).await;
    assert_eq!(first.status, 201, "{}", first.body);
    // Asked again while it waits (the paper lost, or the kiosk's answer lost while the citizen
    // stepped away): that ticket again, to print once more — not a refusal to someone holding
    // nothing, nor a second ticket. Audited.
    let again = s.post("/api/tickets", "demo-kiosk", issue(Some(ID2))).await;
    assert_eq!((again.status.as_u16(), &again.body["number"]), (200, &first.body["number"]), "{}", again.body);
    assert_eq!(again.body["status_url"], first.body["status_url"], "the same QR code on the paper");
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let (audited, detail): (i64, String) = db
        .query_row("SELECT COUNT(*), MAX(detail) FROM audit WHERE action = 'ticket.again'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(audited, 1);
    // Which ticket, never whose (not even masked): the audit outlives the person's record.
    assert!(!detail.contains(&ID2[..3]) && !detail.contains(&ID2[ID2.len() - 4..]), "nobody's number: {detail}");
    // Once it was called, the limit stands.
    let clerk = s.clerk("clerk9", "w09").await;
    let called = s.act(&clerk, "w09", "call-next").await;
    assert_eq!((called.status.as_u16(), &called.body["number"]), (200, &first.body["number"]), "{}", called.body);
    assert_error(&s.post("/api/tickets", "demo-kiosk", issue(Some(ID2))).await, 409, "person_limit");
    // Other matters ignore the limit unless a number is given.
    s.issue("mz-dibao").await;
    // At the kiosk by the identity number.
    s.clock().set(at(25, 9, 45));
    let r = check_in(&s, json!({ "id_number": ID })).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["on_time"], true);
    assert_eq!(r.body["booking"]["code"], b["code"]);
    let r = check_in(&s, json!({ "id_number": ID2 })).await;
    assert_error(&r, 404, "booking_not_found");
    assert!(!r.body.to_string().contains(ID2), "the message masks the number: {}", r.body);
    assert_error(&check_in(&s, json!({ "id_number": "110105194912310021" })).await, 422, "invalid_id_number");
    // No clear identity number anywhere in the database, its WAL or beside it (nor its
    // lower-case form), while the server runs and once it has stopped.
    let folder = s.db.parent().unwrap().to_path_buf();
    assert_eq!(clear_ids_in(&folder), Vec::<String>::new());
    assert!(std::fs::read_dir(&folder).unwrap().any(|e| e.unwrap().path().to_string_lossy().ends_with("-wal")));
    let dir = s.stop().await.expect("the test's folder");
    assert_eq!(clear_ids_in(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn a_check_in_by_identity_number_takes_the_booking_whose_time_it_is() {
    // Booked for 10:00 (宅基地) and 14:00 (低保) today; the morning one missed.
    let s = start_at(25, 8, 0).await;
    let mut morning = body("zr-zhaijidi", "2026-11-25", "10:00", "13812345678");
    morning["id_number"] = json!(ID);
    let mut afternoon = body("mz-dibao", "2026-11-25", "14:00", "13812345678");
    afternoon["id_number"] = json!(ID);
    booked(&s, morning).await;
    let afternoon = booked(&s, afternoon).await;
    // 13:10: come for the afternoon's matter (told when its check-in opens), not given an
    // ordinary ticket for the missed morning's.
    s.clock().set(at(25, 13, 10));
    let r = check_in(&s, json!({ "id_number": ID })).await;
    assert_error(&r, 409, "booking_too_early");
    assert_eq!(r.body["next_open"], "2026-11-25T13:30:00+08:00", "{}", r.body);
    // 13:45: the afternoon's check-in is open; the citizen gets the 低保 booked place, not an
    // ordinary ticket for the missed 宅基地 one (which would leave the 14:00 place unused).
    s.clock().set(at(25, 13, 45));
    let r = check_in(&s, json!({ "id_number": ID })).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        (r.body["booking"]["code"].clone(), r.body["on_time"].clone()),
        (afternoon["code"].clone(), json!(true))
    );
    assert_eq!(r.body["ticket"]["service_id"], "mz-dibao");
    // 14:20, the printed ticket lost: by identity number again, that ticket once more — not an
    // ordinary ticket for the missed morning's booking (which would use it up).
    s.clock().set(at(25, 14, 20));
    let again = check_in(&s, json!({ "id_number": ID })).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["ticket"]["number"], r.body["ticket"]["number"], "{}", again.body);
    assert_eq!(again.body["booking"]["code"], afternoon["code"]);
}

/// Files of a folder holding an identity number of these tests in clear.
fn clear_ids_in(folder: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        let Ok(bytes) = std::fs::read(&path) else { continue };
        for needle in [ID.to_string(), ID.to_lowercase(), ID2.to_string(), "110105194912310".to_string()] {
            if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                found.push(format!("{needle} in {}", path.display()));
            }
        }
    }
    found
}

#[tokio::test]
async fn missed_bookings_suspend_booking_for_30_days() {
    let s = start_at(25, 9, 0).await;
    for (day, next) in [(25, at(26, 9, 0)), (26, at(27, 9, 0)), (27, at(30, 9, 0))] {
        booked(&s, body("mz-dibao", &format!("2026-11-{day}"), "10:00", "13812345678")).await;
        s.clock().set(next);
        close_days(&s).await;
    }
    let r = book(&s, body("mz-dibao", "2026-12-01", "10:00", "13812345678")).await;
    assert_error(&r, 409, "booking_suspended");
    assert_eq!(r.body["until"], "2026-12-27", "{}", r.body);
    assert!(r.body["message"].as_str().unwrap().contains("2026-12-27"));
    // Someone else books as usual.
    booked(&s, body("mz-dibao", "2026-12-01", "10:00", "13900000000")).await;
    // The missed booking reads as missed.
    let director = s.staff("director").await;
    let list = s.send(Method::GET, "/api/bookings?day=2026-11-27", Some(&director), None, None).await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(list.body[0]["status"], "missed");
}

#[tokio::test]
async fn staff_read_a_days_bookings_audited_phones_masked_but_for_the_director() {
    let s = start_at(25, 9, 0).await;
    booked(&s, body("mz-dibao", "2026-11-25", "10:00", "13812345678")).await;
    booked(
        &s,
        body("zr-zhaijidi", "2026-11-25", "10:00", "13900000000")
            .as_object()
            .cloned()
            .map(|mut b| {
                b.insert("id_number".into(), json!(ID));
                Value::Object(b)
            })
            .unwrap(),
    )
    .await;
    let director = s.staff("director").await;
    let all = s.send(Method::GET, "/api/bookings", Some(&director), None, None).await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(all.body.as_array().unwrap().len(), 2);
    assert_eq!(all.body[0]["phone"], "13812345678");
    assert_eq!(all.body[0]["name"], "张三");
    let clerk = s.clerk("clerk2", "w02").await;
    let mine = s.send(Method::GET, "/api/bookings?day=2026-11-25", Some(&clerk), None, None).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert_eq!(mine.body.as_array().unwrap().len(), 1, "only w02's matters: {}", mine.body);
    assert_eq!(mine.body[0]["phone"], "138****5678");
    // Today's only: another day's names and phones are not the window's (audited nowhere: refused).
    for day in ["2026-11-24", "2026-11-26"] {
        let other = s.send(Method::GET, &format!("/api/bookings?day={day}"), Some(&clerk), None, None).await;
        assert_error(&other, 403, "director_only");
    }
    // The booking's code is the citizen's secret: not in a clerk's list, in the director's.
    assert!(mine.body[0].get("code").is_none(), "{}", mine.body);
    assert_eq!(all.body[0]["code"].as_str().map(str::len), Some(8), "{}", all.body);
    let leader = s.staff("leader").await;
    let r = s.send(Method::GET, "/api/bookings", Some(&leader), None, None).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_error(&s.get("/api/bookings").await, 401, "unauthorized");
    // Once w02 is signed in at anew (another computer), the first session reads its bookings
    // no more.
    s.clerk("clerk2", "w02").await;
    let r = s.send(Method::GET, "/api/bookings?day=2026-11-25", Some(&clerk), None, None).await;
    assert_error(&r, 403, "not_your_window");
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let reads: i64 =
        db.query_row("SELECT COUNT(*) FROM audit WHERE action = 'booking.read_day'", [], |r| r.get(0)).unwrap();
    assert_eq!(reads, 2);
}

#[tokio::test]
async fn citizens_data_is_deleted_after_keep_days() {
    let s = start_at(25, 9, 0).await;
    let mut citizen = body("mz-dibao", "2026-11-26", "10:00", "13812345678");
    citizen["name"] = json!("欧阳娜娜");
    let b = booked(&s, citizen).await;
    let code = b["code"].as_str().unwrap();
    s.clock().set(chrono_tz::Asia::Shanghai.with_ymd_and_hms(2027, 2, 24, 9, 0, 0).unwrap().with_timezone(&Utc));
    close_days(&s).await;
    assert_eq!(s.get(&format!("/api/bookings/{code}")).await.status, 200, "kept 90 days after the 26th");
    s.clock().set(chrono_tz::Asia::Shanghai.with_ymd_and_hms(2027, 2, 25, 9, 0, 0).unwrap().with_timezone(&Utc));
    close_days(&s).await;
    assert_error(&s.get(&format!("/api/bookings/{code}")).await, 404, "booking_not_found");
    // Deleted means gone from the file too, not left in the page's free space (个人信息保护法):
    // once the log is copied into the database, neither holds the phone or the name.
    let db = rusqlite::Connection::open(&s.db).unwrap();
    db.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get::<_, i64>(0)).unwrap();
    let mut bytes = std::fs::read(&s.db).unwrap();
    bytes.extend(std::fs::read(s.db.with_extension("db-wal")).unwrap_or_default());
    // Not even masked in the audit, which is kept for good.
    for secret in ["13812345678", "欧阳娜娜", "138****5678"] {
        let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
        assert!(!found, "`{secret}` is still in the database file after its deletion");
    }
}

#[tokio::test]
async fn a_booked_ticket_transferred_waits_as_an_ordinary_one_at_its_place() {
    let s = start_at(25, 9, 0).await;
    let b = booked(&s, body("mz-dibao", "2026-11-25", "09:30", "13812345678")).await;
    let earlier = s.issue("rs-jmyibao").await;
    s.clock().set(at(25, 9, 5));
    let t = check_in(&s, json!({ "code": b["code"] })).await.body["ticket"].clone();
    s.clock().set(at(25, 9, 6));
    let later = s.issue("rs-jmyibao").await;
    let mz = s.clerk("clerk2", "w02").await;
    assert_eq!(s.act(&mz, "w02", "call-next").await.body["id"], t["id"]);
    let moved = s.post("/api/windows/w02/transfer", &mz, json!({"service_id": "rs-jmyibao"})).await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(moved.body["waiting_ahead"], 1, "behind the walk-in issued before it, ahead of the later one");
    // Its phone page no longer says it is called ahead of walk-ins (its slot was the first matter's).
    let token = t["status_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let page = s.get(&format!("/api/t/{token}")).await.body;
    assert_eq!((page["status"].as_str(), page.get("booked")), (Some("transferred"), Some(&json!(false))), "{page}");
    let rs = s.clerk("clerk5", "w05").await;
    let order: Vec<Value> = [s.act(&rs, "w05", "call-next").await.body["id"].clone(), {
        s.post("/api/windows/w05/finish", &rs, json!({"outcome": "immediate"})).await;
        s.act(&rs, "w05", "call-next").await.body["id"].clone()
    }]
    .into();
    assert_eq!(order, [earlier["id"].clone(), t["id"].clone()], "then {}", later["number"]);
    let db = rusqlite::Connection::open(&s.db).unwrap();
    assert!(hall_server::store::tickets::waiting_count_mismatches(&db).unwrap().is_empty(), "counts kept in step");
}

#[tokio::test]
async fn booked_places_count_in_the_daily_quota() {
    let line = "[matters.booking]                  # 可网上预约：每30分钟一个时段，每时段2个名额";
    let text = hall_server::config::SAMPLE_HALL.replacen(line, &format!("daily_quota = 3\n{line}"), 1);
    assert_ne!(text, hall_server::config::SAMPLE_HALL);
    let s = TestServer::options().hall(hall_server::config::parse(&text, "test").unwrap()).start().await;
    s.clock().set(at(25, 9, 0));
    let mut sse = crate::support::Sse::connect(&s.base, None).await;
    let first = booked(&s, body("mz-dibao", "2026-11-25", "09:30", "13900000001")).await;
    let (changed, _) = sse.until("queue_changed").await;
    assert_eq!(changed.data["queue"], "minzheng", "kiosks are told of today's places");
    // Dated by the booking's own time: the county counts the queue's longest wait to it (nothing
    // timed came before it since the last call).
    assert_eq!(changed.data["at"], "2026-11-25T09:00:00+08:00");
    let second = booked(&s, body("mz-dibao", "2026-11-25", "09:30", "13900000002")).await;
    s.issue("mz-dibao").await;
    let services = s.get("/api/services").await.body;
    let dibao = services.as_array().unwrap().iter().find(|m| m["id"] == "mz-dibao").unwrap().clone();
    assert_eq!(dibao["issuing"]["left_today"], 0, "two booked and one walk-in: {dibao}");
    assert!(s
        .get("/api/services/mz-dibao/slots?day=2026-11-25")
        .await
        .body
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["left"] == 0));
    assert_error(&book(&s, body("mz-dibao", "2026-11-25", "10:00", "13900000003")).await, 409, "slot_full");
    assert_error(&s.post("/api/tickets", "demo-kiosk", json!({"service_id": "mz-dibao"})).await, 409, "quota_reached");
    // Today has no place left; tomorrow's quota is whole.
    let days = s.get("/api/services/mz-dibao/booking-days").await.body;
    assert_eq!(days[0], json!({"day": "2026-11-25", "left": 0}));
    assert_eq!(days[1], json!({"day": "2026-11-26", "left": 3}));
    // A check-in's ticket is not counted again: still exactly full, and it is issued.
    s.clock().set(at(25, 9, 10));
    assert_eq!(check_in(&s, json!({ "code": first["code"] })).await.status, 201);
    let services = s.get("/api/services").await.body;
    let dibao = services.as_array().unwrap().iter().find(|m| m["id"] == "mz-dibao").unwrap().clone();
    assert_eq!(dibao["issuing"]["left_today"], 0, "{dibao}");
    assert_eq!(s.get("/api/services/mz-dibao/booking-days").await.body[1]["left"], 3);
    // The second booked citizen (09:30) has not come when the check-in closes (09:45): the
    // place goes back to the walk-ins, not held empty until midnight.
    s.clock().set(at(25, 9, 45));
    assert_error(&s.post("/api/tickets", "demo-kiosk", json!({"service_id": "mz-dibao"})).await, 409, "quota_reached");
    s.clock().set(at(25, 9, 46));
    let services = s.get("/api/services").await.body;
    let dibao = services.as_array().unwrap().iter().find(|m| m["id"] == "mz-dibao").unwrap().clone();
    assert_eq!(dibao["issuing"]["left_today"], 1, "{dibao}");
    assert_eq!(s.post("/api/tickets", "demo-kiosk", json!({"service_id": "mz-dibao"})).await.status, 201);
    assert_error(&s.post("/api/tickets", "demo-kiosk", json!({"service_id": "mz-dibao"})).await, 409, "quota_reached");
    // The second booked citizen comes at 10:00: the place went to a walk-in, so no fourth ticket
    // of three (the booking stays, unchanged).
    s.clock().set(at(25, 10, 0));
    assert_error(&check_in(&s, json!({ "code": second["code"] })).await, 409, "quota_reached");
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let (tickets, status): (u32, String) = db
        .query_row(
            "SELECT (SELECT COUNT(*) FROM tickets WHERE service_id = 'mz-dibao'), status FROM bookings WHERE code = ?1",
            [second["code"].as_str().unwrap()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((tickets, status.as_str()), (3, "booked"));
}

/// A booked citizen called on time and not there, put back hours later, waits as an ordinary
/// one at their place: the citizen booked for now, checked in on time, is called first.
#[tokio::test]
async fn a_booked_ticket_put_back_after_its_grace_waits_as_an_ordinary_one() {
    let s = start_at(25, 9, 0).await;
    let morning = booked(&s, body("mz-dibao", "2026-11-25", "10:00", "13812345678")).await;
    let afternoon = booked(&s, body("mz-dibao", "2026-11-25", "14:00", "13900000001")).await;
    s.clock().set(at(25, 9, 45));
    let missed = check_in(&s, json!({ "code": morning["code"] })).await.body["ticket"].clone();
    let clerk = s.clerk("clerk2", "w02").await;
    assert_eq!(s.act(&clerk, "w02", "call-next").await.body["id"], missed["id"]);
    assert_eq!(s.act(&clerk, "w02", "no-show").await.status, 200);
    s.clock().set(at(25, 13, 50));
    let on_time = check_in(&s, json!({ "code": afternoon["code"] })).await.body["ticket"].clone();
    let back = s.post(&format!("/api/tickets/{}/requeue", missed["id"]), &clerk, json!({})).await;
    assert_eq!((back.status.as_u16(), back.body["booked"].clone()), (200, json!(false)), "{}", back.body);
    s.clock().set(at(25, 14, 0));
    let next = s.act(&clerk, "w02", "call-next").await;
    assert_eq!(next.body["id"], on_time["id"], "{}", next.body);
    assert_eq!(next.body["booked"], true);
}

#[tokio::test]
async fn a_late_check_in_takes_a_place_still_free() {
    let line = "[matters.booking]                  # 可网上预约：每30分钟一个时段，每时段2个名额";
    let text = hall_server::config::SAMPLE_HALL.replacen(line, &format!("daily_quota = 2\n{line}"), 1);
    let s = TestServer::options().hall(hall_server::config::parse(&text, "test").unwrap()).start().await;
    s.clock().set(at(25, 9, 0));
    let late = booked(&s, body("mz-dibao", "2026-11-25", "09:30", "13900000001")).await;
    s.clock().set(at(25, 10, 0));
    let r = check_in(&s, json!({ "code": late["code"] })).await;
    assert_eq!((r.status.as_u16(), r.body["on_time"].as_bool()), (201, Some(false)), "{}", r.body);
    // Its place is held again: one walk-in is left of the two.
    assert_eq!(s.post("/api/tickets", "demo-kiosk", json!({"service_id": "mz-dibao"})).await.status, 201);
    assert_error(&s.post("/api/tickets", "demo-kiosk", json!({"service_id": "mz-dibao"})).await, 409, "quota_reached");
}

#[tokio::test]
async fn a_check_in_counts_in_the_persons_live_tickets_and_a_cancelled_booking_names_the_next() {
    let s = start_at(25, 9, 0).await;
    let zhaijidi = |id: &str, day: &str, phone: &str| {
        let mut b = body("zr-zhaijidi", day, "10:00", phone);
        b["id_number"] = json!(id);
        b
    };
    let walk_in = |id: &str| json!({"service_id": "zr-zhaijidi", "id_number": id});
    let first = booked(&s, zhaijidi(ID, "2026-11-25", "13812345678")).await;
    let second = booked(&s, zhaijidi(ID2, "2026-11-25", "13900000000")).await;
    s.clock().set(at(25, 9, 45));
    // Checked in first: a walk-in ticket of the same matter would be a second live one.
    let r = check_in(&s, json!({ "code": first["code"] })).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let walked = s.post("/api/tickets", "demo-kiosk", walk_in(ID)).await;
    assert_eq!(
        (walked.status.as_u16(), &walked.body["number"]),
        (200, &r.body["ticket"]["number"]),
        "its ticket again"
    );
    // A walk-in first: the booking's check-in would be the second; refused, the booking kept.
    let w = s.post("/api/tickets", "demo-kiosk", walk_in(ID2)).await;
    assert_eq!(w.status, 201, "{}", w.body);
    assert_error(&check_in(&s, json!({ "code": second["code"] })).await, 409, "person_limit");
    assert_eq!(s.get(&format!("/api/bookings/{}", second["code"].as_str().unwrap())).await.body["status"], "booked");
    // Today's booking cancelled, Monday's made: the kiosk names Monday, not "cancelled".
    let cancel = format!("/api/bookings/{}/cancel", second["code"].as_str().unwrap());
    assert_eq!(s.send(Method::POST, &cancel, None, Some(json!({})), None).await.status, 200);
    booked(&s, zhaijidi(ID2, "2026-11-30", "13900000000")).await;
    let r = check_in(&s, json!({ "id_number": ID2 })).await;
    assert_error(&r, 404, "booking_not_found");
    assert_eq!(r.body["booking_day"], "2026-11-30", "{}", r.body);
    // Checked in already today, the ticket not yet served: that ticket again (to print once more).
    let again = check_in(&s, json!({ "id_number": ID })).await;
    assert_eq!((again.status.as_u16(), again.body["ticket"]["number"].clone()), (200, json!("D001")), "{}", again.body);
    assert!(walked.body["status_url"].as_str().is_some_and(|u| u.starts_with("/t/")), "{}", walked.body);
    assert_eq!(again.body["ticket"]["status_url"], walked.body["status_url"], "the same QR code on the paper");
}

/// A citizen who took a walk-in ticket before checking in (the check-in then refused with
/// `person_limit`) was served that day: the booking is excused at the day's close, not missed
/// (misses suspend booking).
#[tokio::test]
async fn a_booking_whose_person_was_served_on_a_walk_in_is_not_missed() {
    let s = start_at(25, 9, 0).await;
    // ID is served on the walk-in; ID2 takes one too but is not there when called.
    let mut codes = vec![];
    for (id, phone) in [(ID, "13812345678"), (ID2, "13900000000")] {
        let mut b = body("zr-zhaijidi", "2026-11-25", "10:00", phone);
        b["id_number"] = json!(id);
        codes.push(booked(&s, b).await["code"].as_str().unwrap().to_string());
    }
    s.clock().set(at(25, 9, 45));
    let clerk = s.clerk("clerk9", "w09").await;
    for (id, code, end) in [(ID, &codes[0], "finish"), (ID2, &codes[1], "no-show")] {
        let walk_in = s.post("/api/tickets", "demo-kiosk", json!({"service_id": "zr-zhaijidi", "id_number": id})).await;
        assert_eq!(walk_in.status, 201, "{}", walk_in.body);
        assert_error(&check_in(&s, json!({ "code": code })).await, 409, "person_limit");
        assert_eq!(s.act(&clerk, "w09", "call-next").await.body["id"], walk_in.body["id"]);
        let r = if end == "finish" {
            s.post("/api/windows/w09/finish", &clerk, json!({"outcome": "immediate"})).await
        } else {
            s.act(&clerk, "w09", "no-show").await
        };
        assert_eq!(r.status, 200, "{}", r.body);
    }
    s.clock().set(at(26, 8, 0));
    close_days(&s).await;
    let director = s.staff("director").await;
    let day = s.send(Method::GET, "/api/bookings?day=2026-11-25", Some(&director), None, None).await;
    let line = |code: &str| day.body.as_array().unwrap().iter().find(|l| l["code"] == code).unwrap().clone();
    let served = line(&codes[0]);
    assert_eq!(served["status"], "excused", "{served}");
    assert!(served["excuse"].as_str().is_some_and(|e| e.contains("现场取号")), "{served}");
    assert_eq!(line(&codes[1])["status"], "missed", "a walk-in not stayed for excuses nothing");
}

/// Served this morning on a booking's check-in, booked again for the afternoon and not come:
/// missed. The morning's ticket was a booking's, no walk-in that would excuse the afternoon.
#[tokio::test]
async fn a_second_booking_missed_after_the_first_was_served_is_missed() {
    let s = start_at(25, 9, 0).await;
    let mut morning = body("zr-zhaijidi", "2026-11-25", "10:00", "13812345678");
    morning["id_number"] = json!(ID);
    let morning = booked(&s, morning).await;
    s.clock().set(at(25, 9, 45));
    let r = check_in(&s, json!({ "code": morning["code"] })).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let clerk = s.clerk("clerk9", "w09").await;
    assert_eq!(s.act(&clerk, "w09", "call-next").await.body["id"], r.body["ticket"]["id"]);
    let done = s.post("/api/windows/w09/finish", &clerk, json!({"outcome": "immediate"})).await;
    assert_eq!(done.status, 200, "{}", done.body);
    let mut afternoon = body("zr-zhaijidi", "2026-11-25", "15:00", "13812345678");
    afternoon["id_number"] = json!(ID);
    let afternoon = booked(&s, afternoon).await;
    s.clock().set(at(26, 8, 0));
    close_days(&s).await;
    let director = s.staff("director").await;
    let day = s.send(Method::GET, "/api/bookings?day=2026-11-25", Some(&director), None, None).await;
    let line = day.body.as_array().unwrap().iter().find(|l| l["code"] == afternoon["code"]).unwrap().clone();
    assert_eq!(line["status"], "missed", "{line}");
}

#[tokio::test]
async fn a_short_keep_deletes_the_citizens_data_but_not_the_misses_a_suspension_weighs() {
    // keep_days 31: the 25 November miss is past it on 27 December, yet with the misses of 7
    // and 21 December (three within 30 days) it still suspends booking until 20 January.
    let mut hall = hall_server::config::sample();
    hall.policy.booking.keep_days = 31;
    let s = TestServer::options().hall(hall).start().await;
    let local = |y, m, d| chrono_tz::Asia::Shanghai.with_ymd_and_hms(y, m, d, 9, 0, 0).unwrap().with_timezone(&Utc);
    let mut first = None;
    for (m, d, next) in [(11, 25, (11, 26)), (12, 7, (12, 8)), (12, 21, (12, 22))] {
        s.clock().set(local(2026, m, d));
        let b = booked(&s, body("mz-dibao", &format!("2026-{m:02}-{d:02}"), "10:00", "13812345678")).await;
        first.get_or_insert(b["code"].as_str().unwrap().to_string());
        s.clock().set(local(2026, next.0, next.1));
        close_days(&s).await;
    }
    s.clock().set(local(2026, 12, 27));
    close_days(&s).await;
    let r = book(&s, body("mz-dibao", "2026-12-28", "10:00", "13812345678")).await;
    assert_error(&r, 409, "booking_suspended");
    assert_eq!(r.body["until"], "2027-01-20", "{}", r.body);
    // The kept miss is no citizen's data any more: no code to read it by, no name or phone.
    assert_error(&s.get(&format!("/api/bookings/{}", first.unwrap())).await, 404, "booking_not_found");
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let kept: (String, String, i64) = db
        .query_row("SELECT name, phone, COUNT(*) FROM bookings WHERE day = '2026-11-25'", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(kept, (String::new(), String::new(), 1));
}

#[tokio::test]
async fn the_director_excuses_a_missed_booking_and_the_suspension_lifts() {
    let s = start_at(25, 9, 0).await;
    let mut codes = Vec::new();
    for (day, next) in [(25, at(26, 9, 0)), (26, at(27, 9, 0)), (27, at(30, 9, 0))] {
        let b = booked(&s, body("mz-dibao", &format!("2026-11-{day}"), "10:00", "13812345678")).await;
        codes.push(b["code"].as_str().unwrap().to_string());
        s.clock().set(next);
        close_days(&s).await;
    }
    let later = booked(&s, body("mz-dibao", "2026-12-02", "10:00", "13900000000")).await;
    assert_error(&book(&s, body("mz-dibao", "2026-12-01", "10:00", "13812345678")).await, 409, "booking_suspended");
    let director = s.staff("director").await;
    let excuse = |code: &str| format!("/api/bookings/{code}/excuse");
    let why = json!({ "reason": "11月26日取号机故障，无法签到" });
    let clerk = s.clerk("clerk2", "w02").await;
    let audits = || {
        let db = rusqlite::Connection::open(&s.db).unwrap();
        db.query_row("SELECT COUNT(*) FROM audit WHERE action = 'booking.excuse'", [], |r| r.get::<_, i64>(0)).unwrap()
    };
    // Refused, and nothing changes: a clerk, no reason, a booking not missed, an unknown code.
    for (token, code, reason, status, error) in [
        (&clerk, codes[1].as_str(), why.clone(), 403, "director_only"),
        (&director, codes[1].as_str(), json!({ "reason": "  " }), 422, "reason_required"),
        (&director, codes[1].as_str(), json!({ "reason": "长".repeat(501) }), 422, "text_too_long"),
        (&director, later["code"].as_str().unwrap(), why.clone(), 409, "booking_not_missed"),
        (&director, "00000000", why.clone(), 404, "booking_not_found"),
    ] {
        let r = s.send(Method::POST, &excuse(code), Some(token), Some(reason), None).await;
        assert_error(&r, status, error);
    }
    assert_eq!(audits(), 0);
    let r = s.send(Method::POST, &excuse(&codes[1]), Some(&director), Some(why.clone()), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "excused");
    assert_eq!(r.body["service_name"], "最低生活保障申请", "{}", r.body);
    assert_eq!(r.body["phone"], "13812345678");
    // Two misses in 30 days are under the limit of three: the citizen books again.
    booked(&s, body("mz-dibao", "2026-12-01", "10:00", "13812345678")).await;
    let list = s.send(Method::GET, "/api/bookings?day=2026-11-26", Some(&director), None, None).await;
    assert_eq!(list.body[0]["status"], "excused", "{}", list.body);
    let again = s.send(Method::POST, &excuse(&codes[1]), Some(&director), Some(why), None).await;
    assert_error(&again, 409, "booking_not_missed");
    assert_eq!(audits(), 1);
    // The reason is the booking's (the director reads it in the list), never the audit trail's.
    assert_eq!(list.body[0]["excuse"], "11月26日取号机故障，无法签到", "{}", list.body);
    // A window's clerk reads today's bookings only (the citizens they serve), not a past day's.
    let mine = s.send(Method::GET, "/api/bookings?day=2026-11-26", Some(&clerk), None, None).await;
    assert_error(&mine, 403, "director_only");
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let detail: String =
        db.query_row("SELECT detail FROM audit WHERE action = 'booking.excuse'", [], |r| r.get(0)).unwrap();
    assert!(detail.contains("2026-11-26") && !detail.contains("取号机") && !detail.contains("138"), "{detail}");
}

/// The morning's citizens open their own booking's page (its QR for the kiosk) from behind the
/// hall's one public address: not charged; codes that find nothing are counted (guessing), and an
/// address past its allowance is refused every code, a right guess too, until its wait is over.
#[tokio::test]
async fn opening_ones_booking_is_not_charged_guessing_codes_stops() {
    let s = start_at(25, 9, 0).await;
    let b = booked(&s, body("mz-dibao", "2026-11-26", "09:00", "13812345678")).await;
    let path = format!("/api/bookings/{}", b["code"].as_str().unwrap());
    for _ in 0..40 {
        assert_eq!(s.get(&path).await.status, 200);
    }
    let statuses: Vec<u16> = statuses_of_guessed_codes(&s).await;
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_error(&s.get(&path).await, 429, "too_many_attempts");
}

async fn statuses_of_guessed_codes(s: &TestServer) -> Vec<u16> {
    let mut out = Vec::new();
    for i in 0..40 {
        out.push(s.get(&format!("/api/bookings/{:08}", 10_000_000 + i)).await.status.as_u16());
    }
    out
}
