//! Bianmin Hall server: queues, tickets, windows and live events of a government service
//! hall (便民服务大厅), durable on SQLite. See `ARCHITECTURE.md` for the map.

pub mod auth;
pub mod backup;
pub mod calendar_data;
pub mod charts;
pub mod clock;
pub mod config;
pub mod convert;
pub mod domain;
pub mod error;
pub mod hall;
pub mod http;
pub mod hub;
pub mod ops;
pub mod secret;
pub mod sessions;
pub mod store;
pub mod tls;
pub mod writer;

pub use http::{app, AppState, Settings};

/// The start of the line [`serve`] prints once ready, before the base URL.
pub const LISTENING_ON: &str = "hall-server listening on ";

/// Serves the hall on `listener` until SIGTERM or Ctrl-C, then finishes requests in flight
/// and waits for the writer to flush. Prints `hall-server listening on http://ADDR` on stdout
/// once ready (`https://` under TLS; scripts and tests read it).
pub async fn serve(settings: Settings, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    raise_open_files_limit();
    return_large_blocks_to_the_system();
    let db = settings.db.clone();
    let demo = settings.demo;
    let tls = settings.tls.clone();
    let trusted_proxies = settings.trusted_proxies.clone().into();
    let (state, writer) = AppState::start(settings)?;
    let addr = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(%addr, scheme, db = %db.display(), demo, hall = %state.hall().name, "hall server started");
    println!("{LISTENING_ON}{scheme}://{addr}");
    let options = http::conn::Options { tls, trusted_proxies, ..Default::default() };
    let stopped = std::sync::Arc::new(std::sync::OnceLock::new());
    let shutdown = shutdown_or_writes_lost(state.clone(), stopped.clone());
    http::conn::serve_with(listener, app(state.clone()), shutdown, options).await?;
    drop(state);
    tokio::task::spawn_blocking(move || writer.join())
        .await?
        .map_err(|_| anyhow::anyhow!("the writer thread panicked"))?;
    if let Some(reason) = stopped.get() {
        // Exits non-zero: the service manager starts the server again (Restart=on-failure).
        anyhow::bail!("the server stopped because it cannot write: {reason}");
    }
    tracing::info!("stopped cleanly");
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C, or once the writer writes no more (a failed flush of the log:
/// `writer/durable.rs`), with its reason kept in `lost`.
async fn shutdown_or_writes_lost(state: AppState, lost: std::sync::Arc<std::sync::OnceLock<String>>) {
    let writer = state.writer().clone();
    tokio::select! {
        _ = shutdown_signal(state.clone()) => {}
        reason = writer.stopped() => {
            tracing::error!(%reason, "shutting down: the server cannot write");
            let _ = lost.set(reason);
            state.shutdown();
        }
    }
}

/// Each sign-in verifies an argon2 hash with a 19 MiB work area. glibc's default raises its
/// mmap threshold after the first such block is freed, so later ones come from the heap and
/// stay resident (six sign-ins kept ~120 MB). A fixed threshold maps every large block on its
/// own and gives it back when freed.
fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before heavy allocation starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

/// Every display, clerk page and kiosk holds a connection: allow as many as the system lets us.
fn raise_open_files_limit() {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => tracing::debug!(limit = n, "open files limit"),
        Err(e) => tracing::warn!(error = %e, "cannot raise the open files limit"),
    }
}

/// Resolves when SIGTERM or Ctrl-C arrives; then live streams are ended so the server can
/// finish the requests in flight and stop.
pub async fn shutdown_signal(state: AppState) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
    state.shutdown();
}
