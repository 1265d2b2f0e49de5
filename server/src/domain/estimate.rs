//! Estimated waits from recent service times.

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
    fn waits_split_across_open_windows() {
        let check = |ahead, per, windows, expected| assert_eq!(wait_minutes(ahead, per, windows), expected);
        check(0, 10.0, 1, 0);
        check(3, 10.0, 1, 30);
        check(3, 10.0, 2, 15);
        check(1, 7.5, 2, 4);
        check(4, 5.0, 0, 20);
    }
}
