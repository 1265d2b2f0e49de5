//! The monthly assessment (R17) through the HTTP contract: a month of sign-ins, services, a bad
//! rating, an inspection finding and an upheld complaint scored and ranked with each component visible; a clerk's own
//! sheet; closing a month that is over, once, frozen against later corrections.

use chrono::{Datelike, TimeZone};
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{assert_error, TestServer};

/// `HH:MM` in Shanghai on `date`.
fn at(date: chrono::NaiveDate, time: &str) -> chrono::DateTime<chrono::Utc> {
    let t = chrono::NaiveTime::parse_from_str(time, "%H:%M").unwrap();
    chrono::Utc.from_utc_datetime(&(date.and_time(t) - chrono::Duration::hours(8)))
}

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn get(s: &TestServer, path: &str, token: &str) -> Value {
    let r = s.send(Method::GET, path, Some(token), None, None).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r.body
}

fn sheet<'a>(list: &'a Value, key: &str) -> &'a Value {
    list.as_array().unwrap().iter().find(|x| x["key"] == key).unwrap_or_else(|| panic!("no {key} in {list}"))
}

fn score(sheet: &Value, component: &str) -> Value {
    sheet["parts"].as_array().unwrap().iter().find(|p| p["component"] == component).unwrap()["score"].clone()
}

/// November 2026: clerk1 and clerk2 sign in at 08:25 and leave at 17:35 on every working day
/// (clerk2 is 30 minutes late on the 25th); on the 25th clerk1 serves two citizens (one very
/// satisfied), clerk2 one (dissatisfied), and a complaint about clerk2 is upheld.
async fn november(s: &TestServer) {
    for d in day("2026-11-02").iter_days().take_while(|d| *d <= day("2026-11-30")) {
        if d.weekday().num_days_from_monday() >= 5 {
            continue;
        }
        s.clock().set(at(d, "08:25"));
        let c1 = s.clerk("clerk1", "w01").await;
        if d != day("2026-11-25") {
            let c2 = s.clerk("clerk2", "w02").await;
            s.clock().set(at(d, "17:35"));
            assert_eq!(s.post("/api/auth/logout", &c2, json!({})).await.status, 204);
        } else {
            s.clock().set(at(d, "09:00"));
            let c2 = s.clerk("clerk2", "w02").await;
            // (clerk, window, matter, the rating its evaluator gets right after)
            for (clerk, window, service, rating) in [
                (&c1, "w01", "zh-zixun", None),
                (&c1, "w01", "zh-zixun", Some(json!({"level": "very_satisfied"}))),
                (&c2, "w02", "mz-linshi", Some(json!({"level": "dissatisfied", "reason": "attitude"}))),
            ] {
                let t = s.issue(service).await;
                assert_eq!(s.act(clerk, window, "call-next").await.status, 200);
                s.clock().advance(chrono::Duration::minutes(5));
                let r = s.post(&format!("/api/windows/{window}/finish"), clerk, json!({"outcome": "immediate"})).await;
                assert_eq!(r.status, 200, "{}", r.body);
                if let Some(mut rating) = rating {
                    rating["ticket_number"] = t["number"].clone();
                    let r = s.post("/api/evaluator/rating", &format!("demo-evaluator-{window}"), rating).await;
                    assert_eq!(r.status, 201, "{}", r.body);
                }
            }
            let director = s.staff("director").await;
            let complaint = json!({
                "channel": "written", "about": "staff", "staff": "clerk2", "window_id": "w02",
                "what": "态度生硬", "complexity": "simple", "complainant_name": "王五", "complainant_contact": "13900001111", "complainant_address": "青石镇河西村三组12号",
            });
            let c = s.post("/api/complaints", &director, complaint).await;
            assert_eq!(c.status, 201, "{}", c.body);
            let answer =
                json!({"finding": "upheld", "answer": "经核实属实，已批评教育。", "to_staff": "投诉属实，批评教育"});
            let r = s.post(&format!("/api/complaints/{}/answer", c.body["id"]), &director, answer).await;
            assert_eq!(r.status, 200, "{}", r.body);
            s.clock().set(at(d, "17:35"));
            assert_eq!(s.post("/api/auth/logout", &c2, json!({})).await.status, 204);
        }
        assert_eq!(s.post("/api/auth/logout", &c1, json!({})).await.status, 204);
    }
}

