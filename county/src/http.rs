//! The county's HTTP API: sign-in (the halls' contract shape), every hall's figures, one hall's
//! page, health. See docs/api-county.md.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::Pool;
use serde::{Deserialize, Serialize};
use sha2::Digest;

use crate::config::User;
use crate::error::{CountyError, CountyResult};
use crate::follow::Links;

/// A county session lasts this long.
const SESSION: Duration = Duration::from_secs(12 * 3600);

#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub links: Links,
    pub users: Arc<Vec<User>>,
    pub demo: bool,
    sessions: Arc<Mutex<HashMap<String, (String, Instant)>>>,
    throttle: Arc<hall_signin::LoginThrottle>,
    /// Concurrent argon2 checks (each takes 19 MiB and a core), as at a hall.
    password_checks: Arc<hall_signin::PasswordChecks>,
    /// Each hall's own server (the halls file's `url`), for the link to its director console.
    hall_urls: Arc<HashMap<String, String>>,
}

impl AppState {
    pub fn new(pool: Pool, links: Links, users: Vec<User>, demo: bool) -> AppState {
        AppState {
            pool,
            links,
            users: Arc::new(users),
            demo,
            sessions: Default::default(),
            throttle: Default::default(),
            password_checks: Arc::new(hall_signin::PasswordChecks::new(2)),
            hall_urls: Default::default(),
        }
    }

    /// The halls' own servers, from the halls file: each hall's line links to its `/director`.
    pub fn with_halls(mut self, halls: &[crate::config::HallEntry]) -> AppState {
        self.hall_urls =
            Arc::new(halls.iter().map(|h| (h.id.clone(), h.url.trim_end_matches('/').to_string())).collect());
        self
    }
}

pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/api/auth/login", post(login))
        .route("/api/auth/logout", post(logout))
        .route("/api/county/halls", get(halls))
        .route("/api/county/halls/{hall_id}", get(hall))
        .route("/api/county/reports", get(reports))
        .route("/api/county/relay", get(relay_backlog))
        .route("/api/health", get(health))
        .merge(crate::pages::routes())
        .fallback(|| async { CountyError::NotFound })
        .with_state(state)
}

fn token_hash(token: &str) -> String {
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

#[derive(Deserialize)]
struct Login {
    username: String,
    password: String,
}

/// The halls' `Session` shape; the role is `county`.
#[derive(Serialize)]
struct Session {
    token: String,
    role: &'static str,
    username: String,
    name: String,
    expires_at: String,
}

async fn login(State(s): State<AppState>, request: axum::extract::Request) -> CountyResult<Json<Session>> {
    // The caller's address (served with its connection's; none in a test without one).
    let address = request.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    let body = axum::body::to_bytes(request.into_body(), 64 * 1024)
        .await
        .map_err(|e| CountyError::InvalidBody(format!("the body: {e}")))?;
    let login: Login = serde_json::from_slice(&body)
        .map_err(|e| CountyError::InvalidBody(format!("expected {{username, password}}: {e}")))?;
    if login.username.len() > 64 || login.password.len() > 1024 {
        return Err(CountyError::BadCredentials);
    }
    // Counted as failed until proven right, so that guesses sent at once are slowed too.
    // The hall's throttle: per username and address (an IPv6 /64 counted too), and a cap on an
    // address's failures a minute whatever the usernames.
    s.throttle.attempt(&login.username, address, Instant::now()).map_err(|refused| match refused {
        hall_signin::Refused::Username(wait) | hall_signin::Refused::Address(wait) => {
            CountyError::TooManyAttempts(wait)
        }
    })?;
    let demo = s.demo && login.username == "county" && login.password == "demo";
    let user = s.users.iter().find(|u| u.username == login.username).cloned();
    let name = if demo {
        "县政务服务中心（演示）".to_string()
    } else {
        // An unknown name costs a hash check too: the answer's time does not tell names apart.
        let hash = user.as_ref().map(|u| u.password_hash.as_str());
        let ok = s.password_checks.verify(&login.password, hash).await.map_err(CountyError::Internal)?;
        match user {
            Some(u) if ok => {
                if u.name.is_empty() {
                    u.username
                } else {
                    u.name
                }
            }
            _ => return Err(CountyError::BadCredentials),
        }
    };
    s.throttle.succeeded(&login.username, address);
    let token = {
        use rand::Rng;
        let bytes: [u8; 32] = rand::rng().random();
        hex::encode(bytes)
    };
    let expires = Utc::now() + chrono::Duration::from_std(SESSION).expect("a session length");
    let mut sessions = s.sessions.lock().unwrap_or_else(|e| e.into_inner());
    sessions.retain(|_, (_, until)| *until > Instant::now());
    sessions.insert(token_hash(&token), (login.username.clone(), Instant::now() + SESSION));
    Ok(Json(Session { token, role: "county", username: login.username, name, expires_at: expires.to_rfc3339() }))
}

/// `POST /api/auth/logout`: the session ends on the server (a copied token stops working),
/// not only in the browser. 204; `401 session_expired` when it had already ended.
async fn logout(State(s): State<AppState>, headers: HeaderMap) -> CountyResult<axum::http::StatusCode> {
    signed_in(&s, &headers)?;
    let token = bearer(&headers).expect("signed in with it");
    s.sessions.lock().unwrap_or_else(|e| e.into_inner()).remove(&token_hash(token));
    Ok(axum::http::StatusCode::NO_CONTENT)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim())
        .filter(|t| !t.is_empty())
}

