//! The single writer. One thread owns the only read-write connection. It takes every queued
//! command, applies each inside its own savepoint of one transaction and commits once; its
//! second stage ([`durable`]) flushes the write-ahead log to disk (one flush for every batch
//! committed meanwhile: group commit) and only then answers the callers and publishes the
//! events. So a 2xx answer always means "on disk", a failed command changes nothing, and the
//! writer applies the next commands while the disk is busy with the last ones.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use anyhow::Context;
use rusqlite::{Connection, Transaction};
use tokio::sync::{mpsc, oneshot};

use crate::clock::Clock;
use crate::domain::calendar::Calendar;
use crate::error::{ApiError, ApiResult, Code};
use crate::hall::{Hall, SharedCalendar, SharedHall};
use crate::hub::Hub;
use crate::ops::{self, Actor, Answer, Ctx, Op, World};
use crate::sessions::{LiveSessions, SharedSessions};
use crate::store::{self, events::LiveEvent, idempotency};

mod checkpoint;
mod durable;
use checkpoint::Checkpointer;
use durable::{Flush, Pending, Stage};

const DAY_MS: i64 = 24 * 3600 * 1000;
/// Events are kept a week (resume is promised for at least 24 hours).
const EVENTS_KEPT_MS: i64 = 7 * DAY_MS;
const MAX_BATCH: usize = 512;

/// A retry key and what it was sent with.
#[derive(Debug, Clone)]
pub struct Idempotency {
    pub key: String,
    pub fingerprint: String,
}

impl Idempotency {
    /// The request's fingerprint: a retry must repeat the same request. Keyed with the
    /// server's key, so that the retry table holds nothing a body could be guessed from.
    pub fn new(server_key: &crate::secret::ServerKey, key: String, method: &str, path: &str, body: &[u8]) -> Self {
        let fingerprint = server_key.mac(&[method.as_bytes(), path.as_bytes(), body]);
        Idempotency { key, fingerprint }
    }
}

struct Job {
    actor: Actor,
    op: Op,
    idempotency: Option<Idempotency>,
    reply: oneshot::Sender<ApiResult<Answer>>,
}

/// Whether the writer can commit: what `/api/health` reports. The writer sets it after every
/// batch; a stopped writer thread is seen from the closed channel.
struct Health {
    /// Why the last batch could not be committed; `None` after a good commit.
    failing: std::sync::Mutex<Option<String>>,
    /// Why this process writes no more (a flush of the log failed): set once, never cleared.
    lost: tokio::sync::watch::Sender<Option<String>>,
    /// The disk refused a sync (not a log file gone): pages of the log may be only in memory,
    /// so nothing in this process copies the log into the database file any more (a checkpoint
    /// would write what the disk may never have held); the next start recovers from the disk.
    disk_failed: AtomicBool,
}

impl Default for Health {
    fn default() -> Self {
        Health {
            failing: Default::default(),
            lost: tokio::sync::watch::Sender::new(None),
            disk_failed: AtomicBool::new(false),
        }
    }
}

impl Health {
    /// Writes end for good, for `reason` (the first reason given is kept); `disk_failed`: see
    /// the field.
    fn lose(&self, reason: String, disk_failed: bool) {
        if disk_failed {
            self.disk_failed.store(true, Ordering::SeqCst);
        }
        self.lost.send_if_modified(|lost| {
            let first = lost.is_none();
            if first {
                *lost = Some(reason);
            }
            first
        });
    }

    fn lost(&self) -> Option<String> {
        self.lost.borrow().clone()
    }
}

/// Committed batches waiting for their flush, at most: past it the writer waits for the disk.
const UNFLUSHED_BATCHES: usize = 64;

#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
    health: Arc<Health>,
}

/// What the writer keeps in force and swaps after its commits: the hall, the working-day
/// calendar, and the public address links are made under.
#[derive(Clone)]
pub struct InForceAll {
    pub hall: SharedHall,
    pub calendar: SharedCalendar,
    pub public_url: Arc<str>,
    /// The live staff sessions (loaded again after each commit that touched them).
    pub sessions: SharedSessions,
}

impl InForceAll {
    /// A hall on the shipped calendar, links as paths (tests).
    pub fn with_hall(hall: SharedHall) -> Self {
        InForceAll {
            hall,
            calendar: SharedCalendar::new(crate::calendar_data::shipped_calendar()),
            public_url: Arc::from(""),
            sessions: SharedSessions::default(),
        }
    }

    fn world(&self) -> World {
        World { hall: self.hall.get(), calendar: self.calendar.get(), public_url: self.public_url.clone() }
    }
}

impl Writer {
    /// Starts the writer thread; it ends when every `Writer` handle is dropped. `lock` (the
    /// database's `<database>.lock`, when serving) is held by the thread itself: released when it
    /// has written its last commit, before a join on it returns — a restore that waits for the
    /// server to stop never races its last write.
    pub fn start(
        conn: Connection,
        in_force: InForceAll,
        clock: Arc<dyn Clock>,
        hub: Hub,
        lock: Option<std::fs::File>,
    ) -> anyhow::Result<(Writer, JoinHandle<()>)> {
        let path = conn.path().filter(|p| !p.is_empty()).context("the writer needs a database file")?;
        let logs = (0..durable::FLUSHERS)
            .map(|_| Box::new(durable::WalFile::of(std::path::Path::new(path))) as Box<dyn Flush>)
            .collect();
        Self::start_flushing(conn, in_force, clock, hub, lock, logs)
    }

