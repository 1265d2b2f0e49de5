//! One way to start a real hall server for a test: the server's, the kiosk's and the display's
//! integration tests, the end-to-end tests and the bench use this kit.
//!
//! [`TestServer::start`] (or [`TestServer::options`] … `.start()`) binds `127.0.0.1:0` (or the
//! address asked for), opens a temporary database (kept by the handle) or the one given, and
//! serves through the production accept loop (`hall_server::http::conn::serve`). The server
//! reads a [`ManualClock`] at [`morning`] that the test moves, unless it asks for the wall
//! clock. It is ready once `start` returns (the listener is bound before serving): never sleep
//! to wait for it. [`TestServer::stop`] stops it gracefully and waits for the writer, so that a
//! server can start again on the same database ([`TestServer::restart`]).

pub mod child;
mod http;
mod sse;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use hall_server::clock::{Clock, SystemClock};
use hall_server::hall::Hall;
use hall_server::{app, config, AppState, Settings};
use tokio::sync::oneshot;

pub use hall_server::clock::ManualClock;
pub use http::{assert_error, Reply};
pub use sse::{Sse, SseEvent};

/// 2026-11-25 09:00 in Shanghai, a Wednesday: a working day of the sample hall, open.
pub fn morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 1, 0, 0).unwrap()
}

/// The router on a fresh database at the morning clock, for `oneshot` tests; `demo` enables the
/// demo accounts. Keep the folder while the router is used.
pub fn router(demo: bool) -> (tempfile::TempDir, axum::Router) {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(morning()));
    let settings = TestServer::options().demo(demo).settings(dir.path().join("hall.db"), clock);
    let (state, _writer) = AppState::start(settings).unwrap();
    (dir, app(state))
}

/// What a test varies about its server. The defaults: the sample hall with its demo accounts,
/// no kiosk rate limit, the hall's own hours, a fresh database, a free port, a hand-set clock at
/// [`morning`], and otherwise the command line's defaults.
#[derive(Clone)]
#[must_use]
pub struct Options {
    db: Option<PathBuf>,
    addr: SocketAddr,
    clock: Option<Arc<ManualClock>>,
    real_time: bool,
    hall: Option<Hall>,
    hall_from_file: bool,
    demo: bool,
    kiosk_rate_limit: u32,
    issue_any_time: bool,
    event_buffer: Option<usize>,
    sweep_every: Option<Duration>,
    max_streams_per_address: Option<usize>,
    public_url: Option<String>,
    header_timeout: Option<Duration>,
    tls: Option<TestTls>,
    trusted_proxies: Vec<std::net::IpAddr>,
    shipped_calendar: Option<&'static [(&'static str, &'static str)]>,
}

/// HTTPS for a test server: the acceptor it serves with and the CA certificate (PEM) that a
/// client trusts (see [`test_tls`]).
#[derive(Clone)]
pub struct TestTls {
    pub acceptor: tokio_rustls::TlsAcceptor,
    pub ca_pem: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            db: None,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            clock: None,
            real_time: false,
            hall: None,
            hall_from_file: false,
            demo: true,
            kiosk_rate_limit: 0,
            issue_any_time: false,
            event_buffer: None,
            sweep_every: None,
            max_streams_per_address: None,
            public_url: None,
            header_timeout: None,
            tls: None,
            trusted_proxies: Vec::new(),
            shipped_calendar: None,
        }
    }
}

impl Options {
    /// This database file instead of one in a temporary folder (which the handle keeps).
    /// Serve HTTPS (`https://` in `base`; `http` trusts the test CA).
    pub fn tls(mut self, tls: TestTls) -> Self {
        self.tls = Some(tls);
        self
    }

    /// This database file instead of one in a temporary folder (which the handle keeps).
    pub fn db(mut self, db: impl Into<PathBuf>) -> Self {
        self.db = Some(db.into());
        self
    }

