//! Cases (办件): the finish that registers one, under several clerks at once, and the overdue
//! query (the case list's and the director's panel) on a hall with many closed cases.

use std::collections::HashMap;
use std::ffi::{c_int, c_uint, c_void, CStr};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{bail, Context};
use chrono::{Duration, NaiveDate, Utc};
use reqwest::Client;
use rusqlite::{ffi, params, Connection};
use serde_json::{json, Value};

use crate::stats::Samples;

/// The finish's body for each kind, with its particulars; the mix of a hall's day.
fn finish_body(k: usize) -> Value {
    match k % 20 {
        0..=11 => json!({"outcome": "immediate"}),
        12..=14 => json!({"outcome": "promised", "applicant_name": "张三", "applicant_phone": "13800001234"}),
        15 => json!({"outcome": "supplement", "missing_materials": ["户口簿复印件"]}),
        16 => json!({"outcome": "returned", "return_ground": "main_material_missing", "reason": "主件不全"}),
        17 => json!({"outcome": "joint", "departments": ["残联", "县卫健局"]}),
        18 => json!({"outcome": "reported", "authority": "县行政审批局"}),
        _ => json!({"outcome": "promised"}),
    }
}

/// `clerks` clerks at once, each calling, starting and finishing `per_clerk` tickets of their
/// window's matters on a server with those tickets waiting; the finishes' latencies (each
/// finish registers its case in the same transaction).
pub async fn finish_latency(http: &Client, base: &str, clerks: usize, per_clerk: usize) -> anyhow::Result<Samples> {
    let services: Vec<Value> = http.get(format!("{base}/api/services")).send().await?.json().await?;
    let windows: Vec<Value> = http.get(format!("{base}/api/windows")).send().await?.json().await?;
    let mut at_windows: Vec<(String, u64, Vec<String>)> = windows
        .iter()
        .map(|w| {
            let id = w["id"].as_str().unwrap_or_default().to_string();
            let ms: Vec<String> = services
                .iter()
                .filter(|s| s["windows"].as_array().is_some_and(|ws| ws.iter().any(|x| x == &json!(id))))
                .filter(|s| crate::load::walk_in(s) && crate::load::promises(s))
                .map(|s| s["id"].as_str().unwrap_or_default().to_string())
                .collect();
            (id, w["number"].as_u64().unwrap_or_default(), ms)
        })
        .filter(|(_, _, ms)| !ms.is_empty())
        .collect();
    at_windows.truncate(clerks);
    if at_windows.len() < clerks {
        bail!("the hall has {} windows with matters, {clerks} clerks asked", at_windows.len());
    }
    // The tickets wait first: each window's share, spread over its matters.
    for (_, _, ms) in &at_windows {
        for i in 0..per_clerk + 2 {
            crate::load::issue(http, base, "demo-kiosk", &ms[i % ms.len()]).await?;
        }
    }
    let mut tasks = Vec::new();
    for (c, (window, number, matters)) in at_windows.into_iter().enumerate() {
        let (http, base) = (http.clone(), base.to_string());
        tasks.push(tokio::spawn(async move {
            let login = json!({"username": format!("clerk{number}"), "password": "demo", "window_id": window});
            let session: Value = http.post(format!("{base}/api/auth/login")).json(&login).send().await?.json().await?;
            let token = session["token"].as_str().context("clerk login")?.to_string();
            let post = |path: String, body: Value| {
                let (http, token) = (http.clone(), token.clone());
                async move { http.post(path).bearer_auth(token).json(&body).send().await }
            };
            let mut lat = Samples::default();
            for k in 0..per_clerk {
                // Windows share queues: a neighbour may have called this window's tickets.
                let mut called = post(format!("{base}/api/windows/{window}/call-next"), json!({})).await?;
                if called.status() == 204 {
                    crate::load::issue(&http, &base, "demo-kiosk", &matters[k % matters.len()]).await?;
                    called = post(format!("{base}/api/windows/{window}/call-next"), json!({})).await?;
                }
                if called.status() != 200 {
                    bail!("call-next at {window}: {}", called.status());
                }
                post(format!("{base}/api/windows/{window}/start"), json!({})).await?;
                let t = Instant::now();
                let res = post(format!("{base}/api/windows/{window}/finish"), finish_body(k * 7 + c)).await?;
                lat.push(t.elapsed());
                let status = res.status();
                let v: Value = res.json().await?;
                if status != 200 || v["case"]["number"].as_str().is_none() {
                    bail!("finish at {window}: {status} {v}");
                }
            }
            Ok::<_, anyhow::Error>(lat)
        }));
    }
    let mut all = Samples::default();
    for t in tasks {
        all.extend(t.await??);
    }
    Ok(all)
}

