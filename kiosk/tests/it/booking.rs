//! 「预约取号」 against a real server: the kiosk's window (slint's testing backend) wired to its
//! runtime (controller, client, printer) as in the hall, a real server with bookings made on
//! its public API, and a fake network printer. Touches go through the UI's callbacks; what the
//! screen shows is asserted on the UI itself.

use std::sync::Arc;
use std::time::Duration;

use hall_kiosk::client::Client;
use hall_kiosk::controller::{Input, Settings};
use hall_kiosk::runtime::{drive, Parts};
use hall_kiosk::view::{PageKind, View};
use hall_kiosk::MainWindow;
use hall_printer::fake::FakePrinter;
use hall_printer::{PaperWidth, Printer};
use hall_testkit::TestServer;
use i_slint_backend_testing::ElementHandle;
use reqwest::Method;
use slint::ComponentHandle;
use tokio::sync::mpsc;

use crate::screen::{one_screen_at_a_time, type_keys};

/// A GB 11643-valid identity number (a test number, nobody's).
const ID: &str = "11010519491231002X";

/// The kiosk as in the hall: its window on this thread, its runtime on a tokio runtime.
struct Hall {
    _one_at_a_time: std::sync::MutexGuard<'static, ()>,
    rt: tokio::runtime::Runtime,
    server: TestServer,
    printer: FakePrinter,
    ui: MainWindow,
    views: std::sync::mpsc::Receiver<View>,
    last: View,
    tx: mpsc::UnboundedSender<Input>,
}

impl Hall {
    /// The sample hall at 09:00 on Wednesday 25 November 2026, the kiosk portrait.
    fn open() -> Hall {
        let guard = one_screen_at_a_time();
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let server = rt.block_on(TestServer::start());
        let printer = FakePrinter::start();
        let _ = hall_kiosk::screenshots::headless();
        let ui = MainWindow::new().unwrap();
        hall_kiosk::select_language(false).unwrap(); // after the first window exists
        ui.window().set_size(slint::PhysicalSize::new(1080, 1920));
        let (tx, rx) = mpsc::unbounded_channel();
        hall_kiosk::app::wire_callbacks(&ui, &tx);
        let (vtx, views) = std::sync::mpsc::channel();
        let parts = Parts {
            client: Client::new(&server.base, "demo-kiosk", None),
            printer: Arc::new(
                Printer::new(printer.target(), PaperWidth::Mm80).with_timeout(Duration::from_millis(800)),
            ),
            paper: PaperWidth::Mm80,
            settings: Settings { server_url: server.base.clone(), ..Settings::default() },
            refresh: Duration::from_millis(300),
        };
        rt.spawn(drive(parts, tx.clone(), rx, move |v| drop(vtx.send(v.clone())), |_, _| "09:00".into()));
        let mut hall = Hall { _one_at_a_time: guard, rt, server, printer, ui, views, last: View::default(), tx };
        hall.until("the hall loaded", |v| v.loaded && v.online);
        hall
    }

    /// Shows the views as they come until one satisfies `done` (at most 10 s).
    fn until(&mut self, what: &str, done: impl Fn(&View) -> bool) {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !done(&self.last) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.views.recv_timeout(left) {
                Ok(v) => {
                    if v.status_url != self.last.status_url {
                        View::show_qr(&self.ui, &v.status_url);
                    }
                    v.show(&self.ui);
                    self.last = v;
                }
                Err(_) => panic!("timed out waiting for: {what}; last view {:?}", self.last.page),
            }
        }
    }

    fn count(&self, label: &str) -> usize {
        ElementHandle::find_by_accessible_label(&self.ui, label).count()
    }

    fn press(&self, label: &str) {
        let found: Vec<ElementHandle> = ElementHandle::find_by_accessible_label(&self.ui, label).collect();
        assert!(!found.is_empty(), "no `{label}` on screen");
        found[0].invoke_accessible_default_action();
    }

    /// Books `service` today at `start` on the public API; its 8-digit code.
    fn book(&self, service: &str, start: &str, id_number: Option<&str>) -> String {
        let mut body = serde_json::json!({
            "service_id": service, "day": "2026-11-25", "start": start, "name": "张三", "phone": "13812345678",
        });
        if let Some(n) = id_number {
            body["id_number"] = n.into();
        }
        let r = self.rt.block_on(self.server.send(Method::POST, "/api/bookings", None, Some(body), None));
        assert_eq!(r.status, 201, "{}", r.body);
        r.body["code"].as_str().unwrap().to_string()
    }
}

