//! `watch`: N users each watch their own channel (SSE or WebSocket, one connection per
//! user) on a running api while generations are created at a steady rate through it;
//! reports delivery latency (from the event's `occurred_at`, stamped when the move is
//! made as the webhook is applied, to client receipt), lost and duplicated events, and
//! the api's CPU time per delivered event. Tokens are minted with the api's
//! `IMAGEGEN_JWT_SECRET`.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::idle::Transport;
use crate::stats::{Latencies, per_sec};
use crate::watch_clients::{Received, Watcher, open};

/// The parameters of one run.
pub struct Watch {
    /// Where users connect, in turn (they reconnect to the next when a stream ends);
    /// generations are created through the first.
    pub servers: Vec<SocketAddr>,
    pub transport: Transport,
    pub jwt_secret: String,
    pub users: usize,
    pub generations: usize,
    pub rate: u32,
    pub sources: usize,
    /// The api's process id, for its CPU time (one api only).
    pub pid: Option<u32>,
}

/// A token for a new user with `role`: (user id, token).
pub fn token(secret: &str, role: &str) -> Result<(uuid::Uuid, String), String> {
    let user = uuid::Uuid::new_v4();
    let claims = json!({
        "sub": user, "org_id": uuid::Uuid::new_v4(), "role": role,
        "exp": chrono::Utc::now().timestamp() + 3600,
    });
    let key = jsonwebtoken::EncodingKey::from_secret(secret.as_bytes());
    jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key)
        .map(|t| (user, t))
        .map_err(|e| e.to_string())
}

/// The api's CPU time so far (user + system), from `/proc/<pid>/stat`.
pub fn cpu_seconds(pid: u32) -> Result<f64, String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).map_err(|e| e.to_string())?;
    let after_name = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    Ok((ticks(11) + ticks(12)) / 100.0)
}

pub async fn run(watch: Watch) -> Result<Value, String> {
    let received: Received = Arc::new(Mutex::new(Vec::new()));
    let reconnects = Arc::new(AtomicUsize::new(0));
    let servers = Arc::new(watch.servers.clone());
    let first = *servers.first().ok_or("give at least one --server")?;
    let mut tokens = Vec::with_capacity(watch.users);
    for n in 0..watch.users {
        let (user, token) = token(&watch.jwt_secret, "user")?;
        let watcher = Watcher {
            servers: servers.clone(),
            transport: watch.transport,
            n,
            sources: watch.sources,
            user,
            token: token.clone(),
        };
        open(watcher, received.clone(), reconnects.clone()).await?;
        tokens.push(token);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let cpu_before = watch.pid.map(cpu_seconds).transpose()?;
    let http = reqwest::Client::new();
    let url = format!("http://{first}/v1/generations");
    let mut ids = Vec::with_capacity(watch.generations);
    let started = Instant::now();
    let mut tick =
        tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(watch.rate.max(1))));
    let mut creating = Vec::new();
    for n in 0..watch.generations {
        tick.tick().await;
        let request = http
            .post(&url)
            .bearer_auth(&tokens[n % tokens.len()])
            .json(&json!({ "prompt": format!("load {n}"), "settings": { "size": "64x64" } }))
            .send();
        creating.push(tokio::spawn(request));
    }
    // A create the api refused (a 429, a 503) is no generation to watch: counted
    // apart, by status, not as events lost.
    let mut refused = std::collections::BTreeMap::<String, usize>::new();
    for request in creating {
        let response = request
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or_default();
        match body["id"].as_str() {
            Some(id) if status.is_success() => ids.push(id.to_owned()),
            _ => *refused.entry(status.as_u16().to_string()).or_default() += 1,
        }
    }
    let created_in = started.elapsed();
    // Until every generation's last event arrived, or 60 s of nothing new.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let finished = crate::watch_clients::finished(&received);
        if finished >= ids.len() || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // None when no pid was given, or the api is gone (a run that killed it).
    let cpu = match (watch.pid, cpu_before) {
        (Some(pid), Some(before)) => cpu_seconds(pid).ok().map(|after| after - before),
        _ => None,
    };
    let summary = crate::watch_clients::summarize(&received, &ids);
    let latencies = Latencies::new(summary.latencies);
    Ok(json!({
        "bench": "watch",
        "transport": format!("{:?}", watch.transport).to_lowercase(),
        "users": watch.users,
        "generations": ids.len(),
        "creates_refused": refused,
        "create_per_sec": per_sec(ids.len(), created_in),
        "delivered": summary.delivered,
        "lost": summary.lost,
        "duplicated": summary.duplicated,
        "latency_p50_ms": latencies.quantile(0.5),
        "latency_p90_ms": latencies.quantile(0.9),
        "latency_p99_ms": latencies.quantile(0.99),
        "latency_max_ms": latencies.quantile(1.0),
        "reconnects": reconnects.load(Ordering::Relaxed),
        "api_cpu_us_per_delivered_event": cpu.map(|cpu| (cpu * 1e6 / summary.delivered.max(1) as f64).round()),
    }))
}