#[tokio::test]
async fn a_month_is_scored_ranked_and_closed_once_frozen() {
    let s = TestServer::start().await;
    november(&s).await;
    s.clock().set(at(day("2026-11-30"), "18:00"));
    let director = s.staff("director").await;
    // A leader's spot inspection on the 25th found clerk2 on the phone at w02 (discipline).
    let leader = s.staff("leader").await;
    let inspection = json!({
        "at": "2026-11-25T10:30", "windows": ["w02"], "note": "随机督查",
        "findings": [{"window_id": "w02", "username": "clerk2", "kind": "discipline", "note": "工作时间玩手机"}],
    });
    let recorded = s.post("/api/inspections", &leader, inspection).await;
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    let finding = recorded.body["findings"][0]["id"].clone();

    // The last evening of the month: scored, still in progress, cannot be closed yet.
    let month = get(&s, "/api/assessment?month=2026-11", &director).await;
    assert_eq!(month["in_progress"], true);
    let staff = &month["staff"];
    let (c1, c2) = (sheet(staff, "clerk1"), sheet(staff, "clerk2"));
    // clerk1: nothing against them, served the most, one very satisfied citizen: 100.
    assert_eq!(
        (c1["rank"].as_u64(), c1["total"].as_f64(), c1["grade"].as_str()),
        (Some(1), Some(100.0), Some("excellent"))
    );
    assert_eq!(score(c1, "cases"), Value::Null, "no case was due: unknown, not zero");
    assert_eq!((c1["figures"]["served"].as_u64(), c1["figures"]["absent"].as_u64()), (Some(2), Some(0)));
    // clerk2: late once (attendance 98), one finding (discipline 90), served half the most
    // (50), satisfaction 0, an upheld complaint (−5): (98·20 + 90·10 + 50·20 + 0·30) / 80 − 5
    // = 43.25, shown to one decimal.
    assert_eq!(score(c2, "attendance"), json!(98.0), "{c2}");
    assert_eq!((score(c2, "discipline"), c2["figures"]["findings"].as_u64()), (json!(90.0), Some(1)));
    assert_eq!(score(c2, "service"), json!(50.0));
    assert_eq!(score(c2, "satisfaction"), json!(0.0));
    assert_eq!((c2["figures"]["late"].as_u64(), c2["figures"]["complaints_upheld"].as_u64()), (Some(1), Some(1)));
    assert_eq!(
        (c2["deducted"].as_f64(), c2["total"].as_f64(), c2["grade"].as_str()),
        (Some(5.0), Some(43.3), Some("fail"))
    );
    // The clerks who never came: absent every working day, ranked after.
    let c3 = sheet(staff, "clerk3");
    assert_eq!((c3["figures"]["absent"].as_u64(), score(c3, "attendance")), (Some(21), json!(0.0)), "{c3}");
    let order: Vec<&str> = staff.as_array().unwrap().iter().map(|x| x["key"].as_str().unwrap()).collect();
    assert_eq!(&order[..2], ["clerk1", "clerk2"], "best first");
    // Windows: no attendance; w01 served the most.
    let w01 = sheet(&month["windows"], "w01");
    assert_eq!((score(w01, "attendance"), w01["rank"].as_u64()), (Value::Null, Some(1)), "{w01}");
    assert_eq!(sheet(&month["windows"], "w02")["figures"]["complaints_upheld"], 1);
    assert_eq!(month["scheme"]["weights"][5], json!({"component": "satisfaction", "weight": 30.0}));
    let r = s.post("/api/assessment/2026-11/close", &director, json!({})).await;
    assert_error(&r, 409, "month_not_over");

    // A clerk sees their own sheet, nobody else's; a leader reads all; a clerk cannot.
    let clerk2 = s.clerk("clerk2", "w02").await;
    let mine = get(&s, "/api/assessment/mine?month=2026-11", &clerk2).await;
    assert_eq!((mine["sheet"]["key"].as_str(), mine["sheet"]["total"].as_f64()), (Some("clerk2"), Some(43.3)));
    assert_eq!(mine["ranked"], 11, "every clerk of the sample hall");
    assert!(mine.get("staff").is_none(), "{mine}");
    assert_error(
        &s.send(Method::GET, "/api/assessment?month=2026-11", Some(&clerk2), None, None).await,
        403,
        "oversight_only",
    );
    let leader = s.staff("leader").await;
    assert_eq!(get(&s, "/api/assessment?month=2026-11", &leader).await["staff"], *staff);

    // 1 December: the director closes November, once; a leader cannot.
    s.clock().set(at(day("2026-12-01"), "09:00"));
    let leader = s.staff("leader").await;
    assert_error(&s.post("/api/assessment/2026-11/close", &leader, json!({})).await, 403, "director_only");
    let director = s.staff("director").await;
    let closed = s.post("/api/assessment/2026-11/close", &director, json!({})).await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    assert_eq!(closed.body["closed"]["by"], "director");
    assert_eq!(sheet(&closed.body["staff"], "clerk2")["total"], 43.3);
    assert_error(&s.post("/api/assessment/2026-11/close", &director, json!({})).await, 409, "month_closed");
    let read = get(&s, "/api/assessment?month=2026-11", &director).await;
    assert_eq!(
        (read["closed"]["by"].as_str(), read.get("in_progress"), read.get("changed_since_closed")),
        (Some("director"), None, None)
    );
    assert_eq!(read["staff"], closed.body["staff"]);
    // A window renamed, the scheme's deductions changed for the new year and the leader moved to
    // a window: no record of November changed, and its closed sheets do not say so.
    let admin = s.staff("admin").await;
    let toml = get(&s, "/api/admin/hall", &admin).await["toml"].as_str().unwrap().to_string();
    let leader = "username = \"leader\"\nname = \"周建华\"\nstaff_no = \"QS-2019-002\"\nrole = \"leader\"";
    assert!(toml.contains("林业窗口") && toml.contains("\nlate = 2 ") && toml.contains(leader));
    let toml = toml.replacen("林业窗口", "林业站窗口", 1).replacen("\nlate = 2 ", "\nlate = 5 ", 1).replacen(
        leader,
        &leader.replace("role = \"leader\"", "role = \"clerk\""),
        1,
    );
    assert_eq!(s.post("/api/admin/hall", &admin, json!({ "toml": toml })).await.status, 200);
    let director = s.staff("director").await;
    let read = get(&s, "/api/assessment?month=2026-11", &director).await;
    assert_eq!(read.get("changed_since_closed"), None, "labels and scheme are not records: {read}");
    assert_eq!(read["staff"], closed.body["staff"]);
    // The finding withdrawn in December: today's records would score clerk2 higher; the closed
    // month keeps its sheets and says so.
    let r = s
        .post(
            &format!("/api/inspections/findings/{finding}/withdraw"),
            &director,
            json!({"reason": "复核：当时在查询政策文件"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let read = get(&s, "/api/assessment?month=2026-11", &director).await;
    assert_eq!(
        (read["changed_since_closed"].as_bool(), sheet(&read["staff"], "clerk2")["total"].as_f64()),
        (Some(true), Some(43.3))
    );
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let subject: String =
        db.query_row("SELECT subject FROM audit WHERE action = 'assessment.close'", [], |r| r.get(0)).unwrap();
    assert_eq!(subject, "assessment:2026-11");

    // Bad months change nothing.
    for (path, status, code) in
        [("/api/assessment?month=2026-13", 422, "invalid_date"), ("/api/assessment?month=11-2026", 422, "invalid_date")]
    {
        assert_error(&s.send(Method::GET, path, Some(&director), None, None).await, status, code);
    }
    assert_error(&s.post("/api/assessment/2026-1/close", &director, json!({})).await, 422, "invalid_date");
}

/// A case counts once (R17), in the month its deadline falls, as it stood when that month
/// ended: never nowhere, and the same whatever the day the director closes the month.
/// January 2027 before its working-day calendar is loaded: no day can be judged, so nobody's
/// attendance is known (a clerk who never came is not 100, 合格), and the month is not closed.
#[tokio::test]
async fn a_month_without_its_calendar_has_no_attendance_score_and_is_not_closed() {
    let s = TestServer::start().await; // 25 November 2026: the hall in service from today
    s.clerk("clerk1", "w01").await;
    for d in ["2027-01-04", "2027-01-05"] {
        s.clock().set(at(day(d), "08:25"));
        let c1 = s.clerk("clerk1", "w01").await;
        s.clock().set(at(day(d), "17:35"));
        assert_eq!(s.post("/api/auth/logout", &c1, json!({})).await.status, 204);
    }
    s.clock().set(at(day("2027-02-01"), "09:00"));
    let director = s.staff("director").await;
    let month = get(&s, "/api/assessment?month=2027-01", &director).await;
    for clerk in ["clerk1", "clerk3"] {
        let sheet = sheet(&month["staff"], clerk);
        assert_eq!(score(sheet, "attendance"), Value::Null, "{sheet}");
    }
    let close = s.post("/api/assessment/2027-01/close", &director, json!({})).await;
    assert_error(&close, 422, "calendar_year_missing");
    // A month read on its first day, a Sunday (2026-11-01), has no working day yet: unknown.
    s.clock().set(at(day("2026-10-30"), "08:25"));
    s.clerk("clerk2", "w02").await;
    s.clock().set(at(day("2026-11-01"), "10:00"));
    let director = s.staff("director").await;
    let sunday = get(&s, "/api/assessment?month=2026-11", &director).await;
    assert_eq!(score(sheet(&sunday["staff"], "clerk3"), "attendance"), Value::Null, "no working day judged yet");
    s.clock().set(at(day("2027-02-01"), "09:00"));
    let director = s.staff("director").await;
    // November, whose calendar is loaded, is judged as ever: clerk3 never came.
    let november = get(&s, "/api/assessment?month=2026-11", &director).await;
    assert_ne!(score(sheet(&november["staff"], "clerk3"), "attendance"), Value::Null);
}

#[tokio::test]
async fn a_case_counts_in_the_month_its_deadline_falls() {
    let s = TestServer::start().await;
    // (accepted, matter, due, closed): mz-binzang promises 5 working days, mz-linshi 10.
    let mut numbers = Vec::new();
    for (accepted, matter, due) in [
        ("2026-11-16", "mz-binzang", "2026-11-23"),
        ("2026-11-16", "mz-binzang", "2026-11-23"),
        ("2026-11-25", "mz-binzang", "2026-12-02"),
        ("2026-11-25", "mz-linshi", "2026-12-09"),
    ] {
        s.clock().set(at(day(accepted), "09:30"));
        let clerk = s.clerk("clerk2", "w02").await;
        s.issue(matter).await;
        assert_eq!(s.act(&clerk, "w02", "call-next").await.status, 200);
        let r = s.post("/api/windows/w02/finish", &clerk, json!({"outcome": "promised"})).await;
        assert_eq!((r.status.as_u16(), r.body["case"]["deadline"].as_str()), (200, Some(due)), "{}", r.body);
        numbers.push(r.body["case"]["number"].as_str().unwrap().to_string());
    }
    let close = |on: &'static str, number: String| {
        let s = &s;
        async move {
            s.clock().set(at(day(on), "10:00"));
            let clerk = s.clerk("clerk2", "w02").await;
            let r = s.post(&format!("/api/cases/{number}/close"), &clerk, json!({"result": "approved"})).await;
            assert_eq!(r.status, 200, "{}", r.body);
        }
    };
    let cases = |sheet: &Value| {
        let f = &sheet["figures"];
        (f["closed_on_time"].as_u64(), f["closed_late"].as_u64(), f["overdue_open"].as_u64())
    };
    // The first closed late in November; the second still open when November ends.
    close("2026-11-26", numbers[0].clone()).await;
    s.clock().set(at(day("2026-12-01"), "09:00"));
    let director = s.staff("director").await;
    let closed = s.post("/api/assessment/2026-11/close", &director, json!({})).await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    assert_eq!(cases(sheet(&closed.body["staff"], "clerk2")), (Some(0), Some(1), Some(1)));
    // Closed in December, after its month: November's overdue it stays, and counts nowhere else.
    close("2026-12-03", numbers[1].clone()).await;
    // The one due 9 December closed in time; the one due 2 December left open.
    close("2026-12-04", numbers[3].clone()).await;
    s.clock().set(at(day("2026-12-10"), "09:00"));
    let director = s.staff("director").await;
    let november = get(&s, "/api/assessment?month=2026-11", &director).await;
    assert_eq!(november.get("changed_since_closed"), None, "{november}");
    assert_eq!(cases(sheet(&november["staff"], "clerk2")), (Some(0), Some(1), Some(1)));
    let december = get(&s, "/api/assessment?month=2026-12", &director).await;
    assert_eq!(cases(sheet(&december["staff"], "clerk2")), (Some(1), Some(0), Some(1)), "{december}");
    assert_eq!(cases(sheet(&december["windows"], "w02")), (Some(1), Some(0), Some(1)));
    let deducted = sheet(&december["staff"], "clerk2")["deducted"].as_f64();
    assert_eq!(deducted, Some(2.0), "an overdue case costs its deduction in its month");
}

/// A case the director gave to another window counts on that window's sheet (R17, R18): the
/// window that had it when it fell due, not the one that registered it.
#[tokio::test]
async fn a_case_given_to_another_window_counts_on_its_sheet() {
    let s = TestServer::start().await;
    s.clock().set(at(day("2026-11-16"), "09:30"));
    let clerk = s.clerk("clerk2", "w02").await;
    s.issue("mz-binzang").await;
    assert_eq!(s.act(&clerk, "w02", "call-next").await.status, 200);
    let r = s.post("/api/windows/w02/finish", &clerk, json!({"outcome": "promised"})).await;
    let number = r.body["case"]["number"].as_str().unwrap().to_string();
    let director = s.staff("director").await;
    let given = s.post(&format!("/api/cases/{number}/assign"), &director, json!({"window_id": "w03"})).await;
    assert_eq!(given.status, 200, "{}", given.body);
    s.clock().set(at(day("2026-12-01"), "09:00"));
    let director = s.staff("director").await;
    let november = get(&s, "/api/assessment?month=2026-11", &director).await;
    let overdue = |w: &str| sheet(&november["windows"], w)["figures"]["overdue_open"].clone();
    assert_eq!((overdue("w03"), overdue("w02")), (json!(1), json!(0)));
}

/// R16 and R17: two weeks of approved leave are not scored as two weeks of idleness. The
/// service part compares tickets served per working day due; a clerk away all month has none.
#[tokio::test]
async fn approved_leave_does_not_lower_the_service_score() {
    let s = TestServer::start().await;
    // Friday 30 October: clerk2 asks sick leave for 2–13 November (10 working days), approved;
    // clerk4 asks the whole of November.
    s.clock().set(at(day("2026-10-30"), "10:00"));
    let director = s.staff("director").await;
    for (clerk, window, to, stand_in) in
        [("clerk2", "w02", "2026-11-13", "clerk3"), ("clerk4", "w04", "2026-11-30", "clerk5")]
    {
        let token = s.clerk(clerk, window).await;
        let ask = json!({"kind": "sick", "from": "2026-11-02", "to": to, "reason": "住院治疗",
                         "stand_ins": [{"window_id": window, "username": stand_in}]});
        let asked = s.post("/api/leave", &token, ask).await;
        assert_eq!(asked.status, 201, "{}", asked.body);
        let approved = s.post(&format!("/api/leave/{}/approve", asked.body["id"]), &director, json!({})).await;
        assert_eq!(approved.status, 200, "{}", approved.body);
        assert_eq!(s.post("/api/auth/logout", &token, json!({})).await.status, 204);
    }
    // Monday 16 November: clerk1 serves four citizens, clerk2, back, two.
    s.clock().set(at(day("2026-11-16"), "08:25"));
    let (c1, c2) = (s.clerk("clerk1", "w01").await, s.clerk("clerk2", "w02").await);
    s.clock().set(at(day("2026-11-16"), "09:00"));
    for (clerk, window, service, n) in [(&c1, "w01", "zh-zixun", 4), (&c2, "w02", "mz-linshi", 2)] {
        for _ in 0..n {
            s.issue(service).await;
            assert_eq!(s.act(clerk, window, "call-next").await.status, 200);
            let r = s.post(&format!("/api/windows/{window}/finish"), clerk, json!({"outcome": "immediate"})).await;
            assert_eq!(r.status, 200, "{}", r.body);
        }
    }
    // Saturday 21 November, a morning the hall opens (no working day of the calendar): clerk3
    // serves two. A day at work all the same: their tickets are not spread over the month's
    // working days alone (they would swell the rate every peer is measured by).
    s.clock().set(at(day("2026-11-21"), "09:00"));
    let c3 = s.clerk("clerk3", "w03").await;
    for _ in 0..2 {
        s.issue("mz-linshi").await;
        assert_eq!(s.act(&c3, "w03", "call-next").await.status, 200);
        let r = s.post("/api/windows/w03/finish", &c3, json!({"outcome": "immediate"})).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    s.clock().set(at(day("2026-11-30"), "18:00"));
    let director = s.staff("director").await;
    let month = get(&s, "/api/assessment?month=2026-11", &director).await;
    let staff = &month["staff"];
    assert_eq!(sheet(staff, "clerk3")["figures"]["days_due"].as_f64(), Some(22.0), "21 working days and a Saturday");
    // 21 working days in November; clerk2 due 11: 2 / 11 a day against clerk1's 4 / 21.
    let (c1, c2, c4) = (sheet(staff, "clerk1"), sheet(staff, "clerk2"), sheet(staff, "clerk4"));
    assert_eq!((c1["figures"]["days_due"].as_f64(), c2["figures"]["days_due"].as_f64()), (Some(21.0), Some(11.0)));
    assert_eq!(score(c1, "service"), json!(100.0));
    assert_eq!(score(c2, "service"), json!(95.5), "not 50: the days on leave were not due");
    assert_eq!((c4["figures"]["days_due"].as_f64(), score(c4, "service")), (Some(0.0), Value::Null), "{c4}");
    assert_ne!(c4["grade"], "pass", "away all month on approved leave is no 合格 for idleness: {c4}");
}
