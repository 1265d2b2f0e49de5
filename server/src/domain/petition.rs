//! Petitions (信访, R20): the registration's limits, the answer's due day on the working-day
//! calendar, the numbers and the state machine. Pure: dates and the calendar are arguments.

use chrono::NaiveDate;

use super::calendar::{Calendar, MissingYear};

str_enum!(
    /// How the petition came.
    Channel { Letter = "letter", Visit = "visit", Call = "call", Online = "online" }
);

str_enum!(Gender { Male = "male", Female = "female", Unstated = "unstated" });

str_enum!(
    /// Where a petition stands: the deadline runs while it is received or transferred.
    PetitionState { Received = "received", Transferred = "transferred", Answered = "answered", Closed = "closed" }
);

impl PetitionState {
    /// Not answered yet: its due day counts.
    pub fn running(self) -> bool {
        matches!(self, PetitionState::Received | PetitionState::Transferred)
    }
}

/// The hall's answer limits (`[policy]`), in working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// An ordinary petition is answered within this many working days (R20: 3).
    pub days: u32,
    /// A leader reception is answered within a week: this many working days (5).
    pub leader_days: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { days: 3, leader_days: 5 }
    }
}

/// Limits of the registered text, in characters.
pub const MAX_NAME: usize = 50;
pub const MAX_SHORT: usize = 50;
pub const MAX_ADDRESS: usize = 200;
pub const MAX_ISSUE: usize = 2000;
pub const MAX_NOTE: usize = 500;
pub const MAX_AGE: u32 = 130;

/// A petition's fields the rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PetitionProblem {
    #[error("`{field}` is required")]
    Required { field: &'static str },
    #[error("`{field}` is limited to {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("the age is 0 to {MAX_AGE}")]
    Age,
    #[error("a petition solved on the spot states the answer given")]
    AnswerRequired,
    #[error("an answer is given only when the petition is solved on the spot; answer it later otherwise")]
    AnswerWithoutSolving,
    #[error("{0}")]
    Action(&'static str),
    #[error("an anonymous petition has no name or address: leave them out, or do not mark it anonymous")]
    AnonymousNamed,
    #[error("the department's due day is from today up to the petition's own due day (any day from today once that day has passed)")]
    TransferDueOutside,
    #[error("the petition's due day has passed: give the department a due day from today")]
    TransferDueRequired,
}

/// The text fields as given (trimmed by the caller), checked against their limits.
pub struct Fields<'a> {
    /// An unsigned letter, a caller who gives no name: no name, no address.
    pub anonymous: bool,
    pub name: &'a str,
    pub age: Option<u32>,
    pub occupation: Option<&'a str>,
    pub political_status: Option<&'a str>,
    pub address_or_workplace: &'a str,
    pub issue: &'a str,
    pub solved_on_spot: bool,
    pub answer: Option<&'a str>,
}

fn required(field: &'static str, value: &str, max: usize) -> Result<(), PetitionProblem> {
    if value.trim().is_empty() {
        return Err(PetitionProblem::Required { field });
    }
    limit(field, Some(value), max)
}

fn limit(field: &'static str, value: Option<&str>, max: usize) -> Result<(), PetitionProblem> {
    match value {
        Some(v) if v.trim().chars().count() > max => Err(PetitionProblem::TooLong { field, max }),
        _ => Ok(()),
    }
}

/// Checks a registration's fields (R20's: name, age, occupation, political status, address or
/// workplace, the main issue; and the answer of one solved on the spot).
pub fn check(f: &Fields) -> Result<(), PetitionProblem> {
    if f.anonymous && !(f.name.trim().is_empty() && f.address_or_workplace.trim().is_empty()) {
        return Err(PetitionProblem::AnonymousNamed);
    }
    if !f.anonymous {
        required("name", f.name, MAX_NAME)?;
        required("address_or_workplace", f.address_or_workplace, MAX_ADDRESS)?;
    }
    if f.age.is_some_and(|a| a > MAX_AGE) {
        return Err(PetitionProblem::Age);
    }
    limit("occupation", f.occupation, MAX_SHORT)?;
    limit("political_status", f.political_status, MAX_SHORT)?;
    required("issue", f.issue, MAX_ISSUE)?;
    let answer = f.answer.filter(|a| !a.trim().is_empty());
    match (f.solved_on_spot, answer) {
        (true, None) => Err(PetitionProblem::AnswerRequired),
        (false, Some(_)) => Err(PetitionProblem::AnswerWithoutSolving),
        (_, a) => limit("answer", a, MAX_ISSUE),
    }
}

