//! The controller's state turned into what the screen shows (plain data that crosses threads),
//! and that data put into the `Kiosk` global of the UI.

use hall_wire::KioskFaultKind;
use slint::{ComponentHandle, Model, ModelRc, SharedString, VecModel};

use crate::catalog::{priority_words, too_many_to_list, window_numbers, Catalog};
use crate::controller::{
    EntryState, Kiosk, Lookup, PrintState, QueryFailure, QueryField, Refusal, Screen, Stop, Turned,
};
use crate::search::Initials;
use crate::{
    CaseEnd, CaseField, CaseKind, CaseLookup, CaseStage, CaseStepItem, DepartmentItem, EntryProblem, EntryPurpose,
    EntryReads, MainWindow, MaterialItem, MatterItem, Page, PlanSpot, PrintProgress, PrinterFault, RefusalKind,
    StepKind, StopReason, WindowPlace, WindowState,
};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct View {
    pub page: PageKind,
    pub hall_name: String,
    pub clock: String,
    pub english: bool,
    pub online: bool,
    pub loaded: bool,
    pub printer_fault: PrinterFault,
    pub has_inquiry: bool,
    pub departments: Vec<DepartmentItem>,
    pub department_name: String,
    pub matters: Vec<MatterItem>,
    pub matter_name: String,
    pub matter_department: String,
    pub matter_windows: Vec<WindowPlace>,
    /// Past `LISTED_WINDOWS`, its window numbers on one line instead of the list; else empty.
    pub matter_window_numbers: String,
    pub plan: Vec<PlanSpot>,
    pub materials: Vec<MaterialItem>,
    pub procedure: Vec<String>,
    pub windows_not_open: bool,
    pub time_limit_days: i32,
    /// Minutes it is done in on the spot, materials complete (R7; 0 from an older server).
    pub on_the_spot_minutes: i32,
    pub fee: String,
    pub basis: String,
    pub queue_waiting: i32,
    pub queue_minutes: i32,
    pub confirming_priority: bool,
    /// 「优先取号」 stays open while the matter is stopped (the hall exempts priority tickets).
    pub priority_exempt: bool,
    pub refusal: RefusalKind,
    /// With `Refused`: the server's code, said by the UI in its own words.
    pub refusal_code: String,
    /// Why the matter on screen gives no tickets now (`Open` when it does).
    pub stop: StopReason,
    /// When it gives tickets again, in words (「明天 08:30」); empty when unknown.
    pub stop_until: String,
    /// The same for the whole hall (home screen banner).
    pub hall_stop: StopReason,
    pub hall_stop_until: String,
    pub typed: String,
    pub results: Vec<MatterItem>,
    pub retries: i32,
    pub number: String,
    pub ticket_matter: String,
    pub priority_words: String,
    pub ticket_windows: Vec<WindowPlace>,
    /// Past `LISTED_WINDOWS`, the ticket's window numbers on one line (「1、2、3」, "1, 2, 3"),
    /// shown instead of the list; empty otherwise.
    pub ticket_window_numbers: String,
    pub ahead: i32,
    pub wait_minutes: i32,
    pub issued_at: String,
    pub print_state: PrintProgress,
    /// 重新打印 offered: failed, and no print still held by the printer.
    pub can_reprint: bool,
    /// The status page's address, shown as a QR code.
    pub status_url: String,
    /// 「查询办件进度」: what is typed and where the query stands.
    pub case_number: String,
    pub case_code: String,
    pub case_field: CaseField,
    pub case_lookup: CaseLookup,
    pub case_ready: bool,
    /// With `TooMany`: seconds to wait (0: not said).
    pub case_retry_after: i32,
    /// The case found.
    pub case: CaseView,
    /// The pad of 「预约取号」 or of a matter's identity number.
    pub entry: EntryView,
    /// The ticket came by a booking: on time (called as booked) or late (an ordinary ticket).
    pub ticket_booked: bool,
    pub ticket_late: bool,
    /// The booked slot, "09:30–10:00".
    pub booking_slot: String,
}

