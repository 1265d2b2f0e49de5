//! Appointments (预约): the 居民身份证号's check digit (GB 11643), masking of a citizen's data,
//! the mainland mobile check, a matter's bookable days and slots, the check-in window, the
//! per-person limits and the no-show suspension. Pure: the day and the time are arguments.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::calendar::Calendar;
use super::hours::{Hours, Period};

/// A matter's booking configuration (`[matters.booking]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatterBooking {
    pub slot_minutes: u32,
    pub slot_capacity: u32,
    /// Bookable days ahead (the days the hall issues tickets) (today counts when slots are left today).
    pub days_ahead: u32,
}

/// The hall's booking rules (`[booking]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Check-in allowed from this long before the slot's start.
    pub early_minutes: u32,
    /// After the slot's start, still on time for this long.
    pub grace_minutes: u32,
    /// Live bookings a person may hold for one day across the hall.
    pub per_person_per_day: u32,
    /// Missed bookings in 30 days that suspend a person's booking for 30 days.
    pub no_show_limit: u32,
    /// Days after the booking day a citizen's data is kept.
    pub keep_days: u32,
    /// The ticket's page alerts when this many people are ahead.
    pub turn_soon_ahead: u32,
    /// Live walk-in tickets per matter per day for one identity number.
    pub tickets_per_person_per_matter: u32,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            early_minutes: 30,
            grace_minutes: 15,
            per_person_per_day: 2,
            no_show_limit: 3,
            keep_days: 90,
            turn_soon_ahead: 3,
            tickets_per_person_per_matter: 1,
        }
    }
}

/// Days of the no-show window and of the suspension.
pub const SUSPENSION_DAYS: i64 = 30;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// A 居民身份证号 checked by GB 11643: 18 characters, 17 digits (a real birth date in 7–14)
/// and the check character (a digit or X, lowercase x accepted). Returns it normalised (X
/// upper case, spaces around it removed).
pub fn check_id_number(raw: &str) -> Option<String> {
    let s = raw.trim().to_ascii_uppercase();
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 18 || !chars[..17].iter().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = chars[..17].iter().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
    if chars[17] != CHECK[(sum % 11) as usize] {
        return None;
    }
    let birth = NaiveDate::parse_from_str(&s[6..14], "%Y%m%d").ok()?;
    (birth.year() >= 1900).then_some(s)
}

/// `110***********123X`: the first 3 and the last 4 characters.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// `138****5678`.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// `张*` (`张**` for three characters): the family name only.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count().max(1))),
        None => String::new(),
    }
}

