//! Several halls at once: N `hall-server` processes started here (each with its own `[hall] id`,
//! database and port, from the sample town hall), or N halls already running; each driven by
//! its own simulation, all concurrently. For load on the county service (`hall-county`), which
//! follows every hall's events: [`county_halls_file`] writes the halls file it reads.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::{run_shaped, Probe, Shape, SimConfig, Summary};

/// The sample town hall (`halls/sample-town.toml`): every simulated hall is a copy of it.
pub const SAMPLE_HALL: &str = include_str!("../../halls/sample-town.toml");

/// The first line `hall-server` prints once it listens.
const LISTENING_ON: &str = "hall-server listening on ";

/// The id of the `n`-th hall (from 1): `hall-01`, … `hall-20`, … `hall-2000`.
pub fn hall_id(n: usize) -> String {
    format!("hall-{n:02}")
}

/// A copy of the hall configuration `sample` as hall `id`: its `[hall] id` replaced and its
/// name marked with `n`, so that the county's screen tells the halls apart.
pub fn hall_toml(sample: &str, id: &str, n: usize) -> anyhow::Result<String> {
    let mut out = String::with_capacity(sample.len() + 32);
    let (mut in_hall, mut id_done, mut name_done) = (false, false, false);
    for line in sample.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            in_hall = trimmed.starts_with("[hall]");
        }
        if in_hall && !id_done && (trimmed.starts_with("id ") || trimmed.starts_with("id=")) {
            out += &format!("id = \"{id}\"\n");
            id_done = true;
            continue;
        }
        if in_hall && !name_done && (trimmed.starts_with("name ") || trimmed.starts_with("name=")) {
            let Some((_, value)) = trimmed.split_once('=') else { bail!("`name` without a value in [hall]") };
            let name = value.trim().trim_matches('"');
            out += &format!("name = \"{name}（模拟{n:02}）\"\n");
            name_done = true;
            continue;
        }
        out += line;
    }
    if !(id_done && name_done) {
        bail!("the hall configuration has no [hall] id and name to replace");
    }
    Ok(out)
}

/// The county service's halls file (`hall-county --halls FILE`): one `[[halls]]` per
/// (id, url), each followed with `token` (a demo hall accepts `demo-county`).
pub fn county_halls_file(halls: &[(String, String)], token: &str) -> String {
    let mut text = String::from("# Written by hall-sim: the halls it drives, for hall-county --halls.\n");
    for (id, url) in halls {
        text += &format!("\n[[halls]]\nid = \"{id}\"\nurl = \"{url}\"\ntoken = \"{token}\"\n");
    }
    text
}

/// A hall server this run started (stopped when dropped).
pub struct Spawned {
    pub id: String,
    pub base: String,
    pub dir: PathBuf,
    pub child: Child,
}

/// `hall-server` beside this program (`cargo build` puts them together), else on the PATH.
pub fn default_hall_server() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("hall-server")))
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("hall-server"))
}

/// Starts `count` hall servers from the sample hall, each in its own folder under `dir`
/// (configuration and database), `--demo` on a free port of 127.0.0.1.
pub async fn spawn(bin: &Path, dir: &Path, count: usize) -> anyhow::Result<Vec<Spawned>> {
    let mut halls = Vec::with_capacity(count);
    for n in 1..=count {
        let id = hall_id(n);
        let folder = dir.join(&id);
        std::fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
        std::fs::write(folder.join("hall.toml"), hall_toml(SAMPLE_HALL, &id, n)?)?;
        let mut cmd = Command::new(bin);
        cmd.arg("--config")
            .arg(folder.join("hall.toml"))
            .arg("--db")
            .arg(folder.join("hall.db"))
            .args(["--demo", "--issue-any-time", "--kiosk-rate-limit", "0", "--listen", "127.0.0.1:0"])
            .env("RUST_LOG", std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let mut child = cmd.spawn().with_context(|| format!("starting {}", bin.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let line = tokio::time::timeout(Duration::from_secs(60), BufReader::new(stdout).lines().next_line())
            .await
            .with_context(|| format!("{id} did not start within 60 s"))??
            .with_context(|| format!("{id} exited before listening"))?;
        let Some(base) = line.strip_prefix(LISTENING_ON) else { bail!("{id}: unexpected first line: {line}") };
        halls.push(Spawned { id, base: base.to_string(), dir: folder, child });
    }
    Ok(halls)
}

/// Drives every hall of `servers` at once with `cfg` and `shape` (a seed of its own each);
/// answers each hall's summary in the same order. Probes carry the hall's index in `servers`.
pub async fn drive(servers: &[String], cfg: &SimConfig, shape: &Shape) -> anyhow::Result<Vec<Summary>> {
    let mut runs = Vec::with_capacity(servers.len());
    for (i, server) in servers.iter().enumerate() {
        let cfg = SimConfig { server: server.clone(), seed: cfg.seed.wrapping_add(i as u64), ..cfg.clone() };
        let probes: Option<(usize, tokio::sync::mpsc::UnboundedSender<Probe>)> =
            shape.probes.as_ref().map(|(_, tx)| (i, tx.clone()));
        let shape = Shape { arrivals: shape.arrivals, probes };
        runs.push(tokio::spawn(async move { run_shaped(cfg, None, shape).await }));
    }
    let mut out = Vec::with_capacity(runs.len());
    for (run, server) in runs.into_iter().zip(servers) {
        out.push(run.await.context("a hall's simulation panicked")?.with_context(|| format!("at {server}"))?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_copy_of_the_sample_is_its_own_hall() {
        let a = hall_toml(SAMPLE_HALL, "hall-07", 7).unwrap();
        assert!(a.contains("\nid = \"hall-07\"\n"), "the [hall] id");
        assert!(a.contains("name = \"青石镇便民服务中心（模拟07）\"\n"));
        assert!(!a.contains("id = \"qingshui\""));
        // Nothing else changed: the windows', kiosks' and counties' ids stay.
        assert_eq!(a.lines().count(), SAMPLE_HALL.lines().count());
        assert!(a.contains("id = \"county-centre\"") && a.contains("id = \"kiosk-lobby-1\""));
        let bare = "[hall]\nid=\"x\"\nname=\"镇\"\n[[windows]]\nid = \"w01\"\nname = \"1号\"\n";
        let b = hall_toml(bare, "hall-01", 1).unwrap();
        assert_eq!(b, "[hall]\nid = \"hall-01\"\nname = \"镇（模拟01）\"\n[[windows]]\nid = \"w01\"\nname = \"1号\"\n");
        let e = hall_toml("[[windows]]\nid = \"w01\"\n", "hall-01", 1).unwrap_err();
        assert!(e.to_string().contains("[hall]"), "{e}");
    }

    #[test]
    fn hall_ids_sort_as_numbers_up_to_99() {
        assert_eq!(hall_id(1), "hall-01");
        assert_eq!(hall_id(20), "hall-20");
        assert_eq!(hall_id(2000), "hall-2000");
    }

    #[test]
    fn the_county_halls_file_names_every_hall() {
        let halls = vec![
            ("hall-01".to_string(), "http://127.0.0.1:4001".to_string()),
            ("hall-02".to_string(), "http://127.0.0.1:4002".to_string()),
        ];
        let text = county_halls_file(&halls, "demo-county");
        assert_eq!(text.matches("[[halls]]").count(), 2);
        assert!(
            text.contains("[[halls]]\nid = \"hall-02\"\nurl = \"http://127.0.0.1:4002\"\ntoken = \"demo-county\"\n")
        );
    }
}
