//! A generated month checked against an independent computation: November 2026 at five windows
//! (a seeded, deterministic pattern of tickets, no-shows, transfers, 承诺件 closed on time, late
//! or left open, and ratings), then every figure of the report by hall, window, staff, matter and
//! hour computed a second, naive way from the rows read back on a read-only connection, and the
//! same figures found in the CSV and, as numbers, in the Excel workbook.

use std::collections::BTreeMap;
use std::io::Cursor;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use serde_json::{json, Value};

use hall_server::clock::Clock;

use crate::support::TestServer;

/// A small linear congruential generator: the same month every run.
struct Seeded(u64);

impl Seeded {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// `HH:MM` in Shanghai on `day`.
fn at(day: NaiveDate, h: u32, m: u32) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&(day.and_hms_opt(h, m, 0).unwrap() - Duration::hours(8)))
}

/// (clerk, window) signed in every working day.
const DESKS: [(&str, &str); 5] =
    [("clerk1", "w01"), ("clerk2", "w02"), ("clerk3", "w03"), ("clerk5", "w05"), ("clerk7", "w07")];
/// The matters citizens come for, each served at one of those windows.
const MATTERS: [&str; 6] = ["zh-zixun", "mz-linshi", "mz-dibao", "mz-tekun", "rs-jmyibao", "rs-shiye"];
const LEVELS: [&str; 5] = ["very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied"];

