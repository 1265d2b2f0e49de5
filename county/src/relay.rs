//! The relay between halls (R14, 上报件). Per hall, a task reads the hall's outbox (its county
//! device token), delivers each message to the inbox of the hall it is for — a `report` to the
//! county hall (`county_hall = true` in the halls file), a `progress` back to its `to_hall` —
//! and then acknowledges it at the source. A message is delivered under the key
//! `<source hall>:<its outbox key>`, which the inbox applies once: a delivery repeated after any
//! failure (the target down, the county killed between delivering and acknowledging) changes
//! nothing, and a message is acknowledged only after a 2xx, so nothing is lost. Messages go in
//! order per target; a failure holds back that target's later messages for the pass (the others
//! go), and the pass is tried again after a back-off (0.2 s doubling to 10 s). A message the
//! target refuses for good (`422`) stays in its outbox, its error logged, holding back nothing,
//! and is tried again [`REFUSED_RETRY`] later (not on every pass: its target may be upgraded
//! meanwhile). Each message's attempts, delivery and acknowledgement are logged in `relay_log`
//! (its name and kind only, never what it carries).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use chrono::{DateTime, Utc};
use deadpool_postgres::Pool;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::config::HallEntry;
use crate::follow::CancelToken;

/// The outbox is looked at this often even when no `relay_pending` event said so.
const POLL: Duration = Duration::from_secs(5);
const BACKOFF: (Duration, Duration) = (Duration::from_millis(200), Duration::from_secs(10));
/// A message its target refused for good is offered again after this long.
pub const REFUSED_RETRY: Duration = Duration::from_secs(3600);
/// Test hook: after delivering a message and before acknowledging it, create this file and stop
/// (so that a test can SIGKILL the service exactly there).
pub const PAUSE_BEFORE_ACK: &str = "HALL_COUNTY_TEST_PAUSE_BEFORE_ACK";

#[derive(Debug, Deserialize)]
struct Outgoing {
    id: i64,
    key: String,
    kind: String,
    #[serde(default)]
    to_hall: Option<String>,
    body: Value,
}

fn wakers() -> &'static Mutex<HashMap<String, Arc<Notify>>> {
    static WAKERS: OnceLock<Mutex<HashMap<String, Arc<Notify>>>> = OnceLock::new();
    WAKERS.get_or_init(Default::default)
}

fn waker(hall: &str) -> Arc<Notify> {
    let mut map = wakers().lock().unwrap_or_else(|e| e.into_inner());
    map.entry(hall.to_string()).or_default().clone()
}

/// A hall's stream said its outbox has work (`relay_pending`): its relay looks now.
pub fn wake(hall: &str) {
    waker(hall).notify_one();
}