/// A mainland mobile number: 11 digits, `1[3-9]…`.
pub fn valid_mobile(phone: &str) -> bool {
    let b = phone.as_bytes();
    b.len() == 11 && b.iter().all(u8::is_ascii_digit) && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

/// A citizen's name on a booking: 1 to 50 characters, no control characters.
pub fn valid_name(name: &str) -> bool {
    let n = name.trim();
    !n.is_empty() && n.chars().count() <= 50 && !n.chars().any(char::is_control)
}

/// The slots of a matter on a day: `slot_minutes` long, wholly inside the stretches in which
/// its tickets are issued that day ([`super::hours::issuing_periods`]: the hall's periods on the
/// calendar, the last one shortened by the cut-off, the lunch break the gap between two, cut
/// to the matter's own hours).
pub fn slots(
    hours: &Hours,
    calendar: &Calendar,
    own: Option<Period>,
    booking: MatterBooking,
    day: NaiveDate,
) -> Vec<Period> {
    let len = Duration::minutes(booking.slot_minutes.max(1).into());
    let mut out = Vec::new();
    for p in super::hours::issuing_periods(hours, calendar, own, day) {
        let mut start = p.start;
        loop {
            let (end, wrapped) = start.overflowing_add_signed(len);
            if wrapped != 0 || end > p.end || end <= start {
                break;
            }
            out.push(Period { start, end });
            start = end;
        }
    }
    out
}

/// Bookings overlapping the slot `[start, end)` (times as `HH:MM`, or any ordered form): a
/// booking on the slot's grid is the slot's; one made on an earlier grid (before the slot length
/// or the hours changed) counts in every slot it overlaps, so no slot is overbooked.
pub fn overlapping<T: Ord>(start: &T, end: &T, booked: &[(T, T)]) -> u32 {
    booked.iter().filter(|(s, e)| s < end && e > start).count() as u32
}

/// Places left in a slot: its capacity less its bookings, and never more than the matter's
/// daily quota leaves (`used_today`: booked places of the day, plus walk-in tickets when the
/// day is today).
pub fn places_left(capacity: u32, booked_in_slot: u32, quota: Option<u32>, used_today: u32) -> u32 {
    let by_slot = capacity.saturating_sub(booked_in_slot);
    match quota {
        Some(q) => by_slot.min(q.saturating_sub(used_today)),
        None => by_slot,
    }
}

/// The days a matter is booked on: from `today`, the next `days_ahead` days on which the matter
/// has slots — the days the hall issues tickets, by its hours on the calendar (a holiday has
/// none, a 调休 Saturday a working day's, a plain Saturday the hall opens its own, whether its
/// year is loaded or not). Today is one of them only while a slot of it is still to start
/// after `now`.
pub fn bookable_days(
    hours: &Hours,
    calendar: &Calendar,
    own: Option<Period>,
    booking: MatterBooking,
    now: NaiveDateTime,
) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut day = now.date();
    // A year without opening days would loop forever: look at most a year ahead.
    for _ in 0..366 {
        if out.len() >= booking.days_ahead as usize {
            break;
        }
        let slots = slots(hours, calendar, own, booking, day);
        let later = if day == now.date() { slots.iter().any(|s| s.start > now.time()) } else { !slots.is_empty() };
        if later {
            out.push(day);
        }
        day += Duration::days(1);
    }
    out
}

/// The slot of `slots` starting at `start`.
pub fn find_slot(slots: &[Period], start: NaiveTime) -> Option<Period> {
    slots.iter().copied().find(|s| s.start == start)
}

/// A citizen checking in for a slot, by the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// Before `from`: come back then.
    TooEarly { from: NaiveDateTime },
    /// Within [start − early, start + grace]: a booked ticket, called ahead of walk-ins.
    OnTime,
    /// After the grace: an ordinary ticket.
    Late,
}

pub fn arrival(slot_start: NaiveDateTime, now: NaiveDateTime, rules: &Rules) -> Arrival {
    let from = slot_start - Duration::minutes(rules.early_minutes.into());
    let until = slot_start + Duration::minutes(rules.grace_minutes.into());
    if now < from {
        Arrival::TooEarly { from }
    } else if now <= until {
        Arrival::OnTime
    } else {
        Arrival::Late
    }
}

/// Which of a person's live bookings of today (their slots' starts, in slot order) a check-in
/// by identity number is for: the first whose check-in is open now, else the one whose slot is
/// nearest now (missed: an ordinary ticket for it; not yet open: its check-in time is told) —
/// at 13:10 a citizen booked 08:30 and 14:00 has come for the afternoon's matter, not the
/// morning's missed one.
pub fn today_to_check_in(slots: &[NaiveDateTime], now: NaiveDateTime, rules: &Rules) -> Option<usize> {
    if let Some(i) = slots.iter().position(|s| arrival(*s, now, rules) == Arrival::OnTime) {
        return Some(i);
    }
    (0..slots.len()).min_by_key(|&i| (slots[i] - now).num_seconds().abs())
}

/// Why a person may not book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A live booking of the same matter (any day).
    SameMatter,
    /// `per_person_per_day` live bookings that day.
    DayFull,
    /// N missed bookings in 30 days: no booking until this day (exclusive).
    Suspended { until: NaiveDate },
}

/// What is known of a person when they book.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    pub live_same_matter: u32,
    pub live_that_day: u32,
    /// Days of the person's missed bookings, any order.
    pub missed: Vec<NaiveDate>,
}

/// Until when (exclusive) a person's booking is suspended on `today`: after `limit` missed
/// bookings within 30 days, 30 days from the last of them.
pub fn suspended_until(missed: &[NaiveDate], today: NaiveDate, limit: u32) -> Option<NaiveDate> {
    if limit == 0 {
        return None;
    }
    let mut days = missed.to_vec();
    days.sort();
    let limit = limit as usize;
    days.windows(limit)
        .filter(|w| (w[limit - 1] - w[0]).num_days() < SUSPENSION_DAYS)
        .map(|w| w[limit - 1] + Duration::days(SUSPENSION_DAYS))
        .max()
        .filter(|until| *until > today)
}

