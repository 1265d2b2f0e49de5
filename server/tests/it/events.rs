//! Live events over SSE, and resume with Last-Event-ID from the table.

use serde_json::json;

use crate::support::{Sse, TestServer};

#[tokio::test]
async fn a_display_receives_calls_and_recalls() {
    let s = TestServer::start().await;
    let mut display = Sse::connect(&s.base, None).await;
    s.issue("mz-dibao").await;
    let c = s.clerk("clerk3", "w03").await;
    s.act(&c, "w03", "call-next").await;
    let (called, seen) = display.until("ticket_called").await;
    assert_eq!(seen[0].kind, "ticket_issued");
    assert_eq!(
        called.data,
        json!({"ticket_id": 1, "number": "B001", "window_id": "w03", "window_number": 3,
               "window_name": "民政窗口（二）", "at": "2026-11-25T09:00:00+08:00", "recall": false,
               "booked": false})
    );
    s.act(&c, "w03", "recall").await;
    let (recall, _) = display.until("ticket_called").await;
    assert_eq!(recall.data["recall"], true);
    assert!(recall.id > called.id);
    let mut staff = Sse::connect_as(&s.base, Some(&c), Some(recall.id)).await;
    assert_eq!(s.post("/api/windows/w03/finish", &c, json!({"outcome": "promised"})).await.status, 200);
    // How an application ended is not the lobby's (nor anyone's on the LAN): the staff's only.
    let (finished, _) = display.until("ticket_finished").await;
    assert_eq!(finished.data.get("outcome"), None, "{}", finished.data);
    assert_eq!(finished.data["number"], "B001");
    let (finished, _) = staff.until("ticket_finished").await;
    assert_eq!(finished.data["outcome"], "promised");
}