/// The relay of one source hall, until stopped.
pub async fn run(
    pool: Pool,
    http: reqwest::Client,
    halls: Arc<Vec<HallEntry>>,
    source: HallEntry,
    mut stop: CancelToken,
) {
    let wake = waker(&source.id);
    let mut delay = BACKOFF.0;
    loop {
        let wait = match pass(&pool, &http, &halls, &source).await {
            Ok(_) => {
                delay = BACKOFF.0;
                POLL
            }
            Err(e) => {
                tracing::warn!(hall = %source.id, error = %format!("{e:#}"), "relaying the hall's outbox failed; retrying");
                let d = delay;
                delay = (delay * 2).min(BACKOFF.1);
                d
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = wake.notified() => {}
            _ = stop.changed() => return,
        }
    }
}

/// Messages read from a hall's outbox at once (the hall's largest page).
const OUTBOX_PAGE: u32 = 500;

/// One look at a hall's outbox: every message delivered and acknowledged, in order per target;
/// how many there were.
pub async fn pass(
    pool: &Pool,
    http: &reqwest::Client,
    halls: &[HallEntry],
    source: &HallEntry,
) -> anyhow::Result<usize> {
    let base = source.url.trim_end_matches('/');
    // The right hall at that address, or nothing of its outbox is read or acknowledged under
    // this one's id (and the targets, below, before the first delivery to each in the pass).
    crate::follow::hall_at(http, source).await?;
    let mut verified: std::collections::HashSet<String> = std::collections::HashSet::new();
    // A target that failed is skipped for the rest of the pass, so that its messages keep their
    // order, while the other targets' messages still go (one town down never holds back the
    // county hall's answers to the others). Page by page: a town down for weeks may have more
    // messages waiting than one page holds, and they must not hide the ones after them.
    let mut failed: HashMap<String, anyhow::Error> = HashMap::new();
    let (mut after, mut n) = (0i64, 0usize);
    let mut listed: Vec<String> = Vec::new();
    // Messages held back behind a failed one to their target, noted at the end in one statement.
    let mut held = Held::default();
    // The whole outbox was read (the last page not full): what it did not list has left it.
    let mut complete = false;
    loop {
        let res = http
            .get(format!("{base}/api/relay/outbox?limit={OUTBOX_PAGE}&after={after}"))
            .bearer_auth(&source.token)
            .timeout(Duration::from_secs(10))
            .send()
            .await?;
        if !res.status().is_success() {
            let status = res.status();
            bail!("GET /api/relay/outbox answered {status}: {}", res.text().await.unwrap_or_default());
        }
        let messages: Vec<Outgoing> = res.json().await.context("the outbox's answer")?;
        let full = messages.len() == OUTBOX_PAGE as usize;
        if messages.is_empty() {
            complete = true; // the page after a full one: nothing more
            break;
        }
        // A hall of an earlier version ignores `after` and answers its first page again: only
        // messages past the last one seen count, and a page with none ends the pass.
        let before = after;
        let fresh: Vec<Outgoing> = messages.into_iter().filter(|m| m.id > before).collect();
        if fresh.is_empty() {
            break;
        }
        n += fresh.len();
        listed.extend(fresh.iter().map(|m| m.key.clone()));
        for m in fresh {
            after = after.max(m.id);
            let target_id = match m.kind.as_str() {
                "report" => halls.iter().find(|h| h.county_hall).map(|h| h.id.clone()).unwrap_or_default(),
                _ => m.to_hall.clone().unwrap_or_default(),
            };
            // The county hall's own report: its upper level (a city or province office) is
            // outside the county, its staff send it and record its progress by hand. Taken out
            // of its outbox, never delivered back to it as a case from itself.
            if m.kind == "report" && source.county_hall {
                keep_home(http, source, &m).await?;
                continue;
            }
            if failed.contains_key(&target_id) {
                // Held back behind the one that failed: on the county's screen as waiting.
                held.push(&target_id, &m);
                continue;
            }
            if let Err(e) = relay_one(pool, http, halls, source, &m, &mut verified).await {
                failed.insert(target_id, e);
            }
        }
        if !full {
            complete = true;
            break;
        }
    }
    note_waiting(pool, source, &held).await?;
    note_taken_acks(pool, source, &listed, complete).await?;
    match failed.into_values().next() {
        Some(e) => Err(e),
        None => Ok(n),
    }
}

/// One message: delivered to its target's inbox, then acknowledged at its source; `false` when
/// the target refused it for good (it stays in the outbox).
async fn relay_one(
    pool: &Pool,
    http: &reqwest::Client,
    halls: &[HallEntry],
    source: &HallEntry,
    m: &Outgoing,
    verified: &mut std::collections::HashSet<String>,
) -> anyhow::Result<bool> {
    let target = match m.kind.as_str() {
        "report" => halls.iter().find(|h| h.county_hall).ok_or_else(|| {
            anyhow!("a report waits at `{}`, but no hall of the halls file is `county_hall = true`", source.id)
        }),
        // Progress on a reported case is the upper hall's to give: a town's outbox that names
        // another town (a machine tampered with) would close that town's case of the same
        // number. Never delivered; on the county's screen with why.
        _ if !source.county_hall => Err(anyhow!(
            "`{}` is not the county hall: only the county hall sends progress on reported cases",
            source.id
        )),
        _ => {
            let to = m.to_hall.as_deref().unwrap_or_default();
            halls.iter().find(|h| h.id == to).ok_or_else(|| anyhow!("no hall `{to}` in the halls file"))
        }
    };
    let target = match target {
        Ok(t) => t,
        Err(e) => {
            // Logged like a failed delivery: the county's screen lists it with why it waits.
            let wanted = m.to_hall.as_deref().filter(|_| m.kind != "report");
            if attempt(pool, source, wanted, m).await? {
                let set = "UPDATE relay_log SET last_error = $3, refused_at = NULL WHERE source_hall = $1 AND key = $2";
                log(pool, set, &[&source.id, &m.key, &format!("{e:#}")]).await?;
            }
            return Err(e);
        }
    };
    if !attempt(pool, source, Some(&target.id), m).await? {
        return Ok(false);
    }
    if !verified.contains(&target.id) {
        let who = crate::follow::hall_at(http, target).await.with_context(|| format!("reaching `{}`", target.id));
        if let Err(e) = who {
            let set = "UPDATE relay_log SET last_error = $3, refused_at = NULL WHERE source_hall = $1 AND key = $2";
            let _ = log(pool, set, &[&source.id, &m.key, &format!("{e:#}")]).await;
            return Err(e);
        }
        verified.insert(target.id.clone());
    }
    let refused = match deliver(http, source, target, m).await {
        Ok(Delivery::Applied) => None,
        Ok(Delivery::Refused(why)) => Some(why),
        Err(e) => {
            let error = format!("{e:#}");
            let set = "UPDATE relay_log SET last_error = $3, refused_at = NULL WHERE source_hall = $1 AND key = $2";
            let _ = log(pool, set, &[&source.id, &m.key, &error]).await;
            return Err(e);
        }
    };
    if let Some(why) = refused {
        tracing::error!(from = %source.id, to = %target.id, key = %m.key, error = %why, "a message its target refuses; left in the outbox, offered again in an hour");
        let set = "UPDATE relay_log SET last_error = $3, refused_at = now() WHERE source_hall = $1 AND key = $2";
        log(pool, set, &[&source.id, &m.key, &why]).await?;
        return Ok(false);
    }
    log(
        pool,
        "UPDATE relay_log SET delivered_at = COALESCE(delivered_at, now()), last_error = NULL, refused_at = NULL
                   WHERE source_hall = $1 AND key = $2",
        &[&source.id, &m.key],
    )
    .await?;
    if let Some(path) = std::env::var_os(PAUSE_BEFORE_ACK) {
        std::fs::write(&path, &m.key)?;
        std::future::pending::<()>().await;
    }
    // Where it went, by name (as the target's own events named it), for the source case's
    // history: 上报材料已送达云岭县政务服务中心.
    let to_hall_name = target_name(pool, &target.id).await;
    ack(http, source, m, json!({ "to_hall_name": to_hall_name })).await?;
    log(pool, "UPDATE relay_log SET acked_at = now() WHERE source_hall = $1 AND key = $2", &[&source.id, &m.key])
        .await?;
    tracing::info!(from = %source.id, to = %target.id, key = %m.key, "relayed");
    Ok(true)
}

/// Takes the county hall's own report out of its outbox, undelivered (`not_relayed`), logged.
async fn keep_home(http: &reqwest::Client, source: &HallEntry, m: &Outgoing) -> anyhow::Result<()> {
    ack(http, source, m, json!({ "not_relayed": true })).await?;
    tracing::info!(hall = %source.id, key = %m.key, "the county hall's own report: its upper level is outside the county, not relayed");
    Ok(())
}

/// Takes a message out of its source's outbox (`body`: where it went, or that it goes nowhere).
async fn ack(http: &reqwest::Client, source: &HallEntry, m: &Outgoing, body: Value) -> anyhow::Result<()> {
    let base = source.url.trim_end_matches('/');
    let ack = http
        .post(format!("{base}/api/relay/outbox/{}/ack", m.id))
        .bearer_auth(&source.token)
        .timeout(Duration::from_secs(10))
        .json(&body)
        .send()
        .await?;
    if !ack.status().is_success() {
        bail!("acknowledging {} at `{}` answered {}", m.key, source.id, ack.status());
    }
    Ok(())
}

/// A hall's name as its events gave it; `None` before the county heard it (or on any error: the
/// name only words a history step).
async fn target_name(pool: &Pool, hall_id: &str) -> Option<String> {
    let client = pool.get().await.ok()?;
    let row = client.query_opt("SELECT name FROM halls WHERE hall_id = $1", &[&hall_id]).await.ok()??;
    row.get(0)
}

/// A message delivered whose acknowledgement the hall took, but whose noting here was lost (the
/// ack's answer lost on the link, or the county stopped between the two), is no longer in the
/// hall's outbox: once the whole outbox has been read, every delivered message of this hall that
/// it did not list is noted acknowledged. Without this its `relay_log` row stayed unacknowledged
/// for good.
///
/// When the whole outbox was read (`complete`), a message never delivered by this county that it
/// no longer lists (held back, then gone another way: a hall restored from a backup, a second
/// county service) is noted too: it waits no more, and the county's screen stops counting it. A
/// hall of an earlier version that repeats its first page is never read whole.
async fn note_taken_acks(pool: &Pool, source: &HallEntry, listed: &[String], complete: bool) -> anyhow::Result<()> {
    log(
        pool,
        "UPDATE relay_log SET acked_at = now()
          WHERE source_hall = $1 AND acked_at IS NULL AND (delivered_at IS NOT NULL OR $3) AND NOT (key = ANY($2))",
        &[&source.id, &listed, &complete],
    )
    .await
}

/// Counts an attempt at the message in `relay_log`; `false` (nothing counted) when its target
/// refused it less than [`REFUSED_RETRY`] ago: it is not offered again yet, nor logged.
async fn attempt(pool: &Pool, source: &HallEntry, target: Option<&str>, m: &Outgoing) -> anyhow::Result<bool> {
    let client = pool.get().await.context("PostgreSQL")?;
    let counted = client
        .query_opt(
            "INSERT INTO relay_log (source_hall, key, message_id, kind, target_hall, attempts)
             VALUES ($1, $2, $3, $4, $5, 1)
             ON CONFLICT (source_hall, key) DO UPDATE SET attempts = relay_log.attempts + 1, message_id = $3,
                 target_hall = EXCLUDED.target_hall, acked_at = NULL
                 WHERE relay_log.refused_at IS NULL OR relay_log.refused_at <= now() - make_interval(secs => $6)
             RETURNING 1",
            &[&source.id, &m.key, &m.id, &m.kind, &target, &REFUSED_RETRY.as_secs_f64()],
        )
        .await?;
    Ok(counted.is_some())
}

/// The messages of a pass held back behind an earlier one to the same target that failed.
#[derive(Default)]
struct Held {
    keys: Vec<String>,
    ids: Vec<i64>,
    kinds: Vec<String>,
    targets: Vec<Option<String>>,
}

impl Held {
    fn push(&mut self, target_id: &str, m: &Outgoing) {
        self.keys.push(m.key.clone());
        self.ids.push(m.id);
        self.kinds.push(m.kind.clone());
        self.targets.push((!target_id.is_empty()).then(|| target_id.to_string()));
    }
}

/// The held-back messages logged (no attempt counted), in one statement per pass, so that the
/// county's screen counts every message waiting, not only the first of each target.
async fn note_waiting(pool: &Pool, source: &HallEntry, held: &Held) -> anyhow::Result<()> {
    if held.keys.is_empty() {
        return Ok(());
    }
    log(
        pool,
        "INSERT INTO relay_log (source_hall, key, message_id, kind, target_hall, attempts)
         SELECT $1, k, i, kd, t, 0 FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[]) AS h(k, i, kd, t)
         ON CONFLICT (source_hall, key) DO UPDATE SET acked_at = NULL WHERE relay_log.acked_at IS NOT NULL",
        &[&source.id, &held.keys, &held.ids, &held.kinds, &held.targets],
    )
    .await
}

