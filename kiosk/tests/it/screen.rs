//! The UI itself (slint's testing backend, software renderer): touches go through the real
//! callbacks into the real controller, and what it decides is shown.

use std::time::{Duration, Instant};

use hall_kiosk::controller::{Input, Kiosk};
use hall_kiosk::screenshots::{headless, sample_kiosk, sample_ticket};
use hall_kiosk::view::View;
use hall_kiosk::MainWindow;
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;
use tokio::sync::mpsc;

/// A window wired to a controller; `press` touches an element by its label.
struct Screen {
    _one_at_a_time: std::sync::MutexGuard<'static, ()>,
    ui: MainWindow,
    kiosk: Kiosk,
    now: Instant,
    rx: mpsc::UnboundedReceiver<Input>,
    _tx: mpsc::UnboundedSender<Input>,
}

/// The language is chosen for the whole process: one screen at a time.
pub(crate) fn one_screen_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// A window wired to no controller, for tests that put the kiosk's state on it themselves and
/// look at what is shown; with the one-screen lock.
pub(crate) fn bare_window() -> (std::sync::MutexGuard<'static, ()>, MainWindow) {
    let guard = one_screen_at_a_time();
    let _ = headless();
    let ui = MainWindow::new().unwrap();
    hall_kiosk::app::wire_callbacks(&ui, &mpsc::unbounded_channel().0);
    (guard, ui)
}

impl Screen {
    fn new(width: u32, height: u32) -> Screen {
        let guard = one_screen_at_a_time();
        let _ = headless(); // once per process
        let ui = MainWindow::new().unwrap();
        ui.window().set_size(slint::PhysicalSize::new(width, height));
        let (tx, rx) = mpsc::unbounded_channel();
        hall_kiosk::app::wire_callbacks(&ui, &tx);
        let (kiosk, now) = sample_kiosk(false);
        let s = Screen { _one_at_a_time: guard, ui, kiosk, now, rx, _tx: tx };
        s.show();
        s
    }

    fn show(&self) {
        let v = View::of(&self.kiosk, "09:42");
        View::show_qr(&self.ui, &v.status_url);
        v.show(&self.ui);
    }

    /// Feeds what the UI sent into the controller and shows the result.
    fn settle(&mut self) -> Vec<hall_kiosk::controller::Effect> {
        let mut fx = Vec::new();
        while let Ok(input) = self.rx.try_recv() {
            self.now += Duration::from_millis(300);
            fx.extend(self.kiosk.apply(input, self.now));
        }
        self.show();
        fx
    }

    fn count(&self, label: &str) -> usize {
        ElementHandle::find_by_accessible_label(&self.ui, label).count()
    }

    fn press(&mut self, label: &str) -> Vec<hall_kiosk::controller::Effect> {
        let mut found: Vec<ElementHandle> = ElementHandle::find_by_accessible_label(&self.ui, label).collect();
        assert!(!found.is_empty(), "no `{label}` on screen");
        found.remove(0).invoke_accessible_default_action();
        self.settle()
    }
}

/// A live update (the waiting counts, every few seconds) landing while a citizen's finger is on
/// a department's tile: the tile stays under the finger, and the release opens it.
#[test]
fn a_tile_pressed_while_the_waiting_counts_change_still_opens() {
    use slint::platform::{PointerEventButton, WindowEvent};
    let mut s = Screen::new(1080, 1920);
    s.ui.window().take_snapshot().unwrap();
    let tile = ElementHandle::find_by_accessible_label(&s.ui, "民政").next().expect("the 民政 tile");
    let (at, size) = (tile.absolute_position(), tile.size());
    let position = slint::LogicalPosition::new(at.x + size.width / 2.0, at.y + size.height / 2.0);
    let button = PointerEventButton::Left;
    s.ui.window().dispatch_event(WindowEvent::PointerPressed { position, button });
    let c = hall_kiosk::screenshots::sample_catalog();
    let mut queues = c.queues.clone();
    for q in &mut queues {
        q.waiting += 3;
    }
    s.now += Duration::from_millis(300);
    s.kiosk.apply(Input::Live { queues, windows: c.windows.clone() }, s.now);
    s.show();
    s.ui.window().take_snapshot().unwrap();
    s.ui.window().dispatch_event(WindowEvent::PointerReleased { position, button });
    s.settle();
    assert!(s.count("最低生活保障申请") >= 1, "the tap opened 民政's matters");
}