#[tokio::test]
async fn a_display_that_was_away_misses_nothing_and_sees_nothing_twice() {
    let s = TestServer::start().await;
    let c = s.clerk("clerk2", "w02").await;
    let mut display = Sse::connect(&s.base, None).await;
    s.issue("mz-dibao").await;
    let (first, _) = display.until("queue_changed").await;
    drop(display); // the display goes offline

    for _ in 0..5 {
        s.issue("mz-linshi").await;
    }
    for _ in 0..3 {
        s.act(&c, "w02", "call-next").await;
        s.post("/api/windows/w02/finish", &c, json!({"outcome": "immediate"})).await;
    }
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let expected: Vec<(i64, String)> = db
        // A case's events are for staff streams only.
        .prepare("SELECT id, kind FROM events WHERE id > ?1 AND kind != 'case_changed' ORDER BY id")
        .unwrap()
        .query_map([first.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(expected.len() > 20);

    let mut back = Sse::connect(&s.base, Some(first.id)).await;
    let mut got = vec![];
    for _ in 0..expected.len() {
        let e = back.next().await;
        got.push((e.id, e.kind));
    }
    assert_eq!(got, expected);
    // Then live ones, continuing without a repeat.
    s.issue("mz-dibao").await;
    let live = back.next().await;
    assert_eq!(live.kind, "ticket_issued");
    assert_eq!(live.id, expected.last().unwrap().0 + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_slow_display_falls_behind_the_buffer_and_still_gets_every_event() {
    let s = std::sync::Arc::new(TestServer::options().event_buffer(1).start().await);
    let mut slow = Sse::connect(&s.base, None).await;
    // Eight kiosks at once: batches of commits publish bursts far larger than the buffer.
    let kiosks: Vec<_> = (0..8)
        .map(|_| {
            let s = s.clone();
            tokio::spawn(async move {
                for _ in 0..75 {
                    s.issue("mz-dibao").await; // two events each
                }
            })
        })
        .collect();
    for k in kiosks {
        k.await.unwrap();
    }
    let mut ids = vec![];
    for _ in 0..1200 {
        ids.push(slow.next().await.id);
    }
    let expected: Vec<i64> = (1..=1200).collect();
    assert_eq!(ids, expected);
    let metrics = s.http.get(format!("{}/metrics", s.base)).send().await.unwrap().text().await.unwrap();
    let catch_ups: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("hall_sse_catch_ups_total "))
        .expect("catch-up metric")
        .parse()
        .unwrap();
    assert!(catch_ups > 0.0, "the buffer never overflowed; the test proves nothing:\n{metrics}");
}

/// A resuming stream reads the table only up to the newest event on disk: a row committed
/// while its flush still runs (here written behind the server's back, never published) is not
/// sent ahead of its acknowledgement — after a crash it would be gone, and its id given again.
#[tokio::test]
async fn a_resuming_stream_never_reads_an_event_not_yet_on_disk() {
    let s = TestServer::start().await;
    s.issue("mz-dibao").await; // events 1 and 2, published
    let db = rusqlite::Connection::open(&s.db).unwrap();
    db.execute("INSERT INTO events (id, at, kind, data) VALUES (3, 0, 'ticket_issued', '{\"not\":\"on disk\"}')", [])
        .unwrap();
    let mut display = Sse::connect(&s.base, Some(0)).await;
    let ids: Vec<i64> = vec![display.next().await.id, display.next().await.id];
    assert_eq!(ids, [1, 2]);
    s.issue("mz-dibao").await;
    let e = display.next().await;
    assert!(e.id > 3 && e.kind == "ticket_issued", "{} {} {}", e.id, e.kind, e.data);
}

#[tokio::test]
async fn resuming_past_the_newest_event_follows_from_now() {
    let s = TestServer::start().await;
    s.issue("mz-dibao").await; // events 1 and 2
                               // A display that knew a newer database (restored from a backup) is not left deaf.
    let mut display = Sse::connect(&s.base, Some(50_000)).await;
    s.issue("mz-dibao").await;
    let e = display.next().await;
    assert_eq!((e.id, e.kind.as_str()), (3, "ticket_issued"));
}

#[tokio::test]
async fn a_window_whose_clerk_session_expired_is_announced_closed() {
    let s = TestServer::options().sweep_every(std::time::Duration::from_millis(50)).start().await;
    s.clerk("clerk4", "w04").await;
    let mut display = Sse::connect(&s.base, None).await;
    s.clock().advance(chrono::Duration::hours(13));
    let (e, _) = display.until("window_status").await;
    assert_eq!(e.data["window_id"], "w04");
    assert_eq!(e.data["status"], "closed");
    assert!(e.data["staff"].is_null(), "the clerk who left is no longer shown");
}

/// A window that opens or closes changes the waits of its queues (one window more or fewer
/// serves them): each sign-in, sign-out and move of a clerk tells their queues, not only the
/// window's status, so that displays and the citizens' phones show the new estimate.
#[tokio::test]
async fn a_window_opening_or_closing_tells_its_queues() {
    let s = TestServer::start().await;
    let waiting = s.issue("rs-jmyibao").await; // someone waits in window 5's queue
    let queue = waiting["queue"].as_str().unwrap().to_string();
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let told = |after: i64| -> i64 {
        db.query_row(
            "SELECT COUNT(*) FROM events WHERE id > ?1 AND kind = 'queue_changed' AND json_extract(data, '$.queue') = ?2",
            rusqlite::params![after, queue],
            |r| r.get(0),
        )
        .unwrap()
    };
    let last = || -> i64 { db.query_row("SELECT MAX(id) FROM events", [], |r| r.get(0)).unwrap() };
    let mark = last();
    let clerk = s.clerk("clerk5", "w05").await;
    assert_eq!(told(mark), 1, "signed in at window 5");
    let mark = last();
    assert_eq!(s.post("/api/auth/logout", &clerk, json!({})).await.status, 204);
    assert_eq!(told(mark), 1, "signed out");
    // Not moved by the director while serving a citizen (nobody could finish it); once it is
    // finished, moved from window 5 to 7: window 5 closes, window 7 opens.
    let clerk = s.clerk("clerk5", "w05").await;
    assert_eq!(s.act(&clerk, "w05", "call-next").await.body["id"], waiting["id"]);
    assert_eq!(s.act(&clerk, "w05", "start").await.status, 200);
    let director = s.staff("director").await;
    let move_to_7 = json!({"username": "clerk5", "override_allowed": true});
    let busy = s.post("/api/windows/w07/stand-in", &director, move_to_7.clone()).await;
    crate::support::assert_error(&busy, 409, "window_busy");
    let path = format!("/api/tickets/{}", waiting["id"]);
    let ticket = s.send(reqwest::Method::GET, &path, Some(&director), None, None).await;
    assert_eq!(ticket.body["status"], "serving", "{}", ticket.body);
    assert_eq!(s.post("/api/windows/w05/finish", &clerk, json!({"outcome": "immediate"})).await.status, 200);
    let mark = last();
    let moved = s.post("/api/windows/w07/stand-in", &director, move_to_7).await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert!(told(mark) >= 1, "window 5 closed");
}
