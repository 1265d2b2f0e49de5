//! The web pages the server itself serves (no internet, no separate web server): every asset
//! is compiled into the binary. Every page and asset carries a strict Content-Security-Policy
//! (the pages have no inline script, style or event handler: everything is an asset from
//! here) and is never framed or sniffed; no referrer leaves a page (a ticket's address holds
//! its secret).

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::extract::PathParam;
use super::AppState;
use crate::error::{ApiError, Code};

/// Only this server's own scripts, styles and connections; images may also be `data:` (the
/// pages' empty favicon). No framing, no `<base>`, forms only back to this server.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The headers every page and asset response carries.
pub fn security_headers() -> [(HeaderName, HeaderValue); 4] {
    [
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY)),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
    ]
}

fn page(html: &'static str) -> Response {
    (security_headers(), [(header::CACHE_CONTROL, "no-cache")], Html(html)).into_response()
}

pub async fn index() -> Response {
    (security_headers(), Redirect::to("/clerk")).into_response()
}

pub async fn clerk() -> Response {
    page(include_str!("../../web/clerk.html"))
}

pub async fn director() -> Response {
    page(include_str!("../../web/director.html"))
}

pub async fn admin() -> Response {
    page(include_str!("../../web/admin.html"))
}

/// The director's reports (`/reports`): a date range's figures, and the same as CSV or Excel.
pub async fn reports() -> Response {
    page(include_str!("../../web/reports.html"))
}

/// Spot inspections (`/inspections`, R18): the month's inspections, and the form to record one.
pub async fn inspections() -> Response {
    page(include_str!("../../web/inspections.html"))
}

/// The monthly report leadership signs (`/reports/month?month=YYYY-MM`, A4 portrait): its script
/// reads the month from the address and the figures with the reports' sign-in.
pub async fn monthly() -> Response {
    page(include_str!("../../web/monthly.html"))
}

/// The village agent's page (`/village`, R22): register, forward and follow villagers' requests.
pub async fn village() -> Response {
    page(include_str!("../../web/village.html"))
}

/// A ticket's mobile status page; its script reads the token from the address and asks
/// `/api/t/{token}`, so an unknown token is told there.
pub async fn ticket() -> Response {
    page(include_str!("../../web/ticket.html"))
}

/// `GET /ticket-sw.js`: the ticket page's service worker (it shows the page's notifications,
/// which Android's Chrome shows only through one). At the root so that it may serve `/t/`.
pub async fn ticket_worker() -> Response {
    (
        security_headers(),
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")],
        include_str!("../../web/ticket-sw.js"),
    )
        .into_response()
}

/// A case's printable notice (`/cases/{number}/notice/{kind}`): its script reads the number and
/// the kind from the address and the case with the staff token of the tab that opened it.
pub async fn notice() -> Response {
    page(include_str!("../../web/notice.html"))
}

/// A complaint's printable reply letter (`/complaints/{id}/letter`, A4): its script reads the id
/// from the address and the complaint with the director's token of the tab that opened it.
pub async fn letter() -> Response {
    page(include_str!("../../web/letter.html"))
}

/// A petition's printable 交办单 (`/petitions/{id}/transfer-slip`) or 告知书
/// (`/petitions/{id}/notice`): its script reads the id and the kind from the address and the
/// petition with the director's token of the console that opened it (the read is audited).
pub async fn petition() -> Response {
    page(include_str!("../../web/petition.html"))
}

/// A case's phone page (`/c/{token}`, the QR code on every notice); its script asks
/// `/api/c/{token}`, so an unknown token is told there.
pub async fn case() -> Response {
    page(include_str!("../../web/case.html"))
}

/// A window's evaluator (好差评 评价器, `/evaluate?window=N`): a screen facing the citizen, set up
/// once with its device token; its script asks `/api/evaluator` with it.
pub async fn evaluate() -> Response {
    page(include_str!("../../web/evaluate.html"))
}

