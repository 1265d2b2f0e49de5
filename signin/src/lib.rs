//! Passwords, and the brakes on guessing them: shared by the hall server and the county service,
//! so that a county account is as hard to guess as a hall's.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

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

/// Whether `s` is a password hash this crate can check (what `hash-password` writes), for the
/// configuration files' checks.
pub fn is_password_hash(s: &str) -> bool {
    PasswordHash::new(s).is_ok()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
}

/// At most a few argon2 checks at a time (each takes 19 MiB and a core): a flood of sign-ins
/// waits its turn instead of taking every blocking thread and the machine's memory.
pub struct PasswordChecks(tokio::sync::Semaphore);

impl PasswordChecks {
    pub fn new(at_once: usize) -> Self {
        PasswordChecks(tokio::sync::Semaphore::new(at_once.max(1)))
    }

    /// Whether `password` is the one `hash` was made of. No hash (an unknown username) is
    /// checked against [`unknown_user_hash`] and is never right: the answer takes as long, and
    /// does not tell names apart.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> anyhow::Result<bool> {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| unknown_user_hash()).to_string();
        let password = password.to_string();
        let _permit = self.0.acquire().await?;
        let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await?;
        Ok(known && matches)
    }
}

/// The asker an address stands for. An IPv6 host holds a whole /64 (a phone's provider gives it
/// one, and it picks addresses in it at will), so the /64 is the asker: limited per address, one
/// phone could take a fresh allowance for every guess of a booking code or a check code. An
/// IPv4 address mapped into IPv6 is that IPv4 address.
pub fn asker(address: std::net::IpAddr) -> std::net::IpAddr {
    match address {
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => std::net::IpAddr::V4(v4),
            None => std::net::IpAddr::V6(std::net::Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        },
        v4 => v4,
    }
}

/// Slows down guessing, per username *and* source address: after `FREE_TRIES` failures for a
/// username from one address, each further try from there must wait twice as long as the last
/// (1 s, 2 s, 4 s … up to 5 minutes); a success clears it. Keyed by address too, so that a
/// guesser elsewhere on the LAN cannot lock the clerk out of their own desk. Besides, one
/// address may fail at most `ADDRESS_FAILURES` sign-ins a minute, whatever the usernames (a
/// flood of made-up names is refused).
///
/// An IPv6 host holds a whole /64 and can take a fresh address for every guess, so its network
/// is counted too, with more room ([`NETWORK_FREE_TRIES`], [`NETWORK_FAILURES`]): a hall whose
/// desks share a /64 with the lobby's phones keeps its desks signing in under a few wrong
/// passwords from a phone, while a guesser rotating addresses is slowed as one.
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
    by_address: Mutex<HashMap<Asker, (u32, Instant)>>,
}

const FREE_TRIES: u32 = 3;
const MAX_WAIT: Duration = Duration::from_secs(300);
/// Failed sign-ins one address may make in a minute.
pub const ADDRESS_FAILURES: u32 = 30;
/// Failures of one username from one IPv6 /64 before its back-off starts.
pub const NETWORK_FREE_TRIES: u32 = 20;
/// Failed sign-ins one IPv6 /64 may make in a minute, whatever the usernames.
pub const NETWORK_FAILURES: u32 = 300;
const ADDRESS_WINDOW: Duration = Duration::from_secs(60);

/// Who a failure counts against: the address itself, and an IPv6 address's /64 as well.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Asker {
    Host(IpAddr),
    Network(IpAddr),
}

impl Asker {
    /// The askers of an address, with their free tries and failures a minute.
    fn of(address: IpAddr) -> impl Iterator<Item = (Asker, u32, u32)> {
        let (host, ipv6) = match address {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or((address, true), |v4| (IpAddr::V4(v4), false)),
            v4 => (v4, false),
        };
        let network = ipv6.then(|| (Asker::Network(asker(address)), NETWORK_FREE_TRIES, NETWORK_FAILURES));
        std::iter::once((Asker::Host(host), FREE_TRIES, ADDRESS_FAILURES)).chain(network)
    }

    fn key(self, username: &str) -> String {
        match self {
            Asker::Host(a) => format!("{username}\u{0}{a}"),
            Asker::Network(n) => format!("{username}\u{0}net\u{0}{n}"),
        }
    }
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle { failures: Mutex::new(HashMap::new()), by_address: Mutex::new(HashMap::new()) }
    }
}

