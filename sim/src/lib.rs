//! A hall day simulated against a real server, only through the public HTTP contract.
//!
//! A discrete-event simulation: citizens arrive along the day's curve and take tickets at the
//! kiosk; a clerk at every window calls the next ticket, serves it for a realistic time, and
//! finishes it, marks it no-show or transfers it. The server decides who is called. Events are
//! processed in simulated-time order; `speed` maps simulated to real time (0 = as fast as
//! possible), so the same run is a lively demo at 60× or a load test at full speed.
//!
//! Every finish registers a case (办件); with a [`ServerClock`] the simulator then follows the
//! day's cases over the next working days (see [`cases`](crate::cases)).

mod cases;
pub mod halls;
pub mod plan;

pub use cases::{CaseReport, DayFuture, ServerClock};

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use hall_wire as wire;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use plan::Fate;

#[derive(Debug, Clone)]
pub struct SimConfig {
    pub server: String,
    pub kiosk_token: String,
    /// Clerks sign in as `clerkN` at window number N with this password (the demo accounts).
    pub clerk_password: String,
    pub tickets: usize,
    /// Simulated minutes per real minute; 0 = as fast as possible.
    pub speed: f64,
    pub seed: u64,
    /// Print each step.
    pub verbose: bool,
    /// Working days to follow the day's cases after it (needs a [`ServerClock`]; 0 = none).
    pub days: usize,
}

/// When citizens come.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Arrivals {
    /// `tickets` over a whole day along its curve (morning peak, lunch dip).
    #[default]
    Day,
    /// A steady `per_hour` for `minutes`; the run ends at `minutes` (services still under way
    /// are left at the windows, as at the end of a morning measured).
    Steady { per_hour: f64, minutes: f64 },
}

/// A write the simulator saw committed, for a measurement of when it shows elsewhere (the
/// county): what happened to which ticket, and when the request was sent (the commit comes
/// after, so a lag measured from here is never shorter than the real one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    /// The index the caller gave this hall.
    pub hall: usize,
    pub what: Written,
    pub ticket_id: i64,
    pub sent: Instant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Written {
    Issued,
    /// The ticket's first call.
    Called,
    Finished,
}

/// How a run is shaped beyond its [`SimConfig`]: the arrivals, and where its probes go.
#[derive(Debug, Clone, Default)]
pub struct Shape {
    pub arrivals: Arrivals,
    /// (this hall's index, the channel) for every issue, first call and finish.
    pub probes: Option<(usize, tokio::sync::mpsc::UnboundedSender<Probe>)>,
}

#[derive(Debug, Default, Clone)]
pub struct QueueStats {
    pub issued: usize,
    /// Minutes from issue to first call.
    pub waits: Vec<f64>,
}

#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub issued: usize,
    pub finished: usize,
    pub no_shows: usize,
    pub transfers: usize,
    pub outcomes: BTreeMap<String, usize>,
    pub queues: BTreeMap<String, QueueStats>,
    pub real_seconds: f64,
    pub requests: usize,
    pub cases: CaseReport,
    /// Ratings given at the windows' evaluators, and how many of them were bad.
    pub ratings: usize,
    pub bad_ratings: usize,
    /// Citizens who came by appointment (预约): booked a slot, then checked in at the kiosk.
    pub booked: usize,
    /// Of them, those whose ticket was called ahead of walk-ins (checked in on time).
    pub booked_on_time: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "hall day: {} tickets issued, {} finished, {} no-show, {} transferred; {} requests in {:.1} s",
            self.issued, self.finished, self.no_shows, self.transfers, self.requests, self.real_seconds
        )?;
        writeln!(
            f,
            "{:<12} {:>7} {:>7} {:>10} {:>10} {:>10}",
            "queue", "issued", "called", "mean wait", "p90 wait", "max wait"
        )?;
        for (q, s) in &self.queues {
            let mean = if s.waits.is_empty() { 0.0 } else { s.waits.iter().sum::<f64>() / s.waits.len() as f64 };
            let max = s.waits.iter().copied().fold(0.0, f64::max);
            writeln!(
                f,
                "{:<12} {:>7} {:>7} {:>8.1} m {:>8.1} m {:>8.1} m",
                q,
                s.issued,
                s.waits.len(),
                mean,
                plan::percentile(&s.waits, 90.0),
                max
            )?;
        }
        let outcomes: Vec<String> = self.outcomes.iter().map(|(k, v)| format!("{k} {v}")).collect();
        writeln!(f, "outcomes: {}", outcomes.join(", "))?;
        writeln!(f, "ratings at the windows' evaluators: {} ({} bad, followed up)", self.ratings, self.bad_ratings)?;
        writeln!(
            f,
            "by appointment (预约): {} booked and checked in, {} on time (called ahead of walk-ins)",
            self.booked, self.booked_on_time
        )?;
        write!(f, "{}", self.cases)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Arrive {
        service: usize,
    },
    /// The clerk at this window is free and calls the next ticket.
    Call {
        window: usize,
    },
    Finish {
        window: usize,
        outcome: &'static str,
        service: String,
    },
    NoShow {
        window: usize,
    },
    Transfer {
        window: usize,
        to_service: String,
    },
}

