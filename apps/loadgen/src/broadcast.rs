//! `broadcast`: N connections watch `system` (imagegen: SSE or WebSocket; the peer: its
//! `/events`) and K messages are broadcast one at a time; reports the latency from send
//! to each client's receipt, messages lost, and the server's CPU time per delivered
//! message. Run against imagegen (`POST /admin/broadcast` with an admin token minted
//! from `IMAGEGEN_JWT_SECRET`) or against `bench/sse-peer` (`--peer`, `POST /publish`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::idle::Transport;
use crate::stats::Latencies;

/// The parameters of one run.
pub struct Broadcast {
    pub server: SocketAddr,
    pub transport: Transport,
    /// Broadcast through `bench/sse-peer` instead of imagegen.
    pub peer: bool,
    pub jwt_secret: String,
    pub connections: usize,
    pub messages: usize,
    pub sources: usize,
    pub pid: u32,
}

type Samples = Arc<std::sync::Mutex<Vec<Duration>>>;

/// The send time carried in a message, as µs since `origin`.
fn latency(data: &str, origin: Instant) -> Option<Duration> {
    let value: Value = serde_json::from_str(data).ok()?;
    let sent = value["payload"]["message"]["sent_us"]
        .as_u64()
        .or_else(|| value["sent_us"].as_u64())?;
    let now = u64::try_from(origin.elapsed().as_micros()).ok()?;
    Some(Duration::from_micros(now.saturating_sub(sent)))
}

async fn watch(
    broadcast: &Broadcast,
    n: usize,
    token: &str,
    origin: Instant,
    samples: Samples,
    got: Arc<AtomicUsize>,
) -> Result<(), String> {
    let server = broadcast.server;
    let count = move |latency: Option<Duration>| {
        if let Some(latency) = latency {
            samples
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(latency);
            got.fetch_add(1, Ordering::Relaxed);
        }
    };
    let at = (n, broadcast.sources);
    match broadcast.transport {
        Transport::Sse => {
            let path = if broadcast.peer {
                "/events"
            } else {
                "/v1/events?channel=system"
            };
            crate::client::sse(server, path, token, at, move |event| {
                count(latency(&event.data, origin));
            })
            .await
            .map(drop)
        }
        Transport::Ws => {
            let what = ("/v1/ws", token, "system", None);
            crate::client::websocket(server, what, at, move |message| {
                count(latency(&message["data"].to_string(), origin));
            })
            .await
            .map(drop)
        }
    }
}

pub async fn run(broadcast: Broadcast) -> Result<Value, String> {
    let origin = Instant::now();
    let samples: Samples = Arc::default();
    let got = Arc::new(AtomicUsize::new(0));
    let (user, admin) = (
        crate::watch::token(&broadcast.jwt_secret, "user")?.1,
        crate::watch::token(&broadcast.jwt_secret, "admin")?.1,
    );
    for n in 0..broadcast.connections {
        watch(&broadcast, n, &user, origin, samples.clone(), got.clone()).await?;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let cpu_before = crate::watch::cpu_seconds(broadcast.pid)?;
    let http = reqwest::Client::new();
    for k in 0..broadcast.messages {
        let expected = (k + 1) * broadcast.connections;
        let sent_us = u64::try_from(origin.elapsed().as_micros()).unwrap_or(0);
        let request = if broadcast.peer {
            http.post(format!("http://{}/publish", broadcast.server))
                .body(json!({ "sent_us": sent_us }).to_string())
        } else {
            http.post(format!("http://{}/admin/broadcast", broadcast.server))
                .bearer_auth(&admin)
                .json(&json!({ "message": { "sent_us": sent_us, "k": k } }))
        };
        request.send().await.map_err(|e| e.to_string())?;
        // One at a time: the next goes when every client has this one, or after 5 s.
        let deadline = Instant::now() + Duration::from_secs(5);
        while got.load(Ordering::Relaxed) < expected && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    let cpu = crate::watch::cpu_seconds(broadcast.pid)? - cpu_before;
    let delivered = got.load(Ordering::Relaxed);
    let latencies = Latencies::new(std::mem::take(
        &mut *samples
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    ));
    Ok(json!({
        "bench": "broadcast",
        "server": if broadcast.peer { "sse-peer" } else { "imagegen" },
        "transport": format!("{:?}", broadcast.transport).to_lowercase(),
        "connections": broadcast.connections,
        "messages": broadcast.messages,
        "delivered": delivered,
        "lost": (broadcast.connections * broadcast.messages).saturating_sub(delivered),
        "latency_p50_ms": latencies.quantile(0.5),
        "latency_p99_ms": latencies.quantile(0.99),
        "latency_max_ms": latencies.quantile(1.0),
        "server_cpu_us_per_delivered": (cpu * 1e6 / delivered.max(1) as f64 * 10.0).round() / 10.0,
    }))
}
