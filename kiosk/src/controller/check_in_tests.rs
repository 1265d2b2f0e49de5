//! 「预约取号」 and a matter's identity number, table-tested without a backend.

use std::time::Duration;

use super::tests::Run;
use super::*;
use crate::screenshots::sample_ticket;

/// The check-in screens' inputs, on the shared test kiosk.
impl Run {
    fn typed(&mut self, text: &str) -> Vec<Effect> {
        self.go(Input::EntryText(text.into()))
    }
    fn submit(&mut self, key: &str) -> Vec<Effect> {
        self.go(Input::EntrySubmit { key: key.into() })
    }
    fn refused(&mut self, key: &str, code: &str) -> Vec<Effect> {
        self.refused_with(key, code, None, None)
    }
    fn refused_with(&mut self, key: &str, code: &str, next_open: Option<&str>, day: Option<&str>) -> Vec<Effect> {
        let (next_open, day) = (next_open.map(String::from), day.map(String::from));
        self.go(Input::IssueRefused { key: key.into(), code: code.into(), next_open, day })
    }
    fn checked_in(&mut self, key: &str, on_time: bool) -> Vec<Effect> {
        let ticket = sample_ticket("B012", "mz-dibao", None, &["w02", "w03"]);
        let answer = CheckedIn { ticket, on_time, start: "09:30".into(), end: "10:00".into() };
        self.go(Input::CheckedIn { key: key.into(), answer: Box::new(answer) })
    }
}

fn check_ins(fx: &[Effect]) -> Vec<(&str, &BookingKey)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::CheckIn { key, by } => Some((key.as_str(), by)),
            _ => None,
        })
        .collect()
}

fn printed(fx: &[Effect]) -> Option<&TicketPrint> {
    fx.iter().find_map(|e| match e {
        Effect::Print(spec) => Some(spec.as_ref()),
        _ => None,
    })
}

fn code(c: &str) -> BookingKey {
    BookingKey::Code(c.into())
}

#[test]
fn a_booking_code_on_the_pad_checks_in_and_prints_a_booked_ticket() {
    let mut r = Run::new();
    r.go(Input::CheckIn);
    assert_eq!(r.k.screen(), &Screen::CheckIn);
    for d in "0471826".chars() {
        r.typed(&d.to_string());
    }
    assert!(!r.k.entry().ready(r.k.screen()), "seven digits are not a code");
    r.typed("3");
    assert!(r.k.entry().ready(r.k.screen()));
    let fx = r.submit("k1");
    assert_eq!(check_ins(&fx), vec![("k1", &code("04718263"))]);
    assert_eq!(r.k.screen(), &Screen::Issuing);
    assert!(check_ins(&r.submit("k2")).is_empty(), "a double press sends nothing more");
    let fx = r.checked_in("k1", true);
    assert_eq!(r.k.screen(), &Screen::Ticket);
    let spec = printed(&fx).expect("printed like a walk-in ticket");
    assert_eq!(spec.number, "B012");
    assert_eq!(spec.priority.as_deref(), Some("预约"), "「预约」 on the paper");
    assert_eq!(spec.materials.len(), 5, "the one-time notification too");
    let booking = r.k.issued().and_then(|t| t.booking.clone()).expect("a booking's ticket");
    assert_eq!(booking, BookingOutcome { on_time: true, start: "09:30".into(), end: "10:00".into() });
    assert_eq!(r.k.entry(), &Entry::default(), "the code is gone with the pad");
}

#[test]
fn what_is_typed_or_scanned_is_read_as_a_code_or_an_identity_number() {
    // (text typed, the check-in sent, the state after 确认取号)
    let cases: Vec<(&str, Option<BookingKey>, EntryState)> = vec![
        ("04718263", Some(code("04718263")), EntryState::Typing),
        ("http://192.168.10.2:8080/book/04718263", Some(code("04718263")), EntryState::Typing),
        ("11010519491231002x", Some(BookingKey::IdNumber("11010519491231002X".into())), EntryState::Typing),
        ("110101199003074478", None, EntryState::BadIdNumber),
        ("0471826", None, EntryState::NotRead),
        ("https://hall.example.cn/t/6f1c0e9a", None, EntryState::NotRead),
        ("", None, EntryState::Typing),
    ];
    for (text, sent, state) in cases {
        let mut r = Run::new();
        r.go(Input::CheckIn);
        r.typed(text);
        let fx = r.submit("k1");
        let expected: Vec<(&str, &BookingKey)> = sent.iter().map(|b| ("k1", b)).collect();
        assert_eq!(check_ins(&fx), expected, "{text:?}");
        assert_eq!(r.k.entry().state, state, "{text:?}");
        if sent.is_none() {
            assert_eq!(r.k.screen(), &Screen::CheckIn, "{text:?}: stays on the pad");
        }
    }
}

