//! SQLite storage: opening and migrating the database, the read-only connection pool, and
//! the tables' own small modules. Write functions take a `&Transaction` of the writer.

pub mod anchors;
pub mod assessment;
pub mod attendance;
pub mod audit;
pub mod booking;
pub mod calendar;
pub mod case_views;
pub mod cases;
pub mod complaints;
pub mod events;
pub mod idempotency;
pub mod inspections;
pub mod issuing;
pub mod kiosks;
pub mod leave;
pub mod petitions;
pub mod ratings;
pub mod read_pool;
pub mod reads;
pub mod relay;
pub mod reports;
pub mod settings;
pub mod tickets;
pub mod today;
pub mod village;
pub mod windows;

pub use read_pool::ReadPool;

use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{Migrations, M};

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("schema_v1.sql")),
        M::up(include_str!("schema_v2.sql")),
        M::up(include_str!("schema_v3.sql")),
        M::up(include_str!("schema_v4.sql")),
        M::up(include_str!("schema_v5.sql")),
        M::up(include_str!("schema_v6.sql")),
        M::up(include_str!("schema_v7.sql")),
        M::up(include_str!("schema_v8.sql")),
        M::up(include_str!("schema_v9.sql")),
        M::up(include_str!("schema_v10.sql")),
        M::up(include_str!("schema_v11.sql")),
        M::up(include_str!("schema_v12.sql")),
        M::up(include_str!("schema_v13.sql")),
        M::up(include_str!("schema_v14.sql")),
        M::up(include_str!("schema_v15.sql")),
        M::up(include_str!("schema_v16.sql")),
        M::up(include_str!("schema_v17.sql")),
        M::up(include_str!("schema_v18.sql")),
        M::up(include_str!("schema_v19.sql")),
        M::up(include_str!("schema_v20.sql")),
        M::up(include_str!("schema_v21.sql")),
        M::up(include_str!("schema_v22.sql")),
        M::up(include_str!("schema_v23.sql")),
        M::up(include_str!("schema_v24.sql")),
        M::up(include_str!("schema_v25.sql")),
        M::up(include_str!("schema_v26.sql")),
        M::up(include_str!("schema_v27.sql")),
        M::up(include_str!("schema_v28.sql")),
        M::up(include_str!("schema_v29.sql")),
        M::up(include_str!("schema_v30.sql")),
        M::up(include_str!("schema_v31.sql")),
        M::up(include_str!("schema_v32.sql")),
        M::up(include_str!("schema_v33.sql")),
        M::up(include_str!("schema_v34.sql")),
        M::up(include_str!("schema_v35.sql")),
        M::up(include_str!("schema_v36.sql")),
        M::up(include_str!("schema_v37.sql")),
        M::up(include_str!("schema_v38.sql")),
        M::up(include_str!("schema_v39.sql")),
        M::up(include_str!("schema_v40.sql")),
        M::up(include_str!("schema_v41.sql")),
        M::up(include_str!("schema_v42.sql")),
        M::up(include_str!("schema_v43.sql")),
        M::up(include_str!("schema_v44.sql")),
    ])
}

/// The day-numbered series (案件, 投诉, 信访, 代办 numbers: `<day>-<seq>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbered {
    Cases,
    Complaints,
    Petitions,
    VillageRequests,
}

impl Numbered {
    pub const ALL: [Numbered; 4] =
        [Numbered::Cases, Numbered::Complaints, Numbered::Petitions, Numbered::VillageRequests];

    /// Its table, and the name its carried-forward floor has in `day_counts`.
    pub fn table(self) -> &'static str {
        match self {
            Numbered::Cases => "cases",
            Numbered::Complaints => "complaints",
            Numbered::Petitions => "petitions",
            Numbered::VillageRequests => "village_requests",
        }
    }
}

/// The next number of a day's series: after the day's last one, and after any a restore carried
/// forward from the database it replaced (`day_counts` kind 'numbered': numbers printed on
/// notices citizens hold are never given twice).
pub fn next_of_day(conn: &Connection, series: Numbered, day: &str) -> rusqlite::Result<u32> {
    let sql = match series {
        Numbered::Cases => NEXT_CASE,
        Numbered::Complaints => NEXT_COMPLAINT,
        Numbered::Petitions => NEXT_PETITION,
        Numbered::VillageRequests => NEXT_VILLAGE_REQUEST,
    };
    conn.prepare_cached(sql)?.query_row([day], |r| r.get(0))
}

