//! Mainland China's statutory working days (法定工作日), from the State Council's yearly notice
//! (国务院办公厅关于某年部分节假日安排的通知). Pure: the schedules are data, checked when a
//! year is loaded; a date in a year that is not loaded is an error ([`MissingYear`]), never a guess.
//!
//! A day is a working day when it is a make-up working day (调休上班) of its year, or a Monday to
//! Friday outside every holiday period (放假) of its year. A notice may reach into the December
//! before its year (2019's: 元旦 from Sunday 30 December 2018, Monday 31 December off and
//! Saturday 29 December worked; 2012's: Saturday 31 December 2011 worked): those days are the
//! earlier year's, amended by the later notice once both are loaded.

use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::BTreeMap;

/// The seven statutory festivals (全体公民放假的节日) every year's notice schedules.
pub const FESTIVALS: [&str; 7] = ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"];

/// Days off as the notice states them, `from` to `to` inclusive. The name is a festival or
/// festivals merged into one period joined with 「、」 (2025: 「国庆节、中秋节」).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// A Saturday or Sunday worked (调休上班), named after the holiday period it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingWeekend {
    pub date: NaiveDate,
    pub name: String,
}

/// One year's notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearSchedule {
    pub year: i32,
    /// The notice's title and number.
    pub source: String,
    pub holidays: Vec<Holiday>,
    pub working_weekends: Vec<WorkingWeekend>,
}