/// The running cases of the overdue figure, the same at every size.
#[derive(Clone, Copy)]
pub struct Running {
    /// Open cases with a running deadline, `overdue` of them past it.
    pub open: usize,
    pub overdue: usize,
    /// 补办件 waiting for materials.
    pub awaiting: usize,
}

/// The server's local day (the sample hall's Asia/Shanghai) by the wall clock it reads.
pub fn local_today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

/// A fresh database with `total` cases (and their tickets and first history step) written
/// directly: the `running` ones registered over the last weeks, every other one closed, spread
/// over the days before. The running cases are the same whatever `total` is.
pub fn seed(path: &Path, total: usize, running: Running, today: NaiveDate) -> anyhow::Result<()> {
    let n_running = running.open + running.awaiting;
    if total < n_running {
        bail!("{total} cases cannot hold {n_running} running ones");
    }
    let mut conn = hall_server::store::open_writer(path)?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    let tx = conn.transaction()?;
    {
        let mut ticket = tx.prepare(
            "INSERT INTO tickets (id, day, queue, seq, number, service_id, prio_rank, status, issued_at, queued_at,
                                  called_at, started_at, finished_at, window_id, first_window_id, outcome, device)
             VALUES (?1, ?2, 'minzheng', ?3, ?4, 'mz-dibao', 1, 'done', ?5, ?5, ?6, ?6, ?7, 'w02', 'w02', ?8, 'kiosk-lobby-1')",
        )?;
        let mut case = tx.prepare(
            "INSERT INTO cases (id, number, day, seq, ticket_id, service_id, window_id, clerk, first_window_id, kind,
                 state, result, check_code, token, accepted_on, clock_from, deadline, promised_days, supplement_until,
                 detail, created_at, closed_at, archive_days, archived_at, archive_tracked)
             VALUES (?1, ?2, ?3, ?4, ?1, 'mz-dibao', 'w02', 'clerk2', 'w02', ?5, ?6, ?7, ?8, ?9, ?3, ?10, ?11, 30, ?12,
                 ?13, ?14, ?15, ?16, ?17, 1)",
        )?;
        let mut step = tx.prepare(
            "INSERT INTO case_steps (case_id, at, by, action, text) VALUES (?1, ?2, 'clerk2', 'registered', '2号窗口受理')",
        )?;
        let detail =
            json!({"missing": [], "return_ground": null, "reason": null, "note": null, "parts": [], "authority": null})
                .to_string();
        // Day by day backwards from yesterday: the running cases first (the recent weeks), then
        // the closed ones, 200 a day.
        let mut seq_of_day: HashMap<NaiveDate, u32> = HashMap::new();
        for i in 0..total {
            let back = 1 + (i / 40).min(20) as i64 + if i < n_running { 0 } else { (i - n_running) as i64 / 200 };
            let day = today - Duration::days(back);
            let seq = {
                let s = seq_of_day.entry(day).or_default();
                *s += 1;
                *s
            };
            let id = i as i64 + 1;
            let at = day.and_hms_opt(1, 0, 0).context("time")?.and_utc().timestamp_millis() + i64::from(seq) * 60_000;
            let (kind, state, result, clock_from, deadline, until) = if i < running.open {
                let deadline = if i < running.overdue {
                    today - Duration::days(1 + (i % 10) as i64)
                } else {
                    today + Duration::days((i % 30) as i64)
                };
                let kind = ["promised", "joint", "reported"][i % 3];
                (kind, "open", None, Some(day), Some(deadline), None)
            } else if i < n_running {
                ("supplement", "awaiting_materials", None, None, None, Some(today + Duration::days((i % 40) as i64)))
            } else {
                let (kind, result) = match i % 10 {
                    0..=5 => ("immediate", "done"),
                    6 | 7 => ("promised", "done"),
                    8 => ("returned", "returned"),
                    _ => ("supplement", "expired"),
                };
                (kind, "closed", Some(result), None, None, None)
            };
            let number = format!("{}-{seq:04}", day.format("%Y%m%d"));
            let date = |d: Option<NaiveDate>| d.map(|d| d.to_string());
            ticket.execute(params![
                id,
                day.to_string(),
                seq,
                format!("B{seq:03}"),
                at,
                at + 60_000,
                at + 600_000,
                kind
            ])?;
            case.execute(params![
                id,
                number,
                day.to_string(),
                seq,
                kind,
                state,
                result,
                format!("{:06X}", id % 0xFF_FFFF),
                format!("{id:032x}"),
                date(clock_from),
                date(deadline),
                date(until),
                detail,
                at + 600_000,
                (state == "closed").then_some(at + 600_000),
                // R17: files kept 5 working days; archived the next day, but one in 50 left out
                // (a backlog the director's panel counts up to its cap).
                (state == "closed").then_some(5),
                (state == "closed" && i % 50 != 0).then_some(at + 600_000 + 86_400_000),
            ])?;
            step.execute(params![id, at + 600_000])?;
        }
    }
    tx.commit()?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
    Ok(())
}

