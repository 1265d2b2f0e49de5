//! The working-day calendar's years in the database: the shipped years put in at start, the
//! years an administrator adds, and the calendar built from them.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::calendar_data::{self, CalendarError};
use crate::domain::calendar::Calendar;

/// A shipped year's file: its name and text (`calendar_data::SHIPPED`).
pub type Shipped = (&'static str, &'static str);

/// A new database gets every shipped year at once: nothing in it waits for a year yet. Answers
/// whether it was new (no year at all).
pub fn ship_into_new(conn: &Connection, shipped: &[Shipped], now_ms: i64) -> rusqlite::Result<bool> {
    let any: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM calendar_years)", [], |r| r.get(0))?;
    if any {
        return Ok(false);
    }
    let mut insert =
        conn.prepare("INSERT INTO calendar_years (year, toml, added_at, added_by) VALUES (?1, ?2, ?3, 'shipped')")?;
    for (schedule, (_, text)) in calendar_data::shipped_in(shipped).into_iter().zip(shipped) {
        insert.execute(params![schedule.year, text, now_ms])?;
    }
    Ok(true)
}

/// The shipped years a database in use does not have (a release brought them): each is added
/// as an administrator's would be, settling what waited for it (a year the admin added is never
/// overwritten).
pub fn shipped_missing(
    conn: &Connection,
    shipped: &[Shipped],
) -> rusqlite::Result<Vec<(crate::domain::calendar::YearSchedule, &'static str)>> {
    let mut out = Vec::new();
    for (schedule, (_, text)) in calendar_data::shipped_in(shipped).into_iter().zip(shipped) {
        if !exists(conn, schedule.year)? {
            out.push((schedule, *text));
        }
    }
    Ok(out)
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
