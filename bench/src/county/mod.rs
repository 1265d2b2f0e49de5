//! The county figures: `hall-county` following 20 real halls into a real PostgreSQL on this
//! machine, beside PostgreSQL's own durable commit measured in the same run.
//!
//! 1. **limit**: single-row INSERT commits on the cluster (fsync and synchronous_commit on).
//! 2. **catch-up ingest**: each hall first runs a compressed busy day with the county down (a
//!    backlog, as after a day offline), then the county starts; events/s from its listening
//!    to every hall's mark in PostgreSQL reaching the hall's newest event id, then the stored
//!    events counted against the halls' (exactly once). County and PostgreSQL CPU per event.
//! 3. **a busy morning**: `hall-sim`'s multi-hall run at every hall at once at the morning
//!    peak's rate in real time, the county following; every issue, first call and finish is a
//!    probe whose lag to the county's PostgreSQL is measured (see [`lag`]).
//! 4. **the dashboard** during that morning: a second county service on a second database of
//!    the same cluster holding a year of 20 halls' history ([`history`]), asked for
//!    `GET /api/county/halls` and a hall's page in turn, beside its `GET /api/health` (one
//!    `SELECT 1` through the same HTTP and pool) as the limit.

mod history;
mod lag;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use hall_sim::{halls, plan, Arrivals, Shape, SimConfig};
use reqwest::Client;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::pg::{self, Postgres};
use crate::stats::Samples;
use crate::{child, day, line};

pub struct Sizes {
    pub halls: usize,
    pub pg_commits: usize,
    /// Tickets of the compressed day at each hall while the county is down.
    pub backlog_tickets: usize,
    /// The busy morning: simulated minutes, and simulated minutes per real minute.
    pub morning_minutes: f64,
    pub morning_speed: f64,
    /// The dashboard's history: calendar days back (working days only) and tickets per hall
    /// and working day.
    pub history_days: i64,
    pub history_tickets: i64,
    /// The dashboard at a province's size: halls, and their (short) history.
    pub province_halls: usize,
    pub province_days: i64,
    pub province_tickets: i64,
    /// Dashboard requests of each kind at that size.
    pub province_queries: usize,
}

impl Sizes {
    pub fn new(quick: bool) -> Sizes {
        if quick {
            // A few seconds of county work: 4 halls, a short compressed morning, a week of history.
            Sizes {
                halls: 4,
                pg_commits: 50,
                backlog_tickets: 10,
                morning_minutes: 10.0,
                morning_speed: 200.0,
                history_days: 7,
                history_tickets: 50,
                province_halls: 40,
                province_days: 7,
                province_tickets: 5,
                province_queries: 5,
            }
        } else {
            Sizes {
                halls: 20,
                pg_commits: 2_000,
                backlog_tickets: 200,
                morning_minutes: 4.0,
                morning_speed: 1.0,
                history_days: 365,
                history_tickets: 200,
                province_halls: 2_000,
                province_days: 7,
                province_tickets: 10,
                province_queries: 50,
            }
        }
    }
}

/// The county service, in a child process of this binary (`hall-bench serve-county`).
struct CountyProcess {
    child: Child,
    base: String,
    pid: u32,
    /// When it printed that it listens (its migrations done, its followers started).
    listening: Instant,
}

async fn start_county(database_url: &str, halls_file: &Path) -> anyhow::Result<CountyProcess> {
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.arg("serve-county")
        .arg("--database-url")
        .arg(database_url)
        .arg("--halls")
        .arg(halls_file)
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    let mut child = cmd.spawn()?;
    let stdout = child.stdout.take().context("no stdout")?;
    let line = tokio::time::timeout(Duration::from_secs(60), BufReader::new(stdout).lines().next_line())
        .await
        .context("the county service did not start within 60 s")??
        .context("the county service exited before listening")?;
    let listening = Instant::now();
    let Some(base) = line.strip_prefix(hall_county::LISTENING_ON) else { bail!("unexpected first line: {line}") };
    let pid = child.id().context("no pid")?;
    Ok(CountyProcess { child, base: base.to_string(), pid, listening })
}