#[test]
fn home_to_department_to_matter_to_ticket() {
    let mut s = Screen::new(1080, 1920);
    assert!(s.count("民政") >= 1, "departments on the home screen");
    s.press("民政");
    assert!(s.count("最低生活保障申请") >= 1, "its matters");
    s.press("最低生活保障申请");
    assert_eq!(s.count("最低生活保障申请书（申请人签字）"), 1, "the materials, all at once");
    assert_eq!(s.count("主件"), 3);
    assert_eq!(s.count("附件"), 2);
    assert_eq!(s.count("2 号窗口  民政窗口（一）"), 1, "where to go");
    assert_eq!(s.count("一楼大厅东侧  ·  服务中"), 2, "and whether it serves now");
    let fx = s.press("取号");
    let key = match &fx[..] {
        [hall_kiosk::controller::Effect::Issue { key, service_id, .. }] if service_id == "mz-dibao" => key.clone(),
        other => panic!("expected one ticket request: {other:?}"),
    };
    assert_eq!(s.count("正在取号，请稍候…"), 1);
    s.now += Duration::from_millis(80);
    let ticket = sample_ticket("B012", "mz-dibao", None, &["w02", "w03"]);
    s.kiosk.apply(Input::Issued { key, ticket: Box::new(ticket) }, s.now);
    s.show();
    assert_eq!(s.count("B012"), 1, "the number, large");
    assert_eq!(s.count("前面还有 11 人"), 1);
    let shot = s.ui.window().take_snapshot().unwrap();
    assert_eq!((shot.width(), shot.height()), (1080, 1920));
    s.press("完成");
    assert!(s.count("民政") >= 1, "home again");
}

#[test]
fn pinyin_search_on_the_letter_pad() {
    let mut s = Screen::new(1920, 1080);
    s.press("拼音首字母查找事项");
    for k in ["Y", "L", "B", "X"] {
        s.press(k);
    }
    assert!(s.count("城乡居民基本养老保险参保登记") >= 1);
    assert!(s.count("城乡居民基本养老保险待遇领取申请") >= 1);
    assert_eq!(s.count("最低生活保障申请"), 0);
    s.press("城乡居民基本养老保险参保登记");
    assert!(s.count("取号") >= 1, "the matter screen");
}

#[test]
fn priority_asks_for_a_confirmation_and_english_is_complete() {
    let mut s = Screen::new(1080, 1920);
    s.press("民政");
    s.press("最低生活保障申请");
    s.press("优先取号");
    assert!(s.count("老年人") >= 1);
    let fx = s.press("取消");
    assert!(fx.is_empty(), "cancel issues nothing");
    assert_eq!(s.count("老年人"), 0);
    s.press("English"); // the view switches the language itself
    assert!(s.count("Take a ticket") >= 1);
    assert!(s.count("Priority ticket") >= 1);
    assert_eq!(s.count("取号"), 0, "no Chinese left on the buttons");
    assert_eq!(s.count("Materials to bring (told all at once)"), 1);
    s.press("中文");
    assert!(s.count("取号") >= 1, "and back");
}

/// Types as a keyboard (or a barcode scanner that types like one) does: into the focused item.
pub(crate) fn type_keys(ui: &MainWindow, text: &str) {
    for c in text.chars() {
        let key: slint::SharedString = c.to_string().into();
        ui.window().dispatch_event(slint::platform::WindowEvent::KeyPressed { text: key.clone() });
        ui.window().dispatch_event(slint::platform::WindowEvent::KeyReleased { text: key });
    }
}

/// The query asked by the effects, if any: (id, number, code).
fn asked(fx: &[hall_kiosk::controller::Effect]) -> Option<(u64, String, String)> {
    fx.iter().find_map(|e| match e {
        hall_kiosk::controller::Effect::QueryCase { id, number, code } => Some((*id, number.clone(), code.clone())),
        _ => None,
    })
}

