//! When tickets are issued: the hall's opening hours per weekday (a lunch break is a gap
//! between two periods) as the statutory calendar changes them (closed on a holiday, open on a
//! make-up working day), the cut-off before closing, a matter's own hours and its daily quota,
//! and the director's reopening for the day. Pure: the local time is an argument.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::calendar::{Calendar, DayInfo};

/// A stretch of a day, `start` included, `end` excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Period {
    /// Parses `HH:MM-HH:MM` (start before end).
    pub fn parse(s: &str) -> Option<Period> {
        let (a, b) = s.split_once('-')?;
        let start = NaiveTime::parse_from_str(a.trim(), "%H:%M").ok()?;
        let end = NaiveTime::parse_from_str(b.trim(), "%H:%M").ok()?;
        (start < end).then_some(Period { start, end })
    }
}

/// The hall's opening hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hours {
    /// Monday first: each day's periods in order, not overlapping; empty = closed that day.
    pub days: [Vec<Period>; 7],
    /// Tickets stop this many minutes before the day's closing (e.g. 30: 16:30 for 17:00).
    pub cut_off_minutes: u32,
    /// Priority tickets are issued outside the hours and beyond quotas.
    pub priority_exempt: bool,
    /// Set by the server's `--issue-any-time` (demonstrations, training, tests): every day is
    /// reopened, as if the director had done it.
    pub any_time: bool,
}

impl Hours {
    /// Monday to Friday, one period, no cut-off: a hall that configures no `[hours]`.
    pub fn weekdays(start: NaiveTime, end: NaiveTime) -> Hours {
        let day = vec![Period { start, end }];
        let days = std::array::from_fn(|i| if i < 5 { day.clone() } else { Vec::new() });
        Hours { days, cut_off_minutes: 0, priority_exempt: false, any_time: false }
    }
}

/// Why tickets are not issued now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    NotOpenYet,
    LunchBreak,
    CutOff,
    ClosedToday,
    QuotaReached,
}

/// Whether tickets are issued at a given local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issuing {
    /// Open; `until` is when it stops next (`None`: reopened for the rest of the day).
    Open {
        until: Option<NaiveDateTime>,
        reopened: bool,
    },
    Stopped {
        reason: Stop,
        next_open: Option<NaiveDateTime>,
    },
}

impl Issuing {
    pub fn is_open(&self) -> bool {
        matches!(self, Issuing::Open { .. })
    }
}

/// What applies to one matter besides the hall's hours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MatterRules {
    /// Its tickets are issued only within this part of each day.
    pub own: Option<Period>,
    pub daily_quota: Option<u32>,
}

/// The hall's periods on `day` as the statutory calendar makes it: none on a holiday (放假,
/// a weekday's too, and a weekend's in it even where the hall keeps weekend hours); on a
/// make-up working day (调休上班, always a weekend) those of its first weekday that has some,
/// as any working day's; else the weekday's (an ordinary weekend's, and every day of a year
/// the calendar does not have).
pub fn day_periods<'a>(hours: &'a Hours, calendar: &Calendar, day: NaiveDate) -> &'a [Period] {
    let weekday = &hours.days[day.weekday().num_days_from_monday() as usize];
    match calendar.day(day) {
        Ok(DayInfo { working: false, name: Some(_) }) => &[],
        Ok(DayInfo { working: true, .. }) if day.weekday().num_days_from_monday() >= 5 => {
            hours.days[..5].iter().find(|p| !p.is_empty()).map_or(weekday, Vec::as_slice)
        }
        _ => weekday,
    }
}

/// The stretches of `day` in which tickets are issued (and booked slots lie): the hall's
/// periods, the last one shortened by the cut-off, cut to the matter's own hours.
pub fn issuing_periods(hours: &Hours, calendar: &Calendar, own: Option<Period>, day: NaiveDate) -> Vec<Period> {
    let periods = day_periods(hours, calendar, day);
    let last = periods.len().saturating_sub(1);
    periods
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let mut p = *p;
            if i == last {
                p.end -= Duration::minutes(hours.cut_off_minutes.into());
            }
            if let Some(o) = own {
                p.start = p.start.max(o.start);
                p.end = p.end.min(o.end);
            }
            (p.start < p.end).then_some(p)
        })
        .collect()
}