/// Why a year's schedule is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("{year}: the source (the notice's title and number) is missing")]
    NoSource { year: i32 },
    #[error("holiday `{name}` is not one of the statutory festivals {FESTIVALS:?} (merged ones joined with 、)")]
    UnknownFestival { name: String },
    #[error("{year}: {festival} is scheduled twice")]
    FestivalTwice { year: i32, festival: &'static str },
    #[error("holiday `{name}` runs from {from} to {to}: from must not be after to")]
    Reversed { name: String, from: NaiveDate, to: NaiveDate },
    #[error("{date} ({name}) is not in {year}")]
    OutsideYear { year: i32, date: NaiveDate, name: String },
    #[error("{date} is in two holiday periods: `{first}` and `{second}`")]
    Overlap { date: NaiveDate, first: String, second: String },
    #[error("{date} is a {weekday}: a make-up working day (调休上班) must be a Saturday or Sunday")]
    NotAWeekend { date: NaiveDate, weekday: Weekday },
    #[error("{date} is listed twice as a make-up working day")]
    WorkingTwice { date: NaiveDate },
    #[error("{date} is both off (`{holiday}`) and a make-up working day")]
    OffAndWorking { date: NaiveDate, holiday: String },
    #[error("make-up working day {date} belongs to `{name}`, which is no holiday period of {year}")]
    NoSuchHoliday { year: i32, date: NaiveDate, name: String },
    #[error("{year} is incomplete: no holiday period for {}", missing.join("、"))]
    Incomplete { year: i32, missing: Vec<&'static str> },
    #[error("{year} is already loaded")]
    DuplicateYear { year: i32 },
    #[error("{date} is set by both the {earlier} and the {later} notice (`{first}`, `{second}`)")]
    SetByBoth { date: NaiveDate, earlier: i32, later: i32, first: String, second: String },
}

impl YearSchedule {
    /// Checks the schedule: a source; holiday periods named after festivals, `from <= to`, inside
    /// the year (a period may start in the December before it), not overlapping; make-up days
    /// inside the year or the December before it, on a Saturday or Sunday, listed once, not off,
    /// belonging to a holiday period of the year. The year is *complete* when each
    /// of the seven [`FESTIVALS`] is in exactly one period (a notice always schedules all seven;
    /// a one-off extra holiday would need its name added there first).
    pub fn validate(&self) -> Result<(), ScheduleError> {
        let year = self.year;
        if self.source.trim().is_empty() {
            return Err(ScheduleError::NoSource { year });
        }
        let mut seen = [false; FESTIVALS.len()];
        let mut off: BTreeMap<NaiveDate, &str> = BTreeMap::new();
        for h in &self.holidays {
            for part in h.name.split('、') {
                let i = FESTIVALS
                    .iter()
                    .position(|f| *f == part)
                    .ok_or_else(|| ScheduleError::UnknownFestival { name: h.name.clone() })?;
                if std::mem::replace(&mut seen[i], true) {
                    return Err(ScheduleError::FestivalTwice { year, festival: FESTIVALS[i] });
                }
            }
            if h.from > h.to {
                return Err(ScheduleError::Reversed { name: h.name.clone(), from: h.from, to: h.to });
            }
            // Only 元旦's period may start in the December before; every period ends in its year.
            let from_ok = h.from.year() == year || (self.is_december_before(h.from) && is_new_year(&h.name));
            for (date, ok) in [(h.from, from_ok), (h.to, h.to.year() == year)] {
                if !ok {
                    return Err(ScheduleError::OutsideYear { year, date, name: h.name.clone() });
                }
            }
            for date in h.from.iter_days().take_while(|d| *d <= h.to) {
                if let Some(first) = off.insert(date, &h.name) {
                    let (first, second) = (first.to_string(), h.name.clone());
                    return Err(ScheduleError::Overlap { date, first, second });
                }
            }
        }
        let mut working = Vec::with_capacity(self.working_weekends.len());
        for w in &self.working_weekends {
            let date = w.date;
            if date.year() != year && !(self.is_december_before(date) && is_new_year(&w.name)) {
                return Err(ScheduleError::OutsideYear { year, date, name: w.name.clone() });
            }
            if !is_weekend(date) {
                return Err(ScheduleError::NotAWeekend { date, weekday: date.weekday() });
            }
            if working.contains(&date) {
                return Err(ScheduleError::WorkingTwice { date });
            }
            working.push(date);
            if let Some(holiday) = off.get(&date) {
                return Err(ScheduleError::OffAndWorking { date, holiday: holiday.to_string() });
            }
            if !self.holidays.iter().any(|h| h.name == w.name) {
                return Err(ScheduleError::NoSuchHoliday { year, date, name: w.name.clone() });
            }
        }
        let missing: Vec<_> = FESTIVALS.iter().zip(seen).filter(|(_, s)| !s).map(|(f, _)| *f).collect();
        if !missing.is_empty() {
            return Err(ScheduleError::Incomplete { year, missing });
        }
        Ok(())
    }

    fn is_december_before(&self, d: NaiveDate) -> bool {
        d.year() == self.year - 1 && d.month() == 12
    }

    /// The days this notice sets in `year` (its own, or the December before it): each date, whether
    /// it is worked, and its holiday period's name.
    fn days_in(&self, year: i32) -> impl Iterator<Item = (NaiveDate, bool, &str)> {
        let off = self
            .holidays
            .iter()
            .flat_map(|h| h.from.iter_days().take_while(move |d| *d <= h.to).map(move |d| (d, false, h.name.as_str())));
        let worked = self.working_weekends.iter().map(|w| (w.date, true, w.name.as_str()));
        off.chain(worked).filter(move |(d, _, _)| d.year() == year)
    }
}

/// A period (or a make-up day of one) that is, or includes, 元旦: the only one a notice may
/// start in the December before its year.
fn is_new_year(name: &str) -> bool {
    name.split('、').any(|part| part == FESTIVALS[0])
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The date's year is not loaded: nothing is known about its days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the working-day calendar of {0} is not loaded")]
pub struct MissingYear(pub i32);

/// What the calendar says about one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayInfo<'a> {
    pub working: bool,
    /// The holiday period the day is in, or the one a make-up working day belongs to.
    pub name: Option<&'a str>,
}

/// A loaded year, precomputed: one entry per day, and running counts of working days.
#[derive(Debug, Clone)]
struct Year {
    schedule: YearSchedule,
    /// By day of the year from 0: working, and the name of its holiday period.
    days: Vec<(bool, Option<String>)>,
    /// `worked[i]` = working days among the year's first `i` days; one more entry than `days`.
    worked: Vec<u32>,
}

impl Year {
    /// The year's days by its own notice, and by the next year's where that reaches into its
    /// December (`next`, when loaded).
    fn new(schedule: YearSchedule, next: Option<&YearSchedule>) -> Year {
        let year = schedule.year;
        let first = NaiveDate::from_yo_opt(year, 1).expect("a checked year");
        let mut days: Vec<_> =
            first.iter_days().take_while(|d| d.year() == year).map(|d| (!is_weekend(d), None)).collect();
        for (d, working, name) in schedule.days_in(year).chain(next.into_iter().flat_map(|n| n.days_in(year))) {
            days[d.ordinal0() as usize] = (working, Some(name.to_string()));
        }
        let worked = std::iter::once(0)
            .chain(days.iter().scan(0, |n, (working, _)| {
                *n += u32::from(*working);
                Some(*n)
            }))
            .collect();
        Year { schedule, days, worked }
    }

    /// Working days from the year's day `i` (from 0) to its end.
    fn working_from(&self, i: usize) -> u32 {
        self.worked[self.days.len()] - self.worked[i]
    }
}

/// The working-day calendar of the loaded years (they need not be consecutive).
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    years: BTreeMap<i32, Year>,
}

