//! The HTTP boundary: `app(state) -> Router`, the shared state, and one module per resource.

mod admin;
mod assessment;
mod attendance;
mod booking;
mod calendar;
mod cases;
mod complaints;
pub mod conn;
mod director;
mod events;
pub mod extract;
mod inspections;
mod kiosks;
mod leave;
mod metrics;
mod notice;
mod openapi;
mod pages;
mod petitions;
mod public;
mod ratings;
mod relay;
mod reports;
mod sessions;
mod startup;
pub mod streams;
mod ticket_stream;
mod tickets;
mod village;
mod windows;

use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{KioskLimiter, LoginThrottle};
use crate::clock::Clock;
use crate::error::{ApiError, Code};
use crate::hall::{Hall, SharedHall};
use crate::hub::Hub;
use crate::store::{self, ReadPool};
use crate::writer::Writer;

pub use metrics::Metrics;

/// Largest request body accepted (bytes).
pub const MAX_BODY: usize = 64 * 1024;

/// What the server needs to start.
pub struct Settings {
    pub db: PathBuf,
    pub hall: Hall,
    pub demo: bool,
    /// Tickets per minute per kiosk device; 0 = no cap.
    pub kiosk_rate_limit: u32,
    pub clock: Arc<dyn Clock>,
    /// Live events buffered per subscriber before it is caught up from the table instead.
    pub event_buffer: usize,
    /// How often windows whose clerk's session expired are closed (and displays told).
    pub sweep_every: std::time::Duration,
    /// The hall came from a `--config` file: it wins over the hall saved on the admin page when
    /// it is new or changed since the last start (see `startup::hall_in_force`).
    pub hall_from_file: bool,
    /// Where citizens' phones reach this server (`--public-url`, e.g. `https://hall.example.cn`):
    /// a ticket's `status_url` is absolute under it; without it the URL is a path (`/t/<token>`).
    pub public_url: Option<String>,
    /// Issue tickets at any hour and beyond daily quotas (`--issue-any-time`: demonstrations,
    /// training, tests), as if the director reopened issuing every day.
    pub issue_any_time: bool,
    /// The server's key file (`--key`); default `<database>.key`.
    pub key_file: Option<PathBuf>,
    /// Make a new key for a database made with another (`--new-key`: its key is lost for good).
    pub new_key: bool,
    /// Live streams (SSE) open at once, in total and from one address.
    pub max_streams: usize,
    pub max_streams_per_address: usize,
    /// Serve HTTPS (`--tls-cert`, `--tls-key`) instead of plain HTTP.
    pub tls: Option<tokio_rustls::TlsAcceptor>,
    /// The hall's reverse proxies (`--trusted-proxy`): their `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The calendar years this release ships (`calendar_data::SHIPPED`; fewer in tests).
    pub shipped_calendar: &'static [store::calendar::Shipped],
}

