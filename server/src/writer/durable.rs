//! The writer's second stage: it makes committed batches durable, then answers them.
//!
//! The writer commits a batch with `synchronous=NORMAL` (SQLite writes the batch's pages to the
//! write-ahead log but does not wait for the disk) and hands the batch's answers and events
//! here. This stage flushes the log file to the disk (`fdatasync`), and only then, in commit
//! order, publishes the events and sends the answers. So an answer still means "on disk", while
//! the writer already applies the next commands during the flush instead of waiting for it, and
//! every batch committed while a flush was running shares the next one.
//!
//! [`FLUSHERS`] threads flush, so that a batch committed while a flush runs starts its own at
//! once instead of waiting for the running one to end: the disk takes overlapping syncs of one
//! file (measured on this project's machine: 10,500 syncs/s from two threads, 6,100–8,400 from
//! one, each a little slower). A flush covers every batch committed before it started, so
//! whichever flush ends first answers them all, in commit order.
//!
//! SQLite itself syncs the log before each checkpoint copies it into the database file, and the
//! database file after (WAL with `NORMAL`), so the database never gets ahead of the log.
//!
//! A failed flush ends the writing for good ([`Health::lost`]): nothing more is acknowledged by
//! this process. After a failed `fdatasync` Linux may mark the log's unwritten pages clean, so a
//! later sync that succeeds does not mean they reached the disk; a commit acknowledged after it
//! could sit behind a hole in the log, where SQLite's recovery stops reading. The server exits
//! instead (`lib::serve`), its service manager starts it again, and the new process copies what
//! the log holds into the database file and syncs it before its first command
//! (`store::open_writer`).

use std::collections::VecDeque;
use std::fs::File;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use anyhow::Context;
use tokio::sync::oneshot;

use super::Health;
use crate::error::{ApiError, ApiResult};
use crate::hub::Hub;
use crate::ops::Answer;
use crate::store::events::LiveEvent;

/// Flushes that may run at once.
pub(super) const FLUSHERS: usize = 2;

/// One command's outcome, waiting for its batch to be on disk.
pub(super) struct Pending {
    pub reply: oneshot::Sender<ApiResult<Answer>>,
    pub answer: ApiResult<Answer>,
    pub events: Vec<LiveEvent>,
}

/// What makes every commit so far durable. Each flush thread has its own: a file's write-back
/// error is reported once to each open file, so every thread's next flush sees it.
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

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Batches committed and not yet answered, numbered in commit order.
#[derive(Default)]
struct Queue {
    waiting: VecDeque<(u64, Vec<Pending>)>,
    /// The number of the last batch committed.
    committed: u64,
    /// The last batch a flush (running or done) covers.
    covered: u64,
    /// The writer has ended: flush what is left, then stop.
    closed: bool,
    /// A flush failed: no batch is acknowledged any more.
    lost: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    /// A batch was committed, or the writer ended.
    work: Condvar,
    /// A batch was answered: room for the writer, when it had to wait.
    room: Condvar,
    /// Held while answering, taken before the queue is let go: answers and events leave in
    /// commit order even when two flushes end at once.
    answering: Mutex<()>,
    hub: Hub,
    health: Arc<Health>,
}

/// The writer's end of the stage: it hands each committed batch over; dropping it lets the
/// flush threads end once every batch is answered.
pub(super) struct Stage {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

impl Stage {
    /// A flush thread for each of `logs` ([`FLUSHERS`] of them when serving).
    pub fn start(logs: Vec<Box<dyn Flush>>, hub: Hub, health: Arc<Health>) -> anyhow::Result<Stage> {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            work: Condvar::new(),
            room: Condvar::new(),
            answering: Mutex::new(()),
            hub,
            health,
        });
        let mut stage = Stage { shared: shared.clone(), threads: Vec::new() };
        for (n, log) in logs.into_iter().enumerate() {
            let shared = shared.clone();
            let thread = std::thread::Builder::new()
                .name(format!("hall-flush-{n}"))
                .spawn(move || flush_and_answer(&shared, log))
                .context("cannot start the writer's flush thread")?;
            stage.threads.push(thread);
        }
        Ok(stage)
    }

    /// A committed batch, to be answered once on disk. Waits while `most` batches already wait
    /// (the disk is behind: the writer takes no more commands until it catches up).
    pub fn committed(&self, batch: Vec<Pending>, most: usize) {
        let mut queue = lock(&self.shared.queue);
        while queue.waiting.len() >= most {
            queue = self.shared.room.wait(queue).unwrap_or_else(|e| e.into_inner());
        }
        queue.committed += 1;
        let number = queue.committed;
        queue.waiting.push_back((number, batch));
        drop(queue);
        self.shared.work.notify_one();
    }

    /// Every batch handed over is answered, and the threads have ended, when this returns.
    pub fn finish(mut self) {
        self.close();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }

    /// No more batches: the threads flush and answer what is left, then end.
    fn close(&self) {
        lock(&self.shared.queue).closed = true;
        self.shared.work.notify_all();
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        self.close();
    }
}

/// One flush thread: take every batch committed and not yet covered, flush, answer.
fn flush_and_answer(shared: &Shared, mut log: Box<dyn Flush>) {
    loop {
        let mut queue = lock(&shared.queue);
        while queue.covered == queue.committed && !queue.closed {
            queue = shared.work.wait(queue).unwrap_or_else(|e| e.into_inner());
        }
        if queue.covered == queue.committed {
            return; // closed, and every batch covered by a flush
        }
        let upto = queue.committed;
        queue.covered = upto;
        drop(queue);

        let flushed = log.flush();

        // The batches this flush covers that no other flush has answered yet.
        let mut queue = lock(&shared.queue);
        if let Err(e) = &flushed {
            if !queue.lost {
                queue.lost = true;
                tracing::error!(error = %e, "the write-ahead log could not be flushed to disk: nothing more is acknowledged; the server stops so that it is started again");
                let disk_failed = e.kind() != io::ErrorKind::NotFound;
                shared.health.lose(
                    format!("the write-ahead log could not be flushed to disk ({e}); writes stopped until the server is started again"),
                    disk_failed,
                );
            }
        }
        let acknowledged = !queue.lost;
        let mut ready = Vec::new();
        while queue.waiting.front().is_some_and(|(number, _)| *number <= upto) {
            ready.extend(queue.waiting.pop_front().map(|(_, batch)| batch));
        }
        let answering = lock(&shared.answering);
        drop(queue);
        shared.room.notify_all();
        for pending in ready.into_iter().flatten() {
            if acknowledged {
                shared.hub.publish(pending.events);
                let _ = pending.reply.send(pending.answer);
            } else {
                let _ = pending.reply.send(Err(ApiError::internal(anyhow::anyhow!("commit not flushed to disk"))));
            }
        }
        drop(answering);
    }
}