    /// Listen here instead of on a free port of 127.0.0.1 (a server coming back on a port its
    /// clients already know).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// This clock instead of a new one at [`morning`] (to share one across servers).
    pub fn clock(mut self, clock: Arc<ManualClock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The wall clock instead of a hand-set one: for clients that judge what they get by their
    /// own clock (the display's stale calls). [`TestServer::clock`] is then refused.
    pub fn real_time(mut self) -> Self {
        self.real_time = true;
        self
    }

    /// This hall instead of the bundled sample.
    pub fn hall(mut self, hall: Hall) -> Self {
        self.hall = Some(hall);
        self
    }

    /// The hall comes from a configuration file (`--config`, as the packaged service runs).
    pub fn hall_from_file(mut self, yes: bool) -> Self {
        self.hall_from_file = yes;
        self
    }

    /// The demo accounts (`demo-kiosk`, `clerkN`, `director`, `admin`, password `demo`); on by
    /// default.
    pub fn demo(mut self, demo: bool) -> Self {
        self.demo = demo;
        self
    }

    /// Tickets per minute per kiosk device (0, the default here, is no cap).
    pub fn kiosk_rate_limit(mut self, per_minute: u32) -> Self {
        self.kiosk_rate_limit = per_minute;
        self
    }

    /// Issue at any hour and beyond quotas (`--issue-any-time`).
    pub fn issue_any_time(mut self, yes: bool) -> Self {
        self.issue_any_time = yes;
        self
    }

    /// Live events buffered per subscriber before it is caught up from the table.
    pub fn event_buffer(mut self, events: usize) -> Self {
        self.event_buffer = Some(events);
        self
    }

    /// How often windows whose clerk's session expired are closed.
    pub fn sweep_every(mut self, every: Duration) -> Self {
        self.sweep_every = Some(every);
        self
    }

    /// Live streams open at once from one address.
    pub fn max_streams_per_address(mut self, streams: usize) -> Self {
        self.max_streams_per_address = Some(streams);
        self
    }

    /// Where phones reach the server (`--public-url`).
    pub fn public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = Some(url.into());
        self
    }

    /// A reverse proxy whose `X-Forwarded-For` is believed (`--trusted-proxy`).
    pub fn trusted_proxy(mut self, address: std::net::IpAddr) -> Self {
        self.trusted_proxies.push(address);
        self
    }

    /// These calendar years shipped instead of the release's (a release that brings a year).
    pub fn shipped_calendar(mut self, years: &'static [(&'static str, &'static str)]) -> Self {
        self.shipped_calendar = Some(years);
        self
    }

    /// The accept loop's header time-out instead of the production one.
    pub fn header_timeout(mut self, timeout: Duration) -> Self {
        self.header_timeout = Some(timeout);
        self
    }

    /// The server's settings on `db` with `clock`.
    fn settings(&self, db: PathBuf, clock: Arc<dyn Clock>) -> Settings {
        let mut s = Settings::new(db, self.hall.clone().unwrap_or_else(config::sample), clock);
        s.demo = self.demo;
        s.hall_from_file = self.hall_from_file;
        s.kiosk_rate_limit = self.kiosk_rate_limit;
        s.issue_any_time = self.issue_any_time;
        s.event_buffer = self.event_buffer.unwrap_or(s.event_buffer);
        s.sweep_every = self.sweep_every.unwrap_or(s.sweep_every);
        s.max_streams_per_address = self.max_streams_per_address.unwrap_or(s.max_streams_per_address);
        s.public_url = self.public_url.clone();
        s.tls = self.tls.as_ref().map(|t| t.acceptor.clone());
        s.shipped_calendar = self.shipped_calendar.unwrap_or(s.shipped_calendar);
        s
    }

    /// Starts the server; it answers as soon as this returns.
    pub async fn start(self) -> TestServer {
        let (dir, db) = match &self.db {
            Some(db) => (None, db.clone()),
            None => {
                let dir = tempfile::tempdir().unwrap();
                let db = dir.path().join("hall.db");
                (Some(dir), db)
            }
        };
        let clock = match (self.real_time, &self.clock) {
            (true, _) => None,
            (false, Some(c)) => Some(c.clone()),
            (false, None) => Some(Arc::new(ManualClock::new(morning()))),
        };
        TestServer::launch(self, db, dir, clock).await
    }
}

/// A hall server running in this test's runtime. Dropping it stops the server too (without
/// waiting for its writer): call [`stop`](Self::stop) to restart on the same database.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub addr: SocketAddr,
    pub db: PathBuf,
    pub http: reqwest::Client,
    clock: Option<Arc<ManualClock>>,
    /// The server's state, for what no endpoint does (e.g. anchoring the audit trail now);
    /// dropped by `stop` so that the writer can finish.
    state: Option<AppState>,
    stop: Option<oneshot::Sender<()>>,
    serve: Option<tokio::task::JoinHandle<()>>,
    writer: Option<JoinHandle<()>>,
    dir: Option<tempfile::TempDir>,
    options: Options,
}

impl TestServer {
    /// A server with the default [`Options`].
    pub async fn start() -> TestServer {
        Self::options().start().await
    }

    pub fn options() -> Options {
        Options::default()
    }