/// Sequential timings of the overdue list and of the director's page (with its case panel).
pub struct Overdue {
    pub list: Samples,
    pub today: Samples,
}

pub async fn overdue_queries(http: &Client, base: &str, repeats: usize, running: Running) -> anyhow::Result<Overdue> {
    let login = json!({"username": "director", "password": "demo"});
    let session: Value = http.post(format!("{base}/api/auth/login")).json(&login).send().await?.json().await?;
    let token = session["token"].as_str().context("director login")?.to_string();
    let get = |path: &str| http.get(format!("{base}{path}")).bearer_auth(&token).send();
    // What the server answers is what was seeded.
    let list: Vec<Value> = get("/api/cases?due=overdue&limit=1000").await?.json().await?;
    let page: Value = get("/api/director/today").await?.json().await?;
    let panel = &page["cases"];
    if list.len() != running.overdue
        || panel["overdue"] != running.overdue
        || panel["open"] != running.open + running.awaiting
    {
        bail!("the seeded cases are not what the server lists: {} overdue listed, panel {panel}", list.len());
    }
    let mut out = Overdue { list: Samples::default(), today: Samples::default() };
    for i in 0..repeats + 5 {
        let t = Instant::now();
        let res = get("/api/cases?due=overdue").await?;
        let ok = res.status().is_success();
        res.bytes().await?;
        let list = t.elapsed();
        let t = Instant::now();
        let res = get("/api/director/today").await?;
        let ok = ok && res.status().is_success();
        res.bytes().await?;
        let today = t.elapsed();
        if !ok {
            bail!("an overdue query failed");
        }
        // The first few warm the caches.
        if i >= 5 {
            out.list.push(list);
            out.today.push(today);
        }
    }
    Ok(out)
}

/// A statement of the server's case reads whose plan scans every case.
pub struct Scan {
    /// Which read runs it, and where (`server/src/store/cases.rs`).
    pub read: &'static str,
    pub statement: String,
    pub plan: Vec<String>,
}

/// What the check found: statements of the overdue list and the director's panel, and of the
/// other case reads, with those that scan every case.
pub struct Plans {
    pub overdue_statements: usize,
    pub overdue_scans: Vec<Scan>,
    pub other_statements: usize,
    pub other_scans: Vec<Scan>,
}

unsafe extern "C" fn record_statement(kind: c_uint, ctx: *mut c_void, stmt: *mut c_void, _x: *mut c_void) -> c_int {
    if kind == ffi::SQLITE_TRACE_STMT as c_uint {
        // SAFETY: `ctx` is the `Mutex` that `case_read_plans` keeps alive while tracing; `stmt`
        // is the statement starting, whose expanded text SQLite allocates and we free.
        unsafe {
            let seen = &*(ctx as *const Mutex<Vec<String>>);
            let text = ffi::sqlite3_expanded_sql(stmt as *mut ffi::sqlite3_stmt);
            if !text.is_null() {
                seen.lock().expect("trace").push(CStr::from_ptr(text).to_string_lossy().into_owned());
                ffi::sqlite3_free(text as *mut c_void);
            }
        }
    }
    0
}

type Read<'a> = (&'static str, bool, Box<dyn Fn(&Connection) -> rusqlite::Result<()> + 'a>);

