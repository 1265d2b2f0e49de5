use super::*;
use crate::calendar_data::{shipped_calendar, shipped_years};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn days(from: &str, to: &str) -> impl Iterator<Item = NaiveDate> {
    let to = d(to);
    d(from).iter_days().take_while(move |x| *x <= to)
}

/// The notices' days off, written out again from the notices (not read from the files).
const OFF: &[(&str, &str, &str)] = &[
    ("2024-01-01", "2024-01-01", "元旦"),
    ("2024-02-10", "2024-02-17", "春节"),
    ("2024-04-04", "2024-04-06", "清明节"),
    ("2024-05-01", "2024-05-05", "劳动节"),
    ("2024-06-10", "2024-06-10", "端午节"),
    ("2024-09-15", "2024-09-17", "中秋节"),
    ("2024-10-01", "2024-10-07", "国庆节"),
    ("2025-01-01", "2025-01-01", "元旦"),
    ("2025-01-28", "2025-02-04", "春节"),
    ("2025-04-04", "2025-04-06", "清明节"),
    ("2025-05-01", "2025-05-05", "劳动节"),
    ("2025-05-31", "2025-06-02", "端午节"),
    ("2025-10-01", "2025-10-08", "国庆节、中秋节"),
    ("2026-01-01", "2026-01-03", "元旦"),
    ("2026-02-15", "2026-02-23", "春节"),
    ("2026-04-04", "2026-04-06", "清明节"),
    ("2026-05-01", "2026-05-05", "劳动节"),
    ("2026-06-19", "2026-06-21", "端午节"),
    ("2026-09-25", "2026-09-27", "中秋节"),
    ("2026-10-01", "2026-10-07", "国庆节"),
];

/// The notices' make-up working days (调休上班), with the weekday each notice gives.
const MADE_UP: &[(&str, Weekday, &str)] = &[
    ("2024-02-04", Weekday::Sun, "春节"),
    ("2024-02-18", Weekday::Sun, "春节"),
    ("2024-04-07", Weekday::Sun, "清明节"),
    ("2024-04-28", Weekday::Sun, "劳动节"),
    ("2024-05-11", Weekday::Sat, "劳动节"),
    ("2024-09-14", Weekday::Sat, "中秋节"),
    ("2024-09-29", Weekday::Sun, "国庆节"),
    ("2024-10-12", Weekday::Sat, "国庆节"),
    ("2025-01-26", Weekday::Sun, "春节"),
    ("2025-02-08", Weekday::Sat, "春节"),
    ("2025-04-27", Weekday::Sun, "劳动节"),
    ("2025-09-28", Weekday::Sun, "国庆节、中秋节"),
    ("2025-10-11", Weekday::Sat, "国庆节、中秋节"),
    ("2026-01-04", Weekday::Sun, "元旦"),
    ("2026-02-14", Weekday::Sat, "春节"),
    ("2026-02-28", Weekday::Sat, "春节"),
    ("2026-05-09", Weekday::Sat, "劳动节"),
    ("2026-09-20", Weekday::Sun, "国庆节"),
    ("2026-10-10", Weekday::Sat, "国庆节"),
];

/// Every day of 2024–2026, decided from the tables above alone.
fn expected(day: NaiveDate) -> DayInfo<'static> {
    if let Some((_, _, name)) = MADE_UP.iter().find(|(s, _, _)| d(s) == day) {
        return DayInfo { working: true, name: Some(name) };
    }
    if let Some((_, _, name)) = OFF.iter().find(|(from, to, _)| d(from) <= day && day <= d(to)) {
        return DayInfo { working: false, name: Some(name) };
    }
    DayInfo { working: !is_weekend(day), name: None }
}

#[test]
fn every_day_of_2024_to_2026_is_as_the_notices_say() {
    let cal = shipped_calendar();
    for day in days("2024-01-01", "2026-12-31") {
        assert_eq!(cal.day(day), Ok(expected(day)), "{day}");
        assert_eq!(cal.is_working_day(day), Ok(expected(day).working), "{day}");
    }
    for (s, weekday, _) in MADE_UP {
        assert_eq!(d(s).weekday(), *weekday, "{s}");
    }
}

