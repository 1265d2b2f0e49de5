//! The UI itself, in slint's testing backend with the software renderer.

use hall_display::screenshots::{headless, sample};
use hall_display::view::View;
use hall_display::MainWindow;
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;

fn texts(ui: &MainWindow, label: &str) -> usize {
    ElementHandle::find_by_accessible_label(ui, label).count()
}

#[test]
fn the_called_number_appears_large_and_in_the_recent_list() {
    let _ = headless(); // once per process
    let ui = MainWindow::new().unwrap();
    ui.window().set_size(slint::PhysicalSize::new(1920, 1080));
    let view = View { number: "C042".into(), window_number: 6, ..sample(false, false) };
    view.show(&ui, None);
    assert_eq!(texts(&ui, "C042"), 1, "the big number");
    assert!(texts(&ui, "B012") >= 1, "the recent list");
    assert_eq!(texts(&ui, "到 6 号窗口"), 1);
    // A new call replaces it.
    let next = View { number: "C043".into(), ..view.clone() };
    next.show(&ui, Some(&view));
    assert_eq!(texts(&ui, "C042"), 0);
    assert_eq!(texts(&ui, "C043"), 1);
    let shot = ui.window().take_snapshot().unwrap();
    assert_eq!((shot.width(), shot.height()), (1920, 1080));
}

#[test]
fn a_paused_window_says_so() {
    let _ = headless();
    let ui = MainWindow::new().unwrap();
    ui.window().set_size(slint::PhysicalSize::new(1280, 720));
    let view = View { my_window_open: false, my_serving: String::new(), ..sample(false, true) };
    view.show(&ui, None);
    assert_eq!(texts(&ui, "暂停服务"), 1);
    assert_eq!(texts(&ui, "陈建国"), 1, "staff publicity");
}

#[test]
fn a_number_called_by_appointment_is_marked_on_the_lobby_and_at_its_window() {
    use hall_display::screenshots::{booked, booked_at_window};
    let _ = headless();
    let ui = MainWindow::new().unwrap();
    ui.window().set_size(slint::PhysicalSize::new(1920, 1080));
    let plain = sample(false, false);
    plain.show(&ui, None);
    assert_eq!(texts(&ui, "预约"), 0, "no mark without a booking");
    let lobby = booked(plain.clone());
    lobby.show(&ui, Some(&plain));
    assert_eq!(texts(&ui, "预约"), 3, "the big call and its two booked lines in the recent list");
    ui.window().set_size(slint::PhysicalSize::new(1280, 720));
    let window = booked_at_window(sample(false, true));
    window.show(&ui, None);
    assert_eq!(texts(&ui, "预约"), 1, "beside the number served");
    let unbooked = View { my_serving_booked: false, ..window.clone() };
    unbooked.show(&ui, Some(&window));
    assert_eq!(texts(&ui, "预约"), 0);
}
