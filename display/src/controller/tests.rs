use super::*;
use chrono::TimeZone;
use serde_json::json;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 1, 0, 0).unwrap() // 09:00 in the hall
}

fn at(secs: i64) -> String {
    (now() + Duration::seconds(secs)).with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap()).to_rfc3339()
}

/// The time `at(secs)` says.
fn instant(secs: i64) -> DateTime<Utc> {
    now() + Duration::seconds(secs)
}

/// The time `at(secs)` says, as a call carries it.
fn fixed(secs: i64) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&at(secs)).unwrap()
}

fn called(id: i64, ticket: i64, number: &str, window: u32, secs: i64, recall: bool) -> Input {
    Input::Event {
        id,
        kind: "ticket_called".into(),
        data: json!({"ticket_id": ticket, "number": number, "window_id": format!("w{window:02}"),
                     "window_number": window, "window_name": format!("{window}号窗口"), "at": at(secs), "recall": recall}),
    }
}

fn announced(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Announce(c) => Some(format!("{}@{}", c.number, c.window_number)),
            Effect::Withdraw { .. } => None,
        })
        .collect()
}

/// The server's state with these calls (newest first), as on a hall where nothing happened
/// since: each window still calls the ticket of its newest call, unless that ticket was called
/// later at another window.
fn snapshot(calls: Vec<wire::Call>) -> Input {
    let Input::Snapshot(mut s) = snapshot_serving(calls.clone(), None) else { unreachable!() };
    let window_3 = s.windows[0].clone();
    for (i, c) in calls.iter().enumerate() {
        let newer = &calls[..i];
        if newer.iter().any(|n| n.window_id == c.window_id) {
            continue;
        }
        let serving = (!newer.iter().any(|n| n.ticket_id == c.ticket_id))
            .then(|| ticket_at_window(c, wire::TicketStatus::Called));
        match s.windows.iter_mut().find(|w| w.id == c.window_id) {
            Some(w) => w.serving = serving,
            None => s.windows.push(wire::Window {
                id: c.window_id.clone(),
                number: c.window_number,
                serving,
                ..window_3.clone()
            }),
        }
    }
    Input::Snapshot(s)
}

/// The ticket a window holds after `call`, in `status`.
fn ticket_at_window(call: &wire::Call, status: wire::TicketStatus) -> wire::Ticket {
    wire::Ticket {
        id: call.ticket_id,
        number: call.number.clone(),
        service_id: String::new(),
        queue: "mz".into(),
        status,
        priority: None,
        waiting_ahead: 0,
        estimated_wait_minutes: 0,
        windows: vec![call.window_id.clone()],
        issued_at: call.at.clone(),
        called_at: Some(call.at.clone()),
        started_at: None,
        window_id: Some(call.window_id.clone()),
        first_window_id: None,
        outcome: None,
        status_url: None,
        case: None,
        booked: call.booked,
    }
}

/// [`snapshot`] with window 3 holding `serving` (none: it called nobody, or finished).
fn snapshot_serving(calls: Vec<wire::Call>, serving: Option<wire::Ticket>) -> Input {
    Input::Snapshot(Box::new(Snapshot {
        hall: wire::HallInfo {
            hall_id: None,
            name: "青石镇便民服务中心".into(),
            address: String::new(),
            phone: String::new(),
            notice: "请提前准备好身份证".into(),
            work_start: "08:30".into(),
            work_end: "17:30".into(),
            timezone: "Asia/Shanghai".into(),
            general_inquiry: None,
            issuing: Default::default(),
            departments: Vec::new(),
            turn_soon_ahead: 3,
            priority_exempt: false,
        },
        calls,
        queues: vec![wire::Queue {
            queue: "mz".into(),
            prefix: "B".into(),
            name: "民政".into(),
            waiting: 3,
            estimated_wait_minutes: 20,
            oldest_wait_minutes: 12,
            issuing: Default::default(),
        }],
        windows: vec![wire::Window {
            id: "w03".into(),
            number: 3,
            name: "民政窗口".into(),
            department: "民政".into(),
            department_id: "minzheng".into(),
            location: String::new(),
            status: wire::WindowStatus::Open,
            serving,
            staff: None,
            queues: vec!["mz".into()],
            services: vec!["mz-dibao".into()],
            plan: None,
        }],
        services: vec![],
    }))
}

