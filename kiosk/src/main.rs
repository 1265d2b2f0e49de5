//! `hall-kiosk`: the hall's touch kiosk.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hall_kiosk::{app, config, screenshots};

/// Touch kiosk of the hall: the citizen picks the matter, is told where to go and every
/// material to bring, and takes a ticket printed on an ESC/POS thermal printer.
#[derive(Parser)]
#[command(name = "hall-kiosk", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Settings file (TOML: server, token, printer, paper, fullscreen, lang, idle_seconds);
    /// default /etc/hall/kiosk.toml when it exists. The options below win over it.
    #[arg(long, global = true, env = "HALL_KIOSK_CONFIG")]
    config: Option<PathBuf>,
    /// Base URL of the hall server [default: http://127.0.0.1:8080].
    #[arg(long, env = "HALL_SERVER")]
    server: Option<String>,
    /// A private CA's certificate (PEM) for an https:// server whose certificate it signed
    /// (the system's CAs are trusted too).
    #[arg(long, value_name = "FILE", env = "HALL_CA")]
    ca: Option<std::path::PathBuf>,
    /// This kiosk's device token (the hall configuration's [[kiosks]] token).
    #[arg(long, env = "HALL_KIOSK_TOKEN")]
    token: Option<String>,
    /// tcp://HOST[:PORT] (network printer, port 9100), usb://VID:PID, file:PATH (e.g.
    /// /dev/usb/lp0) or preview:PATH.png (draws the paper instead of printing).
    #[arg(long, global = true)]
    printer: Option<String>,
    /// Paper width: 58 or 80 (mm) [default: 80].
    #[arg(long, global = true)]
    paper: Option<String>,
    /// Full screen on the touch monitor.
    #[arg(long)]
    fullscreen: bool,
    /// Language at start: zh (Simplified Chinese) or en [default: zh].
    #[arg(long)]
    lang: Option<String>,
    /// Seconds without a touch before any screen returns home [default: 60].
    #[arg(long)]
    idle_seconds: Option<u64>,
}

#[derive(Subcommand)]
enum Command {
    /// Print a test page with Chinese text (the installer's first check).
    PrinterTest,
    /// Render every screen to PNG (both languages, both orientations) and a printed ticket.
    Screenshots {
        #[arg(long, default_value = "docs/screenshots")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = match cli.command {
        Some(Command::Screenshots { ref out }) => screenshots::all(out),
        Some(Command::PrinterTest) => printer_test(&cli),
        None => settings(&cli).and_then(app::run),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn settings(cli: &Cli) -> anyhow::Result<config::Config> {
    let file = config::load(cli.config.as_ref())?;
    config::resolve(
        file,
        config::Overrides {
            server: cli.server.clone(),
            ca: cli.ca.clone(),
            token: cli.token.clone(),
            printer: cli.printer.clone(),
            paper: cli.paper.clone(),
            fullscreen: cli.fullscreen,
            lang: cli.lang.clone(),
            idle_seconds: cli.idle_seconds,
        },
    )
}

fn printer_test(cli: &Cli) -> anyhow::Result<()> {
    let c = settings(cli)?;
    let printer = hall_printer::Printer::new(c.printer.clone(), c.paper);
    printer.print(&hall_printer::test_page_bytes(c.paper)).map_err(|f| anyhow::anyhow!("{}: {f}", c.printer))?;
    println!("test page sent to {}", c.printer);
    Ok(())
}
