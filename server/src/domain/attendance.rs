//! Attendance (R15): on a working day a clerk signs in before the start time (a grace allowed)
//! and stays until the end; late arrival, early leave and absence are marked, each explained by
//! the clerk and acknowledged by the director. Pure: the day's hours and the sign-ins are
//! arguments; approved leave (R16) is no absence, and a half day moves the start or the end.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::calendar::{Calendar, MissingYear};
use super::hours::{Hours, Period};
use super::leave::Cover;

str_enum!(
    /// What attendance marks on a day.
    MarkKind { Late = "late", EarlyLeave = "early_leave", Absent = "absent" }
);

/// A mark with how many minutes it is by (none for an absence).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub kind: MarkKind,
    pub minutes: Option<u32>,
}

/// A clerk's day as the sign-ins tell it (local times).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Presence {
    /// The first sign-in of the day.
    pub first_in: Option<NaiveTime>,
    /// When the last session of the day ended; `None` while still signed in (or never was).
    pub last_out: Option<NaiveTime>,
}

/// When a clerk's day at the windows ended, from the day's sessions `(signed in, ended)`: the
/// last end, or `None` while one is still open. A session never ended but followed by a later
/// sign-in (the clerk signed in again: a lost token, a retried sign-in) ended then: it does not
/// keep the clerk "still signed in" all day and hide an early leave.
pub fn last_out(sessions: &[(i64, Option<i64>)]) -> Option<i64> {
    let mut by_start = sessions.to_vec();
    by_start.sort_unstable();
    let mut last = None;
    for (i, (_, ended)) in by_start.iter().enumerate() {
        let end = ended.or_else(|| by_start.get(i + 1).map(|next| next.0))?;
        last = last.max(Some(end));
    }
    last
}

/// The hall's periods on `day`, or `None` when it is not a working day (a weekend or holiday on
/// the statutory calendar) or the hall keeps no hours that day. A make-up working day (调休)
/// has the periods of the first weekday that has some ([`super::hours::day_periods`], as the
/// kiosks issue).
pub fn working_periods(day: NaiveDate, hours: &Hours, calendar: &Calendar) -> Result<Option<Vec<Period>>, MissingYear> {
    if !calendar.is_working_day(day)? {
        return Ok(None);
    }
    let periods = super::hours::day_periods(hours, calendar, day);
    Ok((!periods.is_empty()).then(|| periods.to_vec()))
}

/// The hall's working hours on `day` (first opening to last closing), or `None` when it is not
/// a working day; see [`working_periods`].
pub fn working_hours(
    day: NaiveDate,
    hours: &Hours,
    calendar: &Calendar,
) -> Result<Option<(NaiveTime, NaiveTime)>, MissingYear> {
    Ok(working_periods(day, hours, calendar)?.map(|p| (p[0].start, p[p.len() - 1].end)))
}

/// What attendance judges a day by: the hall's periods of each weekday and the minutes of grace
/// for a late arrival. Kept for the days before a new configuration changed them
/// ([`rules_for`]), so that new hours never judge the days before them again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayRules {
    /// Monday first, as [`Hours::days`].
    pub week: [Vec<Period>; 7],
    pub late_grace_minutes: u32,
}

impl DayRules {
    pub fn of(hours: &Hours, late_grace_minutes: u32) -> DayRules {
        DayRules { week: hours.days.clone(), late_grace_minutes }
    }

    /// The hours these rules keep (issuing's cut-off and exemptions play no part in attendance).
    pub fn hours(&self) -> Hours {
        Hours { days: self.week.clone(), cut_off_minutes: 0, priority_exempt: false, any_time: false }
    }