impl Settings {
    /// Defaults of the command line: no demo accounts, 30 tickets per minute per kiosk.
    pub fn new(db: impl Into<PathBuf>, hall: Hall, clock: Arc<dyn Clock>) -> Self {
        Settings {
            db: db.into(),
            hall,
            demo: false,
            kiosk_rate_limit: 30,
            clock,
            event_buffer: 8192,
            sweep_every: std::time::Duration::from_secs(30),
            hall_from_file: false,
            public_url: None,
            issue_any_time: false,
            key_file: None,
            new_key: false,
            max_streams: 3000,
            max_streams_per_address: 300,
            tls: None,
            trusted_proxies: Vec::new(),
            shipped_calendar: &crate::calendar_data::SHIPPED,
        }
    }
}

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    hall: SharedHall,
    /// The live staff sessions, kept by the writer.
    sessions: crate::sessions::SharedSessions,
    calendar: crate::hall::SharedCalendar,
    writer: Writer,
    reads: Arc<ReadPool>,
    hub: Hub,
    clock: Arc<dyn Clock>,
    demo: bool,
    throttle: LoginThrottle,
    kiosks: KioskLimiter,
    case_queries: crate::auth::QueryLimiter,
    /// Addresses refused for guessing booking codes, until their wait is over.
    booking_guessers: crate::auth::Guessers,
    /// Bookings and cancellations, per address (30 a minute).
    booking_requests: crate::auth::QueryLimiter,
    /// Ratings from phones: 10 a minute per ticket, 60 per address.
    rating_posts: crate::auth::CitizenPosts,
    /// Online complaints: 3 an hour per ticket, 30 per address.
    online_complaints: crate::auth::CitizenPosts,
    metrics: Metrics,
    shutdown: CancellationToken,
    /// Concurrent argon2 checks (each takes 19 MiB and a core).
    password_checks: crate::auth::PasswordChecks,
    /// `--public-url` without a trailing `/`; empty when not given.
    public_url: String,
    /// Served over TLS (`--tls-cert`): an address made from a request's `Host` is `https://`.
    https: bool,
    issue_any_time: bool,
    server_key: crate::secret::ServerKey,
    streams: std::sync::Arc<streams::StreamGate>,
    /// Where the audit trail's anchors are appended, and the latest one.
    anchors_file: PathBuf,
    /// The database's path (its backups' log is beside it).
    db: PathBuf,
    /// Held across an anchoring, so that two never interleave (the sweeper and a caller).
    last_anchor: tokio::sync::Mutex<Option<store::anchors::Anchor>>,
}

impl AppState {
    /// Opens (creating or migrating) the database and starts the writer thread. The thread
    /// ends once every clone of the state is dropped; join the handle to flush it.
    pub fn start(settings: Settings) -> anyhow::Result<(AppState, JoinHandle<()>)> {
        let key_file = settings.key_file.clone().unwrap_or_else(|| crate::secret::ServerKey::path_for(&settings.db));
        let db_lock = crate::backup::lock(&settings.db)?;
        let conn = store::open_writer(&settings.db)?;
        let server_key = startup::key_of(&conn, &key_file, settings.new_key)?;
        let now_ms = store::ms(settings.clock.now());
        let new_database = store::calendar::ship_into_new(&conn, settings.shipped_calendar, now_ms)?;
        let calendar = store::calendar::load(&conn)?;
        let settings_sweep = settings.sweep_every;
        let public_url = settings.public_url.unwrap_or_default().trim_end_matches('/').to_string();
        let hall =
            startup::hall_in_force(&conn, settings.hall, settings.hall_from_file, (&calendar, now_ms), &public_url)?;
        let mut hall = hall;
        hall.hours.any_time = settings.issue_any_time;
        let calendar = match new_database {
            true => calendar,
            false => startup::released_years(&conn, (&hall, calendar), &public_url, settings.shipped_calendar, now_ms)?,
        };
        let calendar = crate::hall::SharedCalendar::new(calendar);
        let usernames: Vec<&str> = hall.staff.iter().map(|p| p.username.as_str()).collect();
        let today = crate::domain::numbering::local_day(settings.clock.now(), hall.timezone);
        store::attendance::record_staff_at_start(&conn, &usernames, &today.to_string())?;
        let hall = SharedHall::new(hall);
        let hub = Hub::new(settings.event_buffer.max(1));
        hub.start_after(store::events::last_given_id(&conn)?);
        let in_force = crate::writer::InForceAll {
            hall: hall.clone(),
            calendar: calendar.clone(),
            public_url: Arc::from(public_url.as_str()),
            sessions: crate::sessions::SharedSessions::default(),
        };
        let sessions = in_force.sessions.clone();
        let (writer, handle) = Writer::start(conn, in_force, settings.clock.clone(), hub.clone(), Some(db_lock))?;
        let state = AppState(Arc::new(Inner {
            hall,
            sessions,
            writer,
            reads: Arc::new(ReadPool::new(&settings.db)),
            hub,
            clock: settings.clock,
            demo: settings.demo,
            throttle: LoginThrottle::default(),
            kiosks: KioskLimiter::new(settings.kiosk_rate_limit),
            case_queries: Default::default(),
            booking_guessers: Default::default(),
            booking_requests: Default::default(),
            rating_posts: ratings::posts_limits(),
            online_complaints: complaints::online_limits(),
            metrics: Metrics::new(),
            shutdown: CancellationToken::new(),
            password_checks: crate::auth::PasswordChecks::new(2),
            public_url,
            https: settings.tls.is_some(),
            calendar,
            issue_any_time: settings.issue_any_time,
            server_key,
            streams: streams::StreamGate::new(settings.max_streams, settings.max_streams_per_address),
            anchors_file: store::anchors::path_for(&settings.db),
            db: settings.db.clone(),
            last_anchor: tokio::sync::Mutex::new(None),
        }));
        state.start_sweeper(settings_sweep);
        Ok((state, handle))
    }

