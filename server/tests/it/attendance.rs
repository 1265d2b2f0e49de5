//! Attendance (R15) through the HTTP contract: late arrivals, early leaves and absences computed
//! from the sign-ins on the statutory calendar, explained by the clerk, acknowledged by the
//! director.

use chrono::TimeZone;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{assert_error, at, get, TestServer};

/// A clerk's day in a list: (username, day, [(kind, minutes)]).
type Marked = (String, String, Vec<(String, Option<u64>)>);

fn marks(list: &Value) -> Vec<Marked> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let m = d["marks"].as_array().unwrap().iter();
            let m = m.map(|m| (m["kind"].as_str().unwrap().to_string(), m["minutes"].as_u64())).collect();
            (d["username"].as_str().unwrap().to_string(), d["day"].as_str().unwrap().to_string(), m)
        })
        .collect()
}

/// A session that runs out ends the clerk's day when it expired: gone home at 16:30 with an
/// 8-hour session, the clerk left early, not "still signed in".
#[tokio::test]
async fn a_session_that_ran_out_ends_the_day_when_it_expired() {
    let text = hall_server::config::SAMPLE_HALL.replacen("session_hours = 12", "session_hours = 8", 1);
    assert_ne!(text, hall_server::config::SAMPLE_HALL);
    let s = TestServer::options().hall(hall_server::config::parse(&text, "test").unwrap()).start().await;
    s.clock().set(at("2026-11-25", "08:30"));
    s.clerk("clerk2", "w02").await;
    s.clock().set(at("2026-11-25", "18:00"));
    s.state()
        .writer()
        .submit(hall_server::ops::Actor::System, hall_server::ops::Op::ExpireSessions, None)
        .await
        .expect("the sweep runs");
    s.clock().set(at("2026-11-26", "09:00"));
    let director = s.staff("director").await;
    let day = get(&s, "/api/attendance?from=2026-11-25&to=2026-11-25", &director).await;
    let got: Vec<_> = marks(&day).into_iter().filter(|(u, _, _)| u == "clerk2").collect();
    assert_eq!(got, vec![("clerk2".into(), "2026-11-25".into(), vec![("early_leave".into(), Some(60))])], "{day}");
}

#[tokio::test]
async fn late_early_and_absent_are_marked_explained_and_acknowledged() {
    let s = TestServer::start().await;
    // Wednesday 25 November 2026, the sample hall works 08:30–17:30; 5 minutes' grace.
    s.clock().set(at("2026-11-25", "08:20"));
    let clerk2 = s.clerk("clerk2", "w02").await;
    s.clock().set(at("2026-11-25", "08:35"));
    s.clerk("clerk3", "w03").await; // within the grace: on time
    s.clock().set(at("2026-11-25", "09:00"));
    s.clerk("clerk1", "w01").await; // 30 minutes late, still signed in at the end of the day
                                    // The director's sign-in list says the same: within the grace is not late.
    let director = s.staff("director").await;
    s.staff("leader").await; // a leader inspecting signs in too: no one at the windows
    let today = get(&s, "/api/director/today", &director).await;
    let signed: Vec<&str> =
        today["staff"].as_array().unwrap().iter().map(|p| p["username"].as_str().unwrap()).collect();
    assert_eq!(signed, ["clerk2", "clerk3", "clerk1"], "the hall's clerks, in the order they came");
    let late =
        |u: &str| today["staff"].as_array().unwrap().iter().find(|p| p["username"] == u).unwrap()["late"].clone();
    assert_eq!(
        (late("clerk1"), late("clerk2"), late("clerk3")),
        (json!(true), json!(false), json!(false)),
        "{}",
        today["staff"]
    );
    s.clock().set(at("2026-11-25", "16:00"));
    assert_eq!(s.post("/api/auth/logout", &clerk2, json!({})).await.status, 204);

    // The next morning the director sees the day.
    s.clock().set(at("2026-11-26", "09:00"));
    let director = s.staff("director").await;
    let day = get(&s, "/api/attendance?from=2026-11-25&to=2026-11-25", &director).await;
    let got = marks(&day);
    let of = |u: &str| got.iter().find(|(n, _, _)| n == u).map(|(_, _, m)| m.clone());
    assert_eq!(of("clerk1"), Some(vec![("late".to_string(), Some(30))]), "{day}");
    assert_eq!(of("clerk2"), Some(vec![("early_leave".to_string(), Some(90))]), "{day}");
    assert_eq!(of("clerk3"), None, "on time within the grace");
    assert_eq!(of("clerk4"), Some(vec![("absent".to_string(), None)]), "no sign-in on a working day");
    assert_eq!(got.len(), 2 + 8, "clerk1, clerk2 and the eight clerks who never signed in");

    // clerk2 explains their early leave, once; a mark they do not have cannot be explained.
    let clerk2 = s.clerk("clerk2", "w02").await;
    let mine = get(&s, "/api/attendance/mine?from=2026-11-25&to=2026-11-25", &clerk2).await;
    assert_eq!(marks(&mine), vec![("clerk2".into(), "2026-11-25".into(), vec![("early_leave".into(), Some(90))])]);
    let explain = |kind: &str, text: &str| json!({"day": "2026-11-25", "kind": kind, "explanation": text});
    // (body, status, code)
    for (body, status, code) in [
        (explain("early_leave", "孩子发烧，经主任口头同意提前离岗"), 204, None),
        (explain("early_leave", "again"), 409, Some("already_explained")),
        (explain("late", "I was not late"), 422, Some("no_attendance_mark")),
        (explain("absent", " "), 422, Some("text_too_long")),
        (json!({"day": "25 Nov", "kind": "late", "explanation": "x"}), 422, Some("invalid_date")),
    ] {
        let r = s.post("/api/attendance/explain", &clerk2, body).await;
        match code {
            Some(code) => assert_error(&r, status, code),
            None => assert_eq!(r.status, status, "{}", r.body),
        }
    }
    // The director acknowledges what was explained; what was not, waits for the clerk.
    let ack = |who: &str, kind: &str| json!({"day": "2026-11-25", "username": who, "kind": kind});
    assert_error(
        &s.post("/api/attendance/acknowledge", &clerk2, ack("clerk2", "early_leave")).await,
        403,
        "director_only",
    );
    assert_error(&s.post("/api/attendance/acknowledge", &director, ack("clerk1", "late")).await, 409, "not_explained");
    assert_eq!(s.post("/api/attendance/acknowledge", &director, ack("clerk2", "early_leave")).await.status, 204);
    assert_error(
        &s.post("/api/attendance/acknowledge", &director, ack("clerk2", "early_leave")).await,
        409,
        "already_explained",
    );
    let day = get(&s, "/api/attendance?from=2026-11-25&to=2026-11-25", &director).await;
    let line = day.as_array().unwrap().iter().find(|d| d["username"] == "clerk2").unwrap().clone();
    assert_eq!(line["marks"][0]["explanation"], "孩子发烧，经主任口头同意提前离岗");
    assert_eq!(line["marks"][0]["acknowledged_by"], "director");
    // A clerk reads only their own.
    assert_error(&s.send(Method::GET, "/api/attendance", Some(&clerk2), None, None).await, 403, "director_only");
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let audited: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM audit WHERE action IN ('attendance.explain', 'attendance.acknowledge')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 2);
    // The director's read of the explanation (a child's fever: family, health) is audited, the
    // text never in the trail; a list without explanations, and the clerk's own, are not.
    let reads = |db: &rusqlite::Connection| -> Vec<(String, String, String)> {
        db.prepare("SELECT actor, subject, detail FROM audit WHERE action = 'attendance.read'")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(
        reads(&db),
        [(
            "director".to_string(),
            "attendance:2026-11-25..2026-11-25".to_string(),
            r#"{"explanations":1}"#.to_string()
        )]
    );
    get(&s, "/api/attendance?from=2026-11-24&to=2026-11-24", &director).await;
    get(&s, "/api/attendance/mine?from=2026-11-25&to=2026-11-25", &clerk2).await;
    assert_eq!(reads(&db).len(), 1, "no explanation read: nothing to record");
    assert!(hall_server::store::audit::verify(&db).unwrap().is_ok());
}

