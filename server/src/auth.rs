//! Credentials: session tokens, password hashes, and the brakes on guessing and flooding.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};

pub use hall_signin::{
    asker, hash_password, unknown_user_hash, verify_password, LoginThrottle, PasswordChecks, Refused,
};

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

/// A case's check code: six characters the applicant gets on paper, from an alphabet without
/// look-alikes (no 0/O, 1/I), easy to read out and to type at the kiosk.
pub fn new_check_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..6).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// Whether `s` has the form of a status-page token (what [`new_status_token`] makes).
pub fn is_status_token(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Tokens are stored and compared only as their SHA-256.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
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

/// What citizens post from their phones (ratings, complaints), limited per ticket (its token)
/// and per address. The address limit is the higher: a lobby's phones often share one public
/// address behind the hall's router.
pub struct CitizenPosts {
    by_token: DefaultKeyedRateLimiter<String>,
    by_address: DefaultKeyedRateLimiter<std::net::IpAddr>,
}

/// Keys kept before the ones back at a full allowance are forgotten (memory stays bounded).
const KEPT: usize = 10_000;

impl CitizenPosts {
    pub fn new(per_token: Quota, per_address: Quota) -> Self {
        CitizenPosts { by_token: RateLimiter::keyed(per_token), by_address: RateLimiter::keyed(per_address) }
    }

    /// `Err(seconds)` when this ticket or this address must wait.
    pub fn check(&self, token: &str, address: Option<std::net::IpAddr>) -> Result<(), u64> {
        if self.by_token.len() > KEPT {
            self.by_token.retain_recent();
        }
        if self.by_address.len() > KEPT {
            self.by_address.retain_recent();
        }
        let now = || governor::clock::Clock::now(&governor::clock::DefaultClock::default());
        let secs = |d: std::time::Duration| d.as_secs_f64().ceil().max(1.0) as u64;
        self.by_token.check_key(&token.to_string()).map_err(|n| secs(n.wait_time_from(now())))?;
        match address {
            Some(a) => self.by_address.check_key(&asker(a)).map_err(|n| secs(n.wait_time_from(now()))),
            None => Ok(()),
        }
    }
}

/// Case progress queries per minute from one address, or from one kiosk (its citizens share it,
/// not the address of the whole lobby): a check code cannot be guessed.
pub struct QueryLimiter(DefaultKeyedRateLimiter<QueryFrom>);

/// Who asks for a case's progress.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum QueryFrom {
    Address(std::net::IpAddr),
    Kiosk(String),
}

impl Default for QueryLimiter {
    fn default() -> Self {
        QueryLimiter(RateLimiter::keyed(Quota::per_minute(NonZeroU32::new(30).expect("30 > 0"))))
    }
}

/// Askers refused for guessing codes, and until when: past its allowance of misses, an asker is
/// refused every code — a right one too — until its wait is over (a limit on misses alone would
/// still answer every right guess, and so never stop the guessing).
#[derive(Default)]
pub struct Guessers(Mutex<HashMap<IpAddr, Instant>>);

impl Guessers {
    /// Seconds the asker must still wait, if refused.
    pub fn wait(&self, address: IpAddr, now: Instant) -> Option<u64> {
        let map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        map.get(&asker(address)).filter(|until| **until > now).map(|until| (*until - now).as_secs().max(1))
    }

    pub fn refuse(&self, address: IpAddr, seconds: u64, now: Instant) {
        let mut map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() > 10_000 {
            map.retain(|_, until| *until > now);
        }
        map.insert(asker(address), now + Duration::from_secs(seconds.max(1)));
    }
}

impl QueryLimiter {
    /// `Err(seconds)` when the asker must wait. Askers back at a full allowance are forgotten
    /// once many are kept (memory stays bounded whatever the number of addresses).
    pub fn check(&self, from: QueryFrom) -> Result<(), u64> {
        if self.0.len() > KEPT {
            self.0.retain_recent();
        }
        let from = match from {
            QueryFrom::Address(a) => QueryFrom::Address(asker(a)),
            kiosk => kiosk,
        };
        self.0.check_key(&from).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()));
            wait.as_secs_f64().ceil().max(1.0) as u64
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_ipv6_host_is_one_asker() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let limiter = QueryLimiter::default();
        // 30 a minute from one /64, whichever addresses of it ask.
        for i in 0..30 {
            assert!(limiter.check(QueryFrom::Address(ip(&format!("2408:8000:1:2::{i:x}")))).is_ok(), "{i}");
        }
        assert!(limiter.check(QueryFrom::Address(ip("2408:8000:1:2:abcd::1"))).is_err(), "the same /64");
        assert!(limiter.check(QueryFrom::Address(ip("2408:8000:1:3::1"))).is_ok(), "another /64");
        // Each IPv4 address is its own; an IPv4 address written as IPv6 is that address.
        for _ in 0..30 {
            assert!(limiter.check(QueryFrom::Address(ip("10.0.0.7"))).is_ok());
        }
        assert!(limiter.check(QueryFrom::Address(ip("::ffff:10.0.0.7"))).is_err());
        assert!(limiter.check(QueryFrom::Address(ip("10.0.0.8"))).is_ok());
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(token_hash("demo-kiosk"), "49d6cc27f1e3b72fb829ac8ec864fc2045e8684b5bfb2b46b0a922330c84d6ea");
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
