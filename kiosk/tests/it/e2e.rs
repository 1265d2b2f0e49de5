//! The whole kiosk without a screen: a real server, the kiosk's runtime (controller, client,
//! printer), and a fake network printer on 127.0.0.1 whose received bytes are decoded.

use std::sync::Arc;
use std::time::Duration;

use hall_kiosk::client::Client;
use hall_kiosk::controller::{Input, Settings};
use hall_kiosk::runtime::{drive, Parts};
use hall_kiosk::view::{PageKind, View};
use hall_kiosk::{PrintProgress, PrinterFault, StopReason, WindowState};
use hall_printer::fake::{FakePrinter, State};
use hall_printer::{PaperWidth, Printer};
use hall_testkit::{ManualClock, Sse, TestServer};
use tokio::sync::mpsc;

/// The sample hall with its demo accounts, issuing at any hour, on a free port.
async fn server() -> TestServer {
    TestServer::options().issue_any_time(true).start().await
}

/// Reads the server's event stream until an event of `kind` mentioning `about` arrives.
async fn until_event(events: &mut Sse, kind: &str, about: &str) {
    while !events.until(kind).await.0.data.to_string().contains(about) {}
}

/// `GET /api/kiosks` as the director sees it.
async fn kiosks_as_director(s: &TestServer) -> Vec<hall_wire::KioskState> {
    let director = s.staff("director").await;
    let answer = s.send(reqwest::Method::GET, "/api/kiosks", Some(&director), None, None).await;
    serde_json::from_value(answer.body).unwrap()
}

struct Kiosk {
    tx: mpsc::UnboundedSender<Input>,
    views: mpsc::UnboundedReceiver<View>,
    last: View,
}

impl Kiosk {
    fn start(server: &str, printer: &FakePrinter) -> Kiosk {
        let (tx, rx) = mpsc::unbounded_channel();
        let (vtx, views) = mpsc::unbounded_channel();
        let parts = Parts {
            client: Client::new(server, "demo-kiosk", None),
            printer: Arc::new(
                Printer::new(printer.target(), PaperWidth::Mm80).with_timeout(Duration::from_millis(800)),
            ),
            paper: PaperWidth::Mm80,
            settings: Settings {
                server_url: server.to_string(),
                printer_check: Duration::from_millis(200),
                ..Settings::default()
            },
            refresh: Duration::from_millis(300),
        };
        let t = tx.clone();
        tokio::spawn(drive(parts, t, rx, move |v| drop(vtx.send(v.clone())), |_, _| "09:00".into()));
        Kiosk { tx, views, last: View::default() }
    }

    /// Views as they come, until one satisfies `done` (at most 10 s).
    async fn until(&mut self, what: &str, done: impl Fn(&View) -> bool) -> View {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !done(&self.last) {
            match tokio::time::timeout_at(deadline, self.views.recv()).await {
                Ok(Some(v)) => self.last = v,
                _ => panic!("timed out waiting for: {what}; last view {:?}", self.last.page),
            }
        }
        self.last.clone()
    }

