//! The month's figures of every clerk and window (R17), read from the tickets and ratings (as the
//! reports read them), the cases due in the month (by deadline, unlike the reports), the case
//! files due for the archive in it, the attendance marks, the inspections' standing findings and
//! the upheld complaints; scored by `domain::assessment`. A closed month's sheets are kept as
//! frozen JSON.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::domain::archive;
use crate::domain::assessment::{self, Figures, Scored};
use crate::domain::attendance::MarkKind;
use crate::domain::calendar::Calendar;
use crate::domain::rating;
use crate::domain::report::{self, By};
use crate::hall::Hall;

/// One clerk's or window's scored month.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub key: String,
    pub label: String,
    pub figures: Figures,
    pub scored: Scored,
    pub rank: Option<u32>,
}

/// Counts per key of a `SELECT key, COUNT(*) … GROUP BY key` over a range of days.
fn counts(conn: &Connection, sql: &str, (from, to): (NaiveDate, NaiveDate)) -> rusqlite::Result<HashMap<String, u32>> {
    conn.prepare_cached(sql)?
        .query_map(params![from.to_string(), to.to_string()], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?
        .collect()
}

/// Standing inspection findings (not withdrawn) per staff member and per window.
fn findings(conn: &Connection, range: (NaiveDate, NaiveDate)) -> rusqlite::Result<[HashMap<String, u32>; 2]> {
    let sql = |column: &str| {
        format!(
            "SELECT f.{column}, COUNT(*) FROM inspection_findings f JOIN inspections i ON i.id = f.inspection_id
             WHERE i.day BETWEEN ?1 AND ?2 AND f.withdrawn_at_ms IS NULL AND f.{column} IS NOT NULL GROUP BY f.{column}"
        )
    };
    Ok([counts(conn, &sql("username"), range)?, counts(conn, &sql("window_id"), range)?])
}

/// Complaints answered as found true in the range (upheld, or partly: 部分属实 is found true in
/// part, R17), per staff member (about them) and per window (about it, or about a staff member
/// at it).
fn upheld(conn: &Connection, range: (NaiveDate, NaiveDate)) -> rusqlite::Result<[HashMap<String, u32>; 2]> {
    let [staff, window] = upheld_sql();
    Ok([counts(conn, &staff, range)?, counts(conn, &window, range)?])
}

/// The two counts of [`upheld`], each a slice of the upheld complaints' index by answer day.
fn upheld_sql() -> [String; 2] {
    let sql = |column: &str, about: &str| {
        format!(
            "SELECT {column}, COUNT(*) FROM complaints INDEXED BY complaints_upheld
             WHERE finding IN ('upheld', 'partly_upheld') AND answered_on BETWEEN ?1 AND ?2 AND {column} IS NOT NULL {about}
             GROUP BY {column}"
        )
    };
    [sql("staff", "AND about = 'staff'"), sql("window_id", "AND about IN ('window', 'staff')")]
}

/// The cases due in the month (their deadline in it), per clerk and per window, as each stood
/// when the month ended (`domain::assessment::case_standing`): [on time, late, overdue].
fn cases_due(
    conn: &Connection,
    tz: chrono_tz::Tz,
    (from, to): (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> rusqlite::Result<[HashMap<String, [u32; 3]>; 2]> {
    let (first, last) = (from.format("%Y-%m").to_string(), to.format("%Y-%m").to_string());
    let mut tally = Standings::default();
    // The hall's own cases, then the incoming ones (each row: clerk, window, deadline, closed).
    let reads: [(&str, Vec<String>); 2] = [
        (CASES_DUE, vec![from.to_string(), to.to_string(), first, last]),
        (INCOMING_DUE, vec![from.to_string(), to.to_string()]),
    ];
    for (sql, params) in reads {
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        })?;
        for row in rows {
            let (clerk, window, deadline, closed_at) = row?;
            let Ok(deadline) = NaiveDate::parse_from_str(&deadline, "%Y-%m-%d") else { continue };
            let closed_on = closed_at.map(|ms| super::local_day(ms, tz));
            tally.count([clerk, window], assessment::case_standing(deadline, closed_on, to, today));
        }
    }
    Ok(tally.0)
}

/// The incoming cases (上报来件, at the county hall: R14) whose deadline falls in the range, a
/// slice of their index: counted as the hall's own cases, for the window that has it and the
/// clerk who accepted it (R17: the upper hall keeps or misses the deadline it promised).
const INCOMING_DUE: &str = "SELECT (SELECT s.by FROM incoming_steps s
                WHERE s.incoming_id = i.id AND s.action = 'accepted' ORDER BY s.id LIMIT 1),
            i.window_id, i.deadline, i.closed_at
     FROM incoming_cases i INDEXED BY incoming_by_deadline
     WHERE i.deadline IS NOT NULL AND i.deadline BETWEEN ?1 AND ?2";

