//! Reports through the HTTP contract: a small day served at two windows, grouped each way, as
//! JSON, CSV (Excel's BOM) and an Excel workbook whose figures are numbers.

use std::io::Read;

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{assert_error, TestServer};

/// w01 serves two tickets (4 and 6 minutes), w02 one and marks one no-show; one rating each way.
async fn a_small_day(s: &TestServer) {
    let c1 = s.clerk("clerk1", "w01").await;
    let c2 = s.clerk("clerk2", "w02").await;
    for (clerk, window, service, minutes) in
        [(&c1, "w01", "zh-zixun", 4), (&c1, "w01", "zh-zixun", 6), (&c2, "w02", "mz-linshi", 10)]
    {
        s.issue(service).await;
        assert_eq!(s.act(clerk, window, "call-next").await.status, 200);
        s.act(clerk, window, "start").await;
        s.clock().advance(chrono::Duration::minutes(minutes));
        let r = s.post(&format!("/api/windows/{window}/finish"), clerk, json!({"outcome": "immediate"})).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let r = s
        .post(
            "/api/evaluator/rating",
            "demo-evaluator-w02",
            json!({"level": "dissatisfied", "reason": "efficiency", "ticket_number": "B001"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    s.issue("mz-linshi").await;
    s.act(&c2, "w02", "call-next").await;
    assert_eq!(s.act(&c2, "w02", "no-show").await.status, 200);
}

async fn report(s: &TestServer, token: &str, query: &str) -> reqwest::Response {
    s.http.get(format!("{}/api/reports/summary?{query}", s.base)).bearer_auth(token).send().await.unwrap()
}

/// The test day's report (25 November 2026) grouped `by`, as JSON.
async fn that_day(s: &TestServer, token: &str, by: &str) -> Value {
    let r = report(s, token, &format!("from=2026-11-25&to=2026-11-25&by={by}")).await;
    serde_json::from_str::<Value>(&r.text().await.unwrap()).unwrap()
}

/// November's report read on 1, 10 and (after the case closed late) 11 December gives the same
/// case figures: as the cases stood when November ended, not on the day it is printed.
#[tokio::test]
async fn a_past_months_case_figures_do_not_change_with_the_day_it_is_read() {
    let s = TestServer::start().await; // 25 November 2026
    let clerk = s.clerk("clerk2", "w02").await;
    s.issue("mz-binzang").await; // 5 working days: due 2 December
    assert_eq!(s.act(&clerk, "w02", "call-next").await.status, 200);
    let done = s.post("/api/windows/w02/finish", &clerk, json!({"outcome": "promised"})).await;
    assert_eq!(done.status, 200, "{}", done.body);
    let number = done.body["case"]["number"].as_str().unwrap().to_string();
    let mut seen = vec![];
    for (day, close) in [("2026-12-01", false), ("2026-12-10", false), ("2026-12-11", true)] {
        s.clock().set(crate::support::at(day, "09:00"));
        if close {
            let clerk = s.clerk("clerk2", "w02").await;
            let r = s.post(&format!("/api/cases/{number}/close"), &clerk, json!({"result": "approved"})).await;
            assert_eq!(r.status, 200, "{}", r.body);
        }
        let director = s.staff("director").await;
        let r = report(&s, &director, "from=2026-11-01&to=2026-11-30&by=hall").await;
        let total = serde_json::from_str::<Value>(&r.text().await.unwrap()).unwrap()["total"].clone();
        seen.push((day, total["closed_on_time"].clone(), total["closed_late"].clone(), total["overdue_open"].clone()));
    }
    let first = (seen[0].1.clone(), seen[0].2.clone(), seen[0].3.clone());
    assert_eq!(first, (json!(0), json!(0), json!(0)), "not due by the end of November");
    for (day, on_time, late, overdue) in &seen {
        assert_eq!((on_time.clone(), late.clone(), overdue.clone()), first, "read on {day}: {seen:?}");
    }
}

#[tokio::test]
async fn a_days_figures_grouped_each_way() {
    let s = TestServer::start().await;
    a_small_day(&s).await;
    let director = s.staff("director").await;
    let json_of = |v: &str| serde_json::from_str::<Value>(v).unwrap();

    let hall = json_of(&report(&s, &director, "from=2026-11-25&to=2026-11-25").await.text().await.unwrap());
    let t = &hall["total"];
    assert_eq!((t["issued"].as_u64(), t["served"].as_u64(), t["no_show"].as_u64()), (Some(4), Some(3), Some(1)), "{t}");
    assert_eq!(t["service"]["count"], 3);
    assert_eq!(t["service"]["median"], 6.0);
    assert_eq!(t["service"]["p90"], 10.0);
    assert_eq!(t["cases"]["immediate"], 3);
    assert_eq!(t["rated"], 1);
    assert_eq!(t["satisfaction"], 0.0);

    // (by, the groups' keys, served per group)
    for (by, keys, served) in [
        ("window", vec!["w01", "w02"], vec![2, 1]),
        ("staff", vec!["clerk1", "clerk2"], vec![2, 1]),
        ("matter", vec!["mz-linshi", "zh-zixun"], vec![1, 2]),
        ("hour", vec!["09"], vec![3]),
    ] {
        let r = json_of(
            &report(&s, &director, &format!("from=2026-11-25&to=2026-11-25&by={by}")).await.text().await.unwrap(),
        );
        let lines = r["lines"].as_array().unwrap();
        assert_eq!(lines.iter().map(|l| l["key"].as_str().unwrap()).collect::<Vec<_>>(), keys, "{by}");
        assert_eq!(lines.iter().map(|l| l["served"].as_u64().unwrap()).collect::<Vec<_>>(), served, "{by}");
        if by == "staff" || by == "window" {
            assert!(lines[0].get("issued").is_none(), "a ticket is not issued to a {by}: unknown, not zero");
        }
    }
    let w02 = json_of(&report(&s, &director, "from=2026-11-25&to=2026-11-25&by=window").await.text().await.unwrap());
    assert_eq!(w02["lines"][1]["no_show"], 1);
    assert_eq!(w02["lines"][1]["label"], "2号 民政窗口（一）");
    let empty = json_of(&report(&s, &director, "from=2026-11-26&to=2026-11-30").await.text().await.unwrap());
    assert_eq!(empty["total"]["served"], 0);
    assert!(
        empty["total"].get("wait").is_none() && empty["total"].get("satisfaction").is_none(),
        "nothing known: absent"
    );
}

/// A ticket sent on (转办) counts each leg where it happened: w02 (clerk2) called it after 2
/// minutes, served it 5 and sent it to 医保; w05 (clerk5) called it 3 minutes later and served it
/// 7. It was issued once, for 临时救助; the director's day shows w02's transfer.
#[tokio::test]
async fn a_ticket_sent_on_counts_its_first_leg_where_it_happened() {
    let s = TestServer::start().await;
    let mz = s.clerk("clerk2", "w02").await;
    let rs = s.clerk("clerk5", "w05").await;
    s.issue("mz-linshi").await;
    // One leg at a window: waited, called and started, served, then sent on or finished.
    let leg = |clerk: &str, window: &str, waited: i64, served: i64, end: &str, body: Value| {
        let (s, clerk, window, end) = (&s, clerk.to_string(), window.to_string(), end.to_string());
        async move {
            s.clock().advance(chrono::Duration::minutes(waited));
            assert_eq!(s.act(&clerk, &window, "call-next").await.status, 200);
            s.act(&clerk, &window, "start").await;
            s.clock().advance(chrono::Duration::minutes(served));
            let r = s.post(&format!("/api/windows/{window}/{end}"), &clerk, body).await;
            assert_eq!(r.status, 200, "{}", r.body);
        }
    };
    leg(&mz, "w02", 2, 5, "transfer", json!({"service_id": "rs-jmyibao"})).await;
    leg(&rs, "w05", 3, 7, "finish", json!({"outcome": "immediate"})).await;

    let director = s.staff("director").await;
    let by = |by: &'static str| that_day(&s, &director, by);
    let hall = by("hall").await;
    let t = &hall["total"];
    assert_eq!((t["issued"].as_u64(), t["served"].as_u64(), t["transferred"].as_u64()), (Some(1), Some(1), Some(1)));
    assert_eq!((t["wait"]["count"].as_u64(), t["wait"]["mean"].as_f64()), (Some(2), Some(2.5)), "2 and 3 minutes: {t}");
    assert_eq!((t["service"]["count"].as_u64(), t["service"]["mean"].as_f64()), (Some(2), Some(6.0)), "5 and 7: {t}");
    // (key, issued, served, transferred, mean service)
    type Line = (String, Option<u64>, u64, u64, Option<f64>);
    let figures = |r: &Value| -> Vec<Line> {
        r["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                let key = l["key"].as_str().unwrap().to_string();
                (
                    key,
                    l["issued"].as_u64(),
                    l["served"].as_u64().unwrap(),
                    l["transferred"].as_u64().unwrap(),
                    l["service"]["mean"].as_f64(),
                )
            })
            .collect()
    };
    let s5 = |k: &str, i, sv, tr, m| (k.to_string(), i, sv, tr, Some(m));
    assert_eq!(figures(&by("window").await), [s5("w02", None, 0, 1, 5.0), s5("w05", None, 1, 0, 7.0)]);
    assert_eq!(figures(&by("staff").await), [s5("clerk2", None, 0, 1, 5.0), s5("clerk5", None, 1, 0, 7.0)]);
    assert_eq!(
        figures(&by("matter").await),
        [s5("mz-linshi", Some(1), 0, 1, 5.0), s5("rs-jmyibao", Some(0), 1, 0, 7.0)]
    );
    let today = s.send(Method::GET, "/api/director/today", Some(&director), None, None).await.body;
    let sent: Vec<(String, u64, u64)> = today["windows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["id"] == "w02" || w["id"] == "w05")
        .map(|w| {
            (w["id"].as_str().unwrap().to_string(), w["finished"].as_u64().unwrap(), w["transferred"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(sent, [("w02".to_string(), 0, 1), ("w05".to_string(), 1, 0)]);
    // By queue, the director's day and the report agree: issued where it was issued, each wait
    // and service in the queue it happened in.
    let queues: Vec<(String, u64, u64, f64, f64)> = today["queues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["issued"].as_u64() > Some(0) || q["finished"].as_u64() > Some(0))
        .map(|q| {
            let n = |k: &str| q[k].as_u64().unwrap();
            let m = |k: &str| q[k].as_f64().unwrap();
            (
                q["queue"].as_str().unwrap().to_string(),
                n("issued"),
                n("finished"),
                m("avg_wait_minutes"),
                m("avg_service_minutes"),
            )
        })
        .collect();
    assert_eq!(queues, [("minzheng".to_string(), 1, 0, 2.0, 5.0), ("renshe".to_string(), 0, 1, 3.0, 7.0)]);
    let by_queue: Vec<Line> = figures(&by("queue").await);
    assert_eq!(by_queue, [s5("minzheng", Some(1), 0, 1, 5.0), s5("renshe", Some(0), 1, 0, 7.0)]);
}

/// Sent on twice, the first transfer made before legs were kept (its leg is not there): the
/// ticket is issued once, both transfers count for the hall, and no window or clerk is credited
/// with the one nobody knows the window of.
#[tokio::test]
async fn a_transfer_from_before_legs_were_kept_counts_for_the_hall_only() {
    let s = TestServer::start().await;
    let (mz, rs, w06) =
        (s.clerk("clerk2", "w02").await, s.clerk("clerk5", "w05").await, s.clerk("clerk6", "w06").await);
    s.issue("mz-linshi").await;
    assert_eq!(s.act(&mz, "w02", "call-next").await.status, 200);
    let r = s.post("/api/windows/w02/transfer", &mz, json!({"service_id": "rs-jmyibao"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(s.act(&rs, "w05", "call-next").await.status, 200);
    let r = s.post("/api/windows/w05/transfer", &rs, json!({"window_id": "w06"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(s.act(&w06, "w06", "call-next").await.status, 200);
    let r = s.post("/api/windows/w06/finish", &w06, json!({"outcome": "immediate"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let db = rusqlite::Connection::open(&s.db).unwrap();
    assert_eq!(db.execute("DELETE FROM ticket_legs WHERE leg = 1", []).unwrap(), 1);
    let director = s.staff("director").await;
    let hall = that_day(&s, &director, "hall").await;
    assert_eq!((hall["total"]["issued"].as_u64(), hall["total"]["transferred"].as_u64()), (Some(1), Some(2)));
    let windows = that_day(&s, &director, "window").await;
    let sent: Vec<(&str, u64)> = windows["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["key"].as_str().unwrap(), l["transferred"].as_u64().unwrap()))
        .collect();
    assert_eq!(sent, [("w05", 1), ("w06", 0)], "w02's transfer was not kept: no window is credited with it");
    assert_eq!(windows["total"]["transferred"], 2);
    // By matter: issued once, at its first kept leg (医保, sent on to w06 from there), with the
    // transfer before it.
    let matters = that_day(&s, &director, "matter").await;
    let line = &matters["lines"].as_array().unwrap().iter().find(|l| l["key"] == "rs-jmyibao").unwrap().clone();
    assert_eq!(
        (line["issued"].as_u64(), line["transferred"].as_u64(), line["served"].as_u64()),
        (Some(1), Some(2), Some(1))
    );
}

#[tokio::test]
async fn csv_and_excel_downloads_carry_the_figures_as_numbers() {
    let s = TestServer::start().await;
    a_small_day(&s).await;
    let director = s.staff("director").await;

    let r = report(&s, &director, "from=2026-11-25&to=2026-11-25&by=window&format=csv").await;
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("report-window-2026-11-25-2026-11-25.csv"));
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "Excel needs the BOM to read UTF-8");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("分组,名称,取号,办结,未到"), "{}", lines[0]);
    assert!(lines[1].starts_with("w01,1号 "), "{}", lines[1]);
    assert!(lines[3].starts_with("合计,"), "{}", lines[3]);
    let english = report(&s, &director, "from=2026-11-25&to=2026-11-25&format=csv&lang=en").await.text().await.unwrap();
    assert!(english.trim_start_matches('\u{feff}').starts_with("Group,Name,Issued,Served"), "{english}");
    // By hall, the page shows the total alone; so does the file (the hall's line written again
    // would double every column's sum in a spreadsheet).
    let rows: Vec<&str> = english.lines().collect();
    assert_eq!(rows.len(), 2, "{english}");
    assert!(rows[1].starts_with("total,"), "{english}");

    let r = report(&s, &director, "from=2026-11-25&to=2026-11-25&by=window&format=xlsx").await;
    assert_eq!(r.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let bytes = r.bytes().await.unwrap();
    let mut book = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut sheet = String::new();
    book.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut sheet).unwrap();
    // Row 2 (w01): served (D2) is the number 2, not text.
    assert!(sheet.contains(r#"<c r="D2"><v>2</v></c>"#), "{sheet}");
    assert!(book.by_name("xl/worksheets/sheet2.xml").is_ok(), "the sheet that says what the report is");
}

#[tokio::test]
async fn only_the_director_a_leader_and_admin_read_reports_and_bad_queries_are_refused() {
    let s = TestServer::start().await;
    let clerk = s.clerk("clerk1", "w01").await;
    let director = s.staff("director").await;
    let leader = s.staff("leader").await;
    let admin = s.staff("admin").await;
    let path = "/api/reports/summary?from=2026-11-01&to=2026-11-30";
    for (token, status) in [
        (None, 401),
        (Some("demo-kiosk"), 403),
        (Some(clerk.as_str()), 403),
        (Some(director.as_str()), 200),
        (Some(leader.as_str()), 200),
        (Some(admin.as_str()), 200),
    ] {
        assert_eq!(s.send(Method::GET, path, token, None, None).await.status, status, "{token:?}");
    }
    // A leader reads; the director's console and its actions stay the director's.
    let r = s.send(Method::GET, "/api/director/today", Some(&leader), None, None).await;
    assert_error(&r, 403, "director_only");
    let r = s.post("/api/notice", &leader, json!({"notice": "x"})).await;
    assert_error(&r, 403, "director_only");
    // (query, status, code)
    for (query, status, code) in [
        ("from=2026-11-30&to=2026-11-01", 422, "invalid_date"),
        ("from=2025-01-01&to=2026-11-30", 422, "invalid_date"),
        ("from=yesterday&to=2026-11-30", 422, "invalid_date"),
        ("from=2026-11-01&to=2026-11-30&by=planet", 400, "invalid_body"),
        ("from=2026-11-01&to=2026-11-30&format=pdf", 400, "invalid_body"),
    ] {
        let r = s.send(Method::GET, &format!("/api/reports/summary?{query}"), Some(&director), None, None).await;
        assert_error(&r, status, code);
    }
}

#[tokio::test]
async fn the_charts_are_svg_drawn_from_the_same_figures() {
    let s = TestServer::start().await;
    a_small_day(&s).await;
    let director = s.staff("director").await;
    // (kind, a word of its title, a label it must show)
    for (kind, title, label) in [
        ("arrivals", "各时段取号", "09:00"),
        ("waits", "等候时间分布", "0–5"),
        ("service", "各事项平均办理时间", "综合咨询"),
        ("satisfaction", "各窗口满意率", "2号 民政窗口（一）"),
        ("trend", "每日取号", "11-25"),
    ] {
        let r = s
            .http
            .get(format!("{}/api/reports/chart/{kind}?from=2026-11-24&to=2026-11-26", s.base))
            .bearer_auth(&director)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{kind}");
        assert_eq!(r.headers()["content-type"], "image/svg+xml");
        let svg = r.text().await.unwrap();
        assert!(svg.starts_with("<svg") && svg.contains(title) && svg.contains(label), "{kind}: {svg}");
    }
    let en = s
        .http
        .get(format!("{}/api/reports/chart/arrivals?from=2026-11-25&to=2026-11-25&lang=en", s.base))
        .bearer_auth(&director)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("Tickets by hour issued"), "{en}");
    let clerk = s.clerk("clerk1", "w01").await;
    let path = "/api/reports/chart/trend?from=2026-11-01&to=2026-11-30";
    assert_eq!(s.send(Method::GET, path, Some(&clerk), None, None).await.status, 403);
    let r =
        s.send(Method::GET, "/api/reports/chart/pie?from=2026-11-01&to=2026-11-30", Some(&director), None, None).await;
    assert_error(&r, 404, "not_found");
}
