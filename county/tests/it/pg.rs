//! A throwaway PostgreSQL cluster (Debian's `postgresql` 15): `initdb` in a temporary folder
//! owned by the `postgres` user (run through `runuser` when the tests run as root), on a free
//! port of 127.0.0.1, trust authentication; stopped when dropped, even on a panic.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Postgres {
    dir: tempfile::TempDir,
    pub port: u16,
}

fn bin(name: &str) -> PathBuf {
    for v in ["15", "16", "17", "14", "13"] {
        let p = PathBuf::from(format!("/usr/lib/postgresql/{v}/bin/{name}"));
        if p.exists() {
            return p;
        }
    }
    panic!("no PostgreSQL server binaries (apt-get install postgresql; scripts/test.sh does)");
}

fn root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs a PostgreSQL tool as the `postgres` user when we are root (initdb refuses root).
fn run(tool: &str, args: &[&str]) -> std::process::Output {
    let mut cmd = if root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin(tool));
        c
    } else {
        Command::new(bin(tool))
    };
    let out = cmd.args(args).output().unwrap_or_else(|e| panic!("{tool}: {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Postgres {
    pub fn start() -> Postgres {
        let dir = tempfile::Builder::new().prefix("county-pg-").tempdir().unwrap();
        if root() {
            let ok = Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir.path()).status().unwrap();
            assert!(ok.success());
        }
        let data = dir.path().join("data");
        run("initdb", &["-D", data.to_str().unwrap(), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
        let pg = Postgres { dir, port: free_port() };
        pg.up();
        pg
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Starts the server and waits until it accepts connections.
    pub fn up(&self) {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100",
            self.port,
            self.path().display()
        );
        let log = self.path().join("postgres.log");
        run("pg_ctl", &["-D", self.data().to_str().unwrap(), "-l", log.to_str().unwrap(), "-o", &opts, "-w", "start"]);
    }

    /// Stops it (fast: clients are disconnected, the data is flushed).
    pub fn down(&self) {
        run("pg_ctl", &["-D", self.data().to_str().unwrap(), "-m", "fast", "-w", "stop"]);
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    pub async fn client(&self) -> tokio_postgres::Client {
        let (client, conn) = tokio_postgres::connect(&self.url(), tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(conn);
        client
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // Immediate: nothing to keep. Errors ignored (it may be down already).
        let mut cmd = if root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(bin("pg_ctl"));
            c
        } else {
            Command::new(bin("pg_ctl"))
        };
        let _ = cmd.args(["-D", self.data().to_str().unwrap(), "-m", "immediate", "-w", "stop"]).output();
    }
}