/// What became of a delivery the target answered.
enum Delivery {
    Applied,
    /// `422 invalid_message`: the target can never apply it (its error). It stays in its hall's
    /// outbox, not acknowledged, and holds back nothing.
    Refused(String),
}

async fn deliver(
    http: &reqwest::Client,
    source: &HallEntry,
    target: &HallEntry,
    m: &Outgoing,
) -> anyhow::Result<Delivery> {
    let body = json!({
        "key": format!("{}:{}", source.id, m.key),
        "from_hall": source.id,
        "kind": m.kind,
        "body": m.body,
    });
    let res = http
        .post(format!("{}/api/relay/inbox", target.url.trim_end_matches('/')))
        .bearer_auth(&target.token)
        .timeout(Duration::from_secs(10))
        .json(&body)
        .send()
        .await
        .with_context(|| format!("delivering {} to `{}`", m.key, target.id))?;
    let status = res.status();
    if status == reqwest::StatusCode::UNPROCESSABLE_ENTITY {
        return Ok(Delivery::Refused(format!(
            "`{}` refused {}: {}",
            target.id,
            m.key,
            res.text().await.unwrap_or_default()
        )));
    }
    if !status.is_success() {
        bail!("`{}` answered {status} to {}: {}", target.id, m.key, res.text().await.unwrap_or_default());
    }
    Ok(Delivery::Applied)
}