    /// Every `every`, closes windows whose clerk's session expired. Runs while a tokio
    /// runtime is there and until shutdown; holds only a weak reference to the state.
    fn start_sweeper(&self, every: std::time::Duration) {
        let Ok(rt) = tokio::runtime::Handle::try_current() else { return };
        let weak = Arc::downgrade(&self.0);
        let stop = self.0.shutdown.clone();
        rt.spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = stop.cancelled() => return,
                    _ = tick.tick() => {}
                }
                let Some(inner) = weak.upgrade() else { return };
                let writer = inner.writer.clone();
                drop(inner);
                if let Err(e) = writer.submit(crate::ops::Actor::System, crate::ops::Op::ExpireSessions, None).await {
                    tracing::warn!(error = ?e, "closing windows of expired sessions failed");
                }
                if let Err(e) = writer.submit(crate::ops::Actor::System, crate::ops::Op::CheckIssuing, None).await {
                    tracing::warn!(error = ?e, "publishing the issuing state failed");
                }
                if let Err(e) = writer.submit(crate::ops::Actor::System, crate::ops::Op::CloseDays, None).await {
                    tracing::error!(error = ?e, "the day-close step failed");
                }
                if let Some(inner) = weak.upgrade() {
                    if inner.streams.take_closed() > 0 {
                        give_freed_memory_back();
                    }
                    if let Err(e) = AppState(inner).anchor_audit().await {
                        tracing::error!(error = ?e, "anchoring the audit trail failed");
                    }
                }
            }
        });
    }

    /// Signs the audit trail's head with the server's key and appends it to the anchors file
    /// and the log, when it moved since the last anchor. The sweeper calls this.
    pub async fn anchor_audit(&self) -> anyhow::Result<Option<store::anchors::Anchor>> {
        let mut last = self.0.last_anchor.lock().await;
        let head = self.reads().run(|c| Ok(store::anchors::head(c)?)).await?;
        let Some((id, hash)) = head else { return Ok(None) };
        if last.as_ref().is_some_and(|a| a.id == id && a.hash == hash) {
            return Ok(None);
        }
        let at = store::reads::fmt_time(&self.hall(), store::ms(self.now()));
        let anchor = store::anchors::Anchor::sign(self.server_key(), at, id, hash);
        // The head read may be committed and its flush still running: synced first, the anchor
        // never names a row that a crash would take back (a false alarm of tampering) — and none
        // once a flush failed (this process's sync would not see the disk's error again).
        let db = self.0.db.clone();
        tokio::task::spawn_blocking(move || crate::writer::sync_log(&db)).await??;
        if self.writer().writes_lost() {
            return Ok(None);
        }
        let (path, line) = (self.0.anchors_file.clone(), anchor.clone());
        tokio::task::spawn_blocking(move || store::anchors::record(&path, &line)).await??;
        *last = Some(anchor.clone());
        Ok(Some(anchor))
    }

    /// The latest anchor of the audit trail this server made.
    pub async fn last_anchor(&self) -> Option<store::anchors::Anchor> {
        self.0.last_anchor.lock().await.clone()
    }

    /// The caps on live streams.
    pub fn streams(&self) -> &std::sync::Arc<streams::StreamGate> {
        &self.0.streams
    }

    /// The key kept beside the database (retry fingerprints, audit anchors).
    pub fn server_key(&self) -> &crate::secret::ServerKey {
        &self.0.server_key
    }

    /// A hall as this server runs it: `--issue-any-time` applied.
    pub fn adapt_hall(&self, mut hall: Hall) -> Hall {
        hall.hours.any_time = self.0.issue_any_time;
        hall
    }

    pub fn hall(&self) -> Arc<Hall> {
        self.0.hall.get()
    }
    /// The applicant's case queries, per address.
    pub fn case_queries(&self) -> &crate::auth::QueryLimiter {
        &self.0.case_queries
    }
    /// Addresses refused for guessing booking codes.
    pub fn booking_guessers(&self) -> &crate::auth::Guessers {
        &self.0.booking_guessers
    }
    /// Bookings and cancellations, per address.
    pub fn booking_requests(&self) -> &crate::auth::QueryLimiter {
        &self.0.booking_requests
    }
    /// Ratings from phones, per ticket and per address.
    pub fn rating_posts(&self) -> &crate::auth::CitizenPosts {
        &self.0.rating_posts
    }
    /// The online complaints' limits, per ticket and per address.
    pub fn online_complaints(&self) -> &crate::auth::CitizenPosts {
        &self.0.online_complaints
    }
    /// The working-day calendar in force.
    pub fn calendar(&self) -> Arc<crate::domain::calendar::Calendar> {
        self.0.calendar.get()
    }
    /// Runs `f` on a read connection with the hall in force, its calendar, today and now: what
    /// every read of the issuing state, the queues and the matters asks with.
    pub async fn read_now<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Connection, store::issuing::At) -> anyhow::Result<T> + Send + 'static,
    {
        let (hall, calendar, now, day) = (self.hall(), self.calendar(), self.now(), self.today());
        self.reads()
            .run(move |c| f(c, store::issuing::At { hall: &hall, calendar: &calendar, day: &day, now }))
            .await
            .map_err(ApiError::Internal)
    }
    /// `--public-url` without its trailing `/` (empty: links are paths).
    pub fn public_url(&self) -> &str {
        &self.0.public_url
    }
    /// Whether the server answers over TLS (its own addresses are `https://`).
    pub fn https(&self) -> bool {
        self.0.https
    }
    pub fn now(&self) -> DateTime<Utc> {
        self.0.clock.now()
    }
    /// The staff session of a token hash, if it is live now.
    pub fn session(&self, token_hash: &str) -> Option<crate::store::windows::SessionRow> {
        let now_ms = store::ms(self.now());
        self.0.sessions.get().find(token_hash, now_ms).cloned()
    }
    pub fn reads(&self) -> &Arc<ReadPool> {
        &self.0.reads
    }
    pub fn writer(&self) -> &Writer {
        &self.0.writer
    }
    pub fn hub(&self) -> &Hub {
        &self.0.hub
    }
    /// Whether demo accounts and devices are enabled (`--demo`).
    /// The last good backup on record (`<database>.backups`): when (unix ms) and where.
    pub fn last_backup(&self) -> Option<(i64, String)> {
        crate::backup::last(&self.0.db)
    }

    pub fn demo(&self) -> bool {
        self.0.demo
    }
    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }
    /// The address of a ticket's status page: under `--public-url` when given, else a path.
    pub fn status_url(&self, token: &str) -> String {
        format!("{}/t/{token}", self.0.public_url)
    }
    /// Ends live streams so that a graceful shutdown can finish.
    pub fn shutdown(&self) {
        self.0.shutdown.cancel();
    }
    fn shutdown_token(&self) -> CancellationToken {
        self.0.shutdown.clone()
    }
    /// The hall's local date today, `YYYY-MM-DD`.
    pub fn today(&self) -> String {
        crate::domain::numbering::local_day(self.now(), self.hall().timezone).to_string()
    }
}

