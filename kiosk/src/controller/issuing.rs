//! The ticket request: sent, retried with one key, given up on (then resolved in the
//! background while its citizen may come back, never after the kiosk went home), answered.

use std::time::Instant;

use hall_wire::{self as wire, Priority};

use super::{
    absolute, backoff, BookingOutcome, Effect, Entry, EntryState, Input, IssuedTicket, Kiosk, Pending, PrintState,
    Refusal, Request, Screen, Stop, Turned, Unclaimed,
};

/// A ticket prints in a second or two: one still out after this is held by the printer.
const SLOW_PRINT: std::time::Duration = std::time::Duration::from_secs(5);

/// How long a request given up on is kept for its citizen asking again, once the kiosk went home.
const KEEP_GIVEN_UP: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// Requests given up on kept at once (citizens trying matter after matter through an outage,
/// each identity number's kept half an hour); past it the oldest with no send out is let go.
const KEEP_AT_MOST: usize = 16;

impl Kiosk {
    pub(super) fn on_answer(&mut self, input: Input, now: Instant, fx: &mut Vec<Effect>) {
        match input {
            Input::Issued { key, ticket } => self.on_issued(key, *ticket, now, fx),
            Input::IssueUnreachable { key } => {
                if let Some(p) = self.pending.as_mut().filter(|p| p.key == key) {
                    p.attempts += 1;
                    p.retry_at = Some(now + backoff(p.attempts));
                    self.server_online = false;
                } else if let Some(i) = self.abandoned.iter().position(|a| a.key == key) {
                    let a = &mut self.abandoned[i];
                    a.retry_at = Some(now + self.settings.resolve_every);
                    if a.citizen_left && !a.request.names_its_citizen() {
                        self.abandoned.remove(i); // its last send went nowhere: nothing to resolve
                    }
                }
            }
            Input::IssueRefused { key, code, next_open, day } => {
                // A refusal is final: nothing was made, and the same request would be refused
                // again, so it is never retried.
                if let Some(p) = self.pending.take_if(|p| p.key == key) {
                    self.refused(p.request, code, next_open, day, fx);
                    // Read from when it is shown (a slow answer must not send it home at once).
                    self.last_touch = now;
                } else if let Some(a) = self.take_abandoned(|a| a.key == key) {
                    // No ticket was made; a closed hall still shows on the matter's screen.
                    if let Request::Ticket { service_id, .. } = &a.request {
                        self.stopped_by(service_id, &code, next_open, fx);
                    }
                }
            }
            _ => {}
        }
    }

    /// Where a refused request leaves the citizen, and why, in the kiosk's words.
    fn refused(
        &mut self,
        request: Request,
        code: String,
        next_open: Option<String>,
        day: Option<String>,
        fx: &mut Vec<Effect>,
    ) {
        match request {
            Request::Ticket { service_id, priority, id_number } => {
                // The hall no longer has the matter (changed on /admin): the catalog is loaded
                // again, so that the kiosk stops offering it, whether it asked for the number or not.
                if code == "unknown_service" {
                    fx.push(Effect::Reload);
                }
                if let Some(stop) = self.stopped_by(&service_id, &code, next_open.clone(), fx) {
                    self.refusal = Some(Refusal::Stopped(stop));
                    self.screen = Screen::Matter(service_id);
                } else if id_number.is_some() || code == "id_number_required" {
                    // About the person (a wrong number, their limit), or the matter asks for the
                    // number and the kiosk did not know yet: said on the pad, the number kept
                    // for a correction.
                    self.entry.state = EntryState::Turned(Turned::of(&code, next_open, day));
                    self.screen = Screen::IdNumber { service_id, priority };
                } else {
                    self.refusal = Some(Refusal::Refused { code });
                    self.screen = Screen::Matter(service_id);
                }
            }
            Request::CheckIn(_) => {
                self.entry.state = EntryState::Turned(Turned::of(&code, next_open, day));
                self.screen = Screen::CheckIn;
            }
        }
    }

    pub(super) fn take(
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
        let exempt = priority.is_some() && self.priority_exempt();
        if let Some(stop) = self.stop_of(&service_id).filter(|_| !exempt) {
            // Known closed (hours, quota): said at once, nothing sent. The matter's screen
            // keeps its one-time notification. (The hall may issue priority tickets all the same.)
            self.screen = Screen::Matter(service_id);
            self.refusal = Some(Refusal::Stopped(stop));
            return;
        }
        if self.catalog.as_ref().is_some_and(|c| c.needs_id_number(&service_id)) {
            // The identity number first, on the pad (an ID-card reader types it).
            self.entry = Entry::default();
            self.screen = Screen::IdNumber { service_id, priority };
            return;
        }
        self.send(key, Request::Ticket { service_id, priority, id_number: None }, now, fx);
    }