/// Booking an appointment on the phone (`/book`): matter, day, slot, the one-time notification,
/// the citizen's details; the booking is made through `POST /api/bookings`.
pub async fn book() -> Response {
    page(include_str!("../../web/book.html"))
}

/// One booking's saved page (`/book/{code}`); its script asks `/api/bookings/{code}`, so an
/// unknown code is told there.
pub async fn booking() -> Response {
    page(include_str!("../../web/booking.html"))
}

/// `GET /book/{code}/qr.svg`: the QR code of a booking's saved page (the kiosk's 预约取号 reads
/// the code at its end). It encodes only the address, so any 8-digit code gets one: it tells
/// nothing about whether such a booking exists.
pub async fn booking_qr(
    State(s): State<AppState>,
    PathParam(code): PathParam,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if code.len() != 8 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::new(Code::NotFound, "a booking code is 8 digits"));
    }
    let svg = qr_svg(&s, &headers, &format!("/book/{code}"), 180)?;
    Ok((
        security_headers(),
        [(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "private, max-age=3600")],
        svg,
    )
        .into_response())
}

/// The QR code (SVG, at least `size` pixels square) of this server's page at `path`: under
/// `--public-url` when given, otherwise at the address the request reached (its `Host`, which must
/// be a host name or address and port: anything else is `400 invalid_host`, never a failed code;
/// `https://` when the server answers over TLS: a plain `http://` is refused on its port).
pub fn qr_svg(s: &AppState, headers: &HeaderMap, path: &str, size: u32) -> Result<String, ApiError> {
    let origin = match s.public_url() {
        "" => match headers.get(header::HOST) {
            None => "http://localhost".to_string(),
            Some(h) => {
                let host = h.to_str().ok().filter(|h| {
                    (1..=255).contains(&h.len())
                        && h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]_".contains(&b))
                });
                let scheme = if s.https() { "https" } else { "http" };
                format!(
                    "{scheme}://{}",
                    host.ok_or_else(|| ApiError::new(Code::InvalidHost, Code::InvalidHost.meaning()))?
                )
            }
        },
        url => url.to_string(),
    };
    let qr = qrcode::QrCode::with_error_correction_level(format!("{origin}{path}"), qrcode::EcLevel::M)
        .map_err(|e| ApiError::internal(anyhow::anyhow!("QR code: {e}")))?;
    Ok(qr.render::<qrcode::render::svg::Color>().min_dimensions(size, size).quiet_zone(true).build())
}