    /// [`Writer::start`] with the flushes of the second stage given (one thread each).
    fn start_flushing(
        mut conn: Connection,
        in_force: InForceAll,
        clock: Arc<dyn Clock>,
        hub: Hub,
        lock: Option<std::fs::File>,
        logs: Vec<Box<dyn Flush>>,
    ) -> anyhow::Result<(Writer, JoinHandle<()>)> {
        // Opened durable (WAL, every commit synced); from here the second stage syncs the log
        // before any answer, so the commit itself need not wait for the disk.
        store::ensure_durable(&conn)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Checkpoints run beside the writer (`checkpoint.rs`); its own only when that falls behind.
        conn.pragma_update(None, "wal_autocheckpoint", checkpoint::FALLBACK_PAGES)?;
        let path = conn.path().filter(|p| !p.is_empty()).map(std::path::PathBuf::from);
        let health = Arc::new(Health::default());
        let mut checkpointer = path.as_deref().map(|p| Checkpointer::start(p, health.clone())).transpose()?;
        prepare(&mut conn, &in_force.hall.get(), clock.now())?;
        let sessions_touched = watch_sessions(&conn)?;
        in_force.sessions.replace(Arc::new(LiveSessions::load(&conn, store::ms(clock.now()))?));
        let (jobs, rx) = mpsc::channel(16 * 1024);
        let stage = Stage::start(logs, hub, health.clone())?;
        let thread_health = health.clone();
        let handle = std::thread::Builder::new()
            .name("hall-writer".into())
            .spawn(move || {
                run(conn, rx, in_force, clock, &stage, thread_health, checkpointer.as_mut(), &sessions_touched);
                // The last batches are flushed and answered, and the last checkpoint is done,
                // before the lock is let go.
                stage.finish();
                if let Some(c) = checkpointer {
                    c.stop();
                }
                drop(lock);
            })
            .context("cannot start the writer thread")?;
        Ok((Writer { jobs, health }, handle))
    }

    /// Resolves, with the reason, once this process writes no more: a flush of the log failed,
    /// or the writer thread has ended. The server then stops, for its service manager to start
    /// it again (see `writer/durable.rs`).
    pub async fn stopped(&self) -> String {
        let mut lost = self.health.lost.subscribe();
        tokio::select! {
            reason = lost.wait_for(Option::is_some) => match reason {
                Ok(reason) => reason.clone().unwrap_or_default(),
                Err(_) => "the writer has stopped".into(),
            },
            _ = self.jobs.closed() => "the writer thread has stopped".into(),
        }
    }

    /// Whether this process writes no more (see [`Writer::stopped`]).
    pub fn writes_lost(&self) -> bool {
        self.health.lost().is_some()
    }

    pub async fn submit(&self, actor: Actor, op: Op, idempotency: Option<Idempotency>) -> ApiResult<Answer> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { actor, op, idempotency, reply })
            .await
            .map_err(|_| ApiError::internal(anyhow::anyhow!("the writer has stopped")))?;
        answer.await.map_err(|_| ApiError::internal(anyhow::anyhow!("the writer dropped a command")))?
    }

    /// `Err(reason)` when writes cannot be committed now: the thread has stopped, or the last
    /// batch failed to commit (a full disk, a read-only file, a broken database).
    pub fn health(&self) -> Result<(), String> {
        if let Some(reason) = self.health.lost() {
            return Err(reason);
        }
        if self.jobs.is_closed() {
            return Err("the writer thread has stopped".into());
        }
        match &*self.health.failing.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(reason) => Err(format!("the last commit failed: {reason}")),
            None => Ok(()),
        }
    }
}

/// Syncs the write-ahead log of the database at `db` (committed rows read from it are on disk
/// once this returns). For readers that hand on what they read before its flush ended.
pub(crate) fn sync_log(db: &std::path::Path) -> std::io::Result<()> {
    match durable::WalFile::of(db).flush() {
        // No log: everything is in the database file, synced by the checkpoint that emptied it.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        done => done,
    }
}

/// Start-up housekeeping: a row per configured window, old retry keys and events dropped.
fn prepare(conn: &mut Connection, hall: &Hall, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<()> {
    let tx = conn.transaction()?;
    let ids: Vec<String> = hall.windows.iter().map(|w| w.id.clone()).collect();
    store::windows::ensure(&tx, &ids)?;
    prune(&tx, store::ms(now))?;
    tx.commit()?;
    Ok(())
}

fn prune(tx: &Transaction, now_ms: i64) -> rusqlite::Result<()> {
    idempotency::prune(tx, now_ms - DAY_MS)?;
    store::events::prune(tx, now_ms - EVENTS_KEPT_MS)?;
    Ok(())
}

/// What the panic said, for the log.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)")
}

/// A flag set whenever a statement of the writer's connection changes a row of `sessions`
/// (a change rolled back too: loading them again for nothing is harmless).
fn watch_sessions(conn: &Connection) -> rusqlite::Result<Arc<AtomicBool>> {
    let touched = Arc::new(AtomicBool::new(false));
    let flag = touched.clone();
    conn.update_hook(Some(move |_: rusqlite::hooks::Action, _: &str, table: &str, _: i64| {
        if table == "sessions" {
            flag.store(true, Ordering::Relaxed);
        }
    }))?;
    Ok(touched)
}