#[test]
fn named_days_ordinary_days_and_the_long_weeks() {
    let cal = shipped_calendar();
    let check = |s: &str, working: bool, name: Option<&str>| {
        assert_eq!(cal.day(d(s)), Ok(DayInfo { working, name }), "{s}");
    };
    check("2024-02-09", true, None); // 除夕 2024 is a working Friday
    check("2024-02-10", false, Some("春节"));
    check("2024-02-18", true, Some("春节"));
    check("2024-06-08", false, None); // the weekend before 端午, not in the notice's period
    check("2024-06-10", false, Some("端午节"));
    check("2024-09-14", true, Some("中秋节"));
    check("2025-01-27", true, None);
    check("2025-10-08", false, Some("国庆节、中秋节"));
    check("2025-10-11", true, Some("国庆节、中秋节"));
    check("2026-01-04", true, Some("元旦"));
    check("2026-03-04", true, None); // an ordinary Wednesday
    check("2026-03-07", false, None); // an ordinary Saturday
    check("2026-03-08", false, None); // an ordinary Sunday

    // Day by day from a Saturday: W works, - is off.
    let span = |from: &str, pattern: &str| {
        for (day, c) in d(from).iter_days().zip(pattern.chars()) {
            assert_eq!(cal.is_working_day(day), Ok(c == 'W'), "{day} in {pattern}");
        }
    };
    span("2024-02-03", "-WWWWWW--------WWWWWW--"); // 春节 2024
    span("2025-01-25", "-WW--------WWWW-"); // 春节 2025
    span("2026-02-14", "W---------WWWWW-"); // 春节 2026, through Sunday 3月1日 after a working Saturday
    span("2024-09-28", "-WW-------WWWWW-"); // 国庆节 2024
    span("2025-09-27", "-WWW--------WWW-"); // 国庆节、中秋节 2025
    span("2026-09-19", "-WWWWW---WWW-------WWW-"); // 中秋节 and 国庆节 2026
}

/// The n-th working day after `from` found by walking day by day; None past the loaded years.
fn brute_add(cal: &Calendar, from: NaiveDate, n: u32) -> Option<NaiveDate> {
    let mut day = from;
    if n == 0 && cal.is_working_day(day).ok()? {
        return Some(day);
    }
    let mut left = n.max(1);
    loop {
        day = day.succ_opt()?;
        if cal.is_working_day(day).ok()? {
            left -= 1;
            if left == 0 {
                return Some(day);
            }
        }
    }
}

#[test]
fn adding_working_days() {
    let cal = shipped_calendar();
    let check = |from: &str, n: u32, expected: &str| {
        assert_eq!(cal.add_working_days(d(from), n), Ok(d(expected)), "{from} + {n}");
    };
    check("2024-03-05", 0, "2024-03-05"); // n = 0 on a working day: the day itself
    check("2025-10-01", 0, "2025-10-09"); // n = 0 on a holiday: the next working day
    check("2025-10-01", 1, "2025-10-09");
    check("2025-10-01", 2, "2025-10-10");
    check("2025-10-10", 1, "2025-10-11"); // a make-up Saturday counts
    check("2024-06-07", 1, "2024-06-11"); // over the weekend and 端午
    check("2024-12-31", 1, "2025-01-02"); // year boundaries
    check("2025-12-31", 1, "2026-01-04"); // onto 元旦's make-up Sunday
    check("2024-12-31", 0, "2024-12-31");
    check("2026-12-30", 1, "2026-12-31");
    check("2024-01-02", 250, "2024-12-31"); // 2024 has 251 working days

    // Against the day-by-day walk, from every day of the three years.
    for from in days("2024-01-01", "2026-12-31") {
        for n in [0, 1, 2, 3, 5, 10, 22, 100, 250, 500] {
            let expected = brute_add(&cal, from, n);
            let got = cal.add_working_days(from, n);
            assert_eq!(got.ok(), expected, "{from} + {n}");
            if expected.is_none() {
                assert_eq!(got, Err(MissingYear(2027)), "{from} + {n}");
            }
        }
    }
}

