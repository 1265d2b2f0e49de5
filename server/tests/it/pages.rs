//! The served pages and their assets: every one carries a strict Content-Security-Policy and
//! is never framed, sniffed or sent on as a referrer.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use tower::ServiceExt;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

#[tokio::test]
async fn pages_and_assets_carry_the_security_headers() {
    let (_dir, app) = crate::support::router(true);
    let pages = [
        ("/clerk", "text/html"),
        ("/director", "text/html"),
        ("/admin", "text/html"),
        ("/t/x", "text/html"),
        ("/c/x", "text/html"),
        ("/cases/20261125-0001/notice/supplement", "text/html"),
        ("/assets/common.js", "text/javascript"),
        ("/assets/clerk.js", "text/javascript"),
        ("/assets/admin.js", "text/javascript"),
        ("/assets/ticket.i18n.js", "text/javascript"),
        ("/assets/pages.css", "text/css"),
        ("/assets/notice.js", "text/javascript"),
        ("/assets/notice.i18n.js", "text/javascript"),
        ("/assets/notice.css", "text/css"),
        ("/assets/case.js", "text/javascript"),
        ("/assets/case.i18n.js", "text/javascript"),
        ("/evaluate", "text/html"),
        ("/assets/evaluate.js", "text/javascript"),
        ("/assets/rating.js", "text/javascript"),
        ("/assets/director-ratings.js", "text/javascript"),
        ("/assets/ratings.css", "text/css"),
        ("/reports/month", "text/html"),
        ("/assets/monthly.js", "text/javascript"),
        ("/assets/monthly.i18n.js", "text/javascript"),
        ("/assets/monthly.css", "text/css"),
    ];
    for (path, kind) in pages {
        let res = app.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let h = res.headers();
        let get = |name: &str| h.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        assert!(get(header::CONTENT_TYPE.as_str()).starts_with(kind), "{path}: {}", get("content-type"));
        assert_eq!(get("content-security-policy"), CSP, "{path}");
        assert_eq!(get("x-frame-options"), "DENY", "{path}");
        assert_eq!(get("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(get("referrer-policy"), "no-referrer", "{path}");
        // Nothing a strict CSP would block: no inline script, style or event handler.
        if kind == "text/html" {
            let body = axum::body::to_bytes(res.into_body(), 1_000_000).await.unwrap();
            let html = String::from_utf8(body.to_vec()).unwrap();
            assert!(!html.contains("<style"), "{path} has an inline style sheet");
            assert!(!html.contains(" style="), "{path} has a style attribute");
            assert!(!has_event_handler(&html), "{path} has an inline event handler");
            for script in html.split("<script").skip(1) {
                assert!(script.starts_with(" type=\"module\" src=\"/assets/"), "{path} has an inline script");
            }
        }
    }
    let missing = app.oneshot(Request::get("/assets/nope.js").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

/// An attribute like ` onclick=` anywhere in the text.
fn has_event_handler(html: &str) -> bool {
    html.match_indices(" on").any(|(i, _)| {
        let rest = &html[i + 3..];
        let name = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        name > 0 && rest[name..].starts_with('=')
    })
}

/// Every action a case's history may carry is named on the pages, in Chinese and in English
/// (`step.<action>` in common.js's shared dictionary: once in each language).
#[test]
fn the_pages_name_every_case_history_action_in_both_languages() {
    let common = include_str!("../../web/common.js");
    for action in hall_wire::step_action::ALL {
        let key = format!("\"step.{action}\":");
        assert_eq!(common.matches(&key).count(), 2, "{key} in common.js's zh and en");
    }
}