#[allow(clippy::too_many_arguments)]
fn run(
    mut conn: Connection,
    mut rx: mpsc::Receiver<Job>,
    shared: InForceAll,
    clock: Arc<dyn Clock>,
    stage: &Stage,
    health: Arc<Health>,
    mut checkpointer: Option<&mut Checkpointer>,
    sessions_touched: &AtomicBool,
) {
    let mut last_prune = store::ms(clock.now());
    while let Some(first) = rx.blocking_recv() {
        if let Some(reason) = health.lost() {
            // Nothing more may be acknowledged: refuse what waits, take nothing new.
            tracing::error!(%reason, "the writer takes no more commands");
            rx.close();
            let mut refused = vec![first];
            while let Ok(job) = rx.try_recv() {
                refused.push(job);
            }
            for job in refused {
                let _ = job.reply.send(Err(ApiError::internal(anyhow::anyhow!("writes stopped: {reason}"))));
            }
            break;
        }
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let now = clock.now();
        // A panic outside an op (in the writer's own code) loses the batch, never the writer.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            apply_batch(&mut conn, shared.world(), now, &batch)
        }))
        .unwrap_or_else(|panic| Err(anyhow::anyhow!("the writer panicked: {}", panic_text(&*panic))));
        let applied = match outcome {
            Ok(applied) => applied,
            Err(e) => {
                tracing::error!(error = ?e, jobs = batch.len(), "commit failed; the whole batch is refused");
                *health.failing.lock().unwrap_or_else(|e| e.into_inner()) = Some(format!("{e:#}"));
                for job in batch {
                    let _ = job.reply.send(Err(ApiError::internal(anyhow::anyhow!("commit failed"))));
                }
                continue;
            }
        };
        // A batch that wrote proves the database takes writes; one that only read proves nothing.
        let refusing = database_refusing(&applied.results);
        if refusing.is_some() || applied.wrote {
            *health.failing.lock().unwrap_or_else(|e| e.into_inner()) = refusing;
        }
        if let (true, Some(c)) = (applied.wrote, checkpointer.as_deref_mut()) {
            c.committed();
        }
        // Committed: now, in commit order, every effect of the batch.
        if let Some(hall) = applied.hall {
            shared.hall.replace(hall);
            tracing::info!("a new hall configuration is in force");
        }
        if let Some(calendar) = applied.calendar {
            shared.calendar.replace(calendar);
            tracing::info!("a new year of the working-day calendar is in force");
        }
        // Before any answer of the batch: a signed-in token works once its sign-in is
        // answered, a signed-out one no longer once its sign-out is.
        if sessions_touched.swap(false, Ordering::Relaxed) {
            match LiveSessions::load(&conn, store::ms(now)) {
                Ok(live) => shared.sessions.replace(Arc::new(live)),
                Err(e) => {
                    // Closed rather than stale: an ended session must not go on working. Staff
                    // are refused until a later commit loads them again; health says why.
                    tracing::error!(error = ?e, "cannot load the live sessions after a commit; none accepted until the next");
                    shared.sessions.replace(Arc::new(LiveSessions::default()));
                    sessions_touched.store(true, Ordering::Relaxed);
                    *health.failing.lock().unwrap_or_else(|e| e.into_inner()) =
                        Some(format!("cannot load the live sessions: {e:#}"));
                }
            }
        }
        // Answered and published by the second stage, once the log is on disk.
        let pending = batch
            .into_iter()
            .zip(applied.results)
            .map(|(job, (answer, events))| Pending { reply: job.reply, answer, events })
            .collect();
        stage.committed(pending, UNFLUSHED_BATCHES);
        let now_ms = store::ms(now);
        if now_ms - last_prune > 3600 * 1000 {
            last_prune = now_ms;
            if let Err(e) = conn.transaction().and_then(|tx| prune(&tx, now_ms).and_then(|_| tx.commit())) {
                tracing::warn!(error = ?e, "pruning old events and retry keys failed");
            }
        }
    }
    if health.lost().is_some() {
        if health.disk_failed.load(Ordering::SeqCst) {
            // Closing would copy the log into the database file: not from this process.
            if let Err(e) = conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true) {
                tracing::error!(error = %e, "cannot keep the last close from checkpointing; the connection is left open");
                std::mem::forget(conn);
            }
        } else {
            keep_what_the_log_holds(&conn);
        }
    }
    tracing::info!("writer stopped");
}

/// After the log file was removed from under the server (its flush found no file), before the
/// process exits: SQLite's checkpoint copies what the log holds, through the file this connection
/// still has open, into the database file and syncs that file — else it would be lost with the
/// file. (Not after a sync the disk refused: see [`Health::disk_failed`].)
fn keep_what_the_log_holds(conn: &Connection) {
    let checkpoint =
        conn.query_row("PRAGMA wal_checkpoint(FULL)", [], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(2)?)));
    match checkpoint {
        Ok((0, pages)) => tracing::warn!(pages, "the log was copied into the database file before stopping"),
        Ok((_, pages)) => {
            tracing::error!(pages, "the log could not all be copied into the database file: a reader held it")
        }
        Err(e) => tracing::error!(error = %e, "the log could not be copied into the database file before stopping"),
    }
}

type JobResult = (ApiResult<Answer>, Vec<LiveEvent>);

/// The database refuses writes when a command of the batch failed because of the database
/// itself (another process holding the lock, a full disk, an I/O error, a read-only or broken
/// file), not because of the command: that is a writer that cannot commit.
fn database_refusing(results: &[JobResult]) -> Option<String> {
    use rusqlite::ErrorCode::*;
    results.iter().find_map(|(result, _)| {
        let Err(ApiError::Internal(e)) = result else { return None };
        let rusqlite::Error::SqliteFailure(f, _) = e.downcast_ref::<rusqlite::Error>()? else { return None };
        matches!(
            f.code,
            DatabaseBusy
                | DatabaseLocked
                | DiskFull
                | SystemIoFailure
                | ReadOnly
                | DatabaseCorrupt
                | CannotOpen
                | NotADatabase
        )
        .then(|| format!("{e:#}"))
    })
}