async fn log(pool: &Pool, sql: &str, params: &[&(dyn tokio_postgres::types::ToSql + Sync)]) -> anyhow::Result<()> {
    let client = pool.get().await.context("PostgreSQL")?;
    client.execute(sql, params).await?;
    Ok(())
}

/// A message the county has not seen acknowledged at its source yet, as the county's screen
/// lists it: its name and kind, never what it carries.
#[derive(Debug, Serialize)]
pub struct Waiting {
    pub source_hall: String,
    pub source_name: Option<String>,
    /// `null`: a report with no county hall in the halls file to go to.
    pub target_hall: Option<String>,
    pub target_name: Option<String>,
    /// `report` (a town's 上报件 going up) or `progress` (the upper hall's step coming back).
    pub kind: String,
    /// The source's outbox key (`report:<case number>`, `progress:<hall>:<case number>:<step>`).
    pub key: String,
    pub first_seen: DateTime<Utc>,
    pub attempts: i32,
    /// Why the last attempt failed (the target down, refused, or not in the halls file).
    pub last_error: Option<String>,
    /// Delivered, its acknowledgement at the source still to come.
    pub delivered_at: Option<DateTime<Utc>>,
    /// The target refused it for good: offered again an hour after this.
    pub refused_at: Option<DateTime<Utc>>,
}