fn signed_in(s: &AppState, headers: &HeaderMap) -> CountyResult<String> {
    let token = bearer(headers).ok_or(CountyError::Unauthorized)?;
    let sessions = s.sessions.lock().unwrap_or_else(|e| e.into_inner());
    match sessions.get(&token_hash(token)) {
        Some((user, until)) if *until > Instant::now() => Ok(user.clone()),
        _ => Err(CountyError::SessionExpired),
    }
}

/// A hall on the county's screen. A figure the events cannot tell is `null`, never 0.
#[derive(Serialize)]
pub struct HallLine {
    pub hall_id: String,
    pub name: Option<String>,
    pub online: bool,
    pub last_event_id: i64,
    /// Seconds since the county last heard from the hall (an event or its keep-alive).
    pub lag_seconds: Option<i64>,
    pub tickets_today: Option<i64>,
    pub waiting: Option<i64>,
    pub longest_wait_minutes: Option<i64>,
    pub windows_open: Option<i64>,
    pub overdue_cases: Option<i64>,
    /// Services rated today (`rating_given`); null before any event of the hall.
    pub rated_today: Option<i64>,
    /// Today's satisfaction, 0..1, the hall's formula (R17); null when nothing was rated today.
    pub satisfaction: Option<f64>,
    /// The hall's own director console (`{url}/director`, the halls file's url).
    pub director_url: Option<String>,
}

/// Every hall's line (or one: `$1`), as the screen polls it (public for the tests' EXPLAIN).
pub const LINES: &str = "
WITH h AS (
    SELECT hall_id, name, last_event_id, last_stored_at,
           (now() AT TIME ZONE COALESCE(timezone, 'Asia/Shanghai'))::date AS today
    FROM halls WHERE $1::text IS NULL OR hall_id = $1
),
w AS (
    SELECT w.hall_id, count(*) AS known, count(*) FILTER (WHERE w.status = 'open') AS open
    FROM windows w JOIN h USING (hall_id) GROUP BY w.hall_id
),
q AS (
    SELECT q.hall_id, count(*) AS known,
           COALESCE(sum(q.waiting) FILTER (WHERE q.day = h.today), 0) AS waiting,
           min(q.oldest_since) FILTER (WHERE q.day = h.today AND q.waiting > 0) AS oldest_since
    FROM queues q JOIN h USING (hall_id) GROUP BY q.hall_id
),
c AS (
    SELECT c.hall_id, count(*) AS overdue
    FROM cases c JOIN h USING (hall_id)
    WHERE c.state <> 'closed' AND c.deadline < h.today GROUP BY c.hall_id
)
SELECT h.hall_id, h.name, h.last_event_id, h.last_stored_at, d.issued,
    d.very_satisfied, d.satisfied, d.basically_satisfied, d.dissatisfied, d.very_dissatisfied,
    COALESCE(w.known, 0) AS windows_known, COALESCE(w.open, 0) AS windows_open,
    COALESCE(q.known, 0) AS queues_known, COALESCE(q.waiting, 0) AS waiting, q.oldest_since,
    COALESCE(c.overdue, 0) AS overdue
FROM h LEFT JOIN hall_days d ON d.hall_id = h.hall_id AND d.day = h.today
    LEFT JOIN w ON w.hall_id = h.hall_id
    LEFT JOIN q ON q.hall_id = h.hall_id
    LEFT JOIN c ON c.hall_id = h.hall_id
ORDER BY h.hall_id";