/// A deadline on a day off moves to the next working day (顺延); on a working day it stays.
#[test]
fn a_deadline_on_a_day_off_is_deferred_to_the_next_working_day() {
    let cal = shipped_calendar();
    for (day, want) in [
        ("2026-09-30", None),               // a Wednesday, worked
        ("2026-10-01", Some("2026-10-08")), // 国庆节: after the holiday, Thursday the 8th
        ("2026-10-10", None),               // a make-up Saturday, worked
        ("2026-10-11", Some("2026-10-12")), // a Sunday
        ("2026-12-31", None),               // worked, as far as 2026's notice says
        ("2025-12-31", None),
    ] {
        assert_eq!(cal.deferred(d(day)), want.map(d), "{day}");
    }
}

#[test]
fn a_year_not_loaded_is_an_error_never_a_guess() {
    let cal = shipped_calendar();
    assert_eq!(cal.day(d("2023-12-31")), Err(MissingYear(2023)));
    assert_eq!(cal.is_working_day(d("2027-01-01")), Err(MissingYear(2027)));
    assert_eq!(cal.working_days_in(2027), Err(MissingYear(2027)));
    assert_eq!(cal.add_working_days(d("2023-06-01"), 0), Err(MissingYear(2023)));
    assert_eq!(cal.add_working_days(d("2026-12-31"), 1), Err(MissingYear(2027)));
    assert_eq!(cal.add_working_days(d("2024-01-02"), 5000), Err(MissingYear(2027)));
    assert_eq!(cal.add_working_days(d("2024-01-02"), u32::MAX), Err(MissingYear(2027)));
    assert_eq!(cal.working_days_between(d("2023-12-31"), d("2024-01-02")), Err(MissingYear(2023)));
    assert_eq!(cal.working_days_between(d("2026-12-31"), d("2027-01-01")), Err(MissingYear(2027)));
    assert_eq!(cal.working_days_between(d("2027-01-01"), d("2026-12-31")), Err(MissingYear(2027)));

    // A gap between loaded years is missing too.
    let gap = Calendar::new(shipped_years().into_iter().filter(|y| y.year != 2025)).unwrap();
    assert_eq!(gap.add_working_days(d("2024-12-31"), 1), Err(MissingYear(2025)));
    assert_eq!(gap.working_days_between(d("2024-12-31"), d("2026-01-05")), Err(MissingYear(2025)));
    assert_eq!(gap.add_working_days(d("2026-01-01"), 0), Ok(d("2026-01-04")));
}

#[test]
fn working_days_between_counts_after_the_first_day_up_to_the_second() {
    let cal = shipped_calendar();
    let check = |a: &str, b: &str, expected: i64| {
        assert_eq!(cal.working_days_between(d(a), d(b)), Ok(expected), "({a}, {b}]");
        assert_eq!(cal.working_days_between(d(b), d(a)), Ok(-expected), "({b}, {a}]");
    };
    check("2024-03-05", "2024-03-05", 0);
    check("2024-03-04", "2024-03-05", 1);
    check("2024-03-08", "2024-03-11", 1); // Friday to Monday
    check("2025-09-30", "2025-10-08", 0); // the whole 国庆节、中秋节 break
    check("2024-12-31", "2025-01-02", 1);
    check("2024-01-01", "2024-12-31", 251);
    check("2024-01-01", "2026-12-31", 251 + 248 + 248);

    // Consistent with add_working_days, and additive, over the three years.
    let some: Vec<_> = days("2024-01-01", "2026-12-31").step_by(11).collect();
    for &a in &some {
        for n in [1, 2, 7, 30, 251, 400] {
            if let Ok(b) = cal.add_working_days(a, n) {
                assert_eq!(cal.working_days_between(a, b), Ok(i64::from(n)), "{a} + {n} = {b}");
                assert_eq!(cal.is_working_day(b), Ok(true), "{b}");
            }
        }
        let n0 = cal.add_working_days(a, 0).unwrap();
        let expected = if cal.is_working_day(a).unwrap() { 0 } else { 1 };
        assert_eq!(cal.working_days_between(a, n0), Ok(expected), "{a} + 0 = {n0}");
        for &b in some.iter().step_by(7) {
            for &c in some.iter().step_by(13) {
                let ab = cal.working_days_between(a, b).unwrap();
                let bc = cal.working_days_between(b, c).unwrap();
                assert_eq!(cal.working_days_between(a, c), Ok(ab + bc), "{a} {b} {c}");
            }
        }
    }
}