/// The pages' scripts and style sheet, one table for all of them.
pub async fn asset(PathParam(file): PathParam) -> Result<Response, ApiError> {
    const JS: &str = "text/javascript; charset=utf-8";
    let (body, kind) = match file.as_str() {
        "base.js" => (include_str!("../../web/base.js"), JS),
        "common.js" => (include_str!("../../web/common.js"), JS),
        "village.js" => (include_str!("../../web/village.js"), JS),
        "village.i18n.js" => (include_str!("../../web/village.i18n.js"), JS),
        "clerk-village.js" => (include_str!("../../web/clerk-village.js"), JS),
        "director-village.js" => (include_str!("../../web/director-village.js"), JS),
        "director-incoming.js" => (include_str!("../../web/director-incoming.js"), JS),
        "clerk.js" => (include_str!("../../web/clerk.js"), JS),
        "clerk.i18n.js" => (include_str!("../../web/clerk.i18n.js"), JS),
        "director.js" => (include_str!("../../web/director.js"), JS),
        "director.i18n.js" => (include_str!("../../web/director.i18n.js"), JS),
        "admin.js" => (include_str!("../../web/admin.js"), JS),
        "reports.js" => (include_str!("../../web/reports.js"), JS),
        "reports.i18n.js" => (include_str!("../../web/reports.i18n.js"), JS),
        "inspections.js" => (include_str!("../../web/inspections.js"), JS),
        "inspections.i18n.js" => (include_str!("../../web/inspections.i18n.js"), JS),
        "clerk-inspections.js" => (include_str!("../../web/clerk-inspections.js"), JS),
        "clerk-incoming.js" => (include_str!("../../web/clerk-incoming.js"), JS),
        "monthly.js" => (include_str!("../../web/monthly.js"), JS),
        "monthly.i18n.js" => (include_str!("../../web/monthly.i18n.js"), JS),
        "monthly.css" => (include_str!("../../web/monthly.css"), "text/css; charset=utf-8"),
        "admin.i18n.js" => (include_str!("../../web/admin.i18n.js"), JS),
        "ticket.js" => (include_str!("../../web/ticket.js"), JS),
        "ticket-alert.js" => (include_str!("../../web/ticket-alert.js"), JS),
        "book.js" => (include_str!("../../web/book.js"), JS),
        "book.i18n.js" => (include_str!("../../web/book.i18n.js"), JS),
        "booking.js" => (include_str!("../../web/booking.js"), JS),
        "booking.i18n.js" => (include_str!("../../web/booking.i18n.js"), JS),
        "book-shared.js" => (include_str!("../../web/book-shared.js"), JS),
        "book-shared.i18n.js" => (include_str!("../../web/book-shared.i18n.js"), JS),
        "ticket.i18n.js" => (include_str!("../../web/ticket.i18n.js"), JS),
        "notice.js" => (include_str!("../../web/notice.js"), JS),
        "paper.js" => (include_str!("../../web/paper.js"), JS),
        "director-attendance.js" => (include_str!("../../web/director-attendance.js"), JS),
        "director-leave.js" => (include_str!("../../web/director-leave.js"), JS),
        "director-bookings.js" => (include_str!("../../web/director-bookings.js"), JS),
        "clerk-bookings.js" => (include_str!("../../web/clerk-bookings.js"), JS),
        "clerk-no-shows.js" => (include_str!("../../web/clerk-no-shows.js"), JS),
        "clerk-left-open.js" => (include_str!("../../web/clerk-left-open.js"), JS),
        "clerk-archive.js" => (include_str!("../../web/clerk-archive.js"), JS),
        "clerk-leave.js" => (include_str!("../../web/clerk-leave.js"), JS),
        "director-assessment.js" => (include_str!("../../web/director-assessment.js"), JS),
        "clerk-assessment.js" => (include_str!("../../web/clerk-assessment.js"), JS),
        "assessment.js" => (include_str!("../../web/assessment.js"), JS),
        "assessment.i18n.js" => (include_str!("../../web/assessment.i18n.js"), JS),
        "notice.i18n.js" => (include_str!("../../web/notice.i18n.js"), JS),
        "director-petitions.js" => (include_str!("../../web/director-petitions.js"), JS),
        "petition.js" => (include_str!("../../web/petition.js"), JS),
        "petition.i18n.js" => (include_str!("../../web/petition.i18n.js"), JS),
        "case.js" => (include_str!("../../web/case.js"), JS),
        "case.i18n.js" => (include_str!("../../web/case.i18n.js"), JS),
        "evaluate.js" => (include_str!("../../web/evaluate.js"), JS),
        "evaluate.i18n.js" => (include_str!("../../web/evaluate.i18n.js"), JS),
        "rating.js" => (include_str!("../../web/rating.js"), JS),
        "rating.i18n.js" => (include_str!("../../web/rating.i18n.js"), JS),
        "director-ratings.js" => (include_str!("../../web/director-ratings.js"), JS),
        "ratings.css" => (include_str!("../../web/ratings.css"), "text/css; charset=utf-8"),
        "letter.js" => (include_str!("../../web/letter.js"), JS),
        "letter.i18n.js" => (include_str!("../../web/letter.i18n.js"), JS),
        "director-complaints.js" => (include_str!("../../web/director-complaints.js"), JS),
        "notice.css" => (include_str!("../../web/notice.css"), "text/css; charset=utf-8"),
        "pages.css" => (include_str!("../../web/pages.css"), "text/css; charset=utf-8"),
        _ => return Err(ApiError::new(Code::NotFound, "no such page asset")),
    };
    Ok((security_headers(), [(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "no-cache")], body).into_response())
}
