//! `broadcast`: N connections watch `system` (imagegen: SSE or WebSocket; the peer: its
//! `/events`) and K messages are broadcast one at a time; reports the latency from send
//! to each client's receipt, messages lost, and the server's CPU time per delivered
//! message. Run against imagegen (`POST /admin/broadcast` with an admin token minted
//! from `IMAGEGEN_JWT_SECRET`) or against `bench/sse-peer` (`--peer`, `POST /publish`).
//! With `--processes K` the connections are spread over this process and K-1 helpers,
//! so that the clients' own work shares fewer cores per process.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::broadcast_clients::{Clients, Samples, now_us, open, spawn_helper};
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
    /// Processes holding the connections (this one and helpers).
    pub processes: usize,
}

pub async fn run(broadcast: Broadcast) -> Result<Value, String> {
    let samples: Samples = Arc::default();
    let got = Arc::new(AtomicUsize::new(0));
    let (user, admin) = (
        crate::watch::token(&broadcast.jwt_secret, "user")?.1,
        crate::watch::token(&broadcast.jwt_secret, "admin")?.1,
    );
    let clients = Clients {
        server: broadcast.server,
        transport: broadcast.transport,
        peer: broadcast.peer,
        token: user,
        sources: broadcast.sources,
    };
    // This process holds the first share; helpers the others.
    let processes = broadcast.processes.max(1);
    let share = broadcast.connections.div_ceil(processes);
    let mut helpers = Vec::new();
    for part in 1..processes {
        let range = (part * share).min(broadcast.connections)
            ..((part + 1) * share).min(broadcast.connections);
        helpers.push(spawn_helper(&clients, range).await?);
    }
    open(
        &clients,
        0..share.min(broadcast.connections),
        &samples,
        &got,
    )
    .await?;
    let received = || {
        got.load(Ordering::Relaxed)
            + helpers
                .iter()
                .map(|h| h.got.load(Ordering::Relaxed))
                .sum::<usize>()
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    let cpu_before = crate::watch::cpu_seconds(broadcast.pid)?;
    let http = reqwest::Client::new();
    for k in 0..broadcast.messages {
        let expected = (k + 1) * broadcast.connections;
        let sent_us = now_us();
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
        while received() < expected && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    let delivered = received();
    let cpu = crate::watch::cpu_seconds(broadcast.pid)? - cpu_before;
    let mut all = std::mem::take(
        &mut *samples
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    for helper in helpers {
        all.extend(helper.finish().await);
    }
    let latencies = Latencies::new(all);
    Ok(json!({
        "bench": "broadcast",
        "server": if broadcast.peer { "sse-peer" } else { "imagegen" },
        "transport": format!("{:?}", broadcast.transport).to_lowercase(),
        "connections": broadcast.connections,
        "processes": processes,
        "messages": broadcast.messages,
        "delivered": delivered,
        "lost": (broadcast.connections * broadcast.messages).saturating_sub(delivered),
        "latency_p50_ms": latencies.quantile(0.5),
        "latency_p99_ms": latencies.quantile(0.99),
        "latency_max_ms": latencies.quantile(1.0),
        "server_cpu_us_per_delivered": (cpu * 1e6 / delivered.max(1) as f64 * 10.0).round() / 10.0,
    }))
}
