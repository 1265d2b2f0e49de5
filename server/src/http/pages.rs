//! The web pages the server itself serves (no internet, no separate web server): every asset
//! is compiled into the binary.

use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::extract::PathParam;
use crate::error::ApiError;

pub async fn index() -> Redirect {
    Redirect::to("/clerk")
}

pub async fn clerk() -> Html<&'static str> {
    Html(include_str!("../../web/clerk.html"))
}

pub async fn director() -> Html<&'static str> {
    Html(include_str!("../../web/director.html"))
}

/// The pages' scripts and style sheet, one table for all of them.
pub async fn asset(PathParam(file): PathParam) -> Result<Response, ApiError> {
    const JS: &str = "text/javascript; charset=utf-8";
    let (body, kind) = match file.as_str() {
        "clerk.js" => (include_str!("../../web/clerk.js"), JS),
        "director.js" => (include_str!("../../web/director.js"), JS),
        "ticket.js" => (include_str!("../../web/ticket.js"), JS),
        "pages.css" => (include_str!("../../web/pages.css"), "text/css; charset=utf-8"),
        _ => return Err(ApiError::not_found("not_found", "no such page asset")),
    };
    Ok(([(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "no-cache")], body).into_response())
}

pub async fn admin() -> Html<&'static str> {
    Html(include_str!("../../web/admin.html"))
}

/// A ticket's mobile status page; its script reads the token from the address and asks
/// `/api/t/{token}`, so an unknown token is told there.
pub async fn ticket() -> Response {
    // The address holds the secret: never send it on as a referrer.
    ([(header::REFERRER_POLICY, "no-referrer")], Html(include_str!("../../web/ticket.html"))).into_response()
}