/// The statements the server's case reads run, captured by SQLite's trace from the server's own
/// store functions (`hall_server::store::cases`, with the filters the handlers build), each with
/// its query plan on `db`; those that scan every case (or a whole index of every case) are
/// answered with their plan. The overdue list and the director's panel are counted apart.
pub fn case_read_plans(db: &Path, today: NaiveDate) -> anyhow::Result<Plans> {
    use hall_server::store::cases::{self, Filter};
    let conn = Connection::open(db)?;
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    // SAFETY: the callback reads `seen` through the pointer; tracing is switched off below,
    // before `seen` can be dropped.
    unsafe {
        let ctx = Arc::as_ptr(&seen) as *mut c_void;
        ffi::sqlite3_trace_v2(conn.handle(), ffi::SQLITE_TRACE_STMT as c_uint, Some(record_statement), ctx);
    }
    let soon = today + Duration::days(1);
    let today_ms = hall_server::store::local_day_ms(today, hall_server::config::sample().timezone);
    let list = |f: Filter| move |c: &Connection| cases::list(c, &f).map(|_| ());
    let reads: Vec<Read> = vec![
        (
            "overdue list and panel: cases::list (due=overdue)",
            true,
            Box::new(list(Filter { due_before: Some(today), limit: 200, ..Default::default() })),
        ),
        ("panel: cases::running_counts", true, Box::new(|c| cases::running_counts(c).map(|_| ()))),
        ("panel: cases::due_counts", true, Box::new(|c| cases::due_counts(c, today, soon).map(|_| ()))),
        ("panel: cases::registered_between", true, Box::new(|c| cases::registered_between(c, today_ms).map(|_| ()))),
        (
            "GET /api/cases?due=soon: cases::list",
            false,
            Box::new(list(Filter { due_by: Some(soon), limit: 200, ..Default::default() })),
        ),
        (
            "GET /api/cases (not closed): cases::list",
            false,
            Box::new(list(Filter { limit: 200, ..Default::default() })),
        ),
        (
            "GET /api/cases?state=closed: cases::list",
            false,
            Box::new(list(Filter {
                state: Some(hall_server::domain::case::CaseState::Closed),
                limit: 200,
                ..Default::default()
            })),
        ),
        (
            "GET /api/cases?window=w02: cases::list",
            false,
            Box::new(list(Filter { window: Some("w02".into()), limit: 200, ..Default::default() })),
        ),
        ("sweeper: cases::supplements_past", false, Box::new(|c| cases::supplements_past(c, today).map(|_| ()))),
        ("calendar year added: cases::pending_dates", false, Box::new(|c| cases::pending_dates(c).map(|_| ()))),
        ("panel: cases::files_out (R17)", true, Box::new(|c| cases::files_out(c, "w02", 101).map(|_| ()))),
        (
            "GET /api/windows/w02/to-archive: cases::to_archive",
            false,
            Box::new(|c| cases::to_archive(c, "w02", 200).map(|_| ())),
        ),
    ];
    let mut ran = Vec::new();
    for (read, overdue, f) in &reads {
        let result = f(&conn);
        let statements = std::mem::take(&mut *seen.lock().expect("trace"));
        ran.push((*read, *overdue, statements, result));
    }
    // SAFETY: switching the trace off; no callback runs after this.
    unsafe {
        ffi::sqlite3_trace_v2(conn.handle(), 0, None, std::ptr::null_mut());
    }
    let mut plans = Plans { overdue_statements: 0, overdue_scans: vec![], other_statements: 0, other_scans: vec![] };
    for (read, overdue, statements, result) in ran {
        result.with_context(|| format!("{read} on the seeded database"))?;
        for sql in statements {
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
            let plan: Vec<String> = stmt.query_map([], |r| r.get::<_, String>(3))?.collect::<Result<_, _>>()?;
            let partial = |l: &str| l.contains("USING INDEX cases_running") || l.contains("USING INDEX cases_awaiting");
            let scans = plan.iter().any(|l| l.starts_with("SCAN cases") && !partial(l));
            let (count, found) = if overdue {
                (&mut plans.overdue_statements, &mut plans.overdue_scans)
            } else {
                (&mut plans.other_statements, &mut plans.other_scans)
            };
            *count += 1;
            if scans {
                let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
                // The column list says nothing; what follows FROM does.
                let statement = match sql.find(" FROM ") {
                    Some(i) if sql.starts_with("SELECT") => format!("SELECT …{}", &sql[i..]),
                    _ => sql,
                };
                found.push(Scan { read, statement, plan });
            }
        }
    }
    Ok(plans)
}
