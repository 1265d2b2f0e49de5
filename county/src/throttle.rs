//! Slows down guessing a county account's password, as the halls do: after three failures for
//! a username from one address, each further try from there waits twice as long as the last
//! (1 s, 2 s, 4 s … up to 5 minutes); a right password clears it. Keyed by address too, so that
//! a guesser elsewhere cannot lock the county's own staff out.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const FREE_TRIES: u32 = 3;
const MAX_WAIT: Duration = Duration::from_secs(300);

/// A username from an address (none: a caller without one, in tests).
type Caller = (String, Option<IpAddr>);

#[derive(Default)]
pub struct Throttle {
    /// Failed tries and when the last was.
    failures: Mutex<HashMap<Caller, (u32, Instant)>>,
}

/// The wait after `failures` failed tries: none for the first three, then 1 s, doubling.
fn backoff(failures: u32) -> Duration {
    match failures.checked_sub(FREE_TRIES) {
        None => Duration::ZERO,
        Some(n) => Duration::from_secs(1u64 << n.min(9)).min(MAX_WAIT),
    }
}

impl Throttle {
    /// Starts a try: `Err(seconds to wait)` while a back-off runs; otherwise counted as a
    /// failure at once (many guesses sent together are all counted), cleared by `succeeded`.
    pub fn attempt(&self, username: &str, address: Option<IpAddr>, now: Instant) -> Result<(), u64> {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 10_000 {
            map.retain(|_, (_, last)| now.duration_since(*last) < MAX_WAIT);
        }
        let e = map.entry((username.to_string(), address)).or_insert((0, now));
        let until = e.1 + backoff(e.0);
        if e.0 > 0 && until > now {
            return Err((until - now).as_secs_f64().ceil().max(1.0) as u64);
        }
        e.0 += 1;
        e.1 = now;
        Ok(())
    }

    pub fn succeeded(&self, username: &str, address: Option<IpAddr>) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(&(username.to_string(), address));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_free_tries_then_waits_that_double_per_address() {
        let t = Throttle::default();
        let (a, b) = (Some("10.0.0.5".parse().unwrap()), Some("10.0.0.9".parse().unwrap()));
        let now = Instant::now();
        for _ in 0..3 {
            assert_eq!(t.attempt("county", a, now), Ok(()));
        }
        assert_eq!(t.attempt("county", a, now), Err(1), "the fourth waits 1 s");
        assert_eq!(t.attempt("county", b, now), Ok(()), "another address is not locked out");
        let later = now + Duration::from_secs(1);
        assert_eq!(t.attempt("county", a, later), Ok(()));
        assert_eq!(t.attempt("county", a, later), Err(2), "then 2 s");
        t.succeeded("county", a);
        assert_eq!(t.attempt("county", a, later), Ok(()), "a right password clears it");
        assert_eq!(backoff(100), MAX_WAIT);
    }
}
