//! What the kiosk does, without a screen, a network or a printer: inputs (touches, answers of
//! the server and the printer, clock ticks) go in, effects (ask the server, print, report a
//! fault) come out. The clock is an argument, so every rule here is tested directly.

use std::time::{Duration, Instant};

use hall_printer::TicketPrint;
use hall_wire::{self as wire, KioskFaultKind, Priority};

use crate::catalog::Catalog;
use crate::search::SearchIndex;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Any screen goes home after this long without a touch.
    pub idle: Duration,
    /// The ticket screen goes home this long after a ticket printed well.
    pub ticket_home: Duration,
    /// An unanswered ticket request is retried (same key) until this long, then given up.
    pub give_up: Duration,
    /// How often the printer is asked whether it works again while it has a fault.
    pub printer_check: Duration,
    /// How often a working printer is asked for its status (paper, cover) between tickets, so
    /// that staff hear of a fault before a citizen meets it.
    pub printer_watch: Duration,
    /// A print with no outcome after this long is a fault (a device file that blocks forever).
    pub print_timeout: Duration,
    /// A request given up on keeps being sent (same key) this often until the server answers.
    pub resolve_every: Duration,
    /// Base URL of the server, for a relative status URL.
    pub server_url: String,
    pub english: bool,
}

/// A refusal on the 预约取号 or identity-number pad is read in this long: then the kiosk goes home
/// (the next citizen must not find it, nor the masked number, a minute later).
const REFUSAL_READ: Duration = Duration::from_secs(20);

/// A case found on 「查询办件进度」 is read in this long without a touch (scrolling its history is one).
const CASE_READ: Duration = Duration::from_secs(30);

