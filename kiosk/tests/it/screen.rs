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

impl Screen {
    fn new(width: u32, height: u32) -> Screen {
        // The language is chosen for the whole process: one screen at a time.
        static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
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