pub fn app(state: AppState) -> Router {
    let (api, doc) = api().split_for_parts();
    api.route("/api/openapi.json", get(openapi::serve(doc)))
        .route("/metrics", get(metrics::metrics))
        .route("/", get(pages::index))
        .route("/clerk", get(pages::clerk))
        .route("/director", get(pages::director))
        .route("/admin", get(pages::admin))
        .route("/reports", get(pages::reports))
        .route("/inspections", get(pages::inspections))
        .route("/village", get(pages::village))
        .route("/reports/month", get(pages::monthly))
        .route("/t/{token}", get(pages::ticket))
        .route("/ticket-sw.js", get(pages::ticket_worker))
        .route("/c/{token}", get(pages::case))
        .route("/book", get(pages::book))
        .route("/book/{code}", get(pages::booking))
        .route("/book/{code}/qr.svg", get(pages::booking_qr))
        .route("/evaluate", get(pages::evaluate))
        .route("/c/{token}/qr.svg", get(cases::qr))
        .route("/cases/{number}/notice/{kind}", get(pages::notice))
        .route("/complaints/{id}/letter", get(pages::letter))
        .route("/petitions/{id}/transfer-slip", get(pages::petition))
        .route("/petitions/{id}/notice", get(pages::petition))
        .route("/assets/{file}", get(pages::asset))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(conn::BODY_TIMEOUT))
        .layer(axum::middleware::from_fn(conn::refuse_oversized))
        .layer(CatchPanicLayer::custom(panic_answer))
        // Answers carry names, phone numbers and complaints: no browser or proxy keeps them (a
        // workstation's browser shared by clerks kept them on disk past the session and the
        // purge), and none is read as another type. Outside the layers that answer by
        // themselves (a body too large or too slow, a panic), so theirs are covered too; a page
        // or picture that says how it may be kept (`no-cache`, a QR code's hour) keeps its own.
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// A request's span in the log: its method and route, never its path or query. A ticket's,
/// case's or booking's address opens a citizen's page, and a case query carries its check code.
fn request_span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let route = req.extensions().get::<axum::extract::MatchedPath>().map_or("(none)", |p| p.as_str());
    tracing::debug_span!("request", method = %req.method(), route)
}

