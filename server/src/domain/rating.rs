//! 好差评 (GB/T 39734): one rating per service, voluntary; a bad one carries its reason and opens a
//! follow-up on deadlines in working days (contact the citizen, rectify and answer). Pure.

use chrono::NaiveDate;

use super::calendar::Calendar;

str_enum!(
    /// The five levels, best first (stored as 1 … 5).
    Level {
        VerySatisfied = "very_satisfied",
        Satisfied = "satisfied",
        BasicallySatisfied = "basically_satisfied",
        Dissatisfied = "dissatisfied",
        VeryDissatisfied = "very_dissatisfied",
    }
);

str_enum!(
    /// Why a rating is bad.
    Reason {
        Attitude = "attitude",
        Efficiency = "efficiency",
        MaterialsRepeated = "materials_repeated",
        NotInTime = "not_in_time",
        Other = "other",
    }
);

str_enum!(
    /// Where the rating was given.
    Channel { Evaluator = "evaluator", Phone = "phone" }
);

str_enum!(
    /// Where a bad rating's follow-up stands.
    FollowUpState { Open = "open", Contacted = "contacted", Closed = "closed" }
);

impl Level {
    /// 1 (非常满意) … 5 (非常不满意), as stored.
    pub fn rank(self) -> i64 {
        Level::ALL.iter().position(|l| *l == self).expect("every level is listed") as i64 + 1
    }

    pub fn from_rank(rank: i64) -> Option<Level> {
        usize::try_from(rank - 1).ok().and_then(|i| Level::ALL.get(i)).copied()
    }

    /// 不满意 and 非常不满意: a reason is required and the director follows it up.
    pub fn is_bad(self) -> bool {
        matches!(self, Level::Dissatisfied | Level::VeryDissatisfied)
    }

    pub fn words(self) -> &'static str {
        match self {
            Level::VerySatisfied => "非常满意",
            Level::Satisfied => "满意",
            Level::BasicallySatisfied => "基本满意",
            Level::Dissatisfied => "不满意",
            Level::VeryDissatisfied => "非常不满意",
        }
    }
}

/// The hall's limits (`[policy]`): working days to contact the citizen and to rectify and answer,
/// and how long a window's evaluator asks for a rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub contact_days: u32,
    pub rectify_days: u32,
    pub ask_seconds: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { contact_days: 1, rectify_days: 15, ask_seconds: 90 }
    }
}

/// A rating as the citizen gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Given<'a> {
    pub level: Level,
    pub reason: Option<Reason>,
    pub text: Option<&'a str>,
    pub phone: Option<&'a str>,
}

/// What is kept: a reason and a call-back phone only for a bad rating (nothing more is kept than
/// the follow-up needs), text trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub level: Level,
    pub reason: Option<Reason>,
    pub text: Option<String>,
    pub phone: Option<String>,
}

/// A rating the rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RatingProblem {
    #[error("不满意 and 非常不满意 state a reason: attitude, efficiency, materials_repeated, not_in_time or other")]
    ReasonRequired,
    #[error("a rating's text is limited to {MAX_TEXT} characters")]
    TextTooLong,
    #[error("the call-back phone is not a phone number")]
    InvalidPhone,
    #[error("{0}")]
    NotNow(&'static str),
}

pub const MAX_TEXT: usize = 500;

/// A phone as people write it: digits with `+`, `-` or spaces, 5 to 20 digits.
pub fn valid_phone(p: &str) -> bool {
    let digits = p.chars().filter(char::is_ascii_digit).count();
    p.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ')) && (5..=20).contains(&digits)
}

fn text(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// Checks a rating and keeps what it needs.
pub fn check(given: &Given) -> Result<Kept, RatingProblem> {
    let bad = given.level.is_bad();
    if bad && given.reason.is_none() {
        return Err(RatingProblem::ReasonRequired);
    }
    let words = text(given.text);
    if words.as_deref().is_some_and(|t| t.chars().count() > MAX_TEXT) {
        return Err(RatingProblem::TextTooLong);
    }
    let phone = text(given.phone);
    if phone.as_deref().is_some_and(|p| !valid_phone(p)) {
        return Err(RatingProblem::InvalidPhone);
    }
    Ok(Kept { level: given.level, reason: given.reason.filter(|_| bad), text: words, phone: phone.filter(|_| bad) })
}

/// The citizen a window called after the service its evaluator asks about: when, and whether
/// their service has begun.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextCall {
    pub called_at_ms: i64,
    pub started: bool,
}

/// How long after their call the next citizen is taken to be at the window (from the seats).
pub const NEXT_ARRIVES_MS: i64 = 30_000;

