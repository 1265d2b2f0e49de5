//! `GET /metrics` in Prometheus text format.

use std::sync::Mutex;
use std::time::Duration;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use prometheus_client::encoding::{text::encode, EncodeLabelSet};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use super::AppState;
use crate::error::{ApiError, ApiResult};
use crate::store::events::Audience;
use crate::store::{self, reads};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLabel {
    queue: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AudienceLabel {
    audience: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KioskLabel {
    kiosk: String,
}

/// A stream's label: `display` for the hall's displays (they say so in their `User-Agent`), so
/// that an alert on no display connected is not kept quiet by evaluators or phones; else its
/// audience.
fn audience_label(a: Audience, display: bool) -> AudienceLabel {
    let audience = match a {
        _ if display => "display",
        Audience::Public => "public",
        Audience::Staff => "staff",
        Audience::Director => "director",
        Audience::County => "county",
    };
    AudienceLabel { audience }
}

pub struct Metrics {
    registry: Mutex<Registry>,
    issued: Family<QueueLabel, Counter>,
    waiting: Family<QueueLabel, Gauge>,
    call_latency: Histogram,
    sse_clients: Gauge,
    sse_catch_ups: Counter,
    cases_open: Gauge,
    cases_overdue: Gauge,
    case_files_overdue: Gauge,
    follow_ups_overdue: Gauge,
    complaints_overdue: Gauge,
    petitions_overdue: Gauge,
    // What monitoring must not miss (deploy/prometheus/hall-alerts.yml).
    writer_up: Gauge,
    streams: Family<AudienceLabel, Gauge>,
    oldest_wait: Family<QueueLabel, Gauge>,
    wait_warning: Gauge,
    printer_fault: Family<KioskLabel, Gauge>,
    last_backup: Gauge,
}

impl Metrics {
    pub fn new() -> Self {
        let issued = Family::<QueueLabel, Counter>::default();
        let waiting = Family::<QueueLabel, Gauge>::default();
        let call_latency = Histogram::new(exponential_buckets(0.0005, 2.0, 14));
        let sse_clients = Gauge::default();
        let sse_catch_ups = Counter::default();
        let mut r = Registry::with_prefix("hall");
        r.register("tickets_issued", "Tickets issued since the server started", issued.clone());
        r.register("waiting", "Tickets waiting now, per queue", waiting.clone());
        r.register("call_next_latency_seconds", "Time to answer a call-next (commit included)", call_latency.clone());
        r.register("sse_clients", "Connected live event streams", sse_clients.clone());
        r.register(
            "sse_catch_ups",
            "Times a slow event stream fell behind the live buffer and was caught up from the table",
            sse_catch_ups.clone(),
        );
        let (cases_open, cases_overdue) = (Gauge::default(), Gauge::default());
        r.register("cases_open", "Cases not closed (running or waiting for materials)", cases_open.clone());
        r.register("cases_overdue", "Running cases past their deadline", cases_overdue.clone());
        let case_files_overdue = Gauge::default();
        r.register(
            "case_files_overdue",
            "Closed cases' files not archived by their date (R17)",
            case_files_overdue.clone(),
        );
        // Not the open follow-ups: anyone may read /metrics, and that count rises the moment a
        // citizen rates badly (a clerk reading it before and after would know who did).
        let follow_ups_overdue = Gauge::default();
        r.register("follow_ups_overdue", "Bad ratings' follow-ups past a deadline", follow_ups_overdue.clone());
        let (complaints_overdue, petitions_overdue) = (Gauge::default(), Gauge::default());
        r.register("complaints_overdue", "Complaints not answered by their due date", complaints_overdue.clone());
        r.register("petitions_overdue", "Petitions not answered by their due date", petitions_overdue.clone());
        let (writer_up, wait_warning, last_backup) = (Gauge::default(), Gauge::default(), Gauge::default());
        let streams = Family::<AudienceLabel, Gauge>::default();
        let oldest_wait = Family::<QueueLabel, Gauge>::default();
        let printer_fault = Family::<KioskLabel, Gauge>::default();
        r.register("writer_up", "1 when the writer commits, 0 when it cannot (health answers 503)", writer_up.clone());
        r.register(
            "event_streams",
            "Live event streams by audience: display the hall's displays, public other anonymous ones (phones, evaluators), county the county service",
            streams.clone(),
        );
        r.register(
            "oldest_wait_minutes",
            "Minutes the longest-waiting citizen of a queue has waited",
            oldest_wait.clone(),
        );
        r.register(
            "wait_warning_minutes",
            "The hall's wait warning (policy.wait_warning_minutes)",
            wait_warning.clone(),
        );
        r.register(
            "kiosk_printer_fault_seconds",
            "Seconds a kiosk's printer fault has been open (0: no fault)",
            printer_fault.clone(),
        );
        r.register(
            "last_backup_timestamp_seconds",
            "When the last good backup was taken (unix seconds; 0: never)",
            last_backup.clone(),
        );
        Metrics {
            registry: Mutex::new(r),
            writer_up,
            streams,
            oldest_wait,
            wait_warning,
            printer_fault,
            last_backup,
            issued,
            waiting,
            call_latency,
            sse_clients,
            sse_catch_ups,
            cases_open,
            cases_overdue,
            case_files_overdue,
            follow_ups_overdue,
            complaints_overdue,
            petitions_overdue,
        }
    }

    pub fn ticket_issued(&self, queue: &str) {
        self.issued.get_or_create(&QueueLabel { queue: queue.to_string() }).inc();
    }

    pub fn call_latency(&self, d: Duration) {
        self.call_latency.observe(d.as_secs_f64());
    }

    pub fn sse_connected(&self) {
        self.sse_clients.inc();
    }

    /// A hall event stream opened (counted by audience as well as in `sse_clients`).
    pub fn stream_opened(&self, audience: Audience, display: bool) {
        self.sse_clients.inc();
        self.streams.get_or_create(&audience_label(audience, display)).inc();
    }

    pub fn stream_closed(&self, audience: Audience, display: bool) {
        self.sse_clients.dec();
        self.streams.get_or_create(&audience_label(audience, display)).dec();
    }

    pub fn sse_caught_up(&self) {
        self.sse_catch_ups.inc();
    }

    pub fn sse_disconnected(&self) {
        self.sse_clients.dec();
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

pub async fn metrics(State(s): State<AppState>) -> ApiResult<impl IntoResponse> {
    let now_ms = store::ms(s.now());
    let queues = s.read_now(reads::queues).await?;
    let kiosks = s.reads().run(|c| Ok(store::kiosks::all(c)?)).await.map_err(ApiError::Internal)?;
    let m = s.metrics();
    // Only the queues and kiosks the hall has now: one removed on /admin must not keep its last
    // figure (a printer fault or a long wait alerting until a restart). Cleared and set again
    // with nothing awaited between, so that a scrape running beside this one sees every series.
    m.oldest_wait.clear();
    m.waiting.clear();
    m.printer_fault.clear();
    for k in s.hall().kiosks.iter() {
        let open = kiosks.iter().find(|r| r.kiosk_id == k.id && r.fault.is_some());
        let seconds = open.map_or(0, |r| (now_ms - r.at_ms).max(0) / 1000);
        m.printer_fault.get_or_create(&KioskLabel { kiosk: k.id.clone() }).set(seconds);
    }
    for q in queues {
        m.oldest_wait.get_or_create(&QueueLabel { queue: q.queue.clone() }).set(i64::from(q.oldest_wait_minutes));
        m.waiting.get_or_create(&QueueLabel { queue: q.queue }).set(q.waiting as i64);
    }
    m.wait_warning.set(i64::from(s.hall().policy.wait_warning_minutes));
    m.writer_up.set(i64::from(s.writer().health().is_ok()));
    m.last_backup.set(s.last_backup().map_or(0, |(at_ms, _)| at_ms / 1000));
    for a in [Audience::Public, Audience::Staff, Audience::Director, Audience::County] {
        let _ = m.streams.get_or_create(&audience_label(a, false));
    }
    let _ = m.streams.get_or_create(&audience_label(Audience::Public, true));
    let cases = super::cases::overview(&s).await?;
    m.cases_open.set(cases.open as i64);
    m.cases_overdue.set(cases.overdue as i64);
    m.case_files_overdue.set(i64::from(cases.files_overdue));
    let feedback = super::ratings::overview(&s).await?;
    m.follow_ups_overdue.set(i64::from(feedback.follow_ups_overdue));
    m.complaints_overdue.set(i64::from(feedback.complaints_overdue));
    m.petitions_overdue.set(i64::from(feedback.petitions_overdue));
    let mut text = String::new();
    encode(&mut text, &m.registry.lock().unwrap()).map_err(ApiError::internal)?;
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text))
}