    /// Sends a request (a ticket or a check-in), or the same request given up on before again
    /// with its own key: if the server made that ticket, its answer is this ticket; otherwise
    /// the server makes it now.
    pub(super) fn send(&mut self, key: String, request: Request, now: Instant, fx: &mut Vec<Effect>) {
        if self.pending.is_some() {
            return;
        }
        if let Some(i) = self.unclaimed.iter().position(|u| u.request == request) {
            let u = self.unclaimed.remove(i);
            // Made already, answered after the citizen stepped back: theirs now.
            self.show(u.ticket, u.booking, now, fx);
            return;
        }
        // The same request again (after the kiosk went home only from the same person) goes with
        // its own key; others given up on are still resolved in the background.
        let key = self
            .take_abandoned(|a| a.request == request && (!a.citizen_left || a.request.names_its_citizen()))
            .map_or(key, |a| a.key);
        fx.push(request.effect(&key));
        self.pending = Some(Pending { key, request, started: now, attempts: 0, retry_at: None, citizen_left: false });
        self.screen = Screen::Issuing;
    }

    /// The screen a request was made from, and what it says when nothing came of it in time.
    fn unanswered(&mut self, request: &Request) {
        match request {
            Request::Ticket { service_id, id_number: None, .. } => {
                self.refusal = Some(Refusal::Unreachable);
                self.screen = Screen::Matter(service_id.clone());
            }
            Request::Ticket { service_id, priority, id_number: Some(_) } => {
                self.entry.state = EntryState::Unreachable;
                self.screen = Screen::IdNumber { service_id: service_id.clone(), priority: *priority };
            }
            Request::CheckIn(_) => {
                self.entry.state = EntryState::Unreachable;
                self.screen = Screen::CheckIn;
            }
        }
    }

    /// Still on the screen that said a request given up on failed: the citizen is there.
    fn still_there(&self, request: &Request) -> bool {
        if self.pending.is_some() {
            return false;
        }
        match request {
            Request::Ticket { service_id, id_number: None, .. } => {
                self.screen == Screen::Matter(service_id.clone()) && self.refusal == Some(Refusal::Unreachable)
            }
            Request::Ticket { service_id: s, id_number: Some(_), .. } => {
                matches!(&self.screen, Screen::IdNumber { service_id, .. } if service_id == s)
                    && self.entry.state == EntryState::Unreachable
            }
            Request::CheckIn(_) => self.screen == Screen::CheckIn && self.entry.state == EntryState::Unreachable,
        }
    }

    /// A `409 hall_closed` / `quota_reached`: the matter is marked closed until the catalog is
    /// loaded again (asked for now), so 取号 is disabled with the reason.
    fn stopped_by(
        &mut self,
        service_id: &str,
        code: &str,
        next_open: Option<String>,
        fx: &mut Vec<Effect>,
    ) -> Option<Stop> {
        let reason = match code {
            "quota_reached" => Some(wire::IssuingStop::QuotaReached),
            // Which of the hours stopped it is what the queue or the hall says, when they know.
            "hall_closed" => self.stop_of(service_id).and_then(|s| s.reason).or_else(|| {
                self.catalog.as_ref().and_then(|c| c.hall.issuing.reason).filter(|_| self.hall_stop().is_some())
            }),
            _ => return None,
        };
        let stop = Stop { reason, next_open };
        if let Some(s) = self.catalog.as_mut().and_then(|c| c.services.iter_mut().find(|s| s.id == service_id)) {
            s.issuing.open = false;
            s.issuing.reason = stop.reason;
            s.issuing.next_open = stop.next_open.clone();
            s.issuing.until = None;
            if stop.reason == Some(wire::IssuingStop::QuotaReached) {
                s.issuing.left_today = Some(0);
            }
        }
        fx.push(Effect::Reload);
        Some(stop)
    }

    fn on_issued(&mut self, key: String, ticket: wire::Ticket, now: Instant, fx: &mut Vec<Effect>) {
        self.on_ticket(key, ticket, None, now, fx)
    }

    /// A ticket made for the request with `key` (a walk-in's, or a booking's at check-in).
    pub(super) fn on_ticket(
        &mut self,
        key: String,
        ticket: wire::Ticket,
        booking: Option<BookingOutcome>,
        now: Instant,
        fx: &mut Vec<Effect>,
    ) {
        let ours = self.pending.as_ref().is_some_and(|p| p.key == key);
        let late = self.take_abandoned(|a| a.key == key);
        if !ours && late.is_none() {
            return; // an answer already handled (a replay)
        }
        self.server_online = true;
        if let Some(a) = late {
            // Its citizen left (the kiosk went home since): logged, never kept for the next one.
            if a.citizen_left {
                fx.push(Effect::Unclaimed { number: ticket.number });
                return;
            }
            // Still on the screen that was told it failed: the citizen is there. Elsewhere but
            // not home: they may come back to the same 取号, which then gets this ticket.
            if !self.still_there(&a.request) {
                self.unclaimed.push(Unclaimed { request: a.request, ticket, booking });
                if self.screen == Screen::Home {
                    self.drop_unclaimed(fx);
                }
                return;
            }
        }
        self.show(ticket, booking, now, fx);
    }