/// A month's cases or files per clerk and per window: [on time, late, still out].
#[derive(Default)]
struct Standings([HashMap<String, [u32; 3]>; 2]);

impl Standings {
    fn count(&mut self, [clerk, window]: [Option<String>; 2], standing: report::OnTime) {
        let i = match standing {
            report::OnTime::ClosedOnTime => 0,
            report::OnTime::ClosedLate => 1,
            report::OnTime::OverdueOpen => 2,
            report::OnTime::NotDue => return,
        };
        for (map, key) in self.0.iter_mut().zip([clerk, window]) {
            if let Some(k) = key {
                map.entry(k).or_insert([0; 3])[i] += 1;
            }
        }
    }
}

/// The cases whose deadline falls in a range (?1–?2; ?3–?4 their months): a slice of their
/// index by the deadline's month. A 上报件 relayed to the upper hall is left out: its deadline
/// and its close are that hall's (R14), nothing the town's clerk could keep or miss. The window
/// is the one that has the case (the director may have given it to another: R18).
const CASES_DUE: &str = "SELECT c.clerk, c.window_id, c.deadline, c.closed_at
     FROM cases c INDEXED BY cases_by_due_month
     WHERE substr(c.deadline, 1, 7) BETWEEN ?3 AND ?4 AND c.deadline BETWEEN ?1 AND ?2
       AND NOT (c.kind = 'reported' AND (json_extract(c.detail, '$.upper') IS NOT NULL
                                         OR json_extract(c.detail, '$.upper_deadline') IS NOT NULL))";

/// The case files due for the archive in the month (R17: their date the working days the hall
/// gave when the case closed after the close, in it), per clerk and per window, as each stood
/// when the month ended: [on time, late, still out]. Read from the closes since
/// `archive::earliest_close` for the longest limit a hall may give, a slice of their index: the
/// cost follows the month. A file whose date falls in a year the calendar has not loaded yet is
/// not counted until it is.
fn files_due(
    conn: &Connection,
    (tz, calendar): (chrono_tz::Tz, &Calendar),
    (from, to): (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> rusqlite::Result<[HashMap<String, [u32; 3]>; 2]> {
    let ms = |d: NaiveDate| {
        let midnight = d.and_hms_opt(0, 0, 0).expect("midnight");
        chrono::TimeZone::from_local_datetime(&tz, &midnight).earliest().map_or(i64::MIN, |t| t.timestamp_millis())
    };
    let first = ms(archive::earliest_close(from, archive::MOST_DAYS));
    let end = to.succ_opt().map_or(i64::MAX, ms);
    let mut stmt = conn.prepare_cached(FILES_CLOSED)?;
    let rows = stmt.query_map([first, end], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, Option<i64>>(3)?,
            r.get::<_, Option<u32>>(4)?,
        ))
    })?;
    let on = |ms: i64| super::local_day(ms, tz);
    let mut tally = Standings::default();
    for row in rows {
        let (clerk, window, closed_at, archived_at, days) = row?;
        let Some(days) = days else { continue };
        let Ok(due) = archive::due(on(closed_at), days, calendar) else { continue };
        if due < from || due > to {
            continue;
        }
        tally.count([Some(clerk), window], assessment::case_standing(due, archived_at.map(on), to, today));
    }
    Ok(tally.0)
}

/// The cases closed in a range of instants (?1 ≤ closed_at < ?2) whose archive is tracked: a
/// slice of their index by the close; the window that had the case when it closed.
const FILES_CLOSED: &str = "SELECT c.clerk, c.window_id, c.closed_at, c.archived_at, c.archive_days
     FROM cases c INDEXED BY cases_filed_by_close
     WHERE c.archive_tracked = 1 AND c.closed_at IS NOT NULL AND c.closed_at >= ?1 AND c.closed_at < ?2";