    /// As kept in the database: `08:30-12:00,14:00-17:30;…;;` (Monday first, `;` between the
    /// days), then `|` and the grace: `…|5`.
    pub fn to_text(&self) -> String {
        let day = |d: &Vec<Period>| {
            d.iter()
                .map(|p| format!("{}-{}", p.start.format("%H:%M"), p.end.format("%H:%M")))
                .collect::<Vec<_>>()
                .join(",")
        };
        format!("{}|{}", self.week.iter().map(day).collect::<Vec<_>>().join(";"), self.late_grace_minutes)
    }

    /// Reads [`DayRules::to_text`]; `None` when it is not that.
    pub fn parse(text: &str) -> Option<DayRules> {
        let (week, grace) = text.rsplit_once('|')?;
        let days: Vec<Vec<Period>> = week
            .split(';')
            .map(|d| d.split(',').filter(|p| !p.is_empty()).map(Period::parse).collect::<Option<Vec<_>>>())
            .collect::<Option<_>>()?;
        Some(DayRules { week: days.try_into().ok()?, late_grace_minutes: grace.parse().ok()? })
    }
}

/// The rules `day` is judged by: of the rules kept when a configuration changed them (each with
/// the last day it judged, in any order), those of the first change after `day`; else the rules
/// in force now.
pub fn rules_for<'a>(day: NaiveDate, kept: &'a [(NaiveDate, DayRules)], now: &'a DayRules) -> &'a DayRules {
    kept.iter().filter(|(last, _)| *last >= day).min_by_key(|(last, _)| *last).map_or(now, |(_, r)| r)
}

/// The last day the rules in force until now (`old`) judge when a configuration changes them to
/// `new` at `now` (the hall's local time): today when the day was begun — a clerk has signed in,
/// or the opening has passed under the old rules (a change at 09:30 must not erase the late
/// marks of 08:30) or the new ones (nor make late, by hours nobody knew, a clerk who comes at
/// 09:10 for a 10:00 opening moved to 08:30) — else yesterday. The opening is the day's first
/// period as the kiosks go by it (the week's hours in a year the calendar does not have).
pub fn last_day_of_old_rules(
    (old, new): (&DayRules, &DayRules),
    calendar: &Calendar,
    now: NaiveDateTime,
    someone_signed_in: bool,
) -> NaiveDate {
    let today = now.date();
    let opened = |rules: &DayRules| {
        let hours = rules.hours();
        super::hours::day_periods(&hours, calendar, today).first().is_some_and(|p| now.time() >= p.start)
    };
    if someone_signed_in || opened(old) || opened(new) {
        today
    } else {
        today.pred_opt().unwrap_or(today)
    }
}

/// Whether a clerk's day was begun at `now` (the hall's local time): they signed in at a window,
/// or the time they were due at work came: the day's opening, the afternoon's for a clerk with the
/// morning off, never on a day off (`leave`: their approved leave that day). A change of role or a
/// removal before then leaves the day no clerk's day to judge; after, the day is judged as a
/// clerk's.
pub fn day_begun(
    hours: &Hours,
    calendar: &Calendar,
    now: NaiveDateTime,
    signed_in: bool,
    leave: Option<Cover>,
) -> bool {
    let periods = super::hours::day_periods(hours, calendar, now.date());
    signed_in || due_hours(periods, leave).is_some_and(|(start, _)| now.time() >= start)
}

/// The part of a working day a clerk is due at work, given their approved leave (`None`: on
/// leave all day). A morning off starts the day at the afternoon period; an afternoon off ends it
/// with the morning period (noon when the hall has a single period). A half day off that is the
/// whole of a single period's day (a hall open 09:00–11:30 only, the morning off) is the day off.
pub fn due_hours(periods: &[Period], leave: Option<Cover>) -> Option<(NaiveTime, NaiveTime)> {
    let (first, last) = (periods.first()?, periods.last()?);
    let noon = NaiveTime::from_hms_opt(12, 0, 0).expect("noon");
    let split = periods.len() > 1;
    let (start, end) = match leave {
        None => (first.start, last.end),
        Some(Cover::Full) => return None,
        Some(Cover::Morning) => (if split { periods[1].start } else { noon.max(first.start) }, last.end),
        Some(Cover::Afternoon) => (first.start, if split { first.end } else { noon.min(last.end) }),
    };
    (start < end).then_some((start, end))
}