#[test]
fn each_year_counts_its_working_days() {
    let cal = shipped_calendar();
    // Mondays to Fridays, minus those off, plus the make-up weekend days: from the tables alone.
    let by_tables = |year: i32| {
        let all = days(&format!("{year}-01-01"), &format!("{year}-12-31"));
        let weekdays = all.filter(|x| !is_weekend(*x)).count();
        let off = OFF.iter().filter(|(from, _, _)| d(from).year() == year).flat_map(|(from, to, _)| days(from, to));
        let weekdays_off = off.filter(|x| !is_weekend(*x)).count();
        let made_up = MADE_UP.iter().filter(|(s, _, _)| d(s).year() == year).count();
        u32::try_from(weekdays - weekdays_off + made_up).unwrap()
    };
    let check = |year: i32, expected: u32| {
        assert_eq!(by_tables(year), expected, "{year} by the tables");
        assert_eq!(cal.working_days_in(year), Ok(expected), "{year}");
        let start = d(&format!("{year}-01-01"));
        let counted = start.iter_days().take_while(|x| x.year() == year);
        let counted = counted.filter(|x| cal.is_working_day(*x).unwrap()).count();
        assert_eq!(counted, expected as usize, "{year} day by day");
    };
    check(2024, 262 - 19 + 8);
    check(2025, 261 - 18 + 5);
    check(2026, 261 - 19 + 6);
}

