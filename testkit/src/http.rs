//! HTTP helpers over the demo accounts: requests with a token and a retry key, sign-ins,
//! tickets from the demo kiosk, a clerk's actions.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::TestServer;

/// An answer: its status and its JSON body (`Null` when empty, a string when not JSON).
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

/// Asserts a contract error: status and `{"error": code, "message": ...}`.
pub fn assert_error(r: &Reply, status: u16, code: &str) {
    assert_eq!(r.status.as_u16(), status, "{}", r.body);
    assert_eq!(r.body["error"], code, "{}", r.body);
    assert!(r.body["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", r.body);
}

impl TestServer {
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        key: Option<&str>,
    ) -> Reply {
        let mut req = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Reply { status, body }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None, None, None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(token), Some(body), None).await
    }

    /// Issues a ticket from the demo kiosk and returns it.
    pub async fn issue(&self, service: &str) -> Value {
        let r = self.post("/api/tickets", "demo-kiosk", json!({ "service_id": service })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body
    }

    pub async fn issue_priority(&self, service: &str, priority: &str) -> Value {
        let r = self.post("/api/tickets", "demo-kiosk", json!({ "service_id": service, "priority": priority })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body
    }

    /// A ticket read by id as staff (the director): anonymous reads are refused (contract v1.1).
    pub async fn ticket(&self, id: &Value) -> Value {
        let director = self.staff("director").await;
        let r = self.send(Method::GET, &format!("/api/tickets/{id}"), Some(&director), None, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body
    }

    /// Signs in a director or admin demo account and returns the token.
    pub async fn staff(&self, user: &str) -> String {
        let r = self
            .send(Method::POST, "/api/auth/login", None, Some(json!({"username": user, "password": "demo"})), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["role"], user, "the demo director and admin accounts carry their role's name");
        r.body["token"].as_str().unwrap().to_string()
    }

    /// Signs in `clerkN` at `window` and returns the token.
    pub async fn clerk(&self, user: &str, window: &str) -> String {
        let r = self
            .send(
                Method::POST,
                "/api/auth/login",
                None,
                Some(json!({"username": user, "password": "demo", "window_id": window})),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body["token"].as_str().unwrap().to_string()
    }

    /// A clerk's action at a window (`call-next`, `recall`, `start`, `no-show`, …) with an
    /// empty body.
    pub async fn act(&self, token: &str, window: &str, action: &str) -> Reply {
        self.post(&format!("/api/windows/{window}/{action}"), token, json!({})).await
    }
}
