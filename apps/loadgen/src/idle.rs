//! `idle`: holds N idle event streams (SSE or WebSocket) open against a running server
//! and reports what they cost it: the server's resident memory (read from
//! `/proc/<pid>/status`) before and after, per connection. Its SSE client is a bare
//! socket that reads and discards, so the client side stays small.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::client::{connect, websocket};

/// What the connections speak.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Transport {
    Sse,
    Ws,
}

/// The server's resident memory, in KiB.
fn rss_kib(pid: u32) -> Result<u64, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("reading the server's memory (pid {pid}): {e}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|kib| kib.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no VmRSS for pid {pid}"))
}

/// Opens one SSE stream and keeps reading it (discarding) until the server ends it.
async fn open_sse(mut stream: TcpStream, path: &str, token: &str) -> Result<(), String> {
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: imagegen\r\nAccept: text/event-stream\r\n\
         Authorization: Bearer {token}\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut head = [0u8; 12];
    stream
        .read_exact(&mut head)
        .await
        .map_err(|e| e.to_string())?;
    if !head.starts_with(b"HTTP/1.1 200") {
        return Err(format!("refused: {}", String::from_utf8_lossy(&head)));
    }
    tokio::spawn(async move {
        let mut sink = [0u8; 256];
        while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
    });
    Ok(())
}

/// The parameters of one run.
pub struct Idle {
    pub server: SocketAddr,
    pub transport: Transport,
    /// The SSE path and query, or the WebSocket URL's path.
    pub path: String,
    pub token: String,
    /// The channel a WebSocket subscribes to.
    pub channel: String,
    pub connections: usize,
    pub sources: usize,
    pub pid: u32,
    pub settle: Duration,
}

pub async fn run(idle: Idle) -> Result<serde_json::Value, String> {
    let before = rss_kib(idle.pid)?;
    let started = Instant::now();
    let mut held = 0usize;
    // A few at a time, so the server's accept queue never overflows.
    for batch in (0..idle.connections).collect::<Vec<_>>().chunks(200) {
        let results = futures::future::join_all(batch.iter().map(|&n| {
            let idle = &idle;
            async move {
                let (server, token) = (idle.server, idle.token.as_str());
                match idle.transport {
                    Transport::Sse => {
                        let stream = connect(server, n, idle.sources).await?;
                        open_sse(stream, &idle.path, token).await
                    }
                    Transport::Ws => {
                        let what = (idle.path.as_str(), token, idle.channel.as_str(), None);
                        websocket(server, what, (n, idle.sources), |_| {})
                            .await
                            .map(drop)
                    }
                }
            }
        }))
        .await;
        for result in results {
            result.map_err(|e| format!("after {held} connections: {e}"))?;
            held += 1;
        }
    }
    let opened_in = started.elapsed();
    tokio::time::sleep(idle.settle).await;
    let after = rss_kib(idle.pid)?;
    let per_connection = (after.saturating_sub(before)) as f64 / held.max(1) as f64;
    Ok(json!({
        "bench": "idle",
        "transport": format!("{:?}", idle.transport).to_lowercase(),
        "connections": held,
        "opened_in_s": opened_in.as_secs_f64(),
        "server_rss_before_kib": before,
        "server_rss_after_kib": after,
        "kib_per_connection": (per_connection * 10.0).round() / 10.0,
    }))
}
