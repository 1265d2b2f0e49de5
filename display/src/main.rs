//! `hall-display`: the lobby display (or a window's display) of the hall.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use hall_display::{app, controller, screenshots, voice};

/// Lobby display of the hall: the newest call very large, the recent calls, the queues, the
/// time and a scrolling notice, live from the server's event stream; each call is announced
/// aloud in Mandarin. With --window N it is the small display above window N.
#[derive(Parser)]
#[command(name = "hall-display", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Base URL of the hall server.
    #[arg(long, default_value = "http://127.0.0.1:8080", env = "HALL_SERVER", value_parser = server_url)]
    server: String,
    /// A private CA's certificate (PEM) for an https:// server whose certificate it signed (the
    /// system's CAs are trusted too).
    #[arg(long, value_name = "FILE", env = "HALL_CA")]
    ca: Option<std::path::PathBuf>,
    /// Show the display of window number N instead of the lobby.
    #[arg(long, value_name = "N", env = "HALL_DISPLAY_WINDOW")]
    window: Option<u32>,
    /// Full screen (for the lobby TV).
    #[arg(long)]
    fullscreen: bool,
    /// Who speaks the calls: the neural voice (falls back to espeak-ng), espeak-ng, or nobody.
    /// `on` is the neural voice. Default: neural for the lobby, off for a window's display (the
    /// lobby's voice says the same call: two would sound like an echo).
    #[arg(long, global = true, value_enum, env = "HALL_DISPLAY_VOICE")]
    voice: Option<VoiceOpt>,
    /// The neural voice: a voice (zf_xiaoyi, zm_yunxia, … files in $HALL_VOICE_DIR/voices) or a
    /// mix of voices with weights.
    #[arg(long, global = true, default_value = voice::engine::DEFAULT_VOICE, env = "HALL_DISPLAY_VOICE_NAME")]
    voice_name: String,
    /// Language of the screen: zh (Simplified Chinese) or en.
    #[arg(long, default_value = "zh", env = "HALL_DISPLAY_LANG")]
    lang: String,
    /// How many recent calls to list.
    #[arg(long, default_value_t = 6, env = "HALL_DISPLAY_RECENT")]
    recent: usize,
    /// What is said for a call; {number} and {window} are filled in.
    #[arg(long, global = true, default_value = voice::DEFAULT_TEMPLATE, env = "HALL_DISPLAY_TEMPLATE")]
    template: String,
    /// How many times each call is said.
    #[arg(long, global = true, default_value_t = 2, env = "HALL_DISPLAY_REPEAT")]
    repeat: u32,
    /// Calls older than this many seconds (after an outage) are shown but not announced.
    #[arg(long, default_value_t = 60, env = "HALL_DISPLAY_STALE_AFTER")]
    stale_after: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum VoiceOpt {
    #[value(alias = "on")]
    Neural,
    Espeak,
    Off,
}

impl VoiceOpt {
    fn mode(self) -> Option<voice::Mode> {
        match self {
            VoiceOpt::Neural => Some(voice::Mode::Neural),
            VoiceOpt::Espeak => Some(voice::Mode::Espeak),
            VoiceOpt::Off => None,
        }
    }

    /// The voice asked for, else the lobby's neural voice; a window's display is quiet unless
    /// asked (the lobby says the same call).
    fn or_default(asked: Option<VoiceOpt>, window: Option<u32>) -> VoiceOpt {
        asked.unwrap_or(if window.is_some() { VoiceOpt::Off } else { VoiceOpt::Neural })
    }
}

