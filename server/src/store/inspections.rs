//! Spot inspections (R18, schema_v12): an inspection with its windows visited, its findings and
//! its photos. Rows are never deleted; a finding is withdrawn once.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// An inspection as stored (without its photos' bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionRow {
    pub id: i64,
    pub day: String,
    pub at_ms: i64,
    pub inspector: String,
    pub note: String,
    pub recorded_at_ms: i64,
    pub windows: Vec<String>,
    pub findings: Vec<FindingRow>,
    pub photos: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingRow {
    pub id: i64,
    pub inspection_id: i64,
    pub window_id: Option<String>,
    pub username: Option<String>,
    pub kind: String,
    pub note: String,
    pub withdrawn_at_ms: Option<i64>,
    pub withdrawn_by: Option<String>,
    pub withdrawn_reason: Option<String>,
}

/// A new inspection's head; answers its id.
pub fn insert(
    tx: &Transaction,
    day: &str,
    at_ms: i64,
    inspector: &str,
    note: &str,
    now_ms: i64,
) -> rusqlite::Result<i64> {
    super::exec(
        tx,
        "INSERT INTO inspections (day, at_ms, inspector, note, recorded_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![day, at_ms, inspector, note, now_ms],
    )?;
    Ok(tx.last_insert_rowid())
}

pub fn add_window(tx: &Transaction, inspection: i64, window: &str) -> rusqlite::Result<()> {
    super::exec(
        tx,
        "INSERT OR IGNORE INTO inspection_windows (inspection_id, window_id) VALUES (?1, ?2)",
        params![inspection, window],
    )?;
    Ok(())
}

pub fn add_finding(
    tx: &Transaction,
    inspection: i64,
    (window, username, held_by): (Option<&str>, Option<&str>, Option<&str>),
    kind: &str,
    note: &str,
) -> rusqlite::Result<i64> {
    super::exec(
        tx,
        "INSERT INTO inspection_findings (inspection_id, window_id, username, kind, note, held_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![inspection, window, username, kind, note, held_by],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Photo `n` (from 1) of an inspection.
pub fn add_photo(
    tx: &Transaction,
    inspection: i64,
    n: u32,
    content_type: &str,
    sha256: &str,
    bytes: &[u8],
) -> rusqlite::Result<()> {
    super::exec(
        tx,
        "INSERT INTO inspection_photos (inspection_id, n, content_type, sha256, bytes) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![inspection, n, content_type, sha256, bytes],
    )?;
    Ok(())
}

const FINDING: &str =
    "id, inspection_id, window_id, username, kind, note, withdrawn_at_ms, withdrawn_by, withdrawn_reason";

fn finding(r: &rusqlite::Row) -> rusqlite::Result<FindingRow> {
    Ok(FindingRow {
        id: r.get(0)?,
        inspection_id: r.get(1)?,
        window_id: r.get(2)?,
        username: r.get(3)?,
        kind: r.get(4)?,
        note: r.get(5)?,
        withdrawn_at_ms: r.get(6)?,
        withdrawn_by: r.get(7)?,
        withdrawn_reason: r.get(8)?,
    })
}

pub fn get_finding(conn: &Connection, id: i64) -> rusqlite::Result<Option<FindingRow>> {
    super::query_one(conn, &format!("SELECT {FINDING} FROM inspection_findings WHERE id = ?1"), [id], finding)
        .optional()
}

pub fn withdraw(tx: &Transaction, id: i64, at_ms: i64, by: &str, reason: &str) -> rusqlite::Result<()> {
    super::exec(
        tx,
        "UPDATE inspection_findings SET withdrawn_at_ms = ?2, withdrawn_by = ?3, withdrawn_reason = ?4 WHERE id = ?1",
        params![id, at_ms, by, reason],
    )?;
    Ok(())
}

const HEAD: &str = "id, day, at_ms, inspector, note, recorded_at_ms, \
     (SELECT COUNT(*) FROM inspection_photos p WHERE p.inspection_id = inspections.id)";

fn head(r: &rusqlite::Row) -> rusqlite::Result<InspectionRow> {
    Ok(InspectionRow {
        id: r.get(0)?,
        day: r.get(1)?,
        at_ms: r.get(2)?,
        inspector: r.get(3)?,
        note: r.get(4)?,
        recorded_at_ms: r.get(5)?,
        photos: r.get(6)?,
        windows: Vec::new(),
        findings: Vec::new(),
    })
}

fn complete(conn: &Connection, mut row: InspectionRow) -> rusqlite::Result<InspectionRow> {
    let mut w =
        conn.prepare_cached("SELECT window_id FROM inspection_windows WHERE inspection_id = ?1 ORDER BY window_id")?;
    row.windows = w.query_map([row.id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut f = conn
        .prepare_cached(&format!("SELECT {FINDING} FROM inspection_findings WHERE inspection_id = ?1 ORDER BY id"))?;
    row.findings = f.query_map([row.id], finding)?.collect::<rusqlite::Result<_>>()?;
    Ok(row)
}

pub fn get(conn: &Connection, id: i64) -> rusqlite::Result<Option<InspectionRow>> {
    let row =
        super::query_one(conn, &format!("SELECT {HEAD} FROM inspections WHERE id = ?1"), [id], head).optional()?;
    row.map(|r| complete(conn, r)).transpose()
}

/// The inspections of local days `from..=to`, latest first.
pub fn between(conn: &Connection, from: &str, to: &str) -> rusqlite::Result<Vec<InspectionRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {HEAD} FROM inspections WHERE day BETWEEN ?1 AND ?2 ORDER BY at_ms DESC, id DESC"
    ))?;
    let heads = stmt.query_map([from, to], head)?.collect::<rusqlite::Result<Vec<_>>>()?;
    heads.into_iter().map(|r| complete(conn, r)).collect()
}

/// Photo `n` of an inspection: its content type and bytes.
pub fn photo(conn: &Connection, inspection: i64, n: u32) -> rusqlite::Result<Option<(String, Vec<u8>)>> {
    super::query_one(
        conn,
        "SELECT content_type, bytes FROM inspection_photos WHERE inspection_id = ?1 AND n = ?2",
        params![inspection, n],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// Findings about `username`, or about a window they held when it was inspected (no clerk
/// named; one recorded before that was kept: about `window`, the one they hold now), on days
/// `from..=to`: `(day, at_ms, finding)`, latest first.
pub fn about(
    conn: &Connection,
    username: &str,
    window: Option<&str>,
    from: &str,
    to: &str,
) -> rusqlite::Result<Vec<(String, i64, FindingRow)>> {
    let cols = FINDING.split(", ").map(|c| format!("f.{c}")).collect::<Vec<_>>().join(", ");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT i.day, i.at_ms, {cols} FROM inspection_findings f JOIN inspections i ON i.id = f.inspection_id \
         WHERE i.day BETWEEN ?3 AND ?4 AND (f.username = ?1 OR (f.username IS NULL \
           AND (f.held_by = ?1 OR (f.held_by IS NULL AND f.window_id = ?2)))) \
         ORDER BY i.at_ms DESC, f.id"
    ))?;
    let rows = stmt.query_map(params![username, window, from, to], |r| {
        let f = FindingRow {
            id: r.get(2)?,
            inspection_id: r.get(3)?,
            window_id: r.get(4)?,
            username: r.get(5)?,
            kind: r.get(6)?,
            note: r.get(7)?,
            withdrawn_at_ms: r.get(8)?,
            withdrawn_by: r.get(9)?,
            withdrawn_reason: r.get(10)?,
        };
        Ok((r.get(0)?, r.get(1)?, f))
    })?;
    rows.collect()
}
