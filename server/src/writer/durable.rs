//! The writer's second stage: it makes committed batches durable, then answers them.
//!
//! The writer commits a batch with `synchronous=NORMAL` (SQLite writes the batch's pages to the
//! write-ahead log but does not wait for the disk) and hands the batch's answers and events
//! here. This stage flushes the log file to the disk (`fdatasync`), and only then, in commit
//! order, publishes the events and sends the answers. So an answer still means "on disk", while
//! the writer already applies the next commands during the flush instead of waiting for it, and
//! every batch committed while a flush was running shares the next one.
//!
//! SQLite itself syncs the log before each checkpoint copies it into the database file, and the
//! database file after (WAL with `NORMAL`), so the database never gets ahead of the log.

use std::fs::File;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::oneshot;

use super::Health;
use crate::error::{ApiError, ApiResult};
use crate::hub::Hub;
use crate::ops::Answer;
use crate::store::events::LiveEvent;

/// One command's outcome, waiting for its batch to be on disk.
pub(super) struct Pending {
    pub reply: oneshot::Sender<ApiResult<Answer>>,
    pub answer: ApiResult<Answer>,
    pub events: Vec<LiveEvent>,
}

/// What makes every commit so far durable.
pub(super) trait Flush: Send {
    fn flush(&mut self) -> io::Result<()>;
}

/// The database's write-ahead log file, synced with `fdatasync`. Opened again when the file
/// was replaced (SQLite deletes it only when the last connection closes).
pub(super) struct WalFile {
    path: PathBuf,
    open: Option<(File, u64)>,
}

impl WalFile {
    pub fn of(database: &std::path::Path) -> WalFile {
        let mut path = database.as_os_str().to_owned();
        path.push("-wal");
        WalFile { path: PathBuf::from(path), open: None }
    }
}

impl Flush for WalFile {
    fn flush(&mut self) -> io::Result<()> {
        let inode = std::fs::metadata(&self.path)?.ino();
        if self.open.as_ref().map(|(_, i)| *i) != Some(inode) {
            self.open = Some((File::open(&self.path)?, inode));
        }
        let (file, _) = self.open.as_ref().expect("opened above");
        file.sync_data()
    }
}

/// Runs until the writer drops its end: flush, then answer, batch after batch in commit order.
pub(super) fn run(
    batches: std::sync::mpsc::Receiver<Vec<Pending>>,
    mut log: Box<dyn Flush>,
    hub: Hub,
    health: Arc<Health>,
) {
    while let Ok(first) = batches.recv() {
        // Every batch already committed is covered by one flush.
        let mut ready = vec![first];
        ready.extend(batches.try_iter());
        let flushed = log.flush();
        let mut failing = health.flush_failing.lock().unwrap_or_else(|e| e.into_inner());
        match &flushed {
            Ok(()) => *failing = None,
            Err(e) => {
                tracing::error!(error = %e, "the write-ahead log could not be flushed to disk; the batch is not acknowledged");
                *failing = Some(format!("the write-ahead log could not be flushed to disk: {e}"));
            }
        }
        drop(failing);
        for pending in ready.into_iter().flatten() {
            match &flushed {
                Ok(()) => {
                    hub.publish(pending.events);
                    let _ = pending.reply.send(pending.answer);
                }
                Err(_) => {
                    let _ = pending.reply.send(Err(ApiError::internal(anyhow::anyhow!("commit not flushed to disk"))));
                }
            }
        }
    }
}
