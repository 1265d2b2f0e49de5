use std::time::{Duration, Instant};

use hall_wire::{KioskFaultKind, Priority};

use super::*;
use crate::screenshots::{sample_catalog, sample_ticket};

/// A kiosk on the sample catalog driven through time by inputs (the check-in tests use it too).
pub(super) struct Run {
    pub(super) k: Kiosk,
    now: Instant,
}

impl Run {
    pub(super) fn new() -> Run {
        let now = Instant::now();
        let mut k = Kiosk::new(Settings::default(), now);
        k.apply(Input::Catalog(Box::new(sample_catalog())), now);
        Run { k, now }
    }
    fn at(&mut self, after: Duration, input: Input) -> Vec<Effect> {
        self.now += after;
        self.k.apply(input, self.now)
    }
    /// An input 200 ms after the last one.
    pub(super) fn go(&mut self, input: Input) -> Vec<Effect> {
        self.at(Duration::from_millis(200), input)
    }
    pub(super) fn wait(&mut self, d: Duration) -> Vec<Effect> {
        self.at(d, Input::Tick)
    }
    fn take(&mut self, key: &str) -> Vec<Effect> {
        self.go(Input::Take { key: key.into(), priority: None })
    }
    fn issued(&mut self, key: &str, number: &str) -> Vec<Effect> {
        let t = sample_ticket(number, "mz-dibao", None, &["w02", "w03"]);
        self.go(Input::Issued { key: key.into(), ticket: Box::new(t) })
    }
}

fn issues(fx: &[Effect]) -> Vec<&str> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Issue { key, .. } => Some(key.as_str()),
            _ => None,
        })
        .collect()
}

fn prints(fx: &[Effect]) -> usize {
    fx.iter().filter(|e| matches!(e, Effect::Print(_))).count()
}

#[test]
fn home_department_matter_ticket_and_back_home() {
    let mut r = Run::new();
    r.go(Input::Department("minzheng".into()));
    assert_eq!(r.k.screen(), &Screen::Department("minzheng".into()));
    r.go(Input::Matter("mz-dibao".into()));
    let fx = r.take("k1");
    assert_eq!(
        fx,
        vec![Effect::Issue { key: "k1".into(), service_id: "mz-dibao".into(), priority: None, id_number: None }]
    );
    assert_eq!(r.k.screen(), &Screen::Issuing);
    let fx = r.issued("k1", "B012");
    assert_eq!(r.k.screen(), &Screen::Ticket);
    let Some(Effect::Print(spec)) = fx.first() else { panic!("prints: {fx:?}") };
    assert_eq!(spec.number, "B012");
    assert_eq!(spec.matter, "最低生活保障申请");
    assert_eq!(spec.materials.len(), 5, "the one-time notification goes on paper");
    assert_eq!(spec.status_url, "http://127.0.0.1:8080/t/6f1c0e9a4b7d2e8f3a5c1b9d0e7f2a4c");
    assert!(spec.windows[0].label.contains("2号窗口"), "{:?}", spec.windows);
    r.go(Input::Printed { number: "B012".into() });
    r.wait(Duration::from_secs(14));
    assert_eq!(r.k.screen(), &Screen::Ticket, "time to read it");
    r.wait(Duration::from_secs(2));
    assert_eq!(r.k.screen(), &Screen::Home, "then home by itself");
}

#[test]
fn back_goes_up_one_level() {
    let check = |inputs: Vec<Input>, expected: Screen| {
        let mut r = Run::new();
        for i in inputs {
            r.go(i);
        }
        r.go(Input::Back);
        assert_eq!(r.k.screen(), &expected);
    };
    check(vec![Input::Department("minzheng".into())], Screen::Home);
    check(
        vec![Input::Department("minzheng".into()), Input::Matter("mz-dibao".into())],
        Screen::Department("minzheng".into()),
    );
    check(vec![Input::Search, Input::Key('y'), Input::Matter("rs-jmyanglao-canbao".into())], Screen::Search);
}

#[test]
fn any_screen_goes_home_after_a_minute_without_a_touch() {
    let mut r = Run::new();
    r.go(Input::Department("minzheng".into()));
    r.wait(Duration::from_secs(50));
    r.go(Input::Touch);
    r.wait(Duration::from_secs(50));
    assert_eq!(r.k.screen(), &Screen::Department("minzheng".into()), "a touch (scrolling) restarts the minute");
    r.wait(Duration::from_secs(11));
    assert_eq!(r.k.screen(), &Screen::Home);
}

#[test]
fn a_double_tap_never_makes_two_tickets() {
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    assert_eq!(issues(&r.take("k1")), vec!["k1"]);
    assert!(issues(&r.take("k2")).is_empty(), "second tap while the first is out");
    assert_eq!(prints(&r.issued("k1", "B012")), 1);
    assert!(issues(&r.take("k3")).is_empty(), "a tap on the ticket screen");
    assert_eq!(prints(&r.issued("k1", "B012")), 0, "a replayed answer prints nothing more");
}

#[test]
fn an_unreachable_server_is_retried_with_the_same_key_then_given_up_without_a_ticket() {
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    r.go(Input::IssueUnreachable { key: "k1".into() });
    assert!(!r.k.server_online());
    assert_eq!(r.k.retries(), 1);
    let mut sent = Vec::new();
    for _ in 0..400 {
        let fx = r.wait(Duration::from_millis(100));
        if let [k] = issues(&fx)[..] {
            sent.push(k.to_string());
            r.go(Input::IssueUnreachable { key: "k1".into() });
        }
    }
    assert!(sent.len() >= 5, "retried in the background: {sent:?}");
    assert!(sent.iter().all(|k| k == "k1"), "always the same Idempotency-Key");
    assert_eq!(r.k.screen(), &Screen::Matter("mz-dibao".into()), "given up after 30 s");
    assert_eq!(r.k.refusal(), Some(&Refusal::Unreachable));
    // An answer that was only late is still honoured while the citizen is there.
    let fx = r.issued("k1", "B013");
    assert_eq!(prints(&fx), 1);
    assert_eq!(r.k.screen(), &Screen::Ticket);
}

