//! Ticket numbers: a queue prefix and a daily sequence, restarting at local midnight.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// The hall's local day of an instant; numbering restarts when it changes.
pub fn local_day(now: DateTime<Utc>, tz: Tz) -> NaiveDate {
    now.with_timezone(&tz).date_naive()
}

/// `A` + 7 -> `A007`; past 999 the number simply grows (`A1000`).
pub fn ticket_number(prefix: char, seq: u32) -> String {
    format!("{prefix}{seq:03}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn numbers_are_prefix_and_zero_padded_sequence() {
        let check = |prefix, seq, expected: &str| assert_eq!(ticket_number(prefix, seq), expected);
        check('A', 1, "A001");
        check('B', 12, "B012");
        check('C', 999, "C999");
        check('D', 1000, "D1000");
    }

    #[test]
    fn the_day_turns_at_shanghai_midnight_not_utc() {
        let tz = chrono_tz::Asia::Shanghai;
        let check = |utc: DateTime<Utc>, expected: (i32, u32, u32)| {
            let d = local_day(utc, tz);
            assert_eq!(d, NaiveDate::from_ymd_opt(expected.0, expected.1, expected.2).unwrap());
        };
        check(Utc.with_ymd_and_hms(2026, 11, 25, 15, 59, 59).unwrap(), (2026, 11, 25));
        check(Utc.with_ymd_and_hms(2026, 11, 25, 16, 0, 0).unwrap(), (2026, 11, 26));
        check(Utc.with_ymd_and_hms(2026, 12, 31, 16, 0, 0).unwrap(), (2027, 1, 1));
    }
}