/// The server's address as given (`--server`, `HALL_SERVER`): an http(s) URL with a host, or a
/// plain refusal at start (a mistyped address would otherwise read as a server that never answers).
fn server_url(s: &str) -> Result<String, String> {
    let hint = "give it as http://ADDRESS:PORT, e.g. http://192.168.1.10:8080";
    let url = reqwest::Url::parse(s).map_err(|e| format!("not a URL ({e}): {hint}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(format!("not an http:// or https:// address with a host: {hint}"));
    }
    Ok(s.trim_end_matches('/').to_string())
}

#[derive(Subcommand)]
enum Command {
    /// Render an announcement to a WAV file: hall-display say A012 3 [B005 7 ...] --out call.wav
    Say {
        /// Ticket number and window number, repeated for several calls.
        #[arg(required = true, num_args = 2..)]
        calls: Vec<String>,
        #[arg(long)]
        out: PathBuf,
    },
    /// The neural voice's engine (started by the display itself; exits after a minute idle).
    #[command(hide = true)]
    VoiceEngine,
    /// Render every screen to PNG files (no display needed).
    Screenshots {
        #[arg(long, default_value = "docs/screenshots")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Logs on stderr: the voice engine's stdout is its answers.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let result = match cli.command {
        Some(Command::Say { calls, out }) => {
            let mode = VoiceOpt::or_default(cli.voice, None).mode().unwrap_or(voice::Mode::Espeak);
            let program = std::env::current_exe().unwrap_or_else(|_| "hall-display".into());
            let mut speaker = voice::Speaker::new(mode, &cli.template, &cli.voice_name, program);
            say(&mut speaker, cli.repeat, &calls, &out)
        }
        Some(Command::VoiceEngine) => voice::engine::serve(Duration::from_secs(60)),
        Some(Command::Screenshots { out }) => screenshots::all(&out),
        None => hall_display::client::http_client(cli.ca.as_deref()).and_then(|http| {
            app::run(app::Options {
                lang: cli.lang.clone(),
                http,
                server: cli.server,
                settings: controller::Settings {
                    recent: cli.recent.max(1),
                    stale_after: chrono::Duration::seconds(cli.stale_after as i64),
                    window: cli.window,
                    ..controller::Settings::default()
                },
                voice: VoiceOpt::or_default(cli.voice, cli.window).mode(),
                voice_name: cli.voice_name,
                template: cli.template,
                repeat: cli.repeat,
                voice_max_age: hall_display::voice::queue_limit(Duration::from_secs(cli.stale_after)),
                english: cli.lang == "en",
                fullscreen: cli.fullscreen,
            })
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn say(speaker: &mut voice::Speaker, repeat: u32, args: &[String], out: &std::path::Path) -> anyhow::Result<()> {
    if !args.len().is_multiple_of(2) {
        anyhow::bail!("give a ticket number and a window number for each call");
    }
    let calls = args
        .chunks(2)
        .map(|p| {
            Ok((p[0].clone(), p[1].parse::<u32>().map_err(|_| anyhow::anyhow!("`{}` is not a window number", p[1]))?))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let samples = voice::announcement(speaker, &calls, repeat)?;
    voice::write_wav(out, &samples)?;
    println!("{} ({:.1} s)", out.display(), samples.len() as f32 / voice::RATE as f32);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servers_address_is_checked_at_start() {
        for (given, want) in [
            ("http://192.168.1.10:8080", Some("http://192.168.1.10:8080")),
            ("https://hall.example.cn/", Some("https://hall.example.cn")),
            ("192.168.1.10:8080", None), // no http://: once read as a server never answering
            ("localhost:8080", None),
            ("ftp://192.168.1.10", None),
            ("", None),
        ] {
            assert_eq!(server_url(given).ok().as_deref(), want, "{given}");
        }
    }

    #[test]
    fn a_windows_display_is_quiet_unless_asked_and_the_lobby_speaks() {
        for (asked, window, want) in [
            (None, None, VoiceOpt::Neural),
            (None, Some(3), VoiceOpt::Off),
            (Some(VoiceOpt::Espeak), Some(3), VoiceOpt::Espeak),
            (Some(VoiceOpt::Off), None, VoiceOpt::Off),
        ] {
            assert!(VoiceOpt::or_default(asked, window) == want, "{window:?}");
        }
        let cli = Cli::try_parse_from(["hall-display", "--server", "192.168.1.10:8080"]);
        assert!(cli.is_err_and(|e| e.to_string().contains("http://ADDRESS:PORT")));
    }
}