async fn lines(s: &AppState, only: Option<&str>) -> CountyResult<Vec<HallLine>> {
    let client = s.pool.get().await?;
    let rows = client.query(LINES, &[&only]).await?;
    let now = Utc::now();
    let links = s.links.lock().unwrap_or_else(|e| e.into_inner()).clone();
    Ok(rows
        .iter()
        // A hall taken out of the halls file is followed no more: not shown as offline for ever
        // (its history stays in the reports).
        .filter(|r| s.hall_urls.is_empty() || s.hall_urls.contains_key(r.get::<_, &str>("hall_id")))
        .map(|r| {
            let hall_id: String = r.get("hall_id");
            let link = links.get(&hall_id).cloned().unwrap_or_default();
            let last_event_id: i64 = r.get("last_event_id");
            let heard = link.last_contact.or(r.get::<_, Option<DateTime<Utc>>>("last_stored_at"));
            // Nothing heard from the hall yet: its counts are unknown, not zero.
            let known = last_event_id > 0;
            let issued: Option<i32> = r.get("issued");
            let queues_known = r.get::<_, i64>("queues_known") > 0;
            let oldest: Option<DateTime<Utc>> = r.get("oldest_since");
            let levels = crate::views::LEVELS.map(|l| r.get::<_, Option<i32>>(l).unwrap_or(0) as i64);
            HallLine {
                name: r.get("name"),
                online: link.online,
                last_event_id,
                lag_seconds: heard.map(|t| (now - t).num_seconds().max(0)),
                tickets_today: known.then(|| issued.unwrap_or(0) as i64),
                waiting: queues_known.then(|| r.get("waiting")),
                // Offline, the wait is as last heard: not a figure growing by itself for hours.
                longest_wait_minutes: queues_known.then(|| {
                    let until = if link.online { now } else { heard.unwrap_or(now) };
                    oldest.map_or(0, |o| (until - o).num_minutes().max(0))
                }),
                windows_open: (r.get::<_, i64>("windows_known") > 0).then(|| r.get("windows_open")),
                overdue_cases: known.then(|| r.get("overdue")),
                rated_today: known.then(|| levels.iter().sum()),
                satisfaction: crate::views::satisfaction(levels),
                director_url: s.hall_urls.get(&hall_id).map(|u| format!("{u}/director")),
                hall_id,
            }
        })
        .collect())
}

async fn halls(State(s): State<AppState>, headers: HeaderMap) -> CountyResult<Json<Vec<HallLine>>> {
    signed_in(&s, &headers)?;
    Ok(Json(lines(&s, None).await?))
}

#[derive(Serialize)]
struct Day {
    day: NaiveDate,
    issued: i32,
    served: i32,
    no_show: i32,
    /// Mean minutes from the issue (or a transfer) to the call; null when no ticket of the day
    /// was called.
    mean_wait_minutes: Option<f64>,
    wait_count: i32,
    /// Mean minutes from the call to the finish or the transfer; null when none is known.
    mean_service_minutes: Option<f64>,
    service_count: i32,
    /// Services rated that day, and the day's satisfaction (null when none was rated).
    rated: i64,
    satisfaction: Option<f64>,
    complaints_received: i32,
    complaints_closed: i32,
}

#[derive(Serialize)]
struct Cases {
    kind: String,
    open: i64,
    overdue: i64,
}

#[derive(Serialize)]
struct Gap {
    after_id: i64,
    next_id: i64,
    cause: String,
    noticed_at: DateTime<Utc>,
}

#[derive(Serialize)]
struct HallPage {
    #[serde(flatten)]
    line: HallLine,
    /// Why the county cannot follow the hall now, when it cannot.
    error: Option<String>,
    /// The last 14 days the county has figures for, newest first.
    days: Vec<Day>,
    /// Cases not closed, by kind (as their last `case_changed` told).
    cases: Vec<Cases>,
    /// Events the county never got (the hall no longer had them): figures around them are short.
    gaps: Vec<Gap>,
}

