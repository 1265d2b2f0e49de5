//! Village stations (代办点, R22): a village agent (代办员) registers a villager's request and
//! forwards it to the town hall's windows within 3 working days — never over a week — and an
//! urgent one at once; the town window accepts it into a case, and the agent replies to the
//! villager by the town's promised deadline. Pure: "today" is given, dates are the hall's.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::calendar::Calendar;
use super::case::CaseState;

str_enum!(
    /// Where a request stands (a request accepted into a case follows its case from then on).
    VillageState {
        /// At the station: the agent holds the villager's materials.
        Registered = "registered",
        /// At the town hall: the window's desk has received it.
        Forwarded = "forwarded",
        /// Accepted by a window into a case.
        Accepted = "accepted",
    }
);

/// Working days a request may stay at the station (R22).
pub const FORWARD_WORKING_DAYS: u32 = 3;
/// …but never over a week (R22): the earlier of the two.
pub const FORWARD_CAP_DAYS: i64 = 7;

/// The day by which the town hall must have received the request: 3 working days after its
/// registration on the statutory calendar, never later than 7 calendar days after it (the hall's
/// last open day in that week, when the week ends in a holiday); an urgent
/// one the same day (the next working day when registered on a day off, still within the
/// week). A year whose calendar is not loaded cannot lengthen it: the week's cap stands, and an
/// urgent one is due the same day (the Monday after a weekend): "at once" does not wait for the
/// year's holidays to be published.
pub fn forward_by(registered_on: NaiveDate, urgent: bool, calendar: &Calendar) -> NaiveDate {
    let cap = registered_on + Duration::days(FORWARD_CAP_DAYS);
    let days = if urgent { 0 } else { FORWARD_WORKING_DAYS };
    match calendar.add_working_days(registered_on, days) {
        Ok(d) if d <= cap => d,
        // Past the week (a long holiday): the last day within it the town hall is open, so that
        // a request is not due on a day nobody can receive it. When the hall is closed all week
        // (registered in a holiday), the day it opens again: sooner is impossible.
        Ok(d) => last_open_day(registered_on, cap, calendar)
            .or_else(|| calendar.add_working_days(registered_on, 0).ok())
            .unwrap_or(d),
        Err(_) if urgent => match registered_on.weekday() {
            Weekday::Sat => registered_on + Duration::days(2),
            Weekday::Sun => registered_on + Duration::days(1),
            _ => registered_on,
        },
        Err(_) => cap,
    }
}

/// The last working day from `from` to `to`, when the calendar knows them all.
fn last_open_day(from: NaiveDate, to: NaiveDate, calendar: &Calendar) -> Option<NaiveDate> {
    from.iter_days().take_while(|d| *d <= to).filter(|d| calendar.is_working_day(*d).unwrap_or(false)).last()
}

/// A forward is overdue while the town hall has not received the request after its day.
pub fn forward_overdue(state: VillageState, forward_by: NaiveDate, today: NaiveDate) -> bool {
    state == VillageState::Registered && today > forward_by
}

/// Whether a forward received on `received_on` was late.
pub fn forwarded_late(received_on: NaiveDate, forward_by: NaiveDate) -> bool {
    received_on > forward_by
}

/// What the agent must know of the case to reply to the villager.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseFacts {
    pub state: CaseState,
    /// The town's promised date (办结日期), when the case has one.
    pub deadline: Option<NaiveDate>,
    /// The day the window accepted it.
    pub accepted_on: NaiveDate,
    /// The day the case closed (the town's final answer), once it has.
    pub closed_on: Option<NaiveDate>,
}

/// The day the agent replies to the villager by: the town window's promised deadline (R22), or
/// the day the answer came when that is later (a case closed after its deadline, or a 补办件
/// that expired: the agent cannot tell an answer before it exists). A case with no deadline
/// (即办件 done, 退回件, 补办件 waiting for materials) has its answer the day the window decided:
/// the villager is told at once. A running case whose deadline waits for a year of the calendar
/// has no day yet. An answer that came on a day off (a 补办件 lapsed at Saturday's midnight
/// close) is due the next working day (R6), the calendar permitting.
pub fn reply_by(case: &CaseFacts, calendar: &Calendar) -> Option<NaiveDate> {
    let closed = case.closed_on.unwrap_or(case.accepted_on);
    let answered = calendar.deferred(closed).unwrap_or(closed);
    match (case.state, case.deadline) {
        (CaseState::Closed, Some(d)) => Some(d.max(answered)),
        (_, Some(d)) => Some(d),
        (CaseState::Open, None) => None,
        (_, None) => Some(answered),
    }
}

/// Whether the town has an answer for the villager: the case's result once closed, or the list
/// of what is missing while it waits for materials (补办件); a running case has none yet.
pub fn answered(state: CaseState) -> bool {
    state != CaseState::Open
}

/// A reply is overdue when the town has answered and no reply was recorded after its day. A
/// case still running past the town's date is the town window's lateness, not the agent's: they
/// have nothing to tell yet (see [`town_overdue`]).
pub fn reply_overdue(answered: bool, replied: bool, reply_by: NaiveDate, today: NaiveDate) -> bool {
    answered && !replied && today > reply_by
}

