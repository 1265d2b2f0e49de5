//! The printer as the controller sees it: prints and their outcomes, faults told to staff,
//! status asked between tickets, reprints.

use std::time::Instant;

use hall_wire::KioskFaultKind;

use super::{Effect, Input, Kiosk, PrintState, Screen};

impl Kiosk {
    pub(super) fn on_printer(&mut self, input: Input, now: Instant, fx: &mut Vec<Effect>) {
        match input {
            Input::Printed { number } => {
                self.prints_open = self.prints_open.saturating_sub(1);
                self.print_held &= self.prints_open > 0;
                self.print_out_since = (self.prints_open > 0).then_some(now);
                if let Some(t) = self.issued.as_mut().filter(|t| t.ticket.number == number) {
                    t.print = PrintState::Printed;
                    t.shown_at = now;
                }
                if self.printer_fault.take().is_some() || !self.printer_told {
                    fx.push(recovered());
                }
                self.printer_told = true;
                self.next_printer_check = now + self.settings.printer_watch;
            }
            Input::PrintFailed { number, fault, message } => {
                self.prints_open = self.prints_open.saturating_sub(1);
                self.print_held &= self.prints_open > 0;
                self.print_out_since = (self.prints_open > 0).then_some(now);
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
                // Also the first word since start: it clears a fault the server kept from before.
                if was_fault || !self.printer_told {
                    fx.push(recovered());
                }
                self.printer_told = true;
                // The citizen still waiting at the screen gets the ticket without asking, once.
                let waiting = was_fault
                    && self.screen == Screen::Ticket
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
            _ => {}
        }
    }

    /// Whether the shown ticket may be printed again: its printing failed, and no print is still
    /// held by the printer (one the watchdog gave up on would come out after all).
    pub fn can_reprint(&self) -> bool {
        self.prints_open == 0 && self.issued.as_ref().is_some_and(|t| matches!(t.print, PrintState::Failed(_)))
    }

    /// Prints the shown ticket again if its printing failed (never a second paper otherwise).
    pub(super) fn reprint(&mut self, now: Instant) -> Option<Effect> {
        if !self.can_reprint() {
            return None;
        }
        let failed = self.issued.as_ref()?;
        let spec = self.print_spec(&failed.ticket, failed.booking.as_ref().is_some_and(|b| b.on_time))?;
        if let Some(t) = self.issued.as_mut() {
            t.print = PrintState::Printing;
        }
        self.print_out_since.get_or_insert(now);
        self.prints_open += 1;
        Some(Effect::Print(Box::new(spec)))
    }

    /// A print that neither finished nor failed in time is a fault (staff told, reprint offered).
    /// The watch is on the printer, not on the ticket shown: from the moment it last finished or
    /// gave up a print while others were out. A ticket the citizen left behind, or one issued
    /// after it and held back, leaves the stuck print watched all the same.
    fn watch_the_print(&mut self, now: Instant, fx: &mut Vec<Effect>) {
        let Some(since) = self.print_out_since else { return };
        if self.print_held || self.prints_open == 0 || now.duration_since(since) < self.settings.print_timeout {
            return;
        }
        let mut number = None;
        if let Some(t) = self.issued.as_mut().filter(|t| t.print == PrintState::Printing) {
            t.print = PrintState::Failed(KioskFaultKind::PrintFailed);
            number = Some(t.ticket.number.clone());
        }
        self.print_held = true;
        self.printer_fault = Some(KioskFaultKind::PrintFailed);
        self.printer_told = true;
        self.next_printer_check = now + self.settings.printer_check;
        fx.push(Effect::Report {
            kind: KioskFaultKind::PrintFailed,
            message: "打印机长时间无响应（the printer did not finish a ticket）".into(),
            ticket_number: number,
        });
    }

    /// The watchdog of the print in progress, and the status question when it is due.
    pub(super) fn tick_printer(&mut self, now: Instant, fx: &mut Vec<Effect>) {
        self.watch_the_print(now, fx);
        // Never while a ticket is printing: many printers take one connection at a time.
        if now >= self.next_printer_check && self.prints_open == 0 {
            let every =
                if self.printer_fault.is_some() { self.settings.printer_check } else { self.settings.printer_watch };
            self.next_printer_check = now + every;
            fx.push(Effect::CheckPrinter);
        }
    }
}

fn recovered() -> Effect {
    Effect::Report { kind: KioskFaultKind::Recovered, message: String::new(), ticket_number: None }
}