#[test]
fn a_year_with_a_mistake_is_refused_naming_the_day() {
    let y2026 = || shipped_years().into_iter().find(|y| y.year == 2026).unwrap();
    let check = |change: &dyn Fn(&mut YearSchedule), expected: ScheduleError| {
        let mut y = y2026();
        change(&mut y);
        assert_eq!(y.validate(), Err(expected.clone()), "{expected}");
        assert_eq!(Calendar::new([y]).unwrap_err(), expected);
    };
    let holiday = |name: &str, from: &str, to: &str| Holiday { name: name.into(), from: d(from), to: d(to) };
    let working = |s: &str, name: &str| WorkingWeekend { date: d(s), name: name.into() };

    check(&|y| y.source = " ".into(), ScheduleError::NoSource { year: 2026 });
    check(&|y| y.holidays[0].name = "新年".into(), ScheduleError::UnknownFestival { name: "新年".into() });
    check(
        &|y| y.holidays[6].name = "国庆节、春节".into(),
        ScheduleError::FestivalTwice { year: 2026, festival: "春节" },
    );
    check(
        &|y| y.holidays[0] = holiday("元旦", "2026-01-03", "2026-01-01"),
        ScheduleError::Reversed { name: "元旦".into(), from: d("2026-01-03"), to: d("2026-01-01") },
    );
    check(
        &|y| y.holidays[0] = holiday("元旦", "2025-11-30", "2026-01-02"),
        ScheduleError::OutsideYear { year: 2026, date: d("2025-11-30"), name: "元旦".into() },
    );
    check(
        &|y| y.holidays[0] = holiday("元旦", "2026-12-31", "2027-01-02"),
        ScheduleError::OutsideYear { year: 2026, date: d("2027-01-02"), name: "元旦".into() },
    );
    check(
        &|y| y.working_weekends.push(working("2025-11-29", "元旦")),
        ScheduleError::OutsideYear { year: 2026, date: d("2025-11-29"), name: "元旦".into() },
    );
    check(
        &|y| y.holidays[2] = holiday("清明节", "2026-02-23", "2026-02-24"),
        ScheduleError::Overlap { date: d("2026-02-23"), first: "春节".into(), second: "清明节".into() },
    );
    check(
        &|y| y.working_weekends.push(working("2027-01-02", "元旦")),
        ScheduleError::OutsideYear { year: 2026, date: d("2027-01-02"), name: "元旦".into() },
    );
    check(
        &|y| y.working_weekends.push(working("2026-01-05", "元旦")),
        ScheduleError::NotAWeekend { date: d("2026-01-05"), weekday: Weekday::Mon },
    );
    check(
        &|y| y.working_weekends.push(working("2026-01-04", "元旦")),
        ScheduleError::WorkingTwice { date: d("2026-01-04") },
    );
    check(
        &|y| y.working_weekends.push(working("2026-01-03", "元旦")),
        ScheduleError::OffAndWorking { date: d("2026-01-03"), holiday: "元旦".into() },
    );
    check(
        &|y| y.working_weekends[0].name = "新年".into(),
        ScheduleError::NoSuchHoliday { year: 2026, date: d("2026-01-04"), name: "新年".into() },
    );
    check(
        &|y| y.holidays.retain(|h| h.name != "中秋节" && h.name != "端午节"),
        ScheduleError::Incomplete { year: 2026, missing: vec!["端午节", "中秋节"] },
    );
    // 中秋节 may share its period with 国庆节 (as in 2025).
    let mut merged = y2026();
    merged.holidays.retain(|h| h.name != "中秋节");
    merged.holidays.iter_mut().filter(|h| h.name == "国庆节").for_each(|h| h.name = "国庆节、中秋节".into());
    merged.working_weekends.iter_mut().filter(|w| w.name == "国庆节").for_each(|w| w.name = "国庆节、中秋节".into());
    assert_eq!(merged.validate(), Ok(()));

    let mut cal = shipped_calendar();
    assert_eq!(cal.add_year(y2026()), Err(ScheduleError::DuplicateYear { year: 2026 }));
    let messages = [
        ScheduleError::NotAWeekend { date: d("2026-01-05"), weekday: Weekday::Mon }.to_string(),
        ScheduleError::Incomplete { year: 2026, missing: vec!["端午节", "中秋节"] }.to_string(),
    ];
    assert_eq!(
        messages,
        [
            "2026-01-05 is a Mon: a make-up working day (调休上班) must be a Saturday or Sunday",
            "2026 is incomplete: no holiday period for 端午节、中秋节",
        ]
    );
}

#[test]
fn the_year_to_add_is_this_years_when_missing_and_next_years_from_december() {
    let cal = crate::calendar_data::shipped_calendar(); // 2024–2026
    let check = |today: &str, want: Option<i32>| {
        assert_eq!(next_year_missing(&cal, NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap()), want, "{today}");
    };
    check("2026-11-30", None);
    check("2026-12-01", Some(2027));
    // 1 January with the new year still not loaded: said all year, not only in December.
    check("2027-01-01", Some(2027));
    check("2027-06-15", Some(2027));
    check("2023-12-31", Some(2023));
}

