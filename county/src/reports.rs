//! The county's reports for a range of days, per hall, matter or day: tickets issued, served and
//! no-show, mean waiting and service minutes, ratings and satisfaction, cases opened by kind and
//! overdue, complaints received and closed. JSON, or CSV in UTF-8 with a BOM (Excel reads the
//! Chinese), Chinese headings first (`lang=en`: English), a 合计 row last. A figure the events
//! cannot tell is null (an empty cell), never a made-up zero: the matter of a case or a
//! complaint is not in the halls' events, so the matter report leaves those out.
//!
//! Every query reads the day-indexed tables (`hall_days`, `matter_days` by `day`, `cases` by
//! `opened_on` and `deadline`): a range costs the rows of that range, not the whole history.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{CountyError, CountyResult};
use crate::views::satisfaction;

/// How a report groups its lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    Hall,
    Matter,
    Day,
}

impl By {
    pub fn parse(s: &str) -> Option<By> {
        match s {
            "hall" => Some(By::Hall),
            "matter" => Some(By::Matter),
            "day" => Some(By::Day),
            _ => None,
        }
    }
}

/// A report covers at most this many days (a year, leap or not).
pub const MAX_DAYS: i64 = 366;

/// The case kinds, as the halls spell them (`case_changed.kind`).
pub const CASE_KINDS: [&str; 6] = ["immediate", "promised", "supplement", "returned", "joint", "reported"];

/// Checks a range: both dates `YYYY-MM-DD`, `from` not after `to`, at most [`MAX_DAYS`] days.
pub fn range(from: &str, to: &str) -> CountyResult<(NaiveDate, NaiveDate)> {
    let (f, t) = (date("from", from)?, date("to", to)?);
    if f > t {
        return Err(CountyError::InvalidDate(format!("`from` ({f}) is after `to` ({t})")));
    }
    if (t - f).num_days() + 1 > MAX_DAYS {
        return Err(CountyError::InvalidDate(format!("a report covers at most {MAX_DAYS} days")));
    }
    Ok((f, t))
}

/// A date parameter, `YYYY-MM-DD`, of a year PostgreSQL and the halls' records can hold (a
/// signed or far year is bad input, not a database error).
pub fn date(name: &str, s: &str) -> CountyResult<NaiveDate> {
    use chrono::Datelike;
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|d| (1900..=9999).contains(&d.year()))
        .ok_or_else(|| CountyError::InvalidDate(format!("`{name}` must be a date YYYY-MM-DD (1900–9999), not `{s}`")))
}

/// One line of a report (or its total).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Line {
    /// The hall's id, the matter's id ('' when unknown: tickets issued before a gap), or the day.
    pub key: String,
    /// The hall's name; empty for a matter or a day.
    pub label: String,
    pub issued: i64,
    pub served: i64,
    pub no_show: i64,
    /// From the issue (or a transfer) to the call; null when no ticket was called.
    pub mean_wait_minutes: Option<f64>,
    /// From the call to the finish or the transfer; null when none is known.
    pub mean_service_minutes: Option<f64>,
    pub rated: i64,
    /// Ratings per level, best first (非常满意 … 非常不满意).
    pub levels: [i64; 5],
    /// (非常满意 + 满意 + 基本满意) / rated, 0..1; null when nothing was rated.
    pub satisfaction: Option<f64>,
    /// Cases registered in the range by kind (`immediate`, `promised`, …); null per matter.
    pub cases_opened: Option<BTreeMap<String, i64>>,
    /// Cases due in the range and not closed by their deadline (closed late, or still open past
    /// it); null per matter.
    pub cases_overdue: Option<i64>,
    /// Complaints received and closed in the range; null per matter.
    pub complaints_received: Option<i64>,
    pub complaints_closed: Option<i64>,
    #[serde(skip)]
    sums: (i64, i64, i64, i64),
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub by: By,
    pub lines: Vec<Line>,
    pub total: Line,
}

fn minutes(sum: i64, n: i64) -> Option<f64> {
    (n > 0).then(|| (sum as f64 / n as f64 / 60.0 * 10.0).round() / 10.0)
}