fn wire_call(ticket: i64, number: &str, secs: i64) -> wire::Call {
    wire::Call {
        ticket_id: ticket,
        number: number.into(),
        window_id: "w03".into(),
        window_number: 3,
        window_name: "民政窗口".into(),
        at: at(secs),
        recall: false,
        booked: false,
    }
}

#[test]
fn a_call_is_shown_flashing_and_announced() {
    let mut m = Model::new(Settings::default());
    let fx = m.apply(called(1, 7, "A012", 3, 0, false), now());
    assert_eq!(announced(&fx), ["A012@3"]);
    assert_eq!(m.latest.as_ref().unwrap().number, "A012");
    assert!(m.flashing(now() + Duration::seconds(5)));
    assert!(!m.flashing(now() + Duration::seconds(7)));
}

#[test]
fn calls_are_listed_newest_first_each_ticket_once() {
    let mut m = Model::new(Settings { recent: 3, ..Settings::default() });
    for (i, n) in ["A001", "A002", "A003", "A004"].iter().enumerate() {
        m.apply(called(i as i64 + 1, i as i64 + 1, n, 1, i as i64, false), now());
    }
    let list: Vec<&str> = m.recent.iter().map(|c| c.number.as_str()).collect();
    assert_eq!(list, ["A004", "A003", "A002"]);
    // A recall moves the ticket to the top again and is announced again.
    let fx = m.apply(called(5, 2, "A002", 1, 10, true), now() + Duration::seconds(10));
    assert_eq!(announced(&fx), ["A002@1"]);
    let list: Vec<&str> = m.recent.iter().map(|c| c.number.as_str()).collect();
    assert_eq!(list, ["A002", "A004", "A003"]);
    assert!(m.latest.as_ref().unwrap().recall);
}

#[test]
fn a_call_taken_back_leaves_the_screen_and_a_new_call_shows_again() {
    let mut m = Model::new(Settings::default());
    m.apply(called(1, 7, "A012", 3, 0, false), now());
    m.apply(called(2, 8, "A013", 4, 5, false), now());
    let requeued = |id, ticket: i64| Input::Event {
        id,
        kind: "ticket_requeued".into(),
        data: json!({"ticket_id": ticket, "number": "A013", "queue": "a", "at": at(10)}),
    };
    let fx = m.apply(requeued(3, 8), now());
    assert_eq!(
        fx,
        vec![Effect::Withdraw { number: "A013".into(), window: 4, called_at: fixed(5) }],
        "not said if not said yet"
    );
    let list: Vec<&str> = m.recent.iter().map(|c| c.number.as_str()).collect();
    assert_eq!(list, ["A012"], "the window's clerk left before the citizen came");
    assert_eq!(m.latest.as_ref().map(|c| c.number.as_str()), Some("A012"));
    m.apply(requeued(4, 7), now());
    assert!(m.recent.is_empty() && m.latest.is_none());
    let fx = m.apply(called(5, 8, "A013", 5, 20, false), now() + Duration::seconds(20));
    assert_eq!(announced(&fx), ["A013@5"], "called again elsewhere");
    assert_eq!(m.latest.as_ref().map(|c| c.window_number), Some(5));
}

/// Away while A013 was called at window 4, put back and called at window 5: the snapshot says
/// A013 → 5 once; the stream's replay of the older events takes nothing of it back.
#[test]
fn a_call_taken_back_while_away_is_neither_said_nor_undoes_the_newer_call() {
    let mut m = Model::new(Settings::default());
    m.apply(snapshot(vec![]), now());
    let at_window = |window: u32, secs| wire::Call {
        window_id: format!("w{window:02}"),
        window_number: window,
        window_name: format!("{window}号窗口"),
        ..wire_call(8, "A013", secs)
    };
    let fx = m.apply(snapshot(vec![at_window(5, 5), at_window(4, 1)]), now() + Duration::seconds(10));
    assert_eq!(announced(&fx), ["A013@5"]);
    let requeued = Input::Event {
        id: 2,
        kind: "ticket_requeued".into(),
        data: json!({"ticket_id": 8, "number": "A013", "queue": "a", "at": at(3)}),
    };
    let mut replay = m.apply(called(1, 8, "A013", 4, 1, false), now() + Duration::seconds(10));
    replay.extend(m.apply(requeued, now() + Duration::seconds(10)));
    replay.extend(m.apply(called(3, 8, "A013", 5, 5, false), now() + Duration::seconds(10)));
    assert_eq!(replay, vec![], "nothing said again, nothing taken back");
    assert_eq!(m.latest.as_ref().map(|c| (c.number.as_str(), c.window_number)), Some(("A013", 5)));
}

