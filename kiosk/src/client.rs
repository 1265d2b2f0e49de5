//! The kiosk's side of the server's HTTP contract.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use hall_wire as wire;
use serde::de::DeserializeOwned;

use crate::catalog::Catalog;
use crate::controller::{BookingKey, CaseAnswer, CheckedIn};

/// What became of one ticket request.
#[derive(Debug)]
pub enum IssueAnswer {
    /// Boxed: a ticket (with its case) is large beside the other answers.
    Issued(Box<wire::Ticket>),
    /// The server said no: nothing was issued.
    Refused(Refused),
    /// No answer (network, timeout, 5xx): the same key may be sent again safely.
    Unreachable(String),
}

/// What became of one check-in.
#[derive(Debug)]
pub enum CheckInAnswer {
    CheckedIn(Box<CheckedIn>),
    /// The server said no (not found, too early, used, …): nothing was made.
    Refused(Refused),
    /// No answer: the same key may be sent again safely.
    Unreachable(String),
}

/// A refusal of a ticket or a check-in: the server's code and what it said as data.
#[derive(Debug)]
pub struct Refused {
    pub code: String,
    /// The server's words (English), for the log: the kiosk says the code in its own.
    pub message: String,
    /// With `409 hall_closed` / `quota_reached`: when tickets are next available; with
    /// `409 booking_too_early`: when check-in opens.
    pub next_open: Option<String>,
    /// With `404 booking_not_found` at a check-in: the booking's day, when it is another day's.
    pub booking_day: Option<String>,
}

enum Written {
    Taken(reqwest::Response),
    Refused(Refused),
    Unreachable(String),
}

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
    /// How far the server's clock is ahead of this machine's, in ms (from its answers' `Date`).
    skew_ms: Arc<AtomicI64>,
}

/// How far the server's clock is ahead of this machine's (negative: behind), from an answer's
/// `Date` header read between `asked` and `answered`; none without a readable one. `Date` is in
/// whole seconds: within [`CLOCKS_AGREE_MS`] the clocks are taken to agree.
pub fn skew(date: Option<&str>, asked: DateTime<Utc>, answered: DateTime<Utc>) -> Option<chrono::Duration> {
    let server = DateTime::parse_from_rfc2822(date?).ok()?.with_timezone(&Utc) + chrono::Duration::milliseconds(500);
    let skew = server - (asked + (answered - asked) / 2);
    Some(if skew.num_milliseconds().abs() <= CLOCKS_AGREE_MS { chrono::Duration::zero() } else { skew })
}

/// How far apart the kiosk's and the server's clocks may be and still be taken to agree (ms):
/// the kiosk's "now" may run this much (and the half second `Date` cannot say) ahead.
pub const CLOCKS_AGREE_MS: i64 = 2_000;

/// A CA certificate file (PEM) to trust for an `https://` server.
pub fn read_ca(path: &std::path::Path) -> anyhow::Result<reqwest::Certificate> {
    let pem = std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read the CA file {}: {e}", path.display()))?;
    reqwest::Certificate::from_pem(&pem).map_err(|e| anyhow::anyhow!("{}: not a PEM certificate: {e}", path.display()))
}

impl Client {
    /// A client of `server` (http:// or https://; `ca` trusted besides the system's CAs).
    pub fn new(server: &str, token: &str, ca: Option<reqwest::Certificate>) -> Client {
        let mut http =
            reqwest::Client::builder().connect_timeout(Duration::from_secs(2)).timeout(Duration::from_secs(5));
        if let Some(ca) = ca {
            http = http.add_root_certificate(ca);
        }
        let http = http.build().expect("the HTTP client builds");
        let base = server.trim_end_matches('/').to_string();
        Client { http, base, token: token.to_string(), skew_ms: Arc::default() }
    }