#[derive(Debug)]
struct Due {
    at: f64,
    seq: u64,
    step: Step,
}

impl PartialEq for Due {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Due {}
impl PartialOrd for Due {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Due {
    /// Earliest first in a max-heap.
    fn cmp(&self, o: &Self) -> Ordering {
        o.at.total_cmp(&self.at).then(o.seq.cmp(&self.seq))
    }
}

struct Clerk {
    window: wire::Window,
    token: String,
    idle: bool,
    /// The day of the current session (sessions end overnight).
    signed_in: Option<chrono::NaiveDate>,
}

struct Sim {
    cfg: SimConfig,
    http: Client,
    rng: StdRng,
    services: Vec<wire::Service>,
    clerks: Vec<Clerk>,
    queue: BinaryHeap<Due>,
    seq: u64,
    /// ticket id -> (issued at sim minute, queue, called yet)
    tickets: HashMap<i64, (f64, String, bool)>,
    summary: Summary,
    typical: HashMap<String, f64>,
    /// The cases registered, by number.
    cases: BTreeMap<String, cases::Tracked>,
    shape: Shape,
}

/// A hall day against a live server: its cases are registered and reported, not followed over
/// days (the server's wall clock is not the simulator's to move).
pub async fn run(cfg: SimConfig) -> anyhow::Result<Summary> {
    run_with(cfg, None).await
}

/// A hall day, then with `clock` its cases followed over `cfg.days` working days.
pub async fn run_with(cfg: SimConfig, clock: Option<&dyn ServerClock>) -> anyhow::Result<Summary> {
    run_shaped(cfg, clock, Shape::default()).await
}

/// A run with its own arrivals and probes (see [`Shape`]).
pub async fn run_shaped(cfg: SimConfig, clock: Option<&dyn ServerClock>, shape: Shape) -> anyhow::Result<Summary> {
    if cfg.days > 0 && clock.is_none() {
        bail!("following cases over days needs a server whose clock the simulator moves (a test's server)");
    }
    let http = Client::builder().timeout(Duration::from_secs(30)).build()?;
    let base = cfg.server.trim_end_matches('/').to_string();
    let services: Vec<wire::Service> = get(&http, &format!("{base}/api/services")).await?;
    let windows: Vec<wire::Window> = get(&http, &format!("{base}/api/windows")).await?;
    let queues: Vec<wire::Queue> = get(&http, &format!("{base}/api/queues")).await?;
    if services.is_empty() || windows.is_empty() {
        bail!("the hall at {base} has no matters or no windows");
    }
    let mut clerks = Vec::new();
    for w in windows {
        let body = json!({"username": format!("clerk{}", w.number), "password": cfg.clerk_password, "window_id": w.id});
        let res = http.post(format!("{base}/api/auth/login")).json(&body).send().await?;
        if !res.status().is_success() {
            bail!(
                "clerk{} cannot sign in at window {} ({}): the simulator uses the demo accounts; start the server with --demo",
                w.number,
                w.id,
                res.text().await.unwrap_or_default()
            );
        }
        let session: wire::Session = res.json().await?;
        clerks.push(Clerk { window: w, token: session.token, idle: true, signed_in: None });
    }
    // Typical minutes per queue: the server's estimate for one citizen, else 8.
    let typical = queues.iter().map(|q| (q.queue.clone(), 8.0)).collect();
    let mut sim = Sim {
        rng: StdRng::seed_from_u64(cfg.seed),
        cfg: SimConfig { server: base, ..cfg },
        http,
        services,
        clerks,
        queue: BinaryHeap::new(),
        seq: 0,
        tickets: HashMap::new(),
        summary: Summary::default(),
        typical,
        cases: BTreeMap::new(),
        shape,
    };
    sim.day().await?;
    let days = sim.cfg.days;
    if let Some(clock) = clock {
        let today = clock.today();
        for c in &mut sim.clerks {
            c.signed_in = Some(today);
        }
        sim.follow(clock, days).await?;
    }
    sim.case_report().await?;
    Ok(sim.summary)
}

async fn get<T: serde::de::DeserializeOwned>(http: &Client, url: &str) -> anyhow::Result<T> {
    let res = http.get(url).send().await.with_context(|| format!("cannot reach {url}"))?;
    if !res.status().is_success() {
        bail!("{url}: {}", res.status());
    }
    Ok(res.json().await?)
}

impl Sim {
    fn schedule(&mut self, at: f64, step: Step) {
        self.seq += 1;
        self.queue.push(Due { at, seq: self.seq, step });
    }