/// Every message not acknowledged: how many, and the oldest [`WAITING_LISTED`] of them.
#[derive(Debug, Serialize)]
pub struct Backlog {
    pub count: i64,
    pub oldest: Vec<Waiting>,
}

/// The messages listed at most (the oldest first).
pub const WAITING_LISTED: i64 = 100;

/// The relay's backlog (the partial index of the messages not acknowledged: its cost follows
/// the backlog, not the log's history). Public for the tests' `EXPLAIN`.
pub const BACKLOG: &str = "
SELECT r.source_hall, s.name, r.target_hall, t.name, r.kind, r.key, r.first_seen, r.attempts, r.last_error,
       r.delivered_at, r.refused_at, count(*) OVER () AS waiting
FROM relay_log r LEFT JOIN halls s ON s.hall_id = r.source_hall LEFT JOIN halls t ON t.hall_id = r.target_hall
WHERE r.acked_at IS NULL
ORDER BY r.first_seen, r.source_hall, r.message_id, r.key LIMIT $1";

pub async fn backlog(pool: &Pool) -> anyhow::Result<Backlog> {
    let client = pool.get().await.context("PostgreSQL")?;
    let rows = client.query(BACKLOG, &[&WAITING_LISTED]).await?;
    Ok(Backlog {
        count: rows.first().map_or(0, |r| r.get("waiting")),
        oldest: rows
            .iter()
            .map(|r| Waiting {
                source_hall: r.get(0),
                source_name: r.get(1),
                target_hall: r.get(2),
                target_name: r.get(3),
                kind: r.get(4),
                key: r.get(5),
                first_seen: r.get(6),
                attempts: r.get(7),
                last_error: r.get(8),
                delivered_at: r.get(9),
                refused_at: r.get(10),
            })
            .collect(),
    })
}
