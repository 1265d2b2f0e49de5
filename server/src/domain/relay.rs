//! The relay of reported cases (R14, 上报件) between a lower hall and the county hall: the
//! messages' names, an incoming case's steps at the upper hall, and the words the lower hall's
//! applicant reads. Pure: "today" and the calendar are given.

use chrono::NaiveDate;

use super::calendar::{Calendar, MissingYear};
use super::case::{self, Action, CaseProblem, CaseResult, CaseState, Facts, Limits};
use super::Outcome;

str_enum!(
    /// Where an incoming case stands at the upper hall.
    IncomingState { Received = "received", Accepted = "accepted", Closed = "closed" }
);

str_enum!(
    /// What the upper hall did, as told back to the origin.
    UpperStep { Accepted = "accepted", Extended = "extended", DeadlineSet = "deadline_set", Closed = "closed" }
);

/// The step the origin hall writes in its case's history for what the upper hall did
/// (`upper_accepted`, …: one of `hall_wire::step_action::ALL`).
pub fn origin_step_action(step: UpperStep) -> String {
    format!("upper_{}", step.as_str())
}

/// The outbox key of a reported case's report: a case number is never reused at a hall.
pub fn report_key(case_number: &str) -> String {
    format!("report:{case_number}")
}

/// The outbox key of an upper hall's step on an incoming case: each step happens once, but for
/// the deadline being set, which happens once per date (set when a year came, then moved off a
/// day the next year's notice made a day off).
pub fn progress_key(origin_hall: &str, origin_number: &str, step: UpperStep, deadline: Option<&str>) -> String {
    match (step, deadline) {
        (UpperStep::DeadlineSet, Some(d)) => format!("progress:{origin_hall}:{origin_number}:deadline_set:{d}"),
        _ => format!("progress:{origin_hall}:{origin_number}:{}", step.as_str()),
    }
}

/// Whether an upper hall's step, delivered now, is older than what the lower hall's case already
/// heard (`heard`: the upper state it holds; the times: when the upper hall took each step, in
/// ms, absent from an older upper hall): nothing after the upper close, no acceptance once
/// heard from, no step taken before the one applied. Kept, not applied. The close is the upper
/// hall's last step whatever its time says: a clock set back there between the acceptance and
/// the close (a bad RTC corrected) would otherwise drop the result, and the applicant would
/// never read it.
pub fn superseded(heard: Option<&str>, step: UpperStep, stepped_at: Option<i64>, last_at: Option<i64>) -> bool {
    let closed = heard == Some(IncomingState::Closed.as_str());
    let accepted_again = step == UpperStep::Accepted && heard.is_some();
    let older = step != UpperStep::Closed && matches!((stepped_at, last_at), (Some(at), Some(last)) if at < last);
    closed || accepted_again || older
}

/// The key a message is applied under at its destination: the source hall's name for it.
pub fn inbox_key(from_hall: &str, outbox_key: &str) -> String {
    format!("{from_hall}:{outbox_key}")
}

/// An action on an incoming case at the upper hall.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncomingAction<'a> {
    /// Accepted: the deadline runs from today, `days` working days (none: no promised limit).
    Accept {
        days: Option<u32>,
    },
    /// The director's single extension (R12).
    Extend {
        days: u32,
    },
    Close {
        result: CaseResult,
        reason: Option<&'a str>,
    },
}

/// What is known of an incoming case to decide an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncomingFacts {
    pub state: IncomingState,
    pub deadline: Option<NaiveDate>,
    pub extended: bool,
}

/// An incoming case after an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncomingMoved {
    pub state: IncomingState,
    pub deadline: Option<NaiveDate>,
    pub result: Option<CaseResult>,
    pub step: UpperStep,
    /// Accepted with a promised limit that runs into a year whose calendar is not loaded: the
    /// deadline is set when that year is added ([`settle_deadline`]).
    pub pending_year: Option<i32>,
}