#[test]
fn a_late_answer_after_back_is_the_ticket_of_the_same_take_again() {
    // Given up on, the citizen steps back; the server's answer arrives meanwhile. Taking the
    // same matter again prints that ticket (no second one made); another matter asks anew, and
    // the one nobody came back for is logged when the kiosk goes home.
    let check = |again: &str, want_issue: bool, want_number: &str| {
        let mut r = Run::new();
        r.go(Input::Matter("mz-dibao".into()));
        r.take("k1");
        r.go(Input::IssueUnreachable { key: "k1".into() });
        r.wait(Duration::from_secs(31));
        assert_eq!(r.k.refusal(), Some(&Refusal::Unreachable));
        r.go(Input::Back);
        let fx = r.issued("k1", "B015");
        assert_eq!((prints(&fx), fx.len()), (0, 0), "nothing printed or logged yet: {fx:?}");
        r.go(Input::Matter(again.into()));
        let fx = r.take("k2");
        assert_eq!(!issues(&fx).is_empty(), want_issue, "taking {again}: {fx:?}");
        if want_issue {
            r.go(Input::Issued {
                key: "k2".into(),
                ticket: Box::new(sample_ticket(want_number, again, None, &["w05"])),
            });
        }
        assert_eq!(r.k.screen(), &Screen::Ticket);
        assert_eq!(r.k.issued().map(|t| t.ticket.number.as_str()), Some(want_number), "taking {again}");
        let mut fx = r.go(Input::Printed { number: want_number.into() });
        fx.extend(r.wait(Duration::from_secs(16)));
        fx.extend(r.wait(Duration::from_secs(1)));
        assert_eq!(r.k.screen(), &Screen::Home);
        let logged: Vec<_> = fx.iter().filter(|e| matches!(e, Effect::Unclaimed { .. })).collect();
        let want: Vec<Effect> = if want_issue { vec![Effect::Unclaimed { number: "B015".into() }] } else { vec![] };
        assert_eq!(logged, want.iter().collect::<Vec<_>>(), "taking {again}");
    };
    check("mz-dibao", false, "B015");
    check("rs-jmyibao", true, "A031");
}

#[test]
fn a_late_answer_after_the_citizen_left_is_logged_not_printed() {
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    r.go(Input::IssueUnreachable { key: "k1".into() });
    r.wait(Duration::from_secs(31));
    r.wait(Duration::from_secs(61));
    assert_eq!(r.k.screen(), &Screen::Home);
    let fx = r.issued("k1", "B014");
    assert_eq!(prints(&fx), 0);
    assert_eq!(fx, vec![Effect::Unclaimed { number: "B014".into() }], "logged, not printed, no printer fault");
}

#[test]
fn a_ticket_answered_slowly_stays_on_screen_for_the_idle_time() {
    // The answer took 25 s (retries): the ticket, unprinted yet, is read for a full idle time.
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    r.wait(Duration::from_secs(25));
    r.issued("k1", "B016");
    r.wait(Duration::from_secs(50));
    assert_eq!(r.k.screen(), &Screen::Ticket, "shown 50 s ago, touched 75 s ago");
    r.wait(Duration::from_secs(11));
    assert_eq!(r.k.screen(), &Screen::Home);
}

#[test]
fn a_request_given_up_on_is_sent_no_more_once_the_kiosk_went_home() {
    // The network is down for minutes: once the kiosk went home, its citizen has left, and a
    // request that never reached the server would make a ticket (or use a booking) nobody takes.
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    r.go(Input::IssueUnreachable { key: "k1".into() });
    r.wait(Duration::from_secs(31));
    let mut sent = 0;
    for _ in 0..120 {
        let fx = r.wait(Duration::from_secs(1));
        if !issues(&fx).is_empty() {
            sent += 1;
            r.go(Input::IssueUnreachable { key: "k1".into() });
        }
    }
    assert_eq!(r.k.screen(), &Screen::Home);
    assert!((5..=14).contains(&sent), "resolved in the background only while the citizen may come back: {sent}");
    let mut later = Vec::new();
    for _ in 0..600 {
        later.extend(r.wait(Duration::from_secs(1)));
    }
    assert_eq!(issues(&later), Vec::<&str>::new(), "nothing sent after the kiosk went home");
}

#[test]
fn a_request_given_up_on_is_resolved_in_the_background_and_reused_by_the_next_tap() {
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    r.go(Input::IssueUnreachable { key: "k1".into() });
    r.wait(Duration::from_secs(31));
    assert_eq!(r.k.refusal(), Some(&Refusal::Unreachable), "told: not confirmed");
    let fx = r.wait(Duration::from_secs(5));
    assert_eq!(issues(&fx), vec!["k1"], "still asked in the background, same key");
    r.go(Input::IssueUnreachable { key: "k1".into() });
    // The citizen taps again: the same key goes, so a ticket the server made is the answer.
    assert_eq!(issues(&r.take("k2")), vec!["k1"]);
    assert_eq!(prints(&r.issued("k1", "B015")), 1);
    // Another matter after a give-up gets its own key; the old one is still resolved.
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    r.go(Input::IssueUnreachable { key: "k1".into() });
    r.wait(Duration::from_secs(31));
    r.go(Input::Matter("mz-tekun".into()));
    assert_eq!(issues(&r.take("k3")), vec!["k3"]);
    r.go(Input::IssueRefused { key: "k1".into(), code: "rate_limited".into(), next_open: None, day: None });
    assert!(issues(&r.wait(Duration::from_secs(10))).is_empty(), "a refused old request is dropped");
}

#[test]
fn a_print_without_an_outcome_becomes_a_fault() {
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    r.issued("k1", "B012");
    let fx = r.wait(Duration::from_secs(21));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Report { kind: KioskFaultKind::PrintFailed, ticket_number: Some(n), .. } if n == "B012")),
        "{fx:?}"
    );
    assert_eq!(r.k.issued().unwrap().print, PrintState::Failed(KioskFaultKind::PrintFailed));
    // The printer still holds that print (paper out on a device file): a reprint would come out
    // as a second copy once paper is loaded, so none is offered.
    assert!(!r.k.can_reprint());
    assert_eq!(prints(&r.go(Input::Reprint)), 0, "nothing queued behind the held print");
    // The held print gives up: now the reprint button works (once).
    let gave_up = Input::PrintFailed { number: "B012".into(), fault: KioskFaultKind::PaperOut, message: String::new() };
    r.go(gave_up);
    assert!(r.k.can_reprint());
    assert_eq!(prints(&r.go(Input::Reprint)), 1, "the reprint button works");
    assert_eq!(prints(&r.go(Input::Reprint)), 0, "and prints one copy");
    // Or it comes out after all: printed, and nothing more to reprint.
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    r.issued("k1", "B013");
    r.wait(Duration::from_secs(21));
    r.go(Input::Printed { number: "B013".into() });
    assert_eq!((r.k.issued().unwrap().print, r.k.can_reprint()), (PrintState::Printed, false));
}

