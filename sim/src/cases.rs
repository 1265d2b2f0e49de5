//! The cases of the simulated day, followed over the working days after it as a hall does:
//! supplements' materials come (or never do, and the server's sweep lets them expire), joint
//! cases' departments record their parts, reported cases get their upper level's progress and
//! reply, promised cases close, mostly before their deadline and some late, and the director
//! extends a few. Time moves only on a server whose clock the simulator holds ([`ServerClock`]):
//! the end-to-end test's server with its hand-set clock. A live server reads the wall clock,
//! which no client moves, so the command line reports the day's cases as registered.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;

use anyhow::{bail, Context};
use chrono::NaiveDate;
use hall_wire as wire;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::plan::CasePlan;
use crate::Sim;

pub type DayFuture<'a> = Pin<Box<dyn Future<Output = anyhow::Result<NaiveDate>> + Send + 'a>>;

/// The server's clock, held by the simulator.
pub trait ServerClock: Send + Sync {
    /// The server's local date now.
    fn today(&self) -> NaiveDate;
    /// Moves the server to the next calendar day's morning and lets it run its clock's sweep
    /// (day-close, supplements past their limit expire); answers the new date.
    fn next_day(&self) -> DayFuture<'_>;
}

/// A case the simulator registered, and what the hall does with it.
#[derive(Debug, Clone)]
pub(crate) struct Tracked {
    kind: String,
    plan: CasePlan,
    state: String,
    result: Option<String>,
    departments: Vec<String>,
    extended: bool,
    progress_noted: bool,
    parts_done: bool,
}

/// What became of the day's cases.
#[derive(Debug, Default, Clone)]
pub struct CaseReport {
    /// Finishes whose answer carried a case.
    pub registered: usize,
    /// Finishes whose answer carried none (must stay 0).
    pub without_case: usize,
    /// Case numbers given twice (must stay 0).
    pub repeated_numbers: usize,
    /// Every case number, in registration order.
    pub numbers: Vec<String>,
    /// Kind -> final state (`open`, `awaiting_materials`, `closed/<result>`) -> cases.
    pub by_kind: BTreeMap<String, BTreeMap<String, usize>>,
    pub closed_on_time: usize,
    pub closed_late: usize,
    /// Closed while their deadline was not known (its year's calendar not loaded).
    pub closed_without_deadline: usize,
    /// Open cases past their deadline at the end (the server's overdue list).
    pub overdue_now: usize,
    pub expired: usize,
    pub materials_completed: usize,
    pub extended: usize,
    /// Working days followed after the hall day, and the last of them.
    pub working_days: usize,
    pub last_day: Option<NaiveDate>,
    /// Staff actions on cases.
    pub actions: usize,
}

impl CaseReport {
    pub fn count(&self, kind: &str, state: &str) -> usize {
        self.by_kind.get(kind).and_then(|s| s.get(state)).copied().unwrap_or(0)
    }
}

impl std::fmt::Display for CaseReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cases: {} registered ({} finishes without one, {} numbers repeated)",
            self.registered, self.without_case, self.repeated_numbers
        )?;
        match self.last_day {
            Some(d) if self.working_days > 0 => {
                writeln!(f, "; followed over {} working days to {d}, {} actions", self.working_days, self.actions)?
            }
            _ => writeln!(f, "; not followed over days (the server reads the wall clock)")?,
        }
        for (kind, states) in &self.by_kind {
            let states: Vec<String> = states.iter().map(|(s, n)| format!("{s} {n}")).collect();
            writeln!(f, "  {kind:<11} {}", states.join(", "))?;
        }
        write!(
            f,
            "closed on time {}, late {}, without a deadline {}; overdue now {}; supplements completed {}, expired {}; extended {}",
            self.closed_on_time,
            self.closed_late,
            self.closed_without_deadline,
            self.overdue_now,
            self.materials_completed,
            self.expired,
            self.extended
        )
    }
}

/// The final state as the report counts it.
fn final_state(state: &str, result: Option<&str>) -> String {
    match result {
        Some(r) if state == "closed" => format!("closed/{r}"),
        _ => state.to_string(),
    }
}