/// The API: each endpoint declared once, by its handler's `#[utoipa::path]`, which gives both
/// the route and its entry in the OpenAPI document.
fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(<openapi::ApiDoc as utoipa::OpenApi>::openapi())
        .routes(routes!(public::health))
        .routes(routes!(public::hall))
        .routes(routes!(notice::set_notice))
        .routes(routes!(public::services))
        .routes(routes!(public::windows))
        .routes(routes!(public::queues))
        .routes(routes!(public::recent_calls))
        .routes(routes!(public::staff_photo))
        .routes(routes!(tickets::issue_ticket))
        .routes(routes!(booking::booking_days))
        .routes(routes!(booking::slots))
        .routes(routes!(booking::book, booking::day_list))
        .routes(routes!(booking::check_in))
        .routes(routes!(booking::get))
        .routes(routes!(booking::cancel))
        .routes(routes!(booking::excuse))
        .routes(routes!(public::ticket))
        .routes(routes!(tickets::requeue))
        .routes(routes!(public::ticket_view))
        .routes(routes!(ticket_stream::ticket_events))
        .routes(routes!(kiosks::report_fault))
        .routes(routes!(kiosks::list))
        .routes(routes!(sessions::login))
        .routes(routes!(sessions::logout))
        .routes(routes!(sessions::me))
        .routes(routes!(public::window_stats))
        .routes(routes!(windows::call_next))
        .routes(routes!(windows::stand_in))
        .routes(routes!(windows::recall))
        .routes(routes!(windows::start))
        .routes(routes!(windows::no_show))
        .routes(routes!(windows::transfer))
        .routes(routes!(windows::finish))
        .routes(routes!(windows::register_left_open))
        .routes(routes!(windows::finish_visit))
        .routes(routes!(windows::left_open))
        .routes(routes!(windows::to_archive))
        .routes(routes!(windows::pause))
        .routes(routes!(windows::resume))
        .routes(routes!(windows::no_shows))
        .routes(routes!(events::events))
        .routes(routes!(director::today))
        .routes(routes!(director::reopen_issuing))
        .merge(
            // A whole hall's configuration: larger than any other JSON body (refuse_oversized knows).
            OpenApiRouter::new()
                .routes(routes!(admin::get, admin::save))
                .layer(DefaultBodyLimit::max(admin::MAX_HALL_BODY)),
        )
        .routes(routes!(cases::list))
        .routes(routes!(cases::get))
        .routes(routes!(cases::materials_complete))
        .routes(routes!(cases::archive))
        .routes(routes!(cases::objection))
        .routes(routes!(cases::extend))
        .routes(routes!(cases::close))
        .routes(routes!(cases::record_part))
        .routes(routes!(cases::record_meeting))
        .routes(routes!(cases::assign))
        .routes(routes!(cases::progress))
        .routes(routes!(cases::by_token))
        .routes(routes!(ticket_stream::case_events))
        .routes(routes!(complaints::list, complaints::register))
        .routes(routes!(complaints::get))
        .routes(routes!(complaints::investigate))
        .routes(routes!(complaints::answer))
        .routes(routes!(complaints::close))
        .routes(routes!(complaints::online))
        .routes(routes!(complaints::mine))
        .routes(routes!(petitions::list, petitions::register))
        .routes(routes!(petitions::alerts))
        .routes(routes!(petitions::get))
        .routes(routes!(petitions::transfer))
        .routes(routes!(petitions::answer))
        .routes(routes!(petitions::close))
        .routes(routes!(petitions::acknowledge))
        .routes(routes!(village::list, village::register))
        .routes(routes!(village::get))
        .routes(routes!(village::forward))
        .routes(routes!(village::replied))
        .routes(routes!(village::accept))
        .routes(routes!(village::agents))
        .routes(routes!(village::hand_over))
        .routes(routes!(leave::list, leave::request))
        .routes(routes!(leave::mine))
        .routes(routes!(leave::get))
        .routes(routes!(leave::approve))
        .routes(routes!(leave::refuse))
        .routes(routes!(leave::cancel))
        .routes(routes!(calendar::working_days))
        .routes(routes!(calendar::day))
        .routes(routes!(calendar::years))
        .routes(routes!(calendar::add_year))
        .routes(routes!(ratings::rate_ticket))
        .routes(routes!(ratings::rate_case))
        .routes(routes!(ratings::evaluator))
        .routes(routes!(ratings::rate_at_window))
        .routes(routes!(ratings::follow_ups))
        .routes(routes!(ratings::follow_up))
        .routes(routes!(ratings::contact_follow_up))
        .routes(routes!(ratings::close_follow_up))
        .routes(routes!(ratings::summary))
        .routes(routes!(ratings::mine))
        .routes(routes!(reports::summary))
        .routes(routes!(reports::chart))
        .routes(routes!(attendance::list))
        .routes(routes!(attendance::mine))
        .routes(routes!(attendance::explain))
        .routes(routes!(attendance::acknowledge))
        .routes(routes!(assessment::month_sheets))
        .routes(routes!(assessment::mine))
        .routes(routes!(assessment::close))
        .merge(
            // The one route whose body may hold photos (refuse_oversized knows it too).
            OpenApiRouter::new()
                .routes(routes!(inspections::list, inspections::record))
                .layer(DefaultBodyLimit::max(inspections::MAX_INSPECTION_BODY)),
        )
        .routes(routes!(inspections::mine))
        .routes(routes!(inspections::clerks))
        .routes(routes!(inspections::get))
        .routes(routes!(inspections::photo_bytes))
        .routes(routes!(inspections::withdraw))
        .routes(routes!(relay::outbox))
        .routes(routes!(relay::ack))
        .routes(routes!(relay::inbox))
        .routes(routes!(relay::list))
        .routes(routes!(relay::get))
        .routes(routes!(relay::accept))
        .routes(routes!(relay::extend))
        .routes(routes!(relay::assign))
        .routes(routes!(relay::close))
}

