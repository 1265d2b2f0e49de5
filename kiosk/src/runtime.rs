//! The controller at work: inputs from the screen and from background tasks go in, effects
//! are carried out (server requests, the printer's own thread, fault reports in order), and
//! every change of what the screen should show is handed to `show`. No UI needed, so the
//! tests and the benchmark drive a real kiosk against a real server and printer.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hall_printer::{PaperWidth, Printer};
use hall_wire::KioskFaultReport;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::client::{CheckInAnswer, Client, IssueAnswer};
use crate::controller::{CaseAnswer, Effect, Input, Kiosk, Settings};
use crate::printing::PrinterDesk;
use crate::view::View;

pub struct Parts {
    pub client: Client,
    pub printer: Arc<Printer>,
    pub paper: PaperWidth,
    pub settings: Settings,
    /// How often the waiting counts are refreshed (also the server health check).
    pub refresh: Duration,
}

/// Runs until the input channel closes. `show` gets each new view; `clock` formats a time (the
/// server's clock, `Client::now`) in the hall's zone (its `timezone`, once the hall is loaded).
pub async fn drive(
    parts: Parts,
    tx: UnboundedSender<Input>,
    mut rx: UnboundedReceiver<Input>,
    mut show: impl FnMut(&View),
    clock: impl Fn(chrono::DateTime<chrono::Utc>, Option<&str>) -> String,
) {
    let mut kiosk = Kiosk::new(parts.settings.clone(), Instant::now());
    let reload = Arc::new(tokio::sync::Notify::new());
    tokio::spawn(follow_server(parts.client.clone(), tx.clone(), parts.refresh, reload.clone()));
    let desk = PrinterDesk::start(parts.printer.clone(), parts.paper, tx.clone());
    let (reports, queue) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(report_in_order(parts.client.clone(), queue));
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    let mut shown: Option<View> = None;
    loop {
        let input = tokio::select! {
            input = rx.recv() => match input { Some(i) => i, None => return },
            _ = tick.tick() => Input::Tick,
        };
        for effect in kiosk.apply(input, Instant::now()) {
            if effect == Effect::Reload {
                reload.notify_one();
                continue;
            }
            carry_out(effect, &parts.client, &desk, &reports, &tx);
        }
        let zone = kiosk.catalog().map(|c| c.hall.timezone.as_str());
        let now = parts.client.now();
        let view = View::at(&kiosk, &clock(now, zone), now);
        if shown.as_ref() != Some(&view) {
            show(&view);
            shown = Some(view);
        }
    }
}

fn carry_out(
    effect: Effect,
    client: &Client,
    desk: &PrinterDesk,
    reports: &UnboundedSender<KioskFaultReport>,
    tx: &UnboundedSender<Input>,
) {
    match effect {
        Effect::Issue { key, service_id, priority, id_number } => {
            let (client, tx) = (client.clone(), tx.clone());
            tokio::spawn(async move {
                let input = match client.issue(&key, &service_id, priority, id_number.as_deref()).await {
                    IssueAnswer::Issued(ticket) => Input::Issued { key, ticket },
                    // The code only: the server's words may name the person (a masked identity
                    // number) and the matter they came for, which the kiosk's log must not keep.
                    IssueAnswer::Refused(r) => {
                        tracing::info!(code = %r.code, "ticket refused");
                        Input::IssueRefused { key, code: r.code, next_open: r.next_open, day: None }
                    }
                    IssueAnswer::Unreachable(why) => {
                        tracing::warn!(%why, "ticket request unanswered; retrying with the same key");
                        Input::IssueUnreachable { key }
                    }
                };
                let _ = tx.send(input);
            });
        }
        Effect::CheckIn { key, by } => {
            let (client, tx) = (client.clone(), tx.clone());
            tokio::spawn(async move {
                let input = match client.check_in(&key, &by).await {
                    CheckInAnswer::CheckedIn(answer) => Input::CheckedIn { key, answer },
                    CheckInAnswer::Refused(r) => {
                        tracing::info!(code = %r.code, "check-in refused");
                        Input::IssueRefused { key, code: r.code, next_open: r.next_open, day: r.booking_day }
                    }
                    CheckInAnswer::Unreachable(why) => {
                        tracing::warn!(%why, "check-in unanswered; retrying with the same key");
                        Input::IssueUnreachable { key }
                    }
                };
                let _ = tx.send(input);
            });
        }
        Effect::Print(spec) => desk.print(spec),
        Effect::CheckPrinter => desk.check(),
        Effect::Report { kind, message, ticket_number } => {
            let _ = reports.send(KioskFaultReport { kind, message, ticket_number });
        }
        Effect::Unclaimed { number } => tracing::warn!(
            %number,
            "the server made this ticket for a request given up on; the citizen had left, so it was not printed"
        ),
        Effect::QueryCase { id, number, code } => {
            let (client, tx) = (client.clone(), tx.clone());
            tokio::spawn(async move {
                let answer = client.case_progress(&number, &code).await;
                if let CaseAnswer::Unavailable(why) = &answer {
                    tracing::warn!(%why, %number, "case progress query unanswered");
                }
                let _ = tx.send(Input::CaseAnswer { id, answer });
            });
        }
        Effect::Language { .. } => {} // the window applies it
        Effect::Reload => {}          // handled by `drive`
    }
}