#[test]
fn a_scanned_link_is_shown_as_its_code_and_backspace_and_clear_work() {
    let mut r = Run::new();
    r.go(Input::CheckIn);
    r.typed("https://hall.example.cn/book/04718263");
    assert_eq!(r.k.entry().shown(), "04718263");
    r.go(Input::EntryClear);
    r.typed("1101051949123100");
    r.typed("2x");
    assert_eq!(r.k.entry().shown(), "11010519491231002X");
    r.go(Input::EntryBackspace);
    r.typed("\u{8}");
    assert_eq!(r.k.entry().text, "1101051949123100");
    // The pad's keys and anything typed elsewhere do nothing off the pad's screen.
    r.go(Input::Home);
    r.typed("123");
    assert_eq!(r.k.entry(), &Entry::default(), "going home forgets the number");
}

#[test]
fn every_refusal_is_said_on_the_pad_and_the_text_kept_for_a_correction() {
    let cases: Vec<(&str, Option<&str>, Option<&str>, Turned)> = vec![
        ("booking_not_found", None, None, Turned::NotFound { day: None }),
        ("booking_not_found", None, Some("2026-11-27"), Turned::NotFound { day: Some("2026-11-27".into()) }),
        ("booking_too_early", Some("2026-11-25T09:00:00+08:00"), None, Turned::TooEarly { from: Some("09:00".into()) }),
        ("booking_used", None, None, Turned::Used),
        ("invalid_id_number", None, None, Turned::InvalidIdNumber),
        ("rate_limited", None, None, Turned::Other { code: "rate_limited".into() }),
        ("hall_closed", None, None, Turned::Other { code: "hall_closed".into() }),
        ("quota_reached", Some("2026-11-26T08:30:00+08:00"), None, Turned::Other { code: "quota_reached".into() }),
    ];
    for (code_, next_open, day, turned) in cases {
        let mut r = Run::new();
        r.go(Input::CheckIn);
        r.typed("04718263");
        r.submit("k1");
        let fx = r.refused_with("k1", code_, next_open, day);
        assert!(fx.iter().all(|e| !matches!(e, Effect::Print(_))), "{code_}: nothing printed");
        assert_eq!(r.k.screen(), &Screen::CheckIn, "{code_}");
        assert_eq!(r.k.entry().state, EntryState::Turned(turned), "{code_}");
        assert_eq!(r.k.entry().text, "04718263", "{code_}: kept");
        assert!(r.wait(Duration::from_secs(10)).iter().all(|e| !matches!(e, Effect::CheckIn { .. })), "never retried");
        // A new scan starts afresh.
        r.typed("https://hall.example.cn/book/11112222");
        assert_eq!((r.k.entry().shown(), &r.k.entry().state), ("11112222".into(), &EntryState::Typing));
    }
}

#[test]
fn arriving_late_gets_an_ordinary_ticket_and_is_told() {
    let mut r = Run::new();
    r.go(Input::CheckIn);
    r.typed("11010519491231002X");
    r.submit("k1");
    let fx = r.checked_in("k1", false);
    assert_eq!(printed(&fx).expect("printed").priority, None, "no 「预约」 on an ordinary ticket");
    let booking = r.k.issued().and_then(|t| t.booking.clone()).unwrap();
    assert!(!booking.on_time, "the screen says they came late");
}

#[test]
fn an_unanswered_check_in_is_retried_with_its_key_then_given_up_and_sent_again_with_it() {
    let mut r = Run::new();
    r.go(Input::CheckIn);
    r.typed("04718263");
    r.submit("k1");
    r.go(Input::IssueUnreachable { key: "k1".into() });
    let mut sent = Vec::new();
    for _ in 0..400 {
        let fx = r.wait(Duration::from_millis(100));
        for (k, by) in check_ins(&fx) {
            assert_eq!(by, &code("04718263"));
            sent.push(k.to_string());
        }
        if !check_ins(&fx).is_empty() {
            r.go(Input::IssueUnreachable { key: "k1".into() });
        }
    }
    assert!(sent.len() >= 5 && sent.iter().all(|k| k == "k1"), "{sent:?}");
    assert_eq!(r.k.screen(), &Screen::CheckIn, "given up: back on the pad");
    assert_eq!(r.k.entry().state, EntryState::Unreachable);
    // 确认取号 again: the same key, so a ticket the server made is the answer, never a second.
    assert_eq!(check_ins(&r.submit("k2")), vec![("k1", &code("04718263"))]);
    assert!(printed(&r.checked_in("k1", true)).is_some());
}