/// The town window has not answered by its promised date: the agent presses the window, the
/// villager is not yet late to be told.
pub fn town_overdue(case: &CaseFacts, today: NaiveDate) -> bool {
    case.state == CaseState::Open && case.deadline.is_some_and(|d| today > d)
}

/// A registration the rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VillageProblem {
    #[error("the villager's name is required (at most {max} characters)")]
    Name { max: usize },
    #[error("the villager's mobile phone is 11 digits starting with 1 (e.g. 13812345678)")]
    Phone,
    #[error("`{0}` is not one of this matter's materials")]
    UnknownMaterial(String),
    #[error("a note is limited to {max} characters")]
    NoteTooLong { max: usize },
}

pub const NAME_MAX: usize = 50;
pub const NOTE_MAX: usize = 500;

/// The villager's name, trimmed.
pub fn check_name(name: &str) -> Result<String, VillageProblem> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err(VillageProblem::Name { max: NAME_MAX });
    }
    Ok(name.to_string())
}

/// A mainland mobile number as people write it (spaces or dashes, an optional +86), kept as its
/// 11 digits.
pub fn check_mobile(phone: &str) -> Result<String, VillageProblem> {
    let p = phone.trim();
    let p = p.strip_prefix("+86").unwrap_or(p);
    if !p.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-')) {
        return Err(VillageProblem::Phone);
    }
    let digits: String = p.chars().filter(char::is_ascii_digit).collect();
    let ok = digits.len() == 11 && digits.starts_with('1') && !matches!(digits.as_bytes()[1], b'0' | b'1' | b'2');
    if ok {
        Ok(digits)
    } else {
        Err(VillageProblem::Phone)
    }
}

/// The materials received, each one of the matter's list (一次性告知: the agent ticks what the
/// villager brought from the list), in the list's order, each once.
pub fn check_materials(received: &[String], listed: &[&str]) -> Result<Vec<String>, VillageProblem> {
    if let Some(unknown) = received.iter().find(|r| !listed.contains(&r.trim())) {
        return Err(VillageProblem::UnknownMaterial(unknown.trim().to_string()));
    }
    Ok(listed.iter().filter(|m| received.iter().any(|r| r.trim() == **m)).map(|m| m.to_string()).collect())
}

/// The agent's note, trimmed (empty is none).
pub fn check_note(note: Option<&str>) -> Result<Option<String>, VillageProblem> {
    match note.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) if n.chars().count() > NOTE_MAX => Err(VillageProblem::NoteTooLong { max: NOTE_MAX }),
        n => Ok(n.map(str::to_string)),
    }
}

