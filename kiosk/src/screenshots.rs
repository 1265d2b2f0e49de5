//! Renders every screen to PNG without a display (slint's testing backend and software
//! renderer), in Chinese and English, portrait and landscape, plus the printed ticket drawn
//! from the bytes the printer would get. The screens come from the real controller walked
//! through a visit with the sample hall.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use hall_wire::{self as wire, KioskFaultKind, Priority};
use slint::ComponentHandle;

use crate::catalog::Catalog;
use crate::controller::{CaseAnswer, CheckedIn, Input, Kiosk, QueryField, Settings};
use crate::view::View;
use crate::MainWindow;

/// The sample hall (青石镇) as its server serves it, at a busy moment.
pub fn sample_catalog() -> Catalog {
    #[derive(serde::Deserialize)]
    struct Sample {
        hall: wire::HallInfo,
        services: Vec<wire::Service>,
        windows: Vec<wire::Window>,
        queues: Vec<wire::Queue>,
    }
    let s: Sample = serde_json::from_str(include_str!("sample-hall.json")).expect("the bundled sample hall reads");
    Catalog { hall: s.hall, services: s.services, windows: s.windows, queues: s.queues }
}

/// A ticket as the server answers it.
pub fn sample_ticket(number: &str, service_id: &str, priority: Option<Priority>, windows: &[&str]) -> wire::Ticket {
    wire::Ticket {
        id: 42,
        number: number.into(),
        service_id: service_id.into(),
        queue: "minzheng".into(),
        status: wire::TicketStatus::Waiting,
        priority,
        waiting_ahead: 11,
        estimated_wait_minutes: 35,
        windows: windows.iter().map(|w| w.to_string()).collect(),
        issued_at: "2026-11-25T09:42:17+08:00".into(),
        called_at: None,
        started_at: None,
        window_id: None,
        first_window_id: None,
        outcome: None,
        status_url: Some("/t/6f1c0e9a4b7d2e8f3a5c1b9d0e7f2a4c".into()),
        case: None,
        booked: false,
    }
}

/// A 补办件 waiting for two materials, as `GET /api/cases/{number}?code=` answers it.
pub fn sample_case() -> wire::CaseProgress {
    wire::CaseProgress {
        number: "20261125-0003".into(),
        kind: wire::Outcome::Supplement,
        state: wire::CaseState::AwaitingMaterials,
        result: None,
        status_text: "待补齐材料：材料齐全之日起计算办理时限".into(),
        service_name: "最低生活保障申请".into(),
        accepted_on: "2026-11-25".into(),
        deadline: None,
        working_days_left: None,
        window_number: 2,
        window_name: "民政窗口（一）".into(),
        missing_materials: vec!["户口簿复印件".into(), "近6个月银行流水".into()],
        supplement_until: Some("2027-01-07".into()),
        history: vec![wire::ProgressStep {
            at: "2026-11-25T10:03:12+08:00".into(),
            action: "registered".into(),
            text: "2号窗口受理（补办件），请补齐材料：户口簿复印件、近6个月银行流水。材料齐全之日起计算办理时限".into(),
        }],
        rated: false,
        upper: None,
    }
}

/// The same 补办件 once its materials came: its clock runs, 3 working days left.
pub fn sample_case_open() -> wire::CaseProgress {
    let mut c = sample_case();
    c.state = wire::CaseState::Open;
    c.status_text = "已受理，正在办理".into();
    c.deadline = Some("2026-12-09".into());
    c.working_days_left = Some(3);
    c.missing_materials.clear();
    c.supplement_until = None;
    c.history.push(wire::ProgressStep {
        at: "2026-11-27T14:20:05+08:00".into(),
        action: "materials_complete".into(),
        text: "材料已补齐，自 2026-11-27 起计算办理时限，承诺办结日期 2026-12-09".into(),
    });
    c
}

