//! A simulated hall day against a real server: every ticket ends somewhere, the server's own
//! records agree with the simulator, and the audit trail is intact.

use hall_testkit::TestServer;

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
    })
    .await
    .unwrap();
    assert_eq!(summary.issued, 150);
    assert_eq!(summary.finished + summary.no_shows, 150, "{summary}");
    assert!(summary.transfers > 0 && summary.no_shows > 0, "{summary}");
    assert_eq!(summary.queues.values().map(|q| q.waits.len()).sum::<usize>(), 150);

    let conn = rusqlite::Connection::open(&server.db).unwrap();
    let open: i64 = conn
        .query_row("SELECT COUNT(*) FROM tickets WHERE status NOT IN ('done', 'no_show')", [], |r| r.get(0))
        .unwrap();
    assert_eq!(open, 0);
    let done: i64 = conn.query_row("SELECT COUNT(*) FROM tickets WHERE status = 'done'", [], |r| r.get(0)).unwrap();
    assert_eq!(done as usize, summary.finished);
    assert!(hall_server::store::audit::verify(&conn).unwrap().is_ok());
    assert_eq!(hall_server::store::tickets::waiting_count_mismatches(&conn).unwrap(), vec![]);
}