#[tokio::test]
async fn holidays_are_not_working_days_and_a_make_up_saturday_is() {
    let s = TestServer::start().await;
    // The hall went into service on 30 September (its first sign-in).
    s.clock().set(at("2026-09-30", "08:20"));
    s.clerk("clerk1", "w01").await;
    s.clock().set(at("2026-10-12", "10:00"));
    let director = s.staff("director").await;
    // Before its first day nobody is absent: the system was not in use.
    let before = get(&s, "/api/attendance?from=2026-09-28&to=2026-09-29", &director).await;
    assert_eq!(before, serde_json::json!([]), "no marks before the hall's first day in service");
    // 国庆 2026: 1–7 October off; 8 and 9 October and Saturday 10 October (调休) are working days.
    let list = get(&s, "/api/attendance?from=2026-10-01&to=2026-10-10", &director).await;
    let days: std::collections::BTreeSet<String> = marks(&list).into_iter().map(|(_, d, _)| d).collect();
    assert_eq!(days.into_iter().collect::<Vec<_>>(), ["2026-10-08", "2026-10-09", "2026-10-10"]);
    assert_eq!(list.as_array().unwrap().len(), 3 * 11, "every clerk absent on each working day");
    let r = s.send(Method::GET, "/api/attendance?from=2026-01-01&to=2026-10-10", Some(&director), None, None).await;
    assert_error(&r, 422, "invalid_date");
}

#[tokio::test]
async fn the_hall_is_in_service_from_its_first_clerk_sign_in_not_the_administrators() {
    let s = TestServer::start().await;
    // Install day, Monday 2 November: the administrator checks the configuration and the
    // director looks at the console; the hall opens two weeks later, Monday 16 November.
    s.clock().set(at("2026-11-02", "10:00"));
    s.staff("admin").await;
    s.staff("director").await;
    s.clock().set(at("2026-11-16", "08:20"));
    s.clerk("clerk1", "w01").await;
    s.clock().set(at("2026-11-17", "10:00"));
    let director = s.staff("director").await;
    let list = marks(&get(&s, "/api/attendance?from=2026-11-02&to=2026-11-16", &director).await);
    let before: Vec<_> = list.iter().filter(|(_, d, _)| d.as_str() < "2026-11-16").collect();
    assert!(before.is_empty(), "nobody absent before the first clerk signed in: {before:?}");
    let absent_16th = list.iter().filter(|(u, d, m)| u == "clerk3" && d == "2026-11-16" && !m.is_empty()).count();
    assert_eq!(absent_16th, 1, "from the first clerk's day on, a clerk who never came is absent: {list:?}");
}