/// Whether a window's evaluator still asks for the rating of a service finished at
/// `finished_ms`: the latest service only, until the limit, and not once the next citizen has
/// sat down (their service begun, or called a while ago) — the pad would ask them about the
/// service before theirs. The citizen just served may still rate while the next one walks up.
pub fn evaluator_asks(finished_ms: i64, now_ms: i64, limits: Limits, next: Option<NextCall>) -> bool {
    let in_time = (0..=i64::from(limits.ask_seconds) * 1000).contains(&(now_ms - finished_ms));
    let next_here = next
        .is_some_and(|n| n.called_at_ms >= finished_ms && (n.started || now_ms - n.called_at_ms >= NEXT_ARRIVES_MS));
    in_time && !next_here
}

/// A follow-up's deadlines from the day of the bad rating: (contact by, rectify and answer by).
/// A date in a year whose calendar is not loaded is left empty, never guessed.
pub fn follow_up_dues(
    opened_on: NaiveDate,
    limits: Limits,
    calendar: &Calendar,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    (
        calendar.add_working_days(opened_on, limits.contact_days).ok(),
        calendar.add_working_days(opened_on, limits.rectify_days).ok(),
    )
}

/// What the director does with a follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpAction {
    /// The rater was contacted (or tried: what was said is noted).
    Contact,
    /// Rectified and answered.
    Close,
}

/// A follow-up's next state. A rater who left a phone is contacted before the follow-up closes.
pub fn follow_up_next(
    state: FollowUpState,
    action: FollowUpAction,
    has_phone: bool,
) -> Result<FollowUpState, RatingProblem> {
    match (state, action) {
        (FollowUpState::Closed, _) => Err(RatingProblem::NotNow("this follow-up is closed")),
        (FollowUpState::Open, FollowUpAction::Contact) => Ok(FollowUpState::Contacted),
        (FollowUpState::Contacted, FollowUpAction::Contact) => {
            Err(RatingProblem::NotNow("the rater was already contacted; close the follow-up with what was done"))
        }
        (FollowUpState::Open, FollowUpAction::Close) if has_phone => {
            Err(RatingProblem::NotNow("the rater left a phone number: record the contact first"))
        }
        (_, FollowUpAction::Close) => Ok(FollowUpState::Closed),
    }
}

/// Whether a follow-up's running deadline is past on `today`: contact while open (a rater who
/// left a phone: one who left none cannot be contacted), then the rectification until closed.
pub fn follow_up_overdue(
    state: FollowUpState,
    (contact_due, has_phone): (Option<NaiveDate>, bool),
    rectify_due: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    let past = |d: Option<NaiveDate>| d.is_some_and(|d| d < today);
    match state {
        FollowUpState::Open => (has_phone && past(contact_due)) || past(rectify_due),
        FollowUpState::Contacted => past(rectify_due),
        FollowUpState::Closed => false,
    }
}

