//! Read-only connections for the handlers' reads, run in blocking tasks beside the writer.
//!
//! The pool is bounded: at most [`READERS`] reads run at once and as many connections are
//! kept. A crowd arriving together (500 phones and displays reconnecting after a restart, each
//! stream reading its catch-up) waits its turn for a connection instead of starting a thread
//! and opening a connection each: 2,000 streams opened at once had started 230 threads and
//! connections, whose memory the server kept after the streams closed.
//!
//! Reads that go over a range of days (a report, its charts, the month's assessment, a
//! period's ratings or attendance: seconds on a year) run in a lane of their own, [`LONG_READERS`]
//! at a time, beside the short ones: a director opening a year's report with its five charts
//! does not hold up the session lookup of every clerk's call-next.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;
use tokio::sync::Semaphore;

/// Short reads running at once, and connections kept open between reads.
pub const READERS: usize = 8;

/// Long reads (over a range of days) running at once, beside the short ones.
pub const LONG_READERS: usize = 2;

pub struct ReadPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    turns: Arc<Semaphore>,
    long_turns: Arc<Semaphore>,
}

impl ReadPool {
    pub fn new(path: &Path) -> Self {
        ReadPool {
            path: path.to_path_buf(),
            idle: Mutex::new(Vec::new()),
            turns: Arc::new(Semaphore::new(READERS)),
            long_turns: Arc::new(Semaphore::new(LONG_READERS)),
        }
    }

    /// Runs `f` on a read connection in a blocking task, once one of the [`READERS`] turns is
    /// free. The turn is held by the blocking task itself, so a caller that gives up (a client
    /// gone) does not let another read start beside one still running.
    pub async fn run<T, F>(self: &Arc<Self>, f: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> anyhow::Result<T> + Send + 'static,
    {
        self.run_in(&self.turns, f).await
    }

    /// [`run`](Self::run) for a read over a range of days, in the long reads' own lane.
    pub async fn run_long<T, F>(self: &Arc<Self>, f: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> anyhow::Result<T> + Send + 'static,
    {
        self.run_in(&self.long_turns, f).await
    }

    async fn run_in<T, F>(self: &Arc<Self>, lane: &Arc<Semaphore>, f: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> anyhow::Result<T> + Send + 'static,
    {
        let turn = Arc::clone(lane).acquire_owned().await?;
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let out = pool.with(f);
            drop(turn);
            out
        })
        .await?
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> anyhow::Result<T>) -> anyhow::Result<T> {
        let conn = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match conn {
            Some(c) => c,
            None => super::open_reader(&self.path)?,
        };
        let out = f(&conn);
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < READERS {
            idle.push(conn);
        }
        out
    }

    /// Connections kept open between reads.
    pub fn idle(&self) -> usize {
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::{ReadPool, LONG_READERS, READERS};

    /// 200 reads at once, each holding its connection a moment: never more than `READERS` run
    /// together (the blocking pool would otherwise start a thread, and open a connection, for
    /// each), and no more connections than that are kept.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_crowd_of_reads_runs_a_few_at_a_time() {
        let (dir, _writer) = crate::store::test_db();
        let pool = Arc::new(ReadPool::new(&dir.path().join("t.db")));
        let (inside, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let reads: Vec<_> = (0..200)
            .map(|_| {
                let (pool, inside, most) = (pool.clone(), inside.clone(), most.clone());
                tokio::spawn(async move {
                    pool.run(move |conn| {
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        let n: i64 = conn.query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))?;
                        std::thread::sleep(std::time::Duration::from_millis(2)); // a read that takes a while
                        inside.fetch_sub(1, Ordering::SeqCst);
                        Ok(n)
                    })
                    .await
                })
            })
            .collect();
        for r in reads {
            assert_eq!(r.await.unwrap().unwrap(), 0);
        }
        let most = most.load(Ordering::SeqCst);
        assert!(most <= READERS, "{most} reads ran at once");
        assert!(most > 1, "the reads should still run side by side ({most})");
        assert!(pool.idle() <= READERS, "{} connections kept", pool.idle());
    }

    /// Long reads (a year's report and its charts, opened by two directors at once) hold the
    /// long lane; a short read (a clerk's session lookup) still runs at once.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn long_reads_do_not_hold_up_short_ones() {
        let (dir, _writer) = crate::store::test_db();
        let pool = Arc::new(ReadPool::new(&dir.path().join("t.db")));
        let (release, held) = std::sync::mpsc::channel::<()>();
        let held = Arc::new(std::sync::Mutex::new(held));
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let mut long: Vec<_> = (0..READERS)
            .map(|_| {
                let (pool, held, running, most) = (pool.clone(), held.clone(), running.clone(), most.clone());
                Box::pin(async move {
                    pool.run_long(move |_| {
                        most.fetch_max(running.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                        held.lock().unwrap().recv().ok(); // a long read, until released
                        running.fetch_sub(1, Ordering::SeqCst);
                        Ok(())
                    })
                    .await
                })
            })
            .collect();
        // Each long read asks for its turn (and those given one start) before the short read asks.
        std::future::poll_fn(|cx| {
            for l in long.iter_mut() {
                assert!(l.as_mut().poll(cx).is_pending());
            }
            std::task::Poll::Ready(())
        })
        .await;
        let short = pool.run(|conn| Ok(conn.query_row("SELECT count(*) FROM tickets", [], |r| r.get::<_, i64>(0))?));
        let n = tokio::time::timeout(std::time::Duration::from_secs(10), short).await;
        for _ in 0..READERS {
            release.send(()).unwrap();
        }
        assert_eq!(n.expect("a short read waited for the long ones").unwrap(), 0);
        for l in long {
            l.await.unwrap();
        }
        assert!(most.load(Ordering::SeqCst) <= LONG_READERS, "{} long reads at once", most.load(Ordering::SeqCst));
    }
}