/// How far ahead the next opening is looked for: past the longest holiday (春节, 国庆: 8 or 9
/// days) and the weekend around it.
const LOOK_AHEAD_DAYS: i64 = 21;

/// The first moment tickets are issued strictly after `day`.
fn first_opening_after(
    hours: &Hours,
    calendar: &Calendar,
    own: Option<Period>,
    day: NaiveDate,
) -> Option<NaiveDateTime> {
    (1..=LOOK_AHEAD_DAYS).find_map(|d| {
        let next = day + Duration::days(d);
        issuing_periods(hours, calendar, own, next).first().map(|p| next.and_time(p.start))
    })
}

/// Issuing by the clock and the calendar alone (no quota, not reopened).
pub fn by_hours(hours: &Hours, calendar: &Calendar, own: Option<Period>, at: NaiveDateTime) -> Issuing {
    let (day, time) = (at.date(), at.time());
    let periods = issuing_periods(hours, calendar, own, day);
    if let Some(p) = periods.iter().find(|p| p.start <= time && time < p.end) {
        return Issuing::Open { until: Some(day.and_time(p.end)), reopened: false };
    }
    let later = periods.iter().find(|p| time < p.start);
    let reason = match (periods.first(), later) {
        (None, _) => Stop::ClosedToday,
        (Some(first), Some(_)) if time < first.start => Stop::NotOpenYet,
        (Some(_), Some(_)) => Stop::LunchBreak,
        (Some(_), None) => Stop::CutOff,
    };
    let next_open = match later {
        Some(p) => Some(day.and_time(p.start)),
        None => first_opening_after(hours, calendar, own, day),
    };
    Issuing::Stopped { reason, next_open }
}

/// Issuing for one matter: the hall's hours, the matter's own hours and its quota, unless the
/// director reopened issuing for today. `issued_today` counts the matter's tickets today.
pub fn for_matter(
    hours: &Hours,
    calendar: &Calendar,
    rules: MatterRules,
    issued_today: u32,
    reopened_today: bool,
    at: NaiveDateTime,
) -> Issuing {
    if reopened_today || hours.any_time {
        return Issuing::Open { until: None, reopened: true };
    }
    let by_clock = by_hours(hours, calendar, rules.own, at);
    // Open now, or again later today (before the opening, over lunch): with the day's tickets
    // all taken, not before the next working day (a lunch break would say "from 14:00").
    let later_today = match by_clock {
        Issuing::Open { .. } => true,
        Issuing::Stopped { next_open, .. } => next_open.is_some_and(|t| t.date() == at.date()),
    };
    match rules.daily_quota {
        Some(quota) if later_today && issued_today >= quota => Issuing::Stopped {
            reason: Stop::QuotaReached,
            next_open: first_opening_after(hours, calendar, rules.own, at.date()),
        },
        _ => by_clock,
    }
}

/// Issuing of the hall as a whole (its hours only).
pub fn for_hall(hours: &Hours, calendar: &Calendar, reopened_today: bool, at: NaiveDateTime) -> Issuing {
    for_matter(hours, calendar, MatterRules::default(), 0, reopened_today, at)
}