#[test]
fn a_late_answer_while_the_citizen_still_reads_the_failure_is_printed() {
    let mut r = Run::new();
    r.go(Input::CheckIn);
    r.typed("04718263");
    r.submit("k1");
    r.go(Input::IssueUnreachable { key: "k1".into() });
    r.wait(Duration::from_secs(31));
    assert_eq!(r.k.entry().state, EntryState::Unreachable);
    assert!(printed(&r.checked_in("k1", true)).is_some(), "still there: printed");
    // Gone home meanwhile: logged, not printed.
    let mut r = Run::new();
    r.go(Input::CheckIn);
    r.typed("04718263");
    r.submit("k1");
    r.go(Input::IssueUnreachable { key: "k1".into() });
    r.wait(Duration::from_secs(31));
    r.go(Input::Home);
    assert_eq!(r.checked_in("k1", true), vec![Effect::Unclaimed { number: "B012".into() }]);
}

#[test]
fn a_matter_asking_for_the_identity_number_gets_it_on_the_pad() {
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.go(Input::Take { key: "k1".into(), priority: Some(hall_wire::Priority::Elderly) });
    // The kiosk did not know the matter asks for it: the server's 422 brings the pad up.
    r.refused("k1", "id_number_required");
    let pad = Screen::IdNumber { service_id: "mz-dibao".into(), priority: Some(hall_wire::Priority::Elderly) };
    assert_eq!(r.k.screen(), &pad);
    assert_eq!(r.k.entry().state, EntryState::Turned(Turned::IdNumberRequired));
    r.typed("04718263");
    assert_eq!(r.submit("k2"), vec![], "a booking code is not an identity number");
    assert_eq!(r.k.entry().state, EntryState::NotRead);
    r.go(Input::EntryClear);
    r.typed("110101199003074478");
    assert_eq!(r.submit("k2"), vec![], "a wrong check digit is said at once");
    assert_eq!(r.k.entry().state, EntryState::BadIdNumber);
    r.go(Input::EntryClear);
    r.typed("110101199003074477");
    let fx = r.submit("k2");
    assert_eq!(
        fx,
        vec![Effect::Issue {
            key: "k2".into(),
            service_id: "mz-dibao".into(),
            priority: Some(hall_wire::Priority::Elderly),
            id_number: Some("110101199003074477".into()),
        }]
    );
    // Over the person's limit: said on the pad.
    r.refused("k2", "person_limit");
    assert_eq!(r.k.screen(), &pad);
    assert_eq!(r.k.entry().state, EntryState::Turned(Turned::PersonLimit));
    r.go(Input::Back);
    assert_eq!(r.k.screen(), &Screen::Matter("mz-dibao".into()), "back to the matter");
    // A closed hall stays the matter screen's business.
    r.go(Input::Take { key: "k3".into(), priority: None });
    r.refused("k3", "id_number_required");
    r.typed("110101199003074477");
    r.submit("k4");
    r.go(Input::IssueRefused {
        key: "k4".into(),
        code: "quota_reached".into(),
        next_open: Some("2026-11-26T08:30:00+08:00".into()),
        day: None,
    });
    assert_eq!(r.k.screen(), &Screen::Matter("mz-dibao".into()));
    assert!(matches!(r.k.refusal(), Some(Refusal::Stopped(_))));
}

#[test]
fn a_walk_in_ticket_with_an_identity_number_prints_as_any_ticket() {
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    r.go(Input::Take { key: "k1".into(), priority: None });
    r.refused("k1", "id_number_required");
    r.typed("110101199003074477");
    r.submit("k2");
    let ticket = sample_ticket("B012", "mz-dibao", None, &["w02"]);
    let fx = r.go(Input::Issued { key: "k2".into(), ticket: Box::new(ticket) });
    assert_eq!(printed(&fx).expect("printed").priority, None);
    assert_eq!(r.k.issued().unwrap().booking, None);
    assert_eq!(r.k.entry(), &Entry::default(), "the number is not kept");
}

#[test]
fn a_matter_marked_id_number_asks_for_it_before_anything_is_sent() {
    let mut r = Run::new();
    r.go(Input::Matter("zr-zhaijidi".into()));
    assert!(r.go(Input::Take { key: "k1".into(), priority: None }).is_empty(), "nothing sent yet");
    assert_eq!(r.k.screen(), &Screen::IdNumber { service_id: "zr-zhaijidi".into(), priority: None });
    r.typed("11010519491231002X");
    let fx = r.submit("k2");
    assert!(
        matches!(&fx[..], [Effect::Issue { key, id_number: Some(n), .. }] if key == "k2" && n == "11010519491231002X"),
        "{fx:?}"
    );
    // Matters not marked go straight to the ticket.
    let mut r = Run::new();
    r.go(Input::Matter("mz-dibao".into()));
    let fx = r.go(Input::Take { key: "k1".into(), priority: None });
    assert!(matches!(&fx[..], [Effect::Issue { id_number: None, .. }]), "{fx:?}");
}

