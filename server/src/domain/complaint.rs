//! Complaints (投诉, R21) as pure rules: numbering, due dates on the working-day calendar
//! (simple: the next working day; complex: 5 working days, the hall's policy), the state machine
//! received → investigating → answered → closed, and lateness (answered after the due date needs
//! an explanation; the complaint stays tracked).

use chrono::NaiveDate;

use super::calendar::{Calendar, MissingYear};

str_enum!(
    /// How the complaint came in.
    Channel { Oral = "oral", Phone = "phone", Written = "written", Online = "online" }
);
str_enum!(
    /// What it is about.
    About { Window = "window", Staff = "staff", Hall = "hall" }
);
str_enum!(
    Complexity { Simple = "simple", Complex = "complex" }
);
str_enum!(
    State { Received = "received", Investigating = "investigating", Answered = "answered", Closed = "closed" }
);
str_enum!(
    Finding { Upheld = "upheld", PartlyUpheld = "partly_upheld", NotUpheld = "not_upheld" }
);

/// The hall's deadlines for complaints, in working days from the day received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub simple_days: u32,
    pub complex_days: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { simple_days: 1, complex_days: 5 }
    }
}

/// Longest `what`, answer, explanation or note (characters).
pub const MAX_TEXT: usize = 2000;
/// Longest name, and the "when it happened" words.
pub const MAX_NAME: usize = 50;
/// A postal address's most characters.
pub const MAX_ADDRESS: usize = 200;

/// `TS20261203-01`: the day's sequence, two digits at least.
pub fn number(day: NaiveDate, seq: u32) -> String {
    format!("TS{}-{seq:02}", day.format("%Y%m%d"))
}

/// The due date: `days` working days after the day received (R21). A year not loaded is an
/// error: the caller stores no date (pending) until it is.
pub fn due(
    received: NaiveDate,
    complexity: Complexity,
    limits: Limits,
    calendar: &Calendar,
) -> Result<NaiveDate, MissingYear> {
    let days = match complexity {
        Complexity::Simple => limits.simple_days,
        Complexity::Complex => limits.complex_days,
    };
    calendar.add_working_days(received, days)
}

/// A step asked of a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Investigate,
    /// The investigation finds it simple or complex after all (several units involved): its
    /// due date is counted again; it stays under investigation.
    Reclassify,
    /// `explained`: a late explanation was given.
    Answer {
        explained: bool,
    },
    Close,
}

/// Why a step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The state does not allow the step (409).
    BadTransition { from: State },
    /// Answered after the due date without an explanation (422).
    LateExplanationRequired,
    /// The complexity changed after the due date passed: the lateness would be erased (409).
    DeadlinePassed,
    /// The complexity changed to one whose due date has already passed: the complaint would be
    /// late the moment it changed (409).
    NewDueDatePassed,
}

/// Whether the complexity may change on `today`, from due date `due` to `new_due`: not once the
/// due date has passed (R21: a late answer is explained and tracked, never made on time after
/// the fact), nor to a due date already passed (a complex complaint found simple on its third
/// day would be late at once for a day before the finding).
pub fn may_reclassify(
    state: State,
    due: Option<NaiveDate>,
    new_due: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), Problem> {
    if overdue(state, due, today) {
        return Err(Problem::DeadlinePassed);
    }
    if overdue(state, new_due, today) {
        return Err(Problem::NewDueDatePassed);
    }
    Ok(())
}

/// Not answered and past the due date (a pending due date is never overdue).
pub fn overdue(state: State, due: Option<NaiveDate>, today: NaiveDate) -> bool {
    matches!(state, State::Received | State::Investigating) && due.is_some_and(|d| today > d)
}

/// Overdue now, or answered after the due date: tracked as late.
pub fn late(state: State, due: Option<NaiveDate>, answered_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    match answered_on {
        Some(a) => due.is_some_and(|d| a > d),
        None => overdue(state, due, today),
    }
}

/// The state after `step` on `today`; an answer after the due date needs an explanation.
pub fn apply(state: State, due: Option<NaiveDate>, step: Step, today: NaiveDate) -> Result<State, Problem> {
    let bad = Err(Problem::BadTransition { from: state });
    match (state, step) {
        (State::Received, Step::Investigate) => Ok(State::Investigating),
        (State::Investigating, Step::Reclassify) => Ok(State::Investigating),
        (State::Received | State::Investigating, Step::Answer { explained }) => {
            if overdue(state, due, today) && !explained {
                return Err(Problem::LateExplanationRequired);
            }
            Ok(State::Answered)
        }
        (State::Answered, Step::Close) => Ok(State::Closed),
        _ => bad,
    }
}

/// A phone as people write it: digits with `+`, `-` or spaces, 5 to 20 digits.
pub fn valid_contact(p: &str) -> bool {
    let digits = p.chars().filter(char::is_ascii_digit).count();
    p.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ')) && (5..=20).contains(&digits)
}

/// The finding in the words of the reply letter.
pub fn finding_words(f: Finding) -> &'static str {
    match f {
        Finding::Upheld => "属实",
        Finding::PartlyUpheld => "部分属实",
        Finding::NotUpheld => "不属实",
    }
}

