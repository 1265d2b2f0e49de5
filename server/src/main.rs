//! `hall-server`: runs the hall server, or checks a configuration, or verifies the audit trail.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use hall_server::{clock::SystemClock, config, store, Settings};

/// Bianmin Hall server: queues, tickets, windows and live events of a service hall.
///
/// Without a subcommand it serves the HTTP API (see /api/openapi.json) on --listen.
#[derive(Parser)]
#[command(name = "hall-server", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: Serve,
}

#[derive(Args)]
struct Serve {
    /// Hall configuration (TOML). Default: the bundled sample town hall.
    #[arg(long, value_name = "FILE", env = "HALL_CONFIG")]
    config: Option<PathBuf>,
    /// SQLite database file; created and migrated on start.
    #[arg(long, value_name = "FILE", default_value = "hall.db", env = "HALL_DB")]
    db: PathBuf,
    /// Address and port to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080", env = "HALL_LISTEN")]
    listen: SocketAddr,
    /// Enable the configuration's demo accounts (demo = true); without it they are refused.
    #[arg(long)]
    demo: bool,
    /// Tickets per minute per kiosk device; 0 = no cap (load tests).
    #[arg(long, value_name = "N", default_value_t = 30)]
    kiosk_rate_limit: u32,
    /// Where citizens' phones reach this server, e.g. https://hall.example.cn: the ticket's
    /// status_url (the printed QR code) is absolute under it; without it, a path (/t/<token>).
    #[arg(long, value_name = "URL", env = "HALL_PUBLIC_URL", value_parser = public_url)]
    public_url: Option<String>,
    /// Issue tickets at any hour, any day and beyond the matters' daily quotas, as if the
    /// director reopened issuing every day: for demonstrations, training and tests. The hall's
    /// hours are still shown.
    #[arg(long)]
    issue_any_time: bool,
    /// The server's key (made on first start, readable by the server only): keys the retry
    /// table and signs the audit trail's daily anchors. Back it up with the database, apart.
    /// Default: the database's path with `.key` added.
    #[arg(long, value_name = "FILE", env = "HALL_KEY")]
    key: Option<PathBuf>,
    /// Make a new server key for a database made with another, whose key is lost for good
    /// (without it such a database does not start). Bookings made with an identity number are
    /// then found by their code only.
    #[arg(long, env = "HALL_NEW_KEY")]
    new_key: bool,
    /// Serve HTTPS with this certificate chain (PEM, the server's certificate first), e.g. so
    /// that citizens' phones reach the hall's pages without another program. With --tls-key.
    #[arg(long, value_name = "FILE", env = "HALL_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM). With --tls-cert.
    #[arg(long, value_name = "FILE", env = "HALL_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// The hall's own reverse proxy (e.g. the nginx in front for phones outside), repeatable or
    /// comma-separated: a request from one of these addresses is taken as coming from the last
    /// address of its X-Forwarded-For (the caps per address count citizens, not the proxy).
    #[arg(long = "trusted-proxy", value_name = "IP", env = "HALL_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Log as JSON lines instead of human-readable text.
    #[arg(long)]
    log_json: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a hall configuration without starting; errors name file, line and problem.
    CheckConfig {
        /// The TOML file to check.
        file: PathBuf,
    },
    /// Walk the audit trail's hash chain and report the first broken row, if any.
    VerifyAudit {
        /// The database to verify.
        #[arg(long, value_name = "FILE", default_value = "hall.db")]
        db: PathBuf,
        /// Anchors of the trail kept outside the database (lines `audit-anchor …`, as the
        /// server appends them to `<database>.anchors` and its log). Default: that file, if any.
        #[arg(long, value_name = "FILE")]
        anchors: Option<PathBuf>,
        /// The server's key, to check the anchors' signatures. Default: `<database>.key`, if any.
        #[arg(long, value_name = "FILE")]
        key: Option<PathBuf>,
    },
    /// Read a password from standard input and print its argon2 hash for `password_hash`.
    HashPassword,
    /// Make a new kiosk device token and print it with the `token_sha256` for the configuration.
    NewKioskToken,
    /// Copy the database while the hall is serving: one consistent snapshot, checked (integrity
    /// and audit trail), written beside the target and renamed over it, recorded in
    /// `<database>.backups` (the director console shows its age).
    Backup {
        /// The hall's database.
        #[arg(long, value_name = "FILE", default_value = "hall.db")]
        db: PathBuf,
        /// Where the copy goes: a file, or a folder (a new `hall-YYYYMMDD-HHMMSS-mmm.db` in it).
        #[arg(long, value_name = "FILE|DIR")]
        to: PathBuf,
        /// With a folder: keep only the newest N backups in it (the nightly timer keeps 30).
        #[arg(long, value_name = "N")]
        keep: Option<usize>,
    },
    /// Put a backup back, with the server stopped: the copy is checked first (integrity, audit
    /// trail, a schema this server knows); the database it replaces is kept beside it.
    Restore {
        /// The backup to restore.
        file: PathBuf,
        /// The hall's database to replace.
        #[arg(long, value_name = "FILE", default_value = "hall.db")]
        db: PathBuf,
        /// The configuration file the server starts with (/etc/hall/hall.toml): checked against
        /// the file the copy's hall was last started with.
        #[arg(long, value_name = "FILE", env = "HALL_CONFIG")]
        config: Option<PathBuf>,
        /// When that file is another one: keep the copy's hall in force (`copy`: the file is
        /// put in force once it changes), or let the file replace it at the next start (`file`).
        #[arg(long, value_enum)]
        hall: Option<RestoredHall>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum RestoredHall {
    Copy,
    File,
}

/// Before a restore: whether the configuration file would replace the copy's hall at the next
/// start, and what was chosen. `Ok(Some(digest))`: keep the copy's hall over the file of that
/// digest; `Ok(None)`: nothing to keep; `Err`: refused, nothing done (no choice given).
fn restored_hall(copy: &Path, config: Option<&Path>, hall: Option<RestoredHall>) -> Result<Option<String>, ExitCode> {
    let Some(config) = config else { return Ok(None) };
    let text = std::fs::read_to_string(config).map_err(|e| {
        eprintln!("error: cannot read the configuration file {}: {e}", config.display());
        ExitCode::from(2)
    })?;
    let digest = hall_server::backup::file_digest(&text);
    let replaces = hall_server::backup::file_would_replace(copy, &digest).map_err(|e| {
        eprintln!("error: {e:#}");
        ExitCode::FAILURE
    })?;
    match (replaces, hall) {
        (false, _) | (true, Some(RestoredHall::File)) => Ok(None),
        (true, Some(RestoredHall::Copy)) => Ok(Some(digest)),
        (true, None) => {
            eprintln!(
                "error: {} is not the configuration file this copy's hall was last started with: at the next \
                 start it would replace that hall (sessions ended, bookings it does not serve cancelled).\n\
                 Nothing was restored. Run again with --hall copy to keep the copy's hall in force (export it \
                 from /admin into the file afterwards), or --hall file to put the file in force.",
                config.display()
            );
            Err(ExitCode::from(2))
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::CheckConfig { file }) => match config::load(&file) {
            Ok(hall) => {
                println!(
                    "{}: ok — {} departments, {} queues, {} windows, {} matters, {} staff, {} kiosks",
                    file.display(),
                    hall.departments.len(),
                    hall.queues.len(),
                    hall.windows.len(),
                    hall.matters.len(),
                    hall.staff.len(),
                    hall.kiosks.len()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        Some(Command::VerifyAudit { db, anchors, key }) => verify_audit(&db, anchors, key),
        Some(Command::HashPassword) => {
            let mut line = String::new();
            if std::io::stdin().lock().read_line(&mut line).is_err() || line.trim_end_matches(['\r', '\n']).is_empty() {
                eprintln!("error: give the password on standard input");
                return ExitCode::from(2);
            }
            match hall_server::auth::hash_password(line.trim_end_matches(['\r', '\n'])) {
                Ok(h) => {
                    println!("{h}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(Command::NewKioskToken) => {
            let token = hall_server::auth::new_token();
            println!("token (give it to the kiosk):  {token}");
            println!("token_sha256 (for the config): {}", hall_server::auth::token_hash(&token));
            ExitCode::SUCCESS
        }
        Some(Command::Backup { db, to, keep }) => backup(&db, &to, keep),
        Some(Command::Restore { file, db, config, hall }) => {
            let keep_copy = match restored_hall(&file, config.as_deref(), hall) {
                Ok(keep) => keep,
                Err(code) => return code,
            };
            let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
            match hall_server::backup::restore(&file, &db, &stamp).and_then(|done| {
                if let Some(digest) = &keep_copy {
                    hall_server::backup::keep_copy_hall(&db, digest)?;
                    println!("the copy's hall stays in force; the configuration file is put in force once it changes");
                }
                Ok(done)
            }) {
                Ok((c, kept)) => {
                    println!(
                        "restored {} to {}: {} tickets, audit trail intact ({} rows), schema {}",
                        file.display(),
                        db.display(),
                        c.tickets,
                        c.audit_rows,
                        c.schema
                    );
                    if let Some(old) = kept {
                        println!("the database it replaced is kept as {}", old.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        None => serve(cli.serve),
    }
}

/// `--public-url`: an http(s) URL without query or fragment; a trailing `/` is dropped.
fn public_url(s: &str) -> Result<String, String> {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    match rest {
        Some(r)
            if !r.is_empty() && !r.starts_with('/') && !r.contains(['?', '#']) && !r.contains(char::is_whitespace) =>
        {
            Ok(s.trim_end_matches('/').to_string())
        }
        _ => Err("give an http:// or https:// URL without query or fragment, e.g. https://hall.example.cn".into()),
    }
}

fn backup(db: &std::path::Path, to: &std::path::Path, keep: Option<usize>) -> ExitCode {
    if keep.is_some() && !to.is_dir() {
        // A rotation is of a folder: a missing one (a disk not mounted, a typo) would otherwise
        // get every night's backup written over one file of that name, none kept.
        eprintln!(
            "error: --keep rotates the backups of a folder, and {} is not one (not created, or its disk not mounted?)",
            to.display()
        );
        return ExitCode::from(2);
    }
    let now = chrono::Utc::now();
    let file = hall_server::backup::target(to, &now.format("%Y%m%d-%H%M%S-%3f").to_string());
    let copy = match hall_server::backup::backup(db, &file, now.timestamp_millis()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "backup of {} written to {}: {} bytes, {} tickets, audit trail intact ({} rows), schema {}",
        db.display(),
        file.display(),
        copy.bytes,
        copy.tickets,
        copy.audit_rows,
        copy.schema
    );
    if let (Some(n), true) = (keep, to.is_dir()) {
        match hall_server::backup::prune(to, n.max(1)) {
            Ok(gone) => gone.iter().for_each(|p| println!("removed the old backup {}", p.display())),
            Err(e) => {
                eprintln!("error: cannot remove old backups in {}: {e}", to.display());
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

fn verify_audit(db: &std::path::Path, anchors: Option<PathBuf>, key: Option<PathBuf>) -> ExitCode {
    if !db.exists() {
        eprintln!("error: no database at {}", db.display());
        return ExitCode::from(2);
    }
    let anchors = anchors.or_else(|| Some(store::anchors::path_for(db)).filter(|p| p.exists()));
    let key = key.or_else(|| Some(hall_server::secret::ServerKey::path_for(db)).filter(|p| p.exists()));
    let result = (|| -> anyhow::Result<_> {
        let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let chain = store::audit::verify(&conn)?;
        let anchored = match &anchors {
            Some(path) => {
                let list = store::anchors::read(path)?;
                let key = match &key {
                    Some(k) => Some(hall_server::secret::ServerKey::load_existing(k)?),
                    None => None,
                };
                Some((list.len(), store::anchors::check(&conn, &list, key.as_ref())?))
            }
            None => None,
        };
        Ok((chain, anchored))
    })();
    match result {
        Ok((Err(b), _)) => {
            println!("AUDIT TRAIL BROKEN at row {}: {}", b.id, b.problem);
            ExitCode::FAILURE
        }
        Ok((Ok(_), Some((n, problems)))) if !problems.is_empty() => {
            println!("AUDIT TRAIL DOES NOT MATCH ITS ANCHORS ({n} anchors checked):");
            for p in problems {
                println!("  {p}");
            }
            ExitCode::FAILURE
        }
        Ok((Ok(v), anchored)) => {
            println!("audit trail intact: {} rows; head hash {}", v.rows, v.head);
            match anchored {
                Some((n, _)) => println!("it agrees with all {n} anchors"),
                None => println!("(no anchors given: a truncated tail cannot be told; give --anchors)"),
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn serve(args: Serve) -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=warn"));
    if args.log_json {
        tracing_subscriber::fmt().with_env_filter(filter).json().init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let hall = match &args.config {
        Some(path) => match config::load(path) {
            Ok(h) => h,
            Err(e) => {
                eprintln!("error: invalid hall configuration: {e}");
                return ExitCode::from(2);
            }
        },
        None => config::sample(),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => match hall_server::tls::acceptor(cert, key) {
            Ok(a) => Some(a),
            Err(e) => {
                eprintln!("error: {e:#}");
                return ExitCode::from(2);
            }
        },
        _ => None,
    };
    let settings = Settings {
        tls,
        demo: args.demo,
        kiosk_rate_limit: args.kiosk_rate_limit,
        hall_from_file: args.config.is_some(),
        public_url: args.public_url.clone(),
        issue_any_time: args.issue_any_time,
        key_file: args.key.clone(),
        new_key: args.new_key,
        trusted_proxies: args.trusted_proxies.clone(),
        ..Settings::new(args.db.clone(), hall, Arc::new(SystemClock))
    };
    let result = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", args.listen))?;
        hall_server::serve(settings, listener).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