impl Line {
    fn finish(&mut self) {
        let (ws, wc, ss, sc) = self.sums;
        self.mean_wait_minutes = minutes(ws, wc);
        self.mean_service_minutes = minutes(ss, sc);
        self.rated = self.levels.iter().sum();
        self.satisfaction = satisfaction(self.levels).map(|s| (s * 10000.0).round() / 10000.0);
    }

    fn add(&mut self, o: &Line) {
        self.issued += o.issued;
        self.served += o.served;
        self.no_show += o.no_show;
        self.sums = (self.sums.0 + o.sums.0, self.sums.1 + o.sums.1, self.sums.2 + o.sums.2, self.sums.3 + o.sums.3);
        for i in 0..5 {
            self.levels[i] += o.levels[i];
        }
        let plus = |a: Option<i64>, b: Option<i64>| match (a, b) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
        };
        self.cases_overdue = plus(self.cases_overdue, o.cases_overdue);
        self.complaints_received = plus(self.complaints_received, o.complaints_received);
        self.complaints_closed = plus(self.complaints_closed, o.complaints_closed);
        if let Some(theirs) = &o.cases_opened {
            let mine = self.cases_opened.get_or_insert_with(BTreeMap::new);
            for (k, n) in theirs {
                *mine.entry(k.clone()).or_insert(0) += n;
            }
        }
    }
}

const TICKETS: &str = "sum(issued)::bigint, sum(served)::bigint, sum(no_show)::bigint,
    sum(wait_seconds_sum)::bigint, sum(wait_count)::bigint, sum(service_seconds_sum)::bigint, sum(service_count)::bigint,
    sum(very_satisfied)::bigint, sum(satisfied)::bigint, sum(basically_satisfied)::bigint,
    sum(dissatisfied)::bigint, sum(very_dissatisfied)::bigint";

/// The queries of a report (public for the tests' EXPLAIN): figures, cases opened, cases overdue.
pub fn queries(by: By) -> [String; 3] {
    let figures = match by {
        By::Hall => format!(
            "SELECT hall_id, {TICKETS}, sum(complaints_received)::bigint, sum(complaints_closed)::bigint
             FROM hall_days WHERE day BETWEEN $1 AND $2 GROUP BY hall_id"
        ),
        By::Day => format!(
            "SELECT day::text, {TICKETS}, sum(complaints_received)::bigint, sum(complaints_closed)::bigint
             FROM hall_days WHERE day BETWEEN $1 AND $2 GROUP BY day"
        ),
        By::Matter => format!(
            "SELECT service_id, {TICKETS}, NULL::bigint, NULL::bigint
             FROM matter_days WHERE day BETWEEN $1 AND $2 GROUP BY service_id"
        ),
    };
    // A case of a server that did not send its matter counts under the unknown matter ("").
    let group = |day: &str| match by {
        By::Day => format!("c.{day}::text"),
        By::Hall => "c.hall_id".to_string(),
        By::Matter => "COALESCE(c.service_id, '')".to_string(),
    };
    let opened = format!(
        "SELECT {g}, c.kind, count(*) FROM cases c WHERE c.opened_on BETWEEN $1 AND $2 GROUP BY {g}, c.kind",
        g = group("opened_on")
    );
    // Overdue: due in the range, before the hall's today, and not closed by the deadline.
    let overdue = format!(
        "SELECT {g}, count(*) FROM cases c JOIN halls h ON h.hall_id = c.hall_id
         WHERE c.deadline BETWEEN $1 AND $2
           AND c.deadline < (now() AT TIME ZONE COALESCE(h.timezone, 'Asia/Shanghai'))::date
           AND (c.state <> 'closed' OR c.closed_on > c.deadline)
         GROUP BY {g}",
        g = group("deadline")
    );
    [figures, opened, overdue]
}

