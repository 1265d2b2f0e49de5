//! Load over HTTP: concurrent kiosks issuing tickets, and call-next latency in a big hall.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use reqwest::Client;
use serde_json::{json, Value};

use crate::stats::Samples;

pub fn client() -> Client {
    Client::builder().pool_max_idle_per_host(512).timeout(Duration::from_secs(30)).build().expect("client")
}

/// A matter a kiosk issues without an identity number (the hall marks some matters `id_number`:
/// those ask the citizen for it, and at most a few live tickets per person).
pub fn walk_in(service: &Value) -> bool {
    service["id_number"] != json!(true)
}

/// A matter with promised working days: its tickets may end as promised, joint or reported
/// cases (one done on the spot is refused them).
pub fn promises(service: &Value) -> bool {
    service["time_limit_days"].as_u64().is_some_and(|d| d > 0)
}

pub async fn issue(http: &Client, base: &str, token: &str, service: &str) -> anyhow::Result<Value> {
    let res = http
        .post(format!("{base}/api/tickets"))
        .bearer_auth(token)
        .json(&json!({"service_id": service}))
        .send()
        .await?;
    if res.status() != 201 {
        bail!("issue: {} {}", res.status(), res.text().await?);
    }
    Ok(res.json().await?)
}

pub struct Issuance {
    pub per_second: f64,
    pub latency: Samples,
}

/// `kiosks` concurrent issuers for `secs` seconds. Each is one keep-alive HTTP/1.1 connection
/// writing a request prepared once and reading the answer's head and body: in the hall every
/// kiosk is its own machine, so the load generator should cost the server's two cores as little
/// as it can (a general HTTP client in this process took a large share of them).
pub async fn issuance(base: &str, kiosks: usize, secs: f64, services: &[&str]) -> anyhow::Result<Issuance> {
    let addr = base.trim_start_matches("http://").to_string();
    let until = Instant::now() + Duration::from_secs_f64(secs);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for k in 0..kiosks {
        let addr = addr.clone();
        let body = json!({ "service_id": services[k % services.len()] }).to_string();
        let request = format!(
            "POST /api/tickets HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer demo-kiosk\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        tasks.push(tokio::spawn(async move {
            let mut conn = KeepAlive::connect(&addr).await?;
            let mut lat = Samples::default();
            while Instant::now() < until {
                let t = Instant::now();
                let status = conn.exchange(request.as_bytes()).await?;
                if status != 201 {
                    bail!("issue: HTTP {status}");
                }
                lat.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>(lat)
        }));
    }
    let mut latency = Samples::default();
    for t in tasks {
        latency.extend(t.await??);
    }
    Ok(Issuance { per_second: latency.len() as f64 / start.elapsed().as_secs_f64(), latency })
}

/// One keep-alive connection that sends whole requests and reads whole answers.
struct KeepAlive {
    stream: tokio::net::TcpStream,
    buf: Vec<u8>,
}