    async fn post(&mut self, path: &str, token: &str, body: Value) -> anyhow::Result<(StatusCode, Value)> {
        self.summary.requests += 1;
        let key = format!("sim-{}-{}", self.cfg.seed, self.summary.requests);
        let mut req = self.http.post(format!("{}{path}", self.cfg.server));
        if !token.is_empty() {
            req = req.bearer_auth(token);
        }
        let res =
            req.header("Idempotency-Key", key).json(&body).send().await.with_context(|| format!("POST {path}"))?;
        let status = res.status();
        let text = res.text().await?;
        let value = if text.is_empty() { Value::Null } else { serde_json::from_str(&text)? };
        if status.is_server_error() {
            bail!("POST {path}: {status} {text}");
        }
        Ok((status, value))
    }

    async fn day(&mut self) -> anyhow::Result<()> {
        let started = Instant::now();
        let (arrivals, until) = match self.shape.arrivals {
            Arrivals::Day => (plan::arrivals(self.cfg.tickets, &mut self.rng), f64::INFINITY),
            Arrivals::Steady { per_hour, minutes } => {
                (plan::steady_arrivals(per_hour, minutes, &mut self.rng), minutes)
            }
        };
        for t in arrivals {
            let service = self.pick_service();
            self.schedule(t, Step::Arrive { service });
        }
        while let Some(due) = self.queue.pop() {
            if due.at >= until {
                break;
            }
            if self.cfg.speed > 0.0 {
                let real = Duration::from_secs_f64(due.at * 60.0 / self.cfg.speed);
                if let Some(wait) = real.checked_sub(started.elapsed()) {
                    tokio::time::sleep(wait).await;
                }
            }
            self.step(due.at, due.step).await?;
        }
        self.summary.real_seconds = started.elapsed().as_secs_f64();
        Ok(())
    }

    fn wake_idle_clerks(&mut self, now: f64) {
        for i in 0..self.clerks.len() {
            if self.clerks[i].idle {
                self.clerks[i].idle = false;
                self.schedule(now, Step::Call { window: i });
            }
        }
    }