/// Said before the outage, taken back while away and called again at the same window: the
/// snapshot's call is said, and the replayed taking back reaches the voice as the older call's
/// only (the voice matches it by number and window, so it names the calls it covers).
#[test]
fn a_call_taken_back_and_made_again_at_the_same_window_while_away_is_still_said() {
    let mut m = Model::new(Settings::default());
    m.apply(snapshot(vec![]), now());
    assert_eq!(announced(&m.apply(called(1, 8, "A012", 3, 0, false), now())), ["A012@3"]);
    m.apply(Input::Disconnected, now() + Duration::seconds(5));
    let again = wire::Call {
        window_id: "w03".into(),
        window_number: 3,
        window_name: "3号窗口".into(),
        ..wire_call(8, "A012", 20)
    };
    let fx = m.apply(snapshot(vec![again]), now() + Duration::seconds(30));
    assert_eq!(announced(&fx), ["A012@3"], "called again while away, still at the desk");
    let requeued = Input::Event {
        id: 2,
        kind: "ticket_requeued".into(),
        data: json!({"ticket_id": 8, "number": "A012", "queue": "a", "at": at(10)}),
    };
    let fx = m.apply(requeued, now() + Duration::seconds(30));
    let made = |f: &Effect| match f {
        Effect::Withdraw { called_at, .. } => called_at.with_timezone(&Utc),
        Effect::Announce(_) => panic!("{f:?}"),
    };
    assert!(fx.iter().all(|f| made(f) == instant(0)), "the call said before the outage, not the one at 20 s: {fx:?}");
    assert_eq!(m.latest.as_ref().map(|c| (c.number.as_str(), c.at.with_timezone(&Utc))), Some(("A012", instant(20))));
}

/// Back after a long outage: the stream replays hundreds of calls older than the snapshot's,
/// then the snapshot's own call's event; it is not said a second time.
#[test]
fn a_long_replay_does_not_make_the_snapshots_call_new_again() {
    let mut m = Model::new(Settings::default());
    m.apply(snapshot(vec![]), now());
    m.apply(Input::Disconnected, now());
    let back = now() + Duration::seconds(700);
    assert_eq!(announced(&m.apply(snapshot(vec![wire_call(9000, "C900", 690)]), back)), ["C900@3"]);
    for i in 0..600 {
        let old = m.apply(called(i + 1, i + 1, &format!("A{i:03}"), 4, i, false), back);
        assert!(announced(&old).is_empty(), "made while away, long ago");
    }
    assert_eq!(announced(&m.apply(called(601, 9000, "C900", 3, 690, false), back)), Vec::<String>::new());
}

#[test]
fn a_replayed_event_is_ignored() {
    let mut m = Model::new(Settings::default());
    assert_eq!(m.apply(called(4, 1, "B001", 2, 0, false), now()).len(), 1);
    assert_eq!(m.apply(called(4, 1, "B001", 2, 0, false), now()).len(), 0);
    assert_eq!(m.apply(called(3, 9, "B009", 2, 0, false), now()).len(), 0, "older than the last event");
    assert_eq!(m.last_event_id, Some(4));
}

#[test]
fn stale_calls_after_an_outage_are_shown_but_not_announced() {
    let mut m = Model::new(Settings::default());
    m.apply(Input::Disconnected, now());
    m.apply(Input::Disconnected, now() + Duration::seconds(30));
    assert_eq!(m.link, Link::Lost { since: now() });
    // Back after ten minutes: the stream replays what was missed.
    let later = now() + Duration::minutes(10);
    m.apply(Input::Connected, later);
    let old = m.apply(called(1, 1, "C001", 5, 60, false), later);
    let fresh = m.apply(called(2, 2, "C002", 5, 595, false), later);
    assert!(old.is_empty());
    assert_eq!(announced(&fresh), ["C002@5"]);
    assert_eq!(m.recent.len(), 2);
    assert_eq!(m.link, Link::Live);
}