async fn hall(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(hall_id): Path<String>,
) -> CountyResult<Json<HallPage>> {
    signed_in(&s, &headers)?;
    // A hall's id is printable text (a NUL byte is no text PostgreSQL keeps: no such hall).
    if hall_id.is_empty() || hall_id.chars().any(char::is_control) {
        return Err(CountyError::UnknownHall(hall_id));
    }
    let line = lines(&s, Some(&hall_id)).await?.pop().ok_or_else(|| CountyError::UnknownHall(hall_id.clone()))?;
    let client = s.pool.get().await?;
    let mean = |sum: i64, n: i32| (n > 0).then(|| (sum as f64 / n as f64 / 60.0 * 10.0).round() / 10.0);
    let days = client
        .query(
            "SELECT day, issued, served, no_show, wait_seconds_sum, wait_count, service_seconds_sum, service_count,
                    very_satisfied, satisfied, basically_satisfied, dissatisfied, very_dissatisfied,
                    complaints_received, complaints_closed
             FROM hall_days WHERE hall_id = $1 ORDER BY day DESC LIMIT 14",
            &[&hall_id],
        )
        .await?
        .iter()
        .map(|r| {
            let levels = [8, 9, 10, 11, 12].map(|i| r.get::<_, i32>(i) as i64);
            Day {
                rated: levels.iter().sum(),
                satisfaction: crate::views::satisfaction(levels).map(|x| (x * 10000.0).round() / 10000.0),
                complaints_received: r.get(13),
                complaints_closed: r.get(14),
                day: r.get(0),
                issued: r.get(1),
                served: r.get(2),
                no_show: r.get(3),
                mean_wait_minutes: mean(r.get(4), r.get(5)),
                wait_count: r.get(5),
                mean_service_minutes: mean(r.get(6), r.get(7)),
                service_count: r.get(7),
            }
        })
        .collect();
    let cases = client
        .query(
            "SELECT c.kind, count(*),
                    count(*) FILTER (WHERE c.deadline < (now() AT TIME ZONE COALESCE(h.timezone, 'Asia/Shanghai'))::date)
             FROM cases c JOIN halls h ON h.hall_id = c.hall_id
             WHERE c.hall_id = $1 AND c.state <> 'closed' GROUP BY c.kind ORDER BY c.kind",
            &[&hall_id],
        )
        .await?
        .iter()
        .map(|r| Cases { kind: r.get(0), open: r.get(1), overdue: r.get(2) })
        .collect();
    let gaps = client
        .query(
            // The newest 100 (a screen polled every 3 s reads no hall's whole history).
            "SELECT after_id, next_id, cause, noticed_at FROM (
                 SELECT * FROM event_gaps WHERE hall_id = $1 ORDER BY noticed_at DESC, after_id DESC LIMIT 100
             ) newest ORDER BY after_id",
            &[&hall_id],
        )
        .await?
        .iter()
        .map(|r| Gap { after_id: r.get(0), next_id: r.get(1), cause: r.get(2), noticed_at: r.get(3) })
        .collect();
    let error = s.links.lock().unwrap_or_else(|e| e.into_inner()).get(&hall_id).and_then(|l| l.error.clone());
    Ok(Json(HallPage { line, error, days, cases, gaps }))
}

/// The relay's messages not acknowledged yet (R14: 上报件 up, their progress back), oldest first:
/// what the county's IT worker looks at when a town says its report never arrived.
async fn relay_backlog(State(s): State<AppState>, headers: HeaderMap) -> CountyResult<Json<crate::relay::Backlog>> {
    signed_in(&s, &headers)?;
    Ok(Json(crate::relay::backlog(&s.pool).await?))
}

async fn health(State(s): State<AppState>) -> CountyResult<Json<serde_json::Value>> {
    let client = s.pool.get().await?;
    client.query_one("SELECT 1", &[]).await?;
    Ok(Json(serde_json::json!({ "status": "ok" })))
}

#[derive(Deserialize)]
struct ReportQuery {
    from: Option<String>,
    to: Option<String>,
    by: Option<String>,
    format: Option<String>,
    lang: Option<String>,
}

/// `GET /api/county/reports?from=&to=&by=hall|matter|day&format=json|csv&lang=zh|en`; the range
/// defaults to this month (in China's time) to today.
async fn reports(
    State(s): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>,
) -> CountyResult<axum::response::Response> {
    use axum::response::IntoResponse;
    signed_in(&s, &headers)?;
    let Query(q) = query.map_err(|e| CountyError::InvalidBody(e.body_text()))?;
    let today = (Utc::now() + chrono::Duration::hours(8)).date_naive();
    let to = q.to.unwrap_or_else(|| today.to_string());
    let from = match q.from {
        Some(f) => f,
        // The first of the month `to` is in.
        None => crate::reports::date("to", &to)?.format("%Y-%m-01").to_string(),
    };
    let (from, to) = crate::reports::range(&from, &to)?;
    let by = q.by.as_deref().unwrap_or("hall");
    let by = crate::reports::By::parse(by)
        .ok_or_else(|| CountyError::InvalidBody(format!("`by` is hall, matter or day, not `{by}`")))?;
    let english = match q.lang.as_deref() {
        None | Some("zh") => false,
        Some("en") => true,
        Some(l) => return Err(CountyError::InvalidBody(format!("`lang` is zh or en, not `{l}`"))),
    };
    let report = crate::reports::report(&s.pool, from, to, by).await?;
    match q.format.as_deref() {
        None | Some("json") => Ok(Json(report).into_response()),
        Some("csv") => {
            let name = format!(
                "county-{}-{from}-{to}.csv",
                serde_json::to_value(by).unwrap_or_default().as_str().unwrap_or("report")
            );
            Ok((
                [
                    (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
                ],
                crate::reports::csv(&report, english),
            )
                .into_response())
        }
        Some(f) => Err(CountyError::InvalidBody(format!("`format` is json or csv, not `{f}`"))),
    }
}