/// Why a sign-in is refused before its password is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// This username from this address must wait (seconds).
    Username(u64),
    /// This address failed too often this minute (seconds until the minute is over).
    Address(u64),
}

/// The back-off keys of a username from an address (none known: the username alone).
fn keys(username: &str, address: Option<IpAddr>) -> Vec<(String, u32)> {
    match address {
        Some(a) => Asker::of(a).map(|(who, free, _)| (who.key(username), free)).collect(),
        None => vec![(username.to_string(), FREE_TRIES)],
    }
}

impl LoginThrottle {
    /// Starts a try: refused while a back-off runs; otherwise counted as a failure at once, in
    /// the same lock, so that many guesses sent together are all counted. A right password then
    /// clears it with [`LoginThrottle::succeeded`].
    pub fn attempt(&self, username: &str, address: Option<IpAddr>, now: Instant) -> Result<(), Refused> {
        if let Some(a) = address {
            let mut by = self.by_address.lock().unwrap();
            if by.len() > 100_000 {
                by.retain(|_, (_, start)| now.duration_since(*start) < ADDRESS_WINDOW);
            }
            for (who, _, most) in Asker::of(a) {
                let e = by.entry(who).or_insert((0, now));
                if now.duration_since(e.1) >= ADDRESS_WINDOW {
                    *e = (0, now);
                }
                if e.0 >= most {
                    let left = ADDRESS_WINDOW.saturating_sub(now.duration_since(e.1));
                    return Err(Refused::Address(left.as_secs_f64().ceil().max(1.0) as u64));
                }
            }
            for (who, _, _) in Asker::of(a) {
                by.entry(who).or_insert((0, now)).0 += 1;
            }
        }
        let keys = keys(username, address);
        let mut map = self.failures.lock().unwrap();
        for (k, free) in &keys {
            if let Some(&(count, last)) = map.get(k) {
                let until = last + backoff(count, *free);
                if until > now {
                    return Err(Refused::Username((until - now).as_secs_f64().ceil() as u64));
                }
            }
        }
        for (k, _) in keys {
            Self::record(&mut map, k, now);
        }
        Ok(())
    }

    fn record(map: &mut HashMap<String, (u32, Instant)>, key: String, now: Instant) {
        if map.len() > 100_000 {
            // A flood of made-up names must not eat memory: forget the quiet ones only.
            map.retain(|_, (_, last)| now.duration_since(*last) < MAX_WAIT);
        }
        let e = map.entry(key).or_insert((0, now));
        e.0 += 1;
        e.1 = now;
    }

    /// The right password: this username's back-off from this address (and its network) is
    /// cleared, and the try does not count against them.
    pub fn succeeded(&self, username: &str, address: Option<IpAddr>) {
        let mut map = self.failures.lock().unwrap();
        for (k, _) in keys(username, address) {
            map.remove(&k);
        }
        drop(map);
        if let Some(a) = address {
            let mut by = self.by_address.lock().unwrap();
            for (who, _, _) in Asker::of(a) {
                if let Some(e) = by.get_mut(&who) {
                    e.0 = e.0.saturating_sub(1);
                }
            }
        }
    }
}