impl Default for Settings {
    fn default() -> Self {
        Settings {
            idle: Duration::from_secs(60),
            ticket_home: Duration::from_secs(15),
            give_up: Duration::from_secs(30),
            printer_check: Duration::from_secs(5),
            printer_watch: Duration::from_secs(30),
            print_timeout: Duration::from_secs(20),
            resolve_every: Duration::from_secs(5),
            server_url: "http://127.0.0.1:8080".into(),
            english: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    Home,
    Department(String),
    Matter(String),
    Search,
    /// Waiting for the server's answer (retrying when it is unreachable).
    Issuing,
    Ticket,
    /// 「查询办件进度」: a case's progress by its number and check code.
    CaseQuery,
    /// 「预约取号」: a booking code or identity number on the pad, or a scanned booking.
    CheckIn,
    /// A matter that asks for the identity number before its ticket (`id_number`): the pad,
    /// then the ticket `Take` asked for.
    IdNumber {
        service_id: String,
        priority: Option<Priority>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintState {
    Printing,
    Printed,
    Failed(KioskFaultKind),
}

/// Why the last request gave no ticket, shown on the matter screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The server could not be reached within the retry time: nothing was issued or printed.
    Unreachable,
    /// The server said no (e.g. over the kiosk's rate): its code.
    Refused { code: String },
    /// No tickets now for this matter: outside the hall's hours or past its daily quota.
    Stopped(Stop),
}

/// Why and until when a matter gives no tickets (from the server's `Issuing` or its 409).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    /// `None` when the server said only `hall_closed` and nothing more is known.
    pub reason: Option<wire::IssuingStop>,
    /// When tickets are next available (local RFC 3339), when the server knows.
    pub next_open: Option<String>,
}

impl Stop {
    /// The stop an `Issuing` describes; `None` while it is open.
    pub fn of(issuing: &wire::Issuing) -> Option<Stop> {
        (!issuing.open).then(|| Stop { reason: issuing.reason, next_open: issuing.next_open.clone() })
    }

    /// No more tickets before tomorrow at the earliest (cut-off, closed day, quota used up).
    pub fn for_the_day(&self) -> bool {
        matches!(
            self.reason,
            Some(wire::IssuingStop::CutOff | wire::IssuingStop::ClosedToday | wire::IssuingStop::QuotaReached)
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// The whole hall (boxed: it is large and rare beside the other inputs).
    Catalog(Box<Catalog>),
    /// Fresh waiting counts and window states.
    Live {
        queues: Vec<wire::Queue>,
        windows: Vec<wire::Window>,
    },
    /// The server cannot be reached (start-up load or the health check failed).
    ServerDown,
    Touch,
    Department(String),
    Matter(String),
    Back,
    Home,
    /// 「不知道办什么? 综合咨询」: a ticket for the general-inquiry matter.
    Inquiry {
        key: String,
    },
    Search,
    Key(char),
    Backspace,
    AskPriority,
    CancelPriority,
    /// 「取号」 (priority `None`) or a confirmed 「优先取号」.
    Take {
        key: String,
        priority: Option<Priority>,
    },
    ToggleLanguage,
    Issued {
        key: String,
        ticket: Box<wire::Ticket>,
    },
    /// The request could not be delivered or its answer was lost: retry with the same key.
    IssueUnreachable {
        key: String,
    },
    /// The server said no: its code (the kiosk says it in its own words, never the server's
    /// English message) and what it said as data.
    IssueRefused {
        key: String,
        code: String,
        /// With `409 hall_closed` / `quota_reached`: when tickets are next available; with
        /// `409 booking_too_early`: when check-in opens (local RFC 3339).
        next_open: Option<String>,
        /// With `404 booking_not_found` at a check-in: the booking's day, another day's.
        day: Option<String>,
    },
    Printed {
        number: String,
    },
    PrintFailed {
        number: String,
        fault: KioskFaultKind,
        message: String,
    },
    Reprint,
    /// The printer's status is good (again).
    PrinterOk,
    /// The printer's status, asked between tickets, shows a fault.
    PrinterFault {
        fault: KioskFaultKind,
        message: String,
    },
    Tick,
    /// 「查询办件进度」 on the home screen: the query screen, empty.
    Cases,
    /// A touch on a field of the query screen: it takes the typing.
    CaseField(QueryField),
    /// Characters for the field in use: a key of the on-screen pad, or a keyboard or a barcode
    /// scanner that types (Enter asks, backspace and tab as on a keyboard).
    CaseText(String),
    CaseBackspace,
    /// Both fields emptied (also 「查询其他办件」 under an answer).
    CaseClear,
    /// 「查询」.
    CaseSubmit,
    /// The server's answer to query `id`.
    CaseAnswer {
        id: u64,
        answer: CaseAnswer,
    },
    /// 「预约取号」 on the home screen: the check-in pad, empty.
    CheckIn,
    /// Characters for the pad's field (a key of the pad, or what a scanner, an ID-card reader
    /// or a keyboard typed; Enter is `EntrySubmit`).
    EntryText(String),
    EntryBackspace,
    EntryClear,
    /// 「确定」 or Enter: check in (or take the ticket) with what is typed, if it reads.
    EntrySubmit {
        key: String,
    },
    /// The server's answer to a check-in: the ticket (answers of no ticket are `IssueRefused`
    /// and `IssueUnreachable`, as for any ticket request).
    CheckedIn {
        key: String,
        answer: Box<CheckedIn>,
    },
}

/// `POST /api/bookings/check-in` answered: the ticket, and whether the citizen came in time
/// for the booked place (late: an ordinary ticket, and they are told).
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedIn {
    pub ticket: wire::Ticket,
    pub on_time: bool,
    /// The booked slot, "HH:MM".
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Issue {
        key: String,
        service_id: String,
        priority: Option<Priority>,
        /// The 居民身份证号, on matters that ask for it.
        id_number: Option<String>,
    },
    /// `POST /api/bookings/check-in` with this key (answered by `CheckedIn`, `IssueRefused`
    /// or `IssueUnreachable`).
    CheckIn {
        key: String,
        by: BookingKey,
    },
    Print(Box<TicketPrint>),
    Report {
        kind: KioskFaultKind,
        message: String,
        ticket_number: Option<String>,
    },
    CheckPrinter,
    Language {
        english: bool,
    },
    /// A ticket the server made for a request given up on, answered after the citizen left
    /// (the kiosk went home without the same 取号 again): it is not printed (nobody would take
    /// it); the runtime logs it.
    Unclaimed {
        number: String,
    },
    /// The hall's hours or quotas changed under us (a 409): load the catalog again now.
    Reload,
    /// Ask for a case's progress (`GET /api/cases/{number}?code=`); answered by
    /// `Input::CaseAnswer` with the same id.
    QueryCase {
        id: u64,
        number: String,
        code: String,
    },
}

/// What a request in flight asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Request {
    Ticket { service_id: String, priority: Option<Priority>, id_number: Option<String> },
    CheckIn(BookingKey),
}

impl Request {
    /// The request names its citizen (a booking, an identity number): whoever asks it again is
    /// the same person, so its key may be reused after the kiosk went home.
    fn names_its_citizen(&self) -> bool {
        matches!(self, Request::CheckIn(_) | Request::Ticket { id_number: Some(_), .. })
    }

    fn effect(&self, key: &str) -> Effect {
        match self {
            Request::Ticket { service_id, priority, id_number } => Effect::Issue {
                key: key.to_string(),
                service_id: service_id.clone(),
                priority: *priority,
                id_number: id_number.clone(),
            },
            Request::CheckIn(by) => Effect::CheckIn { key: key.to_string(), by: by.clone() },
        }
    }
}

#[derive(Debug, Clone)]
struct Pending {
    key: String,
    request: Request,
    started: Instant,
    attempts: u32,
    /// When to send again after an unreachable attempt; `None` while a request is out.
    retry_at: Option<Instant>,
    /// Given up on and the kiosk went home: its citizen left, so it is sent no more (a request
    /// that never reached the server would make a ticket, or use a booking, nobody takes). An
    /// answer to a send already out is still logged.
    citizen_left: bool,
}

#[derive(Debug, Clone)]
pub struct IssuedTicket {
    pub ticket: wire::Ticket,
    pub print: PrintState,
    pub status_url: String,
    /// Checked in for a booking: whether on time (a booked ticket) or late (an ordinary one),
    /// and the slot.
    pub booking: Option<BookingOutcome>,
    shown_at: Instant,
    auto_reprinted: bool,
}

/// A ticket made for a request given up on, whose citizen had moved on (see `Kiosk::unclaimed`).
#[derive(Debug)]
struct Unclaimed {
    request: Request,
    ticket: wire::Ticket,
    booking: Option<BookingOutcome>,
}

/// What became of a booking at check-in, for the ticket screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingOutcome {
    pub on_time: bool,
    pub start: String,
    pub end: String,
}

pub struct Kiosk {
    settings: Settings,
    catalog: Option<Catalog>,
    index: Option<SearchIndex>,
    screen: Screen,
    english: bool,
    last_touch: Instant,
    confirming_priority: bool,
    typed: String,
    pending: Option<Pending>,
    /// The requests given up on: each still sent in the background with its key until the
    /// server answers, so a ticket made but not answered is found (and reused by the next 取号
    /// of the same matter), never doubled.
    abandoned: Vec<Pending>,
    /// The tickets the server made for requests given up on, answered after the citizen moved
    /// off the screen that said it failed (pressed 返回, say): kept unprinted until the kiosk
    /// goes home, so that the same 取号 again — the citizen came back to it — gets its ticket
    /// instead of a second one. Dropped (and logged) when the kiosk goes home.
    unclaimed: Vec<Unclaimed>,
    issued: Option<IssuedTicket>,
    refusal: Option<Refusal>,
    server_online: bool,
    printer_fault: Option<KioskFaultKind>,
    /// When to ask the printer for its status next (at start, then every `printer_watch`, or
    /// every `printer_check` while it has a fault).
    next_printer_check: Instant,
    /// Whether the printer's state has been told to the server since start.
    printer_told: bool,
    /// Prints sent to the printer and not yet answered (printed or failed). A print the watchdog
    /// gave up on may still be blocked in the printer's queue (paper out on a device file): while
    /// it is, no reprint is queued behind it — it would come out as a second copy of the ticket.
    prints_open: u32,
    /// The watchdog gave up on a print the printer still holds (paper out on a device file):
    /// until it lets go, a new ticket is not queued behind it.
    print_held: bool,
    /// Since when a print has been out (the printer has not finished the oldest one).
    print_out_since: Option<Instant>,
    /// The query screen (「查询办件进度」).
    case: CaseQuery,
    /// The pad of 「预约取号」 and of a matter's identity number.
    entry: Entry,
}

impl Kiosk {
    pub fn new(settings: Settings, now: Instant) -> Kiosk {
        Kiosk {
            english: settings.english,
            settings,
            catalog: None,
            index: None,
            screen: Screen::Home,
            last_touch: now,
            confirming_priority: false,
            typed: String::new(),
            pending: None,
            abandoned: Vec::new(),
            unclaimed: Vec::new(),
            issued: None,
            refusal: None,
            server_online: false,
            printer_fault: None,
            next_printer_check: now,
            printer_told: false,
            prints_open: 0,
            print_held: false,
            print_out_since: None,
            case: CaseQuery::default(),
            entry: Entry::default(),
        }
    }

    pub fn screen(&self) -> &Screen {
        &self.screen
    }
    pub fn catalog(&self) -> Option<&Catalog> {
        self.catalog.as_ref()
    }
    pub fn english(&self) -> bool {
        self.english
    }
    pub fn typed(&self) -> &str {
        &self.typed
    }
    pub fn confirming_priority(&self) -> bool {
        self.confirming_priority
    }
    pub fn issued(&self) -> Option<&IssuedTicket> {
        self.issued.as_ref()
    }
    pub fn refusal(&self) -> Option<&Refusal> {
        self.refusal.as_ref()
    }
    pub fn server_online(&self) -> bool {
        self.server_online
    }
    pub fn printer_fault(&self) -> Option<KioskFaultKind> {
        self.printer_fault
    }
    /// Retries so far of the request in flight (0 on the first try).
    pub fn retries(&self) -> u32 {
        self.pending.as_ref().map_or(0, |p| p.attempts)
    }

    /// Matter ids found by the letters typed so far.
    pub fn search_results(&self) -> Vec<String> {
        match (&self.index, self.typed.is_empty()) {
            (Some(idx), false) => idx.find(&self.typed, 8),
            _ => Vec::new(),
        }
    }

    pub fn apply(&mut self, input: Input, now: Instant) -> Vec<Effect> {
        let mut fx = Vec::new();
        if is_touch(&input) {
            self.last_touch = now;
        }
        match input {
            Input::Catalog(c) => {
                self.index = Some(SearchIndex::new(c.services.iter().map(|s| (s.id.as_str(), s.name.as_str()))));
                self.catalog = Some(*c);
                self.server_online = true;
            }
            Input::Live { queues, windows } => {
                if let Some(c) = &mut self.catalog {
                    c.queues = queues;
                    c.windows = windows;
                }
                self.server_online = true;
            }
            Input::ServerDown => self.server_online = false,
            Input::Touch | Input::Tick => {}
            Input::Department(id) => self.go(Screen::Department(id)),
            Input::Matter(id) => self.go(Screen::Matter(id)),
            Input::Search => {
                self.typed.clear();
                self.go(Screen::Search);
            }
            Input::Key(c) if c.is_ascii_alphabetic() && self.typed.len() < 12 => {
                self.typed.push(c.to_ascii_lowercase())
            }
            Input::Key(_) => {}
            Input::Backspace => {
                self.typed.pop();
            }
            Input::Back => self.back(),
            Input::Home => {
                // 完成 on the ticket: this citizen is done; the next one starts in the hall's language.
                let done = self.screen == Screen::Ticket;
                self.go(Screen::Home);
                if done && self.screen == Screen::Home {
                    self.hall_language(&mut fx);
                }
            }
            Input::AskPriority => self.confirming_priority = matches!(self.screen, Screen::Matter(_)),
            Input::CancelPriority => self.confirming_priority = false,
            Input::Inquiry { key } => {
                let general = self.catalog.as_ref().and_then(|c| c.general_inquiry().map(|s| s.id.clone()));
                if let Some(service_id) = general {
                    self.take(key, service_id, None, now, &mut fx);
                }
            }
            Input::Take { key, priority } => {
                if let Screen::Matter(service_id) = &self.screen {
                    let service_id = service_id.clone();
                    self.take(key, service_id, priority, now, &mut fx);
                }
            }
            Input::ToggleLanguage => {
                self.english = !self.english;
                fx.push(Effect::Language { english: self.english });
            }
            Input::Issued { .. } | Input::IssueUnreachable { .. } | Input::IssueRefused { .. } => {
                self.on_answer(input, now, &mut fx)
            }
            Input::Printed { .. }
            | Input::PrintFailed { .. }
            | Input::PrinterFault { .. }
            | Input::Reprint
            | Input::PrinterOk => self.on_printer(input, now, &mut fx),
            Input::Cases => {
                self.case.reset();
                self.go(Screen::CaseQuery);
            }
            Input::CaseField(_)
            | Input::CaseText(_)
            | Input::CaseBackspace
            | Input::CaseClear
            | Input::CaseSubmit
            | Input::CaseAnswer { .. } => self.on_case_input(input, &mut fx),
            Input::CheckIn => {
                self.entry = Entry::default();
                self.go(Screen::CheckIn);
            }
            Input::EntryText(_) | Input::EntryBackspace | Input::EntryClear | Input::EntrySubmit { .. } => {
                self.on_entry(input, now, &mut fx)
            }
            Input::CheckedIn { key, answer } => self.on_checked_in(key, *answer, now, &mut fx),
        }
        self.forget_stale_stop();
        self.tick(now, &mut fx);
        fx
    }

    /// Why the matter gives no tickets now, if it does not: the matter's own state (its hours,
    /// its quota, the hall's; from the catalog, loaded again when it is due to change), else its
    /// queue stopped (fresh from the 3-second refresh: the catalog follows at once). A stopped
    /// queue says when its first matter opens again, not necessarily this one.
    pub fn stop_of(&self, service_id: &str) -> Option<Stop> {
        let c = self.catalog.as_ref()?;
        let s = c.service(service_id)?;
        Stop::of(&s.issuing).or_else(|| c.queue(&s.queue).and_then(|q| Stop::of(&q.issuing)))
    }

    /// Whether the hall issues priority tickets whatever its hours and quotas say.
    pub fn priority_exempt(&self) -> bool {
        self.catalog.as_ref().is_some_and(|c| c.hall.priority_exempt)
    }

    /// Whether the whole hall gives no tickets now (its hours), for the home screen.
    pub fn hall_stop(&self) -> Option<Stop> {
        let c = self.catalog.as_ref()?;
        Stop::of(&c.hall.issuing)
    }

    /// A refusal for hours or quota goes once the matter gives tickets again (e.g. reopened).
    fn forget_stale_stop(&mut self) {
        if let (Some(Refusal::Stopped(_)), Screen::Matter(id)) = (&self.refusal, &self.screen) {
            if self.stop_of(id).is_none() {
                self.refusal = None;
            }
        }
    }

    fn go(&mut self, screen: Screen) {
        if self.pending.is_some() {
            return; // the request in flight keeps the citizen on the issuing screen
        }
        self.confirming_priority = false;
        self.refusal = None;
        if screen == Screen::Home {
            self.typed.clear();
            self.case.reset(); // the next citizen never sees this one's case
            self.entry = Entry::default(); // nor their booking code or identity number
        }
        self.screen = screen;
    }

    fn back(&mut self) {
        let to = match &self.screen {
            Screen::Matter(_) if !self.typed.is_empty() => Screen::Search,
            Screen::IdNumber { service_id, .. } => Screen::Matter(service_id.clone()),
            Screen::Matter(id) => match self.catalog.as_ref().and_then(|c| c.service(id)) {
                Some(s) => Screen::Department(s.department_id.clone()),
                None => Screen::Home,
            },
            _ => Screen::Home,
        };
        let keep = self.typed.clone();
        self.go(to);
        if self.screen == Screen::Search {
            self.typed = keep;
        }
    }

    fn tick(&mut self, now: Instant, fx: &mut Vec<Effect>) {
        self.tick_requests(now, fx);
        self.tick_printer(now, fx);
        if self.screen == Screen::Home {
            self.drop_unclaimed(fx);
            // Its citizen left: nothing is sent again. Kept only for a send still out (its answer
            // is logged) or for the same person asking again (a booking, an identity number);
            // a walk-in's key would give the next citizen an old ticket.
            for a in &mut self.abandoned {
                a.citizen_left = true;
            }
            self.abandoned.retain(|a| a.retry_at.is_none() || a.request.names_its_citizen());
            // Sent home in another language (首页): a minute untouched, the next citizen's.
            if now.duration_since(self.last_touch) >= self.settings.idle {
                self.hall_language(fx);
            }
        }
        if self.pending.is_some() || self.screen == Screen::Home {
            return;
        }
        let printed_and_read = self.screen == Screen::Ticket
            && self.issued.as_ref().is_some_and(|t| {
                t.print == PrintState::Printed
                    && now.duration_since(t.shown_at.max(self.last_touch)) >= self.settings.ticket_home
            });
        // A refusal left on the pad (with the citizen's masked number) goes sooner than the minute,
        // and a case found (its history may carry a clerk's reasons) once read.
        let untouched = now.duration_since(self.last_touch);
        let refused_and_read = matches!(self.screen, Screen::CheckIn | Screen::IdNumber { .. })
            && self.entry.refused()
            && untouched >= REFUSAL_READ;
        let case_read =
            self.screen == Screen::CaseQuery && matches!(self.case.lookup, Lookup::Found(_)) && untouched >= CASE_READ;
        if printed_and_read || refused_and_read || case_read || untouched >= self.settings.idle {
            self.go(Screen::Home);
            self.drop_unclaimed(fx);
            self.hall_language(fx);
        }
    }

    /// The next citizen starts in the hall's language (and their ticket is printed in it).
    fn hall_language(&mut self, fx: &mut Vec<Effect>) {
        if self.english != self.settings.english {
            self.english = self.settings.english;
            fx.push(Effect::Language { english: self.english });
        }
    }

    /// What goes on paper for a ticket, from the ticket and the hall's catalog.
    /// `booked`: called by appointment (said on the paper as 「预约」).
    pub fn print_spec(&self, ticket: &wire::Ticket, booked: bool) -> Option<TicketPrint> {
        let c = self.catalog.as_ref()?;
        let status_url = absolute(&self.settings.server_url, ticket.status_url.as_deref().unwrap_or_default());
        let mut spec = crate::catalog::ticket_print(c, ticket, &status_url, self.english);
        if booked {
            let words = if self.english { "By appointment" } else { "预约" };
            spec.priority = Some(match spec.priority.take() {
                Some(p) => format!("{words} · {p}"),
                None => words.to_string(),
            });
        }
        Some(spec)
    }
}

fn is_touch(input: &Input) -> bool {
    !matches!(
        input,
        Input::Catalog(_)
            | Input::Live { .. }
            | Input::ServerDown
            | Input::Issued { .. }
            | Input::IssueUnreachable { .. }
            | Input::IssueRefused { .. }
            | Input::Printed { .. }
            | Input::PrintFailed { .. }
            | Input::PrinterOk
            | Input::PrinterFault { .. }
            | Input::Tick
            | Input::CaseAnswer { .. }
            | Input::CheckedIn { .. }
    )
}

/// 0.5 s, 1 s, 2 s, then every 3 s.
fn backoff(attempts: u32) -> Duration {
    Duration::from_millis((250u64 << attempts.min(4)).min(3000))
}

/// The status page's full address: the server's answer is used as is when absolute.
pub fn absolute(server: &str, url: &str) -> String {
    if url.is_empty() || url.starts_with("http://") || url.starts_with("https://") {
        url.to_string()
    } else {
        format!("{}/{}", server.trim_end_matches('/'), url.trim_start_matches('/'))
    }
}

mod case_query;
mod check_in;
mod entry;
mod issuing;
mod printer;

pub use case_query::{CaseAnswer, CaseQuery, Lookup, QueryFailure, QueryField, CODE_ALPHABET, CODE_LEN};
pub use check_in::{Entry, EntryState, Turned};
pub use entry::{id_number_valid, read, BookingKey, Reading};

#[cfg(test)]
mod check_in_tests;
#[cfg(test)]
mod tests;
