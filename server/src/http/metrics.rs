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
use crate::store::{self, reads};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLabel {
    queue: String,
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
    follow_ups_open: Gauge,
    follow_ups_overdue: Gauge,
    complaints_overdue: Gauge,
    petitions_overdue: Gauge,
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
        let (follow_ups_open, follow_ups_overdue) = (Gauge::default(), Gauge::default());
        r.register("follow_ups_open", "Bad ratings' follow-ups not closed", follow_ups_open.clone());
        r.register("follow_ups_overdue", "Bad ratings' follow-ups past a deadline", follow_ups_overdue.clone());
        let (complaints_overdue, petitions_overdue) = (Gauge::default(), Gauge::default());
        r.register("complaints_overdue", "Complaints not answered by their due date", complaints_overdue.clone());
        r.register("petitions_overdue", "Petitions not answered by their due date", petitions_overdue.clone());
        Metrics {
            registry: Mutex::new(r),
            issued,
            waiting,
            call_latency,
            sse_clients,
            sse_catch_ups,
            cases_open,
            cases_overdue,
            follow_ups_open,
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
    let (hall, now_ms, day) = (s.hall(), store::ms(s.now()), s.today());
    let queues = s.reads().run(move |c| reads::queues(c, &hall, &day, now_ms)).await.map_err(ApiError::Internal)?;
    let m = s.metrics();
    for q in queues {
        m.waiting.get_or_create(&QueueLabel { queue: q.queue }).set(q.waiting as i64);
    }
    let cases = super::cases::overview(&s).await?;
    m.cases_open.set(cases.open as i64);
    m.cases_overdue.set(cases.overdue as i64);
    let feedback = super::ratings::overview(&s).await?;
    m.follow_ups_open.set(i64::from(feedback.follow_ups_open));
    m.follow_ups_overdue.set(i64::from(feedback.follow_ups_overdue));
    m.complaints_overdue.set(i64::from(feedback.complaints_overdue));
    m.petitions_overdue.set(i64::from(feedback.petitions_overdue));
    let mut text = String::new();
    encode(&mut text, &m.registry.lock().unwrap()).map_err(ApiError::internal)?;
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text))
}