/// An action on an incoming case: accepted once, then extended once and closed, by the case
/// rules of the hall (R12's cap, a reason for not approved).
pub fn move_incoming(
    f: IncomingFacts,
    action: &IncomingAction,
    today: NaiveDate,
    calendar: &Calendar,
    limits: Limits,
) -> Result<IncomingMoved, CaseProblem> {
    use CaseProblem::NotForThisCase as Not;
    if f.state == IncomingState::Closed {
        return Err(CaseProblem::Closed);
    }
    if let IncomingAction::Accept { days } = *action {
        if f.state != IncomingState::Received {
            return Err(Not("this incoming case was accepted already"));
        }
        let (deadline, pending_year) = match days.map(|n| calendar.add_working_days(today, n)) {
            Some(Ok(d)) => (Some(d), None),
            Some(Err(MissingYear(y))) => (None, Some(y)),
            None => (None, None),
        };
        let step = UpperStep::Accepted;
        return Ok(IncomingMoved { state: IncomingState::Accepted, deadline, result: None, step, pending_year });
    }
    if f.state != IncomingState::Accepted {
        return Err(Not("accept the incoming case first"));
    }
    // Accepted, it runs as a case of the upper hall's own.
    let facts = Facts {
        kind: Outcome::Reported,
        state: CaseState::Open,
        deadline: f.deadline,
        extended: f.extended,
        promised_days: 0,
        supplement_until: None,
        parts: &[],
        met: false,
        // The upper hall is the authority: its own decision needs no one's reply.
        replied: true,
        upper_dated: false,
    };
    let (a, step) = match *action {
        IncomingAction::Extend { days } => (Action::Extend { days }, UpperStep::Extended),
        IncomingAction::Close { result, reason } => (Action::Close { result, reason }, UpperStep::Closed),
        IncomingAction::Accept { .. } => unreachable!("handled above"),
    };
    let moved = case::apply(&facts, &a, today, calendar, limits)?;
    let state = if moved.state == CaseState::Closed { IncomingState::Closed } else { IncomingState::Accepted };
    Ok(IncomingMoved { state, deadline: moved.deadline, result: moved.result, step, pending_year: None })
}

/// The deadline of an incoming case accepted on `accepted_on` with `days` promised, once the
/// calendar has every year it needs (`None` while it still lacks one).
pub fn settle_deadline(accepted_on: NaiveDate, days: u32, calendar: &Calendar) -> Option<NaiveDate> {
    case::settle_deadline(accepted_on, days, calendar)
}

/// The words of an accepted incoming case whose deadline waits for `year`'s calendar.
pub fn pending_words(year: i32) -> String {
    format!("办结日期待{year}年节假日安排公布后确定")
}

/// A closed case's result in the applicant's words.
pub fn result_words(result: Option<CaseResult>) -> &'static str {
    match result {
        Some(CaseResult::Approved) => "已办结，准予许可",
        Some(CaseResult::NotApproved) => "已办结，不予许可",
        _ => "已办结",
    }
}

/// The case number of a report's outbox key (`report:<number>`); `None` for another message.
pub fn reported_number(key: &str) -> Option<&str> {
    key.strip_prefix("report:")
}

/// The line the lower hall's case history (and its applicant) reads when its report reached the
/// upper hall (named by the county, when it did).
pub fn delivered_words(hall_name: Option<&str>) -> String {
    match hall_name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => format!("上报材料已送达{name}，等待受理"),
        None => "上报材料已送达上级政务服务中心，等待受理".into(),
    }
}

