//! Leave with stand-ins (R16): a clerk asks for days off (half days at either end), names a
//! stand-in (顶岗人员) for each of their windows, and the director approves or refuses; the
//! requester may cancel before it starts. Pure: the calendar and today are arguments.

use chrono::NaiveDate;

use super::calendar::Calendar;

str_enum!(
    /// The kinds of leave the hall grants.
    LeaveKind {
        Annual = "annual",
        Sick = "sick",
        Personal = "personal",
        Marriage = "marriage",
        Maternity = "maternity",
        Bereavement = "bereavement",
        Official = "official",
    }
);

str_enum!(
    /// Where a request is.
    LeaveState { Pending = "pending", Approved = "approved", Refused = "refused", Cancelled = "cancelled" }
);

/// The longest request, in calendar days (maternity leave is 158 days and more in some places).
pub const MAX_DAYS: i64 = 366;
/// The longest reason or note.
pub const MAX_TEXT: usize = 500;

/// The days asked for: `from..=to`, the first from the afternoon, the last until noon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub from: NaiveDate,
    pub from_afternoon: bool,
    pub to: NaiveDate,
    pub to_noon: bool,
}

/// What is wrong with a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanError {
    /// The last day before the first, or one day from the afternoon until noon.
    Empty,
    /// Longer than [`MAX_DAYS`].
    TooLong,
}

/// How much of one day the leave covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cover {
    Full,
    /// Off in the morning, at work from the afternoon period.
    Morning,
    /// At work in the morning, off from the afternoon.
    Afternoon,
}

impl Cover {
    /// Two approved leaves of one day together: a morning off and an afternoon off make the
    /// whole day (a clerk who took the morning and fell ill at noon is away all day).
    pub fn and(self, other: Cover) -> Cover {
        if self == other {
            self
        } else {
            Cover::Full
        }
    }
}

impl Span {
    pub fn check(&self) -> Result<(), SpanError> {
        if self.to < self.from || (self.to == self.from && self.from_afternoon && self.to_noon) {
            return Err(SpanError::Empty);
        }
        if (self.to - self.from).num_days() >= MAX_DAYS {
            return Err(SpanError::TooLong);
        }
        Ok(())
    }

    /// How much of `day` the leave covers (`None`: the day is outside it).
    pub fn cover(&self, day: NaiveDate) -> Option<Cover> {
        if day < self.from || day > self.to {
            return None;
        }
        let afternoon_only = day == self.from && self.from_afternoon;
        let morning_only = day == self.to && self.to_noon;
        Some(match (afternoon_only, morning_only) {
            (true, _) => Cover::Afternoon,
            (_, true) => Cover::Morning,
            _ => Cover::Full,
        })
    }

    /// Whether the two spans share a day (a half day each way counts: a morning and an
    /// afternoon of the same day do not overlap).
    pub fn overlaps(&self, other: &Span) -> bool {
        let (first, last) = (self.from.max(other.from), self.to.min(other.to));
        if first > last {
            return false;
        }
        if first < last {
            return true;
        }
        !matches!(
            (self.cover(first), other.cover(first)),
            (Some(Cover::Morning), Some(Cover::Afternoon)) | (Some(Cover::Afternoon), Some(Cover::Morning))
        )
    }

    /// Half working days on the statutory calendar (`None` when a year is not loaded).
    pub fn working_half_days(&self, calendar: &Calendar) -> Option<u32> {
        let mut halves = 0;
        for day in self.from.iter_days().take_while(|d| *d <= self.to) {
            if !calendar.is_working_day(day).ok()? {
                continue;
            }
            halves += match self.cover(day) {
                Some(Cover::Full) => 2,
                Some(_) => 1,
                None => 0,
            };
        }
        Some(halves)
    }
}

/// Why a step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepError {
    /// Not pending (approve, refuse) or not pending/approved (cancel).
    WrongState,
    /// The leave has started (cancel).
    TooLate,
}

/// A step on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Approve,
    Refuse,
    Cancel,
}