/// Each hall's newest event id, from its own database (read-only, beside the running server).
fn newest_event(db: &Path) -> anyhow::Result<i64> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    Ok(conn.query_row("SELECT COALESCE(max(id), 0) FROM events", [], |r| r.get(0))?)
}

async fn marks(db: &tokio_postgres::Client) -> anyhow::Result<i64> {
    Ok(db.query_one("SELECT COALESCE(sum(last_event_id), 0)::bigint FROM halls", &[]).await?.get(0))
}

/// The cluster's WAL flushes so far (each a durable commit's fsync, shared by the commits it
/// carries): reads, which commit too, are not in it.
async fn wal_flushes(db: &tokio_postgres::Client) -> anyhow::Result<i64> {
    Ok(db.query_one("SELECT wal_sync FROM pg_stat_wal", &[]).await?.get(0))
}

/// Waits until the county's marks add up to `total` (at most `within`); answers when.
async fn caught_up(db: &tokio_postgres::Client, total: i64, within: Duration) -> anyhow::Result<Instant> {
    let deadline = Instant::now() + within;
    loop {
        let m = marks(db).await?;
        if m >= total {
            return Ok(Instant::now());
        }
        if Instant::now() > deadline {
            bail!("the county stays at {m} of the halls' {total} events");
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn county_token(http: &Client, base: &str) -> anyhow::Result<String> {
    let r = http
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"username": "county", "password": "demo"}))
        .send()
        .await?
        .error_for_status()?;
    Ok(r.json::<Value>().await?["token"].as_str().context("no token")?.to_string())
}

/// PostgreSQL's durable single-row commit on this cluster.
async fn durable_commits(db: &tokio_postgres::Client, n: usize) -> anyhow::Result<(f64, Samples)> {
    db.batch_execute("CREATE TABLE t (id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL)").await?;
    let insert = db.prepare("INSERT INTO t (payload) VALUES ($1)").await?;
    let mut lat = Samples::default();
    let start = Instant::now();
    for i in 0..n {
        let t = Instant::now();
        db.execute(&insert, &[&format!("event {i}")]).await?;
        lat.push(t.elapsed());
    }
    Ok((n as f64 / start.elapsed().as_secs_f64(), lat))
}

