//! Connections: the accept loop with the time-outs a server on a hall's LAN needs (a client
//! that sends its headers a byte a second, or goes quiet with a connection open, is cut off; a
//! body that does not arrive is answered 408), and each request tagged with its client's
//! address (for the caps per address: live streams, ratings, bookings, case queries, sign-ins):
//! the peer's, or behind the hall's own reverse proxy the address that proxy forwards.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// A request's whole header must arrive within this; an idle keep-alive connection is closed
/// after it too.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(15);
/// A request's body must arrive within this (answered 408 otherwise).
pub const BODY_TIMEOUT: Duration = Duration::from_secs(15);
/// Requests in flight get this long to finish at shutdown.
const DRAIN: Duration = Duration::from_secs(10);

/// The address a request came from (absent in tests that call the router directly).
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub IpAddr);

/// Serves `app` on `listener` until `shutdown` resolves, then lets requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    serve_with(listener, app, shutdown, Options::default()).await
}

/// How [`serve_with`] serves: the header time-out (tests shorten it), HTTPS, and the reverse
/// proxies whose `X-Forwarded-For` is believed.
#[derive(Clone)]
pub struct Options {
    pub header_timeout: Duration,
    /// Serve HTTPS with this acceptor (`--tls-cert`, `--tls-key`) instead of plain HTTP.
    pub tls: Option<TlsAcceptor>,
    /// `--trusted-proxy`: see [`client_address`].
    pub trusted_proxies: Arc<[IpAddr]>,
}

impl Default for Options {
    fn default() -> Self {
        Options { header_timeout: HEADER_TIMEOUT, tls: None, trusted_proxies: Arc::from([]) }
    }
}

/// The address a request comes from: its peer's, unless the peer is one of the hall's own
/// reverse proxies (`--trusted-proxy`, e.g. the nginx that serves phones from outside), then the
/// last address of `X-Forwarded-For` — the one that proxy wrote; those before it come from the
/// client and are not believed. Behind a proxy every phone would otherwise share the proxy's
/// address and its caps (300 live streams, 60 ratings a minute…). A proxy that forwards no
/// readable address leaves its own.
pub fn client_address(peer: IpAddr, headers: &axum::http::HeaderMap, trusted_proxies: &[IpAddr]) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted_proxies.iter().any(|p| p.to_canonical() == peer) {
        return peer;
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .map(str::trim);
    let parsed = forwarded.and_then(|a| {
        a.parse::<IpAddr>()
            .or_else(|_| a.parse::<SocketAddr>().map(|s| s.ip()))
            .or_else(|_| a.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>())
            .ok()
    });
    parsed.map(|a| a.to_canonical()).unwrap_or(peer)
}

/// [`serve`] with other [`Options`].
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send,
    options: Options,
) -> anyhow::Result<()> {
    let graceful = GracefulShutdown::new();
    // HTTP/1.1 only (what every client of a hall speaks); its header time-out also runs while a
    // new or kept-alive connection has sent nothing yet.
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(options.header_timeout).keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer): (tokio::net::TcpStream, SocketAddr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let (app, builder, watcher) = (app.clone(), builder.clone(), graceful.watcher());
        let trusted = options.trusted_proxies.clone();
        match options.tls.clone() {
            None => {
                let conn = builder.serve_connection(TokioIo::new(stream), service(app, peer, false, trusted));
                tokio::spawn(finish(watcher.watch(conn)));
            }
            Some(acceptor) => {
                // The handshake gets the header time-out too: a client that opens a connection
                // and says nothing holds no task for long.
                let handshake = options.header_timeout;
                tokio::spawn(async move {
                    match tokio::time::timeout(handshake, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => {
                            let conn = builder.serve_connection(TokioIo::new(tls), service(app, peer, true, trusted));
                            finish(watcher.watch(conn)).await;
                        }
                        Ok(Err(e)) => tracing::debug!(error = %e, %peer, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    }
                });
            }
        }
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still in flight after {DRAIN:?}; stopping anyway");
    }
    Ok(())
}