/// One clerk's marks on `day`: `None` when it is not a working day or a day of full leave.
pub fn day_marks(
    day: NaiveDate,
    hours: &Hours,
    calendar: &Calendar,
    leave: Option<Cover>,
    presence: Presence,
    grace: u32,
    day_over: impl Fn(NaiveTime) -> bool,
) -> Result<Option<Vec<Mark>>, MissingYear> {
    let Some(periods) = working_periods(day, hours, calendar)? else { return Ok(None) };
    let Some(open) = due_hours(&periods, leave) else { return Ok(None) };
    Ok(Some(marks(open, &periods, presence, grace, day_over(open.1))))
}

fn minutes(a: NaiveTime, b: NaiveTime) -> u32 {
    (b - a).num_minutes().max(0) as u32
}

/// The minutes from `a` to `b` that are working time: inside the day's periods (a lunch break
/// is no time missed) and the part `open` the clerk is due.
fn working_minutes(periods: &[Period], open: (NaiveTime, NaiveTime), a: NaiveTime, b: NaiveTime) -> u32 {
    periods
        .iter()
        .map(|p| {
            let from = a.max(p.start).max(open.0);
            let to = b.min(p.end).min(open.1);
            minutes(from, to)
        })
        .sum()
}

/// The marks of one clerk's working day, due at work `open` within the hall's `periods`.
/// `day_over`: the day has ended (only then can it be an absence or an early leave: a clerk
/// signed out at noon may be at lunch); `grace` minutes after the start are not late. Late and
/// early minutes are working minutes (a lunch break is not counted).
pub fn marks(
    open: (NaiveTime, NaiveTime),
    periods: &[Period],
    presence: Presence,
    grace: u32,
    day_over: bool,
) -> Vec<Mark> {
    let (start, end) = open;
    let Some(first_in) = presence.first_in else {
        return if day_over { vec![Mark { kind: MarkKind::Absent, minutes: None }] } else { Vec::new() };
    };
    let mut out = Vec::new();
    let late = working_minutes(periods, open, start, first_in);
    if late > grace {
        out.push(Mark { kind: MarkKind::Late, minutes: Some(late) });
    }
    if let Some(out_at) = presence.last_out.filter(|t| *t < end && day_over) {
        let early = working_minutes(periods, open, out_at, end);
        if early > 0 {
            out.push(Mark { kind: MarkKind::EarlyLeave, minutes: Some(early) });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_ends_with_the_last_session_a_superseded_one_ended_by_the_next_sign_in() {
        for (sessions, expected) in [
            (vec![], None),
            (vec![(800, Some(1700))], Some(1700)),
            (vec![(800, None)], None),                           // still signed in
            (vec![(800, None), (1000, Some(1500))], Some(1500)), // signed in again at 10:00
            (vec![(1000, Some(1500)), (800, None)], Some(1500)), // in any order
            (vec![(800, Some(1200)), (1400, None)], None),       // back after lunch, still in
            (vec![(800, Some(1700)), (900, Some(1100))], Some(1700)),
        ] {
            assert_eq!(last_out(&sessions), expected, "{sessions:?}");
        }
    }

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    fn p(a: &str, b: &str) -> Period {
        Period { start: t(a), end: t(b) }
    }

    #[test]
    fn a_day_is_begun_when_the_clerk_signed_in_or_was_due_with_their_leave() {
        let week = [vec![p("08:30", "12:00"), p("14:00", "17:30")], vec![], vec![], vec![], vec![], vec![], vec![]];
        let hours = Hours { days: week, cut_off_minutes: 0, priority_exempt: false, any_time: false };
        let calendar = crate::calendar_data::shipped_calendar();
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        // (time, signed in, leave that day, begun)
        let cases = [
            ("08:00", false, None, false),
            ("08:00", true, None, true),
            ("08:30", false, None, true),
            ("10:00", false, Some(Cover::Morning), false), // due from 14:00
            ("13:59", false, Some(Cover::Morning), false),
            ("14:00", false, Some(Cover::Morning), true),
            ("10:00", true, Some(Cover::Morning), true), // came in anyway
            ("09:00", false, Some(Cover::Afternoon), true),
            ("15:00", false, Some(Cover::Full), false),
            ("15:00", true, Some(Cover::Full), true),
        ];
        for (time, signed_in, leave, begun) in cases {
            let now = monday.and_time(t(time));
            assert_eq!(day_begun(&hours, &calendar, now, signed_in, leave), begun, "{time} {signed_in} {leave:?}");
        }
        // A hall open in the morning only: the morning off is the day off.
        let morning_only = [p("09:00", "11:30")];
        assert_eq!(due_hours(&morning_only, Some(Cover::Morning)), None);
        assert_eq!(due_hours(&morning_only, Some(Cover::Afternoon)), Some((t("09:00"), t("11:30"))));
        assert_eq!(due_hours(&[p("08:00", "17:00")], Some(Cover::Morning)), Some((t("12:00"), t("17:00"))));
        // Tuesday: no periods (not a day of work in this week): never begun unless signed in.
        let tuesday = monday.succ_opt().unwrap().and_time(t("10:00"));
        assert!(!day_begun(&hours, &calendar, tuesday, false, None));
    }

    #[test]
    fn each_day_is_marked_by_its_sign_ins() {
        let open = (t("08:30"), t("17:30"));
        let mark = |kind, minutes| Mark { kind, minutes };
        // (first in, last out, day over, expected marks); grace 5 minutes.
        let cases = [
            (Some("08:20"), Some("17:40"), true, vec![]),
            (Some("08:35"), None, true, vec![]),
            (Some("08:36"), None, false, vec![mark(MarkKind::Late, Some(6))]),
            (
                Some("09:10"),
                Some("16:00"),
                true,
                vec![mark(MarkKind::Late, Some(40)), mark(MarkKind::EarlyLeave, Some(90))],
            ),
            (Some("08:00"), Some("17:29"), true, vec![mark(MarkKind::EarlyLeave, Some(1))]),
            (None, None, true, vec![mark(MarkKind::Absent, None)]),
            (None, None, false, vec![]),
        ];
        let day = [Period { start: t("08:30"), end: t("17:30") }];
        for (first_in, last_out, over, want) in cases {
            let presence = Presence { first_in: first_in.map(t), last_out: last_out.map(t) };
            assert_eq!(marks(open, &day, presence, 5, over), want, "{first_in:?} {last_out:?} {over}");
        }
    }

    #[test]
    fn a_lunch_break_is_neither_an_early_leave_nor_time_missed() {
        let periods = [Period { start: t("08:30"), end: t("12:00") }, Period { start: t("14:00"), end: t("17:30") }];
        let open = (t("08:30"), t("17:30"));
        let mark = |kind, minutes| Mark { kind, minutes };
        // (first in, last out, day over, expected marks); grace 5 minutes.
        for (first_in, last_out, over, want) in [
            // Signed out for lunch, the day running: nothing yet.
            ("08:25", Some("12:00"), false, vec![]),
            // Never came back: the afternoon's 210 minutes, not 330 with the lunch.
            ("08:25", Some("12:00"), true, vec![mark(MarkKind::EarlyLeave, Some(210))]),
            ("08:25", Some("11:00"), true, vec![mark(MarkKind::EarlyLeave, Some(270))]),
            // Out in the lunch break itself: the afternoon only.
            ("08:25", Some("13:00"), true, vec![mark(MarkKind::EarlyLeave, Some(210))]),
            // First in after lunch: the morning's 210 minutes late.
            ("14:00", None, true, vec![mark(MarkKind::Late, Some(210))]),
            ("08:25", Some("17:30"), true, vec![]),
        ] {
            let presence = Presence { first_in: Some(t(first_in)), last_out: last_out.map(t) };
            assert_eq!(marks(open, &periods, presence, 5, over), want, "{first_in} {last_out:?} {over}");
        }
    }

    /// (name, day, leave, first in, last out, expected marks: `None` = not marked at all).
    type Case<'a> = (&'a str, &'a str, Option<Cover>, Option<&'a str>, Option<&'a str>, Option<Vec<Mark>>);

    #[test]
    fn a_day_is_marked_on_the_calendar_with_its_leave() {
        let calendar = crate::calendar_data::shipped_calendar();
        let p = |a: &str, b: &str| Period { start: t(a), end: t(b) };
        let mut hours = Hours::weekdays(t("08:30"), t("17:30"));
        for d in 0..5 {
            hours.days[d] = vec![p("08:30", "12:00"), p("14:00", "17:30")];
        }
        let mark = |kind, minutes| Mark { kind, minutes };
        let late = |m| vec![mark(MarkKind::Late, Some(m))];
        let early = |m| vec![mark(MarkKind::EarlyLeave, Some(m))];
        // (name, day, leave, first in, last out, expected marks: None = not marked at all);
        // grace 5 minutes, the day is over. 2026-09-30 is a Wednesday, 2026-10-01 国庆,
        // Saturday 2026-10-10 a make-up working day (调休) that keeps the weekday's hours.
        let (wed, holiday, makeup) = ("2026-09-30", "2026-10-01", "2026-10-10");
        let cases: Vec<Case> = vec![
            ("on time", wed, None, Some("08:25"), Some("17:35"), Some(vec![])),
            ("within the grace", wed, None, Some("08:35"), Some("17:30"), Some(vec![])),
            ("late", wed, None, Some("08:50"), Some("17:30"), Some(late(20))),
            ("early", wed, None, Some("08:30"), Some("17:00"), Some(early(30))),
            ("absent", wed, None, None, None, Some(vec![mark(MarkKind::Absent, None)])),
            ("full leave", wed, Some(Cover::Full), None, None, None),
            ("morning off: due at 14:00", wed, Some(Cover::Morning), Some("13:58"), Some("17:30"), Some(vec![])),
            ("morning off, late after it", wed, Some(Cover::Morning), Some("14:20"), Some("17:30"), Some(late(20))),
            ("afternoon off: done at 12:00", wed, Some(Cover::Afternoon), Some("08:30"), Some("12:00"), Some(vec![])),
            ("afternoon off, early", wed, Some(Cover::Afternoon), Some("08:30"), Some("11:00"), Some(early(60))),
            ("half day, no sign-in", wed, Some(Cover::Afternoon), None, None, Some(vec![mark(MarkKind::Absent, None)])),
            ("working weekend (调休)", makeup, None, Some("09:00"), Some("17:30"), Some(late(30))),
            ("a holiday", holiday, None, None, None, None),
        ];
        for (name, day, leave, first_in, last_out, want) in cases {
            let presence = Presence { first_in: first_in.map(t), last_out: last_out.map(t) };
            let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
            let got = day_marks(day, &hours, &calendar, leave, presence, 5, |_| true).unwrap();
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn working_hours_follow_the_statutory_calendar() {
        let calendar = crate::calendar_data::shipped_calendar();
        let hours = Hours::weekdays(t("08:30"), t("17:30"));
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // (day, expected hours): a weekday, 国庆, a weekend, the make-up Saturday 10 October 2026.
        for (d, want) in [
            ("2026-09-30", Some((t("08:30"), t("17:30")))),
            ("2026-10-01", None),
            ("2026-10-11", None),
            ("2026-10-10", Some((t("08:30"), t("17:30")))),
        ] {
            assert_eq!(working_hours(day(d), &hours, &calendar).unwrap(), want, "{d}");
        }
        assert!(working_hours(day("2027-03-01"), &hours, &calendar).is_err(), "a year not loaded is an error");
    }

    #[test]
    fn kept_rules_read_back_as_they_were_written() {
        let mut hours = Hours::weekdays(t("08:30"), t("17:30"));
        hours.days[0] = vec![p("08:30", "12:00"), p("14:00", "17:30")];
        hours.days[5] = vec![p("09:00", "12:00")];
        let rules = DayRules::of(&hours, 5);
        let text = rules.to_text();
        assert_eq!(text, "08:30-12:00,14:00-17:30;08:30-17:30;08:30-17:30;08:30-17:30;08:30-17:30;09:00-12:00;|5");
        assert_eq!(DayRules::parse(&text), Some(rules));
        for bad in ["", "08:30-12:00|5", ";;;;;;|x", ";;;;;;;|5", "12:00-08:30;;;;;;|5", ";;;;;;"] {
            assert_eq!(DayRules::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_day_is_judged_by_the_rules_in_force_when_it_was_begun() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let rules = |start: &str| DayRules::of(&Hours::weekdays(t(start), t("17:30")), 5);
        let (summer, winter, now) = (rules("08:30"), rules("09:00"), rules("08:45"));
        // Summer hours judged the days to 30 September, winter hours 1 to 15 October, the hours
        // in force now every day after.
        let kept = vec![(day("2026-10-15"), winter.clone()), (day("2026-09-30"), summer.clone())];
        for (d, want) in [
            ("2026-09-01", &summer),
            ("2026-09-30", &summer),
            ("2026-10-01", &winter),
            ("2026-10-15", &winter),
            ("2026-10-16", &now),
        ] {
            assert_eq!(rules_for(day(d), &kept, &now), want, "{d}");
        }
        assert_eq!(rules_for(day("2026-09-01"), &[], &now), &now, "nothing kept: the rules now");
    }

    #[test]
    fn old_rules_judge_today_once_it_was_begun_under_them() {
        let calendar = crate::calendar_data::shipped_calendar();
        let old = DayRules::of(&Hours::weekdays(t("08:30"), t("17:30")), 5);
        let later = DayRules::of(&Hours::weekdays(t("10:00"), t("17:30")), 5);
        let at = |d: &str, time: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap().and_time(t(time));
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // (now, a clerk signed in today, the last day the old rules judge); Friday 16 October.
        for (now, signed_in, last) in [
            (at("2026-10-16", "07:50"), false, "2026-10-15"), // before opening, nobody in: today is the new rules'
            (at("2026-10-16", "07:50"), true, "2026-10-16"),  // a clerk in early: begun
            (at("2026-10-16", "08:30"), false, "2026-10-16"), // opening time: begun, whoever came
            (at("2026-10-16", "09:30"), false, "2026-10-16"), // nobody in yet at 09:30: absent or late, as it was
            (at("2026-10-17", "10:00"), false, "2026-10-16"), // a Saturday the hall is closed: nothing to judge today
            (at("2027-03-01", "09:30"), false, "2027-03-01"), // a year not loaded: the week's hours
        ] {
            assert_eq!(
                last_day_of_old_rules((&old, &later), &calendar, now, signed_in),
                day(last),
                "{now} {signed_in}"
            );
        }
        // Opening moved from 10:00 to 08:30, saved at 09:00 with nobody in: 08:30 has passed, so
        // today stays the old rules' (nobody is late by hours they could not know).
        let moved = last_day_of_old_rules((&later, &old), &calendar, at("2026-10-16", "09:00"), false);
        assert_eq!(moved, day("2026-10-16"));
        assert_eq!(
            last_day_of_old_rules((&later, &old), &calendar, at("2026-10-16", "08:00"), false),
            day("2026-10-15")
        );
    }
}