/// Printer reports reach the server one after the other, each retried until taken, so staff
/// never see an older state after a newer one.
async fn report_in_order(client: Client, mut queue: UnboundedReceiver<KioskFaultReport>) {
    while let Some(report) = queue.recv().await {
        client.report(report).await;
    }
}

/// Loads the hall until it answers, then keeps the waiting counts fresh; a failure marks the
/// server down (the screen says so) and the next success brings it back by itself. The whole
/// catalog (the hall's and each matter's issuing) is loaded again every minute (a matter or
/// its materials changed on the admin page are on the screen within it), when a
/// queue opens or stops issuing or the director reopens it, when a matter's issuing is due to
/// change (its own opening, a cut-off), and when the controller asks (`reload`: a 409).
async fn follow_server(
    client: Client,
    tx: UnboundedSender<Input>,
    refresh: Duration,
    reload: Arc<tokio::sync::Notify>,
) {
    let mut loaded = false;
    let mut since_catalog = Instant::now();
    let mut opened: Vec<(String, bool, bool)> = Vec::new();
    let mut changes_at = None;
    loop {
        let input = if catalog_due(loaded, since_catalog.elapsed(), changes_at, client.now()) {
            match client.catalog().await {
                Ok(c) => {
                    loaded = true;
                    since_catalog = Instant::now();
                    opened = issuing_of(&c.queues);
                    // (One already past, a clock apart, is not waited for over and over.)
                    changes_at = c.next_issuing_change().filter(|t| *t > client.now());
                    Input::Catalog(Box::new(c))
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot load the hall from the server");
                    Input::ServerDown
                }
            }
        } else {
            match client.live().await {
                Ok((queues, windows)) => {
                    let now_open = issuing_of(&queues);
                    if now_open != opened {
                        opened = now_open;
                        loaded = false; // the matters' issuing changed too: catalog next
                    }
                    Input::Live { queues, windows }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the server does not answer");
                    Input::ServerDown
                }
            }
        };
        let reached = !matches!(input, Input::ServerDown);
        if tx.send(input).is_err() {
            return;
        }
        // A queue's issuing just changed: its catalog at once. An unreachable server is asked
        // again after the pause like any read (never in a loop: a kiosk started before the
        // server must not spin a core and flood it).
        if !loaded && reached {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(refresh) => {}
            _ = reload.notified() => loaded = false,
        }
    }
}

