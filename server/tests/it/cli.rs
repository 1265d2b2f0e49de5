//! The binary's command line: help, check-config, verify-audit, backup and restore.

use std::process::Command;

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hall-server")).args(args).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn help_explains_every_flag() {
    let (code, text) = run(&["--help"]);
    assert_eq!(code, 0);
    for flag in [
        "--config",
        "--db",
        "--listen",
        "--demo",
        "--kiosk-rate-limit",
        "--public-url",
        "check-config",
        "verify-audit",
        "hash-password",
    ] {
        assert!(text.contains(flag), "{flag} missing from help:\n{text}");
    }
}

#[test]
fn a_public_url_must_be_http_or_https() {
    for bad in ["hall.example.cn", "ftp://hall.example.cn", "https://", "https://hall.example.cn/?x=1"] {
        let (code, text) = run(&["--public-url", bad, "--db", "/nonexistent/never-opened.db"]);
        assert_eq!(code, 2, "{bad}: {text}");
        assert!(text.contains("--public-url"), "{text}");
    }
}

#[test]
fn check_config_accepts_the_sample_and_names_file_and_line_of_a_mistake() {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../halls/sample-town.toml");
    let (code, text) = run(&["check-config", sample]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("ok"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(sample).unwrap().replacen(
        "windows = [\"w02\", \"w03\"]",
        "windows = [\"w02\", \"w99\"]",
        1,
    );
    let line = text.lines().position(|l| l.contains("w99")).unwrap() + 1;
    std::fs::write(&bad, text).unwrap();
    let (code, out) = run(&["check-config", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(out.contains(&format!("bad.toml:{line}:")), "{out}");
    assert!(out.contains("unknown window `w99`"), "{out}");
    // The server refuses to start on it, with the same message.
    let (code, out) = run(&["--config", bad.to_str().unwrap(), "--db", dir.path().join("x.db").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(out.contains("unknown window `w99`"), "{out}");
}

#[test]
fn verify_audit_reports_an_edited_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let mut conn = hall_server::store::open_writer(&db).unwrap();
    let tx = conn.transaction().unwrap();
    for action in ["ticket.issue", "window.call"] {
        let e = hall_server::store::audit::Entry {
            at_ms: 1,
            actor: "kiosk-lobby-1".into(),
            role: "kiosk".into(),
            device: Some("kiosk-lobby-1".into()),
            window_id: None,
            action: action.into(),
            subject: None,
            detail: "{}".into(),
        };
        hall_server::store::audit::append(&tx, &e).unwrap();
    }
    tx.commit().unwrap();
    let (code, out) = run(&["verify-audit", "--db", db.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("intact: 2 rows"), "{out}");
    conn.execute_batch("DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory' WHERE id = 1;").unwrap();
    let (code, out) = run(&["verify-audit", "--db", db.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("BROKEN at row 1"), "{out}");
}

fn tickets_in(db: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0)).unwrap()
}

async fn run_async(args: Vec<String>) -> (i32, String) {
    tokio::task::spawn_blocking(move || run(&args.iter().map(String::as_str).collect::<Vec<_>>())).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_serving_is_consistent_and_restores_only_with_the_server_stopped() {
    let s = crate::support::TestServer::start().await;
    for _ in 0..5 {
        s.issue("mz-linshi").await;
    }
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("nightly.db");
    let db = s.db.to_string_lossy().to_string();
    // Eight kiosks keep issuing while the copy is taken.
    let busy: Vec<_> = (0..8)
        .map(|_| {
            let (base, http) = (s.base.clone(), s.http.clone());
            tokio::spawn(async move {
                for _ in 0..5 {
                    let r = http
                        .post(format!("{base}/api/tickets"))
                        .bearer_auth("demo-kiosk")
                        .json(&serde_json::json!({"service_id": "mz-linshi"}))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), 201);
                }
            })
        })
        .collect();
    let (code, text) =
        run_async(vec!["backup".into(), "--db".into(), db.clone(), "--to".into(), copy.to_string_lossy().into()]).await;
    for kiosk in busy {
        kiosk.await.unwrap();
    }
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("audit trail intact"), "{text}");
    let saved = tickets_in(&copy);
    assert!((5..=45).contains(&saved), "a snapshot between the first and the last ticket: {saved}");
    assert!(!dir.path().join("nightly.db.partial").exists(), "nothing half-written left behind");

    // (what is restored, why it is refused): a live server, then a file that is no database.
    let (code, text) =
        run_async(vec!["restore".into(), copy.to_string_lossy().into(), "--db".into(), db.clone()]).await;
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("another hall-server is using"), "{text}");
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database at all, just bytes").unwrap();
    // The audit trail is anchored after the copy (its rows signed in `<db>.anchors`).
    assert!(s.state().anchor_audit().await.unwrap().is_some());
    let anchors = format!("{db}.anchors");
    assert!(std::path::Path::new(&anchors).exists());
    // A case registered after the copy: its number is on the citizen's notice.
    let clerk = s.clerk("clerk2", "w02").await;
    assert_eq!(s.act(&clerk, "w02", "call-next").await.status, 200);
    let finished = s.post("/api/windows/w02/finish", &clerk, serde_json::json!({"outcome": "promised"})).await;
    assert_eq!(finished.status, 200, "{}", finished.body);
    let lost_case = finished.body["case"]["number"].as_str().unwrap().to_string();
    let kept = s.stop().await;
    let before = tickets_in(std::path::Path::new(&db));
    assert_eq!(before, 45);
    let (code, text) =
        run_async(vec!["restore".into(), junk.to_string_lossy().into(), "--db".into(), db.clone()]).await;
    assert_eq!(code, 1, "{text}");
    assert_eq!(tickets_in(std::path::Path::new(&db)), before, "a refused restore changes nothing");

    // With the server stopped: restored, the replaced database kept beside it.
    let (code, text) =
        run_async(vec!["restore".into(), copy.to_string_lossy().into(), "--db".into(), db.clone()]).await;
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("the database it replaced is kept as"), "{text}");
    assert_eq!(tickets_in(std::path::Path::new(&db)), saved);
    let old = std::fs::read_dir(std::path::Path::new(&db).parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            name.contains(".before-restore-") && !["-wal", "-shm", ".anchors"].iter().any(|s| name.ends_with(s))
        })
        .expect("the old database kept");
    assert_eq!(tickets_in(&old.path()), before);
    // Its anchors went with it: they sign the replaced timeline, not the restored one.
    assert!(!std::path::Path::new(&anchors).exists());
    assert!(std::path::Path::new(&format!("{}.anchors", old.path().display())).exists());

    // The restored hall's audit trail holds. The tickets issued after the copy are gone with it,
    // but not their numbers: the citizens holding them are in the hall, so the next ticket
    // follows the replaced database's last; and its events follow the ids the county has read.
    let (code, text) = run_async(vec!["verify-audit".into(), "--db".into(), db.clone()]).await;
    assert_eq!(code, 0, "{text}");
    let max_event = |path: &std::path::Path| -> i64 {
        let c = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        c.query_row("SELECT COALESCE(MAX(id), 0) FROM events", [], |r| r.get(0)).unwrap()
    };
    let (copy_events, old_events) = (max_event(&copy), max_event(&old.path()));
    assert!(copy_events < old_events, "the replaced database had gone on: {copy_events} < {old_events}");
    let again = crate::support::TestServer::options().db(db.clone()).start().await;
    let next = again.issue("mz-linshi").await;
    let number = next["number"].as_str().unwrap();
    let digits: i64 = number.trim_start_matches(|c: char| c.is_ascii_alphabetic()).parse().unwrap();
    assert_eq!(digits, before + 1, "{number} after the {before} tickets handed out ({saved} in the copy)");
    let c = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let reused: i64 = c
        .query_row("SELECT COUNT(*) FROM events WHERE id > ?1 AND id <= ?2", [copy_events, old_events], |r| r.get(0))
        .unwrap();
    assert_eq!(reused, 0, "no event id given twice");
    drop(c);
    // Nor a case number: the next case of the day follows the one the citizen holds.
    let clerk = again.clerk("clerk2", "w02").await;
    assert_eq!(again.act(&clerk, "w02", "call-next").await.status, 200);
    let finished = again.post("/api/windows/w02/finish", &clerk, serde_json::json!({"outcome": "promised"})).await;
    assert_eq!(finished.status, 200, "{}", finished.body);
    let next_case = finished.body["case"]["number"].as_str().unwrap();
    assert!(next_case > lost_case.as_str(), "{next_case} after {lost_case}");
    // New rows on the restored trail, anchored anew: it verifies (no tampering reported).
    assert!(again.state().anchor_audit().await.unwrap().is_some());
    again.stop().await;
    let (code, text) = run_async(vec!["verify-audit".into(), "--db".into(), db.clone()]).await;
    assert_eq!(code, 0, "{text}");
    drop(kept);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nightly_backups_into_a_folder_keep_the_newest_and_are_recorded() {
    let s = crate::support::TestServer::start().await;
    s.issue("mz-linshi").await;
    let dir = tempfile::tempdir().unwrap();
    let db = s.db.to_string_lossy().to_string();
    let folder = dir.path().to_string_lossy().to_string();
    for _ in 0..3 {
        let args = vec![
            "backup".into(),
            "--db".into(),
            db.clone(),
            "--to".into(),
            folder.clone(),
            "--keep".into(),
            "2".into(),
        ];
        let (code, text) = run_async(args).await;
        assert_eq!(code, 0, "{text}");
    }
    // A folder that is not there (its disk not mounted): refused, nothing written in its place.
    let missing = dir.path().join("usb-disk");
    let args = vec![
        "backup".into(),
        "--db".into(),
        db.clone(),
        "--to".into(),
        missing.to_string_lossy().to_string(),
        "--keep".into(),
        "2".into(),
    ];
    let (code, text) = run_async(args).await;
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("not mounted"), "{text}");
    assert!(!missing.exists(), "no file written in the folder's place");
    let mut kept: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    kept.sort();
    assert_eq!(kept.len(), 2, "the newest two: {kept:?}");
    assert!(kept.iter().all(|n| n.starts_with("hall-") && n.ends_with(".db")), "{kept:?}");
    // Each good backup is recorded beside the database; the last one names the newest file.
    let (at, file) = hall_server::backup::last(&s.db).expect("recorded");
    assert!(file.ends_with(&kept[1]), "{file} vs {kept:?}");
    assert!((chrono::Utc::now().timestamp_millis() - at).abs() < 60_000);
    let log = std::fs::read_to_string(hall_server::backup::log_path(&s.db)).unwrap();
    assert_eq!(log.lines().count(), 3);
    // The director sees its age (the test clock stands in 2026; a backup taken "later" is 0 hours old).
    let director = s.staff("director").await;
    let today = s.send(reqwest::Method::GET, "/api/director/today", Some(&director), None, None).await.body;
    let b = &today["last_backup"];
    assert_eq!((b["file"].as_str(), b["stale"].as_bool()), (Some(file.as_str()), Some(false)), "{b}");
}

