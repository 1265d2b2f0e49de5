//! A simulated hall day against a real server: every ticket ends somewhere, the server's own
//! records agree with the simulator, and the audit trail is intact.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use hall_server::ops::{Actor, Op};
use hall_testkit::{ManualClock, TestServer};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_simulated_day_runs_through_the_contract() {
    let server = TestServer::options().issue_any_time(true).start().await;

    let summary = hall_sim::run(hall_sim::SimConfig {
        server: server.base.clone(),
        kiosk_token: "demo-kiosk".into(),
        clerk_password: "demo".into(),
        tickets: 150,
        speed: 0.0,
        seed: 11,
        verbose: false,
        days: 0,
    })
    .await
    .unwrap();
    assert_eq!(summary.issued, 150);
    assert_eq!(summary.finished + summary.no_shows, 150, "{summary}");
    assert!(summary.transfers > 0 && summary.no_shows > 0, "{summary}");
    assert_eq!(summary.queues.values().map(|q| q.waits.len()).sum::<usize>(), 150);
    // A share of the bookable matters' citizens came by appointment, some on time.
    assert!(summary.booked_on_time > 0, "{summary}");

    let conn = rusqlite::Connection::open(&server.db).unwrap();
    let open: i64 = conn
        .query_row("SELECT COUNT(*) FROM tickets WHERE status NOT IN ('done', 'no_show')", [], |r| r.get(0))
        .unwrap();
    assert_eq!(open, 0);
    let done: i64 = conn.query_row("SELECT COUNT(*) FROM tickets WHERE status = 'done'", [], |r| r.get(0)).unwrap();
    assert_eq!(done as usize, summary.finished);
    let booked: i64 =
        conn.query_row("SELECT COUNT(*) FROM tickets WHERE booked_slot IS NOT NULL", [], |r| r.get(0)).unwrap();
    assert_eq!(booked as usize, summary.booked_on_time, "{summary}");
    let checked_in: i64 =
        conn.query_row("SELECT COUNT(*) FROM bookings WHERE status = 'checked_in'", [], |r| r.get(0)).unwrap();
    assert_eq!(checked_in as usize, summary.booked);
    // Most citizens rated at their window's evaluator; every bad rating opened a follow-up.
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap() as usize;
    assert!(summary.ratings > summary.finished / 2, "{summary}");
    assert_eq!(count("SELECT COUNT(*) FROM ratings WHERE channel = 'evaluator'"), summary.ratings);
    assert_eq!(count("SELECT COUNT(*) FROM follow_ups"), summary.bad_ratings);
    assert!(hall_server::store::audit::verify(&conn).unwrap().is_ok());
    assert_eq!(hall_server::store::tickets::waiting_count_mismatches(&conn).unwrap(), vec![]);
}

/// The test server's hand-set clock, moved a day at a time by the simulator, with the sweep the
/// server's sweeper runs (day-close, supplements' expiry, expired sessions) run at once.
struct Days<'a>(&'a TestServer);

/// The server's local day (Asia/Shanghai, the sample hall's zone).
fn local_today(server: &TestServer) -> NaiveDate {
    let shanghai = FixedOffset::east_opt(8 * 3600).unwrap();
    hall_server::clock::Clock::now(server.clock().as_ref()).with_timezone(&shanghai).date_naive()
}

impl hall_sim::ServerClock for Days<'_> {
    fn today(&self) -> NaiveDate {
        local_today(self.0)
    }

    fn next_day(&self) -> hall_sim::DayFuture<'_> {
        Box::pin(async move {
            self.0.clock().advance(Duration::days(1));
            let writer = self.0.state().writer();
            for op in [Op::CloseDays, Op::ExpireSessions] {
                writer.submit(Actor::System, op, None).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
            }
            Ok(local_today(self.0))
        })
    }
}

async fn staff_get(server: &TestServer, token: &str, path: &str) -> Value {
    let res = server.http.get(format!("{}{path}", server.base)).bearer_auth(token).send().await.unwrap();
    assert!(res.status().is_success(), "{path}: {}", res.status());
    res.json().await.unwrap()
}

