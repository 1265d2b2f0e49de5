//! R17's archives (档案): a closed case's file — the application, its materials, the notices
//! given, the decision — is put in the hall's archive (归档) within the hall's working days of
//! its close (`archive_days`, default 5). The monthly assessment scores each clerk and window on
//! the files due in the month: put away by their date, late, or still out when the month ended.
//! Pure: dates and states are arguments.

use chrono::{Days, NaiveDate};

use super::calendar::{Calendar, MissingYear};
use super::case::CaseState;

/// Why a case cannot be archived now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveProblem {
    #[error("a case is archived once closed: its file is still in use")]
    NotClosed,
    #[error("this case's file is archived already")]
    Archived,
}

/// A case may be archived once closed, once.
pub fn check(state: CaseState, archived: bool) -> Result<(), ArchiveProblem> {
    match (state, archived) {
        (_, true) => Err(ArchiveProblem::Archived),
        (CaseState::Closed, false) => Ok(()),
        _ => Err(ArchiveProblem::NotClosed),
    }
}

/// The day a case closed on `closed_on` is to be archived by: `days` working days after it (0:
/// the day it closed, or the next working day when it closed on a day off).
pub fn due(closed_on: NaiveDate, days: u32, calendar: &Calendar) -> Result<NaiveDate, MissingYear> {
    calendar.add_working_days(closed_on, days)
}

/// Whether a file closed on `closed_on` with `days` to be archived is past its date on `today`
/// (a date in a year the calendar has not loaded is not past).
pub fn overdue(closed_on: NaiveDate, days: u32, today: NaiveDate, calendar: &Calendar) -> bool {
    due(closed_on, days, calendar).is_ok_and(|d| d < today)
}

/// The most working days a hall may give (`archive_days`).
pub const MOST_DAYS: u32 = 30;

/// The earliest close whose archive date can fall on or after `from`: `days` working days never
/// span more than twice as many calendar days plus three weeks (weekends are two days in
/// seven; the longest run of days off, the Spring Festival's, is nine). A month's sheet reads
/// the closes from here on, so its cost follows the month, not the hall's years of cases.
pub fn earliest_close(from: NaiveDate, days: u32) -> NaiveDate {
    from.checked_sub_days(Days::new(2 * u64::from(days) + 21)).unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn only_a_closed_case_not_yet_archived_is_archived() {
        let check_one = |state, archived, want| assert_eq!(check(state, archived), want, "{state:?} {archived}");
        check_one(CaseState::Closed, false, Ok(()));
        check_one(CaseState::Closed, true, Err(ArchiveProblem::Archived));
        check_one(CaseState::Open, false, Err(ArchiveProblem::NotClosed));
        check_one(CaseState::AwaitingMaterials, false, Err(ArchiveProblem::NotClosed));
    }

    fn calendar() -> Calendar {
        crate::calendar_data::shipped_calendar()
    }

    #[test]
    fn the_archive_date_counts_working_days_from_the_close() {
        let c = calendar();
        // (closed on, days, due)
        for (closed, days, want) in [
            ("2026-12-03", 5, "2026-12-10"), // a Thursday: Fri, Mon–Thu
            ("2026-12-03", 0, "2026-12-03"),
            ("2026-12-05", 0, "2026-12-07"), // closed on a Saturday: the Monday
            ("2026-12-05", 1, "2026-12-07"),
            ("2026-02-14", 1, "2026-02-24"), // a Saturday worked, then the Spring Festival's nine days
        ] {
            assert_eq!(due(d(closed), days, &c), Ok(d(want)), "{closed} + {days}");
        }
        assert_eq!(due(d("2026-12-30"), 5, &c), Err(MissingYear(2027)));
        // Past the date from the day after it; a date not known yet is not past.
        for (today, want) in [("2026-12-10", false), ("2026-12-11", true)] {
            assert_eq!(overdue(d("2026-12-03"), 5, d(today), &c), want, "{today}");
        }
        assert!(!overdue(d("2026-12-30"), 5, d("2027-02-01"), &c));
    }

    /// Whatever the close, a file due on or after `from` closed on or after `earliest_close`:
    /// every close in the shipped years, every limit up to 30 days, their Spring Festivals too.
    #[test]
    fn the_earliest_close_bounds_every_archive_date() {
        let c = calendar();
        for days in [0, 1, 5, 10, 30] {
            let mut closed = d("2024-01-01");
            while closed < d("2026-11-01") {
                let due = due(closed, days, &c).unwrap();
                assert!(earliest_close(due, days) <= closed, "closed {closed}, {days} days: due {due}");
                closed = closed.succ_opt().unwrap();
            }
        }
    }
}