/// A new machine: the package's sample (or any other file) as the configuration, and last
/// night's copy restored. Started as it is, the file would replace the copy's hall (sessions
/// ended, bookings cancelled): the restore refuses until told which hall is meant.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_under_another_configuration_file_asks_which_hall_is_meant() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    let s = crate::support::TestServer::options().db(&db).hall_from_file(true).start().await;
    s.issue("mz-linshi").await;
    let copy = dir.path().join("nightly.db");
    let (dbs, copys) = (db.to_string_lossy().to_string(), copy.to_string_lossy().to_string());
    let (code, text) = run_async(vec!["backup".into(), "--db".into(), dbs.clone(), "--to".into(), copys.clone()]).await;
    assert_eq!(code, 0, "{text}");
    s.stop().await;
    let sample = include_str!("../../../halls/sample-town.toml");
    let other = sample.replace("name = \"青石镇便民服务中心\"", "name = \"示例镇便民服务中心\"");
    let file = dir.path().join("hall.toml");
    std::fs::write(&file, &other).unwrap();
    let restore = |extra: &[&str]| {
        let mut args = vec!["restore".to_string(), copys.clone(), "--db".into(), dbs.clone()];
        args.extend(["--config".to_string(), file.to_string_lossy().to_string()]);
        args.extend(extra.iter().map(|a| a.to_string()));
        run_async(args)
    };
    let (code, text) = restore(&[]).await;
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("--hall copy") && text.contains("Nothing was restored"), "{text}");
    assert!(!dir.path().read_dir().unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .contains("before-restore")));
    let (code, text) = restore(&["--hall", "copy"]).await;
    assert_eq!(code, 0, "{text}");
    // Started with the other file, the restored hall is the copy's.
    let hall = hall_server::config::parse(&other, "hall.toml").unwrap();
    let s = crate::support::TestServer::options().db(&db).hall(hall.clone()).hall_from_file(true).start().await;
    assert_eq!(s.get("/api/hall").await.body["name"], "青石镇便民服务中心");
    s.stop().await;
    // With the file as the copy's own, nothing is asked; `--hall file` lets the file replace it.
    std::fs::write(&file, sample).unwrap();
    assert_eq!(restore(&[]).await.0, 0);
    std::fs::write(&file, &other).unwrap();
    let (code, text) = restore(&["--hall", "file"]).await;
    assert_eq!(code, 0, "{text}");
    let s = crate::support::TestServer::options().db(&db).hall(hall).hall_from_file(true).start().await;
    assert_eq!(s.get("/api/hall").await.body["name"], "示例镇便民服务中心");
}

