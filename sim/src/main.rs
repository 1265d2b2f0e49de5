//! `hall-sim`: a simulated hall day against a running hall server, or a busy morning at many
//! halls at once.

use std::path::PathBuf;

use clap::Parser;
use hall_sim::{halls, plan, run, Arrivals, Shape, SimConfig};

/// Simulates a hall day against a real hall server, only through its HTTP contract: kiosks
/// issue tickets along a realistic arrival curve (morning peak, lunch dip), a clerk at every
/// window calls, serves, finishes, sometimes transfers or marks no-show. Prints a summary.
/// The server must run with --demo (the simulator signs in as the demo clerks).
///
/// With --halls N (N hall servers started here from the sample hall, each with its own id and
/// database) or --server given more than once (halls already running), every hall is driven
/// at once at a steady rate, a busy morning by default: for load on the county service.
#[derive(Parser)]
#[command(name = "hall-sim", version, about, long_about)]
struct Cli {
    /// Base URL of a hall server; give it several times to drive several halls at once.
    #[arg(long)]
    server: Vec<String>,
    /// Start this many hall servers (hall-01, hall-02, …: the sample hall, --demo, each its own
    /// database under --dir) and drive them all at once.
    #[arg(long, value_name = "N", conflicts_with = "server")]
    halls: Option<usize>,
    /// The hall-server binary for --halls (default: beside hall-sim, else on the PATH).
    #[arg(long, value_name = "PATH")]
    hall_server: Option<PathBuf>,
    /// Folder for the started halls' configurations and databases (default: a temporary one,
    /// removed at the end).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Write the county service's halls file (hall-county --halls FILE) for the halls driven.
    #[arg(long, value_name = "FILE")]
    county_halls: Option<PathBuf>,
    /// The token the county uses at every hall, in that file (a --demo hall accepts demo-county).
    #[arg(long, default_value = "demo-county")]
    county_token: String,
    /// Several halls: citizens per hour at each hall (steady). Default: a busy morning, the
    /// 09:00–11:00 peak of a 600-ticket day (about 106 an hour).
    #[arg(long, value_name = "PER_HOUR")]
    rate: Option<f64>,
    /// Several halls: simulated minutes of that rate (default 180: 09:00 to 12:00).
    #[arg(long, default_value_t = 180.0)]
    minutes: f64,
    /// Several halls: keep the halls started with --halls running after the morning, until
    /// Ctrl-C (to look at them, or at the county).
    #[arg(long)]
    keep_running: bool,
    /// Kiosk device token used to issue tickets.
    #[arg(long, default_value = "demo-kiosk")]
    kiosk_token: String,
    /// Password of the clerk accounts clerkN (N = window number).
    #[arg(long, default_value = "demo")]
    clerk_password: String,
    /// One hall: tickets issued over the day.
    #[arg(long, default_value_t = 600)]
    tickets: usize,
    /// Simulated minutes per real minute: 1 = real time, 60 = an hour a minute (a lively demo);
    /// 0 = as fast as the server answers (measurement). Default: 60 for one hall's day, 1 (real
    /// time: the real rate) for several halls.
    #[arg(long)]
    speed: Option<f64>,
    /// Random seed: the same seed gives the same day (hall k uses seed + k).
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Print every arrival and call.
    #[arg(long)]
    verbose: bool,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let several = cli.halls.is_some() || cli.server.len() > 1;
    let speed = cli.speed.unwrap_or(if several { 1.0 } else { 60.0 });
    if speed < 0.0 || cli.minutes <= 0.0 || cli.rate.is_some_and(|r| r <= 0.0) || cli.halls == Some(0) {
        eprintln!("error: --speed must be 0 or more; --minutes, --rate and --halls more than 0");
        return std::process::ExitCode::from(2);
    }
    let cfg = SimConfig {
        server: cli.server.first().cloned().unwrap_or_else(|| "http://127.0.0.1:8080".into()),
        kiosk_token: cli.kiosk_token.clone(),
        clerk_password: cli.clerk_password.clone(),
        tickets: cli.tickets,
        speed,
        seed: cli.seed,
        verbose: cli.verbose,
        days: 0,
    };
    let outcome = if several { several_halls(&cli, cfg).await } else { run(cfg).await.map(|s| println!("{s}")) };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn several_halls(cli: &Cli, cfg: SimConfig) -> anyhow::Result<()> {
    let tmp;
    let mut started = Vec::new();
    let servers: Vec<(String, String)> = match cli.halls {
        Some(n) => {
            let dir = match &cli.dir {
                Some(d) => d.clone(),
                None => {
                    tmp = tempfile_dir()?;
                    tmp.0.clone()
                }
            };
            let bin = cli.hall_server.clone().unwrap_or_else(halls::default_hall_server);
            started = halls::spawn(&bin, &dir, n).await?;
            started.iter().map(|h| (h.id.clone(), h.base.clone())).collect()
        }
        None => {
            let mut out = Vec::new();
            for (k, base) in cli.server.iter().enumerate() {
                let id = match hall_of(base).await {
                    Some(id) => id,
                    // The county follows a hall only under the id its server gives.
                    None if cli.county_halls.is_some() => anyhow::bail!(
                        "the hall at {base} gives no [hall] id: the county service would not follow it; set one in its configuration"
                    ),
                    None => halls::hall_id(k + 1),
                };
                out.push((id, base.clone()));
            }
            out
        }
    };
    for (id, base) in &servers {
        println!("{id}  {base}");
    }
    if let Some(file) = &cli.county_halls {
        std::fs::write(file, halls::county_halls_file(&servers, &cli.county_token))?;
        println!("county halls file: {} (hall-county --halls {0})", file.display());
    }
    let per_hour = cli.rate.unwrap_or_else(|| plan::peak_per_hour(plan::BUSY_DAY_TICKETS));
    println!(
        "{} halls at {per_hour:.0} citizens an hour each for {} simulated minutes at {}× ({})",
        servers.len(),
        cli.minutes,
        cfg.speed,
        if cfg.speed == 1.0 { "real time" } else { "compressed" }
    );
    let shape = Shape { arrivals: Arrivals::Steady { per_hour, minutes: cli.minutes }, probes: None };
    let bases: Vec<String> = servers.iter().map(|(_, b)| b.clone()).collect();
    let summaries = halls::drive(&bases, &cfg, &shape).await?;
    let (mut issued, mut finished, mut requests, mut seconds) = (0, 0, 0, 0.0f64);
    for ((id, _), s) in servers.iter().zip(&summaries) {
        println!("{id}: {} issued, {} finished, {} no-show, {} requests", s.issued, s.finished, s.no_shows, s.requests);
        issued += s.issued;
        finished += s.finished;
        requests += s.requests;
        seconds = seconds.max(s.real_seconds);
    }
    println!(
        "all {} halls: {issued} tickets issued, {finished} finished, {requests} requests in {seconds:.1} s ({:.1} requests/s)",
        servers.len(),
        requests as f64 / seconds.max(0.001)
    );
    if cli.keep_running && !started.is_empty() {
        println!("the halls keep running; Ctrl-C stops them");
        tokio::signal::ctrl_c().await?;
    }
    drop(started);
    Ok(())
}

/// The hall's id from its `GET /api/hall`, when it has one.
async fn hall_of(base: &str) -> Option<String> {
    let v: serde_json::Value =
        reqwest::get(format!("{}/api/hall", base.trim_end_matches('/'))).await.ok()?.json().await.ok()?;
    v["hall_id"].as_str().map(str::to_string)
}

/// A temporary folder removed when dropped (without a crate for it: the simulator's are few).
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempfile_dir() -> anyhow::Result<TempDir> {
    let dir = std::env::temp_dir().join(format!("hall-sim-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(TempDir(dir))
}
