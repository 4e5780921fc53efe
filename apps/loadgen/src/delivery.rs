//! `delivery`: provider calls per generation in one delivery mode. Sets the api's
//! delivery policy to `mode` for everyone (an admin token minted from
//! `IMAGEGEN_JWT_SECRET`), creates generations at a steady rate, waits until every one
//! has ended, and reports the provider calls the api counted meanwhile
//! (`GET /admin/providers`) per generation, by reason, and the dual mode's mismatches.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The parameters of one run.
pub struct Delivery {
    pub server: SocketAddr,
    pub mode: String,
    pub jwt_secret: String,
    pub generations: usize,
    pub rate: u32,
}

async fn get(http: &reqwest::Client, url: String, token: &str) -> Result<Value, String> {
    let response = http.get(url).bearer_auth(token).send().await;
    let response = response.map_err(|e| e.to_string())?;
    response.json().await.map_err(|e| e.to_string())
}

/// Calls by reason, summed over providers.
async fn calls(http: &reqwest::Client, base: &str, admin: &str) -> Result<[u64; 3], String> {
    let usage = get(http, format!("{base}/admin/providers"), admin).await?;
    let mut sums = [0; 3];
    for provider in usage["providers"].as_array().into_iter().flatten() {
        for (i, reason) in ["create", "reconcile", "cancel"].iter().enumerate() {
            sums[i] += provider["calls"][reason].as_u64().unwrap_or(0);
        }
    }
    Ok(sums)
}

pub async fn run(delivery: Delivery) -> Result<Value, String> {
    let base = format!("http://{}", delivery.server);
    let http = reqwest::Client::new();
    let (_, admin) = crate::watch::token(&delivery.jwt_secret, "admin")?;
    let policy = json!({ "mode": "webhook", "percentage": 100, "global_override": delivery.mode });
    let set = http
        .put(format!("{base}/admin/delivery"))
        .bearer_auth(&admin)
        .json(&policy);
    let answer = set.send().await.map_err(|e| e.to_string())?;
    if !answer.status().is_success() {
        return Err(format!("the policy was refused: {}", answer.status()));
    }
    let before = calls(&http, &base, &admin).await?;
    let started = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(
        1.0 / f64::from(delivery.rate.max(1)),
    ));
    // A user per generation: per-user creation limits must not shape the run.
    let mut ids = Vec::new();
    for n in 0..delivery.generations {
        tick.tick().await;
        let (_, user) = crate::watch::token(&delivery.jwt_secret, "user")?;
        let body = json!({ "prompt": format!("delivery {n}"), "settings": { "size": "64x64" } });
        let created = http
            .post(format!("{base}/v1/generations"))
            .bearer_auth(&user)
            .json(&body);
        let created = created.send().await.map_err(|e| e.to_string())?;
        if !created.status().is_success() {
            return Err(format!("a creation was refused: {}", created.status()));
        }
        let created: Value = created.json().await.map_err(|e| e.to_string())?;
        ids.push((created["id"].as_str().unwrap_or_default().to_owned(), user));
    }
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut open = ids.clone();
    while !open.is_empty() && Instant::now() < deadline {
        let mut still = Vec::new();
        for (id, user) in open {
            let generation = get(&http, format!("{base}/v1/generations/{id}"), &user).await?;
            if !matches!(
                generation["status"].as_str(),
                Some("completed" | "failed" | "cancelled")
            ) {
                still.push((id, user));
            }
        }
        open = still;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let elapsed = started.elapsed();
    let after = calls(&http, &base, &admin).await?;
    let mismatches = get(&http, format!("{base}/admin/delivery/mismatches"), &admin).await?;
    let per = |i: usize| (after[i] - before[i]) as f64 / ids.len().max(1) as f64;
    Ok(json!({
        "bench": "delivery",
        "mode": delivery.mode,
        "generations": ids.len(),
        "unfinished": open.len(),
        "seconds": (elapsed.as_secs_f64() * 10.0).round() / 10.0,
        "create_calls_per_generation": per(0),
        "reconcile_calls_per_generation": per(1),
        "cancel_calls_per_generation": per(2),
        "provider_calls_per_generation": per(0) + per(1) + per(2),
        "mismatches_total": mismatches["total"],
    }))
}