impl Sim {
    /// A finish's answer: the case it registered, tracked with its plan.
    pub(crate) fn registered(&mut self, answer: &Value, departments: Vec<String>) {
        let report = &mut self.summary.cases;
        let Some(brief) = answer.get("case").and_then(|c| serde_json::from_value::<wire::CaseBrief>(c.clone()).ok())
        else {
            report.without_case += 1;
            return;
        };
        report.registered += 1;
        report.numbers.push(brief.number.clone());
        if self.cases.contains_key(&brief.number) {
            report.repeated_numbers += 1;
            return;
        }
        let kind =
            serde_json::to_value(brief.kind).ok().and_then(|k| k.as_str().map(str::to_string)).unwrap_or_default();
        let state =
            serde_json::to_value(brief.state).ok().and_then(|k| k.as_str().map(str::to_string)).unwrap_or_default();
        let result = match kind.as_str() {
            "immediate" => Some("done".to_string()),
            "returned" => Some("returned".to_string()),
            _ => None,
        };
        let plan = crate::plan::case_plan(&kind, &mut self.rng);
        let t = Tracked {
            kind,
            plan,
            state,
            result,
            departments,
            extended: false,
            progress_noted: false,
            parts_done: false,
        };
        self.cases.insert(brief.number, t);
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&mut self, path: &str, token: &str) -> anyhow::Result<T> {
        self.summary.requests += 1;
        let mut req = self.http.get(format!("{}{path}", self.cfg.server));
        if !token.is_empty() {
            req = req.bearer_auth(token);
        }
        let res = req.send().await.with_context(|| format!("GET {path}"))?;
        let status = res.status();
        if !status.is_success() {
            bail!("GET {path}: {status} {}", res.text().await.unwrap_or_default());
        }
        Ok(res.json().await?)
    }

    async fn sign_in(&mut self, username: &str, window: Option<&str>) -> anyhow::Result<String> {
        let body = json!({"username": username, "password": self.cfg.clerk_password, "window_id": window});
        self.summary.requests += 1;
        let res = self.http.post(format!("{}/api/auth/login", self.cfg.server)).json(&body).send().await?;
        if !res.status().is_success() {
            bail!("{username} cannot sign in: {} {}", res.status(), res.text().await.unwrap_or_default());
        }
        let session: wire::Session = res.json().await?;
        Ok(session.token)
    }

    /// The clerk of a window, signed in today (yesterday's session expired overnight).
    async fn clerk_today(&mut self, window: &str, day: NaiveDate) -> anyhow::Result<String> {
        let i =
            self.clerks.iter().position(|c| c.window.id == window).with_context(|| format!("no clerk at {window}"))?;
        if self.clerks[i].signed_in != Some(day) {
            let username = format!("clerk{}", self.clerks[i].window.number);
            self.clerks[i].token = self.sign_in(&username, Some(window)).await?;
            self.clerks[i].signed_in = Some(day);
        }
        Ok(self.clerks[i].token.clone())
    }

    /// A case action that must succeed; answers the case as staff see it.
    async fn act(&mut self, number: &str, action: &str, token: &str, body: Value) -> anyhow::Result<wire::Case> {
        self.summary.cases.actions += 1;
        let (status, v) = self.post(&format!("/api/cases/{number}/{action}"), token, body).await?;
        if status != StatusCode::OK {
            bail!("{action} on case {number}: {status} {v}");
        }
        let case: wire::Case = serde_json::from_value(v).with_context(|| format!("{action} answer"))?;
        if let Some(t) = self.cases.get_mut(number) {
            t.state = serde_json::to_value(case.state)?.as_str().unwrap_or_default().to_string();
            t.result =
                case.result.and_then(|r| serde_json::to_value(r).ok()).and_then(|r| r.as_str().map(str::to_string));
        }
        Ok(case)
    }

    /// Follows the day's cases over `days` working days, moving the server's clock.
    pub(crate) async fn follow(&mut self, clock: &dyn ServerClock, days: usize) -> anyhow::Result<()> {
        for d in 1..=days {
            // Weekends and holidays pass (the sweep runs on them too); 调休 Saturdays are worked.
            let today = loop {
                let day = clock.next_day().await?;
                let calendar: wire::CalendarDay = self.get_json(&format!("/api/calendar/day/{day}"), "").await?;
                if calendar.working {
                    break day;
                }
            };
            self.working_day(d as u32, today).await?;
            self.summary.cases.working_days = d;
            self.summary.cases.last_day = Some(today);
        }
        Ok(())
    }