#[test]
fn the_next_ticket_is_not_queued_behind_a_print_the_printer_still_holds() {
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    r.issued("k1", "B012");
    r.wait(Duration::from_secs(21)); // the watchdog gives up on B012's print
    r.go(Input::Home);
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k2");
    let fx = r.issued("k2", "B013");
    // Queued, it would come out after B012, when paper is loaded, to whoever stands there.
    assert_eq!(prints(&fx), 0, "{fx:?}");
    assert_eq!(r.k.issued().unwrap().print, PrintState::Failed(KioskFaultKind::PrintFailed), "said on screen");
    assert!(!r.k.can_reprint());
    // The printer lets go of B012: B013 may be printed, once.
    r.go(Input::PrintFailed { number: "B012".into(), fault: KioskFaultKind::PaperOut, message: String::new() });
    assert_eq!(prints(&r.go(Input::Reprint)), 1);
    assert_eq!(prints(&r.go(Input::Reprint)), 0);
    // A print simply still coming out (not given up on) is no hold: the next ticket queues.
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    r.issued("k1", "B020");
    r.wait(Duration::from_secs(2));
    r.go(Input::Home);
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k2");
    assert_eq!(prints(&r.issued("k2", "B021")), 1, "printed after the one coming out");
}

/// A's ticket (`first`) does not come out and A leaves 3 s later; B's ticket (`second`), 7 s
/// after that, is held back (not printed).
fn next_behind_a_stuck_print(first: &str, second: &str) -> Run {
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    r.issued("k1", first);
    r.wait(Duration::from_secs(3));
    r.go(Input::Home);
    r.wait(Duration::from_secs(7));
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k2");
    assert_eq!(prints(&r.issued("k2", second)), 0);
    r
}

#[test]
fn a_print_stuck_before_its_watchdog_holds_the_next_ticket_back() {
    // Paper out: A's ticket does not come out; A leaves at once (完成). B's ticket, 10 s later,
    // would come out behind A's when paper is loaded: not printed, reprint offered later.
    let mut r = next_behind_a_stuck_print("B030", "B031");
    assert_eq!(r.k.issued().unwrap().print, PrintState::Failed(KioskFaultKind::PrintFailed));
    r.go(Input::PrintFailed { number: "B030".into(), fault: KioskFaultKind::PaperOut, message: String::new() });
    assert_eq!(prints(&r.go(Input::Reprint)), 1);
}

#[test]
fn a_stuck_print_is_reported_though_its_citizen_left_and_the_next_ticket_was_held_back() {
    // A's ticket never comes out; A leaves; B's ticket is held back. Before, the watchdog looked
    // only at the ticket on screen (B's, not printing): the staff were never told.
    let mut r = next_behind_a_stuck_print("B040", "B041");
    let fx = r.wait(Duration::from_secs(11)); // 21 s after A's print went out
    let reports: Vec<_> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Report { kind, ticket_number, .. } => Some((*kind, ticket_number.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(reports, vec![(KioskFaultKind::PrintFailed, None)], "{fx:?}");
    assert!(fx.iter().all(|e| !matches!(e, Effect::CheckPrinter)), "no question queued behind it");
    assert!(r.wait(Duration::from_secs(30)).iter().all(|e| !matches!(e, Effect::Report { .. })), "told once");
    // Two tickets out, the first done: the second's watch runs from that moment.
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    r.issued("k1", "B050");
    r.go(Input::Home);
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k2");
    assert_eq!(prints(&r.issued("k2", "B051")), 1);
    r.wait(Duration::from_secs(15));
    r.go(Input::Printed { number: "B050".into() });
    assert!(r.wait(Duration::from_secs(15)).iter().all(|e| !matches!(e, Effect::Report { .. })));
    let fx = r.wait(Duration::from_secs(6));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Report { kind: KioskFaultKind::PrintFailed, ticket_number: Some(n), .. } if n == "B051")),
        "{fx:?}"
    );
}

#[test]
fn a_late_answer_to_a_request_whose_citizen_left_goes_to_nobody() {
    // A send was out when the kiosk went home; its answer comes while the next citizen looks at
    // the same matter. It is logged, never kept for their 取号.
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    r.go(Input::IssueUnreachable { key: "k1".into() });
    // Every send fails at once, until the last ones before the kiosk goes home (at about 91 s):
    // that one is still out when it does.
    for second in 0..100 {
        let fx = r.wait(Duration::from_secs(1));
        if !issues(&fx).is_empty() && second < 80 {
            r.go(Input::IssueUnreachable { key: "k1".into() });
        }
    }
    assert_eq!(r.k.screen(), &Screen::Home);
    r.go(Input::Matter("mz-dibao".into()));
    let fx = r.issued("k1", "B040");
    assert_eq!(fx, vec![Effect::Unclaimed { number: "B040".into() }]);
    assert_eq!(issues(&r.take("k2")), vec!["k2"], "the next citizen's own request");
}

#[test]
fn after_the_kiosk_went_home_a_walk_in_key_is_not_given_to_the_next_citizen() {
    // The network was down; the citizen left. The next citizen taking the same matter gets a
    // key of their own: the old one may answer with a ticket made hours ago for someone else.
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    r.go(Input::IssueUnreachable { key: "k1".into() });
    for _ in 0..100 {
        let fx = r.wait(Duration::from_secs(1));
        if !issues(&fx).is_empty() {
            r.go(Input::IssueUnreachable { key: "k1".into() });
        }
    }
    assert_eq!(r.k.screen(), &Screen::Home);
    r.go(Input::Matter("mz-dibao".into()));
    assert_eq!(issues(&r.take("k2")), vec!["k2"]);
}

