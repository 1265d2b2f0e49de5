//! The lobby's geometry on the screens halls hang, in both languages: on a busy morning (the
//! display's default 8 recent calls, windows with two digits) every call lies inside its panel
//! and on the screen, no line of the recent list is squeezed or runs into the next, and the big
//! call's number and window line stay apart.

use hall_display::screenshots::{headless, sample};
use hall_display::view::View;
use hall_display::MainWindow;
use hall_snapshot::geometry::{labelled, of_type, Rect};
use slint::ComponentHandle;

/// A busy morning: 8 recent calls (the display's default), at windows 12 to 33.
fn busy(english: bool) -> View {
    let mut v = sample(english, false);
    let names = ["民政窗口（二）", "社保窗口（一）", "综合受理窗口", "自然资源窗口", "卫健计生窗口"];
    v.recent = (0..8u32)
        .map(|i| (format!("C{:03}", 131 - i), 12 + i * 3, names[i as usize % 5].to_string(), false, false))
        .collect();
    v.number = "C131".into();
    v.window_number = 12;
    v
}

fn panel(ui: &MainWindow, component: &str) -> Rect {
    let found = of_type(ui, component);
    assert_eq!(found.len(), 1, "one {component}");
    found[0]
}

fn check(ui: &MainWindow, english: bool, (width, height): (u32, u32)) {
    let at = format!("{width}×{height}, {}", if english { "English" } else { "中文" });
    hall_display::select_language(if english { "en" } else { "zh" }).unwrap();
    ui.window().set_size(slint::PhysicalSize::new(width, height));
    let view = busy(english);
    view.show(ui, None);
    // Drawn once: the window's size reaches the layout (its unit and orientation) as it draws.
    ui.window().take_snapshot().unwrap();
    let screen = Rect::screen(width, height);
    let (big, list) = (panel(ui, "BigCall"), panel(ui, "RecentList"));
    assert!(big.within(&screen) && list.within(&screen), "{at}: the panels are on the screen: {big:?} {list:?}");

    // The big call: its number above its window line, both inside the panel.
    let big_number: Vec<Rect> = labelled(ui, "C131").into_iter().filter(|r| r.within(&big)).collect();
    assert_eq!(big_number.len(), 1, "{at}: the called number inside the big call's panel");
    let go_to = if english { "go to window 12" } else { "到 12 号窗口" };
    let line = labelled(ui, go_to);
    assert_eq!(line.len(), 1, "{at}: `{go_to}` once");
    assert!(line[0].within(&big), "{at}: `{go_to}` inside the big call's panel: {:?} in {big:?}", line[0]);
    assert!(big_number[0].bottom() <= line[0].y + 0.5, "{at}: the number and its window line overlap");

    // The recent list: the newest calls that fit, each line inside the panel, below the last,
    // none squeezed; the older ones wait off the list rather than push the screen's foot off.
    let mut rows = Vec::new();
    for (number, window, ..) in &view.recent {
        let in_list: Vec<Rect> = labelled(ui, number).into_iter().filter(|r| !r.within(&big)).collect();
        if in_list.is_empty() {
            break;
        }
        assert_eq!(in_list.len(), 1, "{at}: {number} once in the recent list");
        let number_at = in_list[0];
        assert!(number_at.within(&list), "{at}: {number} inside the list: {number_at:?} in {list:?}");
        let window_text = if english { format!("Window {window}") } else { format!("{window} 号窗口") };
        let window_at = labelled(ui, &window_text);
        assert_eq!(window_at.len(), 1, "{at}: `{window_text}` once");
        assert!(window_at[0].within(&list), "{at}: `{window_text}` inside the list");
        assert!(window_at[0].x >= number_at.right(), "{at}: `{window_text}` beside {number}, not over it");
        rows.push(number_at);
    }
    let older = &view.recent[rows.len()..];
    assert!(
        older.iter().all(|(n, ..)| labelled(ui, n).iter().all(|r| r.within(&big))),
        "{at}: the newest calls are the ones shown"
    );
    assert!(rows.len() >= 5, "{at}: only {} recent calls shown", rows.len());
    for pair in rows.windows(2) {
        assert!(pair[0].bottom() <= pair[1].y + 0.5, "{at}: two recent lines overlap: {pair:?}");
        assert!((pair[0].h - pair[1].h).abs() < 0.5, "{at}: a recent line is squeezed: {pair:?}");
    }

    // The queue bar: each queue's count on the screen, below the two panels.
    for (_, _, waiting, ..) in &view.queues {
        // Portrait has room for the count alone under each queue's letter.
        let text = match (width < height, english) {
            (true, _) => waiting.to_string(),
            (false, true) => format!("{waiting} waiting"),
            (false, false) => format!("等候 {waiting} 人"),
        };
        let at_bar = labelled(ui, &text);
        assert_eq!(at_bar.len(), 1, "{at}: `{text}` once");
        assert!(at_bar[0].within(&screen), "{at}: `{text}` on the screen: {:?}", at_bar[0]);
        assert!(at_bar[0].y >= big.bottom().max(list.bottom()), "{at}: `{text}` below the calls");
    }
    // The notice line at the foot (it scrolls sideways, so only its height is checked).
    let notice = labelled(ui, &view.notice);
    assert_eq!(notice.len(), 1, "{at}: the notice once");
    assert!(
        notice[0].y >= 0.0 && notice[0].bottom() <= height as f32 + 0.5,
        "{at}: the notice on the screen: {:?}",
        notice[0]
    );
}