macro_rules! next_of_day_sql {
    ($table:literal) => {
        concat!(
            "SELECT MAX(COALESCE((SELECT MAX(seq) FROM ",
            $table,
            " WHERE day = ?1), 0), COALESCE((SELECT n FROM day_counts WHERE day = ?1 AND kind = 'numbered' AND name = '",
            $table,
            "' AND class = 0), 0)) + 1"
        )
    };
}
const NEXT_CASE: &str = next_of_day_sql!("cases");
const NEXT_COMPLAINT: &str = next_of_day_sql!("complaints");
const NEXT_PETITION: &str = next_of_day_sql!("petitions");
const NEXT_VILLAGE_REQUEST: &str = next_of_day_sql!("village_requests");

/// The schema version this server migrates to (SQLite's `user_version` after the migrations).
pub fn schema_version() -> i64 {
    let mut conn = Connection::open_in_memory().expect("an in-memory database opens");
    migrations().to_latest(&mut conn).expect("the migrations apply to an empty database");
    conn.pragma_query_value(None, "user_version", |r| r.get(0)).expect("user_version is readable")
}

/// Brings a database to an earlier schema `version` exactly as that version's server made it
/// (the upgrade tests build every earlier version this way, then let the server migrate it).
pub fn migrate_to_version(conn: &mut Connection, version: usize) -> anyhow::Result<()> {
    migrations().to_version(conn, version).with_context(|| format!("cannot migrate to schema version {version}"))
}

/// Opens the writer's connection: WAL, `synchronous=FULL` (a commit is on disk before we
/// answer), migrations applied.
pub fn open_writer(path: &Path) -> anyhow::Result<Connection> {
    let mut conn = Connection::open(path).with_context(|| format!("cannot open database {}", path.display()))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Deleted rows are overwritten, not left in the pages' free space: citizens' data deleted
    // after `keep_days` must be gone from the file (个人信息保护法). Only the writer deletes.
    conn.pragma_update(None, "secure_delete", "ON")?;
    // Savepoints' statement journals and sorts stay in memory: on disk each was a temporary file
    // created, written and deleted inside the writer's commit (measured: syscalls on every batch).
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // SQLite's default 2 MiB of pages. 32 MiB issued no faster (wrk -c1 and -c8, interleaved:
    // within noise) and held the day's pages: the server's memory after a 20,000-ticket day
    // went from 54 to 87 MB (hall-bench's goal: 60).
    conn.pragma_update(None, "cache_size", -2 * 1024)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // One plan per statement whatever its bound values: without it, a value compared with a
    // partial index's condition (a queue, a class) made SQLite parse and plan the statement again
    // each time the value changed — a fifth of the writer's time issuing tickets to three queues
    // in turn (measured; `writer::tests::issuing_to_queue_after_queue_keeps_every_statement_prepared`).
    // The writer's statements name the partial indexes' conditions as literals.
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    empty_the_log(&conn)?;
    migrations().to_latest(&mut conn).with_context(|| format!("cannot migrate database {}", path.display()))?;
    Ok(conn)
}

/// Copies what an earlier process left in the write-ahead log (it did not close: killed, or
/// stopped after a failed flush, `writer/durable.rs`) into the database file, syncs that file and
/// empties the log, before the first command. After a failed flush the log may hold pages the
/// disk never got (the kernel keeps them in memory): written into the database file and synced
/// they are on disk, and this process's commits start a new log instead of following one with
/// a hole, where SQLite's recovery after a power cut would stop reading.
fn empty_the_log(conn: &Connection) -> anyhow::Result<()> {
    let (busy, log, copied): (i64, i64, i64) =
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    if busy != 0 {
        // Another process (a backup) reads an older state: what it left stays in the log.
        tracing::warn!(
            log,
            copied,
            "the write-ahead log could not be emptied at start: another process reads the database"
        );
    }
    Ok(())
}

/// The connection's journal mode and `synchronous` level (2 = FULL).
pub fn durability(conn: &Connection) -> rusqlite::Result<(String, i64)> {
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
    let sync: i64 = conn.pragma_query_value(None, "synchronous", |r| r.get(0))?;
    Ok((mode.to_ascii_lowercase(), sync))
}