impl Calendar {
    pub fn new(years: impl IntoIterator<Item = YearSchedule>) -> Result<Calendar, ScheduleError> {
        let mut calendar = Calendar::default();
        for y in years {
            calendar.add_year(y)?;
        }
        Ok(calendar)
    }

    /// Loads a year after [`YearSchedule::validate`]; a year already loaded is refused.
    pub fn add_year(&mut self, schedule: YearSchedule) -> Result<(), ScheduleError> {
        schedule.validate()?;
        let year = schedule.year;
        if self.years.contains_key(&year) {
            return Err(ScheduleError::DuplicateYear { year });
        }
        // A December day is one notice's or the other's, never both.
        let clash = |earlier: &YearSchedule, later: &YearSchedule| {
            let own: BTreeMap<NaiveDate, &str> = earlier.days_in(earlier.year).map(|(d, _, n)| (d, n)).collect();
            match later.days_in(earlier.year).find_map(|(d, _, n)| own.get(&d).map(|first| (d, *first, n))) {
                Some((date, first, second)) => Err(ScheduleError::SetByBoth {
                    date,
                    earlier: earlier.year,
                    later: later.year,
                    first: first.to_string(),
                    second: second.to_string(),
                }),
                None => Ok(()),
            }
        };
        if let Some(before) = self.years.get(&(year - 1)) {
            clash(&before.schedule, &schedule)?;
        }
        let next = self.years.get(&(year + 1)).map(|y| &y.schedule);
        if let Some(next) = next {
            clash(&schedule, next)?;
        }
        let this = Year::new(schedule, next);
        // The year before, amended where this notice reaches into its December.
        if let Some(before) = self.years.get(&(year - 1)).map(|y| y.schedule.clone()) {
            self.years.insert(year - 1, Year::new(before, Some(&this.schedule)));
        }
        self.years.insert(year, this);
        Ok(())
    }

    /// The days of the December before `schedule`'s year that it changes in this calendar (worked
    /// where this calendar has them off, or the other way round): what adding it would amend.
    pub fn amended_by(&self, schedule: &YearSchedule) -> Vec<NaiveDate> {
        let before = schedule.year - 1;
        let changed = |(d, working, _): &(NaiveDate, bool, &str)| self.day(*d).is_ok_and(|day| day.working != *working);
        let mut days: Vec<NaiveDate> = schedule.days_in(before).filter(changed).map(|(d, _, _)| d).collect();
        days.sort();
        days
    }

    /// The loaded years' schedules, oldest first.
    pub fn years(&self) -> impl Iterator<Item = &YearSchedule> {
        self.years.values().map(|y| &y.schedule)
    }