/// The state after `step`, on `today`. A request is asked for before its last day is over, so
/// it may be decided after (sick leave asked for on the morning, decided the day after): a
/// pending request is approved or refused whenever the director comes to it; left pending, its
/// days would count as absences (R17) with nothing the clerk could do.
pub fn step(state: LeaveState, span: &Span, step: Step, today: NaiveDate) -> Result<LeaveState, StepError> {
    match (step, state) {
        (Step::Approve, LeaveState::Pending) => Ok(LeaveState::Approved),
        (Step::Refuse, LeaveState::Pending) => Ok(LeaveState::Refused),
        (Step::Cancel, LeaveState::Pending | LeaveState::Approved) if span.from <= today => Err(StepError::TooLate),
        (Step::Cancel, LeaveState::Pending | LeaveState::Approved) => Ok(LeaveState::Cancelled),
        _ => Err(StepError::WrongState),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn span(from: &str, from_afternoon: bool, to: &str, to_noon: bool) -> Span {
        Span { from: d(from), from_afternoon, to: d(to), to_noon }
    }

    #[test]
    fn spans_are_checked_and_counted_in_working_half_days() {
        let calendar = crate::calendar_data::shipped_calendar();
        // (span, check, working half days of a valid span): 2026-09-28 is a Monday; 1–7 October is 国庆 and
        // Saturday 10 October a make-up working day.
        let cases = [
            (span("2026-09-28", false, "2026-09-28", false), Ok(()), Some(2)),
            (span("2026-09-28", true, "2026-09-28", false), Ok(()), Some(1)),
            (span("2026-09-28", false, "2026-09-28", true), Ok(()), Some(1)),
            (span("2026-09-28", true, "2026-09-28", true), Err(SpanError::Empty), Some(0)),
            (span("2026-09-29", false, "2026-09-28", false), Err(SpanError::Empty), Some(0)),
            (span("2026-09-28", true, "2026-09-30", true), Ok(()), Some(4)),
            (span("2026-09-30", false, "2026-10-10", false), Ok(()), Some(8)),
            (span("2026-01-01", false, "2027-01-02", false), Err(SpanError::TooLong), None),
            (span("2027-03-01", false, "2027-03-02", false), Ok(()), None),
        ];
        for (s, check, halves) in cases {
            assert_eq!(s.check(), check, "{s:?}");
            if check.is_ok() {
                assert_eq!(s.working_half_days(&calendar), halves, "{s:?}");
            }
        }
    }

    #[test]
    fn each_day_is_covered_in_full_or_by_half() {
        let s = span("2026-09-28", true, "2026-09-30", true);
        let cases = [
            ("2026-09-27", None),
            ("2026-09-28", Some(Cover::Afternoon)),
            ("2026-09-29", Some(Cover::Full)),
            ("2026-09-30", Some(Cover::Morning)),
            ("2026-10-01", None),
        ];
        for (day, want) in cases {
            assert_eq!(s.cover(d(day)), want, "{day}");
        }
        assert_eq!(span("2026-09-28", true, "2026-09-28", false).cover(d("2026-09-28")), Some(Cover::Afternoon));
        assert_eq!(span("2026-09-28", false, "2026-09-28", true).cover(d("2026-09-28")), Some(Cover::Morning));
    }

    #[test]
    fn a_morning_and_an_afternoon_off_make_the_whole_day() {
        use Cover::*;
        for (a, b, want) in [
            (Morning, Afternoon, Full),
            (Afternoon, Morning, Full),
            (Morning, Morning, Morning),
            (Afternoon, Afternoon, Afternoon),
            (Full, Morning, Full),
            (Afternoon, Full, Full),
        ] {
            assert_eq!(a.and(b), want, "{a:?} and {b:?}");
        }
    }

    #[test]
    fn spans_overlap_unless_they_split_a_day() {
        let cases = [
            (span("2026-09-28", false, "2026-09-29", false), span("2026-09-29", false, "2026-09-30", false), true),
            (span("2026-09-28", false, "2026-09-28", false), span("2026-09-29", false, "2026-09-30", false), false),
            (span("2026-09-28", false, "2026-09-29", true), span("2026-09-29", true, "2026-09-30", false), false),
            (span("2026-09-29", false, "2026-09-29", true), span("2026-09-29", true, "2026-09-29", false), false),
            (span("2026-09-28", false, "2026-09-29", false), span("2026-09-29", true, "2026-09-30", false), true),
        ];
        for (a, b, want) in cases {
            assert_eq!(a.overlaps(&b), want, "{a:?} {b:?}");
            assert_eq!(b.overlaps(&a), want, "{b:?} {a:?}");
        }
    }

    #[test]
    fn steps_follow_the_state_and_the_day() {
        let s = span("2026-09-28", false, "2026-09-30", false);
        let (before, during, after) = (d("2026-09-27"), d("2026-09-29"), d("2026-10-01"));
        use LeaveState::*;
        let cases = [
            (Pending, Step::Approve, before, Ok(Approved)),
            (Pending, Step::Approve, during, Ok(Approved)),
            (Pending, Step::Approve, after, Ok(Approved)),
            (Pending, Step::Refuse, after, Ok(Refused)),
            (Approved, Step::Approve, before, Err(StepError::WrongState)),
            (Refused, Step::Refuse, before, Err(StepError::WrongState)),
            (Pending, Step::Cancel, before, Ok(Cancelled)),
            (Approved, Step::Cancel, before, Ok(Cancelled)),
            (Approved, Step::Cancel, during, Err(StepError::TooLate)),
            (Cancelled, Step::Cancel, before, Err(StepError::WrongState)),
            (Refused, Step::Cancel, before, Err(StepError::WrongState)),
        ];
        for (state, st, today, want) in cases {
            assert_eq!(step(state, &s, st, today), want, "{state:?} {st:?} {today}");
        }
    }
}