/// The pad's screen as shown.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EntryView {
    pub purpose: EntryPurpose,
    /// What is in the field (a scanned link shown as its code).
    pub text: String,
    pub reads: EntryReads,
    pub ready: bool,
    pub problem: EntryProblem,
    /// With the problem: a day (another day's booking), a time (too early), or the server's
    /// message (anything the kiosk has no words of its own for).
    pub detail: String,
    /// With `Identity`: the matter whose ticket asks for the number.
    pub matter: String,
}

impl EntryView {
    fn of(k: &Kiosk) -> EntryView {
        use crate::controller::{read, BookingKey, Reading};
        let e = k.entry();
        let mut v = EntryView {
            text: e.shown(),
            ready: e.ready(k.screen()),
            reads: match read(&e.text) {
                Reading::Key(BookingKey::Code(_)) => EntryReads::Code,
                Reading::Key(BookingKey::IdNumber(_)) | Reading::BadIdNumber => EntryReads::IdNumber,
                Reading::Empty | Reading::Unknown => EntryReads::Nothing,
            },
            ..EntryView::default()
        };
        if let Screen::IdNumber { service_id, .. } = k.screen() {
            v.purpose = EntryPurpose::Identity;
            v.matter = k.catalog().and_then(|c| c.service(service_id)).map(|s| s.name.clone()).unwrap_or_default();
        }
        (v.problem, v.detail) = match &e.state {
            EntryState::Typing => (EntryProblem::None, String::new()),
            EntryState::NotRead => (EntryProblem::NotRead, String::new()),
            EntryState::BadIdNumber => (EntryProblem::InvalidIdNumber, String::new()),
            EntryState::Unreachable => (EntryProblem::Unreachable, String::new()),
            EntryState::Turned(t) => match t {
                Turned::NotFound { day } => (EntryProblem::NotFound, day.clone().unwrap_or_default()),
                Turned::TooEarly { from } => (EntryProblem::TooEarly, from.clone().unwrap_or_default()),
                Turned::Used => (EntryProblem::Used, String::new()),
                Turned::InvalidIdNumber => (EntryProblem::InvalidIdNumber, String::new()),
                Turned::IdNumberRequired => (EntryProblem::IdNumberRequired, String::new()),
                Turned::PersonLimit => (EntryProblem::PersonLimit, String::new()),
                Turned::Other { code } => (EntryProblem::Other, code.clone()),
            },
        };
        v
    }
}

/// A case found, as the screen shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaseView {
    pub number: String,
    pub kind: CaseKind,
    pub stage: CaseStage,
    pub end: CaseEnd,
    /// The server's words (Chinese); the UI says it in English from stage, end and kind.
    pub status_text: String,
    pub matter: String,
    pub accepted_on: String,
    pub deadline: String,
    /// Working days to the deadline while the clock runs (negative when overdue).
    pub days_left: Option<i32>,
    pub window_number: i32,
    pub window_name: String,
    pub missing: Vec<String>,
    /// A 补办件 waiting for them: the last day to bring them (R11), or empty.
    pub supplement_until: String,
    pub history: Vec<CaseStepItem>,
}