#[test]
fn a_burst_of_fifty_calls_is_all_announced_in_order() {
    let mut m = Model::new(Settings::default());
    let mut all = vec![];
    for i in 0..50 {
        all.extend(announced(
            &m.apply(called(i + 1, i + 1, &format!("A{:03}", i + 1), 1 + (i as u32 % 9), 0, false), now()),
        ));
    }
    assert_eq!(all.len(), 50);
    assert_eq!(all[0], "A001@1");
    assert_eq!(all[49], "A050@5");
    assert_eq!(m.latest.as_ref().unwrap().number, "A050");
}

#[test]
fn the_snapshot_sets_the_state_and_the_stream_does_not_repeat_it() {
    let mut m = Model::new(Settings::default());
    let fx = m.apply(snapshot(vec![wire_call(2, "B002", -30), wire_call(1, "B001", -60)]), now());
    assert!(fx.is_empty(), "the snapshot is shown, never announced");
    assert_eq!(m.hall_name, "青石镇便民服务中心");
    assert_eq!(m.latest.as_ref().unwrap().number, "B002");
    assert_eq!(m.queues[0].waiting, 3);
    // The same call arriving again on the stream is not announced twice.
    let again = Input::Event {
        id: 10,
        kind: "ticket_called".into(),
        data: serde_json::to_value(wire_call(2, "B002", -30)).unwrap(),
    };
    assert!(m.apply(again, now()).is_empty());
}

#[test]
fn window_mode_announces_only_its_window_and_follows_its_status() {
    let mut m = Model::new(Settings { window: Some(3), ..Settings::default() });
    m.apply(snapshot(vec![]), now());
    assert!(m.apply(called(1, 1, "A001", 1, 0, false), now()).is_empty());
    assert_eq!(announced(&m.apply(called(2, 2, "B001", 3, 0, false), now())), ["B001@3"]);
    let status = Input::Event {
        id: 3,
        kind: "window_status".into(),
        data: json!({"window_id": "w03", "window_number": 3, "status": "paused", "serving": "B001",
                     "staff": {"name": "陈建国", "staff_no": "QS-008", "signed_in_at": at(0), "stand_in": true},
                     "at": at(1)}),
    };
    m.apply(status, now());
    let w = m.my_window().unwrap();
    assert_eq!(w.status, wire::WindowStatus::Paused);
    assert_eq!(w.serving.as_deref(), Some("B001"));
    assert_eq!(w.staff.as_ref().unwrap().name, "陈建国");
    // A colleague standing in for the window's clerk on leave is shown as such (R16: 顶岗).
    let v = crate::view::View::of(&m, now(), chrono_tz::Asia::Shanghai, false);
    assert_eq!((v.staff_name.as_str(), v.stand_in), ("陈建国", true));
}

#[test]
fn queue_counts_follow_the_stream_and_unknown_kinds_are_ignored() {
    let mut m = Model::new(Settings::default());
    m.apply(snapshot(vec![]), now());
    let q = json!({"queue": "mz", "prefix": "B", "name": "民政", "waiting": 9, "estimated_wait_minutes": 40});
    m.apply(Input::Event { id: 1, kind: "queue_changed".into(), data: q }, now());
    assert_eq!(m.queues[0].waiting, 9);
    let notice = json!({"notice": "今日下午窗口正常办公", "at": at(0)});
    m.apply(Input::Event { id: 4, kind: "notice_changed".into(), data: notice }, now());
    assert_eq!(m.notice, "今日下午窗口正常办公");
    let before = m.clone();
    m.apply(Input::Event { id: 5, kind: "something_new".into(), data: json!({}) }, now());
    m.apply(Input::Event { id: 6, kind: "ticket_called".into(), data: json!({"broken": true}) }, now());
    assert_eq!(m.recent, before.recent);
}