    /// One working day of the hall's back office: `d` working days after the hall day.
    async fn working_day(&mut self, d: u32, today: NaiveDate) -> anyhow::Result<()> {
        let director = self.sign_in("director", None).await?;
        let awaiting: Vec<wire::CaseLine> =
            self.get_json("/api/cases?state=awaiting_materials&limit=1000", &director).await?;
        for line in awaiting {
            let Some(t) = self.cases.get(&line.number) else { continue };
            if t.plan.forgotten || t.plan.materials_after.is_none_or(|k| d < k) {
                continue;
            }
            let token = self.clerk_today(&line.window_id, today).await?;
            self.act(&line.number, "materials-complete", &token, json!({})).await?;
            self.summary.cases.materials_completed += 1;
        }
        let open: Vec<wire::CaseLine> = self.get_json("/api/cases?state=open&limit=1000", &director).await?;
        for line in open {
            let Some(t) = self.cases.get(&line.number).cloned() else { continue };
            if t.plan.forgotten {
                continue;
            }
            let left = line.working_days_left;
            let number = line.number.as_str();
            if let (Some(by), false, Some(l)) = (t.plan.extend_by, t.extended, left) {
                if (0..=1).contains(&l) {
                    let body = json!({"days": by, "reason": "需现场核查，经中心主任批准延长办理时限"});
                    self.act(number, "extend", &director, body).await?;
                    self.cases.get_mut(number).expect("tracked").extended = true;
                    self.summary.cases.extended += 1;
                    continue;
                }
            }
            // Within an extension the case is closed on time.
            let target = if t.extended { t.plan.close_at_left.max(0) } else { t.plan.close_at_left };
            let due = match left {
                Some(l) => l <= target,
                None => d >= t.plan.close_after,
            };
            let window = line.window_id.as_str();
            match t.kind.as_str() {
                "reported" => {
                    if !t.progress_noted && d >= 2 {
                        let body = json!({"note": "已报送上级机关，正在审查"});
                        let token = self.clerk_today(window, today).await?;
                        self.act(number, "progress", &token, body).await?;
                        self.cases.get_mut(number).expect("tracked").progress_noted = true;
                    }
                    if due {
                        let reply = if t.plan.not_approved {
                            "上级机关批复：不予批准"
                        } else {
                            "上级机关批复：同意"
                        };
                        let token = self.clerk_today(window, today).await?;
                        self.act(number, "progress", &token, json!({"note": reply, "reply": true})).await?;
                    }
                }
                "joint" if !t.parts_done && (due || left.is_some_and(|l| l <= target + 2)) => {
                    for department in &t.departments {
                        let body = json!({"department": department, "done": true, "note": "已出具意见"});
                        let token = self.clerk_today(window, today).await?;
                        self.act(number, "parts", &token, body).await?;
                    }
                    if t.plan.meeting {
                        let body =
                            json!({"date": today.to_string(), "attendees": t.departments, "conclusion": "同意办理"});
                        self.act(number, "meeting", &director, body).await?;
                    }
                    self.cases.get_mut(number).expect("tracked").parts_done = true;
                }
                _ => {}
            }
            if due {
                let body = match (t.plan.not_approved, t.kind.as_str()) {
                    (true, _) => json!({"result": "not_approved", "reason": "经审查不符合法定条件"}),
                    (false, "reported") => json!({"result": "approved"}),
                    _ => json!({"result": "done"}),
                };
                let token = self.clerk_today(window, today).await?;
                self.act(number, "close", &token, body).await?;
                let r = &mut self.summary.cases;
                match left {
                    Some(l) if l >= 0 => r.closed_on_time += 1,
                    Some(_) => r.closed_late += 1,
                    None => r.closed_without_deadline += 1,
                }
            }
        }
        Ok(())
    }

    /// The cases' final states, as the server has them: what the sweep expired included.
    pub(crate) async fn case_report(&mut self) -> anyhow::Result<()> {
        if self.cases.is_empty() {
            return Ok(());
        }
        let director = self.sign_in("director", None).await?;
        let mut running: HashMap<String, String> = HashMap::new();
        for state in ["open", "awaiting_materials"] {
            let lines: Vec<wire::CaseLine> =
                self.get_json(&format!("/api/cases?state={state}&limit=1000"), &director).await?;
            running.extend(lines.into_iter().map(|l| (l.number, state.to_string())));
        }
        let gone: Vec<String> = self
            .cases
            .iter()
            .filter(|(n, t)| t.state != "closed" && !running.contains_key(*n))
            .map(|(n, _)| n.clone())
            .collect();
        for number in gone {
            // Closed by the server's sweep: read it (an audited staff read) for its result.
            let case: wire::Case = self.get_json(&format!("/api/cases/{number}"), &director).await?;
            let t = self.cases.get_mut(&number).expect("tracked");
            t.state = "closed".into();
            t.result =
                case.result.and_then(|r| serde_json::to_value(r).ok()).and_then(|r| r.as_str().map(str::to_string));
        }
        for (n, state) in &running {
            if let Some(t) = self.cases.get_mut(n) {
                t.state = state.clone();
            }
        }
        let overdue: Vec<wire::CaseLine> = self.get_json("/api/cases?due=overdue&limit=1000", &director).await?;
        let r = &mut self.summary.cases;
        r.overdue_now = overdue.len();
        r.by_kind.clear();
        for t in self.cases.values() {
            *r.by_kind
                .entry(t.kind.clone())
                .or_default()
                .entry(final_state(&t.state, t.result.as_deref()))
                .or_default() += 1;
        }
        r.expired = self.cases.values().filter(|t| t.result.as_deref() == Some("expired")).count();
        Ok(())
    }
}