/// A day's cases followed over seven weeks of working days (1 September 2026 on, across 中秋 and
/// 国庆 and their make-up working days): every kind occurs, each finish registered exactly one
/// case, the server's lists agree with what the simulator did, and the overdue list is exactly
/// the open cases past their deadline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_days_cases_are_followed_over_working_days() {
    // Tuesday 1 September 2026, 09:00 in Shanghai: deadlines and the supplements' 30 working
    // days stay within 2026, whose calendar ships.
    let start = Utc.with_ymd_and_hms(2026, 9, 1, 1, 0, 0).unwrap();
    let server = TestServer::options().issue_any_time(true).clock(Arc::new(ManualClock::new(start))).start().await;
    let summary = hall_sim::run_with(
        hall_sim::SimConfig {
            server: server.base.clone(),
            kiosk_token: "demo-kiosk".into(),
            clerk_password: "demo".into(),
            tickets: 240,
            speed: 0.0,
            seed: 5,
            verbose: false,
            days: 36,
        },
        Some(&Days(&server)),
    )
    .await
    .unwrap();
    let cases = &summary.cases;
    println!("{summary}");

    // Every kind occurs; every finish registered exactly one case, none numbered twice.
    let kinds: BTreeSet<&str> = cases.by_kind.keys().map(String::as_str).collect();
    assert_eq!(kinds, BTreeSet::from(["immediate", "joint", "promised", "reported", "returned", "supplement"]));
    assert_eq!((cases.registered, cases.without_case, cases.repeated_numbers), (summary.finished, 0, 0), "{summary}");
    let numbers: BTreeSet<&String> = cases.numbers.iter().collect();
    assert_eq!(numbers.len(), summary.finished);
    let conn = rusqlite::Connection::open(&server.db).unwrap();
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap() as usize;
    assert_eq!(count("SELECT COUNT(*) FROM cases"), summary.finished);
    assert_eq!(count("SELECT COUNT(*) FROM tickets WHERE status = 'done'"), summary.finished);
    assert_eq!(
        count("SELECT COUNT(*) FROM tickets t WHERE status = 'done' AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.ticket_id = t.id)"),
        0
    );

    // The hall did what a hall does, and some of it late.
    assert!(cases.closed_on_time > 0 && cases.closed_late > 0, "{summary}");
    assert!(cases.expired > 0 && cases.materials_completed > 0 && cases.extended > 0, "{summary}");
    assert!(cases.overdue_now > 0, "{summary}");
    assert_eq!(cases.expired, cases.count("supplement", "closed/expired"));

    // The server's list of every case agrees with the simulator, state by state.
    let director = server.staff("director").await;
    let all = staff_get(&server, &director, "/api/cases?state=all&limit=1000").await;
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), summary.finished);
    let listed: BTreeSet<&str> = all.iter().map(|c| c["number"].as_str().unwrap()).collect();
    assert_eq!(listed, numbers.iter().map(|n| n.as_str()).collect::<BTreeSet<&str>>());
    let mut by_state: BTreeMap<(String, String), usize> = BTreeMap::new();
    for c in all {
        *by_state.entry((c["kind"].as_str().unwrap().into(), c["state"].as_str().unwrap().into())).or_default() += 1;
    }
    let mut simulated: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (kind, states) in &cases.by_kind {
        for (state, n) in states {
            let state = state.split('/').next().unwrap().to_string();
            *simulated.entry((kind.clone(), state)).or_default() += n;
        }
    }
    assert_eq!(by_state, simulated);
    for state in ["open", "awaiting_materials", "closed"] {
        let listed = staff_get(&server, &director, &format!("/api/cases?state={state}&limit=1000")).await;
        let n: usize = by_state.iter().filter(|((_, s), _)| s == state).map(|(_, n)| n).sum();
        assert_eq!(listed.as_array().unwrap().len(), n, "{state}");
    }

    // Overdue: exactly the open cases whose deadline is before today.
    let today = local_today(&server);
    assert_eq!(Some(today), cases.last_day);
    let past: BTreeSet<&str> = all
        .iter()
        .filter(|c| c["state"] == "open" && c["deadline"].as_str().is_some_and(|d| d < today.to_string().as_str()))
        .map(|c| c["number"].as_str().unwrap())
        .collect();
    let overdue = staff_get(&server, &director, "/api/cases?due=overdue&limit=1000").await;
    let overdue: BTreeSet<&str> = overdue.as_array().unwrap().iter().map(|c| c["number"].as_str().unwrap()).collect();
    assert_eq!(overdue, past);
    assert_eq!(overdue.len(), cases.overdue_now);
    let panel = staff_get(&server, &director, "/api/director/today").await;
    assert_eq!(panel["cases"]["overdue"], overdue.len(), "{}", panel["cases"]);
    assert!(hall_server::store::audit::verify(&conn).unwrap().is_ok());
}