#[test]
fn calls_made_while_away_are_announced_once_when_back() {
    let mut m = Model::new(Settings::default());
    assert!(m.apply(snapshot(vec![wire_call(1, "B001", -30)]), now()).is_empty(), "start-up shows history only");
    // Away; meanwhile B002 (fresh) and nothing else. Back: the snapshot has it.
    let later = now() + Duration::seconds(20);
    let fx = m.apply(snapshot(vec![wire_call(2, "B002", 15), wire_call(1, "B001", -30)]), later);
    assert_eq!(announced(&fx), ["B002@3"]);
    // The stream then replays it: not announced twice.
    let replay = Input::Event {
        id: 9,
        kind: "ticket_called".into(),
        data: serde_json::to_value(wire_call(2, "B002", 15)).unwrap(),
    };
    assert!(m.apply(replay, later).is_empty());
    // After a long outage, old calls are shown, not announced.
    let much_later = now() + Duration::minutes(30);
    let fx = m.apply(snapshot(vec![wire_call(3, "B003", 60), wire_call(2, "B002", 15)]), much_later);
    assert!(fx.is_empty());
    assert_eq!(m.latest.as_ref().unwrap().number, "B003");
}

/// Back from an outage, a call made meanwhile is said only while its citizen is still called
/// to that window: one already served or finished there (the window moved on) is only shown.
#[test]
fn calls_whose_citizen_was_served_or_finished_while_away_are_shown_not_said() {
    let check = |serving: Option<wire::TicketStatus>, said: &[&str]| {
        let mut m = Model::new(Settings::default());
        m.apply(snapshot(vec![]), now());
        let call = wire_call(2, "B002", 5);
        let at_window = serving.map(|status| ticket_at_window(&call, status));
        let fx = m.apply(snapshot_serving(vec![call], at_window), now() + Duration::seconds(20));
        assert_eq!(announced(&fx), said, "window 3 holding B002 {serving:?}");
        assert_eq!(m.latest.as_ref().map(|c| c.number.as_str()), Some("B002"), "shown whatever its state");
    };
    check(Some(wire::TicketStatus::Called), &["B002@3"]);
    check(Some(wire::TicketStatus::Serving), &[]);
    check(None, &[]);
    // Window 3 moved on to B003 after B002 (finished or missed): only B003 is said.
    let mut m = Model::new(Settings::default());
    m.apply(snapshot(vec![]), now());
    let fx = m.apply(snapshot(vec![wire_call(3, "B003", 12), wire_call(2, "B002", 5)]), now() + Duration::seconds(20));
    assert_eq!(announced(&fx), ["B003@3"]);
}

#[test]
fn a_call_and_its_recall_missed_while_away_are_each_announced_once() {
    let mut m = Model::new(Settings { recent: 3, ..Settings::default() });
    m.apply(snapshot(vec![]), now());
    let later = now() + Duration::seconds(30);
    let first = wire_call(5, "A005", 10);
    let recall = wire::Call { recall: true, at: at(20), ..first.clone() };
    // Eight calls missed at eight other windows, each still calling: more than the list holds.
    let elsewhere = |i: u32| wire::Call {
        window_id: format!("w{:02}", 10 + i),
        window_number: 10 + i,
        ..wire_call(100 + i64::from(i), &format!("C{i:03}"), i64::from(i))
    };
    let mut calls: Vec<wire::Call> = (1..=8).map(elsewhere).collect();
    calls.push(first.clone());
    calls.push(recall.clone());
    calls.reverse(); // newest first, as the server gives them
    let fx = m.apply(snapshot(calls.clone()), later);
    assert_eq!(fx.len(), 10);
    // The stream replays all of them: nothing is said again.
    for (i, c) in calls.iter().rev().enumerate() {
        let replay =
            Input::Event { id: 50 + i as i64, kind: "ticket_called".into(), data: serde_json::to_value(c).unwrap() };
        assert!(m.apply(replay, later).is_empty(), "{} again", c.number);
    }
}

fn queue_event(id: i64, open: bool, reason: Option<&str>) -> Input {
    let mut issuing = json!({"open": open});
    if let Some(r) = reason {
        issuing["reason"] = json!(r);
        issuing["next_open"] = json!("2026-11-26T08:30:00+08:00");
    }
    Input::Event {
        id,
        kind: "queue_changed".into(),
        data: json!({"queue": "mz", "prefix": "B", "name": "民政", "waiting": 3, "estimated_wait_minutes": 20,
                     "oldest_wait_minutes": 12, "issuing": issuing}),
    }
}

