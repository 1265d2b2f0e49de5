//! Connections that would hold the server: slow or idle clients are cut off, a body announced
//! too large is refused at once, and live streams are capped per address and in total.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::TestServer;

/// Seconds until the server closes the connection (reads until EOF), at most 10.
async fn closed_after(stream: &mut tokio::net::TcpStream, trickle: bool) -> f64 {
    let t = Instant::now();
    let mut buf = [0u8; 1024];
    let request = b"GET /api/health HTTP/1.1\r\nHost: x\r\n";
    let mut sent = 0;
    while t.elapsed() < Duration::from_secs(10) {
        if trickle && sent < request.len() {
            if stream.write_all(&request[sent..sent + 1]).await.is_err() {
                break;
            }
            sent += 1;
        }
        match tokio::time::timeout(Duration::from_millis(300), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            _ => {}
        }
    }
    t.elapsed().as_secs_f64()
}

#[tokio::test]
async fn idle_and_trickling_clients_are_cut_off() {
    // A server whose header time-out is one second.
    let s = TestServer::options().header_timeout(Duration::from_secs(1)).start().await;
    let addr = s.addr;
    let mut idle = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (idle, slow) = tokio::join!(closed_after(&mut idle, false), closed_after(&mut slow, true));
    assert!(idle < 4.0, "an idle connection stayed {idle:.1} s");
    assert!(slow < 4.0, "a header sent a byte at a time stayed {slow:.1} s");
}

#[tokio::test]
async fn a_body_announced_too_large_is_refused_at_once() {
    let s = TestServer::start().await;
    let mut stream = tokio::net::TcpStream::connect(s.base.trim_start_matches("http://")).await.unwrap();
    let head = "POST /api/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer demo-kiosk\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{\"se";
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(3), stream.read(&mut buf)).await.expect("no answer").unwrap();
    let answer = String::from_utf8_lossy(&buf[..n]).to_string();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("body_too_large"), "{answer}");
}

#[tokio::test]
async fn live_streams_are_capped_per_address_and_give_their_place_back() {
    let s = TestServer::options().max_streams_per_address(2).start().await;
    let open = || s.http.get(format!("{}/api/events", s.base)).send();
    let (a, b) = (open().await.unwrap(), open().await.unwrap());
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200));
    let refused = open().await.unwrap();
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.json::<serde_json::Value>().await.unwrap()["error"], "too_many_streams");
    drop(a);
    // The closed stream's place comes back as soon as the server sees it gone (each try is a
    // full round trip; no sleeping).
    let t = Instant::now();
    loop {
        let r = open().await.unwrap();
        if r.status() == 200 {
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(10), "the place never came back");
    }
    drop(b);
}

#[tokio::test]
async fn behind_the_halls_proxy_each_phone_has_its_own_place() {
    // One place per address. Behind nginx every phone's stream arrives from the proxy: with the
    // proxy trusted, the address it forwards counts; without, a second phone would be refused.
    let check = |trusted: bool, want_other_phone: u16| async move {
        let mut options = TestServer::options().max_streams_per_address(1);
        if trusted {
            options = options.trusted_proxy("127.0.0.1".parse().unwrap());
        }
        let s = options.start().await;
        let open =
            |phone: &'static str| s.http.get(format!("{}/api/events", s.base)).header("X-Forwarded-For", phone).send();
        let first = open("10.0.0.1").await.unwrap();
        assert_eq!(first.status(), 200);
        let other = open("10.0.0.2").await.unwrap();
        assert_eq!(other.status().as_u16(), want_other_phone, "another phone, proxy trusted: {trusted}");
        // The same phone again is over its own cap either way.
        assert_eq!(open("10.0.0.1").await.unwrap().status(), 503, "proxy trusted: {trusted}");
    };
    check(true, 200).await;
    check(false, 503).await;
}
