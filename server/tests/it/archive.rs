//! R17's archives (归档) through the HTTP contract: a closed case's file waits on its window's
//! list with its date (`archive_days` working days after the close), is archived once by the
//! window's clerk or the director, and the month's assessment scores each clerk and window on the
//! files due in it. Cases closed before the upgrade that began the archive are not counted.

use rusqlite::{params, Connection};
use serde_json::{json, Value};

use crate::support::{assert_error, at, get, TestServer};

/// A citizen of `service` called at w02 and finished as `outcome`: the case's number.
async fn finish(s: &TestServer, clerk: &str, service: &str, outcome: &str) -> String {
    s.issue(service).await;
    assert_eq!(s.act(clerk, "w02", "call-next").await.status, 200);
    let r = s.post("/api/windows/w02/finish", clerk, json!({"outcome": outcome})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["case"]["number"].as_str().unwrap().to_string()
}

/// The numbers on a window's list, and whether each is overdue.
async fn listed(s: &TestServer, token: &str) -> Vec<(String, bool)> {
    let list = get(s, "/api/windows/w02/to-archive", token).await;
    list.as_array().unwrap().iter().map(|f| (f["number"].as_str().unwrap().to_string(), f["overdue"] == true)).collect()
}

async fn archive(s: &TestServer, number: &str, token: &str) -> crate::support::Reply {
    s.post(&format!("/api/cases/{number}/archive"), token, json!({})).await
}

/// clerk2 signed in at w02 at `date` `time` (signed out by the caller).
async fn clerk2(s: &TestServer, date: &str, time: &str) -> String {
    s.clock().set(at(date, time));
    s.clerk("clerk2", "w02").await
}

async fn sign_out(s: &TestServer, token: &str) {
    assert_eq!(s.post("/api/auth/logout", token, json!({})).await.status, 204);
}

#[tokio::test]
async fn a_closed_cases_file_is_archived_once_and_scored_by_its_date() {
    let s = TestServer::start().await;
    // Monday 2 November 2026: three 即办件 close at once; a 承诺件 runs. Five working days: the
    // 9th.
    let c = clerk2(&s, "2026-11-02", "09:00").await;
    let mut closed = Vec::new();
    for _ in 0..3 {
        closed.push(finish(&s, &c, "mz-linshi", "immediate").await);
    }
    let running = finish(&s, &c, "mz-linshi", "promised").await;
    let list = get(&s, "/api/windows/w02/to-archive", &c).await;
    assert_eq!(list.as_array().unwrap().len(), 3, "{list}");
    assert_eq!(
        (&list[0]["number"], &list[0]["closed_on"], &list[0]["archive_due"], list[0].get("overdue")),
        (&json!(closed[0]), &json!("2026-11-02"), &json!("2026-11-09"), None),
        "{list}"
    );
    let case = get(&s, &format!("/api/cases/{}", closed[0]), &c).await;
    assert_eq!((&case["archive_due"], case.get("archived_at")), (&json!("2026-11-09"), None), "{case}");

    // Refused, changing nothing: a running case; another window's clerk; an unknown case.
    assert_error(&archive(&s, &running, &c).await, 409, "case_not_closed");
    s.clock().set(at("2026-11-02", "09:30"));
    let other = s.clerk("clerk1", "w01").await;
    assert_error(&archive(&s, &closed[0], &other).await, 403, "not_your_case");
    assert_error(&archive(&s, "20261102-9999", &c).await, 404, "unknown_case");
    sign_out(&s, &other).await;
    sign_out(&s, &c).await;
    assert_eq!(listed(&s, &s.staff("director").await).await.len(), 3);

    // Thursday the 5th: the first archived in time, once, told in its history.
    let c = clerk2(&s, "2026-11-05", "10:00").await;
    let r = archive(&s, &closed[0], &c).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["archived_at"].as_str().map(|t| &t[..10]), Some("2026-11-05"), "{}", r.body);
    let last = r.body["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((&last["action"], &last["by"]), (&json!("archived"), &json!("clerk2")), "{last}");
    assert_error(&archive(&s, &closed[0], &c).await, 409, "case_archived");
    sign_out(&s, &c).await;

    // Thursday the 12th, the hall now giving 2 working days: the files closed before keep their
    // 9th; past it, the other two are overdue; the second archived late. A case closed now has
    // until Monday the 16th.
    s.clock().set(at("2026-11-12", "09:00"));
    let admin = s.staff("admin").await;
    let toml = get(&s, "/api/admin/hall", &admin).await["toml"].as_str().unwrap().to_string();
    assert!(toml.contains("\narchive_days = 5 "), "the sample hall gives 5 days");
    let toml = toml.replacen("\narchive_days = 5 ", "\narchive_days = 2 ", 1);
    assert_eq!(s.post("/api/admin/hall", &admin, json!({ "toml": toml })).await.status, 200);
    let c = clerk2(&s, "2026-11-12", "10:00").await;
    assert_eq!(listed(&s, &c).await, vec![(closed[1].clone(), true), (closed[2].clone(), true)]);
    assert_eq!(get(&s, &format!("/api/cases/{}", closed[2]), &c).await["archive_due"], "2026-11-09");
    assert_eq!(archive(&s, &closed[1], &c).await.status, 200);
    let later = finish(&s, &c, "mz-linshi", "immediate").await;
    assert_eq!(get(&s, &format!("/api/cases/{later}"), &c).await["archive_due"], "2026-11-16");
    assert_eq!(listed(&s, &c).await, vec![(closed[2].clone(), true), (later, false)]);
    sign_out(&s, &c).await;
    // The director's panel and the monitoring: two out, one past its date, at w02.
    let today = get(&s, "/api/director/today", &s.staff("director").await).await;
    let files = &today["cases"];
    assert_eq!((&files["files_out"], &files["files_overdue"]), (&json!(2), &json!(1)), "{files}");
    assert_eq!(files["files_by_window"], json!([{"window_id": "w02", "out": 2, "overdue": 1}]));
    let metrics = s.http.get(format!("{}/metrics", s.base)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("hall_case_files_overdue 1"), "{metrics}");

    // The month's sheets: one on time, one late, two still out — archives 25 for clerk2 and
    // w02; nobody else had a file due (unknown, not zero).
    s.clock().set(at("2026-11-30", "18:00"));
    let director = s.staff("director").await;
    let month = get(&s, "/api/assessment?month=2026-11", &director).await;
    let sheet = |list: &Value, key: &str| list.as_array().unwrap().iter().find(|x| x["key"] == key).unwrap().clone();
    let archives = |sheet: &Value| {
        let f = &sheet["figures"];
        let part = sheet["parts"].as_array().unwrap().iter().find(|p| p["component"] == "archives").unwrap().clone();
        (f["archived_on_time"].clone(), f["archived_late"].clone(), f["archive_overdue"].clone(), part["score"].clone())
    };
    let want = (json!(1), json!(1), json!(2), json!(25.0));
    assert_eq!(archives(&sheet(&month["staff"], "clerk2")), want, "{month}");
    assert_eq!(archives(&sheet(&month["windows"], "w02")), want, "{month}");
    assert_eq!(archives(&sheet(&month["staff"], "clerk1")).3, Value::Null);
    assert_eq!(month["scheme"]["weights"][4], json!({"component": "archives", "weight": 5.0}));

    // December: the director archives the first still out; November's sheet does not change
    // (it was out when November ended).
    s.clock().set(at("2026-12-01", "09:00"));
    let director = s.staff("director").await;
    assert_eq!(archive(&s, &closed[2], &director).await.status, 200);
    assert_eq!(listed(&s, &director).await.len(), 1);
    let month = get(&s, "/api/assessment?month=2026-11", &director).await;
    assert_eq!(archives(&sheet(&month["staff"], "clerk2")), want, "{month}");
}

/// 2026-11-24 09:00 in Shanghai, as unix ms.
const OLD_CLOSE: i64 = 1_795_482_000_000;

/// A database at schema 35 with two cases of the day before, one closed, one still running (their
/// tickets written as version one wrote tickets, the cases as version 35 wrote cases).
fn a_case_closed_before_the_archive(db: &std::path::Path) {
    let mut conn = Connection::open(db).unwrap();
    hall_server::store::migrate_to_version(&mut conn, 1).unwrap();
    for (id, number, outcome) in [(1, "B001", "immediate"), (2, "B002", "promised")] {
        conn.execute(
            "INSERT INTO tickets (id, day, queue, seq, number, service_id, prio_rank, status, issued_at, queued_at,
                                  called_at, started_at, finished_at, window_id, outcome, device)
             VALUES (?2, '2026-11-24', 'minzheng', ?2, ?3, 'mz-linshi', 1, 'done', ?1, ?1, ?1, ?1, ?1, 'w02', ?4,
                     'kiosk-lobby-1')",
            params![OLD_CLOSE, id, number, outcome],
        )
        .unwrap();
    }
    hall_server::store::migrate_to_version(&mut conn, 35).unwrap();
    conn.execute(
        "INSERT INTO cases (number, day, seq, ticket_id, service_id, window_id, clerk, first_window_id, kind, state,
                            result, check_code, token, accepted_on, promised_days, detail, created_at, closed_at)
         VALUES ('20261124-0001', '2026-11-24', 1, 1, 'mz-linshi', 'w02', 'clerk2', 'w02', 'immediate', 'closed',
                 'done', 'ABC123', 'old-token-0000000000000000', '2026-11-24', 0, '{}', ?1, ?1)",
        params![OLD_CLOSE],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO cases (number, day, seq, ticket_id, service_id, window_id, clerk, first_window_id, kind, state,
                            check_code, token, accepted_on, clock_from, deadline, promised_days, detail, created_at)
         VALUES ('20261124-0002', '2026-11-24', 2, 2, 'mz-linshi', 'w02', 'clerk2', 'w02', 'promised', 'open',
                 'ABC124', 'old-token-0000000000000001', '2026-11-24', '2026-11-24', '2026-12-08', 10, '{}', ?1)",
        params![OLD_CLOSE],
    )
    .unwrap();
}