pub async fn run(dir: &Path, s: &Sizes, http: &Client) -> anyhow::Result<()> {
    let Some(bin) = pg::binaries() else {
        println!(
            "\n(county figures skipped: no PostgreSQL server in /usr/lib/postgresql/*/bin; apt-get install postgresql)"
        );
        return Ok(());
    };
    let pg = Postgres::start(&bin, dir)?;
    let admin = pg.client("postgres").await?;
    for db in ["bench", "county_live", "county_year", "county_province"] {
        admin.batch_execute(&format!("CREATE DATABASE {db}")).await?;
    }
    let (per_second, lat) = durable_commits(&pg.client("bench").await?, s.pg_commits).await?;
    let commit_p99 = lat.pct_ms(99.0);
    println!(
        "\ncounty: {} halls (the sample town hall each, own process and SQLite) → hall-county → {}\n\
         limit: PostgreSQL durable single-row commit (fsync, synchronous_commit on): {per_second:.0}/s, p50 {:.2} ms, p99 {commit_p99:.2} ms",
        s.halls,
        pg.version,
        lat.pct_ms(50.0)
    );

    // The halls.
    let ids: Vec<String> = (1..=s.halls).map(halls::hall_id).collect();
    let mut servers = Vec::new();
    let mut dbs: Vec<PathBuf> = Vec::new();
    for (n, id) in ids.iter().enumerate() {
        let config = dir.join(format!("{id}.toml"));
        std::fs::write(&config, halls::hall_toml(halls::SAMPLE_HALL, id, n + 1)?)?;
        let db = dir.join(format!("{id}.db"));
        servers.push(child::start(&db, Some(&config)).await?);
        dbs.push(db);
    }
    let bases: Vec<String> = servers.iter().map(|h| h.base.clone()).collect();

    // A backlog at every hall, the county down.
    let t = Instant::now();
    let mut days = Vec::new();
    for base in &bases {
        let (http, base, n) = (http.clone(), base.clone(), s.backlog_tickets);
        days.push(tokio::spawn(async move { day::busy_day(&http, &base, n).await }));
    }
    for d in days {
        d.await??;
    }
    let backlog: i64 = dbs.iter().map(|d| newest_event(d)).sum::<anyhow::Result<i64>>()?;
    let backlog_secs = t.elapsed().as_secs_f64();

    // The county starts and catches up.
    let live = pg.client("county_live").await?;
    let halls_file = dir.join("county-halls.toml");
    let entries: Vec<(String, String)> = ids.iter().cloned().zip(bases.iter().cloned()).collect();
    std::fs::write(&halls_file, halls::county_halls_file(&entries, "demo-county"))?;
    let pg_cpu_before = pg.cpu_ticks();
    let flushes_before = wal_flushes(&admin).await?;
    let county = start_county(&pg.url("county_live"), &halls_file).await?;
    let cpu_before = crate::proc::cpu_ticks(county.pid);
    let done = caught_up(&live, backlog, Duration::from_secs(900)).await?;
    let secs = (done - county.listening).as_secs_f64();
    let (cpu_after, pg_cpu_after) = (crate::proc::cpu_ticks(county.pid), pg.cpu_ticks());
    let flushes_after = wal_flushes(&admin).await?;
    let rate = backlog as f64 / secs;
    let stored: i64 = live.query_one("SELECT count(*) FROM events", &[]).await?.get(0);
    let gaps: i64 = live.query_one("SELECT count(*) FROM event_gaps", &[]).await?.get(0);

    // The busy morning at every hall, the county following, the dashboard asked meanwhile.
    let year = pg.client("county_year").await?;
    hall_county::db::migrate(&hall_county::db::pool(&pg.url("county_year"))?).await?;
    let t = Instant::now();
    let loaded = history::load(&year, &ids, s.history_days, s.history_tickets).await?;
    let load_secs = t.elapsed().as_secs_f64();
    // Its halls are not reachable (port 9): the second service only answers the dashboard.
    let year_file = dir.join("county-year-halls.toml");
    let offline: Vec<(String, String)> = ids.iter().map(|id| (id.clone(), "http://127.0.0.1:9".to_string())).collect();
    std::fs::write(&year_file, halls::county_halls_file(&offline, "demo-county"))?;
    let dashboard = start_county(&pg.url("county_year"), &year_file).await?;
    let token = county_token(http, &dashboard.base).await?;

    let before_morning: i64 = dbs.iter().map(|d| newest_event(d)).sum::<anyhow::Result<i64>>()?;
    let per_hour = plan::peak_per_hour(plan::BUSY_DAY_TICKETS);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let cfg = SimConfig {
        server: String::new(),
        kiosk_token: "demo-kiosk".into(),
        clerk_password: "demo".into(),
        tickets: 0,
        speed: s.morning_speed,
        seed: 15,
        verbose: false,
        days: 0,
    };
    let shape = Shape { arrivals: Arrivals::Steady { per_hour, minutes: s.morning_minutes }, probes: Some((0, tx)) };
    let pending = Arc::new(Mutex::new(lag::Pending::default()));
    let morning_over = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let collect = {
        let pending = pending.clone();
        tokio::spawn(async move {
            let mut sent = Vec::new();
            while let Some(p) = rx.recv().await {
                sent.push(p.sent);
                pending.lock().unwrap_or_else(|e| e.into_inner()).add(p);
            }
            sent.len()
        })
    };
    let poll = {
        let (pending, over, ids) = (pending.clone(), morning_over.clone(), ids.clone());
        let db = pg.client("county_live").await?;
        let statement = db.prepare(lag::SHOWN).await?;
        tokio::spawn(async move {
            let mut lags = Samples::default();
            loop {
                let (h, t, i) = pending.lock().unwrap_or_else(|e| e.into_inner()).params(&ids);
                let rows = db.query(&statement, &[&h, &t, &i]).await?;
                let shown: Vec<lag::Shown> = rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
                let seen = pending.lock().unwrap_or_else(|e| e.into_inner()).seen(&shown, Instant::now());
                for d in seen {
                    lags.push(d);
                }
                let left = pending.lock().unwrap_or_else(|e| e.into_inner()).is_empty();
                if over.load(std::sync::atomic::Ordering::Relaxed) && left {
                    return anyhow::Ok(lags);
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let asking = {
        let (http, base, over, ids) = (http.clone(), dashboard.base.clone(), morning_over.clone(), ids.clone());
        tokio::spawn(async move {
            let (mut list, mut page, mut health) = (Samples::default(), Samples::default(), Samples::default());
            let mut k = 0usize;
            while !over.load(std::sync::atomic::Ordering::Relaxed) {
                for (path, into) in [
                    ("/api/county/halls".to_string(), &mut list),
                    (format!("/api/county/halls/{}", ids[k % ids.len()]), &mut page),
                    ("/api/health".to_string(), &mut health),
                ] {
                    let t = Instant::now();
                    let r = http.get(format!("{base}{path}")).bearer_auth(&token).send().await?;
                    let status = r.status();
                    let body = r.bytes().await?;
                    into.push(t.elapsed());
                    if !status.is_success() {
                        bail!("GET {path}: {status} {}", String::from_utf8_lossy(&body));
                    }
                }
                k += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            anyhow::Ok((list, page, health))
        })
    };
    let t = Instant::now();
    let summaries = halls::drive(&bases, &cfg, &shape).await?;
    let morning_secs = t.elapsed().as_secs_f64();
    drop(shape);
    let after_morning: i64 = dbs.iter().map(|d| newest_event(d)).sum::<anyhow::Result<i64>>()?;
    let probes = collect.await?;
    morning_over.store(true, std::sync::atomic::Ordering::Relaxed);
    let lags = tokio::time::timeout(Duration::from_secs(120), poll).await.context("probes never seen")???;
    let (list, page, health) = asking.await??;
    let total = caught_up(&live, after_morning, Duration::from_secs(60)).await;
    let stored_after: i64 = live.query_one("SELECT count(*) FROM events", &[]).await?.get(0);
    let sizes_mb = pg.size_mb();
    drop(county.child);
    drop(dashboard.child);
    for h in servers {
        h.stop().await;
    }

    // The dashboard of a province's halls on one service (each hall's windows, queues, running
    // cases and days as above, a week of history), nothing else running.
    let province_ids: Vec<String> = (1..=s.province_halls).map(halls::hall_id).collect();
    let province = pg.client("county_province").await?;
    hall_county::db::migrate(&hall_county::db::pool(&pg.url("county_province"))?).await?;
    let province_loaded = history::load(&province, &province_ids, s.province_days, s.province_tickets).await?;
    let province_file = dir.join("county-province-halls.toml");
    let offline: Vec<(String, String)> =
        province_ids.iter().map(|id| (id.clone(), "http://127.0.0.1:9".to_string())).collect();
    std::fs::write(&province_file, halls::county_halls_file(&offline, "demo-county"))?;
    let big = start_county(&pg.url("county_province"), &province_file).await?;
    let token = county_token(http, &big.base).await?;
    let (mut big_list, mut big_page) = (Samples::default(), Samples::default());
    for k in 0..s.province_queries + 3 {
        for (path, into) in [
            ("/api/county/halls".to_string(), &mut big_list),
            (format!("/api/county/halls/{}", province_ids[(k * 37) % province_ids.len()]), &mut big_page),
        ] {
            let t = Instant::now();
            let r = http.get(format!("{}{path}", big.base)).bearer_auth(&token).send().await?.error_for_status()?;
            let body = r.bytes().await?;
            if k >= 3 {
                into.push(t.elapsed());
            }
            if body.is_empty() {
                bail!("GET {path}: an empty answer");
            }
        }
    }
    drop(big.child);

    // The figures.
    println!("{:<46} {:>18} {:>16} {:>7}  {:<9}", "county figure", "value", "limit", "ratio", "goal");
    let morning_rate = (after_morning - before_morning) as f64 / morning_secs;
    let ratio = rate / per_second;
    line(
        &format!("catch-up ingest, {} halls (events/s stored)", s.halls),
        format!("{rate:.0}/s"),
        format!("{per_second:.0} commits/s"),
        Some(ratio),
        "",
        None,
    );
    let headroom = rate / morning_rate.max(0.001);
    line(
        "  over the busy morning's rate of these halls",
        format!("{headroom:.0}×"),
        format!("{morning_rate:.1}/s"),
        None,
        "≥ 10×",
        Some(headroom >= 10.0),
    );
    line(
        &format!("  stored once ({backlog} events in {secs:.1} s)"),
        format!("{stored} / {backlog}"),
        format!("gaps {gaps}"),
        None,
        "equal",
        Some(stored == backlog && gaps == 0),
    );
    let txs = (flushes_after - flushes_before).max(1);
    line(
        "  PostgreSQL WAL flushes/s, events per flush",
        format!("{:.0}/s, {:.1}", txs as f64 / secs, backlog as f64 / txs as f64),
        String::new(),
        None,
        "",
        None,
    );
    if let (Some(b), Some(a)) = (cpu_before, cpu_after) {
        let per_k = (a - b) as f64 * 10.0 / backlog.max(1) as f64 * 1000.0;
        let pg_per_k = match (pg_cpu_before, pg_cpu_after) {
            (Some(b), Some(a)) => {
                format!("{:.0} ms", (a.saturating_sub(b)) as f64 * 10.0 / backlog.max(1) as f64 * 1000.0)
            }
            _ => "?".into(),
        };
        line(
            "  CPU per 1,000 events: county / PostgreSQL",
            format!("{per_k:.0} ms / {pg_per_k}"),
            String::new(),
            None,
            "",
            None,
        );
    }
    println!(
        "  (the backlog: a compressed {}-ticket day at each hall, written in {backlog_secs:.1} s)",
        s.backlog_tickets
    );
    let issued: usize = summaries.iter().map(|x| x.issued).sum();
    let finished: usize = summaries.iter().map(|x| x.finished).sum();
    line(
        &format!("busy morning, {} halls × {per_hour:.0}/h (events/s)", s.halls),
        format!("{morning_rate:.1}/s"),
        String::new(),
        None,
        "",
        None,
    );
    line(
        &format!("  stored once ({issued} issued, {finished} finished)"),
        format!("{} / {}", stored_after - stored, after_morning - before_morning),
        String::new(),
        None,
        "equal",
        Some(total.is_ok() && stored_after == after_morning),
    );
    let lag99 = lags.pct_ms(99.0);
    line(
        &format!("lag p99, hall write → queryable at the county ({})", lags.len()),
        format!("{lag99:.0} ms"),
        format!("commit {commit_p99:.1} ms"),
        None,
        "≤ 2 s",
        Some(lag99 <= 2000.0 && lags.len() == probes),
    );
    line(
        "  lag p50 / max",
        format!("{:.0} / {:.0} ms", lags.pct_ms(50.0), lags.pct_ms(100.0)),
        String::new(),
        None,
        "",
        None,
    );
    let health99 = health.pct_ms(99.0);
    for (what, samples) in [("GET /api/county/halls", &list), ("GET /api/county/halls/{id}", &page)] {
        let p99 = samples.pct_ms(99.0);
        line(
            &format!("dashboard {what} p99 ({})", samples.len()),
            format!("{p99:.1} ms"),
            format!("health {health99:.1} ms"),
            Some(p99 / health99),
            "≤ 200 ms",
            Some(p99 <= 200.0),
        );
        line("  p50", format!("{:.1} ms", samples.pct_ms(50.0)), String::new(), None, "", None);
    }
    println!(
        "  (the history of {} halls: {} days back, {} tickets a working day each: {} tickets, {} events, {} cases running; \
         written in PostgreSQL in {load_secs:.0} s; the cluster {sizes_mb:.0} MB)",
        s.halls, s.history_days, s.history_tickets, loaded.tickets, loaded.events, loaded.open_cases
    );
    for (what, samples) in [("GET /api/county/halls", &big_list), ("GET /api/county/halls/{id}", &big_page)] {
        let p99 = samples.pct_ms(99.0);
        line(
            &format!("  {what} p99, {} halls ({})", s.province_halls, samples.len()),
            format!("{p99:.1} ms"),
            format!("p50 {:.1} ms", samples.pct_ms(50.0)),
            None,
            "",
            None,
        );
    }
    println!(
        "  ({} halls, {} days back, {} tickets a working day each: {} events, {} cases running)",
        s.province_halls, s.province_days, s.province_tickets, province_loaded.events, province_loaded.open_cases
    );
    Ok(())
}