    /// A ticket made for a request of this citizen's: shown and printed.
    fn show(&mut self, ticket: wire::Ticket, booking: Option<BookingOutcome>, now: Instant, fx: &mut Vec<Effect>) {
        self.pending = None;
        self.entry = Entry::default(); // the identity number or booking code goes with the pad
        let status_url = absolute(&self.settings.server_url, ticket.status_url.as_deref().unwrap_or_default());
        let spec = self.print_spec(&ticket, booking.as_ref().is_some_and(|b| b.on_time));
        self.issued = Some(IssuedTicket {
            ticket,
            print: PrintState::Printing,
            status_url,
            booking,
            shown_at: now,
            auto_reprinted: false,
        });
        self.screen = Screen::Ticket;
        // The citizen reads it from now: the idle time runs from the ticket, not from the touch
        // that asked for it (a slow answer would send it home as it appears).
        self.last_touch = now;
        self.confirming_priority = false;
        // A print out this long is no ticket coming out but one the printer holds (paper out),
        // even before the watchdog of its own screen gives up on it (its citizen may have left).
        let stuck = self.print_out_since.is_some_and(|t| now.duration_since(t) >= SLOW_PRINT);
        if self.prints_open > 0 && (self.print_held || stuck) {
            // An earlier ticket's print is still held by the printer (the watchdog gave up on
            // it): this one would come out behind it, into another citizen's hands. Not printed;
            // the screen says so, and a reprint is offered once the printer lets go.
            if let Some(t) = self.issued.as_mut() {
                t.print = PrintState::Failed(wire::KioskFaultKind::PrintFailed);
            }
        } else if let Some(s) = spec {
            self.print_out_since.get_or_insert(now);
            self.prints_open += 1;
            fx.push(Effect::Print(Box::new(s)));
        }
    }

    /// The kiosk went home: a ticket nobody came back for is logged, never printed (the next
    /// citizen would not take it).
    pub(super) fn drop_unclaimed(&mut self, fx: &mut Vec<Effect>) {
        for u in self.unclaimed.drain(..) {
            fx.push(Effect::Unclaimed { number: u.ticket.number });
        }
    }

    /// Retries due, the give-up, and the background resolution of a request given up on.
    pub(super) fn tick_requests(&mut self, now: Instant, fx: &mut Vec<Effect>) {
        if let Some(p) = &mut self.pending {
            if now.duration_since(p.started) >= self.settings.give_up && p.retry_at.is_some() {
                let mut p = self.pending.take().expect("checked");
                self.unanswered(&p.request);
                self.last_touch = now;
                p.retry_at = Some(now + self.settings.resolve_every);
                self.keep_abandoned(p);
            } else if p.retry_at.is_some_and(|at| now >= at) {
                p.retry_at = None;
                fx.push(p.request.effect(&p.key));
            }
        }
        for a in self.abandoned.iter_mut().filter(|a| !a.citizen_left && a.retry_at.is_some_and(|at| now >= at)) {
            a.retry_at = None;
            fx.push(a.request.effect(&a.key));
        }
        // Kept for the same person asking again, but not for ever: the next day's request of the
        // same booking or identity number is a new one (the server keeps answers a day).
        self.abandoned.retain(|a| !(a.citizen_left && now.duration_since(a.started) >= KEEP_GIVEN_UP));
    }

    /// Keeps a request given up on. When too many are kept, the oldest with no send out is let
    /// go (one whose citizen left first); one whose send is out is kept for its answer, which
    /// may be a ticket made.
    fn keep_abandoned(&mut self, p: Pending) {
        if self.abandoned.len() >= KEEP_AT_MOST {
            let idle = |a: &Pending| a.retry_at.is_some();
            let oldest = self
                .abandoned
                .iter()
                .position(|a| idle(a) && a.citizen_left)
                .or_else(|| self.abandoned.iter().position(idle));
            if let Some(i) = oldest {
                self.abandoned.remove(i);
            }
        }
        self.abandoned.push(p);
    }

    /// The request given up on that `which` picks, no longer kept.
    fn take_abandoned(&mut self, which: impl Fn(&Pending) -> bool) -> Option<Pending> {
        let i = self.abandoned.iter().position(which)?;
        Some(self.abandoned.remove(i))
    }
}