/// 「查询办件进度」 touched through: the pad, a scanner typing, not found, a 补办件 found with its
/// missing materials, in both languages; each state is drawn to docs/screenshots/ (the same
/// files `hall-kiosk screenshots` draws).
#[test]
fn case_progress_on_the_pad_and_from_a_scanner() {
    use hall_kiosk::controller::{CaseAnswer, Input};
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
    let shot = |s: &Screen, name: &str| {
        hall_snapshot::save_png(s.ui.window(), &shots.join(format!("kiosk-{name}-portrait-zh.png"))).unwrap()
    };
    let field = |s: &Screen, label: &str| {
        let found: Vec<ElementHandle> = ElementHandle::find_by_accessible_label(&s.ui, label).collect();
        found.iter().find_map(|e| e.accessible_value()).unwrap_or_else(|| panic!("no field `{label}`")).to_string()
    };
    let mut s = Screen::new(1080, 1920);
    s.press("查询办件进度");
    assert_eq!(s.count("请输入办件通知书上的办件编号和查询码，或用扫码枪扫描通知书上的条码"), 1);
    assert!(s.press("查询").is_empty(), "nothing typed: nothing asked");
    shot(&s, "case-query");
    // The pad: the dash comes by itself; a touch on the code field moves the typing there.
    for k in ["2", "0", "2", "6", "1", "1", "2", "5", "0", "0", "0", "3"] {
        s.press(k);
    }
    assert_eq!(field(&s, "办件编号"), "20261125-0003");
    s.press("查询码");
    for k in ["A", "B", "2"] {
        s.press(k);
    }
    assert_eq!(field(&s, "查询码"), "AB2");
    shot(&s, "case-query-typed");
    // A scanner types `NUMBER/code` and Enter: split, upper-cased, asked at once.
    s.press("清除");
    assert_eq!(field(&s, "办件编号"), "");
    type_keys(&s.ui, "20261125-0003/abc234\n");
    let fx = s.settle();
    let (id, number, code) = asked(&fx).expect("Enter asks");
    assert_eq!((number.as_str(), code.as_str()), ("20261125-0003", "ABC234"));
    assert_eq!(s.count("正在查询，请稍候…"), 1);
    s.kiosk.apply(Input::CaseAnswer { id, answer: CaseAnswer::NotFound }, s.now);
    s.show();
    assert_eq!(s.count("未找到该办件，请核对办件编号和查询码"), 1);
    assert_eq!(field(&s, "查询码"), "ABC234", "kept for a correction");
    shot(&s, "case-query-not-found");
    // 「查询」 again: a 补办件, its missing materials listed, the clock not started.
    let (id, ..) = asked(&s.press("查询")).expect("查询 asks");
    let case = hall_kiosk::screenshots::sample_case();
    s.kiosk.apply(Input::CaseAnswer { id, answer: CaseAnswer::Found(Box::new(case)) }, s.now);
    s.show();
    assert_eq!(s.count("补办件"), 1, "the kind");
    assert_eq!(s.count("待补齐材料：材料齐全之日起计算办理时限"), 1, "the server's words");
    assert_eq!(s.count("未开始计时：材料不齐"), 1);
    assert_eq!(s.count("• 户口簿复印件"), 1, "the missing materials");
    assert_eq!(s.count("• 近6个月银行流水"), 1);
    assert_eq!(s.count("请于 2027-01-07 前（含当日）补齐，逾期未补齐本件将终止办理。"), 1, "by when (R11)");
    assert_eq!(s.count("2 号窗口  民政窗口（一）"), 1, "the window to ask");
    assert_eq!(s.count("2026-11-25 10:03  受理"), 1, "the history: when and what");
    shot(&s, "case-query-found");
    s.press("English");
    assert_eq!(s.count("Supplement"), 1, "the kind");
    assert_eq!(s.count("Waiting for missing materials: the time limit runs from the day they are complete"), 1);
    assert_eq!(s.count("Clock not started: materials missing"), 1);
    assert_eq!(s.count("Window 2  民政窗口（一）"), 1);
    assert_eq!(s.count("Please bring them by 2027-01-07 (that day included); after it the case ends."), 1);
    assert_eq!(s.count("2026-11-25 10:03  Registered"), 1, "the step named in English");
    s.press("中文");
    s.press("查询其他办件");
    assert_eq!(field(&s, "办件编号"), "", "a new query starts empty");
    s.press("首页");
    assert!(s.count("民政") >= 1, "home again");
}
