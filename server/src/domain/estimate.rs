//! Estimated waits from recent service times, on the clock of the hall's day.

use chrono::NaiveTime;

use super::hours::Period;

/// Mean minutes of recent services, or the queue's configured typical minutes when the day
/// has no history yet. `recent` holds service durations in seconds, newest first.
pub fn service_minutes(recent: &[i64], typical_minutes: u32) -> f64 {
    let valid: Vec<i64> = recent.iter().copied().filter(|s| *s > 0).collect();
    if valid.is_empty() {
        return typical_minutes as f64;
    }
    let mean = valid.iter().sum::<i64>() as f64 / valid.len() as f64 / 60.0;
    mean.max(0.5)
}

/// Minutes until a citizen with `ahead` people before them is called, with `windows` open
/// windows serving the queue (at least one is assumed, so a closed hall still gets an answer).
pub fn wait_minutes(ahead: u32, minutes_per_citizen: f64, windows: u32) -> u32 {
    let windows = windows.max(1) as f64;
    (ahead as f64 * minutes_per_citizen / windows).ceil() as u32
}

/// Whether `now` falls in none of the day's periods but before one of them (before opening, in
/// the lunch break): windows paused for it will serve again when it ends.
pub fn between_periods(now: NaiveTime, periods: &[Period]) -> bool {
    !periods.iter().any(|p| p.start <= now && now < p.end) && periods.iter().any(|p| now < p.start)
}

/// Minutes on the clock from `now` until `work` minutes of service have been given over the
/// day's `periods`: the time before the next period (the lunch break, before opening) passes
/// without service; past the last period the service goes on until it is done, as the hall
/// serves everyone who waits.
pub fn on_the_clock(now: NaiveTime, work: u32, periods: &[Period]) -> u32 {
    let mut left = i64::from(work) * 60;
    let mut at = now;
    for p in periods.iter().filter(|p| p.end > now) {
        let start = at.max(p.start);
        let here = (p.end - start).num_seconds();
        if left <= here {
            at = start + chrono::Duration::seconds(left);
            left = 0;
            break;
        }
        left -= here;
        at = p.end;
    }
    let seconds = (at - now).num_seconds() + left;
    (seconds as f64 / 60.0).ceil() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_minutes_from_history_or_typical() {
        let check = |recent: &[i64], typical, expected: f64| assert_eq!(service_minutes(recent, typical), expected);
        check(&[], 8, 8.0);
        check(&[600, 300], 8, 7.5);
        check(&[0, -5], 6, 6.0);
        check(&[6], 6, 0.5);
    }

    #[test]
    fn the_lunch_break_and_the_opening_are_waited_through() {
        let t = |s: &str| NaiveTime::parse_from_str(s, "%H:%M").unwrap();
        let day = [Period { start: t("08:30"), end: t("12:00") }, Period { start: t("14:00"), end: t("17:30") }];
        let check = |now: &str, work: u32, expected: u32| {
            assert_eq!(on_the_clock(t(now), work, &day), expected, "{now} +{work}")
        };
        check("09:00", 30, 30);
        check("11:45", 15, 15);
        check("11:45", 80, 80 + 120);
        check("12:30", 10, 90 + 10);
        check("07:30", 10, 60 + 10);
        check("17:20", 30, 30); // after the last period: served until done
        check("18:00", 5, 5);
        check("11:45", 0, 0);
        assert_eq!(on_the_clock(t("11:45"), 80, &[]), 80, "no hours today (reopened): the service alone");
        // (now, between two periods or before the first?)
        for (now, between) in [
            ("07:00", true),
            ("08:30", false),
            ("11:59", false),
            ("12:00", true),
            ("13:59", true),
            ("14:00", false),
            ("17:30", false),
            ("20:00", false),
        ] {
            assert_eq!(between_periods(t(now), &day), between, "{now}");
        }
        assert!(!between_periods(t("10:00"), &[]));
    }

    #[test]
    fn waits_split_across_open_windows() {
        let check = |ahead, per, windows, expected| assert_eq!(wait_minutes(ahead, per, windows), expected);
        check(0, 10.0, 1, 0);
        check(3, 10.0, 1, 30);
        check(3, 10.0, 2, 15);
        check(1, 7.5, 2, 4);
        check(4, 5.0, 0, 20);
    }
}
