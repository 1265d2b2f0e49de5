//! Concurrent kiosks never share a number; concurrent clerks never share a ticket.

use std::collections::HashSet;

use serde_json::json;

use crate::support::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_kiosks_five_hundred_tickets_each_no_duplicate() {
    let s = std::sync::Arc::new(TestServer::start().await);
    let mut tasks = vec![];
    for k in 0..8 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let service = if k % 2 == 0 { "mz-dibao" } else { "mz-gaoling" }; // one queue, B
            let mut numbers = vec![];
            for _ in 0..500 {
                numbers.push(s.issue(service).await["number"].as_str().unwrap().to_string());
            }
            numbers
        }));
    }
    let mut all = vec![];
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), 4000, "duplicate numbers");
    let expected: HashSet<String> = (1..=4000).map(|n| format!("B{n:03}")).collect();
    assert_eq!(all.into_iter().collect::<HashSet<_>>(), expected, "gaps in numbering");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_clerks_calling_at_once_never_get_the_same_ticket() {
    let s = std::sync::Arc::new(TestServer::start().await);
    // Queue C (社保就业): w01, w05, w06 handle 城乡居民医保; w07 handles 失业登记.
    for i in 0..160 {
        s.issue(if i % 4 == 3 { "rs-shiye" } else { "rs-jmyibao" }).await;
    }
    let mut tasks = vec![];
    for (user, window) in [("clerk1", "w01"), ("clerk5", "w05"), ("clerk6", "w06"), ("clerk7", "w07")] {
        let s = s.clone();
        let token = s.clerk(user, window).await;
        tasks.push(tokio::spawn(async move {
            let mut got = vec![];
            loop {
                let r = s.act(&token, window, "call-next").await;
                if r.status == 204 {
                    return got;
                }
                assert_eq!(r.status, 200, "{}", r.body);
                got.push(r.body["id"].as_i64().unwrap());
                let f = s.post(&format!("/api/windows/{window}/finish"), &token, json!({"outcome": "immediate"})).await;
                assert_eq!(f.status, 200, "{}", f.body);
            }
        }));
    }
    let mut all = vec![];
    for t in tasks {
        let got = t.await.unwrap();
        assert!(!got.is_empty(), "every clerk got work");
        all.extend(got);
    }
    assert_eq!(all.len(), 160);
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), 160, "a ticket was called twice");
}
