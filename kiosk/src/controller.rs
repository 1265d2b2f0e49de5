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
    /// The server said no (e.g. over the kiosk's rate): its message.
    Refused { code: String, message: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Catalog(Catalog),
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
    IssueRefused {
        key: String,
        code: String,
        message: String,
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
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Issue {
        key: String,
        service_id: String,
        priority: Option<Priority>,
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
    /// A ticket the server made for a request given up on, answered after the citizen left: it
    /// is not printed (nobody would take it); the runtime logs it.
    Unclaimed {
        number: String,
    },
}

#[derive(Debug, Clone)]
struct Pending {
    key: String,
    service_id: String,
    priority: Option<Priority>,
    started: Instant,
    attempts: u32,
    /// When to send again after an unreachable attempt; `None` while a request is out.
    retry_at: Option<Instant>,
}

#[derive(Debug, Clone)]
pub struct IssuedTicket {
    pub ticket: wire::Ticket,
    pub print: PrintState,
    pub status_url: String,
    shown_at: Instant,
    /// When the current print began (for the watchdog).
    print_started: Instant,
    auto_reprinted: bool,
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
    /// The request given up on: still sent in the background with its key until the server
    /// answers, so a ticket made but not answered is found (and reused by the next 取号 of the
    /// same matter), never doubled.
    abandoned: Option<Pending>,
    issued: Option<IssuedTicket>,
    refusal: Option<Refusal>,
    server_online: bool,
    printer_fault: Option<KioskFaultKind>,
    /// When to ask the printer for its status next (at start, then every `printer_watch`, or
    /// every `printer_check` while it has a fault).
    next_printer_check: Instant,
    /// Whether the printer's state has been told to the server since start.
    printer_told: bool,
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
            abandoned: None,
            issued: None,
            refusal: None,
            server_online: false,
            printer_fault: None,
            next_printer_check: now,
            printer_told: false,
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
                self.catalog = Some(c);
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
            Input::Home => self.go(Screen::Home),
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
            Input::Issued { key, ticket } => self.on_issued(key, *ticket, now, &mut fx),
            Input::IssueUnreachable { key } => {
                if let Some(p) = self.pending.as_mut().filter(|p| p.key == key) {
                    p.attempts += 1;
                    p.retry_at = Some(now + backoff(p.attempts));
                    self.server_online = false;
                } else if let Some(a) = self.abandoned.as_mut().filter(|a| a.key == key) {
                    a.retry_at = Some(now + self.settings.resolve_every);
                }
            }
            Input::IssueRefused { key, code, message } => {
                if let Some(p) = self.pending.take_if(|p| p.key == key) {
                    self.refusal = Some(Refusal::Refused { code, message });
                    self.screen = Screen::Matter(p.service_id);
                } else if self.abandoned.as_ref().is_some_and(|a| a.key == key) {
                    self.abandoned = None; // no ticket was made
                }
            }
            Input::Printed { number } => {
                if let Some(t) = self.issued.as_mut().filter(|t| t.ticket.number == number) {
                    t.print = PrintState::Printed;
                    t.shown_at = now;
                }
                if self.printer_fault.take().is_some() || !self.printer_told {
                    fx.push(Effect::Report {
                        kind: KioskFaultKind::Recovered,
                        message: String::new(),
                        ticket_number: None,
                    });
                }
                self.printer_told = true;
                self.next_printer_check = now + self.settings.printer_watch;
            }
            Input::PrintFailed { number, fault, message } => {
                if let Some(t) = self.issued.as_mut().filter(|t| t.ticket.number == number) {
                    t.print = PrintState::Failed(fault);
                }
                self.printer_fault = Some(fault);
                self.printer_told = true;
                self.next_printer_check = now + self.settings.printer_check;
                fx.push(Effect::Report { kind: fault, message, ticket_number: Some(number) });
            }
            Input::PrinterFault { fault, message } => {
                if self.printer_fault != Some(fault) || !self.printer_told {
                    self.printer_fault = Some(fault);
                    fx.push(Effect::Report { kind: fault, message, ticket_number: None });
                }
                self.printer_told = true;
                self.next_printer_check = now + self.settings.printer_check;
            }
            Input::Reprint => fx.extend(self.reprint(now)),
            Input::PrinterOk => {
                self.next_printer_check = now + self.settings.printer_watch;
                let was_fault = self.printer_fault.take().is_some();
                if !was_fault && !self.printer_told {
                    // The first word since start: clears a fault the server kept from before.
                    fx.push(Effect::Report {
                        kind: KioskFaultKind::Recovered,
                        message: String::new(),
                        ticket_number: None,
                    });
                }
                self.printer_told = true;
                if was_fault {
                    fx.push(Effect::Report {
                        kind: KioskFaultKind::Recovered,
                        message: String::new(),
                        ticket_number: None,
                    });
                    // The citizen still waiting at the screen gets the ticket without asking, once.
                    let waiting = self.screen == Screen::Ticket
                        && self
                            .issued
                            .as_ref()
                            .is_some_and(|t| matches!(t.print, PrintState::Failed(_)) && !t.auto_reprinted);
                    if waiting {
                        fx.extend(self.reprint(now));
                        if let Some(t) = self.issued.as_mut() {
                            t.auto_reprinted = true;
                        }
                    }
                }
            }
        }
        self.tick(now, &mut fx);
        fx
    }

    /// Prints the shown ticket again if its printing failed (never a second paper otherwise).
    fn reprint(&mut self, now: Instant) -> Option<Effect> {
        let failed = self.issued.as_ref().filter(|t| matches!(t.print, PrintState::Failed(_)))?;
        let spec = self.print_spec(&failed.ticket)?;
        if let Some(t) = self.issued.as_mut() {
            t.print = PrintState::Printing;
            t.print_started = now;
        }
        Some(Effect::Print(Box::new(spec)))
    }

    fn go(&mut self, screen: Screen) {
        if self.pending.is_some() {
            return; // the request in flight keeps the citizen on the issuing screen
        }
        self.confirming_priority = false;
        self.refusal = None;
        if screen == Screen::Home {
            self.typed.clear();
        }
        self.screen = screen;
    }

    fn back(&mut self) {
        let to = match &self.screen {
            Screen::Matter(_) if !self.typed.is_empty() => Screen::Search,
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

    fn take(
        &mut self,
        key: String,
        service_id: String,
        priority: Option<Priority>,
        now: Instant,
        fx: &mut Vec<Effect>,
    ) {
        if self.pending.is_some() || self.screen == Screen::Ticket {
            return; // a double tap never makes two tickets
        }
        self.confirming_priority = false;
        self.refusal = None;
        // The same request given up on before goes again with its own key: if the server made
        // that ticket, its answer is this ticket; otherwise the server makes it now.
        let key = match self.abandoned.take() {
            Some(a) if a.service_id == service_id && a.priority == priority => a.key,
            other => {
                self.abandoned = other; // another matter's: still resolved in the background
                key
            }
        };
        fx.push(Effect::Issue { key: key.clone(), service_id: service_id.clone(), priority });
        self.pending = Some(Pending { key, service_id, priority, started: now, attempts: 0, retry_at: None });
        self.screen = Screen::Issuing;
    }

    fn on_issued(&mut self, key: String, ticket: wire::Ticket, now: Instant, fx: &mut Vec<Effect>) {
        let ours = self.pending.as_ref().is_some_and(|p| p.key == key);
        let late = self.abandoned.take_if(|a| a.key == key);
        if !ours && late.is_none() {
            return; // an answer already handled (a replay)
        }
        self.server_online = true;
        if let Some(a) = late {
            // Still on that matter's screen after being told it failed: the citizen is there.
            let there = self.pending.is_none()
                && self.screen == Screen::Matter(a.service_id)
                && self.refusal == Some(Refusal::Unreachable);
            if !there {
                fx.push(Effect::Unclaimed { number: ticket.number });
                return;
            }
        }
        self.pending = None;
        let status_url = absolute(&self.settings.server_url, ticket.status_url.as_deref().unwrap_or_default());
        let spec = self.print_spec(&ticket);
        self.issued = Some(IssuedTicket {
            ticket,
            print: PrintState::Printing,
            status_url,
            shown_at: now,
            print_started: now,
            auto_reprinted: false,
        });
        self.screen = Screen::Ticket;
        self.confirming_priority = false;
        fx.extend(spec.map(|s| Effect::Print(Box::new(s))));
    }

    fn tick(&mut self, now: Instant, fx: &mut Vec<Effect>) {
        if let Some(p) = &mut self.pending {
            if now.duration_since(p.started) >= self.settings.give_up && p.retry_at.is_some() {
                let mut p = self.pending.take().expect("checked");
                self.refusal = Some(Refusal::Unreachable);
                self.screen = Screen::Matter(p.service_id.clone());
                self.last_touch = now;
                p.retry_at = Some(now + self.settings.resolve_every);
                self.abandoned = Some(p);
            } else if p.retry_at.is_some_and(|at| now >= at) {
                p.retry_at = None;
                fx.push(Effect::Issue { key: p.key.clone(), service_id: p.service_id.clone(), priority: p.priority });
            }
        }
        if let Some(a) = self.abandoned.as_mut().filter(|a| a.retry_at.is_some_and(|at| now >= at)) {
            a.retry_at = None;
            fx.push(Effect::Issue { key: a.key.clone(), service_id: a.service_id.clone(), priority: a.priority });
        }
        self.watch_the_print(now, fx);
        // Never while a ticket is printing: many printers take one connection at a time.
        let printing = self.issued.as_ref().is_some_and(|t| t.print == PrintState::Printing);
        if now >= self.next_printer_check && !printing {
            let every =
                if self.printer_fault.is_some() { self.settings.printer_check } else { self.settings.printer_watch };
            self.next_printer_check = now + every;
            fx.push(Effect::CheckPrinter);
        }
        if self.pending.is_some() || self.screen == Screen::Home {
            return;
        }
        let printed_and_read = self.screen == Screen::Ticket
            && self.issued.as_ref().is_some_and(|t| {
                t.print == PrintState::Printed
                    && now.duration_since(t.shown_at.max(self.last_touch)) >= self.settings.ticket_home
            });
        if printed_and_read || now.duration_since(self.last_touch) >= self.settings.idle {
            self.go(Screen::Home);
            // The next citizen starts in the hall's language.
            if self.english != self.settings.english {
                self.english = self.settings.english;
                fx.push(Effect::Language { english: self.english });
            }
        }
    }

    /// A print that neither finished nor failed in time is a fault (staff told, reprint offered).
    fn watch_the_print(&mut self, now: Instant, fx: &mut Vec<Effect>) {
        let Some(t) = self.issued.as_mut() else { return };
        if t.print != PrintState::Printing || now.duration_since(t.print_started) < self.settings.print_timeout {
            return;
        }
        t.print = PrintState::Failed(KioskFaultKind::PrintFailed);
        let number = t.ticket.number.clone();
        self.printer_fault = Some(KioskFaultKind::PrintFailed);
        self.printer_told = true;
        self.next_printer_check = now + self.settings.printer_check;
        fx.push(Effect::Report {
            kind: KioskFaultKind::PrintFailed,
            message: "打印机长时间无响应（the printer did not finish the ticket）".into(),
            ticket_number: Some(number),
        });
    }

    /// What goes on paper for a ticket, from the ticket and the hall's catalog.
    pub fn print_spec(&self, ticket: &wire::Ticket) -> Option<TicketPrint> {
        let c = self.catalog.as_ref()?;
        let status_url = absolute(&self.settings.server_url, ticket.status_url.as_deref().unwrap_or_default());
        Some(crate::catalog::ticket_print(c, ticket, &status_url, self.english))
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

#[cfg(test)]
mod tests;