pub async fn report(pool: &deadpool_postgres::Pool, from: NaiveDate, to: NaiveDate, by: By) -> CountyResult<Report> {
    let client = pool.get().await?;
    let [figures, opened, overdue] = queries(by);
    let mut lines: BTreeMap<String, Line> = BTreeMap::new();
    // Complaints are about a hall's service, not a matter: none per matter.
    let with_complaints = by != By::Matter;
    let blank = |key: &str| Line {
        key: key.to_string(),
        cases_opened: Some(BTreeMap::new()),
        cases_overdue: Some(0),
        complaints_received: with_complaints.then_some(0),
        complaints_closed: with_complaints.then_some(0),
        ..Line::default()
    };
    if by == By::Hall {
        // Every hall of the county has its line, even one silent all through the range.
        for r in client.query("SELECT hall_id, COALESCE(name, '') FROM halls", &[]).await? {
            let mut l = blank(r.get(0));
            l.label = r.get(1);
            lines.insert(l.key.clone(), l);
        }
    }
    for r in client.query(&figures, &[&from, &to]).await? {
        let key: String = r.get(0);
        let n = |i: usize| r.get::<_, Option<i64>>(i).unwrap_or(0);
        let l = lines.entry(key.clone()).or_insert_with(|| blank(&key));
        (l.issued, l.served, l.no_show) = (n(1), n(2), n(3));
        l.sums = (n(4), n(5), n(6), n(7));
        l.levels = [n(8), n(9), n(10), n(11), n(12)];
        if with_complaints {
            (l.complaints_received, l.complaints_closed) = (Some(n(13)), Some(n(14)));
        }
    }
    for r in client.query(&opened, &[&from, &to]).await? {
        let key: String = r.get(0);
        let l = lines.entry(key.clone()).or_insert_with(|| blank(&key));
        l.cases_opened.get_or_insert_with(BTreeMap::new).insert(r.get(1), r.get(2));
    }
    for r in client.query(&overdue, &[&from, &to]).await? {
        let key: String = r.get(0);
        lines.entry(key.clone()).or_insert_with(|| blank(&key)).cases_overdue = Some(r.get(1));
    }
    let mut total = blank("total");
    let mut lines: Vec<Line> = lines.into_values().collect();
    for l in &mut lines {
        total.add(l);
        l.finish();
    }
    total.finish();
    Ok(Report { from, to, by, lines, total })
}

/// The CSV's columns: (Chinese, English).
fn columns(by: By) -> Vec<(&'static str, &'static str)> {
    let mut c = match by {
        By::Hall => vec![("大厅编号", "Hall id"), ("大厅名称", "Hall")],
        By::Matter => vec![("事项编码", "Matter")],
        By::Day => vec![("日期", "Day")],
    };
    c.extend([
        ("取号", "Issued"),
        ("办结", "Served"),
        ("未到", "No-show"),
        ("平均等候(分钟)", "Mean wait (min)"),
        ("平均办理(分钟)", "Mean service (min)"),
        ("评价数", "Rated"),
        ("非常满意", "Very satisfied"),
        ("满意", "Satisfied"),
        ("基本满意", "Basically satisfied"),
        ("不满意", "Dissatisfied"),
        ("非常不满意", "Very dissatisfied"),
        ("满意率", "Satisfaction"),
        ("即办件", "Immediate"),
        ("承诺件", "Promised"),
        ("补办件", "Supplement"),
        ("退回件", "Returned"),
        ("联办件", "Joint"),
        ("上报件", "Reported"),
        ("逾期件", "Overdue cases"),
        ("投诉受理", "Complaints received"),
        ("投诉办结", "Complaints closed"),
    ]);
    c
}

/// A name from a hall's configuration as a spreadsheet's text: one starting like a formula (`=`,
/// `+`, `-`, `@`, a tab or a line break: a town named `=HYPERLINK(…)` by its admin) is quoted so
/// that Excel or WPS shows it instead of running it (as the hall's own CSV does).
fn as_text(t: &str) -> String {
    if t.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']) {
        format!("'{t}")
    } else {
        t.to_string()
    }
}

