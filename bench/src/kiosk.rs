//! The kiosk: from the touch of 「取号」 to the last byte of the ticket at the printer (the
//! kiosk's own controller, client and printer code, in process, against the server on
//! loopback and a network printer on 127.0.0.1), and the real kiosk's cold start and memory
//! at 1080×1920 under Xvfb.

use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use hall_kiosk::controller::{Input, Settings};
use hall_kiosk::runtime::{drive, Parts};
use hall_kiosk::view::{PageKind, View};
use hall_printer::fake::FakePrinter;
use hall_printer::{PaperWidth, Printer};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::mpsc;

use crate::stats::Samples;

/// Touch → every byte of the ticket received by the printer, `n` times.
pub async fn tap_to_paper(base: &str, n: usize) -> anyhow::Result<Samples> {
    let printer = FakePrinter::start();
    let (tx, rx) = mpsc::unbounded_channel();
    let (vtx, mut views) = mpsc::unbounded_channel::<View>();
    let parts = Parts {
        client: hall_kiosk::client::Client::new(base, "demo-kiosk", None),
        printer: Arc::new(Printer::new(printer.target(), PaperWidth::Mm80)),
        paper: PaperWidth::Mm80,
        settings: Settings { server_url: base.to_string(), ..Settings::default() },
        refresh: Duration::from_secs(3),
    };
    tokio::spawn(drive(parts, tx.clone(), rx, move |v| drop(vtx.send(v.clone())), |_, _| String::new()));
    until(&mut views, |v| v.loaded).await.context("the hall did not load")?;
    let mut lat = Samples::default();
    for i in 0..n {
        tx.send(Input::Matter("mz-dibao".into()))?;
        until(&mut views, |v| v.page == PageKind::Matter).await.context("matter screen")?;
        let t0 = Instant::now();
        tx.send(Input::Take { key: hall_kiosk::new_key(), priority: None })?;
        let jobs = tokio::task::block_in_place(|| printer.wait_for_jobs(i + 1, Duration::from_secs(10)));
        lat.push(t0.elapsed());
        anyhow::ensure!(jobs.len() == i + 1, "ticket {} did not print", i + 1);
        until(&mut views, |v| v.print_state == hall_kiosk::PrintProgress::Printed).await.context("printed")?;
        tx.send(Input::Home)?;
    }
    Ok(lat)
}

/// Views as they come until one satisfies `done` (at most 10 s).
async fn until(views: &mut mpsc::UnboundedReceiver<View>, done: fn(&View) -> bool) -> anyhow::Result<()> {
    let wait = async {
        loop {
            let v = views.recv().await.context("the kiosk stopped")?;
            if done(&v) {
                return anyhow::Ok(());
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait).await.context("timed out")?
}

pub struct Footprint {
    pub cold_start: Duration,
    pub rss_mb: f64,
}

/// Runs the real `hall-kiosk` (next to this binary) portrait on a private Xvfb, printing to a
/// fake network printer; `None` when Xvfb or the kiosk binary is not there.
pub async fn footprint(base: &str) -> anyhow::Result<Option<Footprint>> {
    let exe = std::env::current_exe()?.with_file_name("hall-kiosk");
    if !exe.exists() || std::process::Command::new("Xvfb").arg("-help").stderr(Stdio::null()).status().is_err() {
        return Ok(None);
    }
    let printer = FakePrinter::start();
    let screen = format!(":{}", 190 + std::process::id() % 100);
    let mut xvfb = tokio::process::Command::new("Xvfb")
        .args([screen.as_str(), "-screen", "0", "1080x1920x24", "-nolisten", "tcp"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    tokio::time::sleep(Duration::from_millis(800)).await; // Xvfb has no readiness signal
    let t0 = Instant::now();
    let mut kiosk = tokio::process::Command::new(&exe)
        .args(["--server", base, "--token", "demo-kiosk", "--printer", &printer.target().to_string()])
        .env("DISPLAY", &screen)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let pid = kiosk.id().context("kiosk pid")?;
    let mut lines = BufReader::new(kiosk.stderr.take().context("kiosk stderr")?).lines();
    let ready = async {
        while let Some(l) = lines.next_line().await? {
            if l.contains(hall_kiosk::app::READY) {
                return anyhow::Ok(t0.elapsed());
            }
        }
        anyhow::bail!("the kiosk exited before showing the home screen")
    };
    let cold_start = tokio::time::timeout(Duration::from_secs(20), ready).await.context("no home screen in 20 s")??;
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    tokio::time::sleep(Duration::from_secs(2)).await; // settle: first frames drawn
    let rss_mb = crate::proc::rss_mb(pid);
    let _ = kiosk.start_kill();
    let _ = xvfb.start_kill();
    Ok(Some(Footprint { cold_start, rss_mb }))
}