#[test]
fn the_first_good_status_clears_a_fault_the_server_kept_from_before_a_restart() {
    let r = &mut Run::new();
    let fx = r.go(Input::PrinterOk);
    assert!(matches!(&fx[..], [Effect::Report { kind: KioskFaultKind::Recovered, .. }]), "{fx:?}");
    assert!(r.go(Input::PrinterOk).is_empty(), "once");
}

#[test]
fn the_next_citizen_starts_in_chinese() {
    let mut r = Run::new();
    r.go(Input::ToggleLanguage);
    r.go(Input::Department("minzheng".into()));
    let fx = r.wait(Duration::from_secs(61));
    assert_eq!(r.k.screen(), &Screen::Home);
    assert!(fx.contains(&Effect::Language { english: false }), "{fx:?}");
    assert!(!r.k.english());
}

#[test]
fn the_next_citizen_starts_in_chinese_however_the_last_one_went_home() {
    // 完成 after a ticket: at once. 首页 from elsewhere: once the kiosk sits untouched a minute.
    let mut r = Run::new();
    r.go(Input::ToggleLanguage);
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    r.issued("k1", "B016");
    r.go(Input::Printed { number: "B016".into() });
    let fx = r.go(Input::Home);
    assert_eq!((r.k.screen(), r.k.english()), (&Screen::Home, false));
    assert!(fx.contains(&Effect::Language { english: false }), "{fx:?}");
    let mut r = Run::new();
    r.go(Input::ToggleLanguage);
    r.go(Input::Department("minzheng".into()));
    r.go(Input::Home);
    assert!(r.k.english(), "still this citizen's choice");
    let fx = r.wait(Duration::from_secs(61));
    assert!(!r.k.english() && fx.contains(&Effect::Language { english: false }), "{fx:?}");
}

#[test]
fn a_refusal_is_shown_on_the_matter_screen() {
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    r.go(Input::IssueRefused { key: "k1".into(), code: "rate_limited".into(), next_open: None, day: None });
    assert_eq!(r.k.screen(), &Screen::Matter("mz-dibao".into()));
    assert!(matches!(r.k.refusal(), Some(Refusal::Refused { code, .. }) if code == "rate_limited"));
}

#[test]
fn priority_needs_a_confirmation() {
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.go(Input::AskPriority);
    assert!(r.k.confirming_priority());
    r.go(Input::CancelPriority);
    assert!(!r.k.confirming_priority());
    r.go(Input::AskPriority);
    let fx = r.go(Input::Take { key: "k1".into(), priority: Some(Priority::Military) });
    assert_eq!(
        fx,
        vec![Effect::Issue {
            key: "k1".into(),
            service_id: "mz-dibao".into(),
            priority: Some(Priority::Military),
            id_number: None
        }]
    );
    assert!(!r.k.confirming_priority());
}

#[test]
fn general_inquiry_takes_a_ticket_from_home() {
    let mut r = Run::new();
    let fx = r.go(Input::Inquiry { key: "k1".into() });
    assert_eq!(
        fx,
        vec![Effect::Issue { key: "k1".into(), service_id: "zh-zixun".into(), priority: None, id_number: None }]
    );
}

#[test]
fn a_printer_fault_keeps_the_number_on_screen_reports_it_and_reprints_once_back() {
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    r.issued("k1", "B012");
    let fx =
        r.go(Input::PrintFailed { number: "B012".into(), fault: KioskFaultKind::PaperOut, message: "缺纸".into() });
    assert!(
        matches!(&fx[..], [Effect::Report { kind: KioskFaultKind::PaperOut, ticket_number: Some(n), .. }] if n == "B012")
    );
    assert_eq!(r.k.issued().unwrap().print, PrintState::Failed(KioskFaultKind::PaperOut));
    r.wait(Duration::from_secs(20));
    assert_eq!(r.k.screen(), &Screen::Ticket, "the number stays up (not the short timeout)");
    let fx = r.wait(Duration::from_secs(5));
    assert!(fx.contains(&Effect::CheckPrinter), "the printer is asked again: {fx:?}");
    assert_eq!(prints(&r.go(Input::Reprint)), 1);
    let fx = r.go(Input::Printed { number: "B012".into() });
    assert!(matches!(&fx[..], [Effect::Report { kind: KioskFaultKind::Recovered, .. }]), "{fx:?}");
    assert_eq!(r.k.printer_fault(), None);
    assert_eq!(prints(&r.go(Input::Reprint)), 0, "printed tickets are not printed twice");
}

#[test]
fn the_printer_coming_back_by_itself_clears_the_fault() {
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    r.issued("k1", "B012");
    r.go(Input::PrintFailed { number: "B012".into(), fault: KioskFaultKind::CoverOpen, message: String::new() });
    let fx = r.go(Input::PrinterOk);
    assert!(matches!(&fx[..], [Effect::Report { kind: KioskFaultKind::Recovered, .. }, Effect::Print(_)]), "{fx:?}");
    assert!(r.go(Input::PrinterOk).is_empty(), "reported and reprinted once");
    r.go(Input::PrintFailed { number: "B012".into(), fault: KioskFaultKind::CoverOpen, message: String::new() });
    let fx = r.go(Input::PrinterOk);
    assert_eq!(prints(&fx), 0, "no endless automatic reprints; the button is still there");
    assert_eq!(prints(&r.go(Input::Reprint)), 1);
}

#[test]
fn search_finds_by_initials_and_the_language_switches() {
    let mut r = Run::new();
    r.go(Input::Search);
    for c in "ylbx".chars() {
        r.go(Input::Key(c));
    }
    let found = r.k.search_results();
    assert!(found.contains(&"rs-jmyanglao-canbao".to_string()), "{found:?}");
    r.go(Input::Backspace);
    assert_eq!(r.k.typed(), "ylb");
    assert_eq!(r.go(Input::ToggleLanguage), vec![Effect::Language { english: true }]);
    assert!(r.k.english());
}