fn figures(
    t: &report::Totals,
    cases: [u32; 3],
    files: [u32; 3],
    attendance: Option<[u32; 3]>,
    days_due: Option<f64>,
    findings: u32,
    complaints_upheld: u32,
) -> Figures {
    let spread = report::spread(&t.served_services);
    Figures {
        attendance,
        findings,
        served: t.served,
        days_due,
        service_mean: spread.map(|s| s.0),
        service_p90: spread.map(|s| s.2),
        closed_on_time: cases[0],
        closed_late: cases[1],
        overdue_open: cases[2],
        archived_on_time: files[0],
        archived_late: files[1],
        archive_overdue: files[2],
        rated: t.levels.iter().sum(),
        satisfaction: rating::satisfaction(t.levels),
        complaints_upheld,
    }
}

/// Each clerk's days at work for the service part: their working days due (a half day of leave
/// ½), and every other day they served citizens, whole (their joining day, a Saturday the hall
/// opens, a day of leave they came in on): tickets served on a day not counted would swell their
/// rate, the yardstick of every peer.
fn days_due(due: &super::attendance::DueShares, facts: &[report::Fact]) -> HashMap<String, f64> {
    let worked: std::collections::HashSet<(String, NaiveDate)> = facts
        .iter()
        .filter(|f| f.queued && f.end == report::End::Served)
        .filter_map(|f| Some((f.clerk.clone()?, f.day)))
        .collect();
    let mut days: HashMap<String, f64> = HashMap::new();
    for ((clerk, day), share) in due {
        let at_work = worked.contains(&(clerk.clone(), *day));
        // On leave all day yet served citizens: a day at work.
        *days.entry(clerk.clone()).or_default() += if at_work && *share < 0.25 { 1.0 } else { *share };
    }
    for (clerk, day) in &worked {
        if !due.contains_key(&(clerk.clone(), *day)) {
            *days.entry(clerk.clone()).or_default() += 1.0;
        }
    }
    days
}

/// Scores and ranks one kind of sheet among its peers.
fn ranked(rows: Vec<(String, String, Figures)>, scheme: &assessment::Scheme) -> Vec<Sheet> {
    let best = assessment::best_service(rows.iter().map(|r| &r.2));
    let mut sheets: Vec<Sheet> = rows
        .into_iter()
        .map(|(key, label, figures)| {
            let scored = assessment::score(&figures, best, scheme);
            Sheet { key, label, figures, scored, rank: None }
        })
        .collect();
    let ranks = assessment::ranks(&sheets.iter().map(|s| s.scored.total).collect::<Vec<_>>());
    for (s, r) in sheets.iter_mut().zip(ranks) {
        s.rank = r;
    }
    sheets.sort_by(|a, b| a.rank.unwrap_or(u32::MAX).cmp(&b.rank.unwrap_or(u32::MAX)).then(a.key.cmp(&b.key)));
    sheets
}

/// The month `from..=to` of `clerks` and of every window of the hall: scored and ranked, best
/// first (staff, windows).
pub fn sheets(
    conn: &Connection,
    hall: &Hall,
    calendar: &Calendar,
    clerks: &[String],
    (from, to): (NaiveDate, NaiveDate),
    now: DateTime<Utc>,
) -> rusqlite::Result<(Vec<Sheet>, Vec<Sheet>)> {
    let today = crate::domain::numbering::local_day(now, hall.timezone);
    let facts = super::reports::facts(conn, hall, from, to, today)?;
    let (by_staff, _) = report::summarize(&facts, By::Staff);
    let (by_window, _) = report::summarize(&facts, By::Window);
    let mut marks: HashMap<&str, [u32; 3]> = clerks.iter().map(|c| (c.as_str(), [0; 3])).collect();
    let attendance_known = super::attendance::attendance_known(conn, hall, calendar, (from, to), now)?;
    let (judged, due) = super::attendance::judge(conn, hall, calendar, clerks, (from, to), now)?;
    let days_due = days_due(&due, &facts);
    for day in judged {
        let Some(m) = marks.get_mut(day.username.as_str()) else { continue };
        for mark in &day.marks {
            m[match mark.kind {
                MarkKind::Late => 0,
                MarkKind::EarlyLeave => 1,
                MarkKind::Absent => 2,
            }] += 1;
        }
    }
    let [staff_findings, window_findings] = findings(conn, (from, to))?;
    let [staff_upheld, window_upheld] = upheld(conn, (from, to))?;
    let [staff_cases, window_cases] = cases_due(conn, hall.timezone, (from, to), today)?;
    let [staff_files, window_files] = files_due(conn, (hall.timezone, calendar), (from, to), today)?;
    let due = |m: &HashMap<String, [u32; 3]>, k: &str| m.get(k).copied().unwrap_or([0; 3]);
    let none = report::Totals::default();
    let get = |m: &HashMap<String, u32>, k: &str| m.get(k).copied().unwrap_or(0);
    let names = super::attendance::StaffNames::read(conn)?;
    let staff = clerks
        .iter()
        .map(|c| {
            let name = names.of(hall, c);
            let t = by_staff.get(c).unwrap_or(&none);
            (
                c.clone(),
                name,
                figures(
                    t,
                    due(&staff_cases, c),
                    due(&staff_files, c),
                    marks.get(c.as_str()).copied().filter(|_| attendance_known),
                    attendance_known.then(|| days_due.get(c).copied().unwrap_or(0.0)),
                    get(&staff_findings, c),
                    get(&staff_upheld, c),
                ),
            )
        })
        .collect();
    let windows = hall
        .windows
        .iter()
        .map(|w| {
            let t = by_window.get(&w.id).unwrap_or(&none);
            let label = super::complaints::window_words(hall, &w.id);
            let (cases, files) = (due(&window_cases, &w.id), due(&window_files, &w.id));
            let f = figures(t, cases, files, None, None, get(&window_findings, &w.id), get(&window_upheld, &w.id));
            (w.id.clone(), label, f)
        })
        .collect();
    let scheme = &hall.policy.assessment;
    Ok((ranked(staff, scheme), ranked(windows, scheme)))
}

