//! The printer's own thread: tickets and status questions are done one at a time, in the order
//! asked, and their outcomes come back in that order. Printers take one connection at a time,
//! and an outcome can never overtake the one before it (a stale "ready" after a failure).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};

use hall_printer::{Fault, PaperWidth, Printer, TicketPrint};
use hall_wire::KioskFaultKind;
use tokio::sync::mpsc::UnboundedSender;

use crate::controller::Input;

enum Job {
    Print(Box<TicketPrint>),
    Check,
}

/// What the printer's fault means to staff.
pub fn fault_kind(f: &Fault) -> KioskFaultKind {
    match f.code() {
        "printer_unreachable" => KioskFaultKind::PrinterUnreachable,
        "printer_offline" => KioskFaultKind::PrinterOffline,
        "cover_open" => KioskFaultKind::CoverOpen,
        "paper_out" => KioskFaultKind::PaperOut,
        _ => KioskFaultKind::PrintFailed,
    }
}

pub struct PrinterDesk {
    jobs: mpsc::Sender<Job>,
    /// Jobs asked for and not finished.
    open: Arc<AtomicUsize>,
}

impl PrinterDesk {
    /// Starts the thread; outcomes go to `inputs` as controller inputs.
    pub fn start(printer: Arc<Printer>, paper: PaperWidth, inputs: UnboundedSender<Input>) -> PrinterDesk {
        let (jobs, queue) = mpsc::channel::<Job>();
        let open = Arc::new(AtomicUsize::new(0));
        let count = open.clone();
        let run = move || {
            for job in queue {
                let input = match job {
                    Job::Print(spec) => print(&printer, paper, &spec),
                    Job::Check => check(&printer),
                };
                count.fetch_sub(1, Ordering::SeqCst);
                if inputs.send(input).is_err() {
                    return;
                }
            }
        };
        if let Err(e) = std::thread::Builder::new().name("kiosk-printer".into()).spawn(run) {
            tracing::error!(error = %e, "cannot start the printer thread");
        }
        PrinterDesk { jobs, open }
    }

    pub fn print(&self, spec: Box<TicketPrint>) {
        self.send(Job::Print(spec));
    }

    /// Asks for the printer's status, unless a job is already waiting or running (its outcome
    /// says as much, and a hung printer must not pile questions up behind it).
    pub fn check(&self) {
        if self.open.load(Ordering::SeqCst) == 0 {
            self.send(Job::Check);
        }
    }

    fn send(&self, job: Job) {
        self.open.fetch_add(1, Ordering::SeqCst);
        if self.jobs.send(job).is_err() {
            self.open.fetch_sub(1, Ordering::SeqCst);
            tracing::error!("the printer thread has stopped");
        }
    }
}

fn print(printer: &Printer, paper: PaperWidth, spec: &TicketPrint) -> Input {
    let bytes = hall_printer::ticket_bytes(spec, paper);
    match printer.print(&bytes) {
        Ok(()) => Input::Printed { number: spec.number.clone() },
        Err(f) => {
            tracing::error!(fault = %f, number = %spec.number, "the ticket did not print");
            Input::PrintFailed { number: spec.number.clone(), fault: fault_kind(&f), message: f.to_string() }
        }
    }
}

fn check(printer: &Printer) -> Input {
    match printer.status() {
        Ok(()) => Input::PrinterOk,
        Err(f) => {
            tracing::warn!(fault = %f, "the printer reports a fault");
            Input::PrinterFault { fault: fault_kind(&f), message: f.to_string() }
        }
    }
}
