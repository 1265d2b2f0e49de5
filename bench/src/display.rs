//! The lobby display: from a call-next answer to the display's model showing the call (the
//! display's own client and model, in process), and the real display's memory and idle CPU
//! at 1080p under Xvfb.

use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::Context;
use hall_display::client::{Client, Feed};
use hall_display::controller::{Effect, Link, Model, Settings};
use reqwest::Client as Http;
use serde_json::json;
use tokio::sync::mpsc;

use crate::stats::Samples;

/// p99 from the call-next answer to the model having applied the `ticket_called` event.
pub async fn call_to_model(http: &Http, base: &str, calls: usize) -> anyhow::Result<Samples> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let follower = tokio::spawn(Client::new(base, reqwest::Client::new()).follow(tx));
    let mut model = Model::new(Settings::default());
    let apply = |model: &mut Model, feed: Feed| -> Vec<Effect> {
        match feed {
            Feed::Input(i) => model.apply(i, chrono::Utc::now()),
            Feed::ServerTime(_) => vec![],
        }
    };
    while model.link != Link::Live {
        let feed = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await?.context("client stopped")?;
        apply(&mut model, feed);
    }
    let login = json!({"username": "clerk3", "password": "demo", "window_id": "w03"});
    let session: serde_json::Value =
        http.post(format!("{base}/api/auth/login")).json(&login).send().await?.json().await?;
    let token = session["token"].as_str().context("clerk login")?.to_string();
    let mut lat = Samples::default();
    for _ in 0..calls {
        crate::load::issue(http, base, "demo-kiosk", "mz-tekun").await?;
        let res = http.post(format!("{base}/api/windows/w03/call-next")).bearer_auth(&token).send().await?;
        let t0 = Instant::now();
        let called: serde_json::Value = res.json().await?;
        let number = called["number"].as_str().context("called ticket")?.to_string();
        loop {
            if model.latest.as_ref().is_some_and(|c| c.number == number) {
                break;
            }
            let feed = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await?.context("client stopped")?;
            apply(&mut model, feed);
        }
        lat.push(t0.elapsed());
        http.post(format!("{base}/api/windows/w03/finish"))
            .bearer_auth(&token)
            .json(&json!({"outcome": "immediate"}))
            .send()
            .await?;
    }
    follower.abort();
    Ok(lat)
}

pub struct Footprint {
    pub rss_mb: f64,
    /// Share of one core used while idle.
    pub idle_cpu: f64,
}

/// Runs the real `hall-display` (next to this binary) at 1920×1080 on a private Xvfb; `None`
/// when Xvfb or the display binary is not there.
pub async fn footprint(base: &str, idle: Duration) -> anyhow::Result<Option<Footprint>> {
    let exe = std::env::current_exe()?.with_file_name("hall-display");
    if !exe.exists() || std::process::Command::new("Xvfb").arg("-help").stderr(Stdio::null()).status().is_err() {
        return Ok(None);
    }
    let screen = format!(":{}", 90 + std::process::id() % 100);
    let mut xvfb = tokio::process::Command::new("Xvfb")
        .args([screen.as_str(), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let mut display = tokio::process::Command::new(&exe)
        .args(["--server", base, "--voice", "off"])
        .env("DISPLAY", &screen)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    let pid = display.id().context("display pid")?;
    tokio::time::sleep(Duration::from_secs(3)).await; // start, connect, first frames
    let before = crate::proc::cpu_ticks(pid).context("the display exited (no X server?)")?;
    tokio::time::sleep(idle).await;
    let after = crate::proc::cpu_ticks(pid).context("the display exited")?;
    let ticks_per_sec = 100.0; // USER_HZ on Linux
    let idle_cpu = (after - before) as f64 / ticks_per_sec / idle.as_secs_f64();
    let rss = crate::proc::rss_mb(pid);
    let _ = display.start_kill();
    let _ = xvfb.start_kill();
    Ok(Some(Footprint { rss_mb: rss, idle_cpu }))
}
