//! The test kit (`hall-testkit`): real servers on 127.0.0.1:0 with a temporary database and a
//! hand-set clock, and the HTTP helpers over the demo accounts; the day-and-time and read helpers
//! the modules over a hall's days share.

pub use hall_testkit::{assert_error, router, Reply, Sse, TestServer};

use chrono::TimeZone;

/// `HH:MM` in Shanghai on `date` (YYYY-MM-DD).
pub fn at(date: &str, time: &str) -> chrono::DateTime<chrono::Utc> {
    let local = chrono::NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%Y-%m-%d %H:%M").unwrap();
    chrono::Utc.from_utc_datetime(&(local - chrono::Duration::hours(8)))
}

/// A staff read that must answer 200: its body.
pub async fn get(s: &TestServer, path: &str, token: &str) -> serde_json::Value {
    let r = s.send(reqwest::Method::GET, path, Some(token), None, None).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r.body
}

/// A case's history (staff or applicant view) as (action, text), oldest first.
pub fn history(case: &serde_json::Value) -> Vec<(String, String)> {
    case["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["action"].as_str().unwrap().to_string(), h["text"].as_str().unwrap().to_string()))
        .collect()
}
