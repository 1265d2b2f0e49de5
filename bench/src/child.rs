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
        (crate::proc::status_mb(self.pid, "VmRSS:"), crate::proc::status_mb(self.pid, "VmHWM:"))
    }

    pub async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }
}
