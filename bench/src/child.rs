//! The server under test, in its own process (so its memory can be read), started from this
//! same binary with the hidden `serve` subcommand.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::process::{Child, Command};

pub struct Server {
    pub child: Child,
    pub base: String,
    pub pid: u32,
    /// From spawn to the server listening.
    pub started_in: Duration,
}

pub async fn start(db: &Path, config: Option<&Path>) -> anyhow::Result<Server> {
    let exe = std::env::current_exe()?;
    let mut cmd = Command::new(exe);
    cmd.arg("serve").arg("--db").arg(db);
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    let t0 = Instant::now();
    let (child, base) = hall_testkit::child::spawn(cmd, Duration::from_secs(120)).await?;
    let started_in = t0.elapsed();
    let pid = child.id().context("no pid")?;
    Ok(Server { child, base, pid, started_in })
}

impl Server {
    /// Resident set and its peak, in MB, from /proc.
    pub fn memory_mb(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
                .map(|kb| kb / 1024.0)
                .unwrap_or(f64::NAN)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    pub async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }
}