#[test]
fn departments_count_who_waits_in_their_queues() {
    let c = sample_catalog();
    let deps = c.departments();
    let mz = deps.iter().find(|d| d.id == "minzheng").unwrap();
    assert_eq!((mz.matters, mz.waiting, mz.minutes), (6, 11, 35));
    assert_eq!(deps.first().map(|d| d.id.as_str()), Some("zonghe"));
}

#[test]
fn the_printer_is_watched_between_tickets_and_a_fault_is_reported_before_anyone_meets_it() {
    let now = Instant::now();
    let mut k = Kiosk::new(Settings::default(), now);
    assert!(k.apply(Input::Tick, now).contains(&Effect::CheckPrinter), "asked at start");
    assert!(!k.apply(Input::Tick, now + Duration::from_secs(29)).contains(&Effect::CheckPrinter));
    assert!(k.apply(Input::Tick, now + Duration::from_secs(31)).contains(&Effect::CheckPrinter), "every 30 s");
    let fx = k.apply(Input::PrinterFault { fault: KioskFaultKind::CoverOpen, message: "盖未合上".into() }, now);
    assert!(matches!(&fx[..], [Effect::Report { kind: KioskFaultKind::CoverOpen, ticket_number: None, .. }]), "{fx:?}");
    assert_eq!(k.printer_fault(), Some(KioskFaultKind::CoverOpen), "the home screen warns");
    let later = now + Duration::from_secs(6);
    let fx = k.apply(Input::PrinterFault { fault: KioskFaultKind::CoverOpen, message: String::new() }, later);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Report { .. })), "the same fault is reported once");
    let fx = k.apply(Input::PrinterOk, later);
    assert!(matches!(&fx[..], [Effect::Report { kind: KioskFaultKind::Recovered, .. }]), "{fx:?}");
}

#[test]
fn the_printer_is_not_asked_while_it_prints() {
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    r.issued("k1", "B012");
    let fx = r.wait(Duration::from_secs(40));
    assert!(!fx.contains(&Effect::CheckPrinter), "one connection at a time");
}

fn stopped(reason: wire::IssuingStop, next_open: &str) -> wire::Issuing {
    wire::Issuing { open: false, reason: Some(reason), next_open: Some(next_open.into()), ..wire::Issuing::default() }
}

/// The 3-second refresh with every queue stopped for `reason`.
pub(super) fn queues_stopped(r: &Run, reason: wire::IssuingStop) -> Input {
    let c = r.k.catalog().unwrap();
    let queues = c
        .queues
        .iter()
        .map(|q| wire::Queue { issuing: stopped(reason, "2026-11-26T08:30:00+08:00"), ..q.clone() })
        .collect();
    Input::Live { queues, windows: c.windows.clone() }
}

#[test]
fn past_the_cut_off_take_is_answered_at_once_and_nothing_is_sent() {
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.go(queues_stopped(&r, wire::IssuingStop::CutOff));
    let stop = r.k.stop_of("mz-dibao").expect("stopped");
    assert_eq!(stop.reason, Some(wire::IssuingStop::CutOff));
    assert!(stop.for_the_day());
    let fx = r.take("k1");
    assert!(issues(&fx).is_empty(), "{fx:?}");
    assert_eq!(r.k.screen(), &Screen::Matter("mz-dibao".into()), "the notification stays on screen");
    assert!(
        matches!(r.k.refusal(), Some(Refusal::Stopped(s)) if s.next_open.as_deref() == Some("2026-11-26T08:30:00+08:00"))
    );
    // 综合咨询 from home: the matter's screen says why, nothing is sent.
    r.go(Input::Home);
    let fx = r.go(Input::Inquiry { key: "k2".into() });
    assert!(issues(&fx).is_empty(), "{fx:?}");
    assert!(matches!(r.k.screen(), Screen::Matter(_)));
    assert!(matches!(r.k.refusal(), Some(Refusal::Stopped(_))));
}

#[test]
fn a_hall_that_exempts_priority_tickets_issues_them_past_the_cut_off() {
    // (the hall exempts priority tickets, asked as priority, sent)
    for (exempt, priority, sent) in [(true, true, true), (true, false, false), (false, true, false)] {
        let mut r = Run::new();
        let mut c = sample_catalog();
        c.hall.priority_exempt = exempt;
        r.go(Input::Catalog(Box::new(c)));
        r.go(Input::Matter("mz-dibao".into()));
        r.go(queues_stopped(&r, wire::IssuingStop::CutOff));
        assert_eq!(crate::view::View::of(&r.k, "").priority_exempt, exempt, "「优先取号」 stays open");
        let priority = priority.then_some(wire::Priority::Elderly);
        let fx = r.go(Input::Take { key: "k1".into(), priority });
        assert_eq!(!issues(&fx).is_empty(), sent, "exempt {exempt}, priority {priority:?}: {fx:?}");
        assert_eq!(r.k.refusal().is_some(), !sent);
    }
}

#[test]
fn issuing_again_clears_the_stop() {
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    let open = r.k.catalog().unwrap().clone();
    r.go(queues_stopped(&r, wire::IssuingStop::LunchBreak));
    r.take("k1");
    assert!(r.k.refusal().is_some());
    r.go(Input::Live { queues: open.queues, windows: open.windows });
    assert_eq!(r.k.stop_of("mz-dibao"), None);
    assert_eq!(r.k.refusal(), None, "the director reopened or the break ended");
    assert_eq!(issues(&r.take("k2")), vec!["k2"]);
}

#[test]
fn a_matter_past_its_quota_is_stopped_alone() {
    let mut r = Run::new();
    let mut c = sample_catalog();
    let s = c.services.iter_mut().find(|s| s.id == "mz-dibao").unwrap();
    s.issuing = wire::Issuing {
        left_today: Some(0),
        daily_quota: Some(40),
        ..stopped(wire::IssuingStop::QuotaReached, "2026-11-26T08:30:00+08:00")
    };
    r.go(Input::Catalog(Box::new(c)));
    assert_eq!(r.k.stop_of("mz-dibao").unwrap().reason, Some(wire::IssuingStop::QuotaReached));
    assert_eq!(r.k.stop_of("mz-tekun"), None, "another matter of the same queue goes on");
    r.go(Input::Matter("mz-dibao".into()));
    assert!(issues(&r.take("k1")).is_empty());
}