/// One batch of the day: citizens arrive from `h:m` a few minutes apart, then the windows serve
/// until nobody waits. Returns the 承诺件 registered (case number, window, matter).
async fn batch(
    s: &TestServer,
    rng: &mut Seeded,
    clerks: &[(String, &'static str)],
    day: NaiveDate,
    h: u32,
) -> Vec<(String, &'static str, String)> {
    let start = at(day, h, 5 + rng.below(20) as u32);
    assert!(s.clock().now() < start, "the morning's citizens were all served before the afternoon's come");
    s.clock().set(start);
    for _ in 0..5 + rng.below(8) {
        s.issue(MATTERS[rng.below(MATTERS.len() as u64) as usize]).await;
        s.clock().advance(Duration::minutes(1 + rng.below(5) as i64));
    }
    let mut promised = Vec::new();
    loop {
        let mut anyone = false;
        for (token, window) in clerks {
            let called = s.act(token, window, "call-next").await;
            if called.status == 204 {
                continue;
            }
            assert_eq!(called.status, 200, "{}", called.body);
            anyone = true;
            s.clock().advance(Duration::minutes(1 + rng.below(3) as i64));
            let roll = rng.below(20);
            if roll < 2 {
                assert_eq!(s.act(token, window, "no-show").await.status, 200);
                continue;
            }
            if roll < 6 && *window == "w01" {
                // 综合受理 sends a citizen on to 民政.
                let r =
                    s.post(&format!("/api/windows/{window}/transfer"), token, json!({"service_id": "mz-linshi"})).await;
                assert_eq!(r.status, 200, "{}", r.body);
                continue;
            }
            if rng.below(4) > 0 {
                assert_eq!(s.act(token, window, "start").await.status, 200);
            }
            s.clock().advance(Duration::minutes(2 + rng.below(9) as i64));
            let promise = (*window == "w02" || *window == "w03") && rng.below(2) == 0;
            let outcome = if promise { "promised" } else { "immediate" };
            let r = s.post(&format!("/api/windows/{window}/finish"), token, json!({"outcome": outcome})).await;
            assert_eq!(r.status, 200, "{}", r.body);
            if promise {
                let number = r.body["case"]["number"].as_str().unwrap().to_string();
                promised.push((number, *window, called.body["service_id"].as_str().unwrap().to_string()));
            }
            // The window's evaluator asks the citizen just served; most answer.
            if let Some(level) = LEVELS.get(rng.below(8) as usize) {
                let mut body = json!({"level": level, "ticket_number": called.body["number"]});
                if *level == "dissatisfied" || *level == "very_dissatisfied" {
                    body["reason"] = json!("efficiency");
                }
                let r = s.post("/api/evaluator/rating", &format!("demo-evaluator-{window}"), body).await;
                assert_eq!(r.status, 201, "{}", r.body);
            }
        }
        if !anyone {
            return promised;
        }
    }
}

/// November's working days (Monday to Friday, 2 to 27), every desk open twice a day; some
/// 承诺件 closed a few days later (on time), some weeks later (late), the rest left open.
async fn a_month(s: &TestServer) {
    let mut rng = Seeded(20_261_101);
    let mut promised: Vec<(NaiveDate, String, &str, String)> = Vec::new();
    for day in NaiveDate::from_ymd_opt(2026, 11, 2).unwrap().iter_days().take(26) {
        if day.format("%u").to_string().parse::<u32>().unwrap() > 5 {
            continue;
        }
        s.clock().set(at(day, 8, 30));
        let mut clerks = Vec::new();
        for (clerk, window) in DESKS {
            clerks.push((s.clerk(clerk, window).await, window));
        }
        // The clerk closes promised cases: some two days old (on time), some 临时救助 (promised in
        // 10 working days) sixteen days old (late); the rest stay open (overdue, some of them).
        for (when, number, window, matter) in &promised {
            let age = (day - *when).num_days();
            let on_time = age == 2 && number.ends_with(['0', '2', '4', '6', '8']);
            let late = age == 16 && matter == "mz-linshi" && number.ends_with(['1', '3', '5']);
            if on_time || late {
                let token = &clerks.iter().find(|(_, w)| w == window).unwrap().0;
                let r = s.post(&format!("/api/cases/{number}/close"), token, json!({"result": "done"})).await;
                assert_eq!(r.status, 200, "{number}: {}", r.body);
            }
        }
        for h in [9, 14] {
            for (number, window, matter) in batch(s, &mut rng, &clerks, day, h).await {
                promised.push((day, number, window, matter));
            }
        }
        for (token, _) in &clerks {
            assert_eq!(s.post("/api/auth/logout", token, json!({})).await.status, 204);
        }
    }
}

/// A group's figures as the report shows them, computed here without the server's code.
#[derive(Debug, Default, Clone)]
struct Want {
    issued: u32,
    served: u32,
    no_show: u32,
    transferred: u32,
    waits: Vec<f64>,
    services: Vec<f64>,
    kinds: BTreeMap<String, u32>,
    /// 即办件 served longer than their matter's on-the-spot minutes (the sample hall: 综合咨询
    /// 10, every other matter the hall's 20).
    over_on_the_spot: u32,
    on_time: u32,
    late: u32,
    overdue: u32,
    levels: Vec<i64>,
}

/// A ticket's row, read back from the database file.
struct Row {
    issued_at: i64,
    service_id: String,
    window_id: Option<String>,
    status: String,
    transfers: i64,
    queued_at: i64,
    called_at: Option<i64>,
    started_at: Option<i64>,
    finished_at: Option<i64>,
    id: i64,
}

/// Shanghai keeps UTC+8 all year: a local date and hour by plain arithmetic on milliseconds.
fn local(ms: i64) -> (String, u32) {
    let secs = ms / 1000 + 8 * 3600;
    let day = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + Duration::days(secs.div_euclid(86_400));
    (day.to_string(), (secs.rem_euclid(86_400) / 3600) as u32)
}

/// Every group's figures for November, by `by`, from the rows alone (as of 1 December).
fn expected(db: &std::path::Path, by: &str) -> (BTreeMap<String, Want>, Want) {
    let c = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut cases: BTreeMap<i64, (String, String, Option<String>, Option<i64>)> = BTreeMap::new();
    let mut q = c.prepare("SELECT ticket_id, clerk, kind, deadline, closed_at FROM cases").unwrap();
    for r in q.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))).unwrap() {
        let (id, case) = r.unwrap();
        cases.insert(id, case);
    }
    let mut ratings: BTreeMap<i64, i64> = BTreeMap::new();
    let mut q = c.prepare("SELECT ticket_id, level FROM ratings").unwrap();
    for r in q.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap() {
        let (id, level) = r.unwrap();
        ratings.insert(id, level);
    }
    let mut q = c
        .prepare(
            "SELECT id, issued_at, service_id, window_id, status, transfers, queued_at, called_at, started_at, finished_at
             FROM tickets ORDER BY id",
        )
        .unwrap();
    let rows: Vec<Row> = q
        .query_map([], |r| {
            Ok(Row {
                id: r.get(0)?,
                issued_at: r.get(1)?,
                service_id: r.get(2)?,
                window_id: r.get(3)?,
                status: r.get(4)?,
                transfers: r.get(5)?,
                queued_at: r.get(6)?,
                called_at: r.get(7)?,
                started_at: r.get(8)?,
                finished_at: r.get(9)?,
            })
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    // The legs before a transfer: (ticket, leg, window, clerk, matter, waited from, called, started, sent).
    type LegRow = (i64, i64, String, Option<String>, String, i64, Option<i64>, Option<i64>, i64);
    let mut q = c
        .prepare(
            "SELECT ticket_id, leg, window_id, clerk, service_id, waited_from, called_at, started_at, sent_at
             FROM ticket_legs ORDER BY ticket_id, leg",
        )
        .unwrap();
    let legs: Vec<LegRow> = q
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut groups: BTreeMap<String, Want> = BTreeMap::new();
    let mut total = Want::default();
    let minutes = |from: i64, to: i64| (to - from) as f64 / 60_000.0;
    for t in rows.iter().filter(|t| local(t.issued_at).0.starts_with("2026-11-")) {
        let mine: Vec<&LegRow> = legs.iter().filter(|l| l.0 == t.id).collect();
        // Transfers whose legs were not kept count for the hall, matter and hour only.
        let unkept_counted = by != "window" && by != "staff";
        // Each leg counts where it happened: its window, clerk and matter sent the ticket on; the
        // first kept one is where the ticket was issued, and carries the transfers before it.
        for (i, (_, leg, window, clerk, matter, waited_from, called, started, sent)) in mine.iter().copied().enumerate()
        {
            let key = match by {
                "hall" => Some("hall".to_string()),
                "window" => Some(window.clone()),
                "staff" => clerk.clone(),
                "matter" => Some(matter.clone()),
                _ => Some(format!("{:02}", local(t.issued_at).1)),
            };
            let mut targets = vec![(&mut total, true)];
            if let Some(k) = key {
                targets.push((groups.entry(k).or_default(), unkept_counted));
            }
            for (w, counts_unkept) in targets {
                w.issued += u32::from(i == 0);
                w.transferred += 1;
                if i == 0 && counts_unkept {
                    w.transferred += (*leg - 1) as u32;
                }
                if let Some(called) = called.filter(|c| c >= waited_from) {
                    w.waits.push(minutes(*waited_from, called));
                }
                if let Some(from) = started.or(*called).filter(|f| f <= sent) {
                    w.services.push(minutes(from, *sent));
                }
            }
        }
        let waited_from = mine.last().map(|l| l.8).unwrap_or(t.queued_at);
        let case = cases.get(&t.id);
        let key = match by {
            "hall" => Some("hall".to_string()),
            "window" => t.window_id.clone(),
            "staff" => case.map(|c| c.0.clone()),
            "matter" => Some(t.service_id.clone()),
            _ => Some(format!("{:02}", local(t.issued_at).1)),
        };
        let service = (t.status == "done")
            .then(|| (t.finished_at.unwrap() - t.started_at.or(t.called_at).unwrap()) as f64 / 60_000.0);
        let mut targets = vec![(&mut total, true)];
        if let Some(k) = key {
            targets.push((groups.entry(k).or_default(), unkept_counted));
        }
        for (w, counts_unkept) in targets {
            w.issued += u32::from(mine.is_empty());
            w.served += u32::from(t.status == "done");
            w.no_show += u32::from(t.status == "no_show");
            if mine.is_empty() && counts_unkept {
                w.transferred += t.transfers as u32;
            }
            if let Some(called) = t.called_at.filter(|c| *c >= waited_from) {
                w.waits.push(minutes(waited_from, called));
            }
            w.services.extend(service);
            if let Some((_, kind, deadline, closed_at)) = case {
                *w.kinds.entry(kind.clone()).or_default() += 1;
                let limit = if t.service_id == "zh-zixun" { 10.0 } else { 20.0 };
                if kind == "immediate" && service.is_some_and(|m| m > limit) {
                    w.over_on_the_spot += 1;
                }
                if let Some(deadline) = deadline {
                    match closed_at {
                        Some(ms) if local(*ms).0 <= *deadline => w.on_time += 1,
                        Some(_) => w.late += 1,
                        None if deadline.as_str() < "2026-12-01" => w.overdue += 1,
                        None => {}
                    }
                }
            }
            w.levels.extend(ratings.get(&t.id));
        }
    }
    (groups, total)
}

/// The smallest value that at least `p` percent of the values do not exceed (nearest rank).
fn at_least(values: &[f64], p: f64) -> f64 {
    let n = values.len() as f64;
    let mut candidates = values.to_vec();
    candidates.sort_by(f64::total_cmp);
    *candidates.iter().find(|v| values.iter().filter(|x| *x <= *v).count() as f64 * 100.0 >= p * n).unwrap()
}

fn tenth(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Compares one report line with the figures computed here.
fn check(line: &Value, want: &Want, by: &str) {
    let key = &line["key"];
    let counts_issuing = by != "window" && by != "staff";
    let opt = |v: u32, shown: bool| if shown { json!(v) } else { Value::Null };
    assert_eq!(
        line.get("issued").cloned().unwrap_or(Value::Null),
        opt(want.issued, counts_issuing),
        "{by} {key} issued"
    );
    assert_eq!(line["served"], want.served, "{by} {key} served");
    assert_eq!(line.get("no_show").cloned().unwrap_or(Value::Null), opt(want.no_show, by != "staff"), "{by} {key}");
    assert_eq!(line["transferred"], want.transferred, "{by} {key} transferred");
    for (field, values) in [("wait", &want.waits), ("service", &want.services)] {
        let got = &line[field];
        if values.is_empty() {
            assert!(got.is_null(), "{by} {key} {field}: nothing to measure, nothing shown: {got}");
            continue;
        }
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        assert_eq!(got["count"], values.len(), "{by} {key} {field}");
        for (part, value) in [("mean", mean), ("median", at_least(values, 50.0)), ("p90", at_least(values, 90.0))] {
            let shown = got[part].as_f64().unwrap();
            assert!((shown - tenth(value)).abs() < 1e-9, "{by} {key} {field} {part}: {shown} != {}", tenth(value));
        }
    }
    for kind in ["immediate", "promised", "supplement", "returned", "joint", "reported"] {
        assert_eq!(line["cases"][kind], want.kinds.get(kind).copied().unwrap_or(0), "{by} {key} {kind}");
    }
    assert_eq!(line["immediate_over_limit"], want.over_on_the_spot, "{by} {key}");
    assert_eq!(line["closed_on_time"], want.on_time, "{by} {key}");
    assert_eq!(line["closed_late"], want.late, "{by} {key}");
    assert_eq!(line["overdue_open"], want.overdue, "{by} {key}");
    assert_eq!(line["rated"], want.levels.len(), "{by} {key}");
    let good = want.levels.iter().filter(|l| **l <= 3).count() as f64;
    match line.get("satisfaction").and_then(Value::as_f64) {
        None => assert!(want.levels.is_empty(), "{by} {key}: rated, satisfaction missing"),
        Some(s) => assert!((s - good / want.levels.len() as f64).abs() < 1e-12, "{by} {key} satisfaction {s}"),
    }
}

/// The CSV's and the workbook's figures: each row's cells (None: empty), key first.
type Table = Vec<Vec<Option<String>>>;

fn csv_table(bytes: &[u8]) -> Table {
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    r.records().map(|rec| rec.unwrap().iter().map(|c| (!c.is_empty()).then(|| c.to_string())).collect()).collect()
}

fn xlsx_table(bytes: &[u8]) -> Table {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range("汇总").unwrap();
    sheet
        .rows()
        .skip(1)
        .map(|row| {
            row.iter()
                .enumerate()
                .map(|(i, c)| match c {
                    Data::Empty => None,
                    Data::String(s) if i < 2 => Some(s.clone()),
                    Data::Float(f) if i >= 2 => Some(f.to_string()),
                    Data::Int(n) if i >= 2 => Some(n.to_string()),
                    other => panic!("column {i}: a figure must be a number, a name text: {other:?}"),
                })
                .collect()
        })
        .collect()
}

/// The figures of a JSON line in the downloads' column order (after key and name).
fn figures(l: &Value) -> Vec<Option<f64>> {
    let n = |v: &Value| v.as_f64();
    let mut out = vec![n(&l["issued"]), n(&l["served"]), n(&l["no_show"]), n(&l["transferred"])];
    for m in ["wait", "service"] {
        out.extend(["mean", "median", "p90"].map(|p| n(&l[m][p])));
    }
    out.extend(["immediate", "promised", "supplement", "returned", "joint", "reported"].map(|k| n(&l["cases"][k])));
    out.extend(["closed_on_time", "closed_late", "overdue_open", "rated", "satisfaction"].map(|k| n(&l[k])));
    out.push(n(&l["immediate_over_limit"]));
    out
}

fn same_table(what: &str, table: &Table, report: &Value) {
    // By hall the one line is the total: written once, as the page shows it.
    let groups: &[Value] = if report["by"] == "hall" { &[] } else { report["lines"].as_array().unwrap() };
    let lines: Vec<&Value> = groups.iter().chain([&report["total"]]).collect();
    assert_eq!(table.len(), lines.len(), "{what}: one row per group and the total");
    for (row, line) in table.iter().zip(lines) {
        assert_eq!(row.len(), 24, "{what}");
        assert_eq!(row[1].as_deref(), line["label"].as_str(), "{what}");
        let cells: Vec<Option<f64>> = row[2..].iter().map(|c| c.as_ref().map(|v| v.parse().unwrap())).collect();
        assert_eq!(cells, figures(line), "{what}: {:?}", row[0]);
    }
}

#[tokio::test]
async fn a_generated_month_matches_an_independent_count_in_json_csv_and_excel() {
    let s = TestServer::start().await;
    a_month(&s).await;
    // A third of the transfers as an older server made them: no leg kept.
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let (legs, unkept): (i64, usize) = (
        db.query_row("SELECT COUNT(*) FROM ticket_legs", [], |r| r.get(0)).unwrap(),
        db.execute("DELETE FROM ticket_legs WHERE ticket_id % 3 = 0", []).unwrap(),
    );
    assert!(legs > 5 && unkept > 1 && (unkept as i64) < legs, "{unkept} of {legs} legs");
    s.clock().set(at(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), 9, 0));
    let director = s.staff("director").await;
    let get = |query: String| {
        let req = s.http.get(format!("{}/api/reports/summary?from=2026-11-01&to=2026-11-30&{query}", s.base));
        let req = req.bearer_auth(&director);
        async move {
            let r = req.send().await.unwrap();
            assert_eq!(r.status(), 200);
            r.bytes().await.unwrap().to_vec()
        }
    };
    for by in ["hall", "window", "staff", "matter", "hour"] {
        let report: Value = serde_json::from_slice(&get(format!("by={by}")).await).unwrap();
        let (groups, total) = expected(&s.db, by);
        check(&report["total"], &total, "hall");
        let lines = report["lines"].as_array().unwrap();
        if by == "hall" {
            // A month worth checking: every kind of event happened, more than once.
            assert!(total.issued > 300 && total.no_show > 10 && total.transferred > 5, "{total:?}");
            assert!(total.on_time > 3 && total.late > 0 && total.overdue > 3 && total.levels.len() > 100, "{total:?}");
            assert!(total.levels.iter().any(|l| *l > 3), "some ratings are bad");
            // Some 综合咨询 (10 minutes on the spot) served past it, never a matter of 20 here.
            assert!(total.over_on_the_spot > 0 && total.over_on_the_spot < total.kinds["immediate"], "{total:?}");
        } else {
            let keys: Vec<&str> = lines.iter().map(|l| l["key"].as_str().unwrap()).collect();
            let mut want: Vec<&str> = groups.keys().map(String::as_str).collect();
            if by != "window" {
                assert_eq!(keys, want, "{by}: the groups, in key order");
            } else {
                want.sort_by_key(|w| w[1..].parse::<u32>().unwrap());
                assert_eq!(keys, want, "windows in their numbers' order");
            }
            for l in lines {
                check(l, &groups[l["key"].as_str().unwrap()], by);
            }
        }
        let csv = csv_table(&get(format!("by={by}&format=csv")).await);
        same_table(&format!("{by}.csv"), &csv, &report);
        let xlsx = xlsx_table(&get(format!("by={by}&format=xlsx")).await);
        same_table(&format!("{by}.xlsx"), &xlsx, &report);
    }
}
