//! The kiosk's geometry with a hall's longest content: every part of a screen a citizen needs
//! (the number, where to go, the button that ends) stays on the screen.

use std::time::Duration;

use hall_kiosk::controller::{Input, Kiosk};
use hall_kiosk::screenshots::{sample_kiosk, sample_ticket};
use hall_kiosk::view::View;
use hall_kiosk::MainWindow;
use hall_snapshot::geometry::{labelled, Rect};
use slint::ComponentHandle;

fn shown(ui: &MainWindow, kiosk: &Kiosk) {
    let v = View::of(kiosk, "09:42");
    View::show_qr(ui, &v.status_url);
    v.show(ui);
    ui.window().take_snapshot().unwrap();
}

/// A 综合受理 matter of a 一窗受理 hall: any of the hall's eleven windows may call the ticket.
#[test]
fn a_ticket_any_of_eleven_windows_may_call_keeps_its_done_button() {
    let (_guard, ui) = crate::screen::bare_window();
    let windows: Vec<String> = (1..=11).map(|w| format!("w{w:02}")).collect();
    let windows: Vec<&str> = windows.iter().map(String::as_str).collect();
    for english in [false, true] {
        for (width, height) in [(1920, 1080), (1366, 768), (1080, 1920), (768, 1366)] {
            let at = format!("{width}×{height}, {}", if english { "English" } else { "中文" });
            ui.window().set_size(slint::PhysicalSize::new(width, height));
            let (mut kiosk, mut now) = sample_kiosk(false);
            // Straight to the ticket: the matter's screen, its 取号, the server's answer.
            let key = "layout-1".to_string();
            let mut inputs = vec![Input::Matter("mz-dibao".into()), Input::Take { key: key.clone(), priority: None }];
            if english {
                inputs.insert(0, Input::ToggleLanguage);
            }
            for input in inputs {
                now += Duration::from_millis(300);
                kiosk.apply(input, now);
            }
            now += Duration::from_millis(80);
            let ticket = sample_ticket("B012", "mz-dibao", None, &windows);
            kiosk.apply(Input::Issued { key, ticket: Box::new(ticket) }, now);
            shown(&ui, &kiosk);
            let where_to = if english {
                "Windows 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 (the one the display calls you to)"
            } else {
                "1、2、3、4、5、6、7、8、9、10、11 号窗口（以叫号屏显示的窗口为准）"
            };
            let done = if english { "Done" } else { "完成" };
            let ahead = if english { "11 ahead of you" } else { "前面还有 11 人" };
            for label in ["B012", done, ahead, where_to] {
                let found = labelled(&ui, label);
                assert!(!found.is_empty(), "{at}: `{label}` shown");
                for r in found {
                    assert!(r.within(&Rect::screen(width, height)), "{at}: `{label}` off the screen: {r:?}");
                }
            }
        }
    }
    hall_kiosk::select_language(false).unwrap();
}

/// The hall's longest content: a matter with twenty materials, twelve steps and every window,
/// a department of thirty matters, fourteen departments. Every department's tile and the buttons
/// a citizen needs (取号, 返回, 首页) stay on the screen on every page.
#[test]
fn the_longest_matter_and_department_keep_their_buttons() {
    use hall_kiosk::screenshots::sample_catalog;
    use hall_wire as wire;
    let (_guard, ui) = crate::screen::bare_window();
    let mut catalog = sample_catalog();
    let windows: Vec<String> = catalog.windows.iter().map(|w| w.id.clone()).collect();
    let dibao = catalog.services.iter_mut().find(|s| s.id == "mz-dibao").unwrap();
    dibao.materials = (1..=20)
        .map(|i| wire::Material {
            name: format!("第{i}项申请材料：申请人及共同生活家庭成员的有效身份证件原件及复印件"),
            kind: if i % 3 == 0 { wire::MaterialKind::Aux } else { wire::MaterialKind::Main },
        })
        .collect();
    dibao.procedure = (1..=12).map(|i| format!("第{i}步：窗口受理、审核材料并出具受理通知书")).collect();
    dibao.windows = windows;
    let template = dibao.clone();
    let department = (template.department_id.clone(), template.department.clone());
    for i in 1..=30 {
        catalog.services.push(wire::Service {
            id: format!("mz-extra-{i}"),
            name: format!("民政事项第{i}项：特殊困难群众临时救助申请"),
            ..template.clone()
        });
    }
    for d in 1..=6 {
        catalog.services.push(wire::Service {
            id: format!("extra-dept-{d}"),
            department_id: format!("extra-{d}"),
            department: format!("新增部门{d}"),
            ..template.clone()
        });
    }
    for english in [false, true] {
        for (width, height) in [(1920, 1080), (1366, 768), (1080, 1920), (768, 1366)] {
            let at = format!("{width}×{height}, {}", if english { "English" } else { "中文" });
            ui.window().set_size(slint::PhysicalSize::new(width, height));
            let mut now = std::time::Instant::now();
            let settings = hall_kiosk::controller::Settings { english, ..Default::default() };
            let mut kiosk = Kiosk::new(settings, now);
            kiosk.apply(Input::Catalog(Box::new(catalog.clone())), now);
            shown(&ui, &kiosk);
            let mut departments: Vec<&str> = catalog.services.iter().map(|s| s.department.as_str()).collect();
            departments.sort_unstable();
            departments.dedup();
            assert_eq!(departments.len(), 14, "the sample's eight departments and six more");
            let mut tiles = Vec::new();
            for name in departments {
                let found = labelled(&ui, name);
                assert!(!found.is_empty(), "{at}: {name} on the home screen");
                for r in &found {
                    assert!(r.within(&Rect::screen(width, height)), "{at}: {name} off the home screen: {r:?}");
                }
                // The tile itself (a button labelled with the name) is the largest of them.
                tiles.push(*found.iter().max_by(|a, b| a.area().total_cmp(&b.area())).unwrap());
            }
            // Each tile's words inside a tile, none spilling over its border.
            let view = View::of(&kiosk, "09:42");
            let waits = view.departments.iter().map(|d| match (d.waiting, english) {
                (0, false) => "无需等候".to_string(),
                (0, true) => "No wait".to_string(),
                (n, false) => format!("等候 {n} 人 · 约 {} 分钟", d.minutes),
                (n, true) => format!("{n} waiting · about {} min", d.minutes),
            });
            for text in waits {
                for r in labelled(&ui, &text) {
                    assert!(tiles.iter().any(|t| r.within(t)), "{at}: `{text}` spills out of its tile: {r:?}");
                }
            }
            let (back, top, take) =
                if english { ("Back", "Home", "Take a ticket") } else { ("返回", "首页", "取号") };
            for (input, buttons) in [
                (Input::Department(department.0.clone()), vec![back, top]),
                (Input::Matter("mz-dibao".into()), vec![back, top, take]),
            ] {
                now += Duration::from_millis(300);
                kiosk.apply(input, now);
                shown(&ui, &kiosk);
                for label in buttons {
                    let found = labelled(&ui, label);
                    assert!(!found.is_empty(), "{at}: `{label}` shown");
                    for r in found {
                        assert!(r.within(&Rect::screen(width, height)), "{at}: `{label}` off the screen: {r:?}");
                    }
                }
            }
        }
    }
    hall_kiosk::select_language(false).unwrap();
}