#[test]
fn a_matter_gone_from_the_hall_after_its_number_was_typed_is_loaded_again() {
    let mut r = Run::new();
    r.go(Input::Matter("zr-zhaijidi".into()));
    r.go(Input::Take { key: "k1".into(), priority: None });
    r.typed("11010519491231002X");
    r.submit("k2");
    let fx = r.go(Input::IssueRefused { key: "k2".into(), code: "unknown_service".into(), next_open: None, day: None });
    assert_eq!(fx, vec![Effect::Reload], "the matters changed: loaded again, not offered stale");
}

#[test]
fn a_priority_ticket_the_hall_exempts_is_sent_after_the_identity_number_past_the_cut_off() {
    // (the hall exempts priority tickets, asked as priority, sent once the number is typed)
    for (exempt, priority, sent) in [(true, true, true), (true, false, false), (false, true, false)] {
        let mut r = Run::new();
        let mut c = crate::screenshots::sample_catalog();
        c.hall.priority_exempt = exempt;
        r.go(Input::Catalog(Box::new(c)));
        r.go(Input::Matter("zr-zhaijidi".into()));
        let priority = priority.then_some(hall_wire::Priority::Elderly);
        // The pad comes up while issuing is open; the cut-off passes while the number is typed.
        r.go(Input::Take { key: "k1".into(), priority });
        assert_eq!(r.k.screen(), &Screen::IdNumber { service_id: "zr-zhaijidi".into(), priority });
        r.go(super::tests::queues_stopped(&r, hall_wire::IssuingStop::CutOff));
        r.typed("11010519491231002X");
        let fx = r.submit("k2");
        let issued = matches!(&fx[..], [Effect::Issue { key, id_number: Some(_), .. }] if key == "k2");
        assert_eq!(issued, sent, "exempt {exempt}, priority {priority:?}: {fx:?}");
        assert_eq!(r.k.refusal().is_some(), !sent, "exempt {exempt}, priority {priority:?}");
    }
}

#[test]
fn a_refused_identity_number_is_masked_and_the_pad_goes_home_once_read() {
    let mut r = Run::new();
    r.go(Input::CheckIn);
    r.typed("11010519491231002X");
    assert_eq!(r.k.entry().shown(), "11010519491231002X", "typed: shown whole, to check it");
    r.submit("k1");
    r.wait(Duration::from_secs(25)); // a slow answer: the refusal is read from when it shows
    r.refused("k1", "booking_not_found");
    assert_eq!(r.k.entry().shown(), "110***********002X", "answered about: nothing to correct in it");
    r.wait(Duration::from_secs(15));
    assert_eq!(r.k.screen(), &Screen::CheckIn, "time to read the refusal");
    r.wait(Duration::from_secs(6));
    assert_eq!(r.k.screen(), &Screen::Home, "then home, well before the minute");
    assert_eq!(r.k.entry(), &Entry::default(), "and the number gone");
}

#[test]
fn an_identity_number_sent_and_unanswered_is_masked_on_the_pad() {
    let mut r = Run::new();
    r.go(Input::CheckIn);
    r.typed("11010519491231002X");
    r.submit("k1");
    r.go(Input::IssueUnreachable { key: "k1".into() });
    r.wait(Duration::from_secs(31));
    assert_eq!(r.k.entry().state, EntryState::Unreachable);
    assert_eq!(r.k.entry().shown(), "110***********002X", "the citizen may have walked away");
    // 确定 again sends the whole number, with the same key.
    let fx = r.submit("k2");
    assert!(!fx.is_empty(), "sent again");
}

#[test]
fn a_number_the_server_says_is_wrong_stays_whole_to_be_corrected() {
    let mut r = Run::new();
    r.go(Input::CheckIn);
    r.typed("11010519491231002X");
    r.submit("k1");
    r.refused("k1", "invalid_id_number");
    assert_eq!(r.k.entry().shown(), "11010519491231002X");
}

#[test]
fn a_card_read_after_a_number_said_wrong_checks_in_with_the_cards_number() {
    let mut r = Run::new();
    r.go(Input::CheckIn);
    r.typed("110105194912310021"); // a wrong check digit: said at once, nothing sent
    r.submit("k1");
    assert_eq!(r.k.entry().state, EntryState::BadIdNumber);
    r.typed("11010519491231002x"); // the ID-card reader types after what was left
    assert_eq!(r.k.entry().shown(), "11010519491231002X");
    assert!(r.k.entry().ready(r.k.screen()));
    let fx = r.submit("k2");
    assert_eq!(check_ins(&fx), vec![("k2", &BookingKey::IdNumber("11010519491231002X".into()))]);
}
