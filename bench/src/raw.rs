//! The physical limit: SQLite's durable single-row commit on this disk (WAL,
//! `synchronous=FULL`, one insert per transaction), measured in the same run.

use std::path::Path;
use std::time::Instant;

use crate::stats::Samples;

pub struct Raw {
    pub per_second: f64,
    pub latency: Samples,
}

pub fn durable_commits(dir: &Path, n: usize) -> anyhow::Result<Raw> {
    let conn = rusqlite::Connection::open(dir.join("raw.db"))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.execute_batch("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")?;
    let mut latency = Samples::default();
    let start = Instant::now();
    for i in 0..n {
        let t = Instant::now();
        conn.execute("INSERT INTO t (payload) VALUES (?1)", [format!("ticket {i}")])?;
        latency.push(t.elapsed());
    }
    let per_second = n as f64 / start.elapsed().as_secs_f64();
    Ok(Raw { per_second, latency })
}