/// Satisfaction = (非常满意 + 满意 + 基本满意) / rated; `None` when nothing was rated.
pub fn satisfaction(levels: [u32; 5]) -> Option<f64> {
    let rated: u32 = levels.iter().sum();
    (rated > 0).then(|| f64::from(levels[0] + levels[1] + levels[2]) / f64::from(rated))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn levels_keep_their_order_and_rank() {
        for (i, l) in Level::ALL.iter().enumerate() {
            assert_eq!(l.rank(), i as i64 + 1);
            assert_eq!(Level::from_rank(l.rank()), Some(*l));
        }
        assert_eq!(Level::from_rank(0), None);
        assert_eq!(Level::from_rank(6), None);
        let words: Vec<_> = Level::ALL.iter().map(|l| l.words()).collect();
        assert_eq!(words, ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]);
    }

    #[test]
    fn a_rating_is_checked_and_only_what_is_needed_kept() {
        // (level, reason, text, phone, expected)
        let check_one = |level, reason, text: Option<&str>, phone: Option<&str>, want: Result<Kept, RatingProblem>| {
            assert_eq!(check(&Given { level, reason, text, phone }), want, "{level:?} {reason:?} {text:?} {phone:?}");
        };
        let kept = |level, reason, text: Option<&str>, phone: Option<&str>| {
            Ok(Kept { level, reason, text: text.map(str::to_string), phone: phone.map(str::to_string) })
        };
        check_one(Level::Satisfied, None, None, None, kept(Level::Satisfied, None, None, None));
        // A good rating keeps no reason and no phone.
        check_one(
            Level::VerySatisfied,
            Some(Reason::Other),
            Some(" 很好 "),
            Some("13800000000"),
            kept(Level::VerySatisfied, None, Some("很好"), None),
        );
        check_one(Level::Dissatisfied, None, Some("慢"), None, Err(RatingProblem::ReasonRequired));
        check_one(Level::VeryDissatisfied, None, None, None, Err(RatingProblem::ReasonRequired));
        check_one(
            Level::Dissatisfied,
            Some(Reason::Efficiency),
            Some("等了很久"),
            Some("138-0000-0000"),
            kept(Level::Dissatisfied, Some(Reason::Efficiency), Some("等了很久"), Some("138-0000-0000")),
        );
        check_one(Level::Dissatisfied, Some(Reason::Attitude), None, Some("call me"), Err(RatingProblem::InvalidPhone));
        let long = "字".repeat(MAX_TEXT + 1);
        check_one(Level::Satisfied, None, Some(&long), None, Err(RatingProblem::TextTooLong));
        let exactly = "字".repeat(MAX_TEXT);
        assert!(check(&Given { level: Level::Satisfied, reason: None, text: Some(&exactly), phone: None }).is_ok());
    }

    #[test]
    fn the_evaluator_asks_for_the_latest_service_until_its_limit() {
        let limits = Limits { ask_seconds: 90, ..Limits::default() };
        for (after_ms, asks) in [(0, true), (89_999, true), (90_000, true), (90_001, false), (-1, false)] {
            assert_eq!(evaluator_asks(1_000_000, 1_000_000 + after_ms, limits, None), asks, "{after_ms}");
        }
        // The next citizen called 2 s after the finish: asked while they walk up, not once they
        // sit down (30 s after their call) or their service begins.
        let next = |started| Some(NextCall { called_at_ms: 1_002_000, started });
        for (after_ms, started, asks) in
            [(10_000, false, true), (31_999, false, true), (32_000, false, false), (10_000, true, false)]
        {
            assert_eq!(
                evaluator_asks(1_000_000, 1_000_000 + after_ms, limits, next(started)),
                asks,
                "{after_ms} {started}"
            );
        }
        // A call before the finish is not someone new (the service rated was that call).
        let earlier = Some(NextCall { called_at_ms: 900_000, started: true });
        assert!(evaluator_asks(1_000_000, 1_010_000, limits, earlier));
    }

    #[test]
    fn follow_up_deadlines_count_working_days() {
        let calendar = crate::calendar_data::shipped_calendar();
        // (rated on, contact by, rectify by): 1 and 15 working days. 端午 2026 is off 19–21 June;
        // 中秋 25–27 September; 国庆 1–7 October with a make-up working Saturday on 10 October.
        for (on, contact, rectify) in [
            ("2026-06-01", "2026-06-02", "2026-06-23"),
            ("2026-09-30", "2026-10-08", "2026-10-27"),
            ("2026-09-26", "2026-09-28", "2026-10-22"),
        ] {
            let (c, r) = follow_up_dues(day(on), Limits::default(), &calendar);
            assert_eq!((c, r), (Some(day(contact)), Some(day(rectify))), "{on}");
        }
        // 2027 is not loaded: left empty, never guessed.
        let (c, r) = follow_up_dues(day("2026-12-31"), Limits::default(), &calendar);
        assert_eq!((c, r), (None, None));
    }

    #[test]
    fn follow_ups_move_contact_then_close() {
        use FollowUpAction::{Close, Contact};
        use FollowUpState::{Closed, Contacted, Open};
        // (state, action, rater left a phone, next state or refused)
        for (state, action, phone, want) in [
            (Open, Contact, true, Some(Contacted)),
            (Open, Close, true, None),
            (Open, Close, false, Some(Closed)),
            (Contacted, Close, true, Some(Closed)),
            (Contacted, Contact, true, None),
            (Closed, Close, false, None),
            (Closed, Contact, true, None),
        ] {
            assert_eq!(follow_up_next(state, action, phone).ok(), want, "{state:?} {action:?} {phone}");
        }
    }

    #[test]
    fn overdue_follows_the_running_deadline() {
        let (c, r) = (Some(day("2026-06-02")), Some(day("2026-06-22")));
        for (state, today, overdue) in [
            (FollowUpState::Open, "2026-06-02", false),
            (FollowUpState::Open, "2026-06-03", true),
            (FollowUpState::Contacted, "2026-06-03", false),
            (FollowUpState::Contacted, "2026-06-23", true),
            (FollowUpState::Closed, "2026-07-30", false),
        ] {
            assert_eq!(follow_up_overdue(state, (c, true), r, day(today)), overdue, "{state:?} {today}");
        }
        assert!(!follow_up_overdue(FollowUpState::Open, (None, true), None, day("2027-03-01")));
        // No phone left: nobody to contact, only the rectification runs.
        assert!(!follow_up_overdue(FollowUpState::Open, (c, false), r, day("2026-06-03")));
        assert!(follow_up_overdue(FollowUpState::Open, (c, false), r, day("2026-06-23")));
    }

    #[test]
    fn satisfaction_counts_the_three_good_levels() {
        assert_eq!(satisfaction([0; 5]), None);
        assert_eq!(satisfaction([1, 1, 1, 1, 0]), Some(0.75));
        assert_eq!(satisfaction([0, 0, 0, 0, 2]), Some(0.0));
    }
}