#[tokio::test]
async fn cases_closed_before_the_upgrade_are_not_counted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    a_case_closed_before_the_archive(&db);
    let s = TestServer::options().db(&db).start().await;
    let c = s.clerk("clerk2", "w02").await;
    // Not listed, no date; a case closed after the upgrade is.
    assert!(listed(&s, &c).await.is_empty());
    let old = get(&s, "/api/cases/20261124-0001", &c).await;
    assert_eq!((old["state"].as_str(), old.get("archive_due")), (Some("closed"), None), "{old}");
    let new = finish(&s, &c, "mz-linshi", "immediate").await;
    assert_eq!(listed(&s, &c).await, vec![(new.clone(), false)]);
    // The case running at the upgrade closes after it: its file counts.
    let r = s.post("/api/cases/20261124-0002/close", &c, json!({"result": "done"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mut both = listed(&s, &c).await;
    both.sort();
    assert_eq!(both, vec![("20261124-0002".to_string(), false), (new, false)], "closed at the same instant");
    // Its file may still be recorded as archived; it never counts.
    assert_eq!(archive(&s, "20261124-0001", &c).await.status, 200);
    sign_out(&s, &c).await;
    s.clock().set(at("2026-12-31", "18:00"));
    let director = s.staff("director").await;
    // December's sheet: the three files fall due in it (the 1st, the 2nd, the 2nd); the two closed
    // after the upgrade count, still out.
    let month = get(&s, "/api/assessment?month=2026-12", &director).await;
    let clerk2 = month["staff"].as_array().unwrap().iter().find(|x| x["key"] == "clerk2").unwrap().clone();
    assert_eq!(
        (&clerk2["figures"]["archived_on_time"], &clerk2["figures"]["archive_overdue"]),
        (&json!(0), &json!(2)),
        "{clerk2}"
    );
}

/// The director's panel counts each window's oldest 100 files out and says there are more: a
/// hall that never archives in the system does not make the console slower by the year.
#[tokio::test]
async fn the_directors_panel_counts_a_windows_oldest_files() {
    let s = TestServer::start().await;
    let c = s.clerk("clerk2", "w02").await;
    for _ in 0..101 {
        finish(&s, &c, "mz-linshi", "immediate").await;
    }
    let today = get(&s, "/api/director/today", &s.staff("director").await).await;
    let files = &today["cases"];
    assert_eq!(files["files_by_window"], json!([{"window_id": "w02", "out": 100, "overdue": 0, "more": true}]));
    assert_eq!((&files["files_out"], &files["files_overdue"]), (&json!(100), &json!(0)));
    assert_eq!(listed(&s, &c).await.len(), 101, "the clerk's own list has them all (up to 200)");
}
