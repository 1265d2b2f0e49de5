//! Real processes: hall servers (`hall-server --demo`, each with its own `[hall] id`, database
//! and port) and the county service.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The hall server's binary: `HALL_SERVER_BIN`, or beside this test's own folder
/// (`cargo test --workspace` builds it), or built now.
fn hall_server_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("HALL_SERVER_BIN") {
        return p.into();
    }
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("hall-server");
    if !bin.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let ok = std::process::Command::new(cargo)
            .args(["build", "-p", "hall-server", "--bin", "hall-server"])
            .status()
            .unwrap();
        assert!(ok.success(), "building hall-server");
    }
    bin
}

/// Starts a process and waits for its first stdout line `PREFIX http://ADDR`.
async fn spawn(mut cmd: Command, prefix: &str) -> (Child, String) {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::inherit()).kill_on_drop(true).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = tokio::time::timeout(Duration::from_secs(60), BufReader::new(stdout).lines().next_line())
        .await
        .expect("started within 60 s")
        .unwrap()
        .expect("a first line");
    let base = line.strip_prefix(prefix).unwrap_or_else(|| panic!("unexpected first line: {line}")).to_string();
    (child, base)
}

pub struct Hall {
    pub id: String,
    pub dir: tempfile::TempDir,
    pub child: Option<Child>,
    pub base: String,
    http: reqwest::Client,
}

impl Hall {
    pub async fn start(id: &str) -> Hall {
        Self::start_named(id, "青石镇便民服务中心").await
    }

    /// The sample hall under another id and name.
    pub async fn start_named(id: &str, name: &str) -> Hall {
        Self::start_with(id, &format!("id = \"{id}\""), name).await
    }

    /// The sample hall with no `[hall] id` (a configuration older than ids), named `id` in the
    /// county's halls file.
    pub async fn start_without_id(id: &str) -> Hall {
        Self::start_with(id, "", "青石镇便民服务中心").await
    }

    async fn start_with(id: &str, id_line: &str, name: &str) -> Hall {
        let dir = tempfile::tempdir().unwrap();
        let sample = include_str!("../../../halls/sample-town.toml");
        assert!(sample.contains("id = \"qingshui\""));
        let text = sample.replacen("id = \"qingshui\"", id_line, 1).replacen(
            "name = \"青石镇便民服务中心\"",
            &format!("name = \"{name}\""),
            1,
        );
        std::fs::write(dir.path().join("hall.toml"), text).unwrap();
        let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
        let mut h = Hall { id: id.into(), dir, child: None, base: String::new(), http };
        h.up("127.0.0.1:0").await;
        h
    }

    async fn up(&mut self, listen: &str) {
        let mut cmd = Command::new(hall_server_bin());
        cmd.arg("--config")
            .arg(self.dir.path().join("hall.toml"))
            .arg("--db")
            .arg(self.db())
            .args(["--demo", "--issue-any-time", "--kiosk-rate-limit", "0", "--listen", listen])
            .env("RUST_LOG", "warn");
        let (child, base) = spawn(cmd, "hall-server listening on ").await;
        self.child = Some(child);
        self.base = base;
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("hall.db")
    }

    /// Stops the server (SIGKILL: a power cut at the hall).
    pub async fn kill(&mut self) {
        let mut c = self.child.take().unwrap();
        c.kill().await.unwrap();
    }

    /// Starts it again on the same port and database.
    pub async fn restart(&mut self) {
        let addr = self.base.trim_start_matches("http://").to_string();
        self.up(&addr).await;
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        let r = self.http.post(format!("{}{path}", self.base)).bearer_auth(token).json(&body).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        let r = self.http.get(format!("{}{path}", self.base)).bearer_auth(token).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    /// Signs in a demo account (at a window for a clerk); its token.
    pub async fn sign_in(&self, user: &str, window: Option<&str>) -> String {
        let body = json!({"username": user, "password": "demo", "window_id": window});
        let r = self.http.post(format!("{}/api/auth/login", self.base)).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 200);
        r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string()
    }

    pub async fn issue(&self) -> Value {
        self.issue_for("zh-zixun").await
    }

    pub async fn issue_for(&self, service: &str) -> Value {
        let (status, t) = self.post("/api/tickets", "demo-kiosk", json!({"service_id": service})).await;
        assert_eq!(status, 201, "{t}");
        t
    }

