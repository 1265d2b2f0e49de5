//! Hall configuration: a TOML file validated into a [`Hall`]. Any mistake stops the server
//! with the file, line and problem.

mod raw;

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::path::Path;

use chrono::NaiveTime;
use toml::Spanned;

use crate::domain::hours::{Hours, MatterRules, Period};
use crate::domain::MaterialKind;
use crate::hall::{
    County, Department, Evaluator, Hall, Kiosk, Material, Matter, Policy, QueueDef, Staff, StaffRole, WindowDef,
};
use raw::*;

/// The sample town hall shipped with the server; the default configuration.
pub const SAMPLE_HALL: &str = include_str!("../../../halls/sample-town.toml");
pub const SAMPLE_HALL_NAME: &str = "<bundled sample hall: halls/sample-town.toml>";

/// The sample hall's published secrets: its accounts' password hashes (the password `demo`)
/// and its devices' token hashes (`demo-kiosk`, `demo-evaluator-w01`, `demo-county`, …). Never
/// valid for an entry not marked demo: an installer who flips `demo = false` and keeps them
/// would open the hall to anyone who read the sample.
struct SampleSecrets {
    passwords: HashSet<String>,
    tokens: HashSet<String>,
}

fn sample_secrets() -> &'static SampleSecrets {
    static SECRETS: std::sync::OnceLock<SampleSecrets> = std::sync::OnceLock::new();
    SECRETS.get_or_init(|| {
        let sample: toml::Table = SAMPLE_HALL.parse().expect("the bundled sample hall is TOML");
        let entries = |key: &str, field: &str| -> HashSet<String> {
            let list = sample.get(key).and_then(toml::Value::as_array).map(Vec::as_slice).unwrap_or_default();
            list.iter().filter_map(|e| e.get(field)?.as_str()).map(str::to_ascii_lowercase).collect()
        };
        let passwords = sample
            .get("staff")
            .and_then(toml::Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|s| Some(s.get("password_hash")?.as_str()?.to_string()))
            .collect();
        let mut tokens = entries("kiosks", "token_sha256");
        tokens.extend(entries("evaluators", "token_sha256"));
        tokens.extend(entries("counties", "token_sha256"));
        SampleSecrets { passwords, tokens }
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

/// Reads and validates a hall file.
pub fn load(path: &Path) -> Result<Hall, ConfigError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: file.clone(),
        line: 0,
        column: 0,
        message: format!("cannot read the file: {e}"),
    })?;
    parse_in(&text, &file, path.parent())
}

/// The bundled sample hall.
pub fn sample() -> Hall {
    parse(SAMPLE_HALL, SAMPLE_HALL_NAME).expect("the bundled sample hall is valid")
}

/// Validates hall configuration text; `file` only names it in errors.
pub fn parse(text: &str, file: &str) -> Result<Hall, ConfigError> {
    parse_in(text, file, None)
}

/// Like [`parse`]; relative file names in it (staff photos) are taken from `dir`.
pub fn parse_in(text: &str, file: &str, dir: Option<&Path>) -> Result<Hall, ConfigError> {
    parse_with(Checker { text, file, dir, saved: false })
}

/// The hall saved on the admin page, put back in force at start: the rules added since it was
/// saved (the sample's public secrets, a copied password hash, a matter's hours after the
/// cut-off) are logged as warnings, not refused — refused, an older hall (the file, or the
/// bundled sample) would go in force and undo the admin's edits, revoked passwords among them.
/// The next save on /admin must meet them.
pub fn parse_saved(text: &str, file: &str, dir: Option<&Path>) -> Result<Hall, ConfigError> {
    parse_with(Checker { text, file, dir, saved: true })
}

fn parse_with(checker: Checker) -> Result<Hall, ConfigError> {
    let text = checker.text;
    let raw: RawHall = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        checker.error(&span, e.message().trim().to_string())
    })?;
    checker.build(raw)
}

struct Checker<'a> {
    text: &'a str,
    file: &'a str,
    dir: Option<&'a Path>,
    /// The hall saved on /admin, read at start: newer rules warn (see [`parse_saved`]).
    saved: bool,
}

type Res<T> = Result<T, ConfigError>;

