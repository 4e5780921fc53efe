//! Generations created through the balancer at a steady rate while the deployment is
//! disturbed. A create that fails with the documented retryable `503` is sent again
//! with the same `Idempotency-Key` (so it makes one generation); anything else is a
//! failure the test reports.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokio_util::sync::CancellationToken;

#[derive(Default)]
pub struct Created {
    /// Generation id -> the user (index) it belongs to.
    pub generations: BTreeMap<String, usize>,
    pub retried_503: u32,
    /// Answers other than 202 and 503 (status, body), and transport errors.
    pub failures: Vec<String>,
}

/// Creates one generation every `every` for users in turn, until `stop`.
pub fn steadily(
    balancer: String,
    tokens: Vec<String>,
    every: Duration,
    stop: CancellationToken,
) -> Arc<Mutex<Created>> {
    let created = Arc::new(Mutex::new(Created::default()));
    let shared = created.clone();
    tokio::spawn(async move {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        let mut ticker = tokio::time::interval(every);
        let mut turn = 0usize;
        while !stop.is_cancelled() {
            ticker.tick().await;
            let user = turn % tokens.len();
            turn += 1;
            let (http, token, shared, balancer) = (
                http.clone(),
                tokens[user].clone(),
                shared.clone(),
                balancer.clone(),
            );
            tokio::spawn(async move { create(&http, &balancer, &token, user, &shared).await });
        }
    });
    created
}

async fn create(
    http: &reqwest::Client,
    balancer: &str,
    token: &str,
    user: usize,
    created: &Mutex<Created>,
) {
    let key = uuid::Uuid::new_v4().to_string();
    for _ in 0..20 {
        let answer = http
            .post(format!("{balancer}/v1/generations"))
            .bearer_auth(token)
            .header("idempotency-key", &key)
            .json(&json!({"prompt": "through the balancer", "settings": {"size": "64x64"}}))
            .send()
            .await;
        match answer {
            Ok(answer) if answer.status() == 202 => {
                let body: serde_json::Value = answer.json().await.unwrap_or_default();
                let id = body["id"].as_str().unwrap_or_default().to_owned();
                created.lock().unwrap().generations.insert(id, user);
                return;
            }
            Ok(answer) if answer.status() == 503 => {
                let wait = (answer.headers().get("retry-after"))
                    .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
                    .unwrap_or(1);
                created.lock().unwrap().retried_503 += 1;
                tokio::time::sleep(Duration::from_secs(wait.min(2))).await;
            }
            Ok(answer) => {
                let status = answer.status();
                let body = answer.text().await.unwrap_or_default();
                created
                    .lock()
                    .unwrap()
                    .failures
                    .push(format!("{status}: {body}"));
                return;
            }
            Err(error) => {
                created
                    .lock()
                    .unwrap()
                    .failures
                    .push(format!("no answer: {error}"));
                return;
            }
        }
    }
    created
        .lock()
        .unwrap()
        .failures
        .push("still 503 after 20 tries".into());
}
