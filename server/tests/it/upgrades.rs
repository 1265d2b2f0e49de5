//! Upgrades keep data: a database made by every earlier schema version, holding a morning of
//! tickets written the way the first version wrote them, is migrated by the current server on
//! start, which then serves it — the queue's waiting citizens are still there in order, the
//! numbering continues, a clerk calls the next one. And the migrations are append-only: a
//! released migration file never changes (its hash is pinned here).

use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};

use crate::support::TestServer;

/// 2026-11-25 (the test clock's morning), 08:30 and later in Shanghai, as unix ms.
const DAY: &str = "2026-11-25";
const T0: i64 = 1_795_566_600_000;

fn a_morning_as_version_one_wrote_it(conn: &Connection) {
    let ticket = |id: i64, seq: i64, status: &str, minutes: i64| {
        conn.execute(
            "INSERT INTO tickets (id, day, queue, seq, number, service_id, prio_rank, status, issued_at, queued_at,
                                  called_at, started_at, finished_at, window_id, outcome, device)
             VALUES (?1, ?2, 'minzheng', ?3, ?4, 'mz-linshi', 1, ?5, ?6, ?6, ?7, ?7, ?8, ?9, ?10, 'kiosk-lobby-1')",
            params![
                id,
                DAY,
                seq,
                format!("B{seq:03}"),
                status,
                T0 + minutes * 60_000,
                (status == "done").then_some(T0 + (minutes + 5) * 60_000),
                (status == "done").then_some(T0 + (minutes + 15) * 60_000),
                (status == "done").then_some("w02"),
                (status == "done").then_some("immediate"),
            ],
        )
        .unwrap();
    };
    ticket(1, 1, "done", 0);
    ticket(2, 2, "waiting", 2);
    ticket(3, 3, "waiting", 4);
    conn.execute("INSERT INTO day_counters (day, queue, last_seq) VALUES (?1, 'minzheng', 3)", [DAY]).unwrap();
    conn.execute("INSERT INTO waiting_counts (day, queue, prio_rank, n) VALUES (?1, 'minzheng', 1, 2)", [DAY]).unwrap();
    conn.execute(
        "INSERT INTO calls (day, ticket_id, window_id, at, recall) VALUES (?1, 1, 'w02', ?2, 0)",
        params![DAY, T0 + 300_000],
    )
    .unwrap();
}

#[tokio::test]
async fn a_database_of_every_earlier_schema_version_is_migrated_and_served() {
    let latest = hall_server::store::schema_version() as usize;
    assert!(latest >= 13, "{latest}");
    for version in 1..latest {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("hall.db");
        {
            let mut conn = Connection::open(&db).unwrap();
            hall_server::store::migrate_to_version(&mut conn, 1).unwrap();
            a_morning_as_version_one_wrote_it(&conn);
            hall_server::store::migrate_to_version(&mut conn, version).unwrap();
            let at: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
            assert_eq!(at as usize, version);
        }
        let s = TestServer::options().db(&db).start().await;
        let queues = s.get("/api/queues").await;
        let minzheng = queues.body.as_array().unwrap().iter().find(|q| q["queue"] == "minzheng").unwrap().clone();
        assert_eq!(minzheng["waiting"], 2, "version {version}: {minzheng}");
        let next = s.issue("mz-linshi").await;
        assert_eq!(next["number"], "B004", "version {version}: the numbering continues");
        let clerk = s.clerk("clerk2", "w02").await;
        let called = s.act(&clerk, "w02", "call-next").await;
        assert_eq!(called.status, 200, "version {version}: {}", called.body);
        let number = called.body.get("ticket").unwrap_or(&called.body)["number"].clone();
        assert_eq!(number, "B002", "version {version}: the oldest waiting first: {}", called.body);
        drop(s);
        let conn = Connection::open(&db).unwrap();
        let now: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(now as usize, latest, "version {version} was migrated to the latest");
        let done: String =
            conn.query_row("SELECT status FROM tickets WHERE number = 'B001'", [], |r| r.get(0)).unwrap();
        assert_eq!(done, "done", "version {version}: the morning's served ticket is kept");
    }
}