/// A committed batch: each command's answer and events, and the hall it put in force (if any).
struct Applied {
    results: Vec<JobResult>,
    hall: Option<Arc<Hall>>,
    calendar: Option<Arc<Calendar>>,
    /// Rows were written and committed.
    wrote: bool,
}

/// How a batch applies its commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// No savepoint per command: SQLite copies every page a savepoint's command first changes
    /// (7% of the writer's time when issuing). A command that fails before changing a row
    /// needs none; one that fails after changing rows (or for a reason of the database) makes
    /// the whole batch roll back and run again carefully.
    Optimistic,
    /// Every command in its own savepoint: a failing one is rolled back alone.
    Careful,
}

fn apply_batch(
    conn: &mut Connection,
    world: World,
    now: chrono::DateTime<chrono::Utc>,
    batch: &[Job],
) -> anyhow::Result<Applied> {
    if let Some(applied) = apply_all(conn, world.clone(), now, batch, Mode::Optimistic)? {
        return Ok(applied);
    }
    apply_all(conn, world, now, batch, Mode::Careful)?.context("a careful batch is never run again")
}

/// The batch in one transaction, committed; `None` when an optimistic run must be run again
/// carefully (nothing of it was committed).
fn apply_all(
    conn: &mut Connection,
    mut world: World,
    now: chrono::DateTime<chrono::Utc>,
    batch: &[Job],
    mode: Mode,
) -> anyhow::Result<Option<Applied>> {
    let changes_before = conn.total_changes();
    let tx = conn.transaction()?;
    let mut results = Vec::with_capacity(batch.len());
    let (mut new_hall, mut new_calendar) = (None, None);
    for job in batch {
        let Some(result) = apply_job(&tx, &world, now, job, mode)? else {
            return Ok(None); // the transaction rolls back when dropped
        };
        // A hall or calendar saved in this batch is the one of the commands after it.
        match (&job.op, &result) {
            (Op::ReplaceHall { hall: saved }, (Ok(answer), _)) if !answer.replayed => {
                world.hall = Arc::new((**saved).clone());
                new_hall = Some(world.hall.clone());
            }
            (Op::AddCalendarYear { schedule, .. }, (Ok(answer), _)) if !answer.replayed => {
                let mut calendar = (*world.calendar).clone();
                calendar.add_year((**schedule).clone())?;
                world.calendar = Arc::new(calendar);
                new_calendar = Some(world.calendar.clone());
            }
            _ => {}
        }
        results.push(result);
    }
    tx.commit()?;
    let wrote = conn.total_changes() > changes_before;
    Ok(Some(Applied { results, hall: new_hall, calendar: new_calendar, wrote }))
}