/// A notice reaching into the December before its year (as 2019's did: 元旦 from 30 December
/// 2018, Monday the 31st off, Saturday the 29th worked): those days are the earlier year's,
/// amended once both years are loaded, whichever is loaded first.
#[test]
fn a_notice_may_set_days_of_the_december_before_its_year() {
    // A 2027 as a notice might have it: 元旦 Thursday 31 December 2026 to Saturday 2 January,
    // Sunday 27 December 2026 worked.
    let text = crate::calendar_data::parse_year(
        r#"
year = 2027
source = "测试用日历（非官方安排，仅供测试）"
working_weekends = [{ date = "2026-12-27", name = "元旦" }]
holidays = [
  { name = "元旦", from = "2026-12-31", to = "2027-01-02" },
  { name = "春节", from = "2027-02-06", to = "2027-02-14" },
  { name = "清明节", from = "2027-04-05", to = "2027-04-05" },
  { name = "劳动节", from = "2027-05-01", to = "2027-05-05" },
  { name = "端午节", from = "2027-06-09", to = "2027-06-09" },
  { name = "中秋节", from = "2027-09-15", to = "2027-09-15" },
  { name = "国庆节", from = "2027-10-01", to = "2027-10-07" },
]
"#,
    )
    .unwrap();
    let without = shipped_calendar();
    assert_eq!(without.day(d("2026-12-31")), Ok(DayInfo { working: true, name: None }));
    assert_eq!(without.day(d("2026-12-27")), Ok(DayInfo { working: false, name: None }));
    let mut after = shipped_calendar();
    after.add_year(text.clone()).unwrap();
    let before_first = Calendar::new(shipped_years().into_iter().rev().chain([text.clone()]).rev()).unwrap();
    for cal in [&after, &before_first] {
        assert_eq!(cal.years().map(|y| y.year).collect::<Vec<_>>(), [2024, 2025, 2026, 2027]);
        assert_eq!(cal.day(d("2026-12-31")), Ok(DayInfo { working: false, name: Some("元旦") }));
        assert_eq!(cal.day(d("2026-12-27")), Ok(DayInfo { working: true, name: Some("元旦") }));
        assert_eq!(cal.day(d("2027-01-01")), Ok(DayInfo { working: false, name: Some("元旦") }));
        // One day off, one worked: 2026 keeps its 248 working days.
        assert_eq!(cal.working_days_in(2026), Ok(248));
        // From Wednesday 30 December: Monday 4 January is the next working day.
        assert_eq!(cal.add_working_days(d("2026-12-30"), 1), Ok(d("2027-01-04")));
        assert_eq!(cal.add_working_days(d("2026-12-25"), 1), Ok(d("2026-12-27")));
        assert_eq!(cal.working_days_between(d("2026-12-25"), d("2027-01-04")), Ok(5));
    }
    assert_eq!(shipped_calendar().amended_by(&text), [d("2026-12-27"), d("2026-12-31")]);

    // Only 元旦 starts before its year, every period ends in it, and a day is one notice's.
    let check = |change: &dyn Fn(&mut YearSchedule), expected: ScheduleError| {
        let mut y = text.clone();
        change(&mut y);
        assert_eq!(y.validate(), Err(expected.clone()), "{expected}");
    };
    let moved = |y: &mut YearSchedule, name: &str, from: &str, to: &str| {
        let h = y.holidays.iter_mut().find(|h| h.name == name).unwrap();
        (h.from, h.to) = (d(from), d(to));
    };
    check(
        &|y| moved(y, "春节", "2026-12-15", "2027-02-14"),
        ScheduleError::OutsideYear { year: 2027, date: d("2026-12-15"), name: "春节".into() },
    );
    check(
        &|y| moved(y, "元旦", "2026-12-31", "2026-12-31"),
        ScheduleError::OutsideYear { year: 2027, date: d("2026-12-31"), name: "元旦".into() },
    );
    check(
        &|y| y.working_weekends.push(WorkingWeekend { date: d("2026-12-20"), name: "春节".into() }),
        ScheduleError::OutsideYear { year: 2027, date: d("2026-12-20"), name: "春节".into() },
    );
    let mut own = shipped_years().into_iter().find(|y| y.year == 2026).unwrap();
    own.working_weekends.push(WorkingWeekend { date: d("2026-12-27"), name: "元旦".into() });
    assert_eq!(own.validate(), Ok(()));
    let clash = ScheduleError::SetByBoth {
        date: d("2026-12-27"),
        earlier: 2026,
        later: 2027,
        first: "元旦".into(),
        second: "元旦".into(),
    };
    let others = || shipped_years().into_iter().filter(|y| y.year != 2026);
    assert_eq!(Calendar::new(others().chain([own.clone(), text.clone()])).unwrap_err(), clash);
    assert_eq!(Calendar::new(others().chain([text.clone(), own.clone()])).unwrap_err(), clash);
}