/// Checks an answer given later (1 to 2000 characters).
pub fn check_answer(answer: &str) -> Result<(), PetitionProblem> {
    required("answer", answer, MAX_ISSUE)
}

/// Checks a transfer's note (up to 500 characters).
pub fn check_note(note: Option<&str>) -> Result<(), PetitionProblem> {
    limit("note", note, MAX_NOTE)
}

/// Working days the hall gives a petition: 0 solved on the spot, the leader's week, or the
/// ordinary limit.
pub fn due_days(solved_on_spot: bool, leader_reception: bool, limits: Limits) -> u32 {
    match (solved_on_spot, leader_reception) {
        (true, _) => 0,
        (false, true) => limits.leader_days,
        (false, false) => limits.days,
    }
}

/// The day the answer is due: `days` working days after the day it was received; `None` on
/// the spot (answered at once). A year not loaded is the caller's to wait for (`Err`).
pub fn due(received_on: NaiveDate, days: u32, calendar: &Calendar) -> Result<Option<NaiveDate>, MissingYear> {
    if days == 0 {
        return Ok(None);
    }
    calendar.add_working_days(received_on, days).map(Some)
}

/// Not answered and past its due day.
pub fn overdue(state: PetitionState, due: Option<NaiveDate>, today: NaiveDate) -> bool {
    state.running() && due.is_some_and(|d| d < today)
}

/// The due day a 交办单 gives the department: the one given, from today up to the petition's own
/// due day, or that own day when none is given. Once the petition's own day has passed (it is
/// overdue), the department still needs a day it can meet: one from today must be given.
pub fn transfer_due(
    own: Option<NaiveDate>,
    given: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, PetitionProblem> {
    let passed = own.is_some_and(|d| d < today);
    match given {
        None if passed => Err(PetitionProblem::TransferDueRequired),
        None => Ok(own),
        Some(d) if d < today => Err(PetitionProblem::TransferDueOutside),
        Some(d) if !passed && own.is_some_and(|limit| d > limit) => Err(PetitionProblem::TransferDueOutside),
        Some(d) => Ok(Some(d)),
    }
}

/// What the director does to a petition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Transfer,
    Answer,
    Close,
    Acknowledge,
}

/// A petition's state and its alert, as the rules need them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub state: PetitionState,
    pub urgent: bool,
    pub acknowledged: bool,
}

/// The state after an action, or why the action is refused (a `409`).
pub fn apply(f: Facts, action: Action) -> Result<PetitionState, PetitionProblem> {
    use PetitionState::*;
    match (action, f.state) {
        // Sent on again: the department it went to says it is not theirs (归口办理 to the right one).
        (Action::Transfer, Received | Transferred) => Ok(Transferred),
        (Action::Transfer, _) => Err(PetitionProblem::Action("an answered or closed petition is not transferred")),
        (Action::Answer, Received | Transferred) => Ok(Answered),
        (Action::Answer, _) => Err(PetitionProblem::Action("the petition was already answered")),
        (Action::Close, Answered) => Ok(Closed),
        (Action::Close, Closed) => Err(PetitionProblem::Action("the petition is already closed")),
        (Action::Close, _) => Err(PetitionProblem::Action("a petition is closed once it is answered")),
        (Action::Acknowledge, _) if !f.urgent => {
            Err(PetitionProblem::Action("only an urgent petition raises an alert to acknowledge"))
        }
        (Action::Acknowledge, _) if f.acknowledged => {
            Err(PetitionProblem::Action("the alert was already acknowledged"))
        }
        (Action::Acknowledge, s) => Ok(s),
    }
}