fn stopped_today(m: &Model) -> bool {
    m.no_more_today(&m.queues[0])
}

#[test]
fn no_more_tickets_today_follows_the_queues_issuing_live() {
    let mut m = Model::new(Settings::default());
    m.apply(snapshot(vec![]), now());
    assert!(!stopped_today(&m), "open in the snapshot");
    // The lunch break is not the end of the day.
    m.apply(queue_event(1, false, Some("lunch_break")), now());
    assert!(!stopped_today(&m));
    m.apply(queue_event(2, false, Some("not_open_yet")), now());
    assert!(!stopped_today(&m));
    for (id, reason) in [(3, "cut_off"), (5, "closed_today"), (7, "quota_reached")] {
        m.apply(queue_event(id, false, Some(reason)), now());
        assert!(stopped_today(&m), "{reason}");
        // The director reopens issuing for the day.
        m.apply(queue_event(id + 1, true, None), now());
        assert!(!stopped_today(&m), "reopened after {reason}");
    }
    // The view carries it to the screen.
    m.apply(queue_event(9, false, Some("cut_off")), now());
    let v = crate::view::View::of(&m, now(), chrono_tz::Asia::Shanghai, false);
    assert!(v.queues[0].4);
}

#[test]
fn the_halls_issuing_comes_with_the_snapshot_and_issuing_changed() {
    let mut m = Model::new(Settings::default());
    let mut s = snapshot(vec![]);
    if let Input::Snapshot(snap) = &mut s {
        let closed =
            wire::Issuing { open: false, reason: Some(wire::IssuingStop::ClosedToday), ..wire::Issuing::default() };
        snap.hall.issuing = closed.clone();
        snap.queues[0].issuing = closed;
    }
    m.apply(s, now());
    assert!(!m.hall_issuing.open);
    assert!(stopped_today(&m), "a closed day, from the snapshot");
    // A queue stopped without a reason of its own follows the hall's.
    m.apply(queue_event(1, false, None), now());
    assert!(stopped_today(&m));
    m.apply(
        Input::Event { id: 2, kind: "issuing_changed".into(), data: json!({"open": true, "reopened": true}) },
        now(),
    );
    assert!(m.hall_issuing.open && m.hall_issuing.reopened);
    assert!(!stopped_today(&m), "the hall reopened");
    m.apply(queue_event(3, true, None), now());
    assert!(!stopped_today(&m));
}

#[test]
fn a_call_by_appointment_is_marked_on_the_lobby_and_at_its_window() {
    let mut m = Model::new(Settings { window: Some(3), ..Settings::default() });
    m.apply(snapshot(vec![]), now());
    let booked = |id: i64, ticket: i64, number: &str, secs: i64| {
        let Input::Event { id, kind, mut data } = called(id, ticket, number, 3, secs, false) else { unreachable!() };
        data["booked"] = json!(true);
        Input::Event { id, kind, data }
    };
    m.apply(called(1, 1, "B001", 3, 0, false), now());
    m.apply(booked(2, 2, "B002", 1), now());
    let serving = |id: i64, number: &str| Input::Event {
        id,
        kind: "window_status".into(),
        data: json!({"window_id": "w03", "window_number": 3, "status": "open", "serving": number, "at": at(2)}),
    };
    m.apply(serving(3, "B002"), now());
    let v = crate::view::View::of(&m, now(), chrono_tz::Asia::Shanghai, false);
    assert!(v.booked, "the newest call came by appointment");
    let marks: Vec<(&str, bool)> = v.recent.iter().map(|r| (r.0.as_str(), r.4)).collect();
    assert_eq!(marks, [("B002", true), ("B001", false)]);
    assert!(v.my_serving_booked, "the window serves the booked number");
    // Serving a walk-in: no mark.
    m.apply(serving(4, "B001"), now());
    let v = crate::view::View::of(&m, now(), chrono_tz::Asia::Shanghai, false);
    assert!(!v.my_serving_booked);
}

