//! `hall-sim`: a simulated hall day against a running hall server.

use clap::Parser;
use hall_sim::{run, SimConfig};

/// Simulates a hall day against a real hall server, only through its HTTP contract: kiosks
/// issue tickets along a realistic arrival curve (morning peak, lunch dip), a clerk at every
/// window calls, serves, finishes, sometimes transfers or marks no-show. Prints a summary.
/// The server must run with --demo (the simulator signs in as the demo clerks).
#[derive(Parser)]
#[command(name = "hall-sim", version, about, long_about)]
struct Cli {
    /// Base URL of the hall server.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    server: String,
    /// Kiosk device token used to issue tickets.
    #[arg(long, default_value = "demo-kiosk")]
    kiosk_token: String,
    /// Password of the clerk accounts clerkN (N = window number).
    #[arg(long, default_value = "demo")]
    clerk_password: String,
    /// Tickets issued over the day.
    #[arg(long, default_value_t = 600)]
    tickets: usize,
    /// Simulated minutes per real minute: 1 = real time, 60 = an hour a minute (a lively demo);
    /// 0 = as fast as the server answers (measurement).
    #[arg(long, default_value_t = 60.0)]
    speed: f64,
    /// Random seed: the same seed gives the same day.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Print every arrival and call.
    #[arg(long)]
    verbose: bool,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    if cli.speed < 0.0 {
        eprintln!("error: --speed must be 0 or more");
        return std::process::ExitCode::from(2);
    }
    let cfg = SimConfig {
        server: cli.server,
        kiosk_token: cli.kiosk_token,
        clerk_password: cli.clerk_password,
        tickets: cli.tickets,
        speed: cli.speed,
        seed: cli.seed,
        verbose: cli.verbose,
        days: 0,
    };
    match run(cfg).await {
        Ok(summary) => {
            println!("{summary}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