/// The petition's number: `XF`, the day of registration and the day's sequence, `XF20261203-01`.
pub fn number(day: NaiveDate, seq: u32) -> String {
    format!("XF{}-{seq:02}", day.format("%Y%m%d"))
}

/// The channel in the hall's words.
pub fn channel_words(c: Channel) -> &'static str {
    match c {
        Channel::Letter => "来信",
        Channel::Visit => "来访",
        Channel::Call => "来电",
        Channel::Online => "网上信访",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::Calendar;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn calendar() -> Calendar {
        crate::calendar_data::shipped_calendar()
    }

    #[test]
    fn due_days_follow_r20() {
        let l = Limits::default();
        // (solved on the spot, leader reception, days)
        for (spot, leader, days) in [(true, false, 0), (true, true, 0), (false, false, 3), (false, true, 5)] {
            assert_eq!(due_days(spot, leader, l), days, "{spot} {leader}");
        }
        assert_eq!(due_days(false, true, Limits { days: 2, leader_days: 7 }), 7);
    }

    #[test]
    fn due_days_are_working_days_around_national_day_2026() {
        let c = calendar();
        // (received, days, due): 国庆 2026 is 1–7 October off, 9/20 and 10/10 worked (Sundays/Saturdays).
        for (received, days, due_on) in [
            ("2026-09-28", 3, "2026-10-08"), // Mon: 29, 30 September, then 8 October
            ("2026-09-29", 3, "2026-10-09"), // 30 September, 8, 9 October
            ("2026-09-30", 3, "2026-10-10"), // 8, 9, 10 October (a worked Saturday)
            ("2026-09-28", 5, "2026-10-10"), // a leader reception: 29, 30, 8, 9, 10
            ("2026-09-30", 5, "2026-10-13"), // 8, 9, 10, 12, 13 October
            ("2026-10-03", 3, "2026-10-10"), // received on a holiday: 8, 9, 10 October
            ("2026-11-25", 3, "2026-11-30"), // an ordinary week: Thu, Fri, Mon
        ] {
            assert_eq!(due(d(received), days, &c).unwrap(), Some(d(due_on)), "{received} + {days}");
        }
        assert_eq!(due(d("2026-11-25"), 0, &c).unwrap(), None, "answered on the spot");
        assert!(due(d("2026-12-30"), 3, &c).is_err(), "2027 is not loaded: waits, never guessed");
    }

    #[test]
    fn overdue_only_while_not_answered_and_after_the_due_day() {
        let due_on = Some(d("2026-11-30"));
        use PetitionState::*;
        for (state, today, expected) in [
            (Received, "2026-11-30", false),
            (Received, "2026-12-01", true),
            (Transferred, "2026-12-01", true),
            (Answered, "2026-12-01", false),
            (Closed, "2026-12-01", false),
        ] {
            assert_eq!(overdue(state, due_on, d(today)), expected, "{state:?} {today}");
        }
        assert!(!overdue(Received, None, d("2027-01-10")), "a due day pending is not overdue");
    }

    #[test]
    fn a_transfer_due_day_within_the_petitions_own_or_from_today_once_that_passed() {
        let today = d("2026-12-02");
        use PetitionProblem::{TransferDueOutside as Outside, TransferDueRequired as Required};
        // (own due, given, expected)
        for (own, given, expected) in [
            (Some("2026-12-04"), None, Ok(Some("2026-12-04"))),
            (Some("2026-12-04"), Some("2026-12-03"), Ok(Some("2026-12-03"))),
            (Some("2026-12-04"), Some("2026-12-02"), Ok(Some("2026-12-02"))),
            (Some("2026-12-04"), Some("2026-12-07"), Err(Outside)),
            (Some("2026-12-04"), Some("2026-12-01"), Err(Outside)),
            (Some("2026-12-02"), None, Ok(Some("2026-12-02"))),
            // Overdue: its own day is no limit any more, and is no day to hand on.
            (Some("2026-11-30"), None, Err(Required)),
            (Some("2026-11-30"), Some("2026-12-04"), Ok(Some("2026-12-04"))),
            (Some("2026-11-30"), Some("2026-11-30"), Err(Outside)),
            // Its own day waits for the calendar: any day from today.
            (None, None, Ok(None)),
            (None, Some("2026-12-09"), Ok(Some("2026-12-09"))),
            (None, Some("2026-12-01"), Err(Outside)),
        ] {
            let got = transfer_due(own.map(d), given.map(d), today);
            assert_eq!(got, expected.map(|e| e.map(d)), "{own:?} {given:?}");
        }
    }

    #[test]
    fn the_state_machine() {
        use Action::*;
        use PetitionState::*;
        let f = |state, urgent, acknowledged| Facts { state, urgent, acknowledged };
        // (facts, action, next or refused)
        for (facts, action, next) in [
            (f(Received, false, true), Transfer, Some(Transferred)),
            (f(Transferred, false, true), Transfer, Some(Transferred)),
            (f(Answered, false, true), Transfer, None),
            (f(Received, false, true), Answer, Some(Answered)),
            (f(Transferred, false, true), Answer, Some(Answered)),
            (f(Answered, false, true), Answer, None),
            (f(Closed, false, true), Answer, None),
            (f(Received, false, true), Close, None),
            (f(Transferred, false, true), Close, None),
            (f(Answered, false, true), Close, Some(Closed)),
            (f(Closed, false, true), Close, None),
            (f(Received, true, false), Acknowledge, Some(Received)),
            (f(Closed, true, false), Acknowledge, Some(Closed)),
            (f(Received, true, true), Acknowledge, None),
            (f(Received, false, true), Acknowledge, None),
        ] {
            assert_eq!(apply(facts, action).ok(), next, "{facts:?} {action:?}");
        }
    }

    #[test]
    fn fields_have_limits() {
        let ok = Fields {
            anonymous: false,
            name: "张三",
            age: Some(45),
            occupation: Some("农民"),
            political_status: Some("群众"),
            address_or_workplace: "青石镇东村3组",
            issue: "宅基地纠纷",
            solved_on_spot: false,
            answer: None,
        };
        assert_eq!(check(&ok), Ok(()));
        let long = "字".repeat(51);
        let very_long = "字".repeat(2001);
        let cases: Vec<(Fields, PetitionProblem)> = vec![
            (Fields { name: " ", ..ok }, PetitionProblem::Required { field: "name" }),
            (Fields { name: &long, ..ok }, PetitionProblem::TooLong { field: "name", max: 50 }),
            (Fields { age: Some(131), ..ok }, PetitionProblem::Age),
            (Fields { occupation: Some(&long), ..ok }, PetitionProblem::TooLong { field: "occupation", max: 50 }),
            (Fields { address_or_workplace: "", ..ok }, PetitionProblem::Required { field: "address_or_workplace" }),
            (Fields { issue: &very_long, ..ok }, PetitionProblem::TooLong { field: "issue", max: 2000 }),
            (Fields { solved_on_spot: true, ..ok }, PetitionProblem::AnswerRequired),
            (Fields { answer: Some("已解释"), ..ok }, PetitionProblem::AnswerWithoutSolving),
            (Fields { anonymous: true, ..ok }, PetitionProblem::AnonymousNamed),
            (Fields { anonymous: true, name: "", ..ok }, PetitionProblem::AnonymousNamed),
        ];
        for (fields, problem) in cases {
            assert_eq!(check(&fields), Err(problem));
        }
        assert_eq!(check(&Fields { age: Some(130), name: &"字".repeat(50), ..ok }), Ok(()));
        assert_eq!(check(&Fields { age: Some(0), solved_on_spot: true, answer: Some("当场解答"), ..ok }), Ok(()));
        // An unsigned letter: no name, no address, registered all the same (R20).
        let unsigned = Fields { anonymous: true, name: " ", address_or_workplace: "", age: None, ..ok };
        assert_eq!(check(&unsigned), Ok(()));
        assert_eq!(check(&Fields { issue: "", ..unsigned }), Err(PetitionProblem::Required { field: "issue" }));
    }

    #[test]
    fn numbers_per_day() {
        assert_eq!(number(d("2026-12-03"), 1), "XF20261203-01");
        assert_eq!(number(d("2026-12-03"), 123), "XF20261203-123");
    }
}