fn cells(by: By, l: &Line) -> Vec<String> {
    let num = |v: i64| v.to_string();
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let float = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let mut c = vec![as_text(&l.key)];
    if by == By::Hall {
        c.push(as_text(&l.label));
    }
    c.extend([num(l.issued), num(l.served), num(l.no_show)]);
    c.extend([float(l.mean_wait_minutes), float(l.mean_service_minutes), num(l.rated)]);
    c.extend(l.levels.iter().map(|n| num(*n)));
    c.push(float(l.satisfaction));
    for k in CASE_KINDS {
        c.push(opt(l.cases_opened.as_ref().map(|m| m.get(k).copied().unwrap_or(0))));
    }
    c.extend([opt(l.cases_overdue), opt(l.complaints_received), opt(l.complaints_closed)]);
    c
}

/// The report as CSV: UTF-8 with a BOM, the headings, a line per group, the 合计 (total) line.
pub fn csv(r: &Report, english: bool) -> Vec<u8> {
    fn field(s: &str) -> String {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    }
    let mut out = String::from("\u{feff}");
    let mut row = |cells: Vec<String>| {
        out.push_str(&cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    };
    row(columns(r.by).iter().map(|(zh, en)| if english { *en } else { *zh }.to_string()).collect());
    for l in &r.lines {
        let mut c = cells(r.by, l);
        if r.by == By::Matter && l.key.is_empty() {
            c[0] = if english { "(unknown)" } else { "（未知）" }.into();
        }
        row(c);
    }
    let mut total = cells(r.by, &r.total);
    total[0] = if english { "Total" } else { "合计" }.into();
    row(total);
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_checked() {
        // (from, to, a word of the error; "" when good)
        let table = [
            ("2026-01-01", "2026-12-31", ""),
            ("2024-01-01", "2024-12-31", ""),
            ("2026-12-03", "2026-12-03", ""),
            ("2026-12-04", "2026-12-03", "after"),
            ("2025-01-01", "2026-01-02", "at most"),
            ("2026-13-01", "2026-12-03", "`from`"),
            ("", "2026-12-03", "`from`"),
            ("2026-12-01", "tomorrow", "`to`"),
        ];
        for (from, to, word) in table {
            match range(from, to) {
                Ok(_) => assert_eq!(word, "", "{from}..{to} accepted"),
                Err(e) => assert!(!word.is_empty() && e.to_string().contains(word), "{from}..{to}: {e}"),
            }
        }
    }

    #[test]
    fn the_csv_has_the_bom_the_headings_and_a_total() {
        let mut a = Line { key: "a".into(), label: "甲, 镇".into(), issued: 3, ..Line::default() };
        a.levels = [1, 1, 0, 1, 0];
        a.cases_opened = Some(BTreeMap::from([("promised".to_string(), 2)]));
        a.finish();
        let mut total = Line { key: "total".into(), ..Line::default() };
        total.add(&a);
        total.finish();
        let r = Report {
            from: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
            by: By::Hall,
            lines: vec![a],
            total,
        };
        let text = String::from_utf8(csv(&r, false)).unwrap();
        assert!(text.starts_with("\u{feff}大厅编号,大厅名称,取号,"), "{text}");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[1].starts_with("a,\"甲, 镇\",3,0,0,,,3,1,1,0,1,0,0.6667,0,2,0,0,0,0,"), "{}", lines[1]);
        assert!(lines[2].starts_with("合计,"), "{}", lines[2]);
        let en = String::from_utf8(csv(&r, true)).unwrap();
        assert!(en.starts_with("\u{feff}Hall id,Hall,Issued,"));
    }

    #[test]
    fn a_hall_named_like_a_formula_is_text_in_the_csv() {
        let a = Line { key: "@town".into(), label: "=HYPERLINK(\"http://x\",\"点\")".into(), ..Line::default() };
        let r = Report {
            from: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
            by: By::Hall,
            lines: vec![a],
            total: Line { key: "total".into(), ..Line::default() },
        };
        let text = String::from_utf8(csv(&r, false)).unwrap();
        let line = text.lines().nth(1).unwrap();
        assert!(line.starts_with("'@town,\"'=HYPERLINK(\"\"http://x\"\",\"\"点\"\")\","), "{line}");
    }
}
