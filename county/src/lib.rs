//! hall-county: the county service. Follows every hall's `/api/events` (as a read-only
//! `county` device) into PostgreSQL, each event exactly once with the hall's high-water mark in
//! the same transaction, keeps the county's views from them, and serves them over HTTP.

pub mod config;
pub mod db;
pub mod error;
pub mod follow;
pub mod http;
pub mod pages;
pub mod relay;
pub mod reports;
pub mod sse;
pub mod views;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;

/// The first line the service prints once it listens (tests wait for it).
pub const LISTENING_ON: &str = "hall-county listening on ";

#[derive(Debug, Clone, clap::Parser)]
#[command(name = "hall-county", version, about = "The county service: every hall's events in PostgreSQL")]
pub struct Args {
    /// postgres://user:password@host:port/database
    #[arg(long, value_name = "URL", env = "COUNTY_DATABASE_URL")]
    pub database_url: String,
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8090", env = "COUNTY_LISTEN")]
    pub listen: SocketAddr,
    /// TOML: `[[halls]]` with id, url, token; `[[users]]` with username, password_hash.
    #[arg(long, value_name = "FILE", env = "COUNTY_HALLS")]
    pub halls: PathBuf,
    /// Accept the demo sign-in `county` / `demo`.
    #[arg(long)]
    pub demo: bool,
}

pub async fn serve(args: Args) -> anyhow::Result<()> {
    let file = config::HallsFile::load(&args.halls)?;
    if file.users.is_empty() && !args.demo {
        tracing::warn!(
            file = %args.halls.display(),
            "no [[users]] in the halls file: nobody can sign in to the county screen (deploy-county.md, the accounts)"
        );
    }
    let pool = db::pool(&args.database_url)?;
    // PostgreSQL may still be starting (a machine booting): wait for it a while.
    let mut tries = 0;
    let applied = loop {
        match db::migrate(&pool).await {
            Ok(n) => break n,
            Err(e) if tries < 30 && !db::refused_for_good(&e) => {
                tracing::warn!(error = %format!("{e:#}"), "PostgreSQL not ready; retrying");
                tries += 1;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Err(e) => return Err(e),
        }
    };
    tracing::info!(applied, "migrations applied");
    follow::register(&pool, &file.halls).await?;
    let links = follow::Links::default();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let http = reqwest::Client::builder().connect_timeout(Duration::from_secs(5)).build().context("HTTP client")?;
    let mut followers = Vec::new();
    for hall in file.halls.clone() {
        followers.push(tokio::spawn(follow::run(pool.clone(), http.clone(), hall, links.clone(), stop_rx.clone())));
    }
    // The relay of reported cases between halls (R14): one task per hall's outbox.
    let halls = std::sync::Arc::new(file.halls.clone());
    for hall in file.halls.clone() {
        followers.push(tokio::spawn(relay::run(pool.clone(), http.clone(), halls.clone(), hall, stop_rx.clone())));
    }
    let state = http::AppState::new(pool, links, file.users, args.demo).with_halls(&file.halls);
    let listener =
        tokio::net::TcpListener::bind(args.listen).await.with_context(|| format!("binding {}", args.listen))?;
    println!("{LISTENING_ON}http://{}", listener.local_addr()?);
    axum::serve(listener, http::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => {}
            }
        })
        .await?;
    let _ = stop_tx.send(true);
    for f in followers {
        let _ = f.await;
    }
    Ok(())
}