/// A request's number: `DB` (代办), the day, and its sequence of the day.
pub fn number(day: NaiveDate, seq: u32) -> String {
    format!("DB{}-{seq:03}", day.format("%Y%m%d"))
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
    fn forward_by_counts_three_working_days_capped_at_a_week() {
        let c = calendar();
        // (registered, urgent, forward by) on the 2026 calendar: 国庆 1–7 October off, Sunday 20
        // September and Saturday 10 October worked.
        for (registered, urgent, expected, why) in [
            ("2026-11-25", false, "2026-11-30", "Wed: Thu, Fri, Mon"),
            ("2026-11-23", false, "2026-11-26", "Mon: Tue, Wed, Thu"),
            ("2026-11-28", false, "2026-12-02", "a Saturday: Mon, Tue, Wed"),
            ("2026-09-29", false, "2026-09-30", "30 Sep, then 8 Oct is past the week: the hall's last open day in it"),
            ("2026-09-30", false, "2026-09-30", "8, 9, 10 Oct is past the week; closed 1–7 Oct: the same day"),
            ("2026-09-28", false, "2026-09-30", "29, 30 Sep, 8 Oct is past the week: 30 Sep"),
            ("2026-10-01", false, "2026-10-08", "registered in the holiday: 8, 9, 10 Oct is past the week: 8 Oct"),
            ("2026-09-26", false, "2026-09-30", "a Saturday: 28, 29, 30 Sep, inside the week"),
            ("2026-02-15", false, "2026-02-24", "in 春节, closed all week (15–23 Feb): the day it opens"),
            ("2026-09-18", false, "2026-09-22", "Fri: the worked Sunday 20 Sep counts: 20, 21, 22"),
            ("2026-11-25", true, "2026-11-25", "urgent: the same day"),
            ("2026-11-28", true, "2026-11-30", "urgent on a Saturday: the next working day"),
            ("2026-10-01", true, "2026-10-08", "urgent in the holiday: its next working day, inside the week"),
        ] {
            assert_eq!(forward_by(d(registered), urgent, &c), d(expected), "{registered} urgent={urgent}: {why}");
        }
    }

    #[test]
    fn a_year_not_loaded_keeps_the_week_cap() {
        let c = calendar();
        let last = c.years().map(|y| y.year).max().unwrap();
        let late = NaiveDate::from_ymd_opt(last, 12, 30).unwrap();
        assert_eq!(forward_by(late, false, &c), late + Duration::days(7));
        assert!(forward_by(late, true, &c) <= late + Duration::days(7), "urgent: within the week too");
        // Urgent in a year not loaded: the same day, not a week later (the Monday after a weekend).
        let next = |m: u32, day: u32| NaiveDate::from_ymd_opt(last + 1, m, day).unwrap();
        let weekday = (1..=7).map(|day| next(3, day)).find(|d| d.weekday() == Weekday::Wed).unwrap();
        assert_eq!(forward_by(weekday, true, &c), weekday);
        assert_eq!(forward_by(weekday + Duration::days(3), true, &c), weekday + Duration::days(5), "a Saturday");
        assert_eq!(forward_by(weekday + Duration::days(4), true, &c), weekday + Duration::days(5), "a Sunday");
    }

    #[test]
    fn overdue_forwards_and_replies() {
        use VillageState::*;
        let by = d("2026-11-30");
        // (state, today, overdue)
        for (state, today, expected) in [
            (Registered, "2026-11-30", false),
            (Registered, "2026-12-01", true),
            (Forwarded, "2026-12-01", false),
            (Accepted, "2026-12-01", false),
        ] {
            assert_eq!(forward_overdue(state, by, d(today)), expected, "{state:?} {today}");
        }
        assert!(forwarded_late(d("2026-12-01"), by));
        assert!(!forwarded_late(by, by));
        // (the town answered, replied, today, overdue)
        for (answered, replied, today, expected) in [
            (true, false, "2026-11-30", false),
            (true, false, "2026-12-01", true),
            (true, true, "2026-12-09", false),
            // The town's case still runs past its date: the town window is late, not the agent.
            (false, false, "2026-12-01", false),
        ] {
            assert_eq!(reply_overdue(answered, replied, by, d(today)), expected, "{answered} {replied} {today}");
        }
        let running =
            CaseFacts { state: CaseState::Open, deadline: Some(by), accepted_on: d("2026-11-25"), closed_on: None };
        assert!(!town_overdue(&running, by) && town_overdue(&running, d("2026-12-01")));
        assert!(!town_overdue(&CaseFacts { state: CaseState::Closed, ..running }, d("2026-12-01")));
    }

    #[test]
    fn the_reply_is_due_by_the_towns_deadline_or_at_once() {
        let accepted_on = d("2026-11-25");
        for (state, deadline, closed_on, expected) in [
            (CaseState::Open, Some("2026-12-04"), None, Some("2026-12-04")),
            (CaseState::Closed, Some("2026-12-04"), Some("2026-12-01"), Some("2026-12-04")),
            // Closed after its deadline: the reply is due the day the answer came, not before.
            (CaseState::Closed, Some("2026-12-04"), Some("2026-12-08"), Some("2026-12-08")),
            (CaseState::Closed, None, Some("2026-11-25"), Some("2026-11-25")),
            // A 补办件 that expired weeks later: the villager is told then.
            (CaseState::Closed, None, Some("2027-01-10"), Some("2027-01-10")),
            (CaseState::AwaitingMaterials, None, None, Some("2026-11-25")),
            (CaseState::Open, None, None, None), // its deadline waits for next year's calendar
            // Lapsed at Saturday 5 December's midnight close: told on Monday the 7th (R6).
            (CaseState::Closed, None, Some("2026-12-05"), Some("2026-12-07")),
            (CaseState::Closed, Some("2026-12-04"), Some("2026-12-05"), Some("2026-12-07")),
        ] {
            let facts = CaseFacts { state, deadline: deadline.map(d), accepted_on, closed_on: closed_on.map(d) };
            let calendar = crate::calendar_data::shipped_calendar();
            assert_eq!(reply_by(&facts, &calendar), expected.map(d), "{state:?} {deadline:?} {closed_on:?}");
        }
    }

    #[test]
    fn the_villagers_fields() {
        for (phone, ok) in [
            ("13812345678", Some("13812345678")),
            ("138-1234-5678", Some("13812345678")),
            ("+86 138 1234 5678", Some("13812345678")),
            ("1381234567", None),
            ("23812345678", None),
            ("12012345678", None),
            ("0871-1234567", None),
            ("1381234567x", None),
            ("", None),
        ] {
            assert_eq!(check_mobile(phone).ok().as_deref(), ok, "{phone}");
        }
        assert_eq!(check_name("  张三 ").unwrap(), "张三");
        assert!(check_name(" ").is_err());
        assert!(check_name(&"名".repeat(51)).is_err());
        let listed = ["身份证", "户口簿", "申请表"];
        let got = check_materials(&["申请表".into(), "身份证".into(), "申请表".into()], &listed).unwrap();
        assert_eq!(got, ["身份证", "申请表"], "the list's order, each once");
        assert_eq!(check_materials(&["结婚证".into()], &listed), Err(VillageProblem::UnknownMaterial("结婚证".into())));
        assert_eq!(check_note(Some("  ")).unwrap(), None);
        assert!(check_note(Some(&"字".repeat(501))).is_err());
        assert_eq!(number(d("2026-12-03"), 7), "DB20261203-007");
    }
}