/// Run as root (as an IT worker does), backup and restore leave what they make to the hall's
/// user, who owns the folder: the service, running as that user, opens it. (Checked where the
/// tests run as root, as CI does.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_and_restore_run_as_root_leave_their_files_to_the_halls_user() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("probe");
    std::fs::write(&probe, b"").unwrap();
    if std::fs::metadata(&probe).unwrap().uid() != 0 {
        return; // not root: nothing made here could go to another user
    }
    let (hall_uid, hall_gid) = (65534, 65534); // the hall's user stands for `hall` here
                                               // The hall's own folder and database, as the package makes them.
    let lib = dir.path().join("var");
    std::fs::create_dir(&lib).unwrap();
    std::os::unix::fs::chown(&lib, Some(hall_uid), Some(hall_gid)).unwrap();
    let s = crate::support::TestServer::options().db(lib.join("hall.db")).start().await;
    s.issue("mz-linshi").await;
    std::os::unix::fs::chown(&s.db, Some(hall_uid), Some(hall_gid)).unwrap();
    let backups = dir.path().join("backups");
    std::fs::create_dir(&backups).unwrap();
    std::os::unix::fs::chown(&backups, Some(hall_uid), Some(hall_gid)).unwrap();
    let db = s.db.to_string_lossy().to_string();
    let args = vec!["backup".into(), "--db".into(), db.clone(), "--to".into(), backups.to_string_lossy().into()];
    let (code, text) = run_async(args).await;
    assert_eq!(code, 0, "{text}");
    let copy = std::fs::read_dir(&backups).unwrap().next().unwrap().unwrap().path();
    assert_eq!(std::fs::metadata(&copy).unwrap().uid(), hall_uid, "the copy is the hall user's");
    // The backups' log beside the database, which every nightly backup appends to.
    let log = lib.join("hall.db.backups");
    assert_eq!(std::fs::metadata(&log).unwrap().uid(), hall_uid, "{}", log.display());
    s.stop().await;
    let folder = dir.path().join("lib");
    std::fs::create_dir(&folder).unwrap();
    std::os::unix::fs::chown(&folder, Some(hall_uid), Some(hall_gid)).unwrap();
    let restored = folder.join("hall.db");
    let args = vec!["restore".into(), copy.to_string_lossy().into(), "--db".into(), restored.to_string_lossy().into()];
    let (code, text) = run_async(args).await;
    assert_eq!(code, 0, "{text}");
    for made in [restored.clone(), folder.join("hall.db.lock")] {
        let m = std::fs::metadata(&made).unwrap();
        assert_eq!((m.uid(), m.gid()), (hall_uid, hall_gid), "{}", made.display());
    }
}
