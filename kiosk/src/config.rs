//! Where the kiosk's settings come from: a TOML file (`--config`, default
//! `/etc/hall/kiosk.toml` when present), then the command line, which wins.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

/// The file's form. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub server: Option<String>,
    /// A private CA's certificate (PEM) that signed an `https://` server's certificate.
    pub ca: Option<PathBuf>,
    pub token: Option<String>,
    pub printer: Option<String>,
    pub paper: Option<String>,
    pub fullscreen: Option<bool>,
    pub lang: Option<String>,
    pub idle_seconds: Option<u64>,
}

/// The settings in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub server: String,
    /// The CA certificate file trusted besides the system's (an `https://` server).
    pub ca: Option<PathBuf>,
    pub token: String,
    pub printer: hall_printer::Target,
    pub paper: hall_printer::PaperWidth,
    pub fullscreen: bool,
    pub english: bool,
    pub idle_seconds: u64,
}

pub const DEFAULT_FILE: &str = "/etc/hall/kiosk.toml";

pub fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("{}: not a valid kiosk configuration", path.display()))
}

/// The file named, or the default file if it exists, or nothing.
pub fn load(explicit: Option<&PathBuf>) -> anyhow::Result<FileConfig> {
    match explicit {
        Some(p) => read_file(p),
        None if Path::new(DEFAULT_FILE).exists() => read_file(Path::new(DEFAULT_FILE)),
        None => Ok(FileConfig::default()),
    }
}

/// Command-line values (`Some`) win over the file's; then the defaults.
pub struct Overrides {
    pub server: Option<String>,
    pub ca: Option<PathBuf>,
    pub token: Option<String>,
    pub printer: Option<String>,
    pub paper: Option<String>,
    pub fullscreen: bool,
    pub lang: Option<String>,
    pub idle_seconds: Option<u64>,
}

pub fn resolve(file: FileConfig, cli: Overrides) -> anyhow::Result<Config> {
    // No default: a kiosk that silently drew its tickets to a file would hand out nothing.
    let printer = cli.printer.or(file.printer).context(
        "which printer? --printer tcp://HOST:9100, usb://VID:PID, file:/dev/usb/lp0 or preview:ticket.png \
         (or `printer` in the settings file)",
    )?;
    let paper = cli.paper.or(file.paper).unwrap_or_else(|| "80".into());
    let lang = cli.lang.or(file.lang).unwrap_or_else(|| "zh".into());
    let english = match lang.as_str() {
        "zh" | "zh-CN" | "zh_CN" => false,
        "en" => true,
        other => anyhow::bail!("unknown language `{other}` (zh or en)"),
    };
    let server = cli.server.or(file.server).unwrap_or_else(|| "http://127.0.0.1:8080".into());
    Ok(Config {
        server: server_url(&server).with_context(|| format!("server `{server}`"))?,
        ca: cli.ca.or(file.ca),
        token: cli.token.or(file.token).unwrap_or_default(),
        printer: printer.parse().map_err(|e| anyhow::anyhow!("printer `{printer}`: {e}"))?,
        paper: paper.parse().map_err(|e| anyhow::anyhow!("paper `{paper}`: {e}"))?,
        fullscreen: cli.fullscreen || file.fullscreen.unwrap_or(false),
        english,
        idle_seconds: cli.idle_seconds.or(file.idle_seconds).unwrap_or(60).max(10),
    })
}

/// The server's address: an http(s) URL with a host (a mistyped one would read as a server
/// that never answers: 正在连接服务器… for ever).
fn server_url(s: &str) -> anyhow::Result<String> {
    let hint = "give it as http://ADDRESS:PORT, e.g. http://192.168.1.10:8080";
    let url = reqwest::Url::parse(s).map_err(|e| anyhow::anyhow!("not a URL ({e}): {hint}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        anyhow::bail!("not an http:// or https:// address with a host: {hint}");
    }
    Ok(s.trim_end_matches('/').to_string())
}

/// The token the example settings file ships with, never a device's.
pub const PLACEHOLDER_TOKEN: &str = "replace-with-the-device-token";

#[cfg(test)]
mod tests {
    use super::*;

    fn none() -> Overrides {
        Overrides {
            server: None,
            ca: None,
            token: None,
            printer: None,
            paper: None,
            fullscreen: false,
            lang: None,
            idle_seconds: None,
        }
    }

    #[test]
    fn the_command_line_wins_over_the_file() {
        let file: FileConfig = toml::from_str(
            "server = \"http://hall:8080\"\ntoken = \"t1\"\nprinter = \"tcp://10.0.0.9\"\nlang = \"en\"",
        )
        .unwrap();
        let c = resolve(file, Overrides { token: Some("t2".into()), ..none() }).unwrap();
        assert_eq!(c.server, "http://hall:8080");
        assert_eq!(c.token, "t2");
        assert_eq!(c.printer.to_string(), "tcp://10.0.0.9:9100");
        assert!(c.english);
        assert_eq!(c.idle_seconds, 60);
    }

    #[test]
    fn mistakes_are_named() {
        let err =
            |file: &str, cli: Overrides| format!("{:#}", resolve(toml::from_str(file).unwrap(), cli).unwrap_err());
        assert!(err("token = \"t\"\nprinter = \"tcp://p\"\nlang = \"fr\"", none()).contains("fr"));
        assert!(err("token = \"t\"", none()).contains("which printer"));
        assert!(err("token = \"t\"\nprinter = \"lpt1\"", none()).contains("lpt1"));
        // An address without its scheme: named, with how to write it.
        let server = err("server = \"192.168.1.10:8080\"\ntoken = \"t\"\nprinter = \"tcp://p\"", none());
        assert!(server.contains("192.168.1.10:8080") && server.contains("http://ADDRESS:PORT"), "{server}");
        assert!(toml::from_str::<FileConfig>("colour = 1").is_err(), "unknown keys are refused");
    }

    #[test]
    fn the_example_file_reads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("hall-kiosk.example.toml");
        let c = resolve(read_file(&path).unwrap(), none()).unwrap();
        assert_eq!(c.printer.to_string(), "tcp://192.168.1.50:9100");
        assert!(c.fullscreen && !c.english);
        // Installed as it is, the kiosk refuses to start: its token is no device's (every 取号
        // would be refused, and its printer faults never told).
        let refused = crate::app::run(c).unwrap_err().to_string();
        assert!(refused.contains("still the example's"), "{refused}");
    }
}
