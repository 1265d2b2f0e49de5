//! Anchors of the audit trail kept outside the database: the chain's head (row id and hash)
//! signed with the server's key, appended to a file beside the database (`<db>.anchors`) and to
//! the log. Someone holding only the database file can delete the newest rows or edit a row and
//! re-hash everything after it — the chain alone cannot tell — but not make the anchors agree:
//! `verify-audit` checks the chain against them.

use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension};

use crate::secret::ServerKey;

/// One signed head: the chain had row `id` with hash `hash` at `at` (local RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub at: String,
    pub id: i64,
    pub hash: String,
    pub mac: String,
}

impl Anchor {
    pub fn sign(key: &ServerKey, at: String, id: i64, hash: String) -> Anchor {
        let mac = key.mac(&[b"audit-anchor", id.to_string().as_bytes(), hash.as_bytes()]);
        Anchor { at, id, hash, mac }
    }

    pub fn genuine(&self, key: &ServerKey) -> bool {
        key.mac(&[b"audit-anchor", self.id.to_string().as_bytes(), self.hash.as_bytes()]) == self.mac
    }

    /// `audit-anchor <at> row=<id> head=<hash> mac=<mac>`: one line, also the log's text.
    pub fn line(&self) -> String {
        format!("audit-anchor {} row={} head={} mac={}", self.at, self.id, self.hash, self.mac)
    }

    pub fn parse(line: &str) -> Option<Anchor> {
        let mut parts = line.split_whitespace();
        (parts.next()? == "audit-anchor").then_some(())?;
        let at = parts.next()?.to_string();
        let id = parts.next()?.strip_prefix("row=")?.parse().ok()?;
        let hash = parts.next()?.strip_prefix("head=")?.to_string();
        let mac = parts.next()?.strip_prefix("mac=")?.to_string();
        Some(Anchor { at, id, hash, mac })
    }
}

/// The default anchors file: `<database>.anchors`.
pub fn path_for(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push(".anchors");
    PathBuf::from(name)
}

/// The chain's newest row: `(id, hash)`.
pub fn head(conn: &Connection) -> rusqlite::Result<Option<(i64, String)>> {
    conn.query_row("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?))).optional()
}

/// Appends an anchor to the file (fsynced) and the log.
pub fn record(path: &Path, anchor: &Anchor) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    writeln!(file, "{}", anchor.line())?;
    file.sync_data()?;
    tracing::info!(row = anchor.id, head = %anchor.hash, mac = %anchor.mac, "{}", anchor.line());
    Ok(())
}

/// Every anchor in a file (lines that are not anchors are skipped).
pub fn read(path: &Path) -> std::io::Result<Vec<Anchor>> {
    Ok(std::fs::read_to_string(path)?.lines().filter_map(Anchor::parse).collect())
}

/// What the chain in `conn` says against the anchors: the problems found (none = agrees).
/// With `key`, an anchor that was not signed by it is itself a problem.
pub fn check(conn: &Connection, anchors: &[Anchor], key: Option<&ServerKey>) -> anyhow::Result<Vec<String>> {
    let mut problems = Vec::new();
    let last = head(conn)?.map(|(id, _)| id).unwrap_or(0);
    for a in anchors {
        if key.is_some_and(|k| !a.genuine(k)) {
            problems.push(format!("the anchor of row {} ({}) is not signed by this server's key", a.id, a.at));
            continue;
        }
        let hash: Option<String> =
            conn.query_row("SELECT hash FROM audit WHERE id = ?1", [a.id], |r| r.get(0)).optional()?;
        match hash {
            None => problems.push(format!(
                "the chain was cut short: row {} was anchored at {} but the chain ends at row {last}",
                a.id, a.at
            )),
            Some(h) if h != a.hash => problems.push(format!(
                "row {} does not have the hash anchored at {}: the chain up to it was edited and re-hashed",
                a.id, a.at
            )),
            Some(_) => {}
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::audit;

    fn entry(action: &str) -> audit::Entry {
        audit::Entry {
            at_ms: 1_764_000_000_000,
            actor: "clerk1".into(),
            role: "clerk".into(),
            device: None,
            window_id: None,
            action: action.into(),
            subject: None,
            detail: "{}".into(),
        }
    }

    #[test]
    fn a_truncated_or_rehashed_chain_disagrees_with_its_anchors() {
        let key = ServerKey::from_bytes([7; 32]);
        let check_after = |tamper: &str, needle: &str| {
            let (_d, mut conn) = crate::store::test_db();
            let tx = conn.transaction().unwrap();
            for a in ["a", "b", "c"] {
                audit::append(&tx, &entry(a)).unwrap();
            }
            tx.commit().unwrap();
            let (id, hash) = head(&conn).unwrap().unwrap();
            let anchor = Anchor::sign(&key, "2026-12-03T17:00:00+08:00".into(), id, hash);
            assert_eq!(Anchor::parse(&anchor.line()), Some(anchor.clone()));
            assert_eq!(check(&conn, std::slice::from_ref(&anchor), Some(&key)).unwrap(), Vec::<String>::new());
            conn.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;").unwrap();
            conn.execute_batch(tamper).unwrap();
            let problems = check(&conn, &[anchor], Some(&key)).unwrap();
            assert!(problems.iter().any(|p| p.contains(needle)), "{tamper}: {problems:?}");
        };
        check_after("DELETE FROM audit WHERE id = 3", "cut short");
        // An edit re-hashed to the end passes the chain's own check, but not the anchor.
        check_after("UPDATE audit SET hash = 'f' || substr(hash, 2) WHERE id = 3", "re-hashed");
        // A forged anchor without the key.
        let forged = Anchor { mac: "00".repeat(32), ..Anchor::sign(&key, "x".into(), 1, "h".into()) };
        assert!(!forged.genuine(&key));
    }
}
