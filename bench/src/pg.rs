//! A throwaway PostgreSQL cluster for the county figures, as the county's tests start one
//! (Debian's `postgresql`: `initdb` in a temporary folder owned by the `postgres` user when we
//! run as root, a free port of 127.0.0.1, trust authentication), but durable: `fsync` and
//! `synchronous_commit` stay on, as on a county's server, so the figures pay for real commits.
//! Stopped when dropped.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
    /// The server's version, as `postgres --version` says.
    pub version: String,
}

/// The server binaries: /usr/lib/postgresql/15/bin (what scripts/test.sh installs), else another
/// version Debian ships.
pub fn binaries() -> Option<PathBuf> {
    ["15", "16", "17", "14", "13"]
        .iter()
        .map(|v| PathBuf::from(format!("/usr/lib/postgresql/{v}/bin")))
        .find(|d| d.join("initdb").exists() && d.join("pg_ctl").exists())
}

fn root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl Postgres {
    /// Runs one of the cluster's tools (as `postgres` when we are root: initdb refuses root).
    fn run(&self, tool: &str, args: &[&str]) -> anyhow::Result<String> {
        run(&self.bin, tool, args)
    }

    /// A new cluster in a temporary folder under `parent` (on the disk to measure), started.
    pub fn start(bin: &Path, parent: &Path) -> anyhow::Result<Postgres> {
        let dir = tempfile::Builder::new().prefix("county-pg-").tempdir_in(parent)?;
        if root() {
            // The `postgres` user must get through `parent` (a private temporary folder).
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(parent)?.permissions().mode();
            std::fs::set_permissions(parent, std::fs::Permissions::from_mode(mode | 0o011))?;
            // Every folder above must let the `postgres` user through.
            let ok = Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir.path()).status()?;
            if !ok.success() {
                bail!("chown of {} to postgres failed", dir.path().display());
            }
        }
        let data = dir.path().join("data");
        run(bin, "initdb", &["-D", data.to_str().context("path")?, "-A", "trust", "-U", "postgres", "-E", "UTF8"])?;
        let version = run(bin, "postgres", &["--version"])?.trim().to_string();
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let pg = Postgres { dir, bin: bin.to_path_buf(), port, version };
        let opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB -c max_wal_size=2GB",
            pg.dir.path().display()
        );
        let log = pg.dir.path().join("postgres.log");
        pg.run(
            "pg_ctl",
            &["-D", data.to_str().context("path")?, "-l", log.to_str().context("path")?, "-o", &opts, "-w", "start"],
        )?;
        Ok(pg)
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    pub async fn client(&self, database: &str) -> anyhow::Result<tokio_postgres::Client> {
        let (client, conn) = tokio_postgres::connect(&self.url(database), tokio_postgres::NoTls).await?;
        tokio::spawn(conn);
        Ok(client)
    }

    /// User + system CPU ticks of the server and its live backends (children of the postmaster).
    pub fn cpu_ticks(&self) -> Option<u64> {
        let pid_file = std::fs::read_to_string(self.dir.path().join("data/postmaster.pid")).ok()?;
        let postmaster: u32 = pid_file.lines().next()?.trim().parse().ok()?;
        let mut total = crate::proc::cpu_ticks(postmaster)?;
        for entry in std::fs::read_dir("/proc").ok()?.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
            let parent = stat.rsplit_once(") ").and_then(|(_, f)| f.split_whitespace().nth(1)?.parse::<u32>().ok());
            if parent == Some(postmaster) {
                total += crate::proc::cpu_ticks(pid).unwrap_or(0);
            }
        }
        Some(total)
    }

    /// The data folder's size on disk, in MB.
    pub fn size_mb(&self) -> f64 {
        fn walk(p: &Path) -> u64 {
            let Ok(entries) = std::fs::read_dir(p) else { return 0 };
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => walk(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        }
        walk(&self.dir.path().join("data")) as f64 / 1_048_576.0
    }
}

fn run(bin: &Path, tool: &str, args: &[&str]) -> anyhow::Result<String> {
    let mut cmd = if root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin.join(tool));
        c
    } else {
        Command::new(bin.join(tool))
    };
    let out = cmd.args(args).output().with_context(|| format!("running {tool}"))?;
    if !out.status.success() {
        bail!(
            "{tool} {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // Immediate: nothing to keep. Errors ignored (it may be down already).
        let data = self.dir.path().join("data");
        let _ = self.run("pg_ctl", &["-D", &data.to_string_lossy(), "-m", "immediate", "-w", "stop"]);
    }
}