/// The sample hall past the cut-off (17:05 on Wednesday 25 November 2026): no more tickets
/// today, the next from tomorrow 08:30.
pub fn closed_catalog() -> Catalog {
    let mut c = sample_catalog();
    let stop = wire::Issuing {
        open: false,
        reason: Some(wire::IssuingStop::CutOff),
        next_open: Some("2026-11-26T08:30:00+08:00".into()),
        ..wire::Issuing::default()
    };
    c.hall.issuing = stop.clone();
    for q in &mut c.queues {
        q.issuing = stop.clone();
    }
    for s in &mut c.services {
        s.issuing = stop.clone();
    }
    c
}

/// The moment the screenshots are taken (「明天」 in the words of a stop is the 26th).
pub fn screenshot_time() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-25T17:05:00+08:00").expect("a valid time").to_utc()
}

/// A kiosk with the sample hall loaded.
pub fn sample_kiosk(english: bool) -> (Kiosk, Instant) {
    let now = Instant::now();
    let settings = Settings { english, server_url: "http://192.168.10.2:8080".into(), ..Settings::default() };
    let mut k = Kiosk::new(settings, now);
    k.apply(Input::Catalog(Box::new(sample_catalog())), now);
    (k, now)
}

/// Each screen of a visit: (file name part, the kiosk at that moment).
fn visit(english: bool) -> Vec<(&'static str, Kiosk)> {
    let step = |inputs: Vec<Input>| {
        let (mut k, mut now) = sample_kiosk(english);
        for i in inputs {
            now += Duration::from_millis(100);
            k.apply(i, now);
        }
        k
    };
    let take = || Input::Take { key: "k1".into(), priority: None };
    let issued = |priority| Input::Issued {
        key: "k1".into(),
        ticket: Box::new(sample_ticket("B012", "mz-dibao", priority, &["w02", "w03"])),
    };
    let dibao = || Input::Matter("mz-dibao".into());
    let refused = |code: &str, next_open: &str| Input::IssueRefused {
        key: "k1".into(),
        code: code.into(),
        next_open: Some(next_open.into()),
        day: None,
    };
    let checked_in = |on_time| Input::CheckedIn {
        key: "k1".into(),
        answer: Box::new(CheckedIn {
            ticket: sample_ticket("B012", "mz-dibao", None, &["w02", "w03"]),
            on_time,
            start: "09:30".into(),
            end: "10:00".into(),
        }),
    };
    let text = |s: &str| Input::CaseText(s.into());
    let answered = |answer| vec![Input::Cases, text("20261125-0003 ABC234\n"), Input::CaseAnswer { id: 1, answer }];
    vec![
        ("home", step(vec![])),
        ("home-closed", step(vec![Input::Catalog(Box::new(closed_catalog()))])),
        ("matter-closed", step(vec![Input::Catalog(Box::new(closed_catalog())), dibao(), take()])),
        ("department", step(vec![Input::Department("minzheng".into())])),
        ("matter", step(vec![Input::Department("minzheng".into()), dibao()])),
        // A matter done on the spot (R7): its time limit says in how many minutes.
        ("matter-on-the-spot", step(vec![Input::Department("renshe".into()), Input::Matter("rs-jmyibao".into())])),
        ("priority", step(vec![dibao(), Input::AskPriority])),
        ("search", step(vec![Input::Search, Input::Key('y'), Input::Key('l'), Input::Key('b'), Input::Key('x')])),
        ("issuing", step(vec![dibao(), take(), Input::IssueUnreachable { key: "k1".into() }])),
        (
            "matter-refused",
            step(vec![
                dibao(),
                take(),
                Input::IssueRefused { key: "k1".into(), code: "rate_limited".into(), next_open: None, day: None },
            ]),
        ),
        ("ticket", step(vec![dibao(), take(), issued(None), Input::Printed { number: "B012".into() }])),
        (
            "ticket-print-failed",
            step(vec![
                dibao(),
                Input::Take { key: "k1".into(), priority: Some(Priority::Elderly) },
                issued(Some(Priority::Elderly)),
                Input::PrintFailed { number: "B012".into(), fault: KioskFaultKind::PaperOut, message: String::new() },
            ]),
        ),
        ("case-query", step(vec![Input::Cases])),
        (
            "case-query-typed",
            step(vec![Input::Cases, text("202611250003"), Input::CaseField(QueryField::Code), text("ab2")]),
        ),
        ("case-query-found", step(answered(CaseAnswer::Found(Box::new(sample_case()))))),
        ("case-query-found-open", step(answered(CaseAnswer::Found(Box::new(sample_case_open()))))),
        ("case-query-not-found", step(answered(CaseAnswer::NotFound))),
        ("check-in", step(vec![Input::CheckIn])),
        ("check-in-typed", step(vec![Input::CheckIn, Input::EntryText("0471826".into())])),
        (
            "check-in-too-early",
            step(vec![
                Input::CheckIn,
                Input::EntryText("https://hall.example.cn/book/04718263".into()),
                Input::EntrySubmit { key: "k1".into() },
                refused("booking_too_early", "2026-11-25T09:30:00+08:00"),
            ]),
        ),
        (
            "check-in-ticket",
            step(vec![
                Input::CheckIn,
                Input::EntryText("04718263".into()),
                Input::EntrySubmit { key: "k1".into() },
                checked_in(true),
                Input::Printed { number: "B012".into() },
            ]),
        ),
        (
            "check-in-late",
            step(vec![
                Input::CheckIn,
                Input::EntryText("11010519491231002X".into()),
                Input::EntrySubmit { key: "k1".into() },
                checked_in(false),
                Input::Printed { number: "B012".into() },
            ]),
        ),
        (
            "id-number",
            step(vec![Input::Matter("zr-zhaijidi".into()), take(), Input::EntryText("11010519491231".into())]),
        ),
        (
            "id-number-limit",
            step(vec![
                Input::Matter("zr-zhaijidi".into()),
                take(),
                Input::EntryText("11010519491231002X".into()),
                Input::EntrySubmit { key: "k2".into() },
                Input::IssueRefused { key: "k2".into(), code: "person_limit".into(), next_open: None, day: None },
            ]),
        ),
    ]
}

