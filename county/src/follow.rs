//! One follower per hall: `GET /api/events` with the hall's county token and `Last-Event-ID`
//! = the high-water mark in PostgreSQL; each burst of events is stored in one transaction
//! together with the new mark and the views. Any failure (the hall, the network, PostgreSQL)
//! drops the stream and starts again from the mark in PostgreSQL after a back-off, so nothing
//! is lost and nothing stored twice: the mark is the guarantee, the primary key
//! (hall_id, event_id) with `ON CONFLICT DO NOTHING` only a belt.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Context};
use chrono::{DateTime, Utc};
use deadpool_postgres::Pool;
use futures_util::{FutureExt, StreamExt};
use serde_json::Value;

/// Stops the followers (the service shutting down).
pub type CancelToken = tokio::sync::watch::Receiver<bool>;

use crate::config::HallEntry;
use crate::sse::{Message, Parser};
use crate::views::{self, Carry};

/// Events stored per transaction at most.
const BATCH: usize = 1000;
/// The back-off between attempts: doubling from the first to the last.
const BACKOFF: (Duration, Duration) = (Duration::from_millis(200), Duration::from_secs(10));
/// A stream silent this long is taken as broken (the hall sends a comment every 10 s).
const SILENCE: Duration = Duration::from_secs(35);

/// What the county knows of a hall's connection now (not kept: it is live state).
#[derive(Debug, Clone, Default)]
pub struct Link {
    pub online: bool,
    /// When the county last heard from the hall: an event or a keep-alive.
    pub last_contact: Option<DateTime<Utc>>,
    /// The last failure, for the log and the hall's page.
    pub error: Option<String>,
}

pub type Links = Arc<Mutex<HashMap<String, Link>>>;

/// Makes sure every configured hall has its row (its mark starts at 0: everything the hall
/// still keeps).
pub async fn register(pool: &Pool, halls: &[HallEntry]) -> anyhow::Result<()> {
    let client = pool.get().await?;
    for h in halls {
        client.execute("INSERT INTO halls (hall_id) VALUES ($1) ON CONFLICT DO NOTHING", &[&h.id]).await?;
    }
    Ok(())
}

pub async fn run(pool: Pool, http: reqwest::Client, hall: HallEntry, links: Links, mut stop: CancelToken) {
    let mut delay = BACKOFF.0;
    loop {
        let outcome = tokio::select! {
            r = follow_once(&pool, &http, &hall, &links) => r,
            _ = stop.changed() => return,
        };
        let was_online = set_link(&links, &hall.id, |l| {
            let was = l.online;
            l.online = false;
            l.error = outcome.as_ref().err().map(|e| format!("{e:#}"));
            was
        });
        match outcome {
            Ok(()) => tracing::info!(hall = %hall.id, "the hall closed its stream; reconnecting"),
            Err(e) => tracing::warn!(hall = %hall.id, error = %format!("{e:#}"), "following the hall failed; retrying"),
        }
        if was_online {
            delay = BACKOFF.0;
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = stop.changed() => return,
        }
        delay = (delay * 2).min(BACKOFF.1);
    }
}

fn set_link<T>(links: &Links, hall: &str, f: impl FnOnce(&mut Link) -> T) -> T {
    let mut map = links.lock().unwrap_or_else(|e| e.into_inner());
    f(map.entry(hall.to_string()).or_default())
}

fn contact(links: &Links, hall: &str) {
    set_link(links, hall, |l| {
        l.online = true;
        l.last_contact = Some(Utc::now());
        l.error = None;
    });
}

/// The hall's identity (`/api/hall`): the right hall at that address, and its name and time
/// zone as it says them now (read again when it says its configuration changed).
async fn identify(pool: &Pool, http: &reqwest::Client, hall: &HallEntry) -> anyhow::Result<()> {
    let info = hall_at(http, hall).await?;
    let client = pool.get().await.context("PostgreSQL")?;
    client
        .execute(
            "UPDATE halls SET name = $2, timezone = $3 WHERE hall_id = $1",
            &[&hall.id, &info.get("name").and_then(Value::as_str), &info.get("timezone").and_then(Value::as_str)],
        )
        .await?;
    Ok(())
}