#[test]
fn calls_replayed_after_a_reconnection_take_their_place_by_time() {
    let mut m = Model::new(Settings { recent: 3, ..Settings::default() });
    m.apply(snapshot(vec![]), now());
    // Six calls while away; the snapshot has the three newest, the stream replays all six.
    let calls: Vec<wire::Call> = (1..=6).map(|i| wire_call(100 + i, &format!("C{i:03}"), i)).collect();
    let later = now() + Duration::minutes(5);
    m.apply(snapshot(calls.iter().rev().take(3).cloned().collect()), later);
    for (i, c) in calls.iter().enumerate() {
        let replay =
            Input::Event { id: 10 + i as i64, kind: "ticket_called".into(), data: serde_json::to_value(c).unwrap() };
        m.apply(replay, later);
    }
    let list: Vec<&str> = m.recent.iter().map(|c| c.number.as_str()).collect();
    assert_eq!(list, ["C006", "C005", "C004"], "the current calls stay");
    assert_eq!(m.latest.as_ref().unwrap().number, "C006");
    // A new call goes on top as ever.
    m.apply(called(20, 200, "C007", 3, 400, false), later);
    assert_eq!(m.latest.as_ref().unwrap().number, "C007");
}

#[test]
fn a_display_left_on_overnight_shows_none_of_yesterdays_calls() {
    let mut m = Model::new(Settings::default());
    m.apply(called(1, 7, "D003", 5, 8 * 3600, false), now()); // 17:00 in the hall
    let evening = now() + Duration::hours(8);
    let v = crate::view::View::of(&m, evening, chrono_tz::Asia::Shanghai, false);
    assert!(v.has_call && v.recent.len() == 1, "shown the day it was made");
    // The next morning nothing was called yet: today's D003 must not read its number as called.
    let morning = now() + Duration::hours(23) + Duration::minutes(30); // 08:30 the next day
    let v = crate::view::View::of(&m, morning, chrono_tz::Asia::Shanghai, false);
    assert!(!v.has_call && v.recent.is_empty(), "{:?} {:?}", v.number, v.recent);
}

#[test]
fn a_server_off_overnight_leaves_no_earlier_days_queues_or_clerks_on_screen() {
    let shanghai = chrono_tz::Asia::Shanghai;
    for window in [None, Some(3)] {
        let mut m = Model::new(Settings { window, ..Settings::default() });
        m.apply(snapshot(vec![]), now());
        m.windows[0].staff = Some(wire::StaffOnDuty {
            name: "王芳".into(),
            staff_no: "QS-01".into(),
            signed_in_at: at(0),
            signed_in_ms: 0,
            stand_in: false,
            photo_url: None,
        });
        let evening = now() + Duration::hours(9); // 18:00: the server is switched off
        m.apply(Input::Disconnected, evening);
        let v = crate::view::View::of(&m, evening + Duration::minutes(1), shanghai, false);
        assert_eq!(v.queues.len(), 1, "the same evening: the last figures, the link said lost");
        let morning = now() + Duration::hours(23);
        let v = crate::view::View::of(&m, morning, shanghai, false);
        assert!(v.queues.is_empty(), "{window:?}: yesterday's waiting counts and stops are not today's");
        assert_eq!(v.staff_name, "", "{window:?}: yesterday's clerk is not on duty");
        if window.is_some() {
            assert_eq!(v.my_window_state, "正在连接服务器…");
        }
    }
}

#[test]
fn a_window_display_not_yet_connected_says_so_not_that_its_window_is_unknown() {
    let m = Model::new(Settings { window: Some(3), ..Settings::default() });
    let v = crate::view::View::of(&m, now(), chrono_tz::Asia::Shanghai, false);
    assert_eq!(v.my_window_state, "正在连接服务器…");
    let mut m = m;
    m.apply(snapshot(vec![]), now());
    let mut other = m.clone();
    other.settings.window = Some(9);
    let v = crate::view::View::of(&other, now(), chrono_tz::Asia::Shanghai, false);
    assert_eq!(v.my_window_state, "未找到该窗口", "the hall has no window 9");
}