/// Whether the catalog is to be loaded (again): not loaded yet, a minute old, or a matter's
/// issuing was due to change a moment ago (by the server's clock as the kiosk keeps it, which
/// may run up to 2.5 s ahead: 3 s later, the server has moved on too — else the catalog read
/// still said "not yet", the change was dropped as past, and 取号 stayed off for a minute).
fn catalog_due(
    loaded: bool,
    age: Duration,
    changes_at: Option<chrono::DateTime<chrono::Utc>>,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    let margin = chrono::Duration::milliseconds(crate::client::CLOCKS_AGREE_MS + 1_000);
    !loaded || age > Duration::from_secs(60) || changes_at.is_some_and(|t| now >= t + margin)
}

/// Each queue's issuing as the catalog depends on it: open, and reopened by the director (which
/// lifts a matter's hours and quota while its queue stays open).
fn issuing_of(queues: &[hall_wire::Queue]) -> Vec<(String, bool, bool)> {
    queues.iter().map(|q| (q.queue.clone(), q.issuing.open, q.issuing.reopened)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server on 127.0.0.1 that answers every request with `reply` at once.
    async fn server_answering(reply: &'static str) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    use tokio::io::{AsyncReadExt, AsyncWriteExt};
                    let mut buf = [0u8; 4096];
                    let _ = socket.read(&mut buf).await;
                    let _ = socket.write_all(reply.as_bytes()).await;
                });
            }
        });
        format!("http://{addr}")
    }

    /// A server that answers every request `503` at once (a restart, a broken proxy).
    async fn failing_server() -> String {
        server_answering("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await
    }

    /// A server whose clock says 2026-11-25 10:30 Beijing time and whose lists are empty.
    async fn server_of_another_time() -> String {
        server_answering(
            "HTTP/1.1 200 OK\r\ndate: Wed, 25 Nov 2026 02:30:00 GMT\r\n\
             content-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n[]",
        )
        .await
    }

    /// The kiosk keeps the server's time, not its own machine's (often without a time source).
    #[tokio::test]
    async fn the_kiosk_tells_the_time_by_the_servers_clock() {
        let client = Client::new(&server_of_another_time().await, "demo-kiosk", None);
        client.live().await.unwrap();
        let shown = crate::app::clock(client.now(), Some("Asia/Shanghai"));
        assert!(["10:30", "10:31"].contains(&shown.as_str()), "{shown}");
    }

    #[test]
    fn the_catalog_is_loaded_again_when_a_matters_issuing_is_due_to_change() {
        let at = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap().to_utc();
        let minute = Duration::from_secs(60);
        let opens = Some(at("2026-11-25T09:30:00+08:00"));
        let check = |loaded, age, changes_at, now: &str, want: bool| {
            assert_eq!(catalog_due(loaded, age, changes_at, at(now)), want, "{loaded} {age:?} {changes_at:?} {now}");
        };
        check(false, minute, None, "2026-11-25T09:00:00+08:00", true);
        check(true, minute, None, "2026-11-25T09:00:00+08:00", false);
        check(true, 2 * minute, None, "2026-11-25T09:00:00+08:00", true);
        check(true, minute, opens, "2026-11-25T09:29:59+08:00", false);
        check(true, minute, opens, "2026-11-25T09:30:00+08:00", false);
        // The kiosk's clock may be 2.5 s ahead of the server's: not before 3 s past.
        check(true, minute, opens, "2026-11-25T09:30:02+08:00", false);
        check(true, minute, opens, "2026-11-25T09:30:03+08:00", true);
    }

    #[tokio::test]
    async fn a_hall_that_cannot_be_loaded_is_asked_again_after_the_pause_not_in_a_loop() {
        let client = Client::new(&failing_server().await, "demo-kiosk", None);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let follow =
            tokio::spawn(follow_server(client, tx, Duration::from_secs(60), Arc::new(tokio::sync::Notify::new())));
        assert!(matches!(rx.recv().await, Some(Input::ServerDown)), "the first try fails and says so");
        // Within the next half second (the pause is a minute) nothing more is asked or said.
        let more = tokio::time::timeout(Duration::from_millis(500), rx.recv()).await;
        assert!(more.is_err(), "asked again at once: a busy loop");
        follow.abort();
    }
}