#[test]
fn a_matters_own_stop_says_when_it_opens_not_its_queues() {
    // Over lunch the queue opens again at 14:00 (its other matters); this matter's quota is used
    // up, so it opens tomorrow: that is what its screen says.
    let mut r = Run::new();
    let mut c = sample_catalog();
    let s = c.services.iter_mut().find(|s| s.id == "mz-dibao").unwrap();
    s.issuing = stopped(wire::IssuingStop::QuotaReached, "2026-11-26T08:30:00+08:00");
    for q in c.queues.iter_mut() {
        q.issuing = stopped(wire::IssuingStop::LunchBreak, "2026-11-25T14:00:00+08:00");
    }
    r.go(Input::Catalog(Box::new(c)));
    let stop = r.k.stop_of("mz-dibao").unwrap();
    assert_eq!(stop.reason, Some(wire::IssuingStop::QuotaReached));
    assert_eq!(stop.next_open.as_deref(), Some("2026-11-26T08:30:00+08:00"));
    assert_eq!(
        r.k.stop_of("mz-tekun").unwrap().reason,
        Some(wire::IssuingStop::LunchBreak),
        "the queue's, for the rest"
    );
}

#[test]
fn a_409_is_final_marks_the_matter_and_asks_for_the_catalog() {
    for (code, reason) in [("quota_reached", Some(wire::IssuingStop::QuotaReached)), ("hall_closed", None)] {
        let mut r = Run::new();
        r.go(Input::Matter("mz-dibao".into()));
        r.take("k1");
        let fx = r.go(Input::IssueRefused {
            key: "k1".into(),
            code: code.into(),
            next_open: Some("2026-11-26T08:30:00+08:00".into()),
            day: None,
        });
        assert_eq!(fx, vec![Effect::Reload], "{code}: not retried, the catalog is loaded again");
        assert_eq!(r.k.screen(), &Screen::Matter("mz-dibao".into()));
        let stop = Stop { reason, next_open: Some("2026-11-26T08:30:00+08:00".into()) };
        assert_eq!(r.k.refusal(), Some(&Refusal::Stopped(stop.clone())), "{code}");
        assert_eq!(r.k.stop_of("mz-dibao"), Some(stop), "{code}: 取号 stays disabled");
        assert!(issues(&r.wait(Duration::from_secs(60))).is_empty(), "{code}: never retried");
        assert!(issues(&r.take("k2")).is_empty(), "{code}");
    }
}

#[test]
fn a_matter_the_hall_no_longer_has_is_said_and_the_catalog_loaded_again() {
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    let fx = r.go(Input::IssueRefused { key: "k1".into(), code: "unknown_service".into(), next_open: None, day: None });
    assert_eq!(fx, vec![Effect::Reload], "the matters changed: loaded again, not offered stale");
    assert_eq!(r.k.refusal(), Some(&Refusal::Refused { code: "unknown_service".into() }));
}

#[test]
fn a_409_for_a_request_given_up_on_ends_it() {
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.take("k1");
    r.go(Input::IssueUnreachable { key: "k1".into() });
    r.wait(Duration::from_secs(31));
    let fx = r.go(Input::IssueRefused { key: "k1".into(), code: "hall_closed".into(), next_open: None, day: None });
    assert_eq!(fx, vec![Effect::Reload]);
    assert!(issues(&r.wait(Duration::from_secs(30))).is_empty(), "no more background resends");
    assert!(r.k.stop_of("mz-dibao").is_some());
}

/// The query screen with `inputs` applied (touches 200 ms apart).
fn query(inputs: Vec<Input>) -> (Run, Vec<Effect>) {
    let mut r = Run::new();
    r.go(Input::Cases);
    let mut fx = Vec::new();
    for i in inputs {
        fx = r.go(i);
    }
    (r, fx)
}

fn text(s: &str) -> Input {
    Input::CaseText(s.into())
}

fn asked(fx: &[Effect]) -> Vec<(u64, &str, &str)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::QueryCase { id, number, code } => Some((*id, number.as_str(), code.as_str())),
            _ => None,
        })
        .collect()
}

#[test]
fn the_case_number_and_code_are_typed_normalised_and_split() {
    // (what is typed, in order; the number, the code and the field in use after it)
    let check = |inputs: Vec<Input>, number: &str, code: &str, field: QueryField| {
        let (r, _) = query(inputs.clone());
        let q = r.k.case_query();
        assert_eq!((q.number.as_str(), q.code.as_str(), q.field), (number, code, field), "{inputs:?}");
    };
    use QueryField::{Code, Number};
    check(vec![], "", "", Number);
    // The pad, key by key; the dash comes by itself after the date.
    check("202611250003".chars().map(|c| text(&c.to_string())).collect(), "20261125-0003", "", Number);
    check(vec![text("20261125-0003")], "20261125-0003", "", Number);
    check(vec![text("2026-1125")], "20261125", "", Number);
    check(vec![text("20261125--0003")], "20261125-0003", "", Number);
    check(vec![text("20261125-000312345")], "20261125-000312", "", Number);
    // A touch on the code field; upper-cased, spaces and look-alikes (I, O, 0, 1) left out.
    check(vec![Input::CaseField(Code), text("ab c2i3O01k9")], "", "ABC23K", Code);
    check(vec![Input::CaseField(Code), text("ABC234XYZ")], "", "ABC234", Code);
    // A scanner that types `NUMBER CODE`, `NUMBER/CODE` or `NUMBER<tab>CODE` into the number.
    check(vec![text("20261125-0003 ABC234")], "20261125-0003", "ABC234", Code);
    check(vec![text("20261125-0003/abc234")], "20261125-0003", "ABC234", Code);
    check(vec![text("20261125-0003\tABC234")], "20261125-0003", "ABC234", Code);
    check(vec![text("  20261125-0003   ABC234 ")], "20261125-0003", "ABC234", Code);
    // No separator: the code's first letter after a complete number.
    check(vec![text("20261125-0003ABC234")], "20261125-0003", "ABC234", Code);
    // Backspace; an empty code gives the way back to the number.
    check(vec![text("20261125-0003 AB"), Input::CaseBackspace], "20261125-0003", "A", Code);
    check(vec![text("20261125-0003 A"), Input::CaseBackspace, Input::CaseBackspace], "20261125-0003", "", Number);
    check(vec![text("20261125-0003 A"), text("\u{8}\u{8}\u{8}")], "20261125-000", "", Number);
    check(vec![text("20261125-0003 ABC234"), Input::CaseClear], "", "", Number);
}