pub fn may_book(person: &Person, today: NaiveDate, rules: &Rules) -> Result<(), Refusal> {
    if let Some(until) = suspended_until(&person.missed, today, rules.no_show_limit) {
        return Err(Refusal::Suspended { until });
    }
    if person.live_same_matter > 0 {
        return Err(Refusal::SameMatter);
    }
    if person.live_that_day >= rules.per_person_per_day {
        return Err(Refusal::DayFull);
    }
    Ok(())
}

/// The 8-digit booking code from a random number (the code is the booking's secret: the
/// caller draws it from a good random source and retries on a clash).
pub fn code_from(random: u64) -> String {
    format!("{:08}", random % 100_000_000)
}

/// The 8-digit code at the end of scanned or typed text (a QR code holds `…/book/12345678`).
pub fn code_in(text: &str) -> Option<String> {
    let t = text.trim().trim_end_matches('/');
    let tail: String = t.chars().rev().take_while(char::is_ascii_digit).collect();
    (tail.len() == 8).then(|| tail.chars().rev().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }
    fn d(day: u32) -> NaiveDate {
        // December 2026: the 7th is a Monday, the 12th a Saturday.
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap()
    }
    fn hall() -> Hours {
        let week = vec![Period::parse("08:30-12:00").unwrap(), Period::parse("14:00-17:00").unwrap()];
        let mut days: [Vec<Period>; 7] = std::array::from_fn(|_| week.clone());
        days[5] = vec![];
        days[6] = vec![];
        Hours { days, cut_off_minutes: 30, priority_exempt: false, any_time: false }
    }
    fn shipped_calendar() -> Calendar {
        crate::calendar_data::shipped_calendar()
    }
    const B30: MatterBooking = MatterBooking { slot_minutes: 30, slot_capacity: 2, days_ahead: 3 };

    #[test]
    fn identity_numbers_by_their_check_digit() {
        let check = |id: &str, ok: Option<&str>| assert_eq!(check_id_number(id).as_deref(), ok, "{id}");
        check("11010519491231002X", Some("11010519491231002X"));
        check("11010519491231002x", Some("11010519491231002X"));
        check(" 110105194912310021 ", None); // wrong check digit
        check("11010119900307803X", Some("11010119900307803X"));
        check("110101199003071233", Some("110101199003071233"));
        check("320106198512034015", Some("320106198512034015"));
        check("110101199003078034", None);
        check("110101199003071234", None);
        check("440524188001010014", None); // right check digit, born 1880

        check("11010519491331002X", None); // month 13
        check("1101051949123100", None); // short
        check("11010519491231002XX", None);
        check("1101051949123100AX", None);
        check("", None);
        // Every last character but the right one fails.
        for c in "0123456789X".chars().filter(|&c| c != 'X') {
            check(&format!("11010519491231002{c}"), None);
        }
    }

    #[test]
    fn masks_keep_only_what_identifies_nobody() {
        assert_eq!(mask_id("11010519491231002X"), "110***********002X");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name("张"), "张*");
    }

    #[test]
    fn mainland_mobiles_only() {
        for ok in ["13812345678", "19900000000", "15000000000"] {
            assert!(valid_mobile(ok), "{ok}");
        }
        for bad in ["12812345678", "1381234567", "138123456789", "0571-8888888", "1381234567a", ""] {
            assert!(!valid_mobile(bad), "{bad}");
        }
    }

    #[test]
    fn slots_fit_the_hours_lunch_cut_off_and_own_hours() {
        let starts = |own: Option<Period>, day| -> Vec<String> {
            slots(&hall(), &shipped_calendar(), own, B30, day)
                .iter()
                .map(|p| p.start.format("%H:%M").to_string())
                .collect()
        };
        let monday = starts(None, d(7));
        assert_eq!(monday.first().map(String::as_str), Some("08:30"));
        assert!(monday.contains(&"11:30".to_string()));
        assert!(!monday.contains(&"12:00".to_string()), "lunch excluded");
        assert!(monday.contains(&"14:00".to_string()));
        assert_eq!(monday.last().map(String::as_str), Some("16:00"), "16:30 is the cut-off");
        assert_eq!(monday.len(), 7 + 5);
        assert!(starts(None, d(12)).is_empty(), "Saturday closed");
        assert_eq!(starts(Period::parse("09:00-10:45"), d(7)), ["09:00", "09:30", "10:00"]);
    }

    #[test]
    fn a_slot_counts_the_bookings_overlapping_it() {
        // Bookings of 20-minute slots (09:10, 09:10, 09:50) after the slots became 45 minutes.
        let booked =
            [("09:10", "09:30"), ("09:10", "09:30"), ("09:50", "10:10")].map(|(s, e)| (s.to_string(), e.to_string()));
        let check = |start: &str, end: &str, want| {
            assert_eq!(overlapping(&start.into(), &end.into(), &booked), want, "{start}")
        };
        check("08:30", "09:15", 2);
        check("09:15", "10:00", 3);
        check("10:00", "10:45", 1);
        check("10:45", "11:30", 0);
        check("09:30", "09:50", 0); // ends where one starts, starts where one ends
        check("09:10", "09:30", 2); // the same grid: its own bookings
    }

    #[test]
    fn places_left_by_capacity_and_quota() {
        let check = |cap, booked, quota, used, left| assert_eq!(places_left(cap, booked, quota, used), left);
        check(2, 0, None, 0, 2);
        check(2, 1, None, 40, 1);
        check(2, 2, None, 0, 0); // slot full
        check(2, 0, Some(10), 9, 1);
        check(2, 0, Some(10), 10, 0); // quota full
        check(2, 0, Some(10), 12, 0);
    }

    #[test]
    fn bookable_days_skip_holidays_weekends_and_a_finished_today() {
        let calendar = shipped_calendar();
        let on = |m: u32, day: u32| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let check = |now: NaiveDateTime, expected: &[NaiveDate]| {
            assert_eq!(bookable_days(&hall(), &calendar, None, B30, now), expected, "{now}");
        };
        let at = |day: NaiveDate, time: &str| day.and_time(t(time));
        check(at(d(7), "09:00"), &[d(7), d(8), d(9)]);
        check(at(d(7), "16:00"), &[d(8), d(9), d(10)]); // today's last slot started
        check(at(d(11), "08:00"), &[d(11), d(14), d(15)]); // over the weekend
                                                           // 国庆节 (10-01..07) is skipped; Saturday 10-10 is a make-up working day, with slots
                                                           // although the hall keeps no Saturday hours.
        check(at(on(9, 30), "16:00"), &[on(10, 8), on(10, 9), on(10, 10)]);
        let saturday = slots(&hall(), &calendar, None, B30, on(10, 10));
        assert_eq!((saturday.len(), saturday[0].start), (12, t("08:30")), "a weekday's slots");
        assert!(slots(&hall(), &calendar, None, B30, on(10, 1)).is_empty(), "a holiday has none");
        // No calendar year loaded (2040): the hall's hours decide. 2040-10-05 is a Friday.
        let friday = NaiveDate::from_ymd_opt(2040, 10, 5).unwrap();
        assert_eq!(
            bookable_days(&hall(), &calendar, None, B30, at(friday, "17:00")),
            [8, 9, 10].map(|x| NaiveDate::from_ymd_opt(2040, 10, x).unwrap())
        );
    }

    #[test]
    fn a_saturday_the_hall_opens_is_booked_whether_its_year_is_loaded_or_not() {
        let calendar = shipped_calendar();
        let mut saturdays = hall();
        saturdays.days[5] = vec![Period::parse("09:00-12:00").unwrap()];
        let on = |y: i32, m: u32, day: u32| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        // (now: a Friday at 08:00, the next three days with slots). 2026 is loaded, 2040 is not.
        for (friday, expected) in [
            (on(2026, 12, 11), [on(2026, 12, 11), on(2026, 12, 12), on(2026, 12, 14)]),
            (on(2040, 10, 5), [on(2040, 10, 5), on(2040, 10, 6), on(2040, 10, 8)]),
            // 国庆: Saturday 3 October is a holiday (no slots), Saturday 10 October a 调休 day.
            (on(2026, 10, 2), [on(2026, 10, 8), on(2026, 10, 9), on(2026, 10, 10)]),
        ] {
            let now = friday.and_time(t("08:00"));
            assert_eq!(bookable_days(&saturdays, &calendar, None, B30, now), expected, "{friday}");
        }
        let saturday = slots(&saturdays, &calendar, None, B30, on(2026, 12, 12));
        assert_eq!((saturday.len(), saturday[0].start), (5, t("09:00")), "the Saturday's own hours, cut off at 11:30");
    }

    /// `check()`: a check-in at `now` for a slot at 10:00 (early 30, grace 15).
    #[test]
    fn check_in_early_on_time_late() {
        let rules = Rules::default();
        let slot = d(7).and_time(t("10:00"));
        let check = |now: &str, expected: Arrival| assert_eq!(arrival(slot, d(7).and_time(t(now)), &rules), expected);
        check("09:29", Arrival::TooEarly { from: d(7).and_time(t("09:30")) });
        check("09:30", Arrival::OnTime);
        check("10:00", Arrival::OnTime);
        check("10:15", Arrival::OnTime);
        check("10:16", Arrival::Late);
    }

    /// A person booked 09:00 and 14:00 today and checks in by identity number.
    #[test]
    fn a_check_in_by_identity_takes_the_booking_whose_time_it_is() {
        let rules = Rules::default();
        let slots = [d(7).and_time(t("09:00")), d(7).and_time(t("14:00"))];
        for (now, expected) in [
            ("08:00", Some(0)), // both too early: the next to open (told when)
            ("09:10", Some(0)), // on time for the morning
            ("11:00", Some(0)), // the morning missed, nearer than the afternoon: late for the morning
            ("13:10", Some(1)), // come for the afternoon (told when it opens), not the missed morning
            ("13:45", Some(1)), // the afternoon's check-in is open: not the missed morning
            ("14:20", Some(1)), // both missed: the nearest, as an ordinary ticket
        ] {
            assert_eq!(today_to_check_in(&slots, d(7).and_time(t(now)), &rules), expected, "{now}");
        }
        assert_eq!(today_to_check_in(&[], d(7).and_time(t("09:00")), &rules), None);
    }

    #[test]
    fn person_limits_and_the_no_show_suspension() {
        let rules = Rules::default();
        let check = |p: Person, today: u32, expected: Result<(), Refusal>| {
            assert_eq!(may_book(&p, d(today), &rules), expected, "{p:?}");
        };
        check(Person::default(), 7, Ok(()));
        check(Person { live_same_matter: 1, ..Default::default() }, 7, Err(Refusal::SameMatter));
        check(Person { live_that_day: 2, ..Default::default() }, 7, Err(Refusal::DayFull));
        check(Person { live_that_day: 1, ..Default::default() }, 7, Ok(()));
        let nov = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        // Two misses: fine. Three within 30 days: 30 days from the third.
        check(Person { missed: vec![nov(20), nov(25)], ..Default::default() }, 7, Ok(()));
        let three = vec![nov(25), nov(10), d(1)];
        check(Person { missed: three.clone(), ..Default::default() }, 7, Err(Refusal::Suspended { until: d(31) }));
        assert_eq!(suspended_until(&three, d(31), 3), None, "over on the 31st");
        // Three misses spread over more than 30 days do not suspend.
        check(Person { missed: vec![nov(1), nov(20), d(2)], ..Default::default() }, 7, Ok(()));
    }

    #[test]
    fn codes_are_eight_digits_found_at_the_end_of_scanned_text() {
        assert_eq!(code_from(42), "00000042");
        assert_eq!(code_from(1_234_567_890), "34567890");
        assert_eq!(code_in("https://hall.example/book/12345678").as_deref(), Some("12345678"));
        assert_eq!(code_in(" 12345678\n").as_deref(), Some("12345678"));
        assert_eq!(code_in("/book/1234567"), None);
        assert_eq!(code_in("11010519491231002X"), None);
        assert_eq!(code_in("110105194912310021"), None);
    }
}