fn render(ui: &MainWindow, kiosk: &Kiosk, width: u32, height: u32, path: &Path) -> anyhow::Result<()> {
    ui.window().set_size(slint::PhysicalSize::new(width, height));
    // Busy at 09:42; the closed hall's scenes are past the 17:00 cut-off.
    let clock = if kiosk.hall_stop().is_some() { "17:05" } else { "09:42" };
    let view = View::at(kiosk, clock, screenshot_time());
    View::show_qr(ui, &view.status_url);
    view.show(ui);
    hall_snapshot::save_png(ui.window(), path)
}

pub use hall_snapshot::headless;

/// Every screen, zh and en, portrait (1080×1920) and landscape (1920×1080), and the paper.
pub fn all(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    headless()?;
    let ui = MainWindow::new()?;
    for (lang, english) in [("zh", false), ("en", true)] {
        crate::select_language(english)?;
        for (name, kiosk) in visit(english) {
            render(&ui, &kiosk, 1080, 1920, &dir.join(format!("kiosk-{name}-portrait-{lang}.png")))?;
            render(&ui, &kiosk, 1920, 1080, &dir.join(format!("kiosk-{name}-landscape-{lang}.png")))?;
        }
    }
    crate::select_language(false)?;
    let (k, _) = sample_kiosk(false);
    let ticket = sample_ticket("B012", "mz-dibao", None, &["w02", "w03"]);
    for (booked, part) in [(false, ""), (true, "-booked")] {
        let spec = k.print_spec(&ticket, booked).context("the sample hall is loaded")?;
        for paper in [hall_printer::PaperWidth::Mm80, hall_printer::PaperWidth::Mm58] {
            let mm = if paper == hall_printer::PaperWidth::Mm80 { 80 } else { 58 };
            if booked && mm == 58 {
                continue;
            }
            let path = dir.join(format!("kiosk-printed-ticket{part}-{mm}mm.png"));
            hall_printer::preview::save_png(&hall_printer::ticket_bytes(&spec, paper), paper, &path)?;
            println!("{}", path.display());
        }
    }
    Ok(())
}