    pub async fn clerk(&self) -> String {
        let body = json!({"username": "clerk1", "password": "demo", "window_id": "w01"});
        let r = self.http.post(format!("{}/api/auth/login", self.base)).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 200);
        r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string()
    }

    /// Calls, starts and finishes the next ticket at w01.
    pub async fn serve_one(&self, clerk: &str) {
        for (action, body) in
            [("call-next", json!({})), ("start", json!({})), ("finish", json!({"outcome": "immediate"}))]
        {
            let (status, b) = self.post(&format!("/api/windows/w01/{action}"), clerk, body).await;
            assert_eq!(status, 200, "{action}: {b}");
        }
    }

    /// A staff member's session (no window: director, admin).
    pub async fn staff(&self, username: &str) -> String {
        let body = json!({"username": username, "password": "demo"});
        let r = self.http.post(format!("{}/api/auth/login", self.base)).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 200);
        r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string()
    }

    /// A GET that must answer 200: its body.
    pub async fn get_ok(&self, path: &str, token: &str) -> Value {
        let r = self.http.get(format!("{}{path}", self.base)).bearer_auth(token).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.json().await.unwrap()
    }

    /// The hall's own day today (Asia/Shanghai, the sample hall's zone).
    pub fn today(&self) -> String {
        (chrono::Utc::now() + chrono::Duration::hours(8)).format("%Y-%m-%d").to_string()
    }

    /// The hall's own event ids, read from its SQLite database (read-only).
    pub fn event_ids(&self) -> Vec<i64> {
        let conn =
            rusqlite::Connection::open_with_flags(self.db(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let mut stmt = conn.prepare("SELECT id FROM events ORDER BY id").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    }

    /// Tickets of the hall's day today (Asia/Shanghai, the sample hall's zone).
    pub fn tickets_today(&self) -> i64 {
        let conn =
            rusqlite::Connection::open_with_flags(self.db(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let today = (chrono::Utc::now() + chrono::Duration::hours(8)).format("%Y-%m-%d").to_string();
        conn.query_row("SELECT count(*) FROM tickets WHERE day = ?1", [today], |r| r.get(0)).unwrap()
    }
}

pub struct County {
    pub child: Child,
    pub base: String,
    halls_file: PathBuf,
    url: String,
}

impl County {
    pub async fn start(dir: &std::path::Path, database_url: &str, halls: &[&Hall]) -> County {
        let entries: Vec<(&str, &Hall)> = halls.iter().map(|h| (h.id.as_str(), *h)).collect();
        Self::start_as(dir, database_url, &entries).await
    }

    /// The halls file names each hall with the id given (a mistake in it, if it differs).
    pub async fn start_as(dir: &std::path::Path, database_url: &str, halls: &[(&str, &Hall)]) -> County {
        let mut text = String::new();
        for (id, h) in halls {
            text += &format!("[[halls]]\nid = \"{id}\"\nurl = \"{}\"\ntoken = \"demo-county\"\n\n", h.base);
        }
        Self::start_file(dir, database_url, &text, &[]).await
    }

    /// A halls file as given, and the process's extra environment.
    pub async fn start_file(
        dir: &std::path::Path,
        database_url: &str,
        text: &str,
        env: &[(&str, &std::path::Path)],
    ) -> County {
        let halls_file = dir.join("halls.toml");
        std::fs::write(&halls_file, text).unwrap();
        let (child, base) = Self::spawn_with(&halls_file, database_url, env).await;
        County { child, base, halls_file, url: database_url.into() }
    }

    async fn spawn(halls: &std::path::Path, url: &str) -> (Child, String) {
        Self::spawn_with(halls, url, &[]).await
    }

    async fn spawn_with(halls: &std::path::Path, url: &str, env: &[(&str, &std::path::Path)]) -> (Child, String) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hall-county"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.arg("--database-url")
            .arg(url)
            .arg("--halls")
            .arg(halls)
            .args(["--listen", "127.0.0.1:0", "--demo"])
            .env("RUST_LOG", "warn");
        spawn(cmd, hall_county::LISTENING_ON).await
    }

    /// SIGKILL, then a new process on the same database (without the extra environment).
    pub async fn kill_and_restart(&mut self) {
        self.child.kill().await.unwrap();
        let (child, base) = Self::spawn(&self.halls_file, &self.url).await;
        self.child = child;
        self.base = base;
    }
}