#[test]
fn a_booking_is_checked_in_at_the_kiosk_by_its_code_and_by_the_identity_number() {
    let mut h = Hall::open();
    let code = h.book("mz-dibao", "09:30", None);
    // By the code, on the pad.
    h.press("预约取号");
    h.until("the pad", |v| v.page == PageKind::Entry);
    assert_eq!(h.count("请把手机上的预约二维码对准扫码口，或输入8位预约码，或输入预约时填写的18位身份证号码"), 1);
    for d in code.chars() {
        h.press(&d.to_string());
        h.until("the digit shown", |v| v.entry.text.ends_with(d));
    }
    h.until("a code", |v| v.entry.ready);
    h.press("确认取号");
    h.until("the ticket", |v| v.page == PageKind::Ticket);
    assert_eq!(h.count("预约  09:30–10:00"), 1, "「预约」 and the slot on the ticket");
    let number = h.last.number.clone();
    assert!(number.starts_with('B'), "{number}");
    assert_eq!(h.count(&number), 1, "the number, large");
    let jobs = h.printer.wait_for_jobs(1, Duration::from_secs(5));
    let paper = hall_printer::decode::decode(&jobs[0]).text();
    assert!(paper.contains("预约"), "「预约」 on the paper: {paper}");
    assert!(paper.contains("最低生活保障申请书（申请人签字）"), "the materials on paper: {paper}");
    // The same code again (the paper lost, say): the same ticket, printed once more, no second.
    h.press("完成");
    h.until("home", |v| v.page == PageKind::Home);
    h.press("预约取号");
    h.until("the pad", |v| v.page == PageKind::Entry && v.entry.text.is_empty());
    type_keys(&h.ui, &format!("http://192.168.10.2:8080/book/{code}\n")); // a scanner
    h.until("the same ticket", |v| v.page == PageKind::Ticket);
    assert_eq!(h.last.number, number);
    assert_eq!(h.printer.wait_for_jobs(2, Duration::from_secs(5)).len(), 2, "printed again");
    // By the identity number, from an ID-card reader that types, for a matter that asks for it.
    let by_id = h.book("zr-zhaijidi", "09:30", Some(ID));
    h.press("完成");
    h.until("home", |v| v.page == PageKind::Home);
    h.press("预约取号");
    h.until("the pad", |v| v.page == PageKind::Entry && v.entry.text.is_empty());
    type_keys(&h.ui, &ID.to_lowercase());
    h.until("an identity number", |v| v.entry.ready && v.entry.reads == hall_kiosk::EntryReads::IdNumber);
    assert!(h.count("身份证号码") >= 1, "the field says what it read");
    type_keys(&h.ui, "\n");
    h.until("its ticket", |v| v.page == PageKind::Ticket && v.ticket_booked);
    assert_eq!(h.count("预约  09:30–10:00"), 1);
    let booking = h.rt.block_on(h.server.get(&format!("/api/bookings/{by_id}")));
    assert_eq!(booking.body["status"], "checked_in", "{}", booking.body);
    assert_eq!(booking.body["ticket"]["number"], h.last.number.as_str());
    assert_eq!(h.printer.wait_for_jobs(3, Duration::from_secs(5)).len(), 3, "three prints in all");
}

#[test]
fn too_early_and_unknown_codes_are_said_plainly_in_the_kiosk_language() {
    let mut h = Hall::open();
    let code = h.book("mz-dibao", "11:00", None);
    h.press("预约取号");
    h.until("the pad", |v| v.page == PageKind::Entry);
    type_keys(&h.ui, &format!("{code}\n"));
    h.until("too early", |v| v.entry.problem == hall_kiosk::EntryProblem::TooEarly);
    assert_eq!(h.count("还没到签到时间，请在 10:30 以后再来取号"), 1);
    h.press("English");
    h.until("English", |v| v.english);
    assert_eq!(h.count("Too early to check in: please come back for your ticket from 10:30"), 1);
    h.press("中文");
    h.until("Chinese", |v| !v.english);
    h.press("清除");
    type_keys(&h.ui, "12345678\n");
    h.until("not found", |v| v.entry.problem == hall_kiosk::EntryProblem::NotFound);
    assert_eq!(h.count("没有找到今天的预约，请核对预约码或身份证号码"), 1);
    // A wrong check digit is said before anything is asked.
    h.press("清除");
    type_keys(&h.ui, "110105194912310021\n");
    h.until("a wrong number", |v| v.entry.problem == hall_kiosk::EntryProblem::InvalidIdNumber);
    assert_eq!(h.count("身份证号码有误，请核对后重新输入"), 1);
    assert!(h.printer.wait_for_jobs(0, Duration::from_millis(10)).is_empty(), "nothing printed");
}

/// The same person asking again while their ticket waits (a paper lost, an answer lost while
/// they stepped away) gets that ticket printed again, not a second one nor a refusal.
#[test]
fn a_walk_in_of_a_matter_that_asks_for_the_identity_number_gives_it_and_gets_it_again() {
    let mut h = Hall::open();
    let mut numbers = Vec::new();
    for round in 0..2 {
        h.tx.send(Input::Home).unwrap();
        h.until("home", |v| v.page == PageKind::Home);
        // The matter's screen, as if touched through its department.
        h.tx.send(Input::Matter("zr-zhaijidi".into())).unwrap();
        h.until("the matter", |v| v.page == PageKind::Matter);
        h.press("取号");
        h.until("the pad asks for the number", |v| {
            v.page == PageKind::Entry && v.entry.purpose == hall_kiosk::EntryPurpose::Identity
        });
        assert_eq!(h.count("请输入身份证号码"), 1);
        type_keys(&h.ui, &format!("{ID}\n"));
        h.until(&format!("the ticket, round {round}"), |v| v.page == PageKind::Ticket);
        assert!(!h.last.ticket_booked, "an ordinary ticket");
        numbers.push(h.last.number.clone());
    }
    assert_eq!(numbers[0], numbers[1], "the same ticket again");
    assert_eq!(h.printer.wait_for_jobs(2, Duration::from_secs(5)).len(), 2, "printed once more");
}