#[tokio::test]
async fn a_clerk_added_to_the_hall_is_not_absent_on_the_days_before() {
    let s = TestServer::start().await;
    // In service from Monday 2 November (the first sign-in).
    s.clock().set(at("2026-11-02", "08:20"));
    s.clerk("clerk1", "w01").await;
    // Friday 20 November, 10:00: the administrator adds clerk12, a new hire at w11.
    s.clock().set(at("2026-11-20", "10:00"));
    let admin = s.staff("admin").await;
    let toml = get(&s, "/api/admin/hall", &admin).await["toml"].as_str().unwrap().to_string();
    let hire = "[[staff]]\nusername = \"clerk12\"\nname = \"郑新\"\nstaff_no = \"QS-2026-012\"\nrole = \"clerk\"\n\
                windows = [\"w11\"]\npassword_hash = \"$argon2id$v=19$m=19456,t=2,p=1$3cCNITORIrAVyxjICqXFRg$uNt4jP9g97Fx3iuFLxOWf8MPZpMCKI8WAFkYFs3DAGA\"\ndemo = true\n\n";
    let toml =
        toml.replacen("[[staff]]\nusername = \"clerk11\"", &format!("{hire}[[staff]]\nusername = \"clerk11\""), 1);
    let r = s.post("/api/admin/hall", &admin, json!({ "toml": toml })).await;
    assert_eq!(r.status, 200, "{}", r.body);

    // Tuesday 24 November: nobody else came; the new clerk is absent from the 23rd only.
    s.clock().set(at("2026-11-24", "09:00"));
    let director = s.staff("director").await;
    let list = marks(&get(&s, "/api/attendance?from=2026-11-02&to=2026-11-23", &director).await);
    let absent_days =
        |who: &str| list.iter().filter(|(u, _, m)| u == who && m.iter().any(|(k, _)| k == "absent")).count();
    assert_eq!(absent_days("clerk12"), 1, "only Monday 23rd: {list:?}");
    assert_eq!(absent_days("clerk3"), 16, "an account of the hall from the start: every working day");

    // clerk3 dropped from the hall by mistake and restored: its record stays as it was.
    let admin = s.staff("admin").await;
    let toml = get(&s, "/api/admin/hall", &admin).await["toml"].as_str().unwrap().to_string();
    let start = toml.find("[[staff]]\nusername = \"clerk3\"").unwrap();
    let end = start + toml[start..].find("\n\n[[staff]]").unwrap() + 2;
    let without = format!("{}{}", &toml[..start], &toml[end..]);
    assert_eq!(s.post("/api/admin/hall", &admin, json!({ "toml": without })).await.status, 200);
    assert_eq!(s.post("/api/admin/hall", &admin, json!({ "toml": toml })).await.status, 200);
    let director = s.staff("director").await;
    let list = marks(&get(&s, "/api/attendance?from=2026-11-02&to=2026-11-23", &director).await);
    let absent = list.iter().filter(|(u, _, m)| u == "clerk3" && m.iter().any(|(k, _)| k == "absent")).count();
    assert_eq!(absent, 16, "restored, not a new hire");
}

#[tokio::test]
async fn signing_in_again_does_not_hide_an_early_leave() {
    let s = TestServer::start().await;
    // Wednesday 25 November: clerk1 signs in at 08:20, again at 10:00 (the first token lost,
    // that session never ended), signs out at 15:00 and goes home.
    s.clock().set(at("2026-11-25", "08:20"));
    s.clerk("clerk1", "w01").await;
    s.clock().set(at("2026-11-25", "10:00"));
    let again = s.clerk("clerk1", "w01").await;
    s.clock().set(at("2026-11-25", "15:00"));
    assert_eq!(s.post("/api/auth/logout", &again, json!({})).await.status, 204);
    s.clock().set(at("2026-11-26", "09:00"));
    let director = s.staff("director").await;
    let list = marks(&get(&s, "/api/attendance?from=2026-11-25&to=2026-11-25", &director).await);
    let clerk1: Vec<_> = list.iter().filter(|(u, _, _)| u == "clerk1").collect();
    assert_eq!(clerk1.len(), 1, "{list:?}");
    assert_eq!(clerk1[0].2, [("early_leave".to_string(), Some(150))], "15:00 against 17:30");
}

#[tokio::test]
async fn the_consoles_late_marks_are_attendances() {
    // (day, sign-in time, late on the console): attendance's rule, to the minute, on the
    // statutory calendar — a Saturday is no working day, 5½ minutes is within 5 minutes' grace.
    let check = |day: &'static str, time: &'static str, want: bool| async move {
        let s = TestServer::start().await;
        // The hall in service since the day before (attendance counts from its first sign-in).
        s.clock().set(at("2026-11-20", "08:30"));
        s.clerk("clerk9", "w09").await;
        let local = chrono::NaiveDateTime::parse_from_str(&format!("{day} {time}"), "%Y-%m-%d %H:%M:%S").unwrap();
        s.clock().set(chrono::Utc.from_utc_datetime(&(local - chrono::Duration::hours(8))));
        s.clerk("clerk1", "w01").await;
        let director = s.staff("director").await;
        let today = get(&s, "/api/director/today", &director).await;
        let late =
            today["staff"].as_array().unwrap().iter().find(|p| p["username"] == "clerk1").unwrap()["late"].clone();
        assert_eq!(late, json!(want), "{day} {time}: {}", today["staff"]);
        // Attendance is the clerks': the director signing in at the same moment is never 迟到.
        let director_line = today["staff"].as_array().unwrap().iter().find(|p| p["username"] == "director").cloned();
        assert!(director_line.is_none_or(|d| d["late"] == false), "{}", today["staff"]);
        let marked = get(&s, &format!("/api/attendance?from={day}&to={day}"), &director).await;
        let in_attendance = marks(&marked).iter().any(|(u, _, m)| u == "clerk1" && m.iter().any(|(k, _)| k == "late"));
        assert_eq!(in_attendance, want, "{day} {time}: {marked}");
    };
    check("2026-11-25", "08:35:30", false).await;
    check("2026-11-25", "08:36:00", true).await;
    check("2026-11-28", "09:00:00", false).await; // Saturday
}