    async fn launch(
        options: Options,
        db: PathBuf,
        dir: Option<tempfile::TempDir>,
        clock: Option<Arc<ManualClock>>,
    ) -> TestServer {
        let listener = tokio::net::TcpListener::bind(options.addr).await.expect("bind the test server's address");
        let addr = listener.local_addr().unwrap();
        let reads: Arc<dyn Clock> = match &clock {
            Some(c) => c.clone(),
            None => Arc::new(SystemClock),
        };
        let (state, writer) = AppState::start(options.settings(db.clone(), reads)).expect("the hall server starts");
        let (stop, stopped) = oneshot::channel::<()>();
        let serving = state.clone();
        let serve_options = hall_server::http::conn::Options {
            header_timeout: options.header_timeout.unwrap_or(hall_server::http::conn::HEADER_TIMEOUT),
            tls: options.tls.as_ref().map(|t| t.acceptor.clone()),
            trusted_proxies: options.trusted_proxies.clone().into(),
        };
        let serve = tokio::spawn(async move {
            let st = serving.clone();
            let stopped = async move {
                let _ = stopped.await;
                st.shutdown();
            };
            let app = app(serving);
            hall_server::http::conn::serve_with(listener, app, stopped, serve_options).await.unwrap();
        });
        let (scheme, http) = match &options.tls {
            None => ("http", reqwest::Client::new()),
            Some(t) => {
                let ca = reqwest::Certificate::from_pem(t.ca_pem.as_bytes()).unwrap();
                ("https", reqwest::Client::builder().add_root_certificate(ca).build().unwrap())
            }
        };
        TestServer {
            base: format!("{scheme}://{addr}"),
            addr,
            db,
            http,
            clock,
            state: Some(state),
            stop: Some(stop),
            serve: Some(serve),
            writer: Some(writer),
            dir,
            options,
        }
    }

    /// The server's clock, for the test to set or advance.
    pub fn clock(&self) -> &Arc<ManualClock> {
        self.clock.as_ref().expect("this server reads the wall clock (Options::real_time)")
    }

    pub fn state(&self) -> &AppState {
        self.state.as_ref().expect("running")
    }

    /// Stops gracefully (live streams ended, requests in flight finished) and waits for the
    /// writer to finish. Answers the temporary folder, if the kit made one, so that the database
    /// outlives the server as long as the test keeps it.
    pub async fn stop(mut self) -> Option<tempfile::TempDir> {
        self.halt().await;
        self.dir.take()
    }

    /// Stops, then starts again with the same options on the same database, clock and address.
    pub async fn restart(mut self) -> TestServer {
        self.halt().await;
        let options = Options { addr: self.addr, ..self.options.clone() };
        Self::launch(options, self.db.clone(), self.dir.take(), self.clock.clone()).await
    }

    /// Stops, then starts again on the same database, clock and address with another hall (a
    /// configuration file edited between two starts, with `hall_from_file`).
    pub async fn restart_with_hall(mut self, hall: Hall) -> TestServer {
        self.halt().await;
        let options = Options { addr: self.addr, hall: Some(hall), ..self.options.clone() };
        Self::launch(options, self.db.clone(), self.dir.take(), self.clock.clone()).await
    }

    async fn halt(&mut self) {
        self.state = None;
        self.stop.take().unwrap().send(()).unwrap();
        self.serve.take().unwrap().await.unwrap();
        let w = self.writer.take().unwrap();
        tokio::task::spawn_blocking(move || w.join().unwrap()).await.unwrap();
    }
}

/// A throwaway CA and a certificate it signed for `localhost` and 127.0.0.1, made now: the
/// server's acceptor and the CA's PEM for clients.
pub fn test_tls() -> TestTls {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, ca) = test_certificate_files(dir.path());
    TestTls { acceptor: hall_server::tls::acceptor(&cert, &key).unwrap(), ca_pem: std::fs::read_to_string(ca).unwrap() }
}

/// Writes a throwaway CA and a server certificate it signed (localhost, 127.0.0.1) into `dir`:
/// (server chain PEM, server key PEM, CA certificate PEM).
pub fn test_certificate_files(dir: &std::path::Path) -> (PathBuf, PathBuf, PathBuf) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.distinguished_name.push(DnType::CommonName, "Bianmin Hall test CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    params.distinguished_name.push(DnType::CommonName, "hall.test");
    let leaf = params.signed_by(&key, &ca, &ca_key).unwrap();
    let (cert_path, key_path, ca_path) = (dir.join("hall.pem"), dir.join("hall.key"), dir.join("ca.pem"));
    std::fs::write(&cert_path, leaf.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    std::fs::write(&ca_path, ca.pem()).unwrap();
    (cert_path, key_path, ca_path)
}
