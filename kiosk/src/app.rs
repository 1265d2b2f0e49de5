//! The window: the UI on the main thread, the runtime on a thread of its own; they talk only
//! through the input channel and `upgrade_in_event_loop`.

use std::sync::Arc;
use std::time::Duration;

use hall_wire::Priority;
use slint::ComponentHandle;
use tokio::sync::mpsc;

use crate::config::Config;
use crate::controller::{Input, QueryField, Settings};
use crate::runtime::{drive, Parts};
use crate::view::View;
use crate::{new_key, Kiosk, MainWindow};

/// Connects every touch of the UI to an input of the controller.
pub fn wire_callbacks(ui: &MainWindow, tx: &mpsc::UnboundedSender<Input>) {
    let g = ui.global::<Kiosk>();
    let send = |tx: &mpsc::UnboundedSender<Input>| {
        let tx = tx.clone();
        move |i: Input| {
            let _ = tx.send(i);
        }
    };
    let s = send(tx);
    g.on_department(move |id| s(Input::Department(id.to_string())));
    let s = send(tx);
    g.on_matter(move |id| s(Input::Matter(id.to_string())));
    let s = send(tx);
    g.on_back(move || s(Input::Back));
    let s = send(tx);
    g.on_home(move || s(Input::Home));
    let s = send(tx);
    g.on_inquiry(move || s(Input::Inquiry { key: new_key() }));
    let s = send(tx);
    g.on_search(move || s(Input::Search));
    let s = send(tx);
    g.on_key(move |k| k.chars().for_each(|c| s(Input::Key(c))));
    let s = send(tx);
    g.on_backspace(move || s(Input::Backspace));
    let s = send(tx);
    g.on_take(move || s(Input::Take { key: new_key(), priority: None }));
    let s = send(tx);
    g.on_ask_priority(move || s(Input::AskPriority));
    let s = send(tx);
    g.on_priority(move |kind| {
        let p = match kind {
            crate::PriorityKind::Elderly => Priority::Elderly,
            crate::PriorityKind::Disabled => Priority::Disabled,
            crate::PriorityKind::Military => Priority::Military,
            crate::PriorityKind::Pregnant => Priority::Pregnant,
        };
        s(Input::Take { key: new_key(), priority: Some(p) })
    });
    let s = send(tx);
    g.on_cancel_priority(move || s(Input::CancelPriority));
    let s = send(tx);
    g.on_reprint(move || s(Input::Reprint));
    let s = send(tx);
    g.on_toggle_language(move || s(Input::ToggleLanguage));
    let s = send(tx);
    g.on_touched(move || s(Input::Touch));
    let s = send(tx);
    g.on_cases(move || s(Input::Cases));
    let s = send(tx);
    g.on_case_focus(move |f| {
        s(Input::CaseField(match f {
            crate::CaseField::Number => QueryField::Number,
            crate::CaseField::Code => QueryField::Code,
        }))
    });
    let s = send(tx);
    g.on_case_type(move |text| s(Input::CaseText(text.to_string())));
    let s = send(tx);
    g.on_case_backspace(move || s(Input::CaseBackspace));
    let s = send(tx);
    g.on_case_clear(move || s(Input::CaseClear));
    let s = send(tx);
    g.on_case_submit(move || s(Input::CaseSubmit));
    let s = send(tx);
    g.on_check_in(move || s(Input::CheckIn));
    let s = send(tx);
    g.on_entry_type(move |text| s(Input::EntryText(text.to_string())));
    let s = send(tx);
    g.on_entry_backspace(move || s(Input::EntryBackspace));
    let s = send(tx);
    g.on_entry_clear(move || s(Input::EntryClear));
    let s = send(tx);
    g.on_entry_submit(move || s(Input::EntrySubmit { key: new_key() }));
}

/// Logged once the home screen shows the hall (the benchmark's cold-start mark).
pub const READY: &str = "home screen ready";

