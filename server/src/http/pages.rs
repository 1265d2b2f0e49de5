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

pub async fn clerk_asset(PathParam(file): PathParam) -> Result<Response, ApiError> {
    let (body, kind) = match file.as_str() {
        "clerk.js" => (include_str!("../../web/clerk.js"), "text/javascript; charset=utf-8"),
        "clerk.css" => (include_str!("../../web/clerk.css"), "text/css; charset=utf-8"),
        _ => return Err(ApiError::not_found("not_found", "no such page asset")),
    };
    Ok(([(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "no-cache")], body).into_response())
}

pub async fn director() -> Html<&'static str> {
    Html(include_str!("../../web/director.html"))
}

pub async fn director_asset(PathParam(file): PathParam) -> Result<Response, ApiError> {
    let (body, kind) = match file.as_str() {
        "director.js" => (include_str!("../../web/director.js"), "text/javascript; charset=utf-8"),
        "clerk.css" => (include_str!("../../web/clerk.css"), "text/css; charset=utf-8"),
        _ => return Err(ApiError::not_found("not_found", "no such page asset")),
    };
    Ok(([(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "no-cache")], body).into_response())
}

pub async fn admin() -> Html<&'static str> {
    Html(include_str!("../../web/admin.html"))
}
