//! Every error the county service answers: 4xx `{"error", "message"}` as the halls do; a 500
//! is logged with its cause and answered without details.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum CountyError {
    #[error("send `Authorization: Bearer <token>`")]
    Unauthorized,
    #[error("unknown or expired token; sign in again")]
    SessionExpired,
    #[error("wrong username or password")]
    BadCredentials,
    #[error("too many failed sign-ins; wait {0} s before trying again")]
    TooManyAttempts(u64),
    #[error("{0}")]
    InvalidBody(String),
    #[error("{0}")]
    InvalidDate(String),
    #[error("no hall `{0}` in the county")]
    UnknownHall(String),
    #[error("no such endpoint")]
    NotFound,
    #[error("the county's database does not answer")]
    DatabaseUnavailable,
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl CountyError {
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            CountyError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            CountyError::SessionExpired => (StatusCode::UNAUTHORIZED, "session_expired"),
            CountyError::BadCredentials => (StatusCode::UNAUTHORIZED, "bad_credentials"),
            CountyError::TooManyAttempts(_) => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
            CountyError::InvalidBody(_) => (StatusCode::BAD_REQUEST, "invalid_body"),
            CountyError::InvalidDate(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_date"),
            CountyError::UnknownHall(_) => (StatusCode::NOT_FOUND, "unknown_hall"),
            CountyError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            CountyError::DatabaseUnavailable => (StatusCode::SERVICE_UNAVAILABLE, "database_unavailable"),
            CountyError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl From<deadpool_postgres::PoolError> for CountyError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        tracing::warn!(error = %e, "no PostgreSQL connection");
        CountyError::DatabaseUnavailable
    }
}

impl From<tokio_postgres::Error> for CountyError {
    fn from(e: tokio_postgres::Error) -> Self {
        if e.is_closed() || e.as_db_error().is_none() {
            tracing::warn!(error = %e, "PostgreSQL connection lost");
            return CountyError::DatabaseUnavailable;
        }
        CountyError::Internal(e.into())
    }
}

impl IntoResponse for CountyError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let CountyError::Internal(e) = &self {
            tracing::error!(error = ?e, "internal error");
        }
        let body = serde_json::json!({ "error": code, "message": self.to_string() });
        let mut response = (status, axum::Json(body)).into_response();
        if let CountyError::TooManyAttempts(wait) = self {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, wait.into());
        }
        response
    }
}

pub type CountyResult<T> = Result<T, CountyError>;
