//! The audit trail (R5): append-only rows chained by SHA-256, so that any edit, insertion or
//! deletion inside the chain is detected by [`verify`]. Triggers refuse UPDATE and DELETE.

use crate::store::{exec, query_one};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One state change: who, from which device or window, what, on what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub at_ms: i64,
    pub actor: String,
    pub role: String,
    pub device: Option<String>,
    pub window_id: Option<String>,
    pub action: String,
    pub subject: Option<String>,
    /// JSON text.
    pub detail: String,
}

fn row_hash(prev: &str, id: i64, e: &Entry) -> String {
    let mut h = Sha256::new();
    // Length-prefixed fields: no two different rows hash the same input.
    let fields: [&str; 8] = [
        prev,
        &id.to_string(),
        &e.at_ms.to_string(),
        &e.actor,
        &e.role,
        e.device.as_deref().unwrap_or("\u{0}"),
        e.window_id.as_deref().unwrap_or("\u{0}"),
        &e.action,
    ];
    for f in fields.iter().chain([&e.subject.as_deref().unwrap_or("\u{0}"), &e.detail.as_str()]) {
        h.update((f.len() as u64).to_le_bytes());
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

pub fn append(tx: &Transaction, e: &Entry) -> rusqlite::Result<i64> {
    let (last_id, prev): (i64, String) =
        query_one(tx, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or((0, GENESIS.to_string()));
    let id = last_id + 1;
    let hash = row_hash(&prev, id, e);
    exec(
        tx,
        "INSERT INTO audit (id, at, actor, role, device, window_id, action, subject, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![id, e.at_ms, e.actor, e.role, e.device, e.window_id, e.action, e.subject, e.detail, prev, hash],
    )?;
    Ok(id)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub rows: u64,
    /// The hash of the newest row; write it down to detect a truncated tail later.
    pub head: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub id: i64,
    pub problem: String,
}

/// Walks the whole chain.
pub fn verify(conn: &Connection) -> anyhow::Result<Result<Verified, Broken>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, role, device, window_id, action, subject, detail, prev_hash, hash FROM audit ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS.to_string();
    let mut expected_id = 1;
    let mut count = 0;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let e = Entry {
            at_ms: r.get(1)?,
            actor: r.get(2)?,
            role: r.get(3)?,
            device: r.get(4)?,
            window_id: r.get(5)?,
            action: r.get(6)?,
            subject: r.get(7)?,
            detail: r.get(8)?,
        };
        let prev_hash: String = r.get(9)?;
        let hash: String = r.get(10)?;
        let fail = |problem: &str| Ok(Err(Broken { id, problem: problem.to_string() }));
        if id != expected_id {
            return fail(&format!("row {expected_id} is missing"));
        }
        if prev_hash != prev {
            return fail("its previous-hash does not match the row before it");
        }
        if row_hash(&prev, id, &e) != hash {
            return fail("its content does not match its hash (the row was edited)");
        }
        prev = hash;
        expected_id += 1;
        count += 1;
    }
    Ok(Ok(Verified { rows: count, head: prev }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str) -> Entry {
        Entry {
            at_ms: 1_764_000_000_000,
            actor: "clerk1".into(),
            role: "clerk".into(),
            device: None,
            window_id: Some("w01".into()),
            action: action.into(),
            subject: Some("ticket:1".into()),
            detail: "{}".into(),
        }
    }

    fn three_rows() -> (tempfile::TempDir, rusqlite::Connection) {
        let (dir, mut conn) = crate::store::test_db();
        let tx = conn.transaction().unwrap();
        for a in ["call", "start", "finish"] {
            append(&tx, &entry(a)).unwrap();
        }
        tx.commit().unwrap();
        (dir, conn)
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let (_d, conn) = three_rows();
        let v = verify(&conn).unwrap().unwrap();
        assert_eq!(v.rows, 3);
        assert_eq!(v.head.len(), 64);
    }

    #[test]
    fn updates_and_deletes_are_refused() {
        let (_d, conn) = three_rows();
        assert!(conn.execute("UPDATE audit SET actor = 'x' WHERE id = 2", []).is_err());
        assert!(conn.execute("DELETE FROM audit WHERE id = 2", []).is_err());
    }

    /// Tampering with the triggers dropped is found, and the row is named.
    #[test]
    fn tampering_is_detected() {
        let check = |sql: &str, bad_id: i64, needle: &str| {
            let (_d, conn) = three_rows();
            conn.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;").unwrap();
            conn.execute_batch(sql).unwrap();
            let broken = verify(&conn).unwrap().unwrap_err();
            assert_eq!(broken.id, bad_id, "{sql}");
            assert!(broken.problem.contains(needle), "{broken:?}");
        };
        check("UPDATE audit SET actor = 'someone' WHERE id = 2", 2, "edited");
        check("DELETE FROM audit WHERE id = 2", 3, "missing");
        check("UPDATE audit SET prev_hash = hash WHERE id = 3", 3, "previous-hash");
    }
}
