//! The county screen (`/county`): its page, script, strings and style compiled into the binary,
//! served with the halls' strict Content-Security-Policy (no inline script or style).

use axum::http::{header, HeaderName, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// The halls' policy: only this server's own scripts, styles and connections.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

fn security_headers() -> [(HeaderName, HeaderValue); 4] {
    [
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY)),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
    ]
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    (security_headers(), [(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

const JS: &str = "text/javascript; charset=utf-8";

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(|| async { axum::response::Redirect::to("/county") }))
        .route(
            "/county",
            get(|| async {
                (security_headers(), [(header::CACHE_CONTROL, "no-cache")], Html(include_str!("../web/county.html")))
                    .into_response()
            }),
        )
        .route("/county-assets/county.js", get(|| async { asset(JS, include_str!("../web/county.js")) }))
        .route("/county-assets/county.i18n.js", get(|| async { asset(JS, include_str!("../web/county.i18n.js")) }))
        .route("/county-assets/common.js", get(|| async { asset(JS, include_str!("../web/common.js")) }))
        .route("/county-assets/strings.js", get(|| async { asset(JS, include_str!("../web/strings.js")) }))
        // The hall server's own base of every page (one file for both services).
        .route("/county-assets/base.js", get(|| async { asset(JS, include_str!("../../server/web/base.js")) }))
        .route(
            "/county-assets/county.css",
            get(|| async { asset("text/css; charset=utf-8", include_str!("../web/county.css")) }),
        )
}