    async fn step(&mut self, now: f64, step: Step) -> anyhow::Result<()> {
        match step {
            Step::Arrive { service } => {
                let s = self.services[service].clone();
                let mut body = json!({"service_id": s.id});
                if let Some(p) = plan::priority(&mut self.rng) {
                    body["priority"] = json!(p);
                }
                if s.id_number {
                    body["id_number"] = json!(plan::id_number(self.summary.requests as u64));
                }
                let token = self.cfg.kiosk_token.clone();
                let sent = Instant::now();
                // Only a bookable matter's citizens draw whether they booked.
                let booked = if s.booking.is_some() && plan::books(&mut self.rng) {
                    self.by_appointment(&s, &token).await?
                } else {
                    None
                };
                let (status, t) = match booked {
                    Some(t) => (StatusCode::CREATED, t),
                    None => self.post("/api/tickets", &token, body).await?,
                };
                if status != StatusCode::CREATED {
                    bail!("issuing a ticket failed: {status} {t}");
                }
                self.probe(Written::Issued, &t, sent);
                self.summary.issued += 1;
                self.summary.queues.entry(s.queue.clone()).or_default().issued += 1;
                self.tickets.insert(t["id"].as_i64().unwrap_or_default(), (now, s.queue.clone(), false));
                if self.cfg.verbose {
                    println!("{:>6.1} min  citizen takes {} for {}", now, t["number"], s.name);
                }
                self.wake_idle_clerks(now);
            }
            Step::Call { window } => {
                let (w, token) = (self.clerks[window].window.id.clone(), self.clerks[window].token.clone());
                let sent = Instant::now();
                let (status, t) = self.post(&format!("/api/windows/{w}/call-next"), &token, json!({})).await?;
                if status == StatusCode::NO_CONTENT {
                    self.clerks[window].idle = true;
                    return Ok(());
                }
                if status != StatusCode::OK {
                    bail!("call-next at {w}: {status} {t}");
                }
                let id = t["id"].as_i64().unwrap_or_default();
                if let Some((issued, queue, called)) = self.tickets.get_mut(&id) {
                    if !*called {
                        *called = true;
                        let wait = now - *issued;
                        let queue = queue.clone();
                        self.summary.queues.entry(queue).or_default().waits.push(wait);
                        self.probe(Written::Called, &t, sent);
                    }
                }
                if self.cfg.verbose {
                    println!("{:>6.1} min  window {} calls {}", now, self.clerks[window].window.number, t["number"]);
                }
                let service = t["service_id"].as_str().unwrap_or_default().to_string();
                match plan::fate(&mut self.rng) {
                    Fate::NoShow => self.schedule(now + 1.0, Step::NoShow { window }),
                    Fate::Transfer => match self.elsewhere(&w, &service) {
                        Some(to) => self.schedule(now + 3.0, Step::Transfer { window, to_service: to }),
                        None => self.serve(now, window, &t, service, "immediate").await?,
                    },
                    Fate::Finish(outcome) => {
                        let outcome = self.kind_for(&service, outcome);
                        self.serve(now, window, &t, service, outcome).await?
                    }
                }
            }
            Step::Finish { window, outcome, service } => {
                let (w, token) = (self.clerks[window].window.id.clone(), self.clerks[window].token.clone());
                let mut body = json!({"outcome": outcome});
                let mut departments = Vec::new();
                match outcome {
                    "returned" => {
                        body["reason"] = json!("主件材料不符合办理条件，已书面告知退回理由");
                        body["return_ground"] = json!("main_material_missing");
                    }
                    "joint" => {
                        departments = vec!["残联".to_string(), "县卫健局".to_string()];
                        body["departments"] = json!(departments);
                    }
                    "reported" => body["authority"] = json!("县行政审批局"),
                    "supplement" => {
                        let missing = self
                            .services
                            .iter()
                            .find(|s| s.id == service)
                            .and_then(|s| s.materials.last())
                            .map(|m| m.name.clone())
                            .unwrap_or_else(|| "补充材料".into());
                        body["missing_materials"] = json!([missing]);
                    }
                    _ => {}
                }
                let sent = Instant::now();
                let (status, t) = self.post(&format!("/api/windows/{w}/finish"), &token, body).await?;
                if status != StatusCode::OK {
                    bail!("finish at {w}: {status} {t}");
                }
                self.probe(Written::Finished, &t, sent);
                self.summary.finished += 1;
                *self.summary.outcomes.entry(outcome.to_string()).or_default() += 1;
                self.registered(&t, departments);
                if let Some((level, reason)) = plan::rating(&mut self.rng) {
                    // The citizen at the window rates on its evaluator (demo device tokens).
                    let body = json!({"level": level, "reason": reason, "ticket_number": t["number"]});
                    let (status, r) = self.post("/api/evaluator/rating", &format!("demo-evaluator-{w}"), body).await?;
                    if status != StatusCode::CREATED {
                        bail!("rating at {w}: {status} {r}");
                    }
                    self.summary.ratings += 1;
                    self.summary.bad_ratings += usize::from(level.ends_with("dissatisfied"));
                }
                self.schedule(now, Step::Call { window });
            }
            Step::NoShow { window } => {
                let (w, token) = (self.clerks[window].window.id.clone(), self.clerks[window].token.clone());
                self.post(&format!("/api/windows/{w}/no-show"), &token, json!({})).await?;
                self.summary.no_shows += 1;
                self.schedule(now, Step::Call { window });
            }
            Step::Transfer { window, to_service } => {
                let (w, token) = (self.clerks[window].window.id.clone(), self.clerks[window].token.clone());
                self.post(&format!("/api/windows/{w}/transfer"), &token, json!({"service_id": to_service})).await?;
                self.summary.transfers += 1;
                self.schedule(now, Step::Call { window });
                self.wake_idle_clerks(now);
            }
        }
        Ok(())
    }

