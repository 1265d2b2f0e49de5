//! HTTPS without another program (`--tls-cert`, `--tls-key`): the API, the pages and the live
//! stream over TLS with a certificate made for the test; Strict-Transport-Security only under
//! TLS; a plain-HTTP client or an unknown certificate gets nothing; the binary refuses a key
//! that is not the certificate's, and says `https://` when it listens.

use std::process::Stdio;

use hall_testkit::{test_certificate_files, test_tls, Sse};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::support::TestServer;

#[tokio::test]
async fn the_hall_serves_https_with_strict_transport_security_and_plain_http_without() {
    let s = TestServer::options().tls(test_tls()).start().await;
    assert!(s.base.starts_with("https://"), "{}", s.base);
    for path in ["/api/health", "/clerk", "/assets/common.js"] {
        let res = s.http.get(format!("{}{path}", s.base)).send().await.unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
        let h = res.headers();
        assert_eq!(h.get("strict-transport-security").unwrap(), "max-age=31536000", "{path}");
        if path != "/api/health" {
            assert_eq!(h.get("x-frame-options").unwrap(), "DENY", "{path}");
            assert!(h.get("content-security-policy").unwrap().to_str().unwrap().contains("script-src 'self'"));
        }
    }
    // A ticket through TLS, and the kiosk's writes and a clerk's sign-in work the same.
    let ticket = s.issue("mz-dibao").await;
    assert!(ticket["number"].as_str().is_some_and(|n| !n.is_empty()), "{ticket}");
    let clerk = s.clerk("clerk1", "w01").await;
    assert!(!clerk.is_empty());

    // A client that does not know the CA is refused at the handshake; plain HTTP gets no answer.
    let stranger = reqwest::Client::new().get(format!("{}/api/health", s.base)).send().await;
    assert!(stranger.is_err(), "an unknown certificate was accepted");
    let plain = reqwest::Client::new().get(format!("http://{}/api/health", s.addr)).send().await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success(), "plain HTTP was served on the TLS port");

    // Over plain HTTP nothing claims HTTPS.
    let http = TestServer::start().await;
    let res = http.http.get(format!("{}/clerk", http.base)).send().await.unwrap();
    assert!(res.headers().get("strict-transport-security").is_none());
}

#[tokio::test]
async fn the_live_stream_flows_over_tls() {
    let tls = test_tls();
    let ca = reqwest::Certificate::from_pem(tls.ca_pem.as_bytes()).unwrap();
    let s = TestServer::options().tls(tls).start().await;
    let mut display =
        Sse::connect_with(&s.base, reqwest::Client::builder().add_root_certificate(ca).build().unwrap(), None).await;
    s.issue("mz-dibao").await;
    let e = display.next().await;
    assert_eq!(e.kind, "ticket_issued");
}

#[tokio::test]
async fn the_binary_serves_https_from_pem_files_and_refuses_a_key_that_is_not_the_certificates() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, ca) = test_certificate_files(dir.path());
    let other = tempfile::tempdir().unwrap();
    let (_, wrong_key, _) = test_certificate_files(other.path());
    let db = dir.path().join("hall.db");
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_hall-server"))
        .args(["--db", db.to_str().unwrap(), "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(&cert)
        .arg("--tls-key")
        .arg(&wrong_key)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("do not belong together"), "{said}");

    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_hall-server"))
        .args(["--db", db.to_str().unwrap(), "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // The log goes to the same output: the line that says where it listens.
    let mut base = String::new();
    while let Some(line) = lines.next_line().await.unwrap() {
        if let Some(at) = line.strip_prefix(hall_server::LISTENING_ON) {
            base = at.to_string();
            break;
        }
    }
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");
    let ca = reqwest::Certificate::from_pem(&std::fs::read(ca).unwrap()).unwrap();
    let client = reqwest::Client::builder().add_root_certificate(ca).build().unwrap();
    let health = client.get(format!("{base}/api/health")).send().await.unwrap();
    assert!(health.status().is_success());
    child.kill().await.unwrap();
}

/// Under TLS without `--public-url`, a printed notice's or a booking's QR code leads to
/// `https://` at the address the page was read from: a phone sent to `http://` on the TLS port
/// got nothing.
#[tokio::test]
async fn a_qr_code_made_under_tls_is_an_https_address() {
    let s = TestServer::options().tls(test_tls()).start().await;
    let res = s.http.get(format!("{}/book/12345678/qr.svg", s.base)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let svg = res.text().await.unwrap();
    let render = |url: String| {
        qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M)
            .unwrap()
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(180, 180)
            .quiet_zone(true)
            .build()
    };
    let host = s.base.trim_start_matches("https://");
    assert_eq!(svg, render(format!("https://{host}/book/12345678")));
    assert_ne!(svg, render(format!("http://{host}/book/12345678")));
}
