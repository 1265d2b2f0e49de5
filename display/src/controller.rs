//! What the display shows, and which calls it announces: a pure state machine fed with the
//! server's snapshot and live events. No I/O, no clock reads (`now` is an argument, already in
//! the server's time), no UI types.

use std::collections::{BTreeSet, HashSet, VecDeque};

use chrono::{DateTime, Duration, FixedOffset, Utc};
use hall_wire as wire;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallView {
    pub ticket_id: i64,
    pub number: String,
    pub window_id: String,
    pub window_number: u32,
    pub window_name: String,
    pub at: DateTime<FixedOffset>,
    pub recall: bool,
    /// The ticket came by appointment, on time (「预约」 beside its number).
    pub booked: bool,
}

impl CallView {
    /// The call as the display shows it; none for a window the hall no longer has (the server
    /// answers its earlier calls with window 0: 「到0号窗口」 sends nobody anywhere).
    pub fn from_wire(c: &wire::Call) -> Option<CallView> {
        if c.window_number == 0 {
            return None;
        }
        Some(CallView {
            ticket_id: c.ticket_id,
            number: c.number.clone(),
            window_id: c.window_id.clone(),
            window_number: c.window_number,
            window_name: c.window_name.clone(),
            at: DateTime::parse_from_rfc3339(&c.at).ok()?,
            recall: c.recall,
            booked: c.booked,
        })
    }

    /// What identifies one call (a recall is another call).
    fn key(&self) -> CallKey {
        (self.ticket_id, self.window_id.clone(), self.at.timestamp_millis(), self.recall)
    }
}

type CallKey = (i64, String, i64, bool);

/// Calls already handled, so that a snapshot and a replayed stream never announce one twice:
/// the newest [`SeenCalls::KEEP`] by the time they were made. (Kept by arrival, the replay after
/// a long outage — hundreds of calls older than the snapshot's, oldest first — pushed the
/// snapshot's own calls out, and their events, replayed last, were said a second time.)
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeenCalls {
    by_time: BTreeSet<(i64, CallKey)>,
    set: HashSet<CallKey>,
}

impl SeenCalls {
    const KEEP: usize = 512;

