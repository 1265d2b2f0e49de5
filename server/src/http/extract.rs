//! Extractors: who is calling, the retry key, and the body, each failing with the
//! contract's JSON error instead of axum's plain-text rejections.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use super::AppState;
use crate::auth::token_hash;
use crate::error::{ApiError, ApiResult, Code};
use crate::hall::StaffRole;
use crate::ops::Actor;

pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

/// The authenticated caller: a kiosk device or a staff session.
pub struct Caller(pub Actor);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        Caller::from_headers(state, &parts.headers).await.map(Caller)
    }
}

impl Caller {
    /// The caller of a request's headers (for an endpoint where a token is optional).
    pub async fn from_headers(state: &AppState, headers: &HeaderMap) -> ApiResult<Actor> {
        let token =
            bearer(headers).ok_or_else(|| ApiError::new(Code::Unauthorized, "send `Authorization: Bearer <token>`"))?;
        Caller::by_token_hash(state, &token_hash(token))
    }

    /// The caller a token's hash names now: a device of the hall in force, or a live session of
    /// an account it still has (demo ones only under `--demo`). Live streams ask again on every
    /// batch and keep-alive, so that none outlives what a request would be refused.
    pub fn by_token_hash(state: &AppState, hash: &str) -> ApiResult<Actor> {
        let hall = state.hall();
        if let Some(k) = hall.kiosk_by_token_hash(hash) {
            if k.demo && !state.demo() {
                return Err(ApiError::new(
                    Code::DemoDisabled,
                    "demo devices work only when the server runs with --demo",
                ));
            }
            return Ok(Actor::Kiosk { id: k.id.clone() });
        }
        if let Some(e) = hall.evaluator_by_token_hash(hash) {
            if e.demo && !state.demo() {
                return Err(ApiError::new(
                    Code::DemoDisabled,
                    "demo devices work only when the server runs with --demo",
                ));
            }
            return Ok(Actor::Evaluator { id: e.id.clone(), window: e.window.clone() });
        }
        if let Some(c) = hall.county_by_token_hash(hash) {
            if c.demo && !state.demo() {
                return Err(ApiError::new(
                    Code::DemoDisabled,
                    "demo devices work only when the server runs with --demo",
                ));
            }
            return Ok(Actor::County { id: c.id.clone() });
        }
        let session = state
            .session(hash)
            .ok_or_else(|| ApiError::new(Code::SessionExpired, "unknown or expired token; sign in again"))?;
        let role =
            StaffRole::parse(&session.role).ok_or_else(|| ApiError::new(Code::SessionExpired, "sign in again"))?;
        match hall.staff(&session.username) {
            Some(s) if !s.demo || state.demo() => {}
            _ => return Err(ApiError::new(Code::SessionExpired, "this account no longer exists; sign in again")),
        }
        Ok(Actor::Staff { username: session.username, role, session_id: session.id, window_id: session.window_id })
    }
}

/// The optional `Idempotency-Key` header, with the request's own method and path: a retry's
/// fingerprint is taken from what was asked, never from a path string written in a handler.
pub struct RetryKey {
    pub key: Option<String>,
    method: axum::http::Method,
    path: String,
}

impl RetryKey {
    /// The same request, never answered from the retry table (e.g. a login, whose answer is a
    /// secret).
    pub fn forget(self) -> RetryKey {
        RetryKey { key: None, ..self }
    }

    /// What the writer keeps to answer a retry: the key and the request's fingerprint.
    pub fn idempotency(self, server_key: &crate::secret::ServerKey, body: &[u8]) -> Option<crate::writer::Idempotency> {
        let (method, path) = (self.method, self.path);
        self.key.map(|k| crate::writer::Idempotency::new(server_key, k, method.as_str(), &path, body))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RetryKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> ApiResult<Self> {
        let (method, path) = (parts.method.clone(), parts.uri.path().to_string());
        let Some(v) = parts.headers.get("idempotency-key") else {
            return Ok(RetryKey { key: None, method, path });
        };
        let key = std::str::from_utf8(v.as_bytes())
            .map_err(|_| ApiError::new(Code::InvalidIdempotencyKey, "Idempotency-Key must be UTF-8 text"))?;
        if key.is_empty() || key.chars().count() > 64 {
            return Err(ApiError::new(Code::InvalidIdempotencyKey, "Idempotency-Key must be 1 to 64 characters"));
        }
        Ok(RetryKey { key: Some(key.to_string()), method, path })
    }
}

/// The raw body, with a JSON 413 when it is too large.
pub struct Body(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> ApiResult<Self> {
        let declared_json =
            req.headers().get(axum::http::header::CONTENT_TYPE).map(|v| v.to_str().map(is_json).unwrap_or(false));
        let body = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(Code::BodyTooLarge, "the body is larger than this endpoint takes")
            } else if timed_out(&e) {
                ApiError::new(Code::BodyTimeout, "the body did not arrive in time")
            } else {
                ApiError::new(Code::InvalidBody, "the body could not be read")
            }
        })?;
        // A body must say it is JSON (a form posted from another site cannot pass as one); a
        // request without a body (e.g. call-next) needs no type.
        match declared_json {
            Some(true) => {}
            None if body.is_empty() => {}
            _ => {
                return Err(ApiError::new(
                    Code::UnsupportedMediaType,
                    "send the body as JSON with Content-Type: application/json",
                ))
            }
        }
        Ok(Body(body))
    }
}