impl CaseView {
    pub fn of(p: &hall_wire::CaseProgress) -> CaseView {
        use hall_wire::{CaseResult as R, CaseState as S, Outcome as O};
        CaseView {
            number: p.number.clone(),
            kind: match p.kind {
                O::Immediate => CaseKind::Immediate,
                O::Promised => CaseKind::Promised,
                O::Supplement => CaseKind::Supplement,
                O::Returned => CaseKind::Returned,
                O::Joint => CaseKind::Joint,
                O::Reported => CaseKind::Reported,
            },
            stage: match p.state {
                S::Open => CaseStage::Open,
                S::AwaitingMaterials => CaseStage::AwaitingMaterials,
                S::Closed => CaseStage::Closed,
            },
            end: match p.result {
                None => CaseEnd::None,
                Some(R::Done) => CaseEnd::Done,
                Some(R::Approved) => CaseEnd::Approved,
                Some(R::NotApproved) => CaseEnd::NotApproved,
                Some(R::Returned) => CaseEnd::Returned,
                Some(R::Expired) => CaseEnd::Expired,
            },
            status_text: p.status_text.clone(),
            matter: p.service_name.clone(),
            accepted_on: p.accepted_on.clone(),
            deadline: p.deadline.clone().unwrap_or_default(),
            days_left: p.working_days_left.map(|d| d.clamp(-9999, 9999) as i32),
            window_number: p.window_number as i32,
            window_name: p.window_name.clone(),
            missing: p.missing_materials.clone(),
            supplement_until: p.supplement_until.clone().unwrap_or_default(),
            history: p
                .history
                .iter()
                .map(|s| CaseStepItem {
                    at: crate::catalog::local_minutes(&s.at).into(),
                    kind: step_kind(&s.action),
                    text: s.text.as_str().into(),
                })
                .collect(),
        }
    }
}

