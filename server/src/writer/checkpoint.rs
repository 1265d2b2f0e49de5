//! The writer's checkpoints, beside it: the write-ahead log is copied into the database file by
//! a thread of its own, so that no commit waits for a checkpoint.
//!
//! SQLite checkpoints in the committing connection: every few thousand log pages one commit
//! waited for the copy of every page changed since the last checkpoint and two syncs — the
//! slowest answers of a busy morning. Here the writer signals every [`COMMITS`] commits and this
//! thread runs a passive checkpoint on its own connection: it copies what is committed without
//! blocking the writer (WAL allows one writer and a checkpointer at once), syncing the log before
//! the copy and the database file after it, so the database never gets ahead of the log. The log
//! restarts from its beginning at the writer's next commit after a checkpoint that copied all of
//! it. The writer keeps SQLite's own checkpoint further out ([`FALLBACK_PAGES`]) for a log this
//! thread could not keep short: under commits that never pause a passive checkpoint never
//! catches up, and only a finished one lets the log restart.

use std::path::Path;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;

use anyhow::Context;
use rusqlite::Connection;

/// Commits between two checkpoints: about 1,500 to 4,000 log pages (a commit writes 6 to 16).
pub(super) const COMMITS: u64 = 256;

/// Log pages after which the writer checkpoints itself, when this thread has fallen behind.
pub(super) const FALLBACK_PAGES: i64 = 20_000;

pub(super) struct Checkpointer {
    signal: Option<SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
    commits: u64,
}

impl Checkpointer {
    /// Opens its own connection to the database at `path` and starts the thread.
    pub fn start(path: &Path, health: std::sync::Arc<super::Health>) -> anyhow::Result<Checkpointer> {
        let conn = Connection::open(path).with_context(|| format!("cannot open {} to checkpoint", path.display()))?;
        // Syncs the log before copying it and the database file after (the default, FULL).
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let (signal, wake) = sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("hall-checkpoint".into())
            .spawn(move || {
                let disk_failed = || health.disk_failed.load(std::sync::atomic::Ordering::SeqCst);
                while wake.recv().is_ok() {
                    if disk_failed() {
                        break; // the log's pages may not be on disk: not copied from here
                    }
                    if let Err(e) = checkpoint(&conn) {
                        tracing::warn!(error = %e, "copying the write-ahead log into the database failed; tried again later");
                    }
                }
                if disk_failed() {
                    let no_checkpoint = rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE;
                    if conn.set_db_config(no_checkpoint, true).is_err() {
                        std::mem::forget(conn);
                    }
                }
            })
            .context("cannot start the checkpoint thread")?;
        Ok(Checkpointer { signal: Some(signal), thread: Some(thread), commits: 0 })
    }

    /// A commit was written: every [`COMMITS`], a checkpoint is asked for (at most one waits).
    pub fn committed(&mut self) {
        self.commits += 1;
        if self.commits.is_multiple_of(COMMITS) {
            if let Some(signal) = &self.signal {
                let _ = signal.try_send(());
            }
        }
    }

    /// Ends the thread once its checkpoint in progress is done: nothing writes the database
    /// file after this returns.
    pub fn stop(mut self) {
        self.signal = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One passive checkpoint: `(log pages, pages copied)`.
pub(super) fn checkpoint(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| Ok((r.get(1)?, r.get(2)?)))
}

#[cfg(test)]
mod tests {
    /// The thread copies the log into the database file while the writer's connection stays
    /// open: after it, the database file alone holds every commit.
    #[test]
    fn the_log_is_copied_beside_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let writer = rusqlite::Connection::open(&path).unwrap();
        writer.pragma_update(None, "journal_mode", "WAL").unwrap();
        writer.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        writer.execute_batch("CREATE TABLE t (n INTEGER)").unwrap();
        let mut checkpointer = super::Checkpointer::start(&path, Default::default()).unwrap();
        for n in 0..super::COMMITS {
            writer.execute("INSERT INTO t VALUES (?1)", [n as i64]).unwrap();
            checkpointer.committed();
        }
        let before = std::fs::metadata(&path).unwrap().len();
        assert!(before <= 4096, "nothing but the header in the database file yet: {before} bytes");
        // The checkpoint asked for at the last commit runs before the thread ends.
        checkpointer.stop();
        let after = std::fs::metadata(&path).unwrap().len();
        assert!(after > 4096, "the table's pages are in the database file: {after} bytes");
        // The database file alone, without its log, holds every commit.
        let alone = dir.path().join("alone.db");
        std::fs::copy(&path, &alone).unwrap();
        let rows: i64 =
            rusqlite::Connection::open(&alone).unwrap().query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(rows as u64, super::COMMITS);
    }
}
