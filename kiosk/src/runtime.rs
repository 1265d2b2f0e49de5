//! The controller at work: inputs from the screen and from background tasks go in, effects
//! are carried out (server requests, printing on a blocking thread, fault reports), and
//! every change of what the screen should show is handed to `show`. No UI needed, so the
//! tests and the benchmark drive a real kiosk against a real server and printer.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hall_printer::{PaperWidth, Printer};
use hall_wire::{KioskFaultKind, KioskFaultReport};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::client::{Client, IssueAnswer};
use crate::controller::{Effect, Input, Kiosk, Settings};
use crate::view::View;

pub struct Parts {
    pub client: Client,
    pub printer: Arc<Printer>,
    pub paper: PaperWidth,
    pub settings: Settings,
    /// How often the waiting counts are refreshed (also the server health check).
    pub refresh: Duration,
}

/// What the printer's fault means to staff.
pub fn fault_kind(f: &hall_printer::Fault) -> KioskFaultKind {
    match f.code() {
        "printer_unreachable" => KioskFaultKind::PrinterUnreachable,
        "printer_offline" => KioskFaultKind::PrinterOffline,
        "cover_open" => KioskFaultKind::CoverOpen,
        "paper_out" => KioskFaultKind::PaperOut,
        _ => KioskFaultKind::PrintFailed,
    }
}

/// Runs until the input channel closes. `show` gets each new view; `clock` formats the time.
pub async fn drive(
    parts: Parts,
    tx: UnboundedSender<Input>,
    mut rx: UnboundedReceiver<Input>,
    mut show: impl FnMut(&View),
    clock: impl Fn() -> String,
) {
    let mut kiosk = Kiosk::new(parts.settings.clone(), Instant::now());
    tokio::spawn(follow_server(parts.client.clone(), tx.clone(), parts.refresh));
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    let mut shown: Option<View> = None;
    loop {
        let input = tokio::select! {
            input = rx.recv() => match input { Some(i) => i, None => return },
            _ = tick.tick() => Input::Tick,
        };
        for effect in kiosk.apply(input, Instant::now()) {
            carry_out(effect, &parts, &tx);
        }
        let view = View::of(&kiosk, &clock());
        if shown.as_ref() != Some(&view) {
            show(&view);
            shown = Some(view);
        }
    }
}

fn carry_out(effect: Effect, parts: &Parts, tx: &UnboundedSender<Input>) {
    let tx = tx.clone();
    match effect {
        Effect::Issue { key, service_id, priority } => {
            let client = parts.client.clone();
            tokio::spawn(async move {
                let input = match client.issue(&key, &service_id, priority).await {
                    IssueAnswer::Issued(ticket) => Input::Issued { key, ticket: Box::new(ticket) },
                    IssueAnswer::Refused { code, message } => Input::IssueRefused { key, code, message },
                    IssueAnswer::Unreachable(why) => {
                        tracing::warn!(%why, "ticket request unanswered; retrying with the same key");
                        Input::IssueUnreachable { key }
                    }
                };
                let _ = tx.send(input);
            });
        }
        Effect::Print(spec) => {
            let (printer, paper) = (parts.printer.clone(), parts.paper);
            tokio::task::spawn_blocking(move || {
                let bytes = hall_printer::ticket_bytes(&spec, paper);
                let input = match printer.print(&bytes) {
                    Ok(()) => Input::Printed { number: spec.number.clone() },
                    Err(f) => {
                        tracing::error!(fault = %f, number = %spec.number, "the ticket did not print");
                        Input::PrintFailed {
                            number: spec.number.clone(),
                            fault: fault_kind(&f),
                            message: f.to_string(),
                        }
                    }
                };
                let _ = tx.send(input);
            });
        }
        Effect::CheckPrinter => {
            let printer = parts.printer.clone();
            tokio::task::spawn_blocking(move || {
                let input = match printer.status() {
                    Ok(()) => Input::PrinterOk,
                    Err(f) => {
                        tracing::warn!(fault = %f, "the printer reports a fault");
                        Input::PrinterFault { fault: fault_kind(&f), message: f.to_string() }
                    }
                };
                let _ = tx.send(input);
            });
        }
        Effect::Report { kind, message, ticket_number } => {
            let client = parts.client.clone();
            tokio::spawn(async move { client.report(KioskFaultReport { kind, message, ticket_number }).await });
        }
        Effect::Language { .. } => {} // the window applies it
    }
}

/// Loads the hall until it answers, then keeps the waiting counts fresh; a failure marks the
/// server down (the screen says so) and the next success brings it back by itself.
async fn follow_server(client: Client, tx: UnboundedSender<Input>, refresh: Duration) {
    let mut loaded = false;
    let mut since_catalog = Instant::now();
    loop {
        let input = if !loaded || since_catalog.elapsed() > Duration::from_secs(300) {
            match client.catalog().await {
                Ok(c) => {
                    loaded = true;
                    since_catalog = Instant::now();
                    Input::Catalog(c)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot load the hall from the server");
                    Input::ServerDown
                }
            }
        } else {
            match client.live().await {
                Ok((queues, windows)) => Input::Live { queues, windows },
                Err(e) => {
                    tracing::warn!(error = %e, "the server does not answer");
                    Input::ServerDown
                }
            }
        };
        if tx.send(input).is_err() {
            return;
        }
        tokio::time::sleep(refresh).await;
    }
}