    /// Tells the probes' listener (if any) that `ticket`'s write sent at `sent` is committed.
    fn probe(&self, what: Written, ticket: &Value, sent: Instant) {
        if let (Some((hall, tx)), Some(ticket_id)) = (&self.shape.probes, ticket["id"].as_i64()) {
            let _ = tx.send(Probe { hall: *hall, what, ticket_id, sent });
        }
    }

    /// Starts serving and schedules the finish.
    async fn serve(
        &mut self,
        now: f64,
        window: usize,
        t: &Value,
        service: String,
        outcome: &'static str,
    ) -> anyhow::Result<()> {
        let (w, token) = (self.clerks[window].window.id.clone(), self.clerks[window].token.clone());
        self.post(&format!("/api/windows/{w}/start"), &token, json!({})).await?;
        let typical = self.typical.get(t["queue"].as_str().unwrap_or_default()).copied().unwrap_or(8.0);
        let minutes = plan::service_minutes(typical, &mut self.rng);
        self.schedule(now + minutes, Step::Finish { window, outcome, service });
        Ok(())
    }

    /// A matter for an arriving citizen: a window at random, then one of its matters, so that
    /// every window gets a fair share of the day (as the hall's staffing intends).
    /// A citizen who booked: the first slot with a place left on the first bookable day, then
    /// the kiosk's check-in. The ticket, or `None` when that did not work out (no place, too
    /// early for the slot, the address's booking rate): then they take a walk-in ticket.
    async fn by_appointment(&mut self, s: &wire::Service, kiosk: &str) -> anyhow::Result<Option<Value>> {
        let base = self.cfg.server.clone();
        self.summary.requests += 2;
        let days: Vec<wire::BookingDay> =
            get(&self.http, &format!("{base}/api/services/{}/booking-days", s.id)).await?;
        let Some(day) = days.into_iter().find(|d| d.left > 0) else { return Ok(None) };
        let slots: Vec<wire::Slot> =
            get(&self.http, &format!("{base}/api/services/{}/slots?day={}", s.id, day.day)).await?;
        let Some(slot) = slots.into_iter().find(|x| x.left > 0) else { return Ok(None) };
        let n = self.summary.requests as u64;
        let mut body = json!({"service_id": s.id, "day": day.day, "start": slot.start, "name": "预约群众",
                              "phone": format!("139{:08}", n % 100_000_000)});
        if s.id_number {
            body["id_number"] = json!(plan::id_number(n));
        }
        let (status, booking) = self.post("/api/bookings", "", body).await?;
        if status != StatusCode::CREATED {
            return Ok(None);
        }
        let code = booking["code"].as_str().unwrap_or_default().to_string();
        let (status, checked) = self.post("/api/bookings/check-in", kiosk, json!({ "code": code })).await?;
        if status != StatusCode::CREATED {
            // Too early for the slot (or another day): the place is given back.
            self.post(&format!("/api/bookings/{code}/cancel"), "", json!({})).await?;
            return Ok(None);
        }
        self.summary.booked += 1;
        if checked["on_time"] == true {
            self.summary.booked_on_time += 1;
        }
        Ok(Some(checked["ticket"].clone()))
    }

    fn pick_service(&mut self) -> usize {
        let w = self.rng.random_range(0..self.clerks.len());
        let id = self.clerks[w].window.id.clone();
        let options: Vec<usize> =
            (0..self.services.len()).filter(|&i| self.services[i].windows.contains(&id)).collect();
        if options.is_empty() {
            self.rng.random_range(0..self.services.len())
        } else {
            options[self.rng.random_range(0..options.len())]
        }
    }

    /// A 即办 matter (no time limit) is done on the spot: never promised, joint or reported.
    fn kind_for(&self, service: &str, outcome: &'static str) -> &'static str {
        let on_the_spot = self.services.iter().find(|s| s.id == service).is_some_and(|s| s.time_limit_days == 0);
        if on_the_spot && matches!(outcome, "promised" | "joint" | "reported") {
            "immediate"
        } else {
            outcome
        }
    }

    /// A matter not handled at this window, to send a citizen to.
    fn elsewhere(&mut self, window: &str, service: &str) -> Option<String> {
        let options: Vec<&wire::Service> =
            self.services.iter().filter(|s| s.id != service && !s.windows.iter().any(|w| w == window)).collect();
        if options.is_empty() {
            return None;
        }
        Some(options[self.rng.random_range(0..options.len())].id.clone())
    }
}
