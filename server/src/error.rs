//! The one error type of the HTTP boundary: client mistakes are 4xx with
//! `{"error": code, "message": text}`; anything else is a logged 500 that leaks nothing.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hall_wire::ErrorBody;

#[derive(Debug)]
pub enum ApiError {
    Client(ClientError),
    Internal(anyhow::Error),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds, for 429.
    pub retry_after: Option<u64>,
    /// For `409 hall_closed` / `quota_reached`: when tickets are next available.
    pub next_open: Option<String>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    fn client(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Client(ClientError { status, code, message: message.into(), retry_after: None, next_open: None })
    }
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::client(StatusCode::BAD_REQUEST, code, message)
    }
    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Self::client(StatusCode::UNAUTHORIZED, code, message)
    }
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::client(StatusCode::FORBIDDEN, code, message)
    }
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::client(StatusCode::NOT_FOUND, code, message)
    }
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::client(StatusCode::CONFLICT, code, message)
    }
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::client(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }
    pub fn too_many(code: &'static str, message: impl Into<String>, retry_after: u64) -> Self {
        ApiError::Client(ClientError {
            status: StatusCode::TOO_MANY_REQUESTS,
            code,
            message: message.into(),
            retry_after: Some(retry_after.max(1)),
            next_open: None,
        })
    }
    /// `409`: tickets are not issued now; `next_open` says when they are again.
    pub fn not_issuing(code: &'static str, message: impl Into<String>, next_open: Option<String>) -> Self {
        ApiError::Client(ClientError {
            status: StatusCode::CONFLICT,
            code,
            message: message.into(),
            retry_after: None,
            next_open,
        })
    }
    /// `503`: the server is at a limit (e.g. live streams); the client may retry later.
    pub fn unavailable(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Client(ClientError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code,
            message: message.into(),
            retry_after: Some(5),
            next_open: None,
        })
    }
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        ApiError::Internal(e.into())
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::Internal(e.into())
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        ApiError::Internal(e.into())
    }
}

impl ClientError {
    pub fn body(&self) -> ErrorBody {
        ErrorBody { error: self.code.to_string(), message: self.message.clone(), next_open: self.next_open.clone() }
    }
}

impl IntoResponse for ClientError {
    fn into_response(self) -> Response {
        let mut res = (self.status, Json(self.body())).into_response();
        if let Some(s) = self.retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        res
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Client(c) => c.into_response(),
            ApiError::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                let body = ErrorBody {
                    error: "internal".into(),
                    message: "internal server error; it has been logged".into(),
                    next_open: None,
                };
                (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
            }
        }
    }
}