#[test]
fn a_query_goes_once_when_both_fields_are_complete() {
    // (what is typed, the query asked)
    let check = |inputs: Vec<Input>, expected: Option<(&str, &str)>| {
        let (r, fx) = query(inputs.clone());
        let sent: Vec<(&str, &str)> = asked(&fx).iter().map(|(_, n, c)| (*n, *c)).collect();
        assert_eq!(sent, expected.into_iter().collect::<Vec<_>>(), "{inputs:?}");
        let querying = r.k.case_query().lookup == Lookup::Querying;
        assert_eq!(querying, expected.is_some(), "{inputs:?}");
    };
    check(vec![text("20261125-0003 ABC234"), Input::CaseSubmit], Some(("20261125-0003", "ABC234")));
    // Enter, as a scanner ends its line.
    check(vec![text("20261125-0003 abc234\n")], Some(("20261125-0003", "ABC234")));
    check(vec![text("20261125-0003/ABC234\r\n")], Some(("20261125-0003", "ABC234")));
    check(
        vec![text("202611250003"), Input::CaseField(QueryField::Code), text("ABC234\n")],
        Some(("20261125-0003", "ABC234")),
    );
    // Incomplete: nothing goes.
    check(vec![text("20261125-000 ABC234"), Input::CaseSubmit], None);
    check(vec![text("20261125 ABC234"), Input::CaseSubmit], None);
    check(vec![text("20261125-0003 ABC23"), Input::CaseSubmit], None);
    check(vec![Input::CaseSubmit], None);
    // Enter on an incomplete number puts the typing where it is missing.
    let (r, _) = query(vec![text("20261125-0003\n")]);
    assert_eq!(r.k.case_query().field, QueryField::Code, "the number done: on to the code");
    let (r, _) = query(vec![Input::CaseField(QueryField::Code), text("ABC234\n")]);
    assert_eq!(r.k.case_query().field, QueryField::Number);
    // One query at a time: a second 查询 or Enter, or typing, while it is out changes nothing.
    let (mut r, fx) = query(vec![text("20261125-0003 ABC234\n")]);
    assert_eq!(asked(&fx).len(), 1);
    assert!(asked(&r.go(Input::CaseSubmit)).is_empty());
    assert!(asked(&r.go(text("\n"))).is_empty());
    r.go(text("9"));
    r.go(Input::CaseClear);
    assert_eq!(r.k.case_query().number, "20261125-0003", "kept while asking");
}

#[test]
fn the_answer_is_shown_and_a_late_or_stale_one_is_ignored() {
    let found = || CaseAnswer::Found(Box::new(crate::screenshots::sample_case()));
    // (the answer, what the screen shows)
    let check = |answer: CaseAnswer, expected: Lookup| {
        let (mut r, fx) = query(vec![text("20261125-0003 ABC234\n")]);
        let id = asked(&fx)[0].0;
        r.go(Input::CaseAnswer { id, answer });
        assert_eq!(r.k.case_query().lookup, expected);
        assert_eq!(r.k.screen(), &Screen::CaseQuery);
    };
    check(found(), Lookup::Found(Box::new(crate::screenshots::sample_case())));
    check(CaseAnswer::NotFound, Lookup::NotFound);
    check(
        CaseAnswer::TooMany { retry_after: Some(42) },
        Lookup::Failed(QueryFailure::TooMany { retry_after: Some(42) }),
    );
    check(CaseAnswer::Unavailable("connection refused".into()), Lookup::Failed(QueryFailure::Unavailable));

    // Not found: the fields stay for a correction, and a correction puts the message away.
    let (mut r, fx) = query(vec![text("20261125-0003 ABC234\n")]);
    r.go(Input::CaseAnswer { id: asked(&fx)[0].0, answer: CaseAnswer::NotFound });
    assert_eq!((r.k.case_query().number.as_str(), r.k.case_query().code.as_str()), ("20261125-0003", "ABC234"));
    r.go(Input::CaseBackspace);
    assert_eq!(r.k.case_query().lookup, Lookup::Entering);
    let fx = r.go(text("5\n"));
    assert_eq!(asked(&fx).iter().map(|(_, n, c)| (*n, *c)).collect::<Vec<_>>(), vec![("20261125-0003", "ABC235")]);
    let second = asked(&fx)[0].0;
    // An answer to the first query after the second went is not this one's.
    r.go(Input::CaseAnswer { id: second - 1, answer: found() });
    assert_eq!(r.k.case_query().lookup, Lookup::Querying);
    r.go(Input::CaseAnswer { id: second, answer: found() });
    assert!(matches!(r.k.case_query().lookup, Lookup::Found(_)));

    // An answer after the citizen went home is dropped; the next one starts empty.
    let (mut r, fx) = query(vec![text("20261125-0003 ABC234\n")]);
    r.go(Input::Home);
    r.go(Input::CaseAnswer { id: asked(&fx)[0].0, answer: found() });
    r.go(Input::Cases);
    assert_eq!(r.k.case_query().lookup, Lookup::Entering);
    assert_eq!(r.k.case_query().number, "");
}

#[test]
fn a_case_found_goes_home_once_read_not_a_minute_later() {
    let (mut r, fx) = query(vec![text("20261125-0003 ABC234\n")]);
    r.go(Input::CaseAnswer {
        id: asked(&fx)[0].0,
        answer: CaseAnswer::Found(Box::new(crate::screenshots::sample_case())),
    });
    r.wait(Duration::from_secs(20));
    r.go(Input::Touch); // scrolling its history
    r.wait(Duration::from_secs(29));
    assert_eq!(r.k.screen(), &Screen::CaseQuery, "still being read");
    r.wait(Duration::from_secs(2));
    assert_eq!(r.k.screen(), &Screen::Home, "30 s untouched: the next citizen must not find it");
}