/// New hours judge the days from the one they took effect on, never the days before: a hall
/// going over to its winter hours (09:00 instead of 08:30) does not wipe last week's late
/// marks, nor does going back make the winter days late. A change before the day was begun (no
/// clerk signed in, the opening not passed) judges that day; one after, from the next.
#[tokio::test]
async fn new_hours_never_judge_the_days_before_them_again() {
    let s = TestServer::start().await;
    let hours = |start: &str| {
        ["mon", "tue", "wed", "thu", "fri"].map(|d| format!("{d} = [\"{start}-12:00\", \"14:00-17:30\"]\n")).concat()
    };
    let set_hours = |from: &'static str, to: &'static str| {
        let s = &s;
        let (old, new) = (hours(from), hours(to));
        async move {
            let admin = s.staff("admin").await;
            let toml = get(s, "/api/admin/hall", &admin).await["toml"].as_str().unwrap().to_string();
            assert!(toml.contains(&old), "the hall's hours are {from}");
            let r = s.post("/api/admin/hall", &admin, json!({ "toml": toml.replacen(&old, &new, 1) })).await;
            assert_eq!(r.status, 200, "{}", r.body);
        }
    };
    // Monday 23 November, hours from 08:30: clerk2 comes at 08:50, 20 minutes late.
    s.clock().set(at("2026-11-23", "08:50"));
    s.clerk("clerk2", "w02").await;
    // Tuesday, 08:00, before anyone signed in: winter hours from 09:00, from today.
    s.clock().set(at("2026-11-24", "08:00"));
    set_hours("08:30", "09:00").await;
    s.clock().set(at("2026-11-24", "08:50"));
    s.clerk("clerk2", "w02").await;
    // Wednesday: clerk2 at 08:40 (on time at 09:00); at 10:00 the hours go back to 08:30,
    // which judge the days from Thursday: Wednesday was begun under 09:00.
    s.clock().set(at("2026-11-25", "08:40"));
    s.clerk("clerk2", "w02").await;
    s.clock().set(at("2026-11-25", "10:00"));
    set_hours("09:00", "08:30").await;
    s.clock().set(at("2026-11-26", "08:40"));
    s.clerk("clerk2", "w02").await;
    // Friday, 09:30, nobody in yet: hours from 10:00 judge the days from Monday; Friday opened
    // at 08:30, and clerk2 at 09:40 is 70 minutes late.
    s.clock().set(at("2026-11-27", "09:30"));
    set_hours("08:30", "10:00").await;
    s.clock().set(at("2026-11-27", "09:40"));
    s.clerk("clerk2", "w02").await;
    s.clock().set(at("2026-11-30", "08:00"));
    let director = s.staff("director").await;
    let list = marks(&get(&s, "/api/attendance?from=2026-11-23&to=2026-11-27", &director).await);
    let late: Vec<(String, Option<u64>)> = ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"]
        .iter()
        .map(|day| {
            let m = list.iter().find(|(u, d, _)| u == "clerk2" && d == day).map(|(_, _, m)| m.clone());
            let late = m.unwrap_or_default().into_iter().find(|(k, _)| k == "late");
            (day.to_string(), late.and_then(|(_, min)| min))
        })
        .collect();
    let want = [
        ("2026-11-23", Some(20)),
        ("2026-11-24", None),
        ("2026-11-25", None),
        ("2026-11-26", Some(10)),
        ("2026-11-27", Some(70)),
    ];
    assert_eq!(late, want.map(|(d, m)| (d.to_string(), m)), "{list:?}");
}

/// The same when the new hours come in the configuration file, edited between two starts.
#[tokio::test]
async fn hours_edited_in_the_file_between_two_starts_judge_the_days_after_only() {
    let clock = std::sync::Arc::new(hall_testkit::ManualClock::new(at("2026-11-23", "08:50")));
    let s = TestServer::options().clock(clock.clone()).hall_from_file(true).start().await;
    s.clerk("clerk2", "w02").await; // 20 minutes late under 08:30
    let db = s.db.clone();
    let dir = s.stop().await;
    clock.set(at("2026-11-24", "07:00"));
    let (summer, winter) = ("mon = [\"08:30-12:00\"", "mon = [\"09:00-12:00\"");
    let text = hall_server::config::SAMPLE_HALL.replacen(summer, winter, 1);
    assert_ne!(text, hall_server::config::SAMPLE_HALL);
    let file_hall = hall_server::config::parse(&text, "hall.toml").unwrap();
    let s = TestServer::options().db(&db).clock(clock.clone()).hall(file_hall).hall_from_file(true).start().await;
    clock.set(at("2026-11-30", "08:50")); // Monday: on time under 09:00
    s.clerk("clerk2", "w02").await;
    clock.set(at("2026-12-01", "08:00"));
    let director = s.staff("director").await;
    let list = marks(&get(&s, "/api/attendance?from=2026-11-23&to=2026-11-30", &director).await);
    let late = |day: &str| {
        list.iter()
            .find(|(u, d, _)| u == "clerk2" && d == day)
            .and_then(|(_, _, m)| m.iter().find(|(k, _)| k == "late").and_then(|(_, min)| *min))
    };
    assert_eq!((late("2026-11-23"), late("2026-11-30")), (Some(20), None), "{list:?}");
    s.stop().await;
    drop(dir);
}

