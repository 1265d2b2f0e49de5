//! `kiosk_state`: each kiosk's last printer report (its open fault, if any).

use rusqlite::{params, Connection, Row, Transaction};

use crate::domain::KioskFaultKind;
use crate::store::exec;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskRow {
    pub kiosk_id: String,
    /// The open fault; `None` after `recovered`.
    pub fault: Option<KioskFaultKind>,
    pub message: String,
    pub ticket_number: Option<String>,
    pub at_ms: i64,
}

fn from_row(r: &Row) -> rusqlite::Result<KioskRow> {
    let fault: Option<String> = r.get(1)?;
    let fault = match fault {
        Some(f) => Some(
            KioskFaultKind::parse(&f)
                .ok_or_else(|| rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, f.into()))?,
        ),
        None => None,
    };
    Ok(KioskRow { kiosk_id: r.get(0)?, fault, message: r.get(2)?, ticket_number: r.get(3)?, at_ms: r.get(4)? })
}

/// Keeps a kiosk's newest report, replacing the one before.
pub fn set(tx: &Transaction, row: &KioskRow) -> rusqlite::Result<()> {
    exec(
        tx,
        "INSERT INTO kiosk_state (kiosk_id, fault, message, ticket_number, at_ms) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (kiosk_id) DO UPDATE SET fault = excluded.fault, message = excluded.message,
             ticket_number = excluded.ticket_number, at_ms = excluded.at_ms",
        params![row.kiosk_id, row.fault.map(|f| f.as_str()), row.message, row.ticket_number, row.at_ms],
    )?;
    Ok(())
}

/// Every kiosk that ever reported.
pub fn all(conn: &Connection) -> rusqlite::Result<Vec<KioskRow>> {
    let mut stmt = conn
        .prepare_cached("SELECT kiosk_id, fault, message, ticket_number, at_ms FROM kiosk_state ORDER BY kiosk_id")?;
    let rows = stmt.query_map([], from_row)?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_report_replaces_the_last() {
        let (_dir, mut conn) = crate::store::test_db();
        let tx = conn.transaction().unwrap();
        let paper = KioskRow {
            kiosk_id: "k1".into(),
            fault: Some(KioskFaultKind::PaperOut),
            message: "缺纸".into(),
            ticket_number: Some("A001".into()),
            at_ms: 1,
        };
        set(&tx, &paper).unwrap();
        assert_eq!(all(&tx).unwrap(), vec![paper.clone()]);
        let ok = KioskRow { fault: None, message: String::new(), ticket_number: None, at_ms: 2, ..paper };
        set(&tx, &ok).unwrap();
        assert_eq!(all(&tx).unwrap(), vec![ok]);
    }
}