/// What a history step was, from the server's `action` (one this kiosk does not know: `Other`,
/// its words alone shown).
fn step_kind(action: &str) -> StepKind {
    match action {
        "registered" => StepKind::Registered,
        "materials_complete" => StepKind::MaterialsComplete,
        "extended" => StepKind::Extended,
        "part_recorded" => StepKind::PartRecorded,
        "meeting_recorded" => StepKind::MeetingRecorded,
        "progress_noted" => StepKind::ProgressNoted,
        "reply_received" => StepKind::ReplyReceived,
        "deadline_set" => StepKind::DeadlineSet,
        "closed" => StepKind::Closed,
        "expired" => StepKind::Expired,
        "archived" => StepKind::Archived,
        "objection_answered" => StepKind::ObjectionAnswered,
        "visited" => StepKind::Visited,
        "upper_received" => StepKind::UpperReceived,
        "upper_accepted" => StepKind::UpperAccepted,
        "upper_extended" => StepKind::UpperExtended,
        "upper_deadline_set" => StepKind::UpperDeadlineSet,
        "upper_closed" => StepKind::UpperClosed,
        "assigned" => StepKind::Assigned,
        _ => StepKind::Other,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PageKind {
    #[default]
    Home,
    Department,
    Matter,
    Search,
    Issuing,
    Ticket,
    CaseQuery,
    /// 「预约取号」 and a matter's identity number: the pad.
    Entry,
}

pub fn fault_code(f: KioskFaultKind) -> PrinterFault {
    match f {
        KioskFaultKind::PrinterUnreachable => PrinterFault::Unreachable,
        KioskFaultKind::PrinterOffline => PrinterFault::Offline,
        KioskFaultKind::CoverOpen => PrinterFault::CoverOpen,
        KioskFaultKind::PaperOut => PrinterFault::PaperOut,
        KioskFaultKind::PrintFailed => PrinterFault::PrintFailed,
        KioskFaultKind::Recovered => PrinterFault::None,
    }
}

fn matter_item(c: &Catalog, s: &hall_wire::Service, english: bool) -> MatterItem {
    let windows = c.windows_of(s);
    MatterItem {
        id: s.id.as_str().into(),
        name: s.name.as_str().into(),
        window_count: windows.len() as i32,
        windows: window_numbers(windows, english).into(),
        days: s.time_limit_days as i32,
        initials: Initials::of(&s.name).plain().into(),
    }
}

fn place(w: &hall_wire::Window) -> WindowPlace {
    let state = match w.status {
        hall_wire::WindowStatus::Open => WindowState::Open,
        hall_wire::WindowStatus::Paused => WindowState::Paused,
        hall_wire::WindowStatus::Closed => WindowState::Closed,
    };
    WindowPlace { number: w.number as i32, name: w.name.as_str().into(), location: w.location.as_str().into(), state }
}

/// A stop as the UI names it, and when it ends in words.
fn stop_words(stop: Option<Stop>, now: chrono::DateTime<chrono::Utc>, english: bool) -> (StopReason, String) {
    use hall_wire::IssuingStop as S;
    let Some(stop) = stop else { return (StopReason::Open, String::new()) };
    let reason = match stop.reason {
        Some(S::NotOpenYet) => StopReason::NotOpenYet,
        Some(S::LunchBreak) => StopReason::LunchBreak,
        Some(S::CutOff) => StopReason::CutOff,
        Some(S::ClosedToday) => StopReason::ClosedToday,
        Some(S::QuotaReached) => StopReason::QuotaReached,
        None => StopReason::Stopped,
    };
    let until = stop.next_open.map(|t| crate::catalog::next_open_words(&t, now, english)).unwrap_or_default();
    (reason, until)
}

impl View {
    /// The view now (the clock decides 「今天」/「明天」 in the words of a stop).
    pub fn of(k: &Kiosk, clock: &str) -> View {
        View::at(k, clock, chrono::Utc::now())
    }

    pub fn at(k: &Kiosk, clock: &str, now: chrono::DateTime<chrono::Utc>) -> View {
        let mut v = View {
            clock: clock.to_string(),
            english: k.english(),
            online: k.server_online(),
            printer_fault: k.printer_fault().map_or(PrinterFault::None, fault_code),
            confirming_priority: k.confirming_priority(),
            priority_exempt: k.priority_exempt(),
            typed: k.typed().to_uppercase(),
            retries: k.retries() as i32,
            ..View::default()
        };
        match k.refusal() {
            Some(Refusal::Unreachable) => v.refusal = RefusalKind::Unreachable,
            Some(Refusal::Refused { code }) => (v.refusal, v.refusal_code) = (RefusalKind::Refused, code.clone()),
            // Said by `stop` below, from the matter's issuing.
            Some(Refusal::Stopped(_)) | None => {}
        }
        v.page = match k.screen() {
            Screen::Home => PageKind::Home,
            Screen::Department(_) => PageKind::Department,
            Screen::Matter(_) => PageKind::Matter,
            Screen::Search => PageKind::Search,
            Screen::Issuing => PageKind::Issuing,
            Screen::Ticket => PageKind::Ticket,
            Screen::CaseQuery => PageKind::CaseQuery,
            Screen::CheckIn | Screen::IdNumber { .. } => PageKind::Entry,
        };
        if k.screen() == &Screen::CaseQuery {
            v.fill_case(k);
        }
        if v.page == PageKind::Entry {
            v.entry = EntryView::of(k);
        }
        let Some(c) = k.catalog() else { return v };
        v.loaded = true;
        (v.hall_stop, v.hall_stop_until) = stop_words(k.hall_stop(), now, k.english());
        if let Screen::Matter(id) = k.screen() {
            let stop = k.stop_of(id).or_else(|| match k.refusal() {
                Some(Refusal::Stopped(s)) => Some(s.clone()),
                _ => None,
            });
            (v.stop, v.stop_until) = stop_words(stop, now, k.english());
        }
        v.hall_name = c.hall.name.clone();
        v.has_inquiry = c.general_inquiry().is_some();
        v.departments = c
            .departments()
            .into_iter()
            .map(|d| DepartmentItem {
                id: d.id.into(),
                name: d.name.into(),
                matters: d.matters as i32,
                waiting: d.waiting as i32,
                minutes: d.minutes as i32,
            })
            .collect();
        match k.screen() {
            Screen::Department(id) => {
                let matters = c.matters_of(id);
                v.department_name = matters.first().map(|s| s.department.clone()).unwrap_or_default();
                v.matters = matters.into_iter().map(|s| matter_item(c, s, k.english())).collect();
            }
            Screen::Matter(id) => v.fill_matter(c, id, k.english()),
            Screen::Search => {
                v.results = k
                    .search_results()
                    .iter()
                    .filter_map(|id| c.service(id))
                    .map(|s| matter_item(c, s, k.english()))
                    .collect()
            }
            _ => {}
        }
        if let (Screen::Ticket, Some(t)) = (k.screen(), k.issued()) {
            v.number = t.ticket.number.clone();
            v.ticket_matter = c.service(&t.ticket.service_id).map(|s| s.name.clone()).unwrap_or_default();
            v.priority_words =
                t.ticket.priority.map(|p| priority_words(p, k.english()).to_string()).unwrap_or_default();
            let windows = c.windows_by_number(&t.ticket.windows);
            v.ticket_windows = windows.iter().map(|w| place(w)).collect();
            v.ticket_window_numbers = too_many_to_list(&windows, k.english()).unwrap_or_default();
            v.ahead = t.ticket.waiting_ahead as i32;
            v.wait_minutes = t.ticket.estimated_wait_minutes as i32;
            v.issued_at = crate::catalog::local_minutes(&t.ticket.issued_at);
            v.status_url = t.status_url.clone();
            if let Some(b) = &t.booking {
                (v.ticket_booked, v.ticket_late) = (b.on_time, !b.on_time);
                v.booking_slot = if b.end.is_empty() { b.start.clone() } else { format!("{}–{}", b.start, b.end) };
            }
            v.can_reprint = k.can_reprint();
            v.print_state = match t.print {
                PrintState::Printing => PrintProgress::Printing,
                PrintState::Printed => PrintProgress::Printed,
                PrintState::Failed(f) => {
                    v.printer_fault = fault_code(f);
                    PrintProgress::Failed
                }
            };
        }
        v
    }

    fn fill_case(&mut self, k: &Kiosk) {
        let q = k.case_query();
        self.case_number = q.number.clone();
        self.case_code = q.code.clone();
        self.case_field = match q.field {
            QueryField::Number => CaseField::Number,
            QueryField::Code => CaseField::Code,
        };
        self.case_ready = q.ready();
        self.case_lookup = match &q.lookup {
            Lookup::Entering => CaseLookup::Entering,
            Lookup::Querying => CaseLookup::Querying,
            Lookup::Found(p) => {
                self.case = CaseView::of(p);
                CaseLookup::Found
            }
            Lookup::NotFound => CaseLookup::NotFound,
            Lookup::Failed(QueryFailure::TooMany { retry_after }) => {
                self.case_retry_after = retry_after.map_or(0, |s| s.min(3600) as i32);
                CaseLookup::TooMany
            }
            Lookup::Failed(QueryFailure::Unavailable) => CaseLookup::Unavailable,
        };
    }

    fn fill_matter(&mut self, c: &Catalog, id: &str, english: bool) {
        let Some(s) = c.service(id) else { return };
        let windows = c.windows_of(s);
        self.matter_name = s.name.clone();
        self.matter_department = s.department.clone();
        self.matter_windows = windows.iter().map(|w| place(w)).collect();
        self.matter_window_numbers = too_many_to_list(&windows, english).unwrap_or_default();
        self.windows_not_open = !windows.iter().any(|w| w.status == hall_wire::WindowStatus::Open);
        self.plan = c
            .windows
            .iter()
            .filter_map(|w| {
                let p = w.plan?;
                Some(PlanSpot { x: p.x as f32, y: p.y as f32, number: w.number as i32, lit: s.windows.contains(&w.id) })
            })
            .collect();
        self.materials = s
            .materials
            .iter()
            .map(|m| MaterialItem { name: m.name.as_str().into(), main: m.kind == hall_wire::MaterialKind::Main })
            .collect();
        self.procedure = s.procedure.clone();
        self.time_limit_days = s.time_limit_days as i32;
        self.on_the_spot_minutes = s.on_the_spot_minutes as i32;
        self.fee = s.fee.clone();
        self.basis = s.basis.clone();
        if let Some(q) = c.queue(&s.queue) {
            self.queue_waiting = q.waiting as i32;
            self.queue_minutes = q.estimated_wait_minutes as i32;
        }
    }

    /// Puts the view into the UI (on the UI thread).
    pub fn show(&self, ui: &MainWindow) {
        if crate::language_differs(self.english) {
            if let Err(e) = crate::select_language(self.english) {
                tracing::warn!(error = %e, "cannot switch the language");
            }
        }
        let g = ui.global::<crate::Kiosk>();
        g.set_page(match self.page {
            PageKind::Home => Page::Home,
            PageKind::Department => Page::Department,
            PageKind::Matter => Page::Matter,
            PageKind::Search => Page::Search,
            PageKind::Issuing => Page::Issuing,
            PageKind::Ticket => Page::Ticket,
            PageKind::CaseQuery => Page::CaseQuery,
            PageKind::Entry => Page::Entry,
        });
        g.set_hall_name(self.hall_name.as_str().into());
        g.set_clock(self.clock.as_str().into());
        g.set_english(self.english);
        g.set_online(self.online);
        g.set_loaded(self.loaded);
        g.set_printer_fault(self.printer_fault);
        g.set_has_inquiry(self.has_inquiry);
        refresh(g.get_departments(), &self.departments, |m| g.set_departments(m));
        g.set_department_name(self.department_name.as_str().into());
        refresh(g.get_matters(), &self.matters, |m| g.set_matters(m));
        g.set_matter_name(self.matter_name.as_str().into());
        g.set_matter_department(self.matter_department.as_str().into());
        refresh(g.get_matter_windows(), &self.matter_windows, |m| g.set_matter_windows(m));
        g.set_matter_window_numbers(self.matter_window_numbers.as_str().into());
        refresh(g.get_plan(), &self.plan, |m| g.set_plan(m));
        refresh(g.get_materials(), &self.materials, |m| g.set_materials(m));
        let procedure: Vec<SharedString> = self.procedure.iter().map(SharedString::from).collect();
        refresh(g.get_procedure(), &procedure, |m| g.set_procedure(m));
        g.set_windows_not_open(self.windows_not_open);
        g.set_time_limit_days(self.time_limit_days);
        g.set_on_the_spot_minutes(self.on_the_spot_minutes);
        g.set_fee(self.fee.as_str().into());
        g.set_basis(self.basis.as_str().into());
        g.set_queue_waiting(self.queue_waiting);
        g.set_queue_minutes(self.queue_minutes);
        g.set_confirming_priority(self.confirming_priority);
        g.set_priority_exempt(self.priority_exempt);
        g.set_refusal(self.refusal);
        g.set_refusal_code(self.refusal_code.as_str().into());
        g.set_stop(self.stop);
        g.set_stop_until(self.stop_until.as_str().into());
        g.set_hall_stop(self.hall_stop);
        g.set_hall_stop_until(self.hall_stop_until.as_str().into());
        g.set_typed(self.typed.as_str().into());
        refresh(g.get_results(), &self.results, |m| g.set_results(m));
        g.set_retries(self.retries);
        g.set_number(self.number.as_str().into());
        g.set_ticket_matter(self.ticket_matter.as_str().into());
        g.set_priority_words(self.priority_words.as_str().into());
        refresh(g.get_ticket_windows(), &self.ticket_windows, |m| g.set_ticket_windows(m));
        g.set_ticket_window_numbers(self.ticket_window_numbers.as_str().into());
        g.set_ahead(self.ahead);
        g.set_wait_minutes(self.wait_minutes);
        g.set_issued_at(self.issued_at.as_str().into());
        g.set_print_state(self.print_state);
        g.set_can_reprint(self.can_reprint);
        g.set_case_number(self.case_number.as_str().into());
        g.set_case_code(self.case_code.as_str().into());
        g.set_case_field(self.case_field);
        g.set_case_lookup(self.case_lookup);
        g.set_case_ready(self.case_ready);
        g.set_case_retry_after(self.case_retry_after);
        let c = &self.case;
        g.set_case_found_number(c.number.as_str().into());
        g.set_case_kind(c.kind);
        g.set_case_stage(c.stage);
        g.set_case_end(c.end);
        g.set_case_status_text(c.status_text.as_str().into());
        g.set_case_matter(c.matter.as_str().into());
        g.set_case_accepted_on(c.accepted_on.as_str().into());
        g.set_case_deadline(c.deadline.as_str().into());
        g.set_case_has_days_left(c.days_left.is_some());
        g.set_case_days_left(c.days_left.unwrap_or_default());
        g.set_case_window_number(c.window_number);
        g.set_case_window_name(c.window_name.as_str().into());
        let missing: Vec<SharedString> = c.missing.iter().map(SharedString::from).collect();
        refresh(g.get_case_missing(), &missing, |m| g.set_case_missing(m));
        g.set_case_supplement_until(c.supplement_until.as_str().into());
        refresh(g.get_case_history(), &c.history, |m| g.set_case_history(m));
        let e = &self.entry;
        g.set_entry_purpose(e.purpose);
        g.set_entry_text(e.text.as_str().into());
        g.set_entry_reads(e.reads);
        g.set_entry_ready(e.ready);
        g.set_entry_problem(e.problem);
        g.set_entry_detail(e.detail.as_str().into());
        g.set_entry_matter(e.matter.as_str().into());
        g.set_ticket_booked(self.ticket_booked);
        g.set_ticket_late(self.ticket_late);
        g.set_booking_slot(self.booking_slot.as_str().into());
    }

    /// The QR code changes only with the ticket, so it is drawn only then.
    pub fn show_qr(ui: &MainWindow, url: &str) {
        let image = if url.is_empty() { slint::Image::default() } else { crate::qr::image(url) };
        ui.global::<crate::Kiosk>().set_qr(image);
    }
}

fn model<T: Clone + 'static>(items: &[T]) -> ModelRc<T> {
    ModelRc::new(VecModel::from(items.to_vec()))
}

/// Puts `items` into the list a property shows (`current`): row by row, in place, when it has
/// as many rows, else as a new model (`set`). Slint rebuilds every item of a list whose model is
/// replaced: a live update (waiting counts, every few seconds) landing while a citizen's finger
/// is on a tile would destroy the tile under it, and the tap would be lost.
fn refresh<T: Clone + PartialEq + 'static>(current: ModelRc<T>, items: &[T], set: impl FnOnce(ModelRc<T>)) {
    if let Some(rows) = current.as_any().downcast_ref::<VecModel<T>>() {
        if rows.row_count() == items.len() {
            for (i, item) in items.iter().enumerate() {
                if rows.row_data(i).as_ref() != Some(item) {
                    rows.set_row_data(i, item.clone());
                }
            }
            return;
        }
    }
    set(model(items));
}

#[cfg(test)]
mod tests {
    use super::step_kind;
    use crate::StepKind;

    #[test]
    fn every_case_history_action_has_a_kind_of_its_own() {
        let mut kinds: Vec<StepKind> = Vec::new();
        for action in hall_wire::step_action::ALL {
            let kind = step_kind(action);
            assert_ne!(kind, StepKind::Other, "{action} is not named on the case screen");
            assert!(!kinds.contains(&kind), "{action} shares its name with another step");
            kinds.push(kind);
        }
        assert_eq!(step_kind("a_step_of_a_newer_server"), StepKind::Other, "its words alone");
    }
}