/// The largest body a request to `path` may send.
pub fn body_limit(method: &axum::http::Method, path: &str) -> usize {
    if method == axum::http::Method::POST && path == "/api/inspections" {
        inspections::MAX_INSPECTION_BODY
    } else if method == axum::http::Method::POST && path == "/api/admin/hall" {
        admin::MAX_HALL_BODY
    } else {
        MAX_BODY
    }
}

/// The OpenAPI document of every endpoint, as `GET /api/openapi.json` serves it.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    api().split_for_parts().1
}

/// Closed live streams leave their buffers in the allocator's free lists; ask glibc to return
/// what it can to the system, so that memory comes back after a crowd of phones leaves.
fn give_freed_memory_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory at the allocator's own discretion.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// A bug must not drop the connection: log it and answer the contract's 500.
fn panic_answer(panic: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let what = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    axum::response::IntoResponse::into_response(ApiError::internal(anyhow::anyhow!("handler panicked: {what}")))
}

async fn not_found() -> ApiError {
    ApiError::new(Code::NotFound, "no such endpoint; see /api/openapi.json")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(Code::MethodNotAllowed, "this endpoint does not take that method")
}

/// Hands an op to the writer with its retry key (the request fingerprinted with the server's key) and waits
/// for the committed answer.
pub(super) async fn submit(
    s: &AppState,
    actor: crate::ops::Actor,
    op: crate::ops::Op,
    key: extract::RetryKey,
    body: &[u8],
) -> crate::error::ApiResult<crate::ops::Answer> {
    s.writer().submit(actor, op, key.idempotency(s.server_key(), body)).await
}

