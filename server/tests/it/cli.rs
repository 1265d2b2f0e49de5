//! The binary's command line: help, check-config and verify-audit.

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