#[test]
fn a_busy_lobby_fits_every_screen_in_both_languages() {
    let _ = headless(); // once per process
    let ui = MainWindow::new().unwrap();
    // Full HD and the common smaller TVs and monitors, 4:3, and screens hung in portrait.
    for size in [(1920, 1080), (1366, 768), (1280, 720), (1024, 768), (1080, 1920), (768, 1366), (720, 1280)] {
        for english in [false, true] {
            check(&ui, english, size);
        }
    }
    hall_display::select_language("zh").unwrap();
}

/// A 综合受理 window of a 一窗受理 hall handles every matter: its list is clipped at the panel's
/// foot, never pushing the notice line off the window's own screen.
#[test]
fn a_window_with_every_matter_keeps_its_screen() {
    let _ = headless();
    let ui = MainWindow::new().unwrap();
    let mut view = sample(false, true);
    view.matters = (1..=40).map(|i| format!("第{i}项政务服务事项")).collect();
    for (width, height) in [(1280, 720), (1920, 1080), (1024, 768)] {
        let at = format!("{width}×{height}");
        ui.window().set_size(slint::PhysicalSize::new(width, height));
        view.show(&ui, None);
        ui.window().take_snapshot().unwrap();
        let notice = labelled(&ui, &view.notice);
        assert_eq!(notice.len(), 1, "{at}: the notice once");
        assert!(notice[0].bottom() <= height as f32 + 0.5, "{at}: the notice on the screen: {:?}", notice[0]);
        let first = labelled(&ui, "· 第1项政务服务事项");
        assert_eq!(first.len(), 1, "{at}: the first matter shown");
        assert!(first[0].bottom() <= notice[0].y, "{at}: the first matter above the notice");
        for i in 1..=40 {
            for m in labelled(&ui, &format!("· 第{i}项政务服务事项")) {
                assert!(m.bottom() <= notice[0].y + 0.5, "{at}: matter {i} runs into the notice: {m:?}");
            }
        }
    }
}

/// A county's 政务服务中心: six and ten queues, a hundred and more waiting in each. Every
/// queue's count stays whole on the screen and clear of its neighbours'.
#[test]
fn many_queues_with_long_counts_stay_apart() {
    let _ = headless();
    let ui = MainWindow::new().unwrap();
    let names = [
        "综合咨询",
        "民政残联",
        "社保就业",
        "国土住建林业",
        "卫健计生",
        "市场监管",
        "公安户政",
        "税务",
        "公积金",
        "不动产登记",
    ];
    for english in [false, true] {
        hall_display::select_language(if english { "en" } else { "zh" }).unwrap();
        for many in [6, 10] {
            let mut view = busy(english);
            view.queues = names
                .iter()
                .take(many)
                .enumerate()
                .map(|(i, n)| (((b'A' + i as u8) as char).to_string(), n.to_string(), 100 + i as u32 * 37, 20, false))
                .collect();
            for (width, height) in [(1920, 1080), (1366, 768), (1280, 720), (1024, 768), (1080, 1920)] {
                let at = format!("{many} queues, {width}×{height}, {}", if english { "English" } else { "中文" });
                ui.window().set_size(slint::PhysicalSize::new(width, height));
                view.show(&ui, None);
                ui.window().take_snapshot().unwrap();
                let mut counts = Vec::new();
                for (_, _, waiting, ..) in &view.queues {
                    let text = match (width < height || view.queues.len() > 6, english) {
                        (true, _) => waiting.to_string(),
                        (false, true) => format!("{waiting} waiting"),
                        (false, false) => format!("等候 {waiting} 人"),
                    };
                    let found = labelled(&ui, &text);
                    assert_eq!(found.len(), 1, "{at}: `{text}` once");
                    counts.push((text, found[0]));
                }
                for pair in counts.windows(2) {
                    let ((a, ra), (b, rb)) = (&pair[0], &pair[1]);
                    assert!(ra.x >= -0.5 && rb.right() <= width as f32 + 0.5, "{at}: `{a}` or `{b}` off the screen");
                    assert!(ra.right() <= rb.x + 0.5, "{at}: `{a}` runs into `{b}`: {ra:?} {rb:?}");
                    // Cells of one width: a long name never narrows a neighbour's count to 「…」.
                    assert!((ra.w - rb.w).abs() < 1.0, "{at}: `{a}` and `{b}` in cells of different widths");
                }
            }
        }
    }
    hall_display::select_language("zh").unwrap();
}