pub fn channel_words(c: Channel) -> &'static str {
    match c {
        Channel::Oral => "当面",
        Channel::Phone => "电话",
        Channel::Written => "书面",
        Channel::Online => "网上",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn calendar() -> Calendar {
        crate::calendar_data::shipped_calendar()
    }

    #[test]
    fn numbers_carry_the_day_and_two_digits() {
        assert_eq!(number(d("2026-12-03"), 1), "TS20261203-01");
        assert_eq!(number(d("2026-12-03"), 123), "TS20261203-123");
    }

    #[test]
    fn due_dates_count_working_days_across_national_day() {
        let cal = calendar();
        let limits = Limits::default();
        // (received, complexity, due)
        let check = |received: &str, c: Complexity, expected: &str| {
            assert_eq!(due(d(received), c, limits, &cal).unwrap(), d(expected), "{received} {c:?}");
        };
        // The Friday before 国庆 2026: Monday; five working days end after the holiday.
        check("2026-09-25", Complexity::Simple, "2026-09-28");
        check("2026-09-25", Complexity::Complex, "2026-10-09");
        // The last day before it: the first day after; complex reaches 调休 Saturday 10 October.
        check("2026-09-30", Complexity::Simple, "2026-10-08");
        check("2026-09-30", Complexity::Complex, "2026-10-13");
        // Received on a day off (a Sunday): the next working day is the first.
        check("2026-11-29", Complexity::Simple, "2026-11-30");
        let custom = Limits { simple_days: 2, complex_days: 10 };
        assert_eq!(due(d("2026-11-25"), Complexity::Complex, custom, &cal).unwrap(), d("2026-12-09"));
        assert!(due(d("2026-12-31"), Complexity::Simple, limits, &cal).is_err(), "2027 is not loaded");
    }

    #[test]
    fn the_state_machine_and_late_answers() {
        let (today, past, future) = (d("2026-12-03"), Some(d("2026-12-02")), Some(d("2026-12-03")));
        use State::*;
        let no = |from| Err(Problem::BadTransition { from });
        // (state, due, step, expected)
        type Case = (State, Option<NaiveDate>, Step, Result<State, Problem>);
        let cases: &[Case] = &[
            (Received, future, Step::Investigate, Ok(Investigating)),
            (Received, future, Step::Answer { explained: false }, Ok(Answered)),
            (Investigating, future, Step::Answer { explained: false }, Ok(Answered)),
            (Investigating, None, Step::Answer { explained: false }, Ok(Answered)),
            (Investigating, past, Step::Answer { explained: false }, Err(Problem::LateExplanationRequired)),
            (Received, past, Step::Answer { explained: true }, Ok(Answered)),
            (Answered, future, Step::Close, Ok(Closed)),
            (Investigating, future, Step::Investigate, no(Investigating)),
            (Answered, future, Step::Investigate, no(Answered)),
            (Answered, future, Step::Answer { explained: true }, no(Answered)),
            (Received, future, Step::Close, no(Received)),
            (Investigating, future, Step::Close, no(Investigating)),
            (Closed, future, Step::Close, no(Closed)),
            (Closed, future, Step::Investigate, no(Closed)),
        ];
        for (state, due, step, expected) in cases {
            assert_eq!(apply(*state, *due, *step, today), *expected, "{state:?} {due:?} {step:?}");
        }
    }

    #[test]
    fn overdue_and_late() {
        let today = d("2026-12-03");
        assert!(!overdue(State::Received, Some(today), today), "due today is on time");
        assert!(overdue(State::Investigating, Some(d("2026-12-02")), today));
        assert!(!overdue(State::Answered, Some(d("2026-12-02")), today));
        assert!(!overdue(State::Received, None, today), "pending is not overdue");
        assert!(late(State::Closed, Some(d("2026-12-01")), Some(d("2026-12-02")), today), "answered late stays late");
        assert!(!late(State::Closed, Some(d("2026-12-02")), Some(d("2026-12-02")), today));
        assert!(late(State::Received, Some(d("2026-12-02")), None, today));
    }

    #[test]
    fn a_complaint_past_its_due_date_is_not_reclassified() {
        let today = d("2026-12-03");
        let check = |due: Option<&str>, new_due: Option<&str>, want: Result<(), Problem>, why: &str| {
            assert_eq!(may_reclassify(State::Received, due.map(d), new_due.map(d), today), want, "{why}");
        };
        check(Some("2026-12-03"), Some("2026-12-10"), Ok(()), "due today: still in time");
        check(None, Some("2026-12-10"), Ok(()), "pending: no date to move");
        check(Some("2026-12-02"), Some("2026-12-10"), Err(Problem::DeadlinePassed), "past due: never moved");
        check(Some("2026-12-10"), Some("2026-12-03"), Ok(()), "simple, due today: in time");
        check(
            Some("2026-12-10"),
            Some("2026-12-02"),
            Err(Problem::NewDueDatePassed),
            "simple, due yesterday: late at once",
        );
        check(Some("2026-12-10"), None, Ok(()), "no calendar for the new date: pending");
    }

    #[test]
    fn contacts_are_phone_numbers() {
        for ok in ["13800001234", "0835-6621234", "+86 138 0000 1234"] {
            assert!(valid_contact(ok), "{ok}");
        }
        for bad in ["call me", "1234", "<b>1</b>", "1".repeat(21).as_str()] {
            assert!(!valid_contact(bad), "{bad}");
        }
    }
}