/// Whether reading the body failed on the server's body time-out (`RequestBodyTimeoutLayer`).
fn timed_out(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if c.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = c.source();
    }
    false
}

/// `application/json`, with or without parameters (`; charset=utf-8`).
fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// Parses a JSON body; malformed JSON and wrong types are both 400.
pub fn json<T: DeserializeOwned>(body: &Bytes) -> ApiResult<T> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::new(Code::InvalidBody, "expected a JSON object body"));
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::new(Code::InvalidBody, format!("invalid JSON body: {}", without_values(&e.to_string()))))
}

/// serde's message without the value it quotes (`invalid type: string "13700001111", expected
/// u32`): what a body holds (a phone, an identity number typed in the wrong field) is not sent
/// back, nor kept by whatever logs the answer. Field names stay: they say what to mend.
fn without_values(message: &str) -> String {
    for lead in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(lead) {
            if let Some(at) = rest.rfind(", expected") {
                let kind = rest[..at].split_whitespace().next().unwrap_or("");
                return format!("{lead}{kind}{}", &rest[at..]);
            }
        }
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        if let Some(at) = rest.rfind("`, expected") {
            return format!("unknown variant{}", &rest[at + 1..]);
        }
    }
    message.to_string()
}

/// The query string as `T`, with the contract's JSON `400 invalid_query` (naming the parameter)
/// when a parameter is not of its type — `?limit=abc`, `?overdue=1` — instead of axum's
/// plain-text rejection, which a console cannot show in its language.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<Self> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(q)) => Ok(Query(q)),
            Err(e) => Err(ApiError::new(Code::InvalidQuery, e.body_text())),
        }
    }
}

/// A single path parameter, with a JSON 400 when it is not valid text.
pub struct PathParam(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathParam {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<Self> {
        axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map(|p| PathParam(p.0))
            .map_err(|_| ApiError::new(Code::InvalidPath, "the path has a part that is not valid text"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A wrong type names the field's kind and where, never the value (a phone, an identity
    /// number sent in the wrong field).
    #[test]
    fn a_wrong_value_is_not_sent_back() {
        let check = |body: &str, said: &str| {
            let Err(ApiError::Client(e)) =
                json::<std::collections::HashMap<String, u32>>(&Bytes::from(body.to_string()))
            else {
                panic!("{body} was taken")
            };
            assert!(!e.message.contains("13700001111") && !e.message.contains("110105"), "{}", e.message);
            assert!(e.message.contains(said), "{}", e.message);
        };
        check(r#"{"phone": "13700001111"}"#, "invalid type: string, expected u32 at line 1 column 23");
        check(r#"{"id": 110105194912310021}"#, "invalid value: integer, expected u32");
        check(r#"{"phone": "137, expected 00001111"}"#, "invalid type: string, expected u32");
    }

    /// A body that stops arriving is answered 408 (the connection's time-out), not 400.
    #[tokio::test]
    async fn a_body_that_does_not_arrive_in_time_is_a_408() {
        let stalled = axum::body::Body::from_stream(futures_util::stream::pending::<Result<Bytes, std::io::Error>>());
        let slow = tower_http::timeout::TimeoutBody::new(std::time::Duration::from_millis(20), stalled);
        let req = axum::http::Request::builder()
            .method("POST")
            .header("content-type", "application/json")
            .body(axum::body::Body::new(slow))
            .unwrap();
        match Body::from_request(req, &()).await {
            Err(ApiError::Client(e)) => {
                assert_eq!((e.code, e.code.status()), (Code::BodyTimeout, StatusCode::REQUEST_TIMEOUT))
            }
            Err(e) => panic!("{e:?}"),
            Ok(_) => panic!("a stalled body was read"),
        }
    }
}
