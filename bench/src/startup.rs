//! A year of history: tickets and calls of ~250 working days written straight into a fresh
//! database, to measure how long the server takes to start on it.

use std::path::Path;

use rusqlite::params;

/// Writes `tickets` finished tickets spread over 250 past working days (and one call each).
pub fn year_db(path: &Path, tickets: usize) -> anyhow::Result<()> {
    let mut conn = hall_server::store::open_writer(path)?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    let per_day = tickets.div_ceil(250).max(1);
    let tx = conn.transaction()?;
    {
        let mut t = tx.prepare(
            "INSERT INTO tickets (id, day, queue, seq, number, service_id, prio_rank, status, issued_at, queued_at,
                                  called_at, started_at, finished_at, window_id, first_window_id, outcome, device)
             VALUES (?1, ?2, 'minzheng', ?3, ?4, 'mz-dibao', 1, 'done', ?5, ?5, ?6, ?6, ?7, 'w02', 'w02', 'immediate', 'kiosk-lobby-1')",
        )?;
        let mut c =
            tx.prepare("INSERT INTO calls (day, ticket_id, window_id, at, recall) VALUES (?1, ?2, 'w02', ?3, 0)")?;
        let day0 = chrono::NaiveDate::from_ymd_opt(2025, 11, 1).expect("date");
        let base_ms: i64 = 1_761_958_800_000; // 2025-11-01 09:00 +08:00
        for i in 0..tickets {
            let d = (i / per_day) as i64;
            let seq = (i % per_day) as i64 + 1;
            let day = (day0 + chrono::Duration::days(d * 365 / 250)).to_string();
            let issued = base_ms + d * 86_400_000 * 365 / 250 + seq * 2_000;
            let id = i as i64 + 1;
            t.execute(params![id, day, seq, format!("B{seq:03}"), issued, issued + 600_000, issued + 1_200_000])?;
            c.execute(params![day, id, issued + 600_000])?;
        }
    }
    tx.commit()?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
    Ok(())
}