    /// The time by the server's clock as last seen: the top bar's time and what is 「今天」. A
    /// kiosk on the hall's network often has no time source of its own, and the hall's day is
    /// the server's.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::milliseconds(self.skew_ms.load(Ordering::Relaxed))
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> anyhow::Result<T> {
        let asked = Utc::now();
        let r = self.http.get(format!("{}{path}", self.base)).send().await?.error_for_status()?;
        let date = r.headers().get(reqwest::header::DATE).and_then(|d| d.to_str().ok());
        if let Some(skew) = skew(date, asked, Utc::now()) {
            self.skew_ms.store(skew.num_milliseconds(), Ordering::Relaxed);
        }
        Ok(r.json().await?)
    }

    /// The hall, its matters, windows and queues.
    pub async fn catalog(&self) -> anyhow::Result<Catalog> {
        let (hall, services, windows, queues) = tokio::try_join!(
            self.get("/api/hall"),
            self.get("/api/services"),
            self.get("/api/windows"),
            self.get("/api/queues"),
        )?;
        Ok(Catalog { hall, services, windows, queues })
    }

    /// Waiting counts and window states, which change all day.
    pub async fn live(&self) -> anyhow::Result<(Vec<wire::Queue>, Vec<wire::Window>)> {
        Ok(tokio::try_join!(self.get("/api/queues"), self.get("/api/windows"))?)
    }

    /// `POST /api/tickets`; `id_number` on matters that ask for the 居民身份证号.
    pub async fn issue(
        &self,
        key: &str,
        service_id: &str,
        priority: Option<wire::Priority>,
        id_number: Option<&str>,
    ) -> IssueAnswer {
        let body = wire::IssueTicket {
            service_id: service_id.to_string(),
            priority,
            id_number: id_number.map(str::to_string),
        };
        match self.write("/api/tickets", key, &body).await {
            Written::Taken(r) => match r.json::<wire::Ticket>().await {
                Ok(t) => IssueAnswer::Issued(Box::new(t)),
                Err(e) => IssueAnswer::Unreachable(e.to_string()),
            },
            Written::Refused(r) => IssueAnswer::Refused(r),
            Written::Unreachable(why) => IssueAnswer::Unreachable(why),
        }
    }

    /// `POST /api/bookings/check-in` by the booking code or the identity number: the booking's
    /// ticket, as a ticket request (the kiosk's token, an `Idempotency-Key`).
    pub async fn check_in(&self, key: &str, by: &BookingKey) -> CheckInAnswer {
        let body = match by {
            BookingKey::Code(code) => wire::CheckIn { code: Some(code.clone()), id_number: None },
            BookingKey::IdNumber(n) => wire::CheckIn { code: None, id_number: Some(n.clone()) },
        };
        match self.write("/api/bookings/check-in", key, &body).await {
            Written::Taken(r) => match r.json::<wire::CheckedIn>().await {
                Ok(c) => CheckInAnswer::CheckedIn(Box::new(CheckedIn {
                    ticket: c.ticket,
                    on_time: c.on_time,
                    start: c.booking.start,
                    end: c.booking.end,
                })),
                Err(e) => CheckInAnswer::Unreachable(e.to_string()),
            },
            Written::Refused(r) => CheckInAnswer::Refused(r),
            Written::Unreachable(why) => CheckInAnswer::Unreachable(why),
        }
    }

    /// A write of the kiosk with its token and key: taken (2xx), refused (4xx, nothing made),
    /// or unanswered (network, timeout, 5xx: the same key may be sent again safely).
    async fn write(&self, path: &str, key: &str, body: &impl serde::Serialize) -> Written {
        let sent = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await;
        let r = match sent {
            Ok(r) => r,
            Err(e) => return Written::Unreachable(e.to_string()),
        };
        let status = r.status();
        if status.is_server_error() {
            return Written::Unreachable(format!("server answered {status}"));
        }
        if status.is_success() {
            return Written::Taken(r);
        }
        match r.json::<wire::ErrorBody>().await {
            Ok(e) => Written::Refused(Refused {
                code: e.error,
                message: e.message,
                next_open: e.next_open,
                booking_day: e.booking_day,
            }),
            Err(_) => Written::Refused(Refused {
                code: status.as_u16().to_string(),
                message: status.to_string(),
                next_open: None,
                booking_day: None,
            }),
        }
    }

