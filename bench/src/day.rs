//! A hall day compressed in time: kiosks issue the day's tickets as fast as the server takes
//! them while a clerk at every window calls, serves, transfers, marks no-show and finishes,
//! all at once. Used to measure memory after a big day; `hall-sim` plays a day in order.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use reqwest::Client;
use serde_json::{json, Value};

pub struct Day {
    pub issued: usize,
    pub finished: usize,
}

pub async fn busy_day(http: &Client, base: &str, tickets: usize) -> anyhow::Result<Day> {
    let services: Vec<Value> = http.get(format!("{base}/api/services")).send().await?.json().await?;
    let windows: Vec<Value> = http.get(format!("{base}/api/windows")).send().await?.json().await?;
    // Every window gets its share: a window in turn, then one of its matters.
    let per_window: Vec<(String, Vec<String>)> = windows
        .iter()
        .map(|w| {
            let id = w["id"].as_str().unwrap_or_default().to_string();
            let ms = services
                .iter()
                .filter(|s| s["windows"].as_array().is_some_and(|ws| ws.iter().any(|x| x == &json!(id))))
                .filter(|s| crate::load::walk_in(s))
                .map(|s| s["id"].as_str().unwrap_or_default().to_string())
                .collect();
            (id, ms)
        })
        .filter(|(_, ms): &(String, Vec<String>)| !ms.is_empty())
        .collect();
    let all: Vec<String> = services.iter().map(|s| s["id"].as_str().unwrap_or_default().to_string()).collect();
    // Matters done on the spot end as immediate cases, never promised ones.
    let on_the_spot: Arc<std::collections::HashSet<String>> = Arc::new(
        services
            .iter()
            .filter(|s| !crate::load::promises(s))
            .map(|s| s["id"].as_str().unwrap_or_default().to_string())
            .collect(),
    );
    let next = Arc::new(AtomicUsize::new(0));
    let issuing_done = Arc::new(AtomicBool::new(false));
    let finished = Arc::new(AtomicUsize::new(0));

    let mut kiosks = Vec::new();
    for _ in 0..8 {
        let (http, base, next, per_window) = (http.clone(), base.to_string(), next.clone(), per_window.clone());
        kiosks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= tickets {
                    return Ok::<_, anyhow::Error>(());
                }
                let (_, ms) = &per_window[i % per_window.len()];
                crate::load::issue(&http, &base, "demo-kiosk", &ms[(i / per_window.len()) % ms.len()]).await?;
            }
        }));
    }
    let mut clerks = Vec::new();
    for (n, w) in windows.iter().enumerate() {
        let id = w["id"].as_str().context("window id")?.to_string();
        let login = json!({"username": format!("clerk{}", w["number"]), "password": "demo", "window_id": id});
        let session: Value = http.post(format!("{base}/api/auth/login")).json(&login).send().await?.json().await?;
        let token = session["token"].as_str().context("clerk login")?.to_string();
        let (http, base, done, finished, all, on_the_spot) =
            (http.clone(), base.to_string(), issuing_done.clone(), finished.clone(), all.clone(), on_the_spot.clone());
        clerks.push(tokio::spawn(async move {
            let post = |path: String, body: Value| {
                let (http, token) = (http.clone(), token.clone());
                async move { http.post(path).bearer_auth(token).json(&body).send().await }
            };
            let mut k = n;
            loop {
                let res = post(format!("{base}/api/windows/{id}/call-next"), json!({})).await?;
                if res.status() == 204 {
                    if done.load(Ordering::Relaxed) {
                        // Tickets transferred elsewhere may still wait for another window.
                        let queues: Vec<Value> = http.get(format!("{base}/api/queues")).send().await?.json().await?;
                        if queues.iter().all(|q| q["waiting"] == 0) {
                            return Ok::<_, anyhow::Error>(());
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    continue;
                }
                if res.status() != 200 {
                    bail!("call-next at {id}: {}", res.status());
                }
                let called: Value = res.json().await?;
                let spot = called["service_id"].as_str().is_some_and(|s| on_the_spot.contains(s));
                k += 1;
                let action = match k % 25 {
                    0 => ("no-show", json!({})),
                    1 => ("transfer", json!({"service_id": all[k % all.len()]})),
                    2 => (
                        "finish",
                        json!({"outcome": "returned", "return_ground": "main_material_missing", "reason": "主件不全"}),
                    ),
                    3 => ("finish", json!({"outcome": "supplement", "missing_materials": ["户口簿复印件"]})),
                    4..=6 if !spot => ("finish", json!({"outcome": "promised"})),
                    _ => ("finish", json!({"outcome": "immediate"})),
                };
                if action.0 == "finish" {
                    post(format!("{base}/api/windows/{id}/start"), json!({})).await?;
                }
                let res = post(format!("{base}/api/windows/{id}/{}", action.0), action.1).await?;
                if !res.status().is_success() {
                    bail!("{} at {id}: {}", action.0, res.status());
                }
                if action.0 != "transfer" {
                    finished.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for k in kiosks {
        k.await??;
    }
    issuing_done.store(true, Ordering::Relaxed);
    for c in clerks {
        c.await??;
    }
    Ok(Day { issued: tickets, finished: finished.load(Ordering::Relaxed) })
}
