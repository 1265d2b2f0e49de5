//! The working-day calendar's files (`server/data/calendar/YYYY.toml`, one per year, shipped in
//! the binary) and their format, which an admin's "add a year" will use too: TOML text ->
//! [`YearSchedule`], checked by [`YearSchedule::validate`].

use crate::domain::calendar::{Calendar, Holiday, ScheduleError, WorkingWeekend, YearSchedule};
use chrono::NaiveDate;
use serde::Deserialize;

/// The shipped years' files, by name.
pub const SHIPPED: [(&str, &str); 3] = [
    ("2024.toml", include_str!("../data/calendar/2024.toml")),
    ("2025.toml", include_str!("../data/calendar/2025.toml")),
    ("2026.toml", include_str!("../data/calendar/2026.toml")),
];

/// Why a year's file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// Not TOML, or not this format (toml's message names the line and column).
    #[error("{0}")]
    Syntax(String),
    #[error("{field}: `{value}` is not a date like 2026-01-01")]
    BadDate { field: String, value: String },
    #[error(transparent)]
    Invalid(#[from] ScheduleError),
}

/// One year's file, checked.
pub fn parse_year(text: &str) -> Result<YearSchedule, CalendarError> {
    let raw: RawYear = toml::from_str(text).map_err(|e| CalendarError::Syntax(e.to_string()))?;
    let schedule = YearSchedule::try_from(raw)?;
    schedule.validate()?;
    Ok(schedule)
}

/// The shipped years (2024–2026), oldest first. They are checked by this module's tests, so a
/// broken file cannot ship.
pub fn shipped_years() -> Vec<YearSchedule> {
    shipped_in(&SHIPPED)
}

/// The years of these shipped files (`SHIPPED`, or fewer in tests), parsed.
pub fn shipped_in(files: &[(&str, &str)]) -> Vec<YearSchedule> {
    files
        .iter()
        .map(|(file, text)| parse_year(text).unwrap_or_else(|e| panic!("server/data/calendar/{file}: {e}")))
        .collect()
}

/// A calendar of the shipped years.
pub fn shipped_calendar() -> Calendar {
    Calendar::new(shipped_years()).expect("the shipped years are distinct")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i32,
    source: String,
    #[serde(default)]
    holidays: Vec<RawHoliday>,
    #[serde(default)]
    working_weekends: Vec<RawWorkingWeekend>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: String,
    from: String,
    to: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkingWeekend {
    date: String,
    name: String,
}

fn date(field: impl FnOnce() -> String, value: &str) -> Result<NaiveDate, CalendarError> {
    let parsed = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok().filter(|_| value.len() == 10);
    parsed.ok_or_else(|| CalendarError::BadDate { field: field(), value: value.to_string() })
}

impl TryFrom<RawHoliday> for Holiday {
    type Error = CalendarError;

    fn try_from(h: RawHoliday) -> Result<Holiday, CalendarError> {
        let from = date(|| format!("holiday `{}` from", h.name), &h.from)?;
        let to = date(|| format!("holiday `{}` to", h.name), &h.to)?;
        Ok(Holiday { name: h.name, from, to })
    }
}

impl TryFrom<RawWorkingWeekend> for WorkingWeekend {
    type Error = CalendarError;

    fn try_from(w: RawWorkingWeekend) -> Result<WorkingWeekend, CalendarError> {
        let date = date(|| format!("working weekend of `{}`", w.name), &w.date)?;
        Ok(WorkingWeekend { date, name: w.name })
    }
}

impl TryFrom<RawYear> for YearSchedule {
    type Error = CalendarError;

    fn try_from(raw: RawYear) -> Result<YearSchedule, CalendarError> {
        Ok(YearSchedule {
            year: raw.year,
            source: raw.source,
            holidays: raw.holidays.into_iter().map(Holiday::try_from).collect::<Result<_, _>>()?,
            working_weekends: raw
                .working_weekends
                .into_iter()
                .map(WorkingWeekend::try_from)
                .collect::<Result<_, _>>()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_calendar_files_parse_and_name_their_notices() {
        let check = |year: i32, number: &str| {
            let y = shipped_years().into_iter().find(|y| y.year == year).expect("shipped");
            assert!(y.source.contains(&format!("国务院办公厅关于{year}年部分节假日安排的通知")), "{year}");
            assert!(y.source.contains(number), "{year}: {}", y.source);
        };
        check(2024, "国办发明电〔2023〕7号");
        check(2025, "国办发明电〔2024〕12号");
        check(2026, "国办发明电〔2025〕7号");
        assert_eq!(shipped_calendar().years().map(|y| y.year).collect::<Vec<_>>(), [2024, 2025, 2026]);
    }

    #[test]
    fn a_calendar_file_with_a_mistake_is_refused_naming_it() {
        let year = |body: &str| format!("year = 2026\nsource = \"通知\"\n{body}");
        let check = |text: &str, expected: &str| {
            let err = parse_year(text).expect_err(text).to_string();
            assert!(err.contains(expected), "{text}\n=> {err}");
        };
        check("year = 2026", "source");
        check(&year("colour = \"red\""), "colour");
        check(&year("[[holidays]]\nname = \"元旦\"\nfrom = \"2026-01-01\""), "to");
        check(&year("[[holidays]]\nname = \"元旦\"\nfrom = \"2026-02-30\"\nto = \"2026-03-01\""), "`2026-02-30`");
        check(&year("[[holidays]]\nname = \"元旦\"\nfrom = \"2026-1-1\"\nto = \"2026-01-01\""), "holiday `元旦` from");
        check(&year("[[working_weekends]]\ndate = \"4 Jan\"\nname = \"元旦\""), "working weekend of `元旦`");
        // Well-formed but not a complete year: the domain's check speaks.
        let only_new_year = year("[[holidays]]\nname = \"元旦\"\nfrom = \"2026-01-01\"\nto = \"2026-01-03\"");
        assert!(matches!(
            parse_year(&only_new_year),
            Err(CalendarError::Invalid(ScheduleError::Incomplete { year: 2026, .. }))
        ));
    }
}