/// The SHA-256 of each released migration. A migration a hall has applied must never change
/// (its database would not be what the file says): change the schema with a new file instead.
const RELEASED: [(u32, &str); 22] = [
    (1, "5d2a51731066bf6d3f3e87d74fbebf446512089a8fec8269cd54e64d28305a45"),
    (2, "a1421136819973582e9209570cea324805d6a0bfdd4a948d5fd638a4ba546e59"),
    (3, "6e5765176ff4ce384e5b5e164d5f691a65c552c97ce0b91c4db6249252b594ae"),
    (4, "05b2b9cc493780334fb1f240d905251ab58beff57d30cbd8c8319af2a275b8cb"),
    (5, "fb19bb5209f40e037f6cd6517e71cef9068af40b03b261409688d555709d1664"),
    (6, "d0ede9272ba04ef946ec322c39aa43b4015b4e0f03f1068e63163dce8174981a"),
    (7, "cde35ad66b079b443c286c78cdf17e0c2cdae5e50cce38f7d33f5e2e575f1a37"),
    (8, "7cd05032493f3fc914a094e77ac4ca69b08d6a28f8de520a9fbc8868dea6c924"),
    (9, "3111fed2f398cb365f8021ac0815bbdef63a79e5024195895393732561bc9e02"),
    (10, "617b1dc7225462bae551ba1b71caeb9ff4cd0e1d02bc724d3f1e178eb1ced316"),
    (11, "9a039cc2a48ab4b95a27dbe2bea4202b1b2afb0d5cf9cdb41a093cd928679835"),
    (12, "f54d9bf7978e36ffdc199d7c599c55045395b17ee6de5da96dfbb93a1a8b62f6"),
    (13, "8f5c35bc8fbaacc0a11f1c7213ab516e53b0e1a86eba0be2310324d4b29ababb"),
    (14, "55ec92f9417b025401daec9bc7cd3953deddbf6de7cf40b1e836f7fe5c97bd36"),
    (15, "eda83bdeaf187c74a66e4f69bdcc3137db4d0068415ff2021b01caff814d086e"),
    (16, "8d3e3e26c29e62962af822b68ebba9c4a2f69ff7419966d2cf8f2668af7d95d3"),
    (17, "7df42ac5d6a0959ce60f75ed3977a80f58a88f9e7de4aa96900ff1061f0c7ec1"),
    (18, "b2185de48efdbb4ed7c42edf2c56a1d1d8efe6c55ba74599b5ab4c5f93a233ba"),
    (19, "a7a0e5f48b7efe8d73c1277fa5ece203f2a8fc49eea03d9ea54db1d971e08d27"),
    (20, "6fe5660a6ae459fbfcf2e9389bb5ff94ac8f239b945a2ae72f3646de4b376580"),
    (21, "d96b25bf07e93894d93314cc518797909cabee246f6509512d6ca68c3aaf138f"),
    (22, "e8672b54ddda4acba9df8526388007f798a99288c8e22f569e4a7aa05c1385eb"),
];

#[test]
fn released_migrations_never_change() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/store");
    for (version, pinned) in RELEASED {
        let text = std::fs::read(format!("{dir}/schema_v{version}.sql")).unwrap();
        let hash = hex::encode(Sha256::digest(&text));
        assert_eq!(hash, pinned, "schema_v{version}.sql changed after release: add a new migration instead");
    }
}

/// Before schema 40 the director's acknowledgement of an urgent petition ended the leaders'
/// line too: upgraded, those petitions stay seen for the leaders (not every urgent petition
/// ever registered back on their page); one not acknowledged yet is told to them.
#[tokio::test]
async fn urgent_petitions_acknowledged_before_the_leaders_line_stay_seen_after_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    {
        let mut conn = Connection::open(&db).unwrap();
        hall_server::store::migrate_to_version(&mut conn, 39).unwrap();
        for (seq, acknowledged) in [(1, Some(1_764_032_400_000_i64)), (2, None)] {
            conn.execute(
                "INSERT INTO petitions (number, day, seq, channel, received_at, received_on, name, gender, address,
                     issue, urgent, leader_reception, solved_on_spot, state, due_days, registered_by, created_at,
                     acknowledged_at, acknowledged_by)
                 VALUES (?1, '2026-11-25', ?2, 'visit', 1764032400000, '2026-11-25', '王秀英', 'female', '东村',
                     '塌方', 1, 0, 0, 'received', 3, 'director', 1764032400000, ?3, ?4)",
                rusqlite::params![format!("XF20261125-0{seq}"), seq, acknowledged, acknowledged.map(|_| "director")],
            )
            .unwrap();
        }
    }
    let s = TestServer::options().db(&db).start().await;
    let leader = s.staff("leader").await;
    let alerts = s.send(reqwest::Method::GET, "/api/petitions/alerts", Some(&leader), None, None).await.body;
    let numbers: Vec<&str> = alerts.as_array().unwrap().iter().map(|a| a["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, ["XF20261125-02"], "{alerts}");
}
