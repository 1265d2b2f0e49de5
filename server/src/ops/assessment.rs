//! The monthly assessment (R17): a month's sheets as the records give them today, or as they
//! were frozen when the director closed the month; and the closing itself, in the writer.

use axum::http::StatusCode;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use hall_wire as wire;
use rusqlite::Connection;
use serde_json::json;

use super::{Answer, Ctx};
use crate::domain::calendar::Calendar;
use crate::error::{ApiError, ApiResult, Code};
use crate::hall::Hall;
use crate::store::assessment;

/// A calendar month, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Month {
    pub fn parse(s: &str) -> ApiResult<Month> {
        let bad = || ApiError::new(Code::InvalidDate, "a month is YYYY-MM");
        if s.len() != 7 {
            return Err(bad());
        }
        let first = NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d").map_err(|_| bad())?;
        let next = first.checked_add_months(chrono::Months::new(1)).ok_or_else(bad)?;
        Ok(Month { first, last: next.pred_opt().ok_or_else(bad)? })
    }

    pub fn of(day: NaiveDate) -> Month {
        Month::parse(&day.format("%Y-%m").to_string()).expect("a day's month is a month")
    }

    pub fn key(&self) -> String {
        format!("{:04}-{:02}", self.first.year(), self.first.month())
    }
}

/// The month's sheets as the records give them today: of every clerk the month had (one removed
/// or made a leader since keeps their days), demo accounts only in a `demo`.
pub fn live(
    conn: &Connection,
    hall: &Hall,
    calendar: &Calendar,
    demo: bool,
    month: Month,
    now: DateTime<Utc>,
) -> anyhow::Result<wire::Assessment> {
    let today = crate::domain::numbering::local_day(now, hall.timezone);
    // The records up to `now`'s day (a clerk's own sheet is read as of yesterday's end).
    let range = (month.first, month.last.min(today));
    let clerks = crate::store::attendance::clerks_between(conn, hall, demo, range)?;
    let (staff, windows) = assessment::sheets(conn, hall, calendar, &clerks, range, now)?;
    Ok(wire::Assessment {
        month: month.key(),
        closed: None,
        changed_since_closed: false,
        in_progress: month.last >= today,
        scheme: (&hall.policy.assessment).into(),
        staff: staff.iter().map(Into::into).collect(),
        windows: windows.iter().map(Into::into).collect(),
    })
}

/// Whether today's records give a sheet of a closed month other figures. The figures are the
/// month's records; what today's configuration makes of them is not (a window renamed, a new
/// year's scheme), nor is a sheet on one side only (a clerk or window added or removed since).
/// A month closed before the archive was assessed (schema_v36) kept no archive figures, and
/// none of its files count (their cases closed before the upgrade): not a change.
fn records_changed(frozen: &[wire::AssessmentSheet], live: &[wire::AssessmentSheet]) -> bool {
    frozen.iter().any(|was| {
        live.iter().find(|now| now.key == was.key).is_some_and(|now| {
            let mut now = now.figures.clone();
            if was.figures.archived_on_time.is_none() {
                (now.archived_on_time, now.archived_late, now.archive_overdue) = (None, None, None);
            }
            // Nor days due (kept since the service score counts per day due).
            if was.figures.days_due.is_none() {
                now.days_due = None;
            }
            now != was.figures
        })
    })
}

/// The month as the director sees it: frozen once closed (and whether today's records would
/// say otherwise), live before.
pub fn read(
    conn: &Connection,
    hall: &Hall,
    calendar: &Calendar,
    demo: bool,
    month: Month,
    now: DateTime<Utc>,
) -> anyhow::Result<wire::Assessment> {
    let live = live(conn, hall, calendar, demo, month, now)?;
    let Some((at, by, sheets)) = assessment::closed(conn, &month.key())? else { return Ok(live) };
    let mut frozen: wire::Assessment = serde_json::from_str(&sheets)?;
    frozen.changed_since_closed =
        records_changed(&frozen.staff, &live.staff) || records_changed(&frozen.windows, &live.windows);
    frozen.closed = Some(wire::AssessmentClosed { at: crate::store::reads::fmt_time(hall, at), by });
    frozen.in_progress = false;
    Ok(frozen)
}