/// A closed month: when, by whom, and its frozen sheets (JSON).
pub fn closed(conn: &Connection, month: &str) -> rusqlite::Result<Option<(i64, String, String)>> {
    conn.prepare_cached("SELECT closed_at, closed_by, sheets FROM assessment_months WHERE month = ?1")?
        .query_row([month], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()
}

/// Freezes a month's sheets.
pub fn close(tx: &Transaction, month: &str, at: i64, by: &str, sheets: &str) -> rusqlite::Result<()> {
    tx.prepare_cached("INSERT INTO assessment_months (month, closed_at, closed_by, sheets) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![month, at, by, sheets])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A month's upheld complaints are read from the upheld complaints' index by answer day:
    /// their cost follows the month, not every complaint the hall ever received.
    #[test]
    fn upheld_complaints_are_a_slice_of_their_index() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open_writer(&dir.path().join("h.db")).unwrap();
        for sql in upheld_sql() {
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let rows = stmt.query_map(["2026-11-01", "2026-11-30"], |r| r.get::<_, String>(3)).unwrap();
            let plan = rows.collect::<Result<Vec<_>, _>>().unwrap().join("; ");
            assert!(plan.contains("complaints_upheld (answered_on>? AND answered_on<?)"), "{sql}: {plan}");
        }
        // And they answer (the index exists in the migrated schema).
        let range = (NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert_eq!(upheld(&conn, range).unwrap(), [HashMap::new(), HashMap::new()]);
    }

    /// The month's cases are those due in it, read from the cases' index by deadline: the cost
    /// follows the month, not every case the hall ever registered.
    #[test]
    fn the_cases_due_in_a_month_are_a_slice_of_their_index() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open_writer(&dir.path().join("h.db")).unwrap();
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {CASES_DUE}")).unwrap();
        let values = ["2026-11-01", "2026-11-30", "2026-11", "2026-11"];
        let rows = stmt.query_map(values, |r| r.get::<_, String>(3)).unwrap();
        let plan = rows.collect::<Result<Vec<_>, _>>().unwrap().join("; ");
        assert!(plan.contains("cases_by_due_month (<expr>>? AND <expr><?)"), "{plan}");
        let range = (NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(
            cases_due(&conn, chrono_tz::Asia::Shanghai, range, today).unwrap(),
            [HashMap::new(), HashMap::new()]
        );
    }

    /// The month's files are read from the closes since a few weeks before it, a slice of the
    /// tracked files' index by the close: the cost follows the month.
    #[test]
    fn the_files_due_in_a_month_are_a_slice_of_their_index() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open_writer(&dir.path().join("h.db")).unwrap();
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {FILES_CLOSED}")).unwrap();
        let rows = stmt.query_map([0, 1], |r| r.get::<_, String>(3)).unwrap();
        let plan = rows.collect::<Result<Vec<_>, _>>().unwrap().join("; ");
        assert!(plan.contains("cases_filed_by_close (closed_at>? AND closed_at<?)"), "{plan}");
        let range = (NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let calendar = crate::calendar_data::shipped_calendar();
        let files = files_due(&conn, (chrono_tz::Asia::Shanghai, &calendar), range, today).unwrap();
        assert_eq!(files, [HashMap::new(), HashMap::new()]);
    }
}