/// An account that becomes a clerk (a leader moved to a window) is judged from the next day
/// only: not absent on the days before, when it was no clerk's day to keep.
#[tokio::test]
async fn an_account_made_a_clerk_is_not_absent_on_the_days_before() {
    let s = TestServer::start().await;
    s.clock().set(at("2026-11-23", "08:20"));
    s.clerk("clerk1", "w01").await; // in service from Monday
    s.clock().set(at("2026-11-25", "10:00"));
    let admin = s.staff("admin").await;
    let toml = get(&s, "/api/admin/hall", &admin).await["toml"].as_str().unwrap().to_string();
    let leader = "username = \"leader\"\nname = \"周建华\"\nstaff_no = \"QS-2019-002\"\nrole = \"leader\"";
    assert!(toml.contains(leader));
    let toml = toml.replacen(leader, &leader.replace("role = \"leader\"", "role = \"clerk\""), 1);
    let r = s.post("/api/admin/hall", &admin, json!({ "toml": toml })).await;
    assert_eq!(r.status, 200, "{}", r.body);
    s.clock().set(at("2026-11-27", "09:00"));
    let director = s.staff("director").await;
    let list = marks(&get(&s, "/api/attendance?from=2026-11-23&to=2026-11-26", &director).await);
    let days: Vec<&str> = list.iter().filter(|(u, _, _)| u == "leader").map(|(_, d, _)| d.as_str()).collect();
    assert_eq!(days, ["2026-11-26"], "absent on Thursday only, the first day as a clerk: {list:?}");
}

/// A clerk made a leader and a clerk again keeps the marks of the days they were a clerk, and
/// is not marked on the days they were not.
#[tokio::test]
async fn a_role_changed_and_changed_back_keeps_the_clerks_days() {
    let s = TestServer::start().await;
    s.clock().set(at("2026-11-23", "08:50"));
    s.clerk("clerk2", "w02").await; // Monday: 20 minutes late
    let set_role = |from: &'static str, to: &'static str| {
        let s = &s;
        async move {
            let admin = s.staff("admin").await;
            let toml = get(s, "/api/admin/hall", &admin).await["toml"].as_str().unwrap().to_string();
            let clerk2 =
                format!("username = \"clerk2\"\nname = \"陈建国\"\nstaff_no = \"QS-2016-008\"\nrole = \"{from}\"");
            assert!(toml.contains(&clerk2), "clerk2 is a {from}");
            let toml =
                toml.replacen(&clerk2, &clerk2.replace(&format!("role = \"{from}\""), &format!("role = \"{to}\"")), 1);
            let r = s.post("/api/admin/hall", &admin, json!({ "toml": toml })).await;
            assert_eq!(r.status, 200, "{}", r.body);
        }
    };
    // Made a leader on Monday at 12:00, a clerk again on Wednesday at 12:00.
    s.clock().set(at("2026-11-23", "12:00"));
    set_role("clerk", "leader").await;
    s.clock().set(at("2026-11-25", "12:00"));
    set_role("leader", "clerk").await;
    s.clock().set(at("2026-11-27", "09:00"));
    let director = s.staff("director").await;
    let list = marks(&get(&s, "/api/attendance?from=2026-11-23&to=2026-11-26", &director).await);
    let mine: Vec<(String, Vec<String>)> = list
        .iter()
        .filter(|(u, _, _)| u == "clerk2")
        .map(|(_, d, m)| (d.clone(), m.iter().map(|(k, _)| k.clone()).collect()))
        .collect();
    // Monday as the clerk it was: late (its session ended at noon by the change of role: no
    // early leave).
    let want = [("2026-11-23", vec!["late"]), ("2026-11-26", vec!["absent"])]
        .map(|(d, k)| (d.to_string(), k.into_iter().map(String::from).collect::<Vec<_>>()));
    assert_eq!(mine, want, "a clerk on Monday and from Thursday; a leader in between: {list:?}");
}