/// Whether this request repeats one already answered (its retry key is stored): a retry gets its
/// first answer whatever a rate limit says. Asked only when a limit would refuse: the database
/// is not read for every request to find the rare retry.
pub(super) async fn is_retry(
    s: &AppState,
    actor: &crate::ops::Actor,
    key: &extract::RetryKey,
) -> crate::error::ApiResult<bool> {
    let Some(k) = key.key.clone() else { return Ok(false) };
    let (caller, since) = (actor.idempotency_caller(), crate::store::ms(s.now()) - 24 * 3600 * 1000);
    s.reads()
        .run(move |c| Ok(crate::store::idempotency::exists(c, &caller, &k, since)?))
        .await
        .map_err(ApiError::Internal)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use axum::body::Body;
    use axum::http::Request;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;
    use tower_http::trace::TraceLayer;

    #[derive(Clone, Default)]
    struct Log(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Log {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn the_request_log_names_the_route_never_a_citizens_address_or_code() {
        let log = Log::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let app: Router = Router::new()
            .route("/api/cases/{number}", get(|| async { "ok" }))
            .layer(TraceLayer::new_for_http().make_span_with(super::request_span));
        let req = Request::get("/api/cases/20261125-0003?code=K7Q2M9").body(Body::empty()).unwrap();
        assert_eq!(app.oneshot(req).await.unwrap().status(), 200);
        let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        assert!(text.contains("/api/cases/{number}"), "{text}");
        assert!(!text.contains("K7Q2M9") && !text.contains("20261125-0003"), "{text}");
    }
}