/// A hall with a long name (a town government's full one): the clock and the link state keep
/// their place on the header, the name gives way (elided) before them.
#[test]
fn a_long_hall_name_leaves_the_clock_on_the_screen() {
    let _ = headless();
    let ui = MainWindow::new().unwrap();
    for english in [false, true] {
        hall_display::select_language(if english { "en" } else { "zh" }).unwrap();
        let mut view = busy(english);
        view.hall_name = "青石县青石镇人民政府便民服务中心（青石镇政务服务中心）".into();
        for (width, height) in [(1920, 1080), (1366, 768), (1024, 768), (1080, 1920), (720, 1280)] {
            let at = format!("{width}×{height}, {}", if english { "English" } else { "中文" });
            ui.window().set_size(slint::PhysicalSize::new(width, height));
            view.show(&ui, None);
            ui.window().take_snapshot().unwrap();
            let clock_text =
                if width >= height { format!("{}  {}", view.date, view.clock) } else { view.clock.clone() };
            let clock = labelled(&ui, &clock_text);
            assert_eq!(clock.len(), 1, "{at}: the clock once");
            assert!(
                clock[0].x >= 0.0 && clock[0].right() <= width as f32 + 0.5,
                "{at}: the clock on the screen: {:?}",
                clock[0]
            );
            let name = labelled(&ui, &view.hall_name);
            assert_eq!(name.len(), 1, "{at}: the name once");
            let live = labelled(&ui, if english { "● Live" } else { "● 实时" });
            assert_eq!(live.len(), 1, "{at}: the link state once");
            assert!(
                name[0].right() <= live[0].x + 0.5,
                "{at}: the name runs into the link state: {:?} {:?}",
                name[0],
                live[0]
            );
            assert!(live[0].right() <= clock[0].x + 0.5, "{at}: the link state runs into the clock");
        }
    }
    hall_display::select_language("zh").unwrap();
}

/// Long words from the hall's configuration or a clerk (a long window name under the call, a
/// long reason for a paused window) stay inside the screen and push nothing off it.
#[test]
fn long_words_stay_inside_the_screen() {
    let _ = headless();
    let ui = MainWindow::new().unwrap();
    let long_name = "不动产登记、税务、住房公积金综合受理窗口（一号）";
    let long_state = "暂停服务：窗口工作人员外出参加业务培训，请到 5 号窗口或 12 号窗口办理";
    for english in [false, true] {
        hall_display::select_language(if english { "en" } else { "zh" }).unwrap();
        for (width, height) in [(1920, 1080), (1366, 768), (1280, 720), (1024, 768), (1080, 1920)] {
            let at = format!("{width}×{height}, {}", if english { "English" } else { "中文" });
            let screen = Rect::screen(width, height);
            ui.window().set_size(slint::PhysicalSize::new(width, height));
            let lobby = View { window_name: long_name.into(), ..busy(english) };
            let paused = View {
                my_window_open: false,
                my_window_state: long_state.into(),
                my_window_name: long_name.into(),
                ..sample(english, true)
            };
            for (what, view, text) in
                [("the call's window", &lobby, long_name), ("the paused window's reason", &paused, long_state)]
            {
                view.show(&ui, None);
                ui.window().take_snapshot().unwrap();
                let shown = labelled(&ui, text);
                assert!(!shown.is_empty(), "{at}: {what} shown");
                for found in shown {
                    assert!(found.within(&screen), "{at}: {what} off the screen: {found:?}");
                }
                if !view.window_mode {
                    let (big, list) = (panel(&ui, "BigCall"), panel(&ui, "RecentList"));
                    assert!(
                        big.within(&screen) && list.within(&screen),
                        "{at}: {what} pushed a panel off: {big:?} {list:?}"
                    );
                }
                let clock = format!("{}  {}", view.date, view.clock);
                let clock = labelled(&ui, if width >= height { &clock } else { &view.clock });
                assert_eq!(clock.len(), 1, "{at}: the clock once beside {what}");
                assert!(clock[0].within(&screen), "{at}: {what} pushed the clock off the screen: {:?}", clock[0]);
            }
        }
    }
    hall_display::select_language("zh").unwrap();
}