impl KeepAlive {
    async fn connect(addr: &str) -> anyhow::Result<KeepAlive> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(KeepAlive { stream, buf: Vec::with_capacity(4096) })
    }

    /// Sends `request` and reads its answer; the answer's status.
    async fn exchange(&mut self, request: &[u8]) -> anyhow::Result<u16> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        self.stream.write_all(request).await?;
        self.buf.clear();
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = std::str::from_utf8(&self.buf[..end]).context("answer head")?;
                let status: u16 = head.get(9..12).and_then(|s| s.parse().ok()).context("status line")?;
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length").then(|| v.trim().parse().ok())?
                    })
                    .context("content-length")?;
                while self.buf.len() < end + 4 + length {
                    let n = self.stream.read(&mut chunk).await?;
                    if n == 0 {
                        bail!("the server closed the connection");
                    }
                    self.buf.extend_from_slice(&chunk[..n]);
                }
                return Ok(status);
            }
            let n = self.stream.read(&mut chunk).await?;
            if n == 0 {
                bail!("the server closed the connection");
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

/// Puts `n` tickets in the queues of `services` (8 issuers at once), none called.
pub async fn prefill(base: &str, n: usize, services: &[&str]) -> anyhow::Result<()> {
    let http = client();
    let mut tasks = Vec::new();
    for k in 0..8 {
        let (http, base) = (http.clone(), base.to_string());
        let service = services[k % services.len()].to_string();
        let count = n / 8 + usize::from(k < n % 8);
        tasks.push(tokio::spawn(async move {
            for _ in 0..count {
                issue(&http, &base, "demo-kiosk", &service).await?;
            }
            Ok::<_, anyhow::Error>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(())
}

/// A hall of `windows` windows (10 per matter, 20 matters in 10 queues), one clerk per window
/// with the password `bench`, and the kiosk token `demo-kiosk`: demo accounts and devices (one
/// copied hash, the sample's public token), as the bench's server runs with demo on.
pub fn big_hall(dir: &Path, windows: usize) -> anyhow::Result<std::path::PathBuf> {
    let hash = hall_server::auth::hash_password("bench")?;
    let kiosk = hall_server::auth::token_hash("demo-kiosk");
    let mut t = String::new();
    writeln!(t, "[hall]\nname = \"基准测试大厅\"\n\n[[departments]]\nid = \"zonghe\"\nname = \"综合受理\"\n")?;
    for q in 0..10 {
        let prefix = (b'A' + q as u8) as char;
        writeln!(t, "[[queues]]\nid = \"q{q}\"\nprefix = \"{prefix}\"\nname = \"队列{prefix}\"\n")?;
    }
    for w in 1..=windows {
        writeln!(t, "[[windows]]\nid = \"w{w}\"\nnumber = {w}\nname = \"{w}号窗口\"\ndepartment = \"zonghe\"\n")?;
        writeln!(
            t,
            "[[staff]]\nusername = \"clerk{w}\"\nname = \"职员{w}\"\nrole = \"clerk\"\npassword_hash = \"{hash}\"\ndemo = true\n"
        )?;
    }
    let matters = windows.div_ceil(10);
    for m in 0..matters {
        let ws: Vec<String> = (m * 10 + 1..=(m * 10 + 10).min(windows)).map(|w| format!("\"w{w}\"")).collect();
        writeln!(
            t,
            "[[matters]]\nid = \"m{m}\"\nname = \"事项{m}\"\ndepartment = \"zonghe\"\nqueue = \"q{}\"\nwindows = [{}]\n\
             time_limit_days = 0\nmaterials = [{{ name = \"身份证\", kind = \"main\" }}]\n",
            m % 10,
            ws.join(", ")
        )?;
    }
    writeln!(t, "[[kiosks]]\nid = \"bench\"\ntoken_sha256 = \"{kiosk}\"\ndemo = true")?;
    let path = dir.join("big-hall.toml");
    std::fs::write(&path, t)?;
    hall_server::config::load(&path).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(path)
}

pub async fn sign_in_all(http: &Client, base: &str, windows: usize, password: &str) -> anyhow::Result<Vec<String>> {
    let tokens = Arc::new(tokio::sync::Mutex::new(vec![String::new(); windows]));
    let mut tasks = Vec::new();
    for chunk in (1..=windows).collect::<Vec<_>>().chunks(windows.div_ceil(4).max(1)) {
        let (http, base, tokens, chunk, password) =
            (http.clone(), base.to_string(), tokens.clone(), chunk.to_vec(), password.to_string());
        tasks.push(tokio::spawn(async move {
            for w in chunk {
                let body = json!({"username": format!("clerk{w}"), "password": password, "window_id": format!("w{w}")});
                let res = http.post(format!("{base}/api/auth/login")).json(&body).send().await?;
                let v: Value = res.json().await?;
                let token = v["token"].as_str().with_context(|| format!("login clerk{w}: {v}"))?.to_string();
                tokens.lock().await[w - 1] = token;
            }
            Ok::<_, anyhow::Error>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(Arc::try_unwrap(tokens).map_err(|_| anyhow::anyhow!("tokens still shared"))?.into_inner())
}

/// Sequential call-next latencies (each followed by an untimed finish). With `refill`, a new
/// ticket is issued before each call so that the number waiting stays the same.
pub async fn call_next_latency(
    http: &Client,
    base: &str,
    tokens: &[String],
    calls: usize,
    refill: bool,
) -> anyhow::Result<Samples> {
    let mut lat = Samples::default();
    for i in 0..calls {
        let w = (i * 7) % tokens.len() + 1; // spread over windows and matters
        if refill {
            issue(http, base, "demo-kiosk", &format!("m{}", (w - 1) / 10)).await?;
        }
        let t = Instant::now();
        let res = http.post(format!("{base}/api/windows/w{w}/call-next")).bearer_auth(&tokens[w - 1]).send().await?;
        lat.push(t.elapsed());
        if res.status() != 200 {
            bail!("call-next at w{w}: {} {}", res.status(), res.text().await?);
        }
        let fin = http
            .post(format!("{base}/api/windows/w{w}/finish"))
            .bearer_auth(&tokens[w - 1])
            .json(&json!({"outcome": "immediate"}))
            .send()
            .await?;
        if fin.status() != 200 {
            bail!("finish at w{w}: {}", fin.status());
        }
    }
    Ok(lat)
}

/// Issues `n` tickets spread over the big hall's matters, 32 at a time.
pub async fn fill(http: &Client, base: &str, n: usize, matters: usize) -> anyhow::Result<()> {
    let mut tasks = Vec::new();
    for k in 0..32 {
        let (http, base) = (http.clone(), base.to_string());
        tasks.push(tokio::spawn(async move {
            let mut i = k;
            while i < n {
                issue(&http, &base, "demo-kiosk", &format!("m{}", i % matters)).await?;
                i += 32;
            }
            Ok::<_, anyhow::Error>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(())
}