#[test]
fn a_case_on_screen_goes_home_when_idle_and_a_new_scan_starts_a_new_query() {
    let (mut r, fx) = query(vec![text("20261125-0003 ABC234\n")]);
    r.go(Input::CaseAnswer {
        id: asked(&fx)[0].0,
        answer: CaseAnswer::Found(Box::new(crate::screenshots::sample_case())),
    });
    // Keys that are not a new notice change nothing under the answer.
    for i in [Input::CaseBackspace, Input::CaseSubmit, text("\n"), Input::CaseField(QueryField::Code)] {
        r.go(i);
        assert!(matches!(r.k.case_query().lookup, Lookup::Found(_)));
    }
    // A scan of another notice: a new query at once.
    let fx = r.go(text("20261126-0001 XYZ789\n"));
    assert_eq!(asked(&fx).iter().map(|(_, n, c)| (*n, *c)).collect::<Vec<_>>(), vec![("20261126-0001", "XYZ789")]);
    r.go(Input::CaseAnswer {
        id: asked(&fx)[0].0,
        answer: CaseAnswer::Found(Box::new(crate::screenshots::sample_case())),
    });
    // 「查询其他办件」 empties the screen.
    r.go(Input::CaseClear);
    assert_eq!(r.k.case_query().lookup, Lookup::Entering);
    assert_eq!(r.k.case_query().number, "");
    // Idle: home after the usual minute, and the case is forgotten.
    r.go(text("20261125-0003 ABC234\n"));
    r.wait(Duration::from_secs(59));
    assert_eq!(r.k.screen(), &Screen::CaseQuery);
    r.wait(Duration::from_secs(2));
    assert_eq!(r.k.screen(), &Screen::Home);
    assert_eq!(r.k.case_query().number, "", "the next citizen never sees it");
    // Back goes home too; the pad does nothing on other screens.
    r.go(Input::Cases);
    r.go(Input::Back);
    assert_eq!(r.k.screen(), &Screen::Home);
    r.go(text("20261125"));
    assert_eq!(r.k.case_query().number, "");
}

#[test]
fn two_requests_given_up_on_each_keep_their_key() {
    // Matter X given up on, then matter Y given up on too: X's request is still resolved with
    // its own key, so coming back to X never makes a second ticket for the same citizen.
    let check = |x_answered_first: bool| {
        let mut r = Run::new();
        r.go(Input::Matter("mz-dibao".into()));
        r.take("k1");
        r.go(Input::IssueUnreachable { key: "k1".into() });
        r.wait(Duration::from_secs(31));
        r.go(Input::Back);
        r.go(Input::Matter("rs-jmyibao".into()));
        assert_eq!(issues(&r.take("k2")), vec!["k2"]);
        r.go(Input::IssueUnreachable { key: "k2".into() });
        let mut resent = Vec::new();
        for _ in 0..32 {
            let fx = r.wait(Duration::from_secs(1));
            for k in issues(&fx) {
                resent.push(k.to_string());
                r.go(Input::IssueUnreachable { key: k.into() });
            }
        }
        assert_eq!(r.k.refusal(), Some(&Refusal::Unreachable), "Y given up on too");
        assert!(resent.iter().any(|k| k == "k1"), "X still resolved in the background: {resent:?}");
        r.go(Input::Back);
        if x_answered_first {
            let fx = r.issued("k1", "B015");
            assert!(fx.is_empty(), "kept for its citizen, not dropped: {fx:?}");
            let y = sample_ticket("A031", "rs-jmyibao", None, &["w05"]);
            let fx = r.go(Input::Issued { key: "k2".into(), ticket: Box::new(y) });
            assert!(fx.is_empty(), "Y's ticket kept too, X's not logged as lost: {fx:?}");
        }
        r.go(Input::Matter("mz-dibao".into()));
        let fx = r.take("k3");
        if x_answered_first {
            assert!(issues(&fx).is_empty(), "the ticket made already: {fx:?}");
            assert_eq!(r.k.issued().map(|t| t.ticket.number.as_str()), Some("B015"));
        } else {
            assert_eq!(issues(&fx), vec!["k1"], "asked again with X's own key");
        }
    };
    check(true);
    check(false);
}

#[test]
fn a_full_list_of_requests_given_up_on_lets_go_of_one_with_no_send_out() {
    // Matter after matter given up on in a long outage: the list stays bounded, and the first
    // request, whose background send is out (its answer may be a ticket made), is never the one
    // let go.
    let mut r = Run::new();
    let matters: Vec<String> = r.k.catalog().unwrap().services.iter().map(|s| s.id.clone()).collect();
    // Every send is answered "unreachable" at once, but the first request's once given up on.
    fn answer(r: &mut Run, fx: Vec<Effect>, first: Option<&str>) {
        let mut todo: Vec<String> = issues(&fx).into_iter().map(str::to_string).collect();
        while let Some(k) = todo.pop() {
            let still_asking = r.k.pending.as_ref().is_some_and(|p| p.key == k);
            if still_asking || first != Some(k.as_str()) {
                let more = r.go(Input::IssueUnreachable { key: k });
                todo.extend(issues(&more).into_iter().map(str::to_string));
            }
        }
    }
    let mut first: Option<String> = None;
    let mut taken = 0;
    for (i, m) in matters.iter().enumerate() {
        let fx = r.go(Input::Matter(m.clone()));
        answer(&mut r, fx, first.as_deref());
        if r.k.catalog().unwrap().needs_id_number(m) || r.k.stop_of(m).is_some() {
            continue;
        }
        let key = format!("k{i}");
        let fx = r.take(&key);
        first.get_or_insert(key);
        taken += 1;
        answer(&mut r, fx, first.as_deref());
        for _ in 0..31 {
            let fx = r.wait(Duration::from_secs(1));
            answer(&mut r, fx, first.as_deref());
        }
        let fx = r.go(Input::Back);
        answer(&mut r, fx, first.as_deref());
    }
    assert!(taken > 16, "more matters given up on than kept: {taken}");
    let first = first.unwrap();
    assert_eq!(r.k.abandoned.len(), 16);
    assert!(r.k.abandoned.iter().any(|a| a.key == first && a.retry_at.is_none()), "the send still out is kept");
    let fx = r.issued(&first, "B099");
    assert!(fx.is_empty(), "its late ticket is kept for its citizen: {fx:?}");
}
