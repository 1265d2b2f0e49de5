//! Credentials: session tokens, password hashes, and the brakes on guessing and flooding.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new random session token (256 bits).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A ticket's status-page secret, 32 lowercase hex digits: the issue time in milliseconds (12
/// digits) then 80 random bits. The time first keeps the token index growing at its right
/// edge, so that issuing does not write a random page of an ever larger index (its cost grew
/// with the number of tickets); the 80 random bits keep it unguessable.
pub fn new_status_token(now_ms: i64) -> String {
    let mut bytes = [0u8; 10];
    rand::rng().fill_bytes(&mut bytes);
    format!("{:012x}{}", now_ms.clamp(0, 0xffff_ffff_ffff), hex::encode(bytes))
}

/// Whether `s` has the form of a status-page token (what [`new_status_token`] makes).
pub fn is_status_token(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Tokens are stored and compared only as their SHA-256.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

/// The hash an unknown username is checked against, so that it costs a full argon2 check like
/// a known one (a hash that does not parse would be refused at once, telling names apart).
/// Made once, with the same parameters as `hash-password`, of a password nobody knows.
pub fn unknown_user_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        let secret: [u8; 24] = rand::random();
        hash_password(&hex::encode(secret)).expect("argon2 with default parameters works")
    })
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
}

/// Slows down guessing: after `FREE_TRIES` failures for a username, each further try must
/// wait twice as long as the last (1 s, 2 s, 4 s … up to 5 minutes). A success clears it.
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

const FREE_TRIES: u32 = 3;
const MAX_WAIT: Duration = Duration::from_secs(300);

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle { failures: Mutex::new(HashMap::new()) }
    }
}

impl LoginThrottle {
    /// Seconds to wait before another try is accepted, if any.
    pub fn wait(&self, username: &str, now: Instant) -> Option<u64> {
        let map = self.failures.lock().unwrap();
        let (count, last) = *map.get(username)?;
        let until = last + backoff(count);
        (until > now).then(|| (until - now).as_secs_f64().ceil() as u64)
    }

    /// Starts a try: refused (seconds to wait) while the back-off runs; otherwise counted as a
    /// failure at once, in the same lock, so that many guesses sent together are all counted.
    /// A right password then clears it with [`LoginThrottle::succeeded`].
    pub fn attempt(&self, username: &str, now: Instant) -> Option<u64> {
        let mut map = self.failures.lock().unwrap();
        if let Some(&(count, last)) = map.get(username) {
            let until = last + backoff(count);
            if until > now {
                return Some((until - now).as_secs_f64().ceil() as u64);
            }
        }
        Self::record(&mut map, username, now);
        None
    }

    pub fn failed(&self, username: &str, now: Instant) {
        Self::record(&mut self.failures.lock().unwrap(), username, now);
    }

    fn record(map: &mut HashMap<String, (u32, Instant)>, username: &str, now: Instant) {
        if map.len() > 100_000 {
            // A flood of made-up names must not eat memory: forget the quiet ones only.
            map.retain(|_, (_, last)| now.duration_since(*last) < MAX_WAIT);
        }
        let e = map.entry(username.to_string()).or_insert((0, now));
        e.0 += 1;
        e.1 = now;
    }

    pub fn succeeded(&self, username: &str) {
        self.failures.lock().unwrap().remove(username);
    }
}

fn backoff(failures: u32) -> Duration {
    if failures < FREE_TRIES {
        return Duration::ZERO;
    }
    let exp = (failures - FREE_TRIES).min(16);
    Duration::from_secs(1u64 << exp).min(MAX_WAIT)
}

/// Tickets per minute per kiosk device.
pub struct KioskLimiter(Option<DefaultKeyedRateLimiter<String>>);

impl KioskLimiter {
    /// `per_minute == 0` means no cap.
    pub fn new(per_minute: u32) -> Self {
        KioskLimiter(NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n))))
    }

    /// `Err(seconds)` when the device must wait.
    pub fn check(&self, device: &str) -> Result<(), u64> {
        let Some(limiter) = &self.0 else {
            return Ok(());
        };
        limiter.check_key(&device.to_string()).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()));
            wait.as_secs_f64().ceil().max(1.0) as u64
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_with_the_right_one() {
        let h = hash_password("s3cret").unwrap();
        assert!(verify_password("s3cret", &h));
        assert!(!verify_password("secret", &h));
        assert!(!verify_password("s3cret", "not a hash"));
        // The unknown user's hash is a real one: checking it costs what a known user's does.
        assert!(PasswordHash::new(unknown_user_hash()).is_ok());
        assert!(!verify_password("demo", unknown_user_hash()));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(token_hash("demo-kiosk"), "49d6cc27f1e3b72fb829ac8ec864fc2045e8684b5bfb2b46b0a922330c84d6ea");
    }

    #[test]
    fn backoff_doubles_after_free_tries() {
        let check = |failures, secs| assert_eq!(backoff(failures), Duration::from_secs(secs), "{failures}");
        check(0, 0);
        check(2, 0);
        check(3, 1);
        check(4, 2);
        check(6, 8);
        check(30, 300);
    }

    #[test]
    fn throttle_makes_a_guesser_wait_and_a_success_clears_it() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..3 {
            assert_eq!(t.wait("clerk1", now), None);
            t.failed("clerk1", now);
        }
        assert_eq!(t.wait("clerk1", now), Some(1));
        assert_eq!(t.wait("clerk1", now + Duration::from_secs(2)), None);
        assert_eq!(t.wait("clerk2", now), None);
        t.succeeded("clerk1");
        assert_eq!(t.wait("clerk1", now), None);
    }

    #[test]
    fn guesses_sent_together_are_all_counted() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        let refused = (0..10).filter(|_| t.attempt("director", now).is_some()).count();
        assert_eq!(refused, 7, "three tries, then the back-off");
        t.succeeded("director");
        assert_eq!(t.attempt("director", now), None);
    }

    #[test]
    fn kiosk_limiter_caps_per_device() {
        let l = KioskLimiter::new(2);
        assert!(l.check("k1").is_ok());
        assert!(l.check("k1").is_ok());
        assert!(l.check("k1").is_err());
        assert!(l.check("k2").is_ok());
        let unlimited = KioskLimiter::new(0);
        assert!((0..100).all(|_| unlimited.check("k1").is_ok()));
    }
}