pub fn run(config: Config) -> anyhow::Result<()> {
    if config.token.is_empty() {
        anyhow::bail!("the kiosk's device token is missing (--token, HALL_KIOSK_TOKEN or `token` in the file)");
    }
    if config.token == crate::config::PLACEHOLDER_TOKEN {
        anyhow::bail!(
            "the kiosk's device token is still the example's: give this kiosk's own (hall-server new-kiosk-token \
             makes one; its token_sha256 goes in the hall's [[kiosks]])"
        );
    }
    if ["//127.", "//localhost", "//[::1]"].iter().any(|h| config.server.contains(h)) {
        tracing::warn!(
            server = %config.server,
            "the server is on this machine's loopback: unless the server has --public-url, the QR codes \
             point here and phones cannot open them"
        );
    }
    let ca = config.ca.as_deref().map(crate::client::read_ca).transpose()?;
    let ui = MainWindow::new()?;
    crate::select_language(config.english)?; // after the first component exists
    let _sizer = config.fullscreen.then(|| fill_the_screen(&ui));
    let (tx, rx) = mpsc::unbounded_channel();
    wire_callbacks(&ui, &tx);
    let parts = Parts {
        client: crate::client::Client::new(&config.server, &config.token, ca),
        printer: Arc::new(hall_printer::Printer::new(config.printer.clone(), config.paper)),
        paper: config.paper,
        settings: Settings {
            idle: Duration::from_secs(config.idle_seconds),
            server_url: config.server.clone(),
            english: config.english,
            ..Settings::default()
        },
        refresh: Duration::from_secs(3),
    };
    // The cold-start mark is logged after the first frame that shows the loaded hall.
    let loaded_shown = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let marked = std::sync::atomic::AtomicBool::new(false);
    let flag = loaded_shown.clone();
    let notifier = ui.window().set_rendering_notifier(move |state, _| {
        if matches!(state, slint::RenderingState::AfterRendering)
            && flag.load(std::sync::atomic::Ordering::Relaxed)
            && !marked.swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            tracing::info!("{READY}: the hall is loaded and drawn");
        }
    });
    let log_on_set = notifier.is_err();
    let weak = ui.as_weak();
    std::thread::Builder::new().name("kiosk-runtime".into()).spawn(move || {
        let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(rt) => rt,
            Err(e) => return tracing::error!(error = %e, "cannot start the runtime"),
        };
        let mut last_qr = String::new();
        let mut ready = false;
        let show = move |v: &View| {
            let first_loaded = v.loaded && !ready;
            ready |= v.loaded;
            let v = v.clone();
            let qr = (v.status_url != last_qr).then(|| v.status_url.clone());
            if let Some(url) = &qr {
                last_qr = url.clone();
            }
            let loaded_shown = loaded_shown.clone();
            let _ = weak.upgrade_in_event_loop(move |ui| {
                if let Some(url) = qr {
                    View::show_qr(&ui, &url);
                }
                v.show(&ui);
                if first_loaded {
                    loaded_shown.store(true, std::sync::atomic::Ordering::Relaxed);
                    if log_on_set {
                        tracing::info!("{READY}: the hall is loaded and shown");
                    }
                }
            });
        };
        rt.block_on(drive(parts, tx, rx, show, clock));
    })?;
    ui.run()?;
    Ok(())
}

/// Full screen; on a bare X server (no window manager, as kiosks often run) that request does
/// nothing, so the window is also sized to its monitor as soon as it exists. Keep the timer.
fn fill_the_screen(ui: &MainWindow) -> std::rc::Rc<slint::Timer> {
    ui.window().set_fullscreen(true);
    let weak = ui.as_weak();
    let timer = std::rc::Rc::new(slint::Timer::default());
    let this = std::rc::Rc::downgrade(&timer);
    timer.start(slint::TimerMode::Repeated, std::time::Duration::from_millis(20), move || {
        use slint::winit_030::WinitWindowAccessor;
        let Some(ui) = weak.upgrade() else { return };
        if !ui.window().has_winit_window() {
            return; // not created yet
        }
        let size = ui
            .window()
            .with_winit_window(|w| {
                let monitor =
                    w.current_monitor().or_else(|| w.primary_monitor()).or_else(|| w.available_monitors().next());
                monitor.map(|m| m.size())
            })
            .flatten();
        match size {
            Some(s) => ui.window().set_size(slint::PhysicalSize::new(s.width, s.height)),
            None => tracing::warn!("cannot tell the screen's size; the window manager decides"),
        }
        if let Some(t) = this.upgrade() {
            t.stop();
        }
    });
    timer
}

/// The time on the top bar at `now`, in the hall's zone (`GET /api/hall`'s `timezone`; Beijing
/// time until the hall is known, or for a zone this kiosk does not know).
pub fn clock(now: chrono::DateTime<chrono::Utc>, zone: Option<&str>) -> String {
    let tz = zone.and_then(|z| z.parse::<chrono_tz::Tz>().ok()).unwrap_or(chrono_tz::Asia::Shanghai);
    now.with_timezone(&tz).format("%H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::clock;
    use chrono::TimeZone;

    #[test]
    fn the_top_bar_shows_the_halls_time() {
        let now = chrono::Utc.with_ymd_and_hms(2026, 11, 25, 2, 30, 0).unwrap();
        for (zone, want) in [
            (Some("Asia/Shanghai"), "10:30"),
            (Some("Asia/Urumqi"), "08:30"),  // a hall in Xinjiang keeps its own time
            (None, "10:30"),                 // before the hall is known: Beijing time
            (Some("Mars/Olympus"), "10:30"), // a zone this kiosk does not know
        ] {
            assert_eq!(clock(now, zone), want, "{zone:?}");
        }
    }
}