/// The line the lower hall's case history (and its applicant) reads for an upper step.
pub fn progress_words(
    hall_name: &str,
    step: UpperStep,
    deadline: Option<&str>,
    pending_year: Option<i32>,
    result: Option<CaseResult>,
    reason: Option<&str>,
) -> String {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    match step {
        UpperStep::Accepted => match (deadline, pending_year) {
            (Some(d), _) => format!("上报至{hall_name}：已受理，承诺办结日期 {d}"),
            (None, Some(y)) => format!("上报至{hall_name}：已受理，{}", pending_words(y)),
            (None, None) => format!("上报至{hall_name}：已受理"),
        },
        UpperStep::DeadlineSet => {
            format!("上报至{hall_name}：节假日安排已公布，承诺办结日期 {}", deadline.unwrap_or("—"))
        }
        UpperStep::Extended => {
            let why = reason.map(|r| format!("：{r}")).unwrap_or_default();
            format!("上报至{hall_name}：办理期限延长至 {}{why}", deadline.unwrap_or("—"))
        }
        UpperStep::Closed => {
            let why = reason.filter(|_| result == Some(CaseResult::NotApproved));
            let why = why.map(|r| format!("。理由：{r}")).unwrap_or_default();
            format!("上报至{hall_name}：{}{why}", result_words(result))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar_data::shipped_calendar;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_upper_step_is_a_case_history_action_the_pages_name() {
        for step in UpperStep::ALL {
            let action = origin_step_action(*step);
            assert!(hall_wire::step_action::ALL.contains(&action.as_str()), "{action}");
        }
    }

    #[test]
    fn an_incoming_case_is_accepted_once_extended_once_and_closed() {
        let cal = shipped_calendar();
        let today = d("2026-09-23");
        let received = IncomingFacts { state: IncomingState::Received, deadline: None, extended: false };
        let accepted = IncomingFacts { state: IncomingState::Accepted, deadline: Some(d("2026-10-08")), ..received };
        let extended = IncomingFacts { extended: true, ..accepted };
        let closed = IncomingFacts { state: IncomingState::Closed, ..accepted };
        let approve = IncomingAction::Close { result: CaseResult::Approved, reason: None };
        let refuse_bare = IncomingAction::Close { result: CaseResult::NotApproved, reason: Some(" ") };
        let refuse = IncomingAction::Close { result: CaseResult::NotApproved, reason: Some("不符合条件") };
        // (facts, action, Ok((state, deadline, result)) or the problem's words)
        let check = |f: IncomingFacts,
                     a: IncomingAction,
                     expected: Result<(IncomingState, Option<&str>, Option<CaseResult>), &str>| {
            let got = move_incoming(f, &a, today, &cal, Limits::default())
                .map(|m| (m.state, m.deadline.map(|d| d.to_string()), m.result))
                .map_err(|e| e.to_string());
            let expected = expected.map(|(s, dl, r)| (s, dl.map(str::to_string), r)).map_err(str::to_string);
            match (&got, &expected) {
                (Err(g), Err(e)) => assert!(g.contains(e.as_str()), "{f:?} {a:?}: {g}"),
                _ => assert_eq!(got, expected, "{f:?} {a:?}"),
            }
        };
        // 5 working days from Wednesday 23 September 2026: 8 October (中秋, 国庆 off).
        check(
            received,
            IncomingAction::Accept { days: Some(5) },
            Ok((IncomingState::Accepted, Some("2026-10-08"), None)),
        );
        check(received, IncomingAction::Accept { days: None }, Ok((IncomingState::Accepted, None, None)));
        // Into a year not loaded: accepted all the same, its deadline waits for that year.
        let late = move_incoming(
            received,
            &IncomingAction::Accept { days: Some(5) },
            d("2026-12-28"),
            &cal,
            Limits::default(),
        )
        .unwrap();
        assert_eq!((late.state, late.deadline, late.pending_year), (IncomingState::Accepted, None, Some(2027)));
        assert_eq!(settle_deadline(d("2026-12-28"), 5, &cal), None);
        let on_time =
            move_incoming(received, &IncomingAction::Accept { days: Some(5) }, today, &cal, Limits::default());
        assert_eq!(on_time.unwrap().pending_year, None);
        check(accepted, IncomingAction::Accept { days: Some(5) }, Err("accepted already"));
        check(received, approve.clone(), Err("accept the incoming case first"));
        check(received, IncomingAction::Extend { days: 3 }, Err("accept the incoming case first"));
        // 3 more: Friday 9, Saturday 10 (a make-up working day), Monday 12 October.
        check(accepted, IncomingAction::Extend { days: 3 }, Ok((IncomingState::Accepted, Some("2026-10-12"), None)));
        check(extended, IncomingAction::Extend { days: 3 }, Err("already extended"));
        check(accepted, IncomingAction::Extend { days: 11 }, Err("1 to 10"));
        check(accepted, approve.clone(), Ok((IncomingState::Closed, Some("2026-10-08"), Some(CaseResult::Approved))));
        check(accepted, refuse_bare, Err("reason"));
        check(accepted, refuse, Ok((IncomingState::Closed, Some("2026-10-08"), Some(CaseResult::NotApproved))));
        check(closed, approve, Err("closed"));
    }

    #[test]
    fn the_lower_hall_reads_each_step_in_words() {
        let check = |step, deadline, result, reason, expected: &str| {
            assert_eq!(progress_words("县政务服务中心", step, deadline, None, result, reason), expected);
        };
        assert_eq!(
            progress_words("县政务服务中心", UpperStep::Accepted, None, Some(2027), None, None),
            "上报至县政务服务中心：已受理，办结日期待2027年节假日安排公布后确定"
        );
        check(
            UpperStep::DeadlineSet,
            Some("2027-01-07"),
            None,
            None,
            "上报至县政务服务中心：节假日安排已公布，承诺办结日期 2027-01-07",
        );
        check(
            UpperStep::Accepted,
            Some("2026-10-08"),
            None,
            None,
            "上报至县政务服务中心：已受理，承诺办结日期 2026-10-08",
        );
        check(UpperStep::Accepted, None, None, None, "上报至县政务服务中心：已受理");
        check(
            UpperStep::Extended,
            Some("2026-10-13"),
            None,
            Some("需实地核查"),
            "上报至县政务服务中心：办理期限延长至 2026-10-13：需实地核查",
        );
        check(UpperStep::Closed, None, Some(CaseResult::Approved), None, "上报至县政务服务中心：已办结，准予许可");
        check(
            UpperStep::Closed,
            None,
            Some(CaseResult::NotApproved),
            Some("收入超标"),
            "上报至县政务服务中心：已办结，不予许可。理由：收入超标",
        );
        check(UpperStep::Closed, None, Some(CaseResult::Done), Some("ignored"), "上报至县政务服务中心：已办结");
    }

    #[test]
    fn a_step_older_than_what_the_case_heard_is_superseded() {
        use UpperStep::*;
        // (heard, step, stepped at, last applied at, superseded)
        for (heard, step, at, last, expected) in [
            (None, Accepted, Some(10), None, false),
            (Some("accepted"), Accepted, Some(20), Some(10), true),
            (Some("accepted"), Extended, Some(20), Some(10), false),
            // Set before the extension, delivered after it: the extended date stands.
            (Some("accepted"), DeadlineSet, Some(15), Some(20), true),
            (Some("accepted"), DeadlineSet, Some(25), Some(20), false),
            (Some("accepted"), DeadlineSet, Some(20), Some(20), false),
            (Some("closed"), DeadlineSet, Some(30), Some(20), true),
            (Some("closed"), Closed, None, None, true),
            // Closed at 14:00 after an acceptance stamped 16:00 (the upper hall's clock was set
            // back in between): the result still reaches the applicant.
            (Some("accepted"), Closed, Some(14), Some(16), false),
            // An older upper hall says no time: its step alone is judged.
            (Some("accepted"), DeadlineSet, None, Some(20), false),
            (Some("accepted"), Extended, Some(5), None, false),
        ] {
            assert_eq!(superseded(heard, step, at, last), expected, "{heard:?} {step:?} {at:?} {last:?}");
        }
    }

    #[test]
    fn keys_name_each_message_once() {
        assert_eq!(report_key("20261203-0001"), "report:20261203-0001");
        assert_eq!(
            progress_key("qingshui", "20261203-0001", UpperStep::Closed, Some("2026-12-31")),
            "progress:qingshui:20261203-0001:closed"
        );
        // Set, then moved: two messages.
        assert_eq!(
            progress_key("qingshui", "20261203-0001", UpperStep::DeadlineSet, Some("2027-01-04")),
            "progress:qingshui:20261203-0001:deadline_set:2027-01-04"
        );
        assert_eq!(inbox_key("qingshui", "report:20261203-0001"), "qingshui:report:20261203-0001");
    }
}