/// One command (in its savepoint when careful). The outer error is for failures that must abort
/// the batch; `None` when an optimistic batch must be run again carefully.
fn apply_job(
    tx: &Transaction,
    world: &World,
    now: chrono::DateTime<chrono::Utc>,
    job: &Job,
    mode: Mode,
) -> anyhow::Result<Option<JobResult>> {
    let now_ms = store::ms(now);
    let caller = job.actor.idempotency_caller();
    if let Some(idem) = &job.idempotency {
        if let Some(stored) = idempotency::find(tx, &caller, &idem.key, now_ms - DAY_MS)? {
            if stored.fingerprint != idem.fingerprint {
                let e = ApiError::new(
                    Code::IdempotencyKeyReused,
                    "this Idempotency-Key was used for a different request; use a new key",
                );
                return Ok(Some((Err(e), vec![])));
            }
            let status = axum::http::StatusCode::from_u16(stored.status)?;
            return Ok(Some((Ok(Answer { status, body: stored.body, replayed: true }), vec![])));
        }
    }
    let changes_before = tx.total_changes();
    if mode == Mode::Careful {
        // Kept prepared: parsing them again for every command showed in the writer's profile.
        tx.prepare_cached("SAVEPOINT op")?.execute([])?;
    }
    let mut ctx = Ctx::new(tx, world, &job.actor, now);
    // A panicking command is a bug in that command: it is rolled back alone and answered 500.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ops::apply(&mut ctx, &job.op)))
        .unwrap_or_else(|panic| {
            Err(ApiError::internal(anyhow::anyhow!("the command panicked: {}", panic_text(&*panic))))
        });
    let events = std::mem::take(&mut ctx.events);
    let (result, events) = match (result, mode) {
        (Ok(answer), Mode::Careful) => {
            tx.prepare_cached("RELEASE op")?.execute([])?;
            (Ok(answer), events)
        }
        (Err(e), Mode::Careful) => {
            tx.execute_batch("ROLLBACK TO op; RELEASE op")?;
            (Err(e), vec![])
        }
        (Ok(answer), Mode::Optimistic) => (Ok(answer), events),
        // Refused before it changed anything, for a reason of its own: nothing to undo.
        (Err(e @ ApiError::Client(_)), Mode::Optimistic)
            if tx.total_changes() == changes_before && !tx.is_autocommit() =>
        {
            (Err(e), vec![])
        }
        (Err(_), Mode::Optimistic) => return Ok(None),
    };
    if let Some(idem) = &job.idempotency {
        let stored = match &result {
            Ok(a) => Some((a.status.as_u16(), a.body.clone())),
            Err(ApiError::Client(c)) => Some((c.status.as_u16(), Some(serde_json::to_string(&c.body())?))),
            Err(ApiError::Internal(_)) => None,
        };
        if let Some((status, body)) = stored {
            let s = idempotency::Stored { fingerprint: idem.fingerprint.clone(), status, body };
            idempotency::save(tx, &caller, &idem.key, &s, now_ms)?;
        }
    }
    Ok(Some((result, events)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::hall::StaffRole;
    use chrono::TimeZone;

    fn admin() -> Actor {
        Actor::Staff { username: "admin".into(), role: StaffRole::Admin, session_id: 1, window_id: None }
    }
    fn kiosk() -> Actor {
        Actor::Kiosk { id: "k1".into() }
    }
    fn issue(service: &str) -> Op {
        let status = ops::StatusLink { token: format!("{service:0>32}"), url: String::new() };
        Op::IssueTicket { service_id: service.into(), priority: None, status, person: None }
    }

    /// A writer on a fresh database, at 09:00 on a Wednesday in the sample hall.
    fn start() -> (tempfile::TempDir, Writer, SharedHall, tokio::runtime::Runtime) {
        let (dir, conn) = store::test_db();
        let hall = SharedHall::new(crate::config::sample());
        let clock = Arc::new(ManualClock::new(chrono::Utc.with_ymd_and_hms(2026, 11, 25, 1, 0, 0).unwrap()));
        let (writer, _thread) =
            Writer::start(conn, InForceAll::with_hall(hall.clone()), clock, Hub::new(16), None).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        (dir, writer, hall, rt)
    }

    /// The sample hall with one more matter, `new-matter`, in the first queue.
    fn hall_with_new_matter() -> Hall {
        let text = crate::config::SAMPLE_HALL.to_string()
            + "\n[[matters]]\nid = \"new-matter\"\nname = \"新事项\"\ndepartment = \"zonghe\"\nqueue = \"zonghe\"\nwindows = [\"w01\"]\ntime_limit_days = 0\nmaterials = [{ name = \"身份证\", kind = \"main\" }]\n";
        crate::config::parse(&text, "test").unwrap()
    }

    #[test]
    fn the_live_sessions_follow_the_writers_commits_before_the_answers() {
        let (_dir, conn) = store::test_db();
        let in_force = InForceAll::with_hall(SharedHall::new(crate::config::sample()));
        let at = chrono::Utc.with_ymd_and_hms(2026, 11, 25, 1, 0, 0).unwrap();
        let clock = Arc::new(ManualClock::new(at));
        let (writer, _thread) = Writer::start(conn, in_force.clone(), clock, Hub::new(16), None).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let hash = crate::auth::token_hash("secret-token");
        let found = || in_force.sessions.get().find(&hash, store::ms(at)).cloned();
        assert_eq!(found(), None);
        let login = Op::Login {
            username: "clerk1".into(),
            role: StaffRole::Clerk,
            window_id: Some("w01".into()),
            token: "secret-token".into(),
            password_hash: crate::config::sample().staff("clerk1").unwrap().password_hash.clone(),
        };
        let signing_in =
            Actor::Staff { username: "clerk1".into(), role: StaffRole::Clerk, session_id: 0, window_id: None };
        rt.block_on(writer.submit(signing_in, login, None)).unwrap();
        let session = found().expect("a signed-in token works once its sign-in is answered");
        assert_eq!((session.username.as_str(), session.window_id.as_deref()), ("clerk1", Some("w01")));
        let clerk = Actor::Staff {
            username: "clerk1".into(),
            role: StaffRole::Clerk,
            session_id: session.id,
            window_id: Some("w01".into()),
        };
        // A command that does not touch the sessions leaves them as they were.
        rt.block_on(writer.submit(kiosk(), issue("zh-zixun"), None)).unwrap();
        assert!(found().is_some());
        rt.block_on(writer.submit(clerk, Op::Logout, None)).unwrap();
        assert_eq!(found(), None, "a signed-out token no longer works once its sign-out is answered");
    }

    #[test]
    fn a_saved_hall_is_put_in_force_by_the_writer_itself() {
        let (_dir, writer, shared, rt) = start();
        let op = Op::ReplaceHall { hall: Box::new(hall_with_new_matter()) };
        let answer = rt.block_on(writer.submit(admin(), op, None)).unwrap();
        assert_eq!(answer.status, axum::http::StatusCode::OK);
        // No handler swapped anything: the writer did, once committed.
        assert!(shared.get().matter("new-matter").is_some());
        let issued = rt.block_on(writer.submit(kiosk(), issue("new-matter"), None)).unwrap();
        assert_eq!(issued.status, axum::http::StatusCode::CREATED);
    }

    #[test]
    fn commands_after_a_saved_hall_in_the_same_batch_use_it() {
        let (_dir, mut conn) = store::test_db();
        let jobs: Vec<Job> =
            [(admin(), Op::ReplaceHall { hall: Box::new(hall_with_new_matter()) }), (kiosk(), issue("new-matter"))]
                .into_iter()
                .map(|(actor, op)| Job { actor, op, idempotency: None, reply: oneshot::channel().0 })
                .collect();
        let now = chrono::Utc.with_ymd_and_hms(2026, 11, 25, 1, 0, 0).unwrap();
        let world = InForceAll::with_hall(SharedHall::new(crate::config::sample())).world();
        let applied = apply_batch(&mut conn, world, now, &jobs).unwrap();
        let statuses: Vec<u16> =
            applied.results.iter().map(|(r, _)| r.as_ref().map(|a| a.status.as_u16()).unwrap_or(0)).collect();
        assert_eq!(statuses, vec![200, 201]);
        assert!(applied.hall.unwrap().matter("new-matter").is_some());
    }

    /// A sign-in checked against the hall before a save that demoted the account (or gave it a
    /// new password) is refused by the writer: the save ended the account's sessions, and none
    /// is made after it under the old role.
    #[test]
    fn a_sign_in_checked_against_a_hall_saved_over_since_is_refused() {
        let (_dir, mut conn) = store::test_db();
        let sample = crate::config::sample();
        let director = sample.staff("director").unwrap().clone();
        let demoted = crate::config::parse(
            &crate::config::SAMPLE_HALL.replacen(
                "staff_no = \"QS-2012-001\"\nrole = \"director\"",
                "staff_no = \"QS-2012-001\"\nrole = \"leader\"",
                1,
            ),
            "test",
        )
        .unwrap();
        assert_eq!(demoted.staff("director").unwrap().role, StaffRole::Leader, "the test's hall demotes");
        let login = |hash: &str| Op::Login {
            username: "director".into(),
            role: StaffRole::Director,
            window_id: None,
            token: "t".into(),
            password_hash: hash.to_string(),
        };
        let signing_in =
            Actor::Staff { username: "director".into(), role: StaffRole::Director, session_id: 0, window_id: None };
        let jobs: Vec<Job> = [
            (admin(), Op::ReplaceHall { hall: Box::new(demoted) }),
            (signing_in.clone(), login(&director.password_hash)),
        ]
        .into_iter()
        .map(|(actor, op)| Job { actor, op, idempotency: None, reply: oneshot::channel().0 })
        .collect();
        let now = chrono::Utc.with_ymd_and_hms(2026, 11, 25, 1, 0, 0).unwrap();
        let world = InForceAll::with_hall(SharedHall::new(sample.clone())).world();
        let applied = apply_batch(&mut conn, world, now, &jobs).unwrap();
        let outcome: Vec<Result<u16, Option<Code>>> = applied
            .results
            .iter()
            .map(|(r, _)| match r {
                Ok(a) => Ok(a.status.as_u16()),
                Err(ApiError::Client(c)) => Err(Some(c.code)),
                Err(_) => Err(None),
            })
            .collect();
        assert_eq!(outcome, vec![Ok(200), Err(Some(Code::BadCredentials))]);
        let live: i64 =
            conn.query_row("SELECT COUNT(*) FROM sessions WHERE username = 'director'", [], |r| r.get(0)).unwrap();
        assert_eq!(live, 0);
        // Against the hall it was checked with, the same sign-in goes through.
        let (_dir, mut conn) = store::test_db();
        let jobs = vec![Job {
            actor: signing_in,
            op: login(&director.password_hash),
            idempotency: None,
            reply: oneshot::channel().0,
        }];
        let world = InForceAll::with_hall(SharedHall::new(sample)).world();
        let applied = apply_batch(&mut conn, world, now, &jobs).unwrap();
        assert_eq!(applied.results[0].0.as_ref().map(|a| a.status.as_u16()).ok(), Some(200));
    }

    /// A flush that says when it starts (with its number) and waits to be let go with the
    /// outcome it is given.
    struct Gate {
        number: usize,
        started: std::sync::mpsc::Sender<usize>,
        release: std::sync::mpsc::Receiver<std::io::Result<()>>,
    }

    impl Flush for Gate {
        fn flush(&mut self) -> std::io::Result<()> {
            let _ = self.started.send(self.number);
            self.release.recv().unwrap_or(Ok(()))
        }
    }

    type Release = std::sync::mpsc::Sender<std::io::Result<()>>;

    /// A writer with `flushes` flush threads, whose flushes the test lets go: a flush says its
    /// number on `started` when it starts, and ends with what is sent on its `Release`.
    fn gated(flushes: usize) -> (tempfile::TempDir, Writer, Hub, std::sync::mpsc::Receiver<usize>, Vec<Release>) {
        let (dir, conn) = store::test_db();
        let (started_tx, started) = std::sync::mpsc::channel();
        let (mut gates, mut releases) = (Vec::new(), Vec::new());
        for number in 0..flushes {
            let (release, release_rx) = std::sync::mpsc::channel();
            gates.push(Box::new(Gate { number, started: started_tx.clone(), release: release_rx }) as Box<dyn Flush>);
            releases.push(release);
        }
        let hub = Hub::new(16);
        let clock = Arc::new(ManualClock::new(chrono::Utc.with_ymd_and_hms(2026, 11, 25, 1, 0, 0).unwrap()));
        let in_force = InForceAll::with_hall(SharedHall::new(crate::config::sample()));
        let (writer, _thread) = Writer::start_flushing(conn, in_force, clock, hub.clone(), None, gates).unwrap();
        (dir, writer, hub, started, releases)
    }

    fn send(writer: &Writer, op: Op) -> oneshot::Receiver<ApiResult<Answer>> {
        let (reply, answer) = oneshot::channel();
        writer.jobs.blocking_send(Job { actor: kiosk(), op, idempotency: None, reply }).unwrap();
        answer
    }

    #[test]
    fn nothing_is_answered_or_published_before_its_batch_is_flushed() {
        let (_dir, writer, hub, started, releases) = gated(1);
        let release = &releases[0];
        let mut events = hub.subscribe();
        let mut answer = send(&writer, issue("mz-dibao"));
        // Committed, the flush under way: no answer and no event yet.
        started.recv().unwrap();
        assert!(matches!(answer.try_recv(), Err(oneshot::error::TryRecvError::Empty)));
        assert!(matches!(events.try_recv(), Err(tokio::sync::broadcast::error::TryRecvError::Empty)));
        release.send(Ok(())).unwrap();
        assert_eq!(answer.blocking_recv().unwrap().unwrap().status, axum::http::StatusCode::CREATED);
        assert_eq!(events.try_recv().unwrap().kind, hall_wire::event_kind::TICKET_ISSUED);
    }

    /// After a failed `fdatasync` a later one that succeeds proves nothing (the kernel may have
    /// dropped the failed pages), so the writer acknowledges nothing more and stops; the server
    /// exits on [`Writer::stopped`] to be started again.
    #[test]
    fn after_a_failed_flush_nothing_more_is_acknowledged_and_the_writer_stops() {
        let (_dir, writer, hub, started, releases) = gated(1);
        let mut events = hub.subscribe();
        let answer = send(&writer, issue("mz-dibao"));
        started.recv().unwrap();
        releases[0].send(Err(std::io::Error::other("disk gone"))).unwrap();
        assert!(matches!(answer.blocking_recv().unwrap(), Err(ApiError::Internal(_))));
        assert!(events.try_recv().is_err(), "an event of a batch not flushed was published");
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        assert!(rt.block_on(writer.stopped()).contains("disk gone"));
        // A later command is refused unapplied: no commit, no flush; health keeps saying why.
        let later = send(&writer, issue("rs-jmyibao"));
        assert!(matches!(later.blocking_recv().unwrap(), Err(ApiError::Internal(_))));
        assert!(started.try_recv().is_err(), "a command was committed after a flush failed");
        assert!(writer.jobs.is_closed(), "the writer still takes commands");
        assert!(writer.health().unwrap_err().contains("disk gone"), "{:?}", writer.health());
        assert!(events.try_recv().is_err());
    }

    /// After the disk refused a sync, nothing in the process copies the log into the database
    /// file, not even the last close: its pages may be only in memory. The next start recovers
    /// from the log on disk.
    #[test]
    fn after_the_disk_refused_a_sync_the_last_close_leaves_the_log_to_the_next_start() {
        let (dir, conn) = store::test_db();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap(); // the schema in the file
        let gate =
            |release| Box::new(Gate { number: 0, started: std::sync::mpsc::channel().0, release }) as Box<dyn Flush>;
        let (release, release_rx) = std::sync::mpsc::channel();
        let clock = Arc::new(ManualClock::new(chrono::Utc.with_ymd_and_hms(2026, 11, 25, 1, 0, 0).unwrap()));
        let in_force = InForceAll::with_hall(SharedHall::new(crate::config::sample()));
        let (writer, thread) =
            Writer::start_flushing(conn, in_force, clock, Hub::new(16), None, vec![gate(release_rx)]).unwrap();
        let answer = send(&writer, issue("mz-dibao"));
        release.send(Err(std::io::Error::from_raw_os_error(5))).unwrap(); // EIO
        assert!(matches!(answer.blocking_recv().unwrap(), Err(ApiError::Internal(_))));
        drop(writer);
        thread.join().unwrap();
        let log = std::fs::metadata(dir.path().join("t.db-wal")).map(|m| m.len()).unwrap_or(0);
        assert!(log > 0, "the log was checkpointed and removed by a process whose disk refused a sync");
        // The database file alone (without its log) has nothing of the refused commit.
        let alone = dir.path().join("alone.db");
        std::fs::copy(dir.path().join("t.db"), &alone).unwrap();
        let tickets: i64 = rusqlite::Connection::open(&alone)
            .unwrap()
            .query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tickets, 0, "the log was copied into the database file after the disk refused a sync");
    }

    #[test]
    fn a_flush_that_succeeds_after_another_failed_acknowledges_nothing() {
        let (_dir, writer, hub, started, releases) = gated(2);
        let mut events = hub.subscribe();
        let first = send(&writer, issue("mz-dibao"));
        let failing = started.recv().unwrap();
        let second = send(&writer, issue("rs-jmyibao"));
        let succeeding = started.recv().unwrap();
        releases[failing].send(Err(std::io::Error::other("disk gone"))).unwrap();
        assert!(matches!(first.blocking_recv().unwrap(), Err(ApiError::Internal(_))));
        releases[succeeding].send(Ok(())).unwrap();
        assert!(matches!(second.blocking_recv().unwrap(), Err(ApiError::Internal(_))));
        assert!(events.try_recv().is_err(), "an event was published after a flush failed");
        assert!(writer.health().unwrap_err().contains("disk gone"), "{:?}", writer.health());
    }

    /// A batch committed while a flush runs starts a flush of its own at once; whichever ends
    /// first answers every batch committed before it started, in commit order.
    #[test]
    fn a_second_flush_starts_while_the_first_runs_and_answers_both_in_commit_order() {
        let (_dir, writer, hub, started, releases) = gated(2);
        let mut events = hub.subscribe();
        let mut first = send(&writer, issue("mz-dibao"));
        let slow = started.recv().unwrap();
        let second = send(&writer, issue("rs-jmyibao"));
        let fast = started.recv().unwrap();
        assert_ne!(slow, fast, "the second batch waited for the first flush to end");
        assert!(matches!(first.try_recv(), Err(oneshot::error::TryRecvError::Empty)));
        releases[fast].send(Ok(())).unwrap();
        assert_eq!(first.blocking_recv().unwrap().unwrap().status, axum::http::StatusCode::CREATED);
        assert_eq!(second.blocking_recv().unwrap().unwrap().status, axum::http::StatusCode::CREATED);
        let ids = [events.try_recv().unwrap().id, events.try_recv().unwrap().id];
        assert!(ids[0] < ids[1], "events published out of commit order: {ids:?}");
        // The first flush ends with nothing left to answer; the writer goes on.
        releases[slow].send(Ok(())).unwrap();
        let third = send(&writer, issue("wj-shengyu"));
        releases[started.recv().unwrap()].send(Ok(())).unwrap();
        assert_eq!(third.blocking_recv().unwrap().unwrap().status, axum::http::StatusCode::CREATED);
    }

    #[test]
    fn the_log_file_of_a_database_is_flushed() {
        let (dir, conn) = store::test_db();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").unwrap();
        let mut log = durable::WalFile::of(&dir.path().join("t.db"));
        log.flush().unwrap();
        let mut missing = durable::WalFile::of(&dir.path().join("none.db"));
        assert_eq!(missing.flush().unwrap_err().kind(), std::io::ErrorKind::NotFound);
    }

    /// Issuing in turn to every queue (as a hall's kiosks do) runs every statement of the issue
    /// path from its prepared form: none is parsed and planned again for another queue or class.
    #[test]
    fn issuing_to_queue_after_queue_keeps_every_statement_prepared() {
        let (_dir, mut conn) = store::test_db();
        let in_force = InForceAll::with_hall(SharedHall::new(crate::config::sample()));
        let now = chrono::Utc.with_ymd_and_hms(2026, 11, 25, 1, 0, 0).unwrap();
        let mut issued = 0;
        for round in 0..4 {
            for service in ["mz-dibao", "rs-jmyibao", "wj-shengyu", "mz-dibao"] {
                let status = ops::StatusLink { token: format!("{round}{service:0>31}{issued}"), url: String::new() };
                let op = Op::IssueTicket { service_id: service.into(), priority: None, status, person: None };
                let jobs = vec![Job { actor: kiosk(), op, idempotency: None, reply: oneshot::channel().0 }];
                let applied = apply_batch(&mut conn, in_force.world(), now, &jobs).unwrap();
                assert!(applied.results[0].0.is_ok(), "{:?}", applied.results[0].0);
                issued += 1;
            }
        }
        assert_eq!(store::reprepared(&conn), Vec::<(String, i32)>::new());
    }

    #[test]
    fn a_panicking_command_is_answered_500_alone_and_the_writer_goes_on() {
        let (_dir, writer, _hall, rt) = start();
        let e = rt.block_on(writer.submit(kiosk(), Op::Panic, None)).unwrap_err();
        assert!(matches!(e, ApiError::Internal(_)), "{e:?}");
        let issued = rt.block_on(writer.submit(kiosk(), issue("mz-dibao"), None)).unwrap();
        assert_eq!(issued.status, axum::http::StatusCode::CREATED);
        assert_eq!(writer.health(), Ok(()));
    }

    /// Without a savepoint per command, a command that fails after changing rows must still
    /// leave nothing behind, and the commands around it in the same batch must still commit.
    #[test]
    fn a_command_failing_after_it_wrote_is_undone_alone_within_its_batch() {
        let (_dir, mut conn) = store::test_db();
        let now = chrono::Utc.with_ymd_and_hms(2026, 11, 25, 1, 0, 0).unwrap();
        let world = InForceAll::with_hall(SharedHall::new(crate::config::sample())).world();
        let mut check = |ops: Vec<Op>, want: Vec<u16>| {
            let jobs: Vec<Job> = ops
                .into_iter()
                .map(|op| Job { actor: kiosk(), op, idempotency: None, reply: oneshot::channel().0 })
                .collect();
            let applied = apply_batch(&mut conn, world.clone(), now, &jobs).unwrap();
            let statuses: Vec<u16> = applied
                .results
                .iter()
                .map(|(r, _)| match r {
                    Ok(a) => a.status.as_u16(),
                    Err(ApiError::Client(c)) => c.status.as_u16(),
                    Err(ApiError::Internal(_)) => 500,
                })
                .collect();
            assert_eq!(statuses, want);
            let events: Vec<usize> = applied.results.iter().map(|(_, events)| events.len()).collect();
            assert!(statuses.iter().zip(events).all(|(s, n)| (*s < 300) == (n > 0)), "events of a failed command");
        };
        // Refused before writing (an unknown matter), written then panicked, and fine.
        check(vec![issue("mz-dibao"), issue("no-such-matter"), issue("rs-jmyibao")], vec![201, 422, 201]);
        let again = |service: &str| {
            let status = ops::StatusLink { token: format!("{service:1>32}"), url: String::new() };
            Op::IssueTicket { service_id: service.into(), priority: None, status, person: None }
        };
        check(vec![again("mz-dibao"), Op::Panic, again("rs-jmyibao")], vec![201, 500, 201]);
        check(vec![Op::Panic], vec![500]);
        let tickets: i64 = conn.query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0)).unwrap();
        assert_eq!(tickets, 4);
        let left = store::settings::get(&conn, store::settings::NOTICE).unwrap();
        assert_eq!(left, None, "a panicked command's change was committed");
    }
}