    /// Records the call; false when it was seen before.
    fn insert(&mut self, key: CallKey) -> bool {
        if !self.set.insert(key.clone()) {
            return false;
        }
        self.by_time.insert((key.2, key));
        if self.by_time.len() > Self::KEEP {
            if let Some((_, oldest)) = self.by_time.pop_first() {
                self.set.remove(&oldest);
            }
        }
        true
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowView {
    pub id: String,
    pub number: u32,
    pub name: String,
    pub status: wire::WindowStatus,
    /// Number of the ticket called or served there.
    pub serving: Option<String>,
    pub staff: Option<wire::StaffOnDuty>,
    /// Names of the matters handled there.
    pub matters: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Live,
    Lost { since: DateTime<Utc> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// How many recent calls the list keeps.
    pub recent: usize,
    /// Calls older than this are shown but not announced (a display back from an outage).
    pub stale_after: Duration,
    /// How long the newest call flashes.
    pub flash_for: Duration,
    /// Window mode: only this window's calls are announced.
    pub window: Option<u32>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { recent: 8, stale_after: Duration::seconds(60), flash_for: Duration::seconds(6), window: None }
    }
}

/// The state the server gives at start-up or after a reconnection.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub hall: wire::HallInfo,
    /// Newest first, as `GET /api/calls/recent` gives them.
    pub calls: Vec<wire::Call>,
    pub queues: Vec<wire::Queue>,
    pub windows: Vec<wire::Window>,
    pub services: Vec<wire::Service>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Snapshot(Box<Snapshot>),
    Event { id: i64, kind: String, data: Value },
    Connected,
    Disconnected,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Announce(CallView),
    /// The call of `number` to `window` made at `called_at` taken back: not to be said if it
    /// has not been yet (another call of that number there, made since, still is).
    Withdraw {
        number: String,
        window: u32,
        called_at: DateTime<FixedOffset>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub settings: Settings,
    pub hall_name: String,
    pub notice: String,
    pub latest: Option<CallView>,
    /// Newest first; each ticket once, with its latest call.
    pub recent: VecDeque<CallView>,
    pub queues: Vec<wire::Queue>,
    /// Whether the hall issues tickets now (snapshot, then `issuing_changed`).
    pub hall_issuing: wire::Issuing,
    pub windows: Vec<WindowView>,
    pub link: Link,
    /// The newest event applied; a resumed stream continues after it.
    pub last_event_id: Option<i64>,
    pub flash_until: Option<DateTime<Utc>>,
    /// Whether a snapshot was applied before (the first one is history: never announced).
    pub started: bool,
    seen: SeenCalls,
    /// Calls given to the voice lately, newest first (at most [`Model::ANNOUNCED`]): a call
    /// taken back is withdrawn from the voice's queue even when it has left the screen's list
    /// (a burst at opening) or the snapshot after a reconnection no longer holds it.
    announced: VecDeque<CallView>,
}

impl Model {
    pub fn new(settings: Settings) -> Model {
        Model {
            settings,
            hall_name: String::new(),
            notice: String::new(),
            latest: None,
            recent: VecDeque::new(),
            queues: Vec::new(),
            hall_issuing: wire::Issuing::default(),
            windows: Vec::new(),
            link: Link::Connecting,
            last_event_id: None,
            flash_until: None,
            started: false,
            seen: SeenCalls::default(),
            announced: VecDeque::new(),
        }
    }

    /// How many calls given to the voice are remembered for a withdrawal: more than can wait
    /// their turn (calls wait up to 10 minutes, a few seconds each).
    const ANNOUNCED: usize = 200;

    fn announce(&mut self, call: CallView) -> Effect {
        self.announced.push_front(call.clone());
        self.announced.truncate(Self::ANNOUNCED);
        Effect::Announce(call)
    }

    /// 「今日已停止取号」 for this queue: its issuing stopped for the rest of the day (cut-off,
    /// a closed day, or the quota of every matter used up), or stopped without a reason while
    /// the hall's is stopped for the day.
    pub fn no_more_today(&self, q: &wire::Queue) -> bool {
        use wire::IssuingStop::{ClosedToday, CutOff, QuotaReached};
        let for_the_day = |i: &wire::Issuing| !i.open && matches!(i.reason, Some(CutOff | ClosedToday | QuotaReached));
        for_the_day(&q.issuing) || (!q.issuing.open && q.issuing.reason.is_none() && for_the_day(&self.hall_issuing))
    }

    pub fn flashing(&self, now: DateTime<Utc>) -> bool {
        self.flash_until.is_some_and(|t| now < t)
    }

    /// The window shown in window mode.
    pub fn my_window(&self) -> Option<&WindowView> {
        let n = self.settings.window?;
        self.windows.iter().find(|w| w.number == n)
    }

    pub fn apply(&mut self, input: Input, now: DateTime<Utc>) -> Vec<Effect> {
        match input {
            Input::Connected => {
                self.link = Link::Live;
                vec![]
            }
            Input::Disconnected => {
                if !matches!(self.link, Link::Lost { .. }) {
                    self.link = Link::Lost { since: now };
                }
                vec![]
            }
            Input::Snapshot(s) => self.snapshot(*s, now),
            Input::Event { id, kind, data } => {
                if self.last_event_id.is_some_and(|last| id <= last) {
                    return vec![]; // seen already
                }
                self.last_event_id = Some(id);
                self.event(&kind, data, now)
            }
        }
    }

    /// Replaces the state with the server's. After a reconnection, fresh calls made while the
    /// display was away are announced (oldest first); stale ones and the first start's history
    /// are only shown.
    fn snapshot(&mut self, s: Snapshot, now: DateTime<Utc>) -> Vec<Effect> {
        // A call made while the display was away is said only if its citizen is still called to
        // that window: one served, finished, missed or sent on meanwhile (the window has moved
        // on), or called again at another window (the earlier call was taken back), is only
        // shown. (A recall at the same window is said again, as it was made.)
        let still_called = |c: &wire::Call| {
            s.windows.iter().any(|w| {
                w.id == c.window_id
                    && w.serving.as_ref().is_some_and(|t| t.id == c.ticket_id && t.status == wire::TicketStatus::Called)
            })
        };
        let mut missed = Vec::new();
        for c in s.calls.iter().rev() {
            let current = still_called(c);
            let Some(c) = CallView::from_wire(c) else { continue };
            let new = self.seen.insert(c.key());
            if new && current && self.started && self.fresh_and_mine(&c, now) {
                missed.push(c);
            }
        }
        self.started = true;
        // After a reconnection the server may have been restored or replaced: take the
        // stream's ids afresh (the seen calls keep announcements single).
        self.last_event_id = None;
        self.hall_name = s.hall.name;
        self.notice = s.hall.notice;
        self.hall_issuing = s.hall.issuing;
        self.recent.clear();
        for c in s.calls.iter().filter_map(CallView::from_wire) {
            if !self.recent.iter().any(|r| r.ticket_id == c.ticket_id) && self.recent.len() < self.settings.recent {
                self.recent.push_back(c);
            }
        }
        self.latest = self.recent.front().cloned();
        self.queues = s.queues;
        self.windows = s
            .windows
            .into_iter()
            .map(|w| WindowView {
                matters: w
                    .services
                    .iter()
                    .filter_map(|id| s.services.iter().find(|m| &m.id == id).map(|m| m.name.clone()))
                    .collect(),
                id: w.id,
                number: w.number,
                name: w.name,
                status: w.status,
                serving: w.serving.map(|t| t.number),
                staff: w.staff,
            })
            .collect();
        if !missed.is_empty() {
            self.flash_until = Some(now + self.settings.flash_for);
        }
        missed.into_iter().map(|c| self.announce(c)).collect()
    }

    fn fresh_and_mine(&self, call: &CallView, now: DateTime<Utc>) -> bool {
        let fresh = now.signed_duration_since(call.at) <= self.settings.stale_after;
        fresh && self.settings.window.is_none_or(|n| n == call.window_number)
    }

    fn event(&mut self, kind: &str, data: Value, now: DateTime<Utc>) -> Vec<Effect> {
        match kind {
            wire::event_kind::TICKET_CALLED => {
                let Some(call) = serde_json::from_value::<wire::Call>(data).ok().and_then(|c| CallView::from_wire(&c))
                else {
                    return vec![];
                };
                self.called(call, now)
            }
            wire::event_kind::QUEUE_CHANGED => {
                if let Ok(q) = serde_json::from_value::<wire::Queue>(data) {
                    match self.queues.iter_mut().find(|x| x.queue == q.queue) {
                        Some(x) => *x = q,
                        None => self.queues.push(q),
                    }
                }
                vec![]
            }
            wire::event_kind::WINDOW_STATUS => {
                if let Ok(w) = serde_json::from_value::<wire::WindowStatusChanged>(data) {
                    if let Some(x) = self.windows.iter_mut().find(|x| x.id == w.window_id) {
                        x.status = w.status;
                        x.staff = w.staff;
                        x.serving = w.serving;
                    }
                }
                vec![]
            }
            wire::event_kind::TICKET_REQUEUED => {
                // Called, then back in the queue before the citizen came (the clerk signed out,
                // was moved to stand in elsewhere, or a no-show came back): nobody is to go to
                // that window for it any more.
                // Only calls made before it: replayed after a reconnection, it must not take back
                // the ticket's newer call, which the snapshot shows.
                let Ok(r) = serde_json::from_value::<wire::TicketRequeued>(data) else { return vec![] };
                let when = DateTime::parse_from_rfc3339(&r.at).ok();
                let before = |c: &CallView| c.ticket_id == r.ticket_id && when.is_none_or(|w| c.at <= w);
                let mut taken: Vec<Effect> = Vec::new();
                for c in self.recent.iter().chain(self.announced.iter()).filter(|c| before(c)) {
                    let w = Effect::Withdraw { number: c.number.clone(), window: c.window_number, called_at: c.at };
                    if !taken.contains(&w) {
                        taken.push(w);
                    }
                }
                // (On a window's display, only its own call's flash: another window's call taken
                // back does not cut it short.)
                let was_latest = self
                    .latest
                    .as_ref()
                    .is_some_and(|c| before(c) && self.settings.window.is_none_or(|n| n == c.window_number));
                self.recent.retain(|c| !before(c));
                self.announced.retain(|c| !before(c));
                self.latest = self.recent.front().cloned();
                // The big call taken back: the one below it is no new call to flash for.
                if was_latest {
                    self.flash_until = None;
                }
                taken
            }
            wire::event_kind::ISSUING_CHANGED => {
                if let Ok(i) = serde_json::from_value::<wire::Issuing>(data) {
                    self.hall_issuing = i;
                }
                vec![]
            }
            wire::event_kind::NOTICE_CHANGED => {
                if let Ok(n) = serde_json::from_value::<wire::Notice>(data) {
                    self.notice = n.notice;
                }
                vec![]
            }
            _ => vec![], // other kinds do not change the display
        }
    }

    fn called(&mut self, call: CallView, now: DateTime<Utc>) -> Vec<Effect> {
        // The snapshot may already hold a call that the stream then repeats.
        if !self.seen.insert(call.key()) {
            return vec![];
        }
        // A call takes its place by time: after a reconnection the stream replays calls older
        // than the snapshot's, which must not push the current ones off the screen nor become
        // the big "now calling" (a ticket shown with a newer call keeps it).
        if !self.recent.iter().any(|r| r.ticket_id == call.ticket_id && r.at > call.at) {
            self.recent.retain(|r| r.ticket_id != call.ticket_id);
            let place = self.recent.iter().position(|r| r.at <= call.at).unwrap_or(self.recent.len());
            self.recent.insert(place, call.clone());
            self.recent.truncate(self.settings.recent);
            // A window display flashes for its own calls only: another window's call does not
            // cut its flash short.
            if place == 0 && self.settings.window.is_none_or(|n| n == call.window_number) {
                self.flash_until = Some(now + self.settings.flash_for);
            }
        }
        self.latest = self.recent.front().cloned();
        if self.fresh_and_mine(&call, now) {
            vec![self.announce(call)]
        } else {
            vec![]
        }
    }
}

#[cfg(test)]
mod tests;