/// At opening every window calls: the first calls leave the screen's short list within seconds
/// while they still wait their turn to be said. One taken back is withdrawn all the same, and
/// the call below the big one taken back does not flash as if new.
#[test]
fn a_call_taken_back_is_withdrawn_from_the_voice_though_it_left_the_screen() {
    let mut m = Model::new(Settings { recent: 2, ..Settings::default() });
    for (i, n) in ["A001", "A002", "A003"].iter().enumerate() {
        let i = i as i64;
        assert_eq!(
            announced(&m.apply(called(i + 1, i + 1, n, i as u32 + 1, i, false), now())),
            [format!("{n}@{}", i + 1)]
        );
    }
    assert!(m.recent.iter().all(|c| c.number != "A001"), "off the short list");
    let requeued = |id, ticket: i64, number: &str| Input::Event {
        id,
        kind: "ticket_requeued".into(),
        data: json!({"ticket_id": ticket, "number": number, "queue": "a", "at": at(5)}),
    };
    let fx = m.apply(requeued(4, 1, "A001"), now() + Duration::seconds(5));
    assert_eq!(fx, vec![Effect::Withdraw { number: "A001".into(), window: 1, called_at: fixed(0) }]);
    assert!(m.flashing(now() + Duration::seconds(5)));
    let fx = m.apply(requeued(5, 3, "A003"), now() + Duration::seconds(5));
    assert_eq!(fx, vec![Effect::Withdraw { number: "A003".into(), window: 3, called_at: fixed(2) }]);
    assert_eq!(m.latest.as_ref().map(|c| c.number.as_str()), Some("A002"));
    assert!(!m.flashing(now() + Duration::seconds(5)), "A002 is no new call");
}

/// A window removed from the hall during the day: its earlier calls come with window 0 and
/// are neither shown nor said (「到0号窗口」 sends nobody anywhere).
#[test]
fn a_call_at_a_window_the_hall_no_longer_has_is_not_shown() {
    let mut m = Model::new(Settings::default());
    m.apply(snapshot(vec![]), now());
    let gone =
        wire::Call { window_id: "w11".into(), window_number: 0, window_name: String::new(), ..wire_call(9, "L004", 1) };
    let fx = m.apply(snapshot(vec![gone, wire_call(8, "B003", 0)]), now() + Duration::seconds(2));
    assert_eq!(announced(&fx), ["B003@3"]);
    let shown: Vec<&str> = m.recent.iter().map(|c| c.number.as_str()).collect();
    assert_eq!(shown, ["B003"]);
}

/// The display above window 3 flashes for its call; window 5 calling a second later does not
/// cut it short.
#[test]
fn a_window_display_keeps_flashing_for_its_call_when_another_window_calls() {
    let mut m = Model::new(Settings { window: Some(3), ..Settings::default() });
    m.apply(snapshot(vec![]), now());
    m.apply(called(1, 1, "B001", 3, 0, false), now());
    m.apply(called(2, 2, "A001", 5, 1, false), now() + Duration::seconds(1));
    assert!(m.flashing(now() + Duration::seconds(2)));
    let v = crate::view::View::of(&m, now() + Duration::seconds(2), chrono_tz::Asia::Shanghai, false);
    assert!(v.flashing, "its own call still flashes on screen");
    // Window 5's call taken back does not cut it short either.
    let requeued = Input::Event {
        id: 3,
        kind: "ticket_requeued".into(),
        data: json!({"ticket_id": 2, "number": "A001", "queue": "a", "at": at(2)}),
    };
    m.apply(requeued, now() + Duration::seconds(2));
    assert!(m.flashing(now() + Duration::seconds(3)));
    // Window 5's call alone would not flash it.
    let mut quiet = Model::new(Settings { window: Some(3), ..Settings::default() });
    quiet.apply(snapshot(vec![]), now());
    quiet.apply(called(1, 2, "A001", 5, 1, false), now() + Duration::seconds(1));
    assert!(!quiet.flashing(now() + Duration::seconds(2)));
    // The lobby's display flashes for every call.
    let mut lobby = Model::new(Settings::default());
    lobby.apply(called(1, 2, "A001", 5, 8, false), now() + Duration::seconds(8));
    assert!(lobby.flashing(now() + Duration::seconds(9)));
}