    fn year(&self, year: i32) -> Result<&Year, MissingYear> {
        self.years.get(&year).ok_or(MissingYear(year))
    }

    pub fn day(&self, d: NaiveDate) -> Result<DayInfo<'_>, MissingYear> {
        let y = self.year(d.year())?;
        let (working, name) = &y.days[d.ordinal0() as usize];
        Ok(DayInfo { working: *working, name: name.as_deref() })
    }

    pub fn is_working_day(&self, d: NaiveDate) -> Result<bool, MissingYear> {
        Ok(self.day(d)?.working)
    }

    /// Where a deadline on `d` moves when `d` is a day off (顺延: 期间的最后一日是法定休假日的，
    /// 以休假日结束的次日为期间的最后一日): the next working day; `None` when `d` is a working
    /// day, or the years are not loaded.
    pub fn deferred(&self, d: NaiveDate) -> Option<NaiveDate> {
        self.add_working_days(d, 0).ok().filter(|next| *next != d)
    }

    /// Working days in a loaded year.
    pub fn working_days_in(&self, year: i32) -> Result<u32, MissingYear> {
        Ok(self.year(year)?.working_from(0))
    }

    /// The `n`-th working day after `d` (a deadline of 「n个工作日」 counted from the day after
    /// `d`). `n = 0` is `d` itself when it is a working day, else the next working day, so for a
    /// day off `n = 0` and `n = 1` give the same date. Every year from `d`'s to the answer's
    /// must be loaded; the first that is not is the error. Cost: one step per year crossed plus
    /// a binary search, whatever `n`.
    pub fn add_working_days(&self, d: NaiveDate, n: u32) -> Result<NaiveDate, MissingYear> {
        let mut year = d.year();
        let y = self.year(year)?;
        let mut left = n;
        if n == 0 {
            if y.days[d.ordinal0() as usize].0 {
                return Ok(d);
            }
            left = 1;
        }
        let mut start = d.ordinal0() as usize + 1;
        loop {
            let y = self.year(year)?;
            let available = y.working_from(start);
            if left <= available {
                let target = y.worked[start] + left;
                // The first i with worked[i] == target; that day is i - 1.
                let i = y.worked.partition_point(|&w| w < target);
                let ordinal = u32::try_from(i).expect("a day of the year");
                return Ok(NaiveDate::from_yo_opt(year, ordinal).expect("a day of a loaded year"));
            }
            left -= available;
            year += 1;
            start = 0;
        }
    }

    /// For `a <= b`: the number of working days in `(a, b]` — after `a`, up to and including
    /// `b` — so 0 when `a == b`, and `working_days_between(d, add_working_days(d, n)) == n` for
    /// every `n >= 1`. For `a > b`: minus the number of working days in `(b, a]`. Every year
    /// from the earlier date's to the later date's must be loaded.
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> Result<i64, MissingYear> {
        if a > b {
            return Ok(-self.working_days_between(b, a)?);
        }
        let mut count = 0i64;
        for year in a.year()..=b.year() {
            let y = self.year(year)?;
            let from = if year == a.year() { a.ordinal0() as usize + 1 } else { 0 };
            let to = if year == b.year() { b.ordinal0() as usize + 1 } else { y.days.len() };
            count += i64::from(y.worked[to] - y.worked[from]);
        }
        Ok(count)
    }
}

/// The year whose calendar the administrator must add now: this year's when it is not loaded
/// (any day: without it no deadline is counted and a holiday is not known as one), else from
/// 1 December next year's (the State Council publishes it in the winter; deadlines run into it).
pub fn next_year_missing(calendar: &Calendar, today: NaiveDate) -> Option<i32> {
    use chrono::Datelike;
    if calendar.working_days_in(today.year()).is_err() {
        return Some(today.year());
    }
    let next = today.year() + 1;
    (today.month() == 12 && calendar.working_days_in(next).is_err()).then_some(next)
}

#[cfg(test)]
mod tests;
