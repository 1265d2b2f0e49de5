//! When tickets are issued: the hall's opening hours per weekday (a lunch break is a gap
//! between two periods), the cut-off before closing, a matter's own hours and its daily quota,
//! and the director's reopening for the day. Pure: the local time is an argument.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

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

/// The stretches of `day` in which tickets are issued: the hall's periods, the last one
/// shortened by the cut-off, cut to the matter's own hours.
fn issuing_periods(hours: &Hours, own: Option<Period>, day: NaiveDate) -> Vec<Period> {
    let periods = &hours.days[day.weekday().num_days_from_monday() as usize];
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

/// The first moment tickets are issued strictly after `day`, looking a week ahead.
fn first_opening_after(hours: &Hours, own: Option<Period>, day: NaiveDate) -> Option<NaiveDateTime> {
    (1..=7).find_map(|d| {
        let next = day + Duration::days(d);
        issuing_periods(hours, own, next).first().map(|p| next.and_time(p.start))
    })
}

/// Issuing by the clock alone (no quota, not reopened).
pub fn by_hours(hours: &Hours, own: Option<Period>, at: NaiveDateTime) -> Issuing {
    let (day, time) = (at.date(), at.time());
    let periods = issuing_periods(hours, own, day);
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
        None => first_opening_after(hours, own, day),
    };
    Issuing::Stopped { reason, next_open }
}

/// Issuing for one matter: the hall's hours, the matter's own hours and its quota, unless the
/// director reopened issuing for today. `issued_today` counts the matter's tickets today.
pub fn for_matter(
    hours: &Hours,
    rules: MatterRules,
    issued_today: u32,
    reopened_today: bool,
    at: NaiveDateTime,
) -> Issuing {
    if reopened_today || hours.any_time {
        return Issuing::Open { until: None, reopened: true };
    }
    let by_clock = by_hours(hours, rules.own, at);
    match rules.daily_quota {
        Some(quota) if by_clock.is_open() && issued_today >= quota => {
            Issuing::Stopped { reason: Stop::QuotaReached, next_open: first_opening_after(hours, rules.own, at.date()) }
        }
        _ => by_clock,
    }
}

/// Issuing of the hall as a whole (its hours only).
pub fn for_hall(hours: &Hours, reopened_today: bool, at: NaiveDateTime) -> Issuing {
    for_matter(hours, MatterRules::default(), 0, reopened_today, at)
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
        let check =
            |when: NaiveDateTime, expected: Issuing| assert_eq!(by_hours(&hall(), None, when), expected, "{when}");
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
    fn a_matter_has_its_own_hours_and_quota() {
        let own = Period::parse("09:00-11:00");
        let rules = MatterRules { own, daily_quota: Some(80) };
        let check = |issued: u32, reopened: bool, when: NaiveDateTime, expected: Issuing| {
            assert_eq!(for_matter(&hall(), rules, issued, reopened, when), expected, "{when} {issued}");
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