/// Each request of a connection: tagged with its client's address, answered by the router;
/// under TLS the answer says Strict-Transport-Security.
fn service(
    app: Router,
    peer: SocketAddr,
    tls: bool,
    trusted_proxies: Arc<[IpAddr]>,
) -> impl hyper::service::Service<
    hyper::Request<hyper::body::Incoming>,
    Response = axum::response::Response,
    Error = std::convert::Infallible,
    Future = impl std::future::Future<Output = Result<axum::response::Response, std::convert::Infallible>> + Send,
> + Clone {
    hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
        let client = client_address(peer.ip(), req.headers(), &trusted_proxies);
        req.extensions_mut().insert(Peer(client));
        let answer = app.clone().oneshot(req.map(axum::body::Body::new));
        async move {
            let mut res = answer.await?;
            if tls {
                res.headers_mut().insert(
                    axum::http::header::STRICT_TRANSPORT_SECURITY,
                    axum::http::HeaderValue::from_static(crate::tls::STRICT_TRANSPORT_SECURITY),
                );
            }
            Ok(res)
        }
    })
}

async fn finish(conn: impl std::future::Future<Output = Result<(), hyper::Error>>) {
    if let Err(e) = conn.await {
        tracing::debug!(error = %e, "connection ended with an error");
    }
}

/// The peer address as an extractor (`None` when the request did not come through [`serve`]).
pub struct PeerAddr(pub Option<IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PeerAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PeerAddr(parts.extensions.get::<Peer>().map(|p| p.0)))
    }
}

/// A body announced larger than the limit is refused at once (413), not read until it fails.
pub async fn refuse_oversized(req: Request, next: axum::middleware::Next) -> axum::response::Response {
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let limit = super::body_limit(req.method(), req.uri().path());
    if declared.is_some_and(|n| n > limit as u64) {
        return axum::response::IntoResponse::into_response(crate::error::ApiError::new(
            crate::error::Code::BodyTooLarge,
            format!("the body is larger than {limit} bytes"),
        ));
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(peer: &str, forwarded: &[&str], trusted: &[&str], want: &str) {
        let mut headers = axum::http::HeaderMap::new();
        for f in forwarded {
            headers.append("x-forwarded-for", f.parse().unwrap());
        }
        let trusted: Vec<IpAddr> = trusted.iter().map(|t| t.parse().unwrap()).collect();
        let got = client_address(peer.parse().unwrap(), &headers, &trusted);
        assert_eq!(got, want.parse::<IpAddr>().unwrap(), "peer {peer}, forwarded {forwarded:?}, trusted {trusted:?}");
    }

    #[test]
    fn the_forwarded_address_is_believed_from_a_trusted_proxy_only() {
        // No proxy trusted: whatever the client writes is ignored.
        check("203.0.113.9", &["10.0.0.1"], &[], "203.0.113.9");
        // From a peer that is not the proxy: ignored.
        check("203.0.113.9", &["10.0.0.1"], &["192.168.1.5"], "203.0.113.9");
        // The hall's nginx: the address it wrote.
        check("192.168.1.5", &["10.0.0.1"], &["192.168.1.5"], "10.0.0.1");
        // `$proxy_add_x_forwarded_for`: the client's own claim first, the proxy's last.
        check("192.168.1.5", &["6.6.6.6, 10.0.0.1"], &["192.168.1.5"], "10.0.0.1");
        // Two headers: the last one is the proxy's.
        check("192.168.1.5", &["6.6.6.6", "10.0.0.2"], &["192.168.1.5"], "10.0.0.2");
        // With a port, IPv6 in brackets, IPv4 mapped into IPv6.
        check("192.168.1.5", &["10.0.0.3:51234"], &["192.168.1.5"], "10.0.0.3");
        check("192.168.1.5", &["[2001:db8::7]"], &["192.168.1.5"], "2001:db8::7");
        check("::ffff:192.168.1.5", &["10.0.0.4"], &["192.168.1.5"], "10.0.0.4");
        // Nothing readable forwarded: the proxy's own address.
        check("192.168.1.5", &[], &["192.168.1.5"], "192.168.1.5");
        check("192.168.1.5", &["unknown"], &["192.168.1.5"], "192.168.1.5");
    }
}