impl Checker<'_> {
    fn error(&self, span: &Range<usize>, message: String) -> ConfigError {
        let (line, column) = if span.start == 0 && span.end == 0 {
            (0, 0)
        } else {
            let before = &self.text[..span.start.min(self.text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
            (line, column)
        };
        ConfigError { file: self.file.to_string(), line, column, message }
    }

    fn fail<T>(&self, span: &Range<usize>, message: impl Into<String>) -> Res<T> {
        Err(self.error(span, message.into()))
    }

    /// A rule newer than halls already saved on /admin: refused, but only warned of for the
    /// saved hall put back in force at start ([`parse_saved`]).
    fn newer_rule(&self, span: &Range<usize>, message: impl Into<String>) -> Res<()> {
        let e = self.error(span, message.into());
        if self.saved {
            tracing::warn!(problem = %e, "the hall saved on the admin page breaks a newer rule; save it again once mended");
            return Ok(());
        }
        Err(e)
    }

    fn id(&self, what: &str, id: &Spanned<String>, seen: &mut HashSet<String>) -> Res<String> {
        let v = id.get_ref();
        let ok = !v.is_empty() && v.len() <= 40 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            return self.fail(&id.span(), format!("{what} id `{v}` must be 1-40 ASCII letters, digits, '-' or '_'"));
        }
        if !seen.insert(v.clone()) {
            return self.fail(&id.span(), format!("duplicate {what} id `{v}`"));
        }
        Ok(v.clone())
    }

    fn text_field(&self, what: &str, v: &Spanned<String>) -> Res<String> {
        let s = v.get_ref().trim();
        if s.is_empty() {
            return self.fail(&v.span(), format!("{what} must not be empty"));
        }
        Ok(s.to_string())
    }

    fn time(&self, what: &str, v: &Spanned<String>) -> Res<NaiveTime> {
        NaiveTime::parse_from_str(v.get_ref(), "%H:%M")
            .or_else(|_| self.fail(&v.span(), format!("{what} must be a time like 08:30")))
    }

    fn build(&self, raw: RawHall) -> Res<Hall> {
        let timezone = raw.hall.timezone.get_ref().parse().or_else(|_| {
            self.fail(
                &raw.hall.timezone.span(),
                format!("unknown time zone `{}` (e.g. Asia/Shanghai)", raw.hall.timezone.get_ref()),
            )
        })?;
        let session_hours = match &raw.policy.session_hours {
            Some(h) if !(1..=72).contains(h.get_ref()) => {
                return self.fail(&h.span(), "session_hours must be between 1 and 72");
            }
            Some(h) => *h.get_ref(),
            None => Policy::default().session_hours,
        };
        let petition_days = |v: &Option<Spanned<u32>>, default: u32, name: &str| match v {
            Some(d) if !(1..=30).contains(d.get_ref()) => {
                self.fail(&d.span(), format!("{name} must be between 1 and 30 working days"))
            }
            Some(d) => Ok(*d.get_ref()),
            None => Ok(default),
        };
        let defaults = crate::domain::petition::Limits::default();
        let petitions = crate::domain::petition::Limits {
            days: petition_days(&raw.policy.petition_days, defaults.days, "petition_days")?,
            leader_days: petition_days(&raw.policy.petition_leader_days, defaults.leader_days, "petition_leader_days")?,
        };
        let policy = Policy {
            priority_cap: self.within(
                &raw.policy.priority_cap,
                (1..=20, "priority_cap", "priority tickets in a row"),
                Policy::default().priority_cap,
            )?,
            no_show_requeue_limit: raw.policy.no_show_requeue_limit.unwrap_or(Policy::default().no_show_requeue_limit),
            session_hours,
            wait_warning_minutes: raw.policy.wait_warning_minutes.unwrap_or(Policy::default().wait_warning_minutes),
            late_grace_minutes: raw.policy.late_grace_minutes.unwrap_or(Policy::default().late_grace_minutes).min(120),
            on_the_spot_minutes: match &raw.policy.on_the_spot_minutes {
                Some(m) => self.on_the_spot("on_the_spot_minutes", m)?,
                None => Policy::default().on_the_spot_minutes,
            },
            cases: crate::domain::case::Limits {
                supplement_days: self.within(
                    &raw.policy.supplement_days,
                    (1..=90, "supplement_days", "working days"),
                    Policy::default().cases.supplement_days,
                )?,
                extension_cap: self.within(
                    &raw.policy.extension_cap,
                    (1..=30, "extension_cap", "working days"),
                    Policy::default().cases.extension_cap,
                )?,
                archive_days: match &raw.policy.archive_days {
                    Some(d) if *d.get_ref() > crate::domain::archive::MOST_DAYS => {
                        return self.fail(&d.span(), "archive_days must be between 0 and 30 working days");
                    }
                    Some(d) => *d.get_ref(),
                    None => Policy::default().cases.archive_days,
                },
            },
            ratings: self.rating_limits(&raw.policy)?,
            complaints: self.complaint_limits(&raw.policy)?,
            petitions,
            assessment: self.assessment(raw.assessment.as_ref())?,
            booking: self.booking(raw.booking.as_ref())?,
        };
        let departments = self.departments(&raw.departments)?;
        let queues = self.queues(&raw.queues)?;
        let windows = self.windows(&raw.windows, &departments)?;
        let matters = self.matters(&raw.matters, &departments, &queues, &windows, policy.on_the_spot_minutes)?;
        let general_inquiry = match &raw.hall.general_inquiry {
            Some(g) => {
                self.known("general_inquiry matter", g, matters.iter().map(|m| &m.id))?;
                Some(g.get_ref().clone())
            }
            None => None,
        };
        let work_start = self.time("work_start", &raw.hall.work_start)?;
        let work_end = self.time("work_end", &raw.hall.work_end)?;
        if work_start >= work_end {
            return self.fail(&raw.hall.work_end.span(), "work_end must be after work_start");
        }
        let hours = match &raw.hours {
            Some(h) => self.hours(h)?,
            None => Hours::weekdays(work_start, work_end),
        };
        let id = match &raw.hall.id {
            Some(id) => Some(self.id("hall", id, &mut HashSet::new())?),
            None => None,
        };
        let mut hall = Hall {
            id,
            name: self.text_field("hall name", &raw.hall.name)?,
            timezone,
            address: raw.hall.address,
            phone: raw.hall.phone,
            work_start,
            work_end,
            notice: raw.hall.notice,
            hours,
            general_inquiry,
            policy,
            departments,
            queues,
            windows,
            matters,
            staff: Vec::new(),
            kiosks: Vec::new(),
            evaluators: Vec::new(),
            counties: Vec::new(),
            source: self.text.to_string(),
            folder: self.dir.map(Path::to_path_buf),
            queue_window_ids: Default::default(),
        };
        hall.index();
        // Windows: every window handles something, and weights name queues it calls from.
        for (rw, w) in raw.windows.iter().zip(&hall.windows) {
            let queues = hall.window_queues(&w.id);
            if queues.is_empty() {
                return self.fail(
                    &rw.id.span(),
                    format!("window `{}` handles no matter: list it in some matter's windows", w.id),
                );
            }
            for (q, _) in &w.weights {
                if !queues.iter().any(|(qd, _)| qd.id == *q) {
                    return self.fail(
                        &rw.weights.as_ref().map(|m| m.span()).unwrap_or(0..0),
                        format!("window `{}` has a weight for queue `{q}`, which none of its matters uses", w.id),
                    );
                }
            }
        }
        hall.staff = self.staff(&raw.staff, &hall)?;
        self.matters_can_be_issued(&raw.matters, &hall)?;
        hall.kiosks = self.kiosks(&raw.kiosks)?;
        hall.evaluators = self.evaluators(&raw.evaluators, &hall)?;
        hall.counties = self.counties(&raw.counties, &hall)?;
        Ok(hall)
    }

    /// Every matter can be issued: its own hours meet some opening period of the hall (a typo
    /// such as 17:30-19:00 for 07:30 would close it for good, as the kiosk would say for ever).
    /// (A window no clerk's account lists is not refused: removing a dismissed clerk must stay
    /// possible, and the director may send any clerk there, R16.)
    fn matters_can_be_issued(&self, raw: &[RawMatter], hall: &Hall) -> Res<()> {
        for (rm, m) in raw.iter().zip(&hall.matters) {
            if let (Some(own), Some(span)) = (m.rules.own, rm.hours.as_ref().map(|h| h.span())) {
                // The hall's issuing periods: each day's last one ends at the cut-off.
                let cut = chrono::Duration::minutes(i64::from(hall.hours.cut_off_minutes));
                let issuing = hall.hours.days.iter().flat_map(|day| {
                    day.iter().enumerate().map(move |(i, p)| match i + 1 == day.len() {
                        true => match p.end.overflowing_sub_signed(cut) {
                            (end, 0) if end > p.start => (p.start, end),
                            _ => (p.start, p.start),
                        },
                        false => (p.start, p.end),
                    })
                });
                let meets = issuing.into_iter().any(|(start, end)| start < own.end && own.start < end);
                if !meets {
                    self.newer_rule(
                        &span,
                        format!("matter `{}`: its hours are outside every opening period of the hall: no ticket could ever be issued", m.id),
                    )?;
                }
            }
        }
        Ok(())
    }

    fn departments(&self, raw: &[RawDepartment]) -> Res<Vec<Department>> {
        let mut seen = HashSet::new();
        raw.iter()
            .map(|d| {
                Ok(Department {
                    id: self.id("department", &d.id, &mut seen)?,
                    name: self.text_field("department name", &d.name)?,
                })
            })
            .collect()
    }

    fn queues(&self, raw: &[RawQueue]) -> Res<Vec<QueueDef>> {
        let mut seen = HashSet::new();
        let mut prefixes = HashSet::new();
        raw.iter()
            .map(|q| {
                let id = self.id("queue", &q.id, &mut seen)?;
                let p = q.prefix.get_ref();
                let mut chars = p.chars();
                let prefix = match (chars.next(), chars.next()) {
                    (Some(c), None) if c.is_ascii_uppercase() => c,
                    _ => return self.fail(&q.prefix.span(), format!("queue prefix `{p}` must be one letter A-Z")),
                };
                if !prefixes.insert(prefix) {
                    return self.fail(&q.prefix.span(), format!("queue prefix `{p}` is used twice"));
                }
                if !(1..=240).contains(q.service_minutes.get_ref()) {
                    return self.fail(&q.service_minutes.span(), "service_minutes must be between 1 and 240");
                }
                Ok(QueueDef {
                    id,
                    prefix,
                    name: self.text_field("queue name", &q.name)?,
                    service_minutes: *q.service_minutes.get_ref(),
                })
            })
            .collect()
    }

    fn windows(&self, raw: &[RawWindow], departments: &[Department]) -> Res<Vec<WindowDef>> {
        let mut seen = HashSet::new();
        let mut numbers = HashSet::new();
        raw.iter()
            .map(|w| {
                let id = self.id("window", &w.id, &mut seen)?;
                let number = *w.number.get_ref();
                if number == 0 || number > 999 {
                    return self.fail(&w.number.span(), "window number must be between 1 and 999");
                }
                if !numbers.insert(number) {
                    return self.fail(&w.number.span(), format!("window number {number} is used twice"));
                }
                self.known("department", &w.department, departments.iter().map(|d| &d.id))?;
                let plan = match &w.plan {
                    Some(p) => {
                        let RawPlan { x, y } = *p.get_ref();
                        if !(0.0..=100.0).contains(&x) || !(0.0..=100.0).contains(&y) {
                            return self.fail(&p.span(), "plan x and y are percentages from 0 to 100");
                        }
                        Some((x, y))
                    }
                    None => None,
                };
                let mut weights = Vec::new();
                for (q, wt) in w.weights.iter().flat_map(|m| m.get_ref()) {
                    if !(1..=10).contains(wt) {
                        return self.fail(
                            &w.weights.as_ref().map(|m| m.span()).unwrap_or(0..0),
                            format!("weight of queue `{q}` must be 1 to 10"),
                        );
                    }
                    weights.push((q.clone(), *wt));
                }
                Ok(WindowDef {
                    id,
                    number,
                    name: self.text_field("window name", &w.name)?,
                    department: w.department.get_ref().clone(),
                    location: w.location.clone(),
                    plan,
                    weights,
                })
            })
            .collect()
    }

    fn known<'x>(&self, what: &str, v: &Spanned<String>, mut ids: impl Iterator<Item = &'x String>) -> Res<()> {
        if ids.any(|id| id == v.get_ref()) {
            Ok(())
        } else {
            self.fail(&v.span(), format!("unknown {what} `{}`", v.get_ref()))
        }
    }

    fn matters(
        &self,
        raw: &[RawMatter],
        departments: &[Department],
        queues: &[QueueDef],
        windows: &[WindowDef],
        on_the_spot_minutes: u32,
    ) -> Res<Vec<Matter>> {
        let mut seen = HashSet::new();
        raw.iter()
            .map(|m| {
                let id = self.id("matter", &m.id, &mut seen)?;
                self.known("department", &m.department, departments.iter().map(|d| &d.id))?;
                self.known("queue", &m.queue, queues.iter().map(|q| &q.id))?;
                if m.windows.get_ref().is_empty() {
                    return self.fail(&m.windows.span(), format!("matter `{id}` must name at least one window"));
                }
                for w in m.windows.get_ref() {
                    self.known("window", w, windows.iter().map(|w| &w.id))?;
                }
                if !m.materials.get_ref().iter().any(|x| x.kind == RawMaterialKind::Main) {
                    return self.fail(
                        &m.materials.span(),
                        format!("matter `{id}` must list at least one main material (主件)"),
                    );
                }
                let materials = m
                    .materials
                    .get_ref()
                    .iter()
                    .map(|x| {
                        Ok(Material {
                            name: self.text_field("material name", &x.name)?,
                            kind: match x.kind {
                                RawMaterialKind::Main => MaterialKind::Main,
                                RawMaterialKind::Aux => MaterialKind::Aux,
                            },
                        })
                    })
                    .collect::<Res<Vec<_>>>()?;
                let booking = self.matter_booking(&id, m);
                Ok(Matter {
                    id,
                    name: self.text_field("matter name", &m.name)?,
                    department: m.department.get_ref().clone(),
                    queue: m.queue.get_ref().clone(),
                    windows: m.windows.get_ref().iter().map(|w| w.get_ref().clone()).collect(),
                    materials,
                    procedure: m.procedure.clone(),
                    time_limit_days: m.time_limit_days,
                    on_the_spot_minutes: match &m.on_the_spot_minutes {
                        Some(v) => self.on_the_spot("matter on_the_spot_minutes", v)?,
                        None => on_the_spot_minutes,
                    },
                    // R19: what is charged is published with every matter: a fee left blank is
                    // 不收费, as one left out (never an empty 收费标准 on the kiosk).
                    fee: match m.fee.trim() {
                        "" => "不收费".to_string(),
                        fee => fee.to_string(),
                    },
                    basis: m.basis.clone(),
                    rules: self.matter_rules(m)?,
                    id_number: m.id_number,
                    booking: booking?,
                })
            })
            .collect()
    }

    fn period(&self, what: &str, v: &Spanned<String>) -> Res<Period> {
        Period::parse(v.get_ref()).ok_or_else(|| {
            self.error(&v.span(), format!("{what} `{}` must be like 08:30-12:00 (start before end)", v.get_ref()))
        })
    }

    /// `[hours]`: every period well formed, a day's periods in order and apart.
    fn hours(&self, raw: &RawHours) -> Res<Hours> {
        let named = [
            ("mon", &raw.mon),
            ("tue", &raw.tue),
            ("wed", &raw.wed),
            ("thu", &raw.thu),
            ("fri", &raw.fri),
            ("sat", &raw.sat),
            ("sun", &raw.sun),
        ];
        let mut days: [Vec<Period>; 7] = Default::default();
        for (day, (name, periods)) in days.iter_mut().zip(named) {
            for v in periods.iter() {
                let p = self.period(&format!("hours.{name} period"), v)?;
                if day.last().is_some_and(|last: &Period| last.end > p.start) {
                    return self.fail(&v.span(), format!("hours.{name}: periods must be in order and not overlap"));
                }
                day.push(p);
            }
        }
        let cut_off_minutes = match &raw.cut_off_minutes {
            Some(c) if *c.get_ref() > 240 => return self.fail(&c.span(), "cut_off_minutes must be at most 240"),
            Some(c) => *c.get_ref(),
            None => 0,
        };
        Ok(Hours { days, cut_off_minutes, priority_exempt: raw.priority_exempt, any_time: false })
    }

    /// A number the hall may set within `range` (its name and unit for the message), else
    /// `default`. 0 would disable a rule: no priority ticket ahead of a walk-in, a 补办件
    /// expiring the day it was accepted, every extension refused. Newer than halls saved on
    /// /admin: such a saved hall keeps its number, warned of.
    fn within(
        &self,
        v: &Option<Spanned<u32>>,
        (range, name, unit): (std::ops::RangeInclusive<u32>, &str, &str),
        default: u32,
    ) -> Res<u32> {
        match v {
            Some(v) if !range.contains(v.get_ref()) => {
                let message = format!("{name} must be between {} and {} {unit}", range.start(), range.end());
                self.newer_rule(&v.span(), message)?;
                Ok(*v.get_ref())
            }
            Some(v) => Ok(*v.get_ref()),
            None => Ok(default),
        }
    }

    /// Minutes done on the spot (R7): a service of 1 minute to a working day.
    fn on_the_spot(&self, name: &str, v: &Spanned<u32>) -> Res<u32> {
        if !(1..=480).contains(v.get_ref()) {
            return self.fail(&v.span(), format!("{name} must be between 1 and 480 minutes"));
        }
        Ok(*v.get_ref())
    }

    fn matter_rules(&self, m: &RawMatter) -> Res<MatterRules> {
        let daily_quota = match &m.daily_quota {
            Some(q) if !(1..=100_000).contains(q.get_ref()) => {
                return self.fail(&q.span(), "daily_quota must be between 1 and 100000");
            }
            Some(q) => Some(*q.get_ref()),
            None => None,
        };
        let own = match &m.hours {
            Some(h) => Some(self.period("matter hours", h)?),
            None => None,
        };
        Ok(MatterRules { own, daily_quota })
    }

    /// `[matters.booking]`: slots of 5 to 240 minutes, 1 to 100 places each, 1 to 30 days ahead.
    fn matter_booking(&self, id: &str, m: &RawMatter) -> Res<Option<crate::domain::booking::MatterBooking>> {
        let Some(b) = &m.booking else { return Ok(None) };
        let (span, r) = (b.span(), b.get_ref());
        if !(5..=240).contains(&r.slot_minutes) {
            return self.fail(&span, format!("matter `{id}`: booking.slot_minutes must be between 5 and 240"));
        }
        if !(1..=100).contains(&r.slot_capacity) {
            return self.fail(&span, format!("matter `{id}`: booking.slot_capacity must be between 1 and 100"));
        }
        let days_ahead = r.days_ahead.unwrap_or(5);
        if !(1..=30).contains(&days_ahead) {
            return self.fail(
                &span,
                format!("matter `{id}`: booking.days_ahead must be between 1 and 30 days the hall opens"),
            );
        }
        Ok(Some(crate::domain::booking::MatterBooking {
            slot_minutes: r.slot_minutes,
            slot_capacity: r.slot_capacity,
            days_ahead,
        }))
    }

    /// `[booking]`: the hall's appointment rules, each within its range.
    fn booking(&self, raw: Option<&Spanned<RawBooking>>) -> Res<crate::domain::booking::Rules> {
        let d = crate::domain::booking::Rules::default();
        let Some(raw) = raw else { return Ok(d) };
        let (span, r) = (raw.span(), raw.get_ref());
        let rules = crate::domain::booking::Rules {
            early_minutes: r.early_minutes.unwrap_or(d.early_minutes),
            grace_minutes: r.grace_minutes.unwrap_or(d.grace_minutes),
            per_person_per_day: r.per_person_per_day.unwrap_or(d.per_person_per_day),
            no_show_limit: r.no_show_limit.unwrap_or(d.no_show_limit),
            keep_days: r.keep_days.unwrap_or(d.keep_days),
            turn_soon_ahead: r.turn_soon_ahead.unwrap_or(d.turn_soon_ahead),
            tickets_per_person_per_matter: r.tickets_per_person_per_matter.unwrap_or(d.tickets_per_person_per_matter),
        };
        let checks = [
            (rules.early_minutes <= 240, "booking.early_minutes must be at most 240"),
            (rules.grace_minutes <= 240, "booking.grace_minutes must be at most 240"),
            ((1..=20).contains(&rules.per_person_per_day), "booking.per_person_per_day must be between 1 and 20"),
            (rules.no_show_limit <= 30, "booking.no_show_limit must be at most 30 (0: never suspended)"),
            (
                (31..=3650).contains(&rules.keep_days),
                "booking.keep_days must be between 31 (the no-show count needs 30 days) and 3650",
            ),
            ((1..=50).contains(&rules.turn_soon_ahead), "booking.turn_soon_ahead must be between 1 and 50"),
            (
                (1..=20).contains(&rules.tickets_per_person_per_matter),
                "booking.tickets_per_person_per_matter must be between 1 and 20",
            ),
        ];
        match checks.iter().find(|(ok, _)| !ok) {
            Some((_, message)) => self.fail(&span, *message),
            None => Ok(rules),
        }
    }

    fn staff(&self, raw: &[RawStaff], hall: &Hall) -> Res<Vec<Staff>> {
        let (mut seen, mut hashes) = (HashSet::new(), HashSet::new());
        raw.iter()
            .map(|s| {
                let username = self.id("staff username", &s.username, &mut seen)?;
                let role = StaffRole::parse(s.role.get_ref()).ok_or_else(|| {
                    self.error(
                        &s.role.span(),
                        format!("role `{}` must be clerk, director, leader, admin or village", s.role.get_ref()),
                    )
                })?;
                for w in &s.windows {
                    self.known("window", w, hall.windows.iter().map(|w| &w.id))?;
                }
                if !hall_signin::is_password_hash(s.password_hash.get_ref()) {
                    return self.fail(
                        &s.password_hash.span(),
                        "password_hash is not a PHC hash string; make one with `hall-server hash-password`",
                    );
                }
                if !s.demo && sample_secrets().passwords.contains(s.password_hash.get_ref()) {
                    self.newer_rule(
                        &s.password_hash.span(),
                        "this password_hash is the sample hall's (its password `demo` is public): make the account's \
                         own with `hall-server hash-password`, or mark it demo = true",
                    )?;
                }
                // The same string twice is a copied hash (two passwords hashed apart never are).
                if !s.demo && !hashes.insert(s.password_hash.get_ref().clone()) {
                    self.newer_rule(
                        &s.password_hash.span(),
                        "another account has this very password_hash (copied): each account needs its own, \
                         made with `hall-server hash-password`",
                    )?;
                }
                let photo = match &s.photo {
                    None => None,
                    Some(p) => Some(self.photo(p)?),
                };
                let station = match (&s.station, role) {
                    (Some(st), StaffRole::Village) => Some(self.text_field("station", st)?),
                    (None, StaffRole::Village) => {
                        return self.fail(
                            &s.role.span(),
                            "a village agent names their station, e.g. station = \"石桥村便民服务站\"",
                        )
                    }
                    (Some(st), _) => {
                        return self.fail(&st.span(), "only a village agent (role = \"village\") has a station")
                    }
                    (None, _) => None,
                };
                if role == StaffRole::Village && !s.windows.is_empty() {
                    return self.fail(&s.role.span(), "a village agent signs in at no window: leave windows out");
                }
                Ok(Staff {
                    photo,
                    station,
                    username,
                    name: self.text_field("staff name", &s.name)?,
                    staff_no: s.staff_no.clone(),
                    role,
                    windows: s.windows.iter().map(|w| w.get_ref().clone()).collect(),
                    password_hash: s.password_hash.get_ref().clone(),
                    demo: s.demo,
                })
            })
            .collect()
    }

    /// A staff photo: the name of a JPEG or PNG file in the hall's one photo folder (the
    /// configuration's folder) — a plain file name, never a path, so that a configuration
    /// cannot point the server at any other file.
    fn photo(&self, p: &Spanned<String>) -> Res<std::path::PathBuf> {
        let name = p.get_ref();
        let plain = !name.is_empty()
            && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && !name.starts_with('.');
        if !plain {
            return self
                .fail(&p.span(), "a staff photo is a file name in the configuration's folder (no path), e.g. liu.jpg");
        }
        let ext = std::path::Path::new(name).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        if !matches!(ext.as_deref(), Some("jpg" | "jpeg" | "png")) {
            return self.fail(&p.span(), "a staff photo must be a .jpg or .png file");
        }
        let Some(dir) = self.dir else {
            return self
                .fail(&p.span(), "staff photos need the hall's configuration folder (start the server with --config)");
        };
        let path = dir.join(name);
        if !path.is_file() {
            return self.fail(&p.span(), format!("no photo `{name}` in the configuration's folder"));
        }
        Ok(path)
    }

    fn kiosks(&self, raw: &[RawKiosk]) -> Res<Vec<Kiosk>> {
        let (mut seen, mut tokens) = (HashSet::new(), HashSet::new());
        raw.iter()
            .map(|k| {
                let id = self.id("kiosk", &k.id, &mut seen)?;
                let token_sha256 = self.device_token(&k.token_sha256, k.demo)?;
                if !tokens.insert(token_sha256.clone()) {
                    return self.fail(
                        &k.token_sha256.span(),
                        "each kiosk needs its own token (`hall-server new-kiosk-token`)",
                    );
                }
                Ok(Kiosk { id, name: k.name.clone(), token_sha256, demo: k.demo })
            })
            .collect()
    }

    fn token_hash(&self, raw: &Spanned<String>) -> Res<String> {
        let h = raw.get_ref();
        if h.len() != 64 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
            return self
                .fail(&raw.span(), "token_sha256 must be 64 hex digits; make one with `hall-server new-kiosk-token`");
        }
        Ok(h.to_ascii_lowercase())
    }

    /// A device's token hash, refused when it is one of the sample hall's public tokens
    /// (`demo-kiosk`, …) on a device not marked demo.
    fn device_token(&self, raw: &Spanned<String>, demo: bool) -> Res<String> {
        let h = self.token_hash(raw)?;
        if !demo && sample_secrets().tokens.contains(&h) {
            self.newer_rule(
                &raw.span(),
                "this token is the sample hall's (`demo-…`, public): make the device's own with \
                 `hall-server new-kiosk-token`, or mark it demo = true",
            )?;
        }
        Ok(h)
    }

    /// The windows' evaluators: each faces a window of the hall, with a token no kiosk has.
    fn evaluators(&self, raw: &[RawEvaluator], hall: &Hall) -> Res<Vec<Evaluator>> {
        let (mut seen, mut tokens) = (HashSet::new(), HashSet::new());
        raw.iter()
            .map(|e| {
                let id = self.id("evaluator", &e.id, &mut seen)?;
                self.known("evaluator window", &e.window, hall.windows.iter().map(|w| &w.id))?;
                let token_sha256 = self.device_token(&e.token_sha256, e.demo)?;
                if !tokens.insert(token_sha256.clone()) {
                    return self.fail(
                        &e.token_sha256.span(),
                        "each evaluator needs its own token (`hall-server new-kiosk-token`): a copied one rates another window",
                    );
                }
                if hall.kiosk_by_token_hash(&token_sha256).is_some() {
                    return self.fail(&e.token_sha256.span(), "an evaluator's token must differ from every kiosk's");
                }
                Ok(Evaluator { id, window: e.window.get_ref().clone(), token_sha256, demo: e.demo })
            })
            .collect()
    }

    /// The county services: read-only devices, with a token no kiosk or evaluator has.
    fn counties(&self, raw: &[RawCounty], hall: &Hall) -> Res<Vec<County>> {
        let mut seen = HashSet::new();
        raw.iter()
            .map(|c| {
                let id = self.id("county", &c.id, &mut seen)?;
                let token_sha256 = self.device_token(&c.token_sha256, c.demo)?;
                if hall.kiosk_by_token_hash(&token_sha256).is_some()
                    || hall.evaluator_by_token_hash(&token_sha256).is_some()
                {
                    return self.fail(&c.token_sha256.span(), "a county's token must differ from every device's");
                }
                Ok(County { id, name: c.name.clone(), token_sha256, demo: c.demo })
            })
            .collect()
    }

    fn assessment(&self, raw: Option<&Spanned<RawAssessment>>) -> Res<crate::domain::assessment::Scheme> {
        use crate::domain::assessment::{Deductions, Grades, Scheme, SchemeProblem, Weights};
        let Some(raw) = raw else { return Ok(Scheme::default()) };
        let d = Scheme::default();
        let (w, x, g) = (&raw.get_ref().weights, &raw.get_ref().deductions, &raw.get_ref().grades);
        let scheme = Scheme {
            weights: Weights {
                attendance: w.attendance.unwrap_or(d.weights.attendance),
                discipline: w.discipline.unwrap_or(d.weights.discipline),
                service: w.service.unwrap_or(d.weights.service),
                cases: w.cases.unwrap_or(d.weights.cases),
                archives: w.archives.unwrap_or(d.weights.archives),
                satisfaction: w.satisfaction.unwrap_or(d.weights.satisfaction),
            },
            deductions: Deductions {
                late: x.late.unwrap_or(d.deductions.late),
                early_leave: x.early_leave.unwrap_or(d.deductions.early_leave),
                absent: x.absent.unwrap_or(d.deductions.absent),
                finding: x.finding.unwrap_or(d.deductions.finding),
                complaint_upheld: x.complaint_upheld.unwrap_or(d.deductions.complaint_upheld),
                overdue_case: x.overdue_case.unwrap_or(d.deductions.overdue_case),
            },
            grades: Grades {
                excellent: g.excellent.unwrap_or(d.grades.excellent),
                good: g.good.unwrap_or(d.grades.good),
                pass: g.pass.unwrap_or(d.grades.pass),
            },
        };
        match scheme.check() {
            Ok(()) => Ok(scheme),
            Err(SchemeProblem::Negative(name)) => {
                self.fail(&raw.span(), format!("assessment: `{name}` must be a number of at least 0"))
            }
            Err(SchemeProblem::NoWeight) => self.fail(&raw.span(), "assessment: at least one weight must be above 0"),
            Err(SchemeProblem::Grades) => {
                self.fail(&raw.span(), "assessment.grades: excellent ≥ good ≥ pass, each between 0 and 100")
            }
        }
    }

    fn rating_limits(&self, raw: &RawPolicy) -> Res<crate::domain::rating::Limits> {
        let d = crate::domain::rating::Limits::default();
        let limits = crate::domain::rating::Limits {
            contact_days: raw.follow_up_contact_days.unwrap_or(d.contact_days),
            rectify_days: raw.follow_up_rectify_days.unwrap_or(d.rectify_days),
            ask_seconds: raw.evaluator_seconds.unwrap_or(d.ask_seconds),
        };
        if !(1..=30).contains(&limits.contact_days) || !(limits.contact_days..=60).contains(&limits.rectify_days) {
            return self.fail(
                &(0..0),
                "follow_up_contact_days is 1 to 30 and follow_up_rectify_days from it to 60 (working days)",
            );
        }
        if !(10..=600).contains(&limits.ask_seconds) {
            return self.fail(&(0..0), "evaluator_seconds is 10 to 600");
        }
        Ok(limits)
    }

    /// R21: a simple complaint answered within days, a complex one within a longer time.
    fn complaint_limits(&self, raw: &RawPolicy) -> Res<crate::domain::complaint::Limits> {
        let d = crate::domain::complaint::Limits::default();
        let limits = crate::domain::complaint::Limits {
            simple_days: raw.complaint_simple_days.unwrap_or(d.simple_days),
            complex_days: raw.complaint_complex_days.unwrap_or(d.complex_days),
        };
        if !(1..=30).contains(&limits.simple_days) || !(limits.simple_days..=60).contains(&limits.complex_days) {
            return self.fail(
                &(0..0),
                "complaint_simple_days is 1 to 30 and complaint_complex_days from it to 60 (working days)",
            );
        }
        Ok(limits)
    }
}

#[cfg(test)]
mod tests;
