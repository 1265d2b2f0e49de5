//! The hall as configured: departments, queues, windows, matters, staff and kiosks.
//!
//! Built only by `config::load`/`config::parse`, which validate every reference, so the
//! lookups here may assume a consistent hall.

use chrono::NaiveTime;
use chrono_tz::Tz;

use crate::domain::hours::{Hours, MatterRules};
use crate::domain::MaterialKind;

#[derive(Debug, Clone)]
pub struct Hall {
    /// The hall's stable id in its county (`[hall] id`), when configured.
    pub id: Option<String>,
    pub name: String,
    pub timezone: Tz,
    pub address: String,
    pub phone: String,
    /// Staff must sign in before this local time (R15).
    pub work_start: NaiveTime,
    pub work_end: NaiveTime,
    pub notice: String,
    /// When tickets are issued (opening hours, lunch break, cut-off).
    pub hours: Hours,
    /// The matter id of general inquiries (综合咨询): the kiosk's "I don't know what I need".
    pub general_inquiry: Option<String>,
    pub policy: Policy,
    pub departments: Vec<Department>,
    pub queues: Vec<QueueDef>,
    pub windows: Vec<WindowDef>,
    pub matters: Vec<Matter>,
    pub staff: Vec<Staff>,
    pub kiosks: Vec<Kiosk>,
    /// The rating screens facing citizens at windows.
    pub evaluators: Vec<Evaluator>,
    /// The county services that may follow every event (read-only, personal data removed).
    pub counties: Vec<County>,
    /// The TOML text this hall was read from: what the admin page shows, edits and exports.
    pub source: String,
    /// The folder of the configuration file (staff photos are looked up there); a hall saved on
    /// the admin page keeps the folder of the hall it replaced.
    pub folder: Option<std::path::PathBuf>,
    /// Queue id -> ids of the windows calling from it; filled by [`Hall::index`].
    pub queue_window_ids: std::collections::HashMap<String, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Consecutive priority calls a queue may make while ordinary tickets wait.
    pub priority_cap: u32,
    /// How often a no-show ticket may be put back in the queue.
    pub no_show_requeue_limit: u32,
    pub session_hours: u32,
    /// Waits longer than this are shown in the warning colour on the director's console.
    pub wait_warning_minutes: u32,
    /// Minutes a 即办件 is done in on the spot (即收即办, R7), unless its matter says otherwise.
    pub on_the_spot_minutes: u32,
    /// A clerk signing in this many minutes after the start is not late (R15).
    pub late_grace_minutes: u32,
    /// The cases' limits: a supplement's waiting days, the extension's cap.
    pub cases: crate::domain::case::Limits,
    /// Bad ratings' follow-up deadlines, the evaluator's asking time.
    pub ratings: crate::domain::rating::Limits,
    /// Complaints' due dates in working days: simple, complex (R21).
    pub complaints: crate::domain::complaint::Limits,
    /// The petitions' answer limits in working days (R20): 3, a leader reception 5.
    pub petitions: crate::domain::petition::Limits,
    /// The monthly assessment's weights, deductions and grades (R17).
    pub assessment: crate::domain::assessment::Scheme,
    /// Appointments: check-in window, person limits, the no-show suspension, data kept.
    pub booking: crate::domain::booking::Rules,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            priority_cap: 3,
            no_show_requeue_limit: 1,
            session_hours: 12,
            wait_warning_minutes: 30,
            on_the_spot_minutes: 20,
            late_grace_minutes: 5,
            cases: crate::domain::case::Limits::default(),
            ratings: crate::domain::rating::Limits::default(),
            complaints: crate::domain::complaint::Limits::default(),
            petitions: crate::domain::petition::Limits::default(),
            assessment: crate::domain::assessment::Scheme::default(),
            booking: crate::domain::booking::Rules::default(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Department {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct QueueDef {
    pub id: String,
    pub prefix: char,
    pub name: String,
    /// Typical minutes per citizen, used for estimates before the day has history.
    pub service_minutes: u32,
}

#[derive(Debug, Clone)]
pub struct WindowDef {
    pub id: String,
    pub number: u32,
    pub name: String,
    pub department: String,
    pub location: String,
    /// Position on the hall plan, in percent of its width and height.
    pub plan: Option<(f32, f32)>,
    /// Queue id -> weight; queues not listed weigh 1.
    pub weights: Vec<(String, u32)>,
}

#[derive(Debug, Clone)]
pub struct Material {
    pub name: String,
    pub kind: MaterialKind,
}

#[derive(Debug, Clone)]
pub struct Matter {
    pub id: String,
    pub name: String,
    pub department: String,
    pub queue: String,
    pub windows: Vec<String>,
    pub materials: Vec<Material>,
    pub procedure: Vec<String>,
    pub time_limit_days: u32,
    /// Minutes it is normally done in on the spot, materials complete (即收即办, R7): a 即办件
    /// served longer is over its limit (the reports count it, with the minutes kept on the case);
    /// the desk and the director's console mark a service of a matter done on the spot
    /// (`time_limit_days` 0) that reaches them.
    pub on_the_spot_minutes: u32,
    pub fee: String,
    pub basis: String,
    /// Its own hours and daily quota.
    pub rules: MatterRules,
    /// Booking and walk-in tickets ask for the 居民身份证号 (person limits by its keyed hash).
    pub id_number: bool,
    /// Bookable in slots; `None`: walk-ins only.
    pub booking: Option<crate::domain::booking::MatterBooking>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffRole {
    Clerk,
    Director,
    /// A leader of the hall's host government (分管领导): reads the hall's figures and
    /// records spot inspections (R18), runs nothing.
    Leader,
    Admin,
    /// A village agent (代办员) at a village service station (R22): registers villagers'
    /// requests and forwards them to the town hall's windows; nothing else.
    Village,
}

impl StaffRole {
    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Clerk => "clerk",
            StaffRole::Director => "director",
            StaffRole::Leader => "leader",
            StaffRole::Admin => "admin",
            StaffRole::Village => "village",
        }
    }

    pub fn parse(s: &str) -> Option<StaffRole> {
        match s {
            "clerk" => Some(StaffRole::Clerk),
            "director" => Some(StaffRole::Director),
            "leader" => Some(StaffRole::Leader),
            "admin" => Some(StaffRole::Admin),
            "village" => Some(StaffRole::Village),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Staff {
    pub username: String,
    pub name: String,
    pub staff_no: String,
    pub role: StaffRole,
    /// Windows this person may sign in at; empty means any.
    pub windows: Vec<String>,
    pub password_hash: String,
    /// Demo accounts work only when the server runs with `--demo`.
    pub demo: bool,
    /// JPEG or PNG shown on the window display while this person is on duty.
    pub photo: Option<std::path::PathBuf>,
    /// A village agent's station (代办点), e.g. 石桥村便民服务站; none for anyone else.
    pub station: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Evaluator {
    pub id: String,
    /// The window whose citizens it asks.
    pub window: String,
    /// SHA-256 of the device token, lowercase hex (like a kiosk's).
    pub token_sha256: String,
    pub demo: bool,
}

/// A county service following this hall (`[[counties]]`): a read-only device.
#[derive(Debug, Clone)]
pub struct County {
    pub id: String,
    pub name: String,
    /// SHA-256 of the device token, lowercase hex (like a kiosk's).
    pub token_sha256: String,
    pub demo: bool,
}

#[derive(Debug, Clone)]
pub struct Kiosk {
    pub id: String,
    pub name: String,
    /// SHA-256 of the device token, lowercase hex. Tokens are long random secrets, so a
    /// fast hash is enough and keeps every ticket request cheap.
    pub token_sha256: String,
    pub demo: bool,
}

impl Hall {
    pub fn department(&self, id: &str) -> Option<&Department> {
        self.departments.iter().find(|d| d.id == id)
    }

    pub fn department_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.department(id).map(|d| d.name.as_str()).unwrap_or(id)
    }

    pub fn queue(&self, id: &str) -> Option<&QueueDef> {
        self.queues.iter().find(|q| q.id == id)
    }

    pub fn window(&self, id: &str) -> Option<&WindowDef> {
        self.windows.iter().find(|w| w.id == id)
    }

    pub fn matter(&self, id: &str) -> Option<&Matter> {
        self.matters.iter().find(|m| m.id == id)
    }

    pub fn staff(&self, username: &str) -> Option<&Staff> {
        self.staff.iter().find(|s| s.username == username)
    }

    pub fn kiosk_by_token_hash(&self, hash: &str) -> Option<&Kiosk> {
        self.kiosks.iter().find(|k| k.token_sha256 == hash)
    }

    pub fn evaluator_by_token_hash(&self, hash: &str) -> Option<&Evaluator> {
        self.evaluators.iter().find(|e| e.token_sha256 == hash)
    }

    pub fn county_by_token_hash(&self, hash: &str) -> Option<&County> {
        self.counties.iter().find(|c| c.token_sha256 == hash)
    }

    /// The matters a window handles.
    pub fn window_matters(&self, window_id: &str) -> Vec<&Matter> {
        self.matters.iter().filter(|m| m.windows.iter().any(|w| w == window_id)).collect()
    }

    /// The queues a window calls from, each with its weight, in configuration order.
    pub fn window_queues(&self, window_id: &str) -> Vec<(&QueueDef, u32)> {
        let matters = self.window_matters(window_id);
        let weights = self.window(window_id).map(|w| w.weights.as_slice()).unwrap_or(&[]);
        self.queues
            .iter()
            .filter(|q| matters.iter().any(|m| m.queue == q.id))
            .map(|q| {
                let weight = weights.iter().find(|(id, _)| *id == q.id).map(|(_, w)| *w).unwrap_or(1);
                (q, weight)
            })
            .collect()
    }

    /// Ids of the windows that call from a queue (precomputed: asked on every estimate).
    pub fn queue_windows(&self, queue_id: &str) -> &[String] {
        self.queue_window_ids.get(queue_id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Computes the lookups kept beside the configuration; call after any change to it.
    pub fn index(&mut self) {
        let mut map: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
        for w in &self.windows {
            for (q, _) in self.window_queues(&w.id) {
                map.entry(q.id.clone()).or_default().push(w.id.clone());
            }
        }
        self.queue_window_ids = map;
    }
}

/// What is in force for every request (the hall, the working-day calendar); swapped whole when
/// an administrator changes it.
pub struct InForce<T>(std::sync::Arc<std::sync::RwLock<std::sync::Arc<T>>>);

impl<T> Clone for InForce<T> {
    fn clone(&self) -> Self {
        InForce(self.0.clone())
    }
}

impl<T: Default> Default for InForce<T> {
    fn default() -> Self {
        InForce::new(T::default())
    }
}

impl<T> InForce<T> {
    pub fn new(value: T) -> Self {
        InForce(std::sync::Arc::new(std::sync::RwLock::new(std::sync::Arc::new(value))))
    }

    pub fn get(&self) -> std::sync::Arc<T> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Puts a new, validated value in force for every request from now on. Only the writer
    /// calls this, after the commit that saved it.
    pub(crate) fn replace(&self, value: std::sync::Arc<T>) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = value;
    }
}

/// The hall in force.
pub type SharedHall = InForce<Hall>;
/// The working-day calendar in force (R6).
pub type SharedCalendar = InForce<crate::domain::calendar::Calendar>;
