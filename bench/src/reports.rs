//! A month's report on a year of history (issue 14): `GET /api/reports/summary` grouped by window,
//! by hour, and as an Excel workbook, each timed on its own; the slowest is the figure.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use reqwest::Client;
use serde_json::{json, Value};

/// The slowest of the three forms' median times, and the month's tickets it counted.
pub async fn month(http: &Client, base: &str, repeats: usize) -> anyhow::Result<(Duration, u64)> {
    let login = json!({"username": "director", "password": "demo"});
    let session: Value = http.post(format!("{base}/api/auth/login")).json(&login).send().await?.json().await?;
    let token = session["token"].as_str().context("director login")?.to_string();
    let range = "from=2026-03-01&to=2026-03-31";
    let summary: Value =
        http.get(format!("{base}/api/reports/summary?{range}")).bearer_auth(&token).send().await?.json().await?;
    let issued = summary["total"]["issued"].as_u64().unwrap_or(0);
    if issued == 0 || summary["total"]["served"].as_u64() != Some(issued) {
        bail!("the month's report does not count the seeded tickets: {}", summary["total"]);
    }
    let mut slowest = Duration::ZERO;
    for form in ["by=window", "by=hour", "by=matter&format=xlsx"] {
        let mut times = Vec::with_capacity(repeats);
        for _ in 0..repeats {
            let t = Instant::now();
            let res = http.get(format!("{base}/api/reports/summary?{range}&{form}")).bearer_auth(&token).send().await?;
            if !res.status().is_success() {
                bail!("report {form}: {}", res.status());
            }
            res.bytes().await?;
            times.push(t.elapsed());
        }
        times.sort();
        slowest = slowest.max(times[times.len() / 2]);
    }
    Ok((slowest, issued))
}