/// Refuses a connection that could acknowledge a write before it is on disk: the writer must
/// run in WAL mode with `synchronous=FULL` (every commit fsynced before it is answered).
pub fn ensure_durable(conn: &Connection) -> anyhow::Result<()> {
    let (mode, sync) = durability(conn)?;
    anyhow::ensure!(
        mode == "wal" && sync == 2,
        "the database connection is not durable (journal_mode={mode}, synchronous={sync}; WAL and FULL=2 are required)"
    );
    Ok(())
}

pub(crate) fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // 16 MiB of pages per reader (the default is 2 MiB): the running cases of a hall that has
    // kept years of closed ones sit on scattered pages, read again by every list and panel.
    conn.pragma_update(None, "cache_size", -16 * 1024)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

/// Every statement of the hot paths stays prepared (the default of 16 made them thrash).
const STATEMENT_CACHE: usize = 256;

/// Runs a cached prepared statement.
pub(crate) fn exec(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

/// Reads one row with a cached prepared statement.
pub(crate) fn query_one<T>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached(sql)?.query_row(params, f)
}

pub fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// The hall's local day of a stored instant (a case's close, a file's archive).
pub fn local_day(ms: i64, tz: chrono_tz::Tz) -> chrono::NaiveDate {
    crate::domain::numbering::local_day(from_ms(ms), tz)
}

/// The local day `day` in `tz` as milliseconds: from its midnight to the next one.
pub fn local_day_ms(day: chrono::NaiveDate, tz: chrono_tz::Tz) -> (i64, i64) {
    let midnight = |d: chrono::NaiveDate| {
        let local = d.and_hms_opt(0, 0, 0).expect("midnight");
        chrono::TimeZone::from_local_datetime(&tz, &local).earliest().map_or(0, |t| t.timestamp_millis())
    };
    (midnight(day), midnight(day.succ_opt().unwrap_or(day)))
}

#[cfg(test)]
pub(crate) fn test_db() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let conn = open_writer(&dir.path().join("t.db")).unwrap();
    (dir, conn)
}

/// The prepared statements of a connection that SQLite had to prepare again since they were
/// first prepared, with how many times: a statement whose plan depends on a bound value (a
/// parameter compared with a partial index's condition) is re-parsed and re-planned every time
/// that value changes, which costs more than running it.
#[cfg(test)]
pub(crate) fn reprepared(conn: &Connection) -> Vec<(String, i32)> {
    use rusqlite::ffi;
    let mut found = Vec::new();
    // SAFETY: the connection outlives the loop, and only the statements' own status and text
    // are read (no statement is stepped, finalized or kept).
    unsafe {
        let db = conn.handle();
        let mut stmt = ffi::sqlite3_next_stmt(db, std::ptr::null_mut());
        while !stmt.is_null() {
            let n = ffi::sqlite3_stmt_status(stmt, ffi::SQLITE_STMTSTATUS_REPREPARE, 0);
            if n > 0 {
                let sql = std::ffi::CStr::from_ptr(ffi::sqlite3_sql(stmt)).to_string_lossy();
                found.push((sql.split_whitespace().collect::<Vec<_>>().join(" "), n));
            }
            stmt = ffi::sqlite3_next_stmt(db, stmt);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    /// A process that ended without closing left commits in the log: the next writer copies them
    /// into the database file and starts from an empty log.
    #[test]
    fn the_writer_starts_from_an_empty_log_with_what_the_last_one_left_in_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let log = dir.path().join("t.db-wal");
        let conn = super::open_writer(&path).unwrap();
        conn.execute_batch("CREATE TABLE left_behind (x); INSERT INTO left_behind VALUES (7);").unwrap();
        std::mem::forget(conn); // never closed, as a killed process's
        assert!(std::fs::metadata(&log).unwrap().len() > 0);
        let conn = super::open_writer(&path).unwrap();
        assert_eq!(std::fs::metadata(&log).unwrap().len(), 0, "the log was not emptied at start");
        let x: i64 = conn.query_row("SELECT x FROM left_behind", [], |r| r.get(0)).unwrap();
        assert_eq!(x, 7);
    }

    #[test]
    fn migrations_are_valid() {
        super::migrations().validate().unwrap();
    }

    #[test]
    fn the_writer_connection_is_durable_and_a_weaker_one_is_refused() {
        let (_dir, conn) = super::test_db();
        assert_eq!(super::durability(&conn).unwrap(), ("wal".to_string(), 2));
        super::ensure_durable(&conn).unwrap();
        conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
        let e = super::ensure_durable(&conn).unwrap_err().to_string();
        assert!(e.contains("synchronous=1"), "{e}");
    }
}