/// What the server at a hall's address says of itself (`/api/hall`), refused when it is another
/// hall: nothing of another hall is stored, read or delivered under this one's id (a wrong
/// address in the halls file, an address given to another hall).
pub async fn hall_at(http: &reqwest::Client, hall: &HallEntry) -> anyhow::Result<Value> {
    let base = hall.url.trim_end_matches('/');
    let info: Value = http
        .get(format!("{base}/api/hall"))
        .bearer_auth(&hall.token)
        .timeout(Duration::from_secs(10))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    // A server that gives no id cannot be told from another (two towns without one, an address
    // mistyped in the halls file): followed and relayed to only once it names itself.
    match info.get("hall_id").and_then(Value::as_str) {
        Some(id) if id == hall.id => Ok(info),
        Some(id) => bail!("the server at {base} is hall `{id}`, not `{}`: check the halls file", hall.id),
        None => bail!(
            "the server at {base} gives no hall id: set `[hall] id = \"{}\"` in its configuration and restart it",
            hall.id
        ),
    }
}

/// One connection: the hall's identity, then its stream until it ends or fails.
async fn follow_once(pool: &Pool, http: &reqwest::Client, hall: &HallEntry, links: &Links) -> anyhow::Result<()> {
    let base = hall.url.trim_end_matches('/');
    identify(pool, http, hall).await?;
    let mark: i64 = {
        let client = pool.get().await.context("PostgreSQL")?;
        client.query_one("SELECT last_event_id FROM halls WHERE hall_id = $1", &[&hall.id]).await?.get(0)
    };
    let res = http
        .get(format!("{base}/api/events"))
        .bearer_auth(&hall.token)
        .header("Last-Event-ID", mark.to_string())
        .send()
        .await?;
    if !res.status().is_success() {
        let status = res.status();
        // The hall's own words ("sign in again") would mislead the county's reader: the token
        // of the halls file is what is wrong.
        if matches!(status.as_u16(), 401 | 403) {
            bail!(
                "the hall refused the county's token ({status}): check `token` for `{}` in the halls file against the hall's [[counties]] token_sha256",
                hall.id
            );
        }
        bail!("GET /api/events answered {status}: {}", res.text().await.unwrap_or_default());
    }
    contact(links, &hall.id);
    let mut body = res.bytes_stream();
    let mut parser = Parser::default();
    let mut carry = Carry::default();
    loop {
        let first = match tokio::time::timeout(SILENCE, body.next()).await {
            Err(_) => bail!("no word from the hall for {} s", SILENCE.as_secs()),
            Ok(None) => return Ok(()),
            Ok(Some(chunk)) => chunk?,
        };
        let mut messages = parser.feed(&first);
        // A burst: whatever else has already arrived goes into the same transaction.
        let mut ended = false;
        while messages.len() < BATCH {
            match body.next().now_or_never() {
                Some(Some(chunk)) => messages.extend(parser.feed(&chunk?)),
                Some(None) => {
                    ended = true;
                    break;
                }
                None => break,
            }
        }
        if !messages.is_empty() {
            contact(links, &hall.id);
        }
        if messages.iter().any(|m| matches!(m, Message::Event { kind, .. } if kind == "relay_pending")) {
            crate::relay::wake(&hall.id);
        }
        // A new configuration at the hall (renamed, another time zone): read again, so that the
        // screen and the reports name it as it is now, not at the last reconnection.
        let changed = messages.iter().any(|m| matches!(m, Message::Event { kind, .. } if kind == "hall_changed"));
        if messages.iter().any(|m| matches!(m, Message::Event { .. })) {
            store(pool, &hall.id, messages, &mut carry).await?;
        }
        if changed {
            identify(pool, http, hall).await?;
        }
        if ended {
            return Ok(());
        }
    }
}