/// The director closes a month that is over: its sheets are frozen as they are now (audited).
pub(super) fn close(ctx: &mut Ctx, month: &str, demo: bool) -> ApiResult<Answer> {
    let month = Month::parse(month)?;
    let today = crate::domain::numbering::local_day(ctx.now, ctx.hall.timezone);
    if month.last >= today {
        return Err(ApiError::new(
            Code::MonthNotOver,
            format!("{} is not over yet; close it from its next day", month.key()),
        ));
    }
    if assessment::closed(ctx.tx, &month.key())?.is_some() {
        return Err(ApiError::new(Code::MonthClosed, format!("{} is closed already; its sheets stand", month.key())));
    }
    // Frozen without its calendar, every clerk's attendance would stand unknown for good.
    if month.first.iter_days().take_while(|d| *d <= month.last).any(|d| ctx.calendar.is_working_day(d).is_err()) {
        return Err(ApiError::new(
            Code::CalendarYearMissing,
            format!(
                "the working-day calendar of {} is not loaded: attendance cannot be judged; the administrator adds it, then close the month",
                month.first.format("%Y")
            ),
        ));
    }
    let sheets = live(ctx.tx, ctx.hall, ctx.calendar, demo, month, ctx.now).map_err(ApiError::Internal)?;
    assessment::close(ctx.tx, &month.key(), ctx.now_ms, ctx.actor.name(), &serde_json::to_string(&sheets)?)?;
    ctx.audit(
        "assessment.close",
        None,
        Some(format!("assessment:{}", month.key())),
        json!({ "staff": sheets.staff.len(), "windows": sheets.windows.len() }),
    )?;
    let mut closed = sheets;
    closed.closed = Some(wire::AssessmentClosed {
        at: crate::store::reads::fmt_time(ctx.hall, ctx.now_ms),
        by: ctx.actor.name().to_string(),
    });
    Answer::json(StatusCode::OK, &closed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sheet frozen before the archive was assessed has no archive figures: today's zeros are
    /// no change; a sheet frozen with them is compared with them.
    #[test]
    fn a_month_frozen_before_the_archive_is_not_changed_by_it() {
        let sheet = |files: Option<u32>, served: u32| wire::AssessmentSheet {
            key: "clerk1".into(),
            label: "李明".into(),
            rank: Some(1),
            total: Some(100.0),
            grade: None,
            parts: Vec::new(),
            deducted: 0.0,
            figures: wire::AssessmentFigures {
                late: Some(0),
                early_leave: Some(0),
                absent: Some(0),
                findings: 0,
                served,
                days_due: None,
                service_mean: None,
                service_p90: None,
                closed_on_time: 0,
                closed_late: 0,
                overdue_open: 0,
                archived_on_time: files,
                archived_late: files,
                archive_overdue: files,
                rated: 0,
                satisfaction: None,
                complaints_upheld: 0,
            },
        };
        // (frozen, live, changed)
        for (was, now, want) in [
            (sheet(None, 5), sheet(Some(0), 5), false),
            (sheet(None, 5), sheet(Some(0), 6), true),
            (sheet(Some(0), 5), sheet(Some(0), 5), false),
            (sheet(Some(0), 5), sheet(Some(1), 5), true),
        ] {
            assert_eq!(
                records_changed(std::slice::from_ref(&was), std::slice::from_ref(&now)),
                want,
                "{was:?} {now:?}"
            );
        }
    }

    #[test]
    fn months_parse_to_their_first_and_last_day() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // (text, first and last, or refused)
        for (text, want) in [
            ("2026-11", Some((d("2026-11-01"), d("2026-11-30")))),
            ("2026-12", Some((d("2026-12-01"), d("2026-12-31")))),
            ("2028-02", Some((d("2028-02-01"), d("2028-02-29")))),
            ("2026-13", None),
            ("2026-1", None),
            ("2026-11-01", None),
            ("november", None),
        ] {
            assert_eq!(Month::parse(text).ok().map(|m| (m.first, m.last)), want, "{text}");
        }
        assert_eq!(Month::of(d("2026-12-03")).key(), "2026-12");
    }
}
