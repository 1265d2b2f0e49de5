//! What monitoring reads (`GET /metrics`): the figures the alerts and the dashboard in
//! `deploy/` use exist and say what happened — the writer, the displays connected, a printer
//! fault's age, the longest wait against the warning, the last backup.

use std::collections::BTreeSet;

use serde_json::json;

use crate::support::{Sse, TestServer};

async fn metrics(s: &TestServer) -> String {
    s.http.get(format!("{}/metrics", s.base)).send().await.unwrap().text().await.unwrap()
}

/// The value of the series `name` (with its labels as written, e.g. `{queue="A"}`), if any.
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// Every `hall_…` metric named in the deploy files.
fn named_in_deploy() -> BTreeSet<String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy");
    let mut names = BTreeSet::new();
    for file in ["prometheus/hall-alerts.yml", "grafana/hall-dashboard.json"] {
        let text = std::fs::read_to_string(format!("{root}/{file}")).unwrap();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("hall_") {
            let name: String = rest[i..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            let before = rest[..i].chars().next_back();
            if !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '/') {
                names.insert(name.clone());
            }
            rest = &rest[i + name.len()..];
        }
    }
    names
}

#[tokio::test]
async fn the_metrics_the_alerts_use_exist_and_follow_the_hall() {
    let s = TestServer::start().await;
    let quiet = metrics(&s).await;
    assert_eq!(value(&quiet, "hall_writer_up"), Some(1.0), "{quiet}");
    assert_eq!(value(&quiet, "hall_event_streams{audience=\"public\"}"), Some(0.0), "{quiet}");
    assert_eq!(value(&quiet, "hall_last_backup_timestamp_seconds"), Some(0.0), "never backed up: {quiet}");
    assert_eq!(value(&quiet, "hall_wait_warning_minutes"), Some(30.0), "{quiet}");
    assert_eq!(value(&quiet, "hall_kiosk_printer_fault_seconds{kiosk=\"kiosk-lobby-1\"}"), Some(0.0), "{quiet}");

    // A display follows the hall (it says so), and a phone; a printer runs out of paper; a
    // citizen waits 40 minutes.
    assert_eq!(value(&quiet, "hall_event_streams{audience=\"display\"}"), Some(0.0), "{quiet}");
    let _phone = Sse::connect(&s.base, None).await;
    let mut display =
        s.http.get(format!("{}/api/events", s.base)).header("User-Agent", "hall-display/0.1.0").send().await.unwrap();
    assert!(String::from_utf8_lossy(&display.chunk().await.unwrap().unwrap()).contains(": connected"));
    let fault = s.post("/api/kiosk/faults", "demo-kiosk", json!({ "kind": "paper_out", "message": "缺纸" })).await;
    assert!(fault.status.is_success(), "{}", fault.body);
    let ticket = s.issue("mz-dibao").await;
    let queue = ticket["queue"].as_str().unwrap().to_string();
    s.clock().advance(chrono::Duration::minutes(40));
    let busy = metrics(&s).await;
    assert_eq!(value(&busy, "hall_event_streams{audience=\"public\"}"), Some(1.0), "{busy}");
    assert_eq!(value(&busy, "hall_event_streams{audience=\"display\"}"), Some(1.0), "{busy}");
    assert_eq!(value(&busy, "hall_kiosk_printer_fault_seconds{kiosk=\"kiosk-lobby-1\"}"), Some(2400.0), "{busy}");
    assert_eq!(value(&busy, &format!("hall_oldest_wait_minutes{{queue=\"{queue}\"}}")), Some(40.0), "{busy}");

    // Every figure the alerts and the dashboard name is served (no alert watches a typo).
    let named = named_in_deploy();
    assert!(named.len() >= 10, "{named:?}");
    for name in &named {
        let served = busy.lines().any(|l| l.strip_prefix(name.as_str()).is_some_and(|r| r.starts_with(['{', ' '])));
        assert!(served, "{name} is named in deploy/ but not served by /metrics:\n{busy}");
    }

    // The kiosk removed on /admin while its fault is open: its figure goes with it (it would
    // keep the printer alert firing until a restart).
    let admin = s.staff("admin").await;
    let toml = s.send(reqwest::Method::GET, "/api/admin/hall", Some(&admin), None, None).await.body["toml"]
        .as_str()
        .unwrap()
        .to_string();
    let at = toml.find("[[kiosks]]\nid = \"kiosk-lobby-1\"").expect("the sample's first kiosk");
    let end = at + toml[at..].find("\n\n").unwrap();
    let saved = s.post("/api/admin/hall", &admin, json!({ "toml": format!("{}{}", &toml[..at], &toml[end..]) })).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let after = metrics(&s).await;
    assert_eq!(value(&after, "hall_kiosk_printer_fault_seconds{kiosk=\"kiosk-lobby-1\"}"), None, "{after}");
    drop(display);
}
