//! Bianmin Hall server: queues, tickets, windows and live events of a government service
//! hall (便民服务大厅), durable on SQLite. See `ARCHITECTURE.md` for the map.

pub mod auth;
pub mod clock;
pub mod config;
pub mod domain;
pub mod error;
pub mod hall;
pub mod http;
pub mod hub;
pub mod ops;
pub mod store;
pub mod writer;

pub use http::{app, AppState, Settings};

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
