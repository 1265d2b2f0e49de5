//! The working-day calendar's years in the database: the shipped years put in at start, the
//! years an administrator adds, and the calendar built from them.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::calendar_data::{self, CalendarError};
use crate::domain::calendar::Calendar;

/// Puts in every shipped year the database does not have yet (a year added by the admin is
/// never overwritten).
pub fn ensure_shipped(conn: &Connection, now_ms: i64) -> rusqlite::Result<()> {
    let mut insert = conn.prepare(
        "INSERT INTO calendar_years (year, toml, added_at, added_by) VALUES (?1, ?2, ?3, 'shipped')
         ON CONFLICT (year) DO NOTHING",
    )?;
    for (schedule, (_, text)) in calendar_data::shipped_years().into_iter().zip(calendar_data::SHIPPED) {
        insert.execute(params![schedule.year, text, now_ms])?;
    }
    Ok(())
}

/// The calendar of every year in the database.
pub fn load(conn: &Connection) -> anyhow::Result<Calendar> {
    let mut stmt = conn.prepare("SELECT year, toml FROM calendar_years ORDER BY year")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i32>(0)?, r.get::<_, String>(1)?)))?;
    let mut years = Vec::new();
    for row in rows {
        let (year, text) = row?;
        let schedule = calendar_data::parse_year(&text)
            .map_err(|e: CalendarError| anyhow::anyhow!("the calendar of {year} in the database is invalid: {e}"))?;
        years.push(schedule);
    }
    Ok(Calendar::new(years)?)
}

pub fn exists(conn: &Connection, year: i32) -> rusqlite::Result<bool> {
    conn.query_row("SELECT 1 FROM calendar_years WHERE year = ?1", [year], |_| Ok(())).optional().map(|r| r.is_some())
}

pub fn add(tx: &Transaction, year: i32, text: &str, now_ms: i64, by: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO calendar_years (year, toml, added_at, added_by) VALUES (?1, ?2, ?3, ?4)",
        params![year, text, now_ms, by],
    )?;
    Ok(())
}
