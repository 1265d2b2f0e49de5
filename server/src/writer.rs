//! The single writer. One thread owns the only read-write connection. It takes every queued
//! command, applies each inside its own savepoint of one transaction, commits once (one
//! fsync for the whole batch: group commit), and only then answers the callers and publishes
//! the events. So a 2xx answer always means "on disk", and a failed command changes nothing.

use std::sync::Arc;
use std::thread::JoinHandle;

use anyhow::Context;
use rusqlite::{Connection, Transaction};
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot};

use crate::clock::Clock;
use crate::error::{ApiError, ApiResult};
use crate::hall::SharedHall;
use crate::hub::Hub;
use crate::ops::{self, Actor, Answer, Ctx, Op};
use crate::store::{self, events::LiveEvent, idempotency};

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
    /// The request's fingerprint: a retry must repeat the same request.
    pub fn new(key: String, method: &str, path: &str, body: &[u8]) -> Self {
        let mut h = Sha256::new();
        for part in [method.as_bytes(), path.as_bytes(), body] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part);
        }
        Idempotency { key, fingerprint: hex::encode(h.finalize()) }
    }
}

struct Job {
    actor: Actor,
    op: Op,
    idempotency: Option<Idempotency>,
    reply: oneshot::Sender<ApiResult<Answer>>,
}

#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer thread; it ends when every `Writer` handle is dropped.
    pub fn start(
        mut conn: Connection,
        hall: SharedHall,
        clock: Arc<dyn Clock>,
        hub: Hub,
    ) -> anyhow::Result<(Writer, JoinHandle<()>)> {
        prepare(&mut conn, &hall.get(), clock.now())?;
        let (jobs, rx) = mpsc::channel(16 * 1024);
        let handle = std::thread::Builder::new()
            .name("hall-writer".into())
            .spawn(move || run(conn, rx, hall, clock, hub))
            .context("cannot start the writer thread")?;
        Ok((Writer { jobs }, handle))
    }

    pub async fn submit(&self, actor: Actor, op: Op, idempotency: Option<Idempotency>) -> ApiResult<Answer> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { actor, op, idempotency, reply })
            .await
            .map_err(|_| ApiError::internal(anyhow::anyhow!("the writer has stopped")))?;
        answer.await.map_err(|_| ApiError::internal(anyhow::anyhow!("the writer dropped a command")))?
    }
}

/// Start-up housekeeping: a row per configured window, old retry keys and events dropped.
fn prepare(conn: &mut Connection, hall: &crate::hall::Hall, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<()> {
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

fn run(mut conn: Connection, mut rx: mpsc::Receiver<Job>, hall: SharedHall, clock: Arc<dyn Clock>, hub: Hub) {
    let mut last_prune = store::ms(clock.now());
    while let Some(first) = rx.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let hall = hall.get();
        let now = clock.now();
        let results = match apply_batch(&mut conn, &hall, now, &batch) {
            Ok(results) => results,
            Err(e) => {
                tracing::error!(error = ?e, jobs = batch.len(), "commit failed; the whole batch is refused");
                for job in batch {
                    let _ = job.reply.send(Err(ApiError::internal(anyhow::anyhow!("commit failed"))));
                }
                continue;
            }
        };
        for (job, (answer, events)) in batch.into_iter().zip(results) {
            hub.publish(events);
            let _ = job.reply.send(answer);
        }
        let now_ms = store::ms(now);
        if now_ms - last_prune > 3600 * 1000 {
            last_prune = now_ms;
            if let Err(e) = conn.transaction().and_then(|tx| prune(&tx, now_ms).and_then(|_| tx.commit())) {
                tracing::warn!(error = ?e, "pruning old events and retry keys failed");
            }
        }
    }
    tracing::info!("writer stopped");
}

type JobResult = (ApiResult<Answer>, Vec<LiveEvent>);

fn apply_batch(
    conn: &mut Connection,
    hall: &crate::hall::Hall,
    now: chrono::DateTime<chrono::Utc>,
    batch: &[Job],
) -> anyhow::Result<Vec<JobResult>> {
    let tx = conn.transaction()?;
    let mut results = Vec::with_capacity(batch.len());
    for job in batch {
        results.push(apply_job(&tx, hall, now, job)?);
    }
    tx.commit()?;
    Ok(results)
}

/// One command in its savepoint. The outer error is for failures that must abort the batch.
fn apply_job(
    tx: &Transaction,
    hall: &crate::hall::Hall,
    now: chrono::DateTime<chrono::Utc>,
    job: &Job,
) -> anyhow::Result<JobResult> {
    let now_ms = store::ms(now);
    let caller = job.actor.idempotency_caller();
    if let Some(idem) = &job.idempotency {
        if let Some(stored) = idempotency::find(tx, &caller, &idem.key, now_ms - DAY_MS)? {
            if stored.fingerprint != idem.fingerprint {
                let e = ApiError::unprocessable(
                    "idempotency_key_reused",
                    "this Idempotency-Key was used for a different request; use a new key",
                );
                return Ok((Err(e), vec![]));
            }
            let status = axum::http::StatusCode::from_u16(stored.status)?;
            return Ok((Ok(Answer { status, body: stored.body, replayed: true }), vec![]));
        }
    }
    tx.execute_batch("SAVEPOINT op")?;
    let mut ctx = Ctx::new(tx, hall, &job.actor, now);
    let result = ops::apply(&mut ctx, &job.op);
    let events = std::mem::take(&mut ctx.events);
    let (result, events) = match result {
        Ok(answer) => {
            tx.execute_batch("RELEASE op")?;
            (Ok(answer), events)
        }
        Err(e) => {
            tx.execute_batch("ROLLBACK TO op; RELEASE op")?;
            (Err(e), vec![])
        }
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
    Ok((result, events))
}