/// A clerk removed from the hall, or made a leader, keeps the days they were a clerk: in the
/// director's list (under the name they had), the month's assessment and the report. The day of
/// the change is a clerk's day once begun (signed in, or the opening passed: an absence stands),
/// else none; a session the change ended is no early leave, one ended before it is. Added again,
/// an account is judged as a clerk from the next day, not on the days it was away or a leader.
#[tokio::test]
async fn a_clerk_removed_or_made_a_leader_keeps_the_clerks_days() {
    let s = TestServer::start().await;
    let save = |toml: String| {
        let s = &s;
        async move {
            let admin = s.staff("admin").await;
            let r = s.post("/api/admin/hall", &admin, json!({ "toml": toml })).await;
            assert_eq!(r.status, 200, "{}", r.body);
        }
    };
    let admin = s.staff("admin").await;
    let toml = get(&s, "/api/admin/hall", &admin).await["toml"].as_str().unwrap().to_string();
    let without = |toml: &str, user: &str| {
        let start = toml.find(&format!("[[staff]]\nusername = \"{user}\"")).expect("the account");
        let end = start + 1 + toml[start + 1..].find("[[staff]]").expect("an account after it");
        format!("{}{}", &toml[..start], &toml[end..])
    };
    // Monday 07:30, before the opening: clerk5 removed (back on Wednesday).
    s.clock().set(at("2026-11-23", "07:30"));
    save(without(&toml, "clerk5")).await;
    s.clock().set(at("2026-11-23", "08:45"));
    let clerk3 = s.clerk("clerk3", "w03").await; // Monday: 15 minutes late, gone at 10:00
    s.clock().set(at("2026-11-23", "08:50"));
    let clerk2 = s.clerk("clerk2", "w02").await; // Monday: 20 minutes late
    let ticket = s.issue("mz-linshi").await;
    assert_eq!(s.act(&clerk2, "w02", "call-next").await.status, 200);
    let finished = s.post("/api/windows/w02/finish", &clerk2, json!({"outcome": "immediate"})).await;
    assert_eq!(finished.status, 200, "{}", finished.body);
    let token = ticket["status_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let path = format!("/api/t/{token}/rating");
    let rated =
        s.send(Method::POST, &path, None, Some(json!({"level": "dissatisfied", "reason": "attitude"})), None).await;
    assert_eq!(rated.status, 201, "a bad rating (a follow-up): {}", rated.body);
    s.clock().set(at("2026-11-23", "10:00"));
    assert_eq!(s.post("/api/auth/logout", &clerk3, json!({})).await.status, 204);
    let director = s.staff("director").await;
    let about = json!({"channel": "oral", "about": "staff", "staff": "clerk2", "window_id": "w02",
        "what": "态度生硬", "anonymous": true});
    let complaint = s.post("/api/complaints", &director, about).await;
    assert_eq!(complaint.status, 201, "{}", complaint.body);
    let clerk3 = "username = \"clerk3\"\nname = \"王丽娟\"\nstaff_no = \"QS-2021-012\"\nrole = \"clerk\"";
    let leader = "username = \"leader\"\nname = \"周建华\"\nstaff_no = \"QS-2019-002\"\nrole = \"leader\"";
    assert!(toml.contains(clerk3) && toml.contains(leader));
    let clerk3_leads = toml.replacen(clerk3, &clerk3.replace("\"clerk\"", "\"leader\""), 1);
    // Monday 12:00: clerk2 and clerk4 (not come in) removed from the hall, clerk3 made a leader,
    // the leader removed.
    s.clock().set(at("2026-11-23", "12:00"));
    let monday = without(&without(&without(&without(&clerk3_leads, "clerk2"), "clerk4"), "leader"), "clerk5");
    save(monday).await;
    s.clock().set(at("2026-11-24", "09:00"));
    let director = s.staff("director").await;
    let list = get(&s, "/api/attendance?from=2026-11-23&to=2026-11-23", &director).await;
    let day = |u: &str| list.as_array().unwrap().iter().find(|d| d["username"] == u).cloned();
    let clerk2 = day("clerk2").unwrap_or_else(|| panic!("clerk2's Monday: {list}"));
    assert_eq!(clerk2["name"], "陈建国");
    assert!(day("clerk3").is_some(), "clerk3 was a clerk on Monday: {list}");
    assert!(day("clerk4").is_some(), "clerk4 was removed after the opening, not come in: absent: {list}");
    assert!(day("clerk5").is_none(), "clerk5 was removed before the opening: {list}");
    let month = get(&s, "/api/assessment?month=2026-11", &director).await;
    let sheet = month["staff"].as_array().unwrap().iter().find(|x| x["key"] == "clerk2").cloned();
    let sheet = sheet.unwrap_or_else(|| panic!("clerk2's sheet: {month}"));
    assert_eq!((sheet["label"].as_str(), sheet["figures"]["late"].as_u64()), (Some("陈建国"), Some(1)), "{sheet}");
    let read = get(&s, &format!("/api/complaints/{}", complaint.body["id"]), &director).await;
    assert_eq!(read["staff_name"], "陈建国", "a complaint about them names them too");
    let follow_up = get(&s, "/api/follow-ups", &director).await[0].clone();
    assert_eq!(follow_up["clerk_name"], "陈建国", "and their bad rating's follow-up");
    let figures = get(&s, "/api/ratings/summary?from=2026-11-23&to=2026-11-23", &director).await;
    let line = figures["clerks"].as_array().unwrap().iter().find(|l| l["key"] == "clerk2").cloned();
    assert_eq!(line.map(|l| l["label"].clone()), Some(json!("陈建国")), "the satisfaction figures: {figures}");
    let report = get(&s, "/api/reports/summary?from=2026-11-23&to=2026-11-23&by=staff", &director).await;
    let line = report["lines"].as_array().unwrap().iter().find(|l| l["key"] == "clerk2").cloned();
    assert_eq!(line.map(|l| l["label"].clone()), Some(json!("陈建国")), "the report names them too: {report}");
    // Wednesday 12:00: clerk2 added again, and the leader, as a clerk; judged from Thursday.
    s.clock().set(at("2026-11-25", "12:00"));
    save(without(&clerk3_leads, "clerk4").replacen(
        leader,
        &leader.replace("role = \"leader\"", "role = \"clerk\""),
        1,
    ))
    .await;
    s.clock().set(at("2026-11-27", "09:00"));
    let director = s.staff("director").await;
    let list = marks(&get(&s, "/api/attendance?from=2026-11-23&to=2026-11-26", &director).await);
    let of = |user: &str| -> Vec<(String, Vec<String>)> {
        list.iter()
            .filter(|(u, _, _)| u == user)
            .map(|(_, d, m)| (d.clone(), m.iter().map(|(k, _)| k.clone()).collect()))
            .collect()
    };
    let want = |days: &[(&str, &[&str])]| -> Vec<(String, Vec<String>)> {
        days.iter().map(|(d, k)| (d.to_string(), k.iter().map(|k| k.to_string()).collect())).collect()
    };
    type Days<'a> = &'a [(&'a str, &'a [&'a str])];
    let cases: [(&str, Days); 5] = [
        ("clerk2", &[("2026-11-23", &["late"]), ("2026-11-26", &["absent"])]),
        ("clerk3", &[("2026-11-23", &["late", "early_leave"])]),
        ("clerk4", &[("2026-11-23", &["absent"])]),
        ("clerk5", &[("2026-11-26", &["absent"])]),
        ("leader", &[("2026-11-26", &["absent"])]),
    ];
    for (user, days) in cases {
        assert_eq!(of(user), want(days), "{user}: {list:?}");
    }
}

/// A clerk on approved leave for the morning is not due before the afternoon: removed from the
/// hall at 10:00, their day had not begun (no absence for a morning they were allowed off), while
/// one removed once the afternoon began without them is absent that afternoon.
#[tokio::test]
async fn a_clerk_on_leave_removed_before_they_were_due_has_no_clerks_day() {
    let s = TestServer::start().await;
    // The evening before, clerk6 and clerk7 take Wednesday morning off.
    s.clock().set(at("2026-11-24", "17:00"));
    let director = s.staff("director").await;
    for (user, window, stand_in) in [("clerk6", "w06", "clerk1"), ("clerk7", "w07", "clerk2")] {
        let token = s.clerk(user, window).await;
        let body = json!({"kind": "personal", "from": "2026-11-25", "to": "2026-11-25", "to_noon": true,
            "reason": "家中有事", "stand_ins": [{"window_id": window, "username": stand_in}]});
        let r = s.post("/api/leave", &token, body).await;
        assert_eq!(r.status, 201, "{}", r.body);
        let approve = format!("/api/leave/{}/approve", r.body["id"]);
        assert_eq!(s.post(&approve, &director, json!({})).await.status, 200);
    }
    let without = |toml: &str, user: &str| {
        let start = toml.find(&format!("[[staff]]\nusername = \"{user}\"")).expect("the account");
        let end = start + 1 + toml[start + 1..].find("[[staff]]").expect("an account after it");
        format!("{}{}", &toml[..start], &toml[end..])
    };
    let remove = |user: &'static str| {
        let s = &s;
        async move {
            let admin = s.staff("admin").await;
            let toml = get(s, "/api/admin/hall", &admin).await["toml"].as_str().unwrap().to_string();
            let r = s.post("/api/admin/hall", &admin, json!({ "toml": without(&toml, user) })).await;
            assert_eq!(r.status, 200, "{}", r.body);
        }
    };
    // Wednesday 10:00 (the hall opened at 08:30): clerk6 removed, off until the afternoon.
    s.clock().set(at("2026-11-25", "10:00"));
    remove("clerk6").await;
    // 14:30, the afternoon half an hour old: clerk7 removed, never come in.
    s.clock().set(at("2026-11-25", "14:30"));
    remove("clerk7").await;
    s.clock().set(at("2026-11-26", "09:00"));
    let director = s.staff("director").await;
    let list = marks(&get(&s, "/api/attendance?from=2026-11-25&to=2026-11-25", &director).await);
    let of = |user: &str| -> Vec<String> {
        list.iter().filter(|(u, _, _)| u == user).flat_map(|(_, _, m)| m.iter().map(|(k, _)| k.clone())).collect()
    };
    assert_eq!(of("clerk6"), Vec::<String>::new(), "not due before 14:00, removed at 10:00: {list:?}");
    assert_eq!(of("clerk7"), ["absent"], "due from 14:00, removed at 14:30 without coming: {list:?}");
}

/// A clerk removed from the hall keeps their name in the leave lists (their own request, the
/// requests they stood in for, today's leave) and in the findings of an inspection about them.
#[tokio::test]
async fn a_clerk_removed_is_named_as_they_were_in_leave_and_inspections() {
    let s = TestServer::start().await; // Wednesday 25 November, 09:00
    let clerk6 = s.clerk("clerk6", "w06").await;
    let body = json!({"kind": "personal", "from": "2026-11-26", "to": "2026-11-26", "reason": "家中有事",
        "stand_ins": [{"window_id": "w06", "username": "clerk7"}]});
    let asked = s.post("/api/leave", &clerk6, body).await;
    assert_eq!(asked.status, 201, "{}", asked.body);
    let clerk1 = s.clerk("clerk1", "w01").await;
    let body = json!({"kind": "personal", "from": "2026-11-27", "to": "2026-11-27", "reason": "家中有事",
        "stand_ins": [{"window_id": "w01", "username": "clerk6"}]});
    let stood = s.post("/api/leave", &clerk1, body).await;
    assert_eq!(stood.status, 201, "{}", stood.body);
    let director = s.staff("director").await;
    for id in [&asked.body["id"], &stood.body["id"]] {
        assert_eq!(s.post(&format!("/api/leave/{id}/approve"), &director, json!({})).await.status, 200);
    }
    let leader = s.staff("leader").await;
    let visit = json!({"windows": ["w06"], "note": "抽查", "findings": [
        {"window_id": "w06", "username": "clerk6", "kind": "discipline", "note": "工作时间玩手机"}]});
    assert_eq!(s.post("/api/inspections", &leader, visit).await.status, 201);
    // Removed from the hall at 10:00.
    s.clock().set(at("2026-11-25", "10:00"));
    let admin = s.staff("admin").await;
    let toml = get(&s, "/api/admin/hall", &admin).await["toml"].as_str().unwrap().to_string();
    let start = toml.find("[[staff]]\nusername = \"clerk6\"").expect("clerk6");
    let end = start + 1 + toml[start + 1..].find("[[staff]]").expect("an account after it");
    let removed = format!("{}{}", &toml[..start], &toml[end..]);
    assert_eq!(s.post("/api/admin/hall", &admin, json!({ "toml": removed })).await.status, 200);

    let director = s.staff("director").await;
    let list = get(&s, "/api/leave?from=2026-11-26&to=2026-11-27", &director).await;
    let of = |id: &Value| list.as_array().unwrap().iter().find(|l| &l["id"] == id).cloned().unwrap();
    assert_eq!(of(&asked.body["id"])["name"], "张海波", "{list}");
    assert_eq!(of(&stood.body["id"])["stand_ins"][0]["name"], "张海波", "{list}");
    let inspections = get(&s, "/api/inspections", &director).await;
    assert_eq!(inspections[0]["findings"][0]["name"], "张海波", "{inspections}");
    // Tomorrow: today's leave on the director's page names them too.
    s.clock().set(at("2026-11-26", "09:00"));
    let director = s.staff("director").await;
    let today = get(&s, "/api/director/today", &director).await;
    let away = today["on_leave"].as_array().cloned().unwrap_or_default();
    let line = away.iter().find(|l| l["username"] == "clerk6").cloned();
    assert_eq!(line.map(|l| l["name"].clone()), Some(json!("张海波")), "{}", today["on_leave"]);
}

/// A hall with sessions longer than a day: a clerk still signed in from yesterday who calls
/// the first citizen at 08:32 arrived then, not absent (R15).
#[tokio::test]
async fn a_session_from_yesterday_counts_the_day_from_the_first_act_at_the_window() {
    let text = hall_server::config::SAMPLE_HALL.replacen("session_hours = 12", "session_hours = 72", 1);
    assert_ne!(text, hall_server::config::SAMPLE_HALL);
    let s = TestServer::options().hall(hall_server::config::parse(&text, "test").unwrap()).start().await;
    s.clock().set(at("2026-11-24", "08:25"));
    let clerk = s.clerk("clerk2", "w02").await;
    s.clock().set(at("2026-11-25", "08:32"));
    s.issue("mz-dibao").await;
    assert_eq!(s.act(&clerk, "w02", "call-next").await.status, 200);
    s.clock().set(at("2026-11-25", "18:00"));
    let director = s.staff("director").await;
    let list = marks(&get(&s, "/api/attendance?from=2026-11-25&to=2026-11-25", &director).await);
    let mine: Vec<_> = list.iter().filter(|(u, _, _)| u == "clerk2").collect();
    assert!(mine.is_empty(), "neither absent nor late on the 25th: {mine:?}");
    // Thursday on the same session: paused at 09:00 (the first act: 30 minutes late), signed
    // out at 16:00 (an early leave of 90 minutes, seen though the session began on Tuesday).
    s.clock().set(at("2026-11-26", "09:00"));
    assert_eq!(s.act(&clerk, "w02", "pause").await.status, 200);
    s.clock().set(at("2026-11-26", "16:00"));
    assert_eq!(s.post("/api/auth/logout", &clerk, json!({})).await.status, 204);
    s.clock().set(at("2026-11-27", "08:00"));
    let director = s.staff("director").await;
    let list = marks(&get(&s, "/api/attendance?from=2026-11-26&to=2026-11-26", &director).await);
    let mine: Vec<_> = list.into_iter().filter(|(u, _, _)| u == "clerk2").map(|(_, _, m)| m).collect();
    let want = vec![vec![("late".to_string(), Some(30)), ("early_leave".to_string(), Some(90))]];
    assert_eq!(mine, want);
}

/// A mark of a month's last day is known the next morning, in the new month: it stays on the
/// clerk's and the director's lists (R15: every late arrival or early leave is explained).
#[tokio::test]
async fn the_last_day_of_a_month_is_explained_in_the_next() {
    let s = TestServer::start().await;
    s.clock().set(at("2026-11-30", "08:25"));
    let clerk2 = s.clerk("clerk2", "w02").await;
    s.clock().set(at("2026-11-30", "16:00"));
    assert_eq!(s.post("/api/auth/logout", &clerk2, json!({})).await.status, 204);
    s.clock().set(at("2026-12-01", "09:00"));
    let clerk2 = s.clerk("clerk2", "w02").await;
    let mine = marks(&get(&s, "/api/attendance/mine", &clerk2).await);
    assert!(mine.contains(&("clerk2".into(), "2026-11-30".into(), vec![("early_leave".into(), Some(90))])), "{mine:?}");
    let explained =
        json!({"day": "2026-11-30", "kind": "early_leave", "explanation": "到县医院陪护家人，已向主任请示"});
    assert_eq!(s.post("/api/attendance/explain", &clerk2, explained).await.status, 204);
    let director = s.staff("director").await;
    let all = get(&s, "/api/attendance", &director).await;
    let line = all.as_array().unwrap().iter().find(|d| d["username"] == "clerk2" && d["day"] == "2026-11-30");
    assert_eq!(line.expect("listed for the director")["marks"][0]["explanation"], "到县医院陪护家人，已向主任请示");
}