fn backoff(failures: u32, free: u32) -> Duration {
    if failures < free {
        return Duration::ZERO;
    }
    let exp = (failures - free).min(16);
    Duration::from_secs(1u64 << exp).min(MAX_WAIT)
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
    fn backoff_doubles_after_free_tries() {
        let check = |failures, secs| assert_eq!(backoff(failures, FREE_TRIES), Duration::from_secs(secs), "{failures}");
        check(0, 0);
        check(2, 0);
        check(3, 1);
        check(4, 2);
        check(6, 8);
        check(30, 300);
    }

    #[test]
    fn a_guesser_waits_but_the_clerk_elsewhere_gets_in() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        let (guesser, desk): (IpAddr, IpAddr) = ("10.0.0.66".parse().unwrap(), "10.0.0.21".parse().unwrap());
        // Guesses sent together are all counted: three free tries, then the back-off.
        let refused = (0..10).filter(|_| t.attempt("clerk1", Some(guesser), now).is_err()).count();
        assert_eq!(refused, 7);
        assert_eq!(t.attempt("clerk1", Some(guesser), now), Err(Refused::Username(1)));
        // The clerk at their own desk is not locked out by someone else's guesses.
        assert_eq!(t.attempt("clerk1", Some(desk), now), Ok(()));
        t.succeeded("clerk1", Some(desk));
        // A right password clears that address's back-off.
        t.succeeded("clerk1", Some(guesser));
        assert_eq!(t.attempt("clerk1", Some(guesser), now), Ok(()));
    }

    #[test]
    fn an_address_failing_with_many_names_is_refused() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        let flood: IpAddr = "10.0.0.99".parse().unwrap();
        for n in 0..ADDRESS_FAILURES {
            assert_eq!(t.attempt(&format!("nobody{n}"), Some(flood), now), Ok(()));
        }
        assert!(matches!(t.attempt("nobody-else", Some(flood), now), Err(Refused::Address(60))));
        assert_eq!(t.attempt("nobody-else", Some(flood), now + Duration::from_secs(61)), Ok(()));
        assert_eq!(t.attempt("clerk1", Some("10.0.0.21".parse().unwrap()), now), Ok(()), "other addresses go on");
    }

    #[test]
    fn a_guesser_rotating_through_its_ipv6_network_is_slowed_as_one() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        let addr = |i: u32| -> IpAddr { format!("2408:8000:1:2::{i:x}").parse().unwrap() };
        // A fresh address of the same /64 for every guess: the network's back-off, after its
        // larger allowance.
        let refused = (0..40).filter(|i| t.attempt("clerk1", Some(addr(*i)), now).is_err()).count();
        assert_eq!(refused as u32, 40 - NETWORK_FREE_TRIES);
        // Made-up names from ever new addresses of it: the network's allowance a minute.
        let flooded = (0..NETWORK_FAILURES).filter(|i| t.attempt(&format!("n{i}"), Some(addr(100 + i)), now).is_err());
        assert_eq!(flooded.count(), 40, "the forty guesses above counted too");
        assert!(matches!(t.attempt("n-more", Some(addr(9_999)), now), Err(Refused::Address(_))));
        // Another network is not held back; a right password from the /64 clears it.
        assert_eq!(t.attempt("clerk1", Some("2408:8000:1:3::1".parse().unwrap()), now), Ok(()));
        t.succeeded("clerk1", Some(addr(999)));
        assert!(t.failures.lock().unwrap().keys().all(|k| !k.starts_with("clerk1\u{0}net\u{0}2408:8000:1:2:")));
    }

    #[test]
    fn a_phone_on_the_desks_ipv6_network_does_not_lock_a_clerk_out_with_a_few_guesses() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        let (phone, desk): (IpAddr, IpAddr) =
            ("2408:8000:1:2::66".parse().unwrap(), "2408:8000:1:2::21".parse().unwrap());
        // The phone's own back-off after three wrong passwords; the desk on the same /64 goes on.
        let refused = (0..10).filter(|_| t.attempt("clerk1", Some(phone), now).is_err()).count();
        assert_eq!(refused, 7);
        assert_eq!(t.attempt("clerk1", Some(desk), now), Ok(()));
        // Thirty made-up names from the phone: the phone is refused, not the desk.
        for n in 0..ADDRESS_FAILURES {
            let _ = t.attempt(&format!("nobody{n}"), Some(phone), now);
        }
        assert!(matches!(t.attempt("nobody-else", Some(phone), now), Err(Refused::Address(_))));
        assert_eq!(t.attempt("clerk2", Some(desk), now), Ok(()));
    }

    #[tokio::test]
    async fn an_unknown_name_is_never_right_and_checks_wait_their_turn() {
        let checks = PasswordChecks::new(1);
        let h = hash_password("s3cret").unwrap();
        assert!(checks.verify("s3cret", Some(&h)).await.unwrap());
        assert!(!checks.verify("s3cret", None).await.unwrap());
        // Two at once through one permit: both answered, one after the other.
        let (a, b) = tokio::join!(checks.verify("s3cret", Some(&h)), checks.verify("wrong", Some(&h)));
        assert_eq!((a.unwrap(), b.unwrap()), (true, false));
    }
}