/// Stores a burst: its events, its gaps, the views and the new mark, in one transaction.
pub async fn store(pool: &Pool, hall: &str, messages: Vec<Message>, carry: &mut Carry) -> anyhow::Result<()> {
    let mut client = pool.get().await.context("PostgreSQL")?;
    let tx = client.transaction().await?;
    // The mark as committed (locked: one writer per hall, even with two services by mistake).
    let mut mark: i64 =
        tx.query_one("SELECT last_event_id FROM halls WHERE hall_id = $1 FOR UPDATE", &[&hall]).await?.get(0);
    let start = mark;
    let now = Utc::now();
    let mut scratch = carry.clone();
    for m in messages {
        let Message::Event { id, kind, data } = m else { continue };
        let Some(id) = id else {
            if kind == "events_missed" {
                let v: Value = serde_json::from_str(&data).unwrap_or(Value::Null);
                if let (Some(a), Some(n)) = (v["after"].as_i64(), v["next"].as_i64()) {
                    scratch.missed = Some((a, n));
                }
            }
            continue;
        };
        if id <= mark {
            // Never asked for: the hall's database went back (restored from a backup: it
            // resumes from its newest id, below the mark), or a second county service follows
            // it. Not stored (the id is taken), but recorded: events are being passed over.
            // One row per run of ids passed over (after_id + 1 ..= next_id - 1, as every gap):
            // a hall restored from an old backup sends thousands; the run grows, not the list.
            tracing::warn!(hall, id, mark, "an event id at or below the mark; not stored");
            // Passed over before (the hall restored twice from the same backup): recorded.
            let known = tx
                .query_opt(
                    "SELECT 1 FROM event_gaps WHERE hall_id = $1 AND cause = 'at_or_below_mark'
                     AND after_id < $2::bigint AND next_id > $2::bigint",
                    &[&hall, &id],
                )
                .await?
                .is_some();
            if known {
                continue;
            }
            let grown = tx
                .execute(
                    "UPDATE event_gaps SET next_id = $2::bigint + 1, noticed_at = $3
                     WHERE hall_id = $1 AND cause = 'at_or_below_mark' AND next_id = $2::bigint",
                    &[&hall, &id, &now],
                )
                .await?;
            if grown == 0 {
                tx.execute(
                    "INSERT INTO event_gaps (hall_id, after_id, next_id, cause, noticed_at)
                     VALUES ($1, $2::bigint - 1, $2::bigint + 1, 'at_or_below_mark', $3) ON CONFLICT DO NOTHING",
                    &[&hall, &id, &now],
                )
                .await?;
            }
            continue;
        }
        if id != mark + 1 {
            let cause =
                if scratch.missed.is_some_and(|(a, n)| a == mark && n == id) { "pruned" } else { "unexplained" };
            tracing::warn!(hall, after = mark, next = id, cause, "events missing from the hall's stream");
            tx.execute(
                "INSERT INTO event_gaps (hall_id, after_id, next_id, cause, noticed_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT DO NOTHING",
                &[&hall, &mark, &id, &cause, &now],
            )
            .await?;
        }
        scratch.missed = None;
        let value: Value = serde_json::from_str(&data).unwrap_or(Value::Null);
        let at = views::at_of(&value).or(scratch.last_at);
        tx.execute(
            "INSERT INTO events (hall_id, event_id, kind, data, at, received_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT DO NOTHING",
            &[&hall, &id, &kind, &data, &at, &now],
        )
        .await?;
        views::apply(&tx, hall, &kind, &value, &mut scratch).await?;
        mark = id;
    }
    if mark != start {
        tx.execute(
            "UPDATE halls SET last_event_id = $2, last_stored_at = $3 WHERE hall_id = $1",
            &[&hall, &mark, &now],
        )
        .await?;
    }
    tx.commit().await?;
    *carry = scratch;
    Ok(())
}