    fn send(&self, i: Input) {
        self.tx.send(i).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_taken_at_the_kiosk_prints_on_the_network_printer() {
    let s = server().await;
    let url = s.base.clone();
    let printer = FakePrinter::start();
    let mut k = Kiosk::start(&url, &printer);
    k.until("the hall loaded", |v| v.loaded && v.online).await;
    k.send(Input::Matter("mz-dibao".into()));
    k.until("no clerk is signed in yet: said on the matter screen", |v| {
        v.page == PageKind::Matter
            && v.windows_not_open
            && v.matter_windows.iter().all(|w| w.state == WindowState::Closed)
    })
    .await;
    k.send(Input::Take { key: hall_kiosk::new_key(), priority: None });
    k.send(Input::Take { key: hall_kiosk::new_key(), priority: None }); // a double tap
    let v = k.until("printed", |v| v.page == PageKind::Ticket && v.print_state == PrintProgress::Printed).await;
    assert_eq!(v.number, "B001");
    assert!(v.status_url.starts_with(&format!("{url}/t/")), "{}", v.status_url);
    let jobs = printer.wait_for_jobs(1, Duration::from_secs(5));
    let paper = hall_printer::decode::decode(&jobs[0]);
    let text = paper.text();
    assert!(text.contains("青石镇便民服务中心"), "{text}");
    assert!(text.contains("最低生活保障申请书（申请人签字）"), "the materials on paper: {text}");
    assert_eq!(paper.largest_text().0.trim(), "B001");
    assert_eq!(paper.qr_payloads(), vec![v.status_url.clone()]);
    assert!(paper.cut());
    // The double tap made one ticket: the status page says nobody is ahead of B001 and the
    // queue holds exactly one.
    let queues: Vec<hall_wire::Queue> = reqwest::get(format!("{url}/api/queues")).await.unwrap().json().await.unwrap();
    assert_eq!(queues.iter().find(|q| q.queue == "minzheng").unwrap().waiting, 1);
    let page: hall_wire::TicketView =
        reqwest::get(v.status_url.replace("/t/", "/api/t/")).await.unwrap().json().await.unwrap();
    assert_eq!(page.number, "B001");
    // (A second job given 300 ms to come: asking for one returned at once, the first being there.)
    assert_eq!(printer.wait_for_jobs(2, Duration::from_millis(300)).len(), 1, "printed once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_paper_is_shown_reported_to_staff_and_reprinted_when_fixed() {
    let s = server().await;
    let url = s.base.clone();
    let printer = FakePrinter::start();
    printer.set_state(State::PaperOut);
    let mut k = Kiosk::start(&url, &printer);
    k.until("the hall loaded", |v| v.loaded).await;
    k.until("the home screen warns before anyone takes a ticket", |v| v.printer_fault == PrinterFault::PaperOut).await;
    let mut events = Sse::connect(&url, None).await;
    k.send(Input::Matter("rs-jmyibao".into()));
    k.send(Input::Take { key: hall_kiosk::new_key(), priority: None });
    let v = k.until("print failed", |v| v.page == PageKind::Ticket && v.print_state == PrintProgress::Failed).await;
    assert_eq!(v.printer_fault, PrinterFault::PaperOut, "out of paper");
    assert_eq!(v.number, "C001", "the number is still shown");
    // Staff see it.
    until_event(&mut events, "kiosk_fault", "C001").await;
    let kiosks = kiosks_as_director(&s).await;
    let seen = kiosks.into_iter().find(|s| s.fault.is_some());
    let seen = seen.expect("the fault reached the server");
    assert_eq!(seen.fault, Some(hall_wire::KioskFaultKind::PaperOut));
    assert_eq!(seen.ticket_number.as_deref(), Some("C001"));
    // Paper in: the kiosk notices by itself, and a reprint prints.
    printer.set_state(State::Online);
    k.until("reprinted by itself once the printer is back", |v| v.print_state == PrintProgress::Printed).await;
    let jobs = printer.wait_for_jobs(1, Duration::from_secs(5));
    assert_eq!(hall_printer::decode::decode(&jobs[0]).largest_text().0.trim(), "C001");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_printer_that_stops_mid_ticket_is_a_fault_not_a_hang() {
    let s = server().await;
    let url = s.base.clone();
    let printer = FakePrinter::start();
    printer.set_state(State::StallAfter(40));
    let mut k = Kiosk::start(&url, &printer);
    k.until("the hall loaded", |v| v.loaded).await;
    k.send(Input::Inquiry { key: hall_kiosk::new_key() });
    let v = k.until("print failed", |v| v.print_state == PrintProgress::Failed).await;
    assert_eq!(v.number, "A001");
    assert_eq!(v.printer_fault, PrinterFault::PrintFailed, "print failed part-way");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_server_no_ticket_and_the_kiosk_recovers_by_itself() {
    // A port with nobody listening.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = free.local_addr().unwrap();
    drop(free);
    let printer = FakePrinter::start();
    let mut k = Kiosk::start(&format!("http://{addr}"), &printer);
    k.until("says the server is down", |v| !v.online && !v.loaded).await;
    // The server comes up on that port.
    let _server = TestServer::options().issue_any_time(true).addr(addr).start().await;
    k.until("recovered", |v| v.online && v.loaded).await;
    assert!(printer.wait_for_jobs(0, Duration::from_millis(10)).is_empty(), "nothing printed");
}

/// kiosk/src/sample-hall.json (the screenshots' and the controller tests' hall) is generated:
/// the sample hall as its server serves it on a Wednesday at 09:42, at a busy moment (every
/// window open, the waiting counts below). A stale file is rewritten and the test fails: commit
/// the new file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundled_sample_is_what_the_sample_server_serves() {
    // (queue, waiting, estimated minutes, oldest wait in minutes)
    const BUSY: [(&str, u32, u32, u32); 5] = [
        ("zonghe", 2, 8, 8),
        ("minzheng", 11, 35, 35),
        ("renshe", 17, 25, 25),
        ("guotu", 6, 30, 30),
        ("weijian", 4, 20, 20),
    ];
    let s = TestServer::options().clock(Arc::new(ManualClock::new(wednesday(9, 42)))).start().await;
    let url = s.base.clone();
    let mut live = Client::new(&url, "demo-kiosk", None).catalog().await.unwrap();
    for w in &mut live.windows {
        w.status = hall_wire::WindowStatus::Open;
    }
    for q in &mut live.queues {
        let (_, waiting, minutes, oldest) =
            BUSY.iter().find(|b| b.0 == q.queue).expect("a busy figure for every queue");
        (q.waiting, q.estimated_wait_minutes, q.oldest_wait_minutes) = (*waiting, *minutes, *oldest);
    }
    let json = serde_json::json!({
        "hall": live.hall,
        "services": live.services,
        "windows": live.windows,
        "queues": live.queues,
    });
    let text = serde_json::to_string_pretty(&json).unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sample-hall.json");
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&path, &text).unwrap();
        panic!("{} was stale and has been rewritten from the sample hall: rebuild and commit it", path.display());
    }
    assert_eq!(hall_kiosk::screenshots::sample_catalog(), live, "the bundled sample reads back as served");
}

/// A local time (UTC+8) on Wednesday 25 November 2026, a working day of the sample hall.
fn wednesday(h: u32, m: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono_tz::Asia::Shanghai.with_ymd_and_hms(2026, 11, 25, h, m, 0).unwrap().with_timezone(&chrono::Utc)
}

async fn waiting(url: &str) -> u32 {
    let queues: Vec<hall_wire::Queue> = reqwest::get(format!("{url}/api/queues")).await.unwrap().json().await.unwrap();
    queues.iter().map(|q| q.waiting).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_cut_off_the_kiosk_says_so_and_issues_nothing() {
    let s = TestServer::start().await; // Wednesday 09:00, the hall's own hours
    let (url, clock) = (s.base.clone(), s.clock().clone());
    let printer = FakePrinter::start();
    let mut k = Kiosk::start(&url, &printer);
    k.until("the hall loaded", |v| v.loaded && v.online).await;
    k.send(Input::Matter("mz-dibao".into()));
    k.until("issuing at 09:00", |v| v.page == PageKind::Matter && v.stop == StopReason::Open).await;
    // 17:05: the hall stopped issuing at 17:00 (17:30 closing, 30 minutes' cut-off). 取号 at
    // once: refused by the kiosk if the refresh saw it first, else by the server's 409.
    clock.set(wednesday(17, 5));
    k.send(Input::Take { key: hall_kiosk::new_key(), priority: None });
    let v = k
        .until("今日已停止取号 on the matter screen", |v| {
            v.page == PageKind::Matter && v.stop == StopReason::CutOff
        })
        .await;
    assert!(v.stop_until.contains("08:30"), "tomorrow's opening: {}", v.stop_until);
    assert_eq!(v.hall_stop, StopReason::CutOff, "the home banner says it too");
    assert!(!v.materials.is_empty(), "the one-time notification stays on screen");
    // Another try is answered by the kiosk itself: the inputs are taken in order, and a request
    // sent would have shown 「正在取号」 before the home screen.
    k.send(Input::Take { key: hall_kiosk::new_key(), priority: None });
    k.send(Input::Home);
    let v = k.until("the home screen or 正在取号", |v| matches!(v.page, PageKind::Home | PageKind::Issuing)).await;
    assert_eq!(v.page, PageKind::Home, "the second 取号 was sent");
    assert_eq!(waiting(&url).await, 0, "no ticket was made");
    assert!(printer.wait_for_jobs(0, Duration::from_millis(10)).is_empty(), "nothing printed");
    // The next morning the kiosk issues again by itself.
    k.send(Input::Matter("mz-dibao".into()));
    clock.set(wednesday(9, 0) + chrono::Duration::days(1));
    k.until("issuing again", |v| v.stop == StopReason::Open && v.hall_stop == StopReason::Open).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_matter_past_its_quota_is_refused_once_and_shown_stopped() {
    let s = TestServer::start().await; // Wednesday 09:00, the hall's own hours
    let url = s.base.clone();
    let printer = FakePrinter::start();
    let mut k = Kiosk::start(&url, &printer);
    k.until("the hall loaded", |v| v.loaded && v.online).await;
    // Another kiosk takes the day's 40 tickets of 不动产登记 while this one shows the matter.
    k.send(Input::Matter("zr-budongchan".into()));
    k.until("issuing", |v| v.page == PageKind::Matter && v.stop == StopReason::Open).await;
    let other = Client::new(&url, "demo-kiosk", None);
    for _ in 0..40 {
        let made = other.issue(&hall_kiosk::new_key(), "zr-budongchan", None, None).await;
        assert!(matches!(made, hall_kiosk::client::IssueAnswer::Issued(_)), "{made:?}");
    }
    // The queue stays open (its other matters go on), so the kiosk asks and gets the 409.
    k.send(Input::Take { key: hall_kiosk::new_key(), priority: None });
    let v = k.until("本事项今日号源已取完", |v| v.page == PageKind::Matter && v.stop == StopReason::QuotaReached).await;
    assert!(v.stop_until.contains("08:30"), "{}", v.stop_until);
    assert_eq!(v.hall_stop, StopReason::Open, "the hall still issues");
    assert_eq!(waiting(&url).await, 40, "no 41st ticket");
    assert!(printer.wait_for_jobs(0, Duration::from_millis(10)).is_empty(), "nothing printed");
    // Other matters of the hall go on.
    k.send(Input::Home);
    k.send(Input::Matter("mz-dibao".into()));
    k.until("another matter issues", |v| v.page == PageKind::Matter && v.stop == StopReason::Open).await;
}

/// A ticket finished as a 补办件 by a demo clerk; the applicant's notice: (case number, code).
async fn a_supplement_case(s: &TestServer) -> (String, String) {
    s.issue("mz-dibao").await;
    let clerk = s.clerk("clerk2", "w02").await;
    let called = s.act(&clerk, "w02", "call-next").await;
    assert!(called.status.is_success(), "{}", called.body);
    let finished = s
        .post(
            "/api/windows/w02/finish",
            &clerk,
            serde_json::json!({"outcome": "supplement", "missing_materials": ["户口簿复印件"]}),
        )
        .await;
    assert!(finished.status.is_success(), "{}", finished.body);
    let case = &finished.body["case"];
    (case["number"].as_str().unwrap().to_string(), case["check_code"].as_str().unwrap().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_finished_at_a_window_is_found_at_the_kiosk_with_its_missing_material() {
    use hall_kiosk::view::CaseView;
    use hall_kiosk::{CaseKind, CaseLookup, CaseStage};
    let s = server().await;
    let url = s.base.clone();
    let (number, code) = a_supplement_case(&s).await;
    let printer = FakePrinter::start();
    let mut k = Kiosk::start(&url, &printer);
    k.until("the hall loaded", |v| v.loaded && v.online).await;
    k.send(Input::Cases);
    k.until("the query screen", |v| v.page == PageKind::CaseQuery).await;
    // As a scanner types the notice: number, space, the code in lower case, Enter.
    k.send(Input::CaseText(format!("{number} {}\n", code.to_lowercase())));
    let v = k.until("found", |v| v.case_lookup == CaseLookup::Found).await;
    let CaseView { number: shown, kind, stage, missing, matter, window_number, history, .. } = v.case;
    assert_eq!(shown, number);
    assert_eq!((kind, stage), (CaseKind::Supplement, CaseStage::AwaitingMaterials));
    assert_eq!(missing, vec!["户口簿复印件".to_string()], "the missing material, on screen");
    assert_eq!(matter, "最低生活保障申请");
    assert_eq!(window_number, 2, "ask at the window that took it");
    assert!(history.iter().any(|h| h.text.contains("户口簿复印件")), "{history:?}");
    // A wrong code is not found (and says nothing of whether the number exists).
    let wrong: String = code.chars().map(|c| if c == 'A' { 'B' } else { 'A' }).collect();
    k.send(Input::CaseClear);
    k.send(Input::CaseText(format!("{number}/{wrong}\n")));
    k.until("not found", |v| v.case_lookup == CaseLookup::NotFound).await;
    // An unknown number is the same answer.
    k.send(Input::CaseClear);
    k.send(Input::CaseText(format!("20991231-9999 {code}\n")));
    k.until("unknown number: not found", |v| {
        v.case_lookup == CaseLookup::NotFound && v.case_number.starts_with("2099")
    })
    .await;
    k.send(Input::Home);
    k.until("home", |v| v.page == PageKind::Home).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_case_queries_from_one_address_are_told_apart_from_not_found() {
    use hall_kiosk::controller::CaseAnswer;
    let s = server().await;
    let (number, code) = a_supplement_case(&s).await;
    let client = Client::new(&s.base, "demo-kiosk", None);
    assert!(matches!(client.case_progress(&number, &code).await, CaseAnswer::Found(_)));
    assert_eq!(client.case_progress(&number, "ZZZZZZ").await, CaseAnswer::NotFound);
    let mut answers = Vec::new();
    for _ in 0..40 {
        let a = client.case_progress(&number, "ZZZZZZ").await;
        let stop = matches!(a, CaseAnswer::TooMany { .. });
        answers.push(a);
        if stop {
            break;
        }
    }
    let last = answers.last().unwrap();
    assert!(matches!(last, CaseAnswer::TooMany { retry_after: Some(s) } if *s >= 1), "{last:?}");
    // A server out of reach: the reason, which the kiosk logs, never carries the check code.
    let gone = Client::new("http://127.0.0.1:9", "demo-kiosk", None);
    match gone.case_progress(&number, &code).await {
        CaseAnswer::Unavailable(why) => assert!(!why.contains(&code) && !why.contains("code="), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_server_is_reached_with_the_private_ca_file_and_refused_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, ca_file) = hall_testkit::test_certificate_files(dir.path());
    let tls = hall_testkit::TestTls {
        acceptor: hall_server::tls::acceptor(&cert, &key).unwrap(),
        ca_pem: std::fs::read_to_string(&ca_file).unwrap(),
    };
    let s = TestServer::options().tls(tls).start().await;
    assert!(s.base.starts_with("https://"));
    let ca = hall_kiosk::client::read_ca(&ca_file).unwrap();
    let catalog = Client::new(&s.base, "demo-kiosk", Some(ca)).catalog().await;
    assert!(catalog.is_ok(), "{:?}", catalog.err());
    let stranger = Client::new(&s.base, "demo-kiosk", None).catalog().await;
    assert!(stranger.is_err(), "a certificate no trusted CA signed was accepted");
    let missing = hall_kiosk::client::read_ca(&dir.path().join("nope.pem")).unwrap_err();
    assert!(missing.to_string().contains("cannot read the CA file"), "{missing}");
}