/// A queue issues when any of its matters does: the first open state, else the stop that
/// reopens soonest.
pub fn for_queue(matters: &[Issuing]) -> Issuing {
    if let Some(open) = matters.iter().find(|m| m.is_open()) {
        return *open;
    }
    let key = |m: &&Issuing| match m {
        Issuing::Stopped { next_open: Some(t), .. } => (0, Some(*t)),
        _ => (1, None),
    };
    matters.iter().min_by_key(key).copied().unwrap_or(Issuing::Stopped { reason: Stop::ClosedToday, next_open: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }
    fn at(day: u32, time: &str) -> NaiveDateTime {
        // December 2026: the 7th is a Monday, the 12th a Saturday.
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap().and_time(t(time))
    }
    fn hall() -> Hours {
        let week = vec![Period::parse("08:30-12:00").unwrap(), Period::parse("14:00-17:00").unwrap()];
        let mut days: [Vec<Period>; 7] = std::array::from_fn(|_| week.clone());
        days[5] = vec![Period::parse("09:00-12:00").unwrap()];
        days[6] = vec![];
        Hours { days, cut_off_minutes: 30, priority_exempt: false, any_time: false }
    }

    #[test]
    fn the_clock_decides_with_lunch_cut_off_and_weekends() {
        let calendar = crate::calendar_data::shipped_calendar();
        let check = |when: NaiveDateTime, expected: Issuing| {
            assert_eq!(by_hours(&hall(), &calendar, None, when), expected, "{when}")
        };
        check(at(7, "08:29"), Issuing::Stopped { reason: Stop::NotOpenYet, next_open: Some(at(7, "08:30")) });
        check(at(7, "08:30"), Issuing::Open { until: Some(at(7, "12:00")), reopened: false });
        check(at(7, "12:00"), Issuing::Stopped { reason: Stop::LunchBreak, next_open: Some(at(7, "14:00")) });
        check(at(7, "16:29"), Issuing::Open { until: Some(at(7, "16:30")), reopened: false });
        check(at(7, "16:30"), Issuing::Stopped { reason: Stop::CutOff, next_open: Some(at(8, "08:30")) });
        // Friday evening: Saturday morning has hours (cut-off applies to its only period).
        check(at(11, "18:00"), Issuing::Stopped { reason: Stop::CutOff, next_open: Some(at(12, "09:00")) });
        check(at(12, "11:29"), Issuing::Open { until: Some(at(12, "11:30")), reopened: false });
        check(at(13, "10:00"), Issuing::Stopped { reason: Stop::ClosedToday, next_open: Some(at(14, "08:30")) });
    }

    #[test]
    fn holidays_close_and_make_up_days_open_as_a_working_day() {
        let calendar = crate::calendar_data::shipped_calendar();
        let on = |y: i32, m: u32, d: u32, time: &str| NaiveDate::from_ymd_opt(y, m, d).unwrap().and_time(t(time));
        let closed = |next_open| Issuing::Stopped { reason: Stop::ClosedToday, next_open: Some(next_open) };
        let after_national_day = on(2026, 10, 8, "08:30");
        // (when, expected): 国庆节 2026-10-01..07 (Thursday to Wednesday; the hall keeps
        // Saturday hours), make-up working days Sunday 09-20 and Saturday 10-10.
        for (when, expected) in [
            (on(2026, 9, 30, "16:30"), Issuing::Stopped { reason: Stop::CutOff, next_open: Some(after_national_day) }),
            (on(2026, 10, 1, "10:00"), closed(after_national_day)),
            (on(2026, 10, 3, "10:00"), closed(after_national_day)),
            (
                on(2026, 9, 20, "07:00"),
                Issuing::Stopped { reason: Stop::NotOpenYet, next_open: Some(on(2026, 9, 20, "08:30")) },
            ),
            (on(2026, 9, 20, "15:00"), Issuing::Open { until: Some(on(2026, 9, 20, "16:30")), reopened: false }),
            (on(2026, 10, 10, "11:59"), Issuing::Open { until: Some(on(2026, 10, 10, "12:00")), reopened: false }),
            (on(2026, 10, 10, "14:00"), Issuing::Open { until: Some(on(2026, 10, 10, "16:30")), reopened: false }),
            // An ordinary Saturday keeps the hall's Saturday hours; Sunday stays closed.
            (on(2026, 9, 19, "11:00"), Issuing::Open { until: Some(on(2026, 9, 19, "11:30")), reopened: false }),
            (on(2026, 10, 11, "10:00"), closed(on(2026, 10, 12, "08:30"))),
            // A year the calendar does not have follows the week: 2040-10-01 is a Monday.
            (on(2040, 10, 1, "10:00"), Issuing::Open { until: Some(on(2040, 10, 1, "12:00")), reopened: false }),
        ] {
            assert_eq!(by_hours(&hall(), &calendar, None, when), expected, "{when}");
        }
        // 春节 2026-02-15..23: from the eve's close, the next opening is nine days on.
        assert_eq!(
            by_hours(&hall(), &calendar, None, on(2026, 2, 13, "17:00")),
            Issuing::Stopped { reason: Stop::CutOff, next_open: Some(on(2026, 2, 14, "08:30")) },
            "Saturday 02-14 is a make-up working day"
        );
        assert_eq!(
            by_hours(&hall(), &calendar, None, on(2026, 2, 14, "17:00")),
            Issuing::Stopped { reason: Stop::CutOff, next_open: Some(on(2026, 2, 24, "08:30")) }
        );
    }

    #[test]
    fn a_matter_has_its_own_hours_and_quota() {
        let own = Period::parse("09:00-11:00");
        let rules = MatterRules { own, daily_quota: Some(80) };
        let calendar = crate::calendar_data::shipped_calendar();
        let check = |issued: u32, reopened: bool, when: NaiveDateTime, expected: Issuing| {
            assert_eq!(for_matter(&hall(), &calendar, rules, issued, reopened, when), expected, "{when} {issued}");
        };
        check(0, false, at(7, "08:45"), Issuing::Stopped { reason: Stop::NotOpenYet, next_open: Some(at(7, "09:00")) });
        check(79, false, at(7, "10:00"), Issuing::Open { until: Some(at(7, "11:00")), reopened: false });
        check(
            80,
            false,
            at(7, "10:00"),
            Issuing::Stopped { reason: Stop::QuotaReached, next_open: Some(at(8, "09:00")) },
        );
        check(0, false, at(7, "14:30"), Issuing::Stopped { reason: Stop::CutOff, next_open: Some(at(8, "09:00")) });
        check(500, true, at(7, "22:00"), Issuing::Open { until: None, reopened: true });
        // Taken before the opening (bookings) or before lunch: the next working day, not later today.
        let quota_reached = Issuing::Stopped { reason: Stop::QuotaReached, next_open: Some(at(8, "09:00")) };
        check(80, false, at(7, "08:45"), quota_reached);
        let lunch = MatterRules { own: None, daily_quota: Some(40) };
        let hall_day = |issued: u32, when: NaiveDateTime| for_matter(&hall(), &calendar, lunch, issued, false, when);
        assert!(matches!(hall_day(10, at(7, "12:30")), Issuing::Stopped { reason: Stop::LunchBreak, .. }));
        match hall_day(40, at(7, "12:30")) {
            Issuing::Stopped { reason: Stop::QuotaReached, next_open: Some(t) } => {
                assert_eq!(t.date(), at(8, "00:00").date())
            }
            other => panic!("over lunch with the quota taken: {other:?}"),
        }
        // After the cut-off, the clock's own stop (tomorrow either way).
        assert!(matches!(hall_day(40, at(7, "17:30")), Issuing::Stopped { reason: Stop::CutOff, .. }));
    }

    #[test]
    fn a_queue_is_open_when_any_matter_is_and_else_reopens_soonest() {
        let late = Issuing::Stopped { reason: Stop::QuotaReached, next_open: Some(at(8, "09:00")) };
        let soon = Issuing::Stopped { reason: Stop::NotOpenYet, next_open: Some(at(7, "09:00")) };
        let open = Issuing::Open { until: Some(at(7, "12:00")), reopened: false };
        assert_eq!(for_queue(&[late, soon]), soon);
        assert_eq!(for_queue(&[late, open]), open);
        assert_eq!(for_queue(&[]), Issuing::Stopped { reason: Stop::ClosedToday, next_open: None });
    }

    #[test]
    fn periods_parse_strictly() {
        assert_eq!(Period::parse("08:30-12:00"), Some(Period { start: t("08:30"), end: t("12:00") }));
        for bad in ["12:00-08:30", "8.30-12", "08:30", "08:30-08:30"] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }
}