    /// A case's progress for its applicant (`GET /api/cases/{number}?code=`): public; the kiosk's
    /// token makes the server count its queries per kiosk, not per address.
    /// A wrong code and an unknown number are the same `404`.
    pub async fn case_progress(&self, number: &str, code: &str) -> CaseAnswer {
        let mut url = match reqwest::Url::parse(&format!("{}/api/cases/", self.base)) {
            Ok(u) => u,
            Err(e) => return CaseAnswer::Unavailable(e.to_string()),
        };
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().push(number);
        }
        url.query_pairs_mut().append_pair("code", code);
        // The URL carries the applicant's check code: never in the reason, which is logged.
        let r = match self.http.get(url).bearer_auth(&self.token).send().await {
            Ok(r) => r,
            Err(e) => return CaseAnswer::Unavailable(e.without_url().to_string()),
        };
        let status = r.status();
        let retry_after = r
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        match status.as_u16() {
            200 => match r.json::<wire::CaseProgress>().await {
                Ok(p) => CaseAnswer::Found(Box::new(p)),
                Err(e) => CaseAnswer::Unavailable(e.without_url().to_string()),
            },
            404 => CaseAnswer::NotFound,
            429 => CaseAnswer::TooMany { retry_after },
            _ => {
                let body = r.text().await.unwrap_or_default();
                CaseAnswer::Unavailable(format!("server answered {status}: {body}"))
            }
        }
    }

    /// Tells staff about the printer; retried with the same key until the server has it.
    pub async fn report(&self, report: wire::KioskFaultReport) {
        let key = crate::new_key();
        for attempt in 0u32.. {
            let sent = self
                .http
                .post(format!("{}/api/kiosk/faults", self.base))
                .bearer_auth(&self.token)
                .header("Idempotency-Key", &key)
                .json(&report)
                .send()
                .await;
            match sent {
                Ok(r) if r.status().is_success() || r.status().is_client_error() => {
                    if !r.status().is_success() {
                        tracing::warn!(status = %r.status(), "the server refused the printer report");
                    }
                    return;
                }
                Ok(r) => tracing::warn!(status = %r.status(), "printer report not taken, retrying"),
                Err(e) => tracing::warn!(error = %e, "printer report not sent, retrying"),
            }
            tokio::time::sleep(Duration::from_millis(500 * u64::from(attempt.min(10) + 1))).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::skew;
    use chrono::TimeZone;

    #[test]
    fn the_servers_clock_is_read_from_its_answers_date() {
        let at = |s: u32, ms: i64| {
            chrono::Utc.with_ymd_and_hms(2026, 11, 25, 2, 30, s).unwrap() + chrono::Duration::milliseconds(ms)
        };
        let date = Some("Wed, 25 Nov 2026 02:30:00 GMT");
        // (Date header, asked, answered, skew in seconds)
        for (date, asked, answered, want) in [
            (date, at(0, 100), at(0, 300), Some(0)),   // the same clock
            (date, at(2, 0), at(2, 400), Some(0)),     // within Date's own rounding
            (date, at(40, 0), at(40, 200), Some(-40)), // this kiosk runs 40 s fast
            (Some("Wed, 25 Nov 2026 03:30:00 GMT"), at(0, 400), at(0, 600), Some(3600)), // an hour slow
            (Some("yesterday"), at(0, 0), at(0, 0), None),
            (None, at(0, 0), at(0, 0), None),
        ] {
            let got = skew(date, asked, answered).map(|d| (d.num_milliseconds() as f64 / 1000.0).round() as i64);
            assert_eq!(got, want, "{date:?} asked {asked}");
        }
    }
}
