//! The clients of `broadcast`: connections watching `system`, each counting the
//! messages it receives and their latency (the send time travels in the message, in µs
//! of the system clock, so helper processes measure on the same clock). With
//! `--processes K`, K-1 helper processes (this program, `broadcast-helper`) hold part
//! of the connections: each prints `ready`, then `got <count>` as its count grows, and
//! `samples <µs>...` when its stdin closes.

use std::ops::Range;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};

use crate::idle::Transport;

/// Where the clients connect and as whom.
#[derive(Clone)]
pub struct Clients {
    pub server: std::net::SocketAddr,
    pub transport: Transport,
    pub peer: bool,
    pub token: String,
    pub sources: usize,
}

pub type Samples = Arc<Mutex<Vec<Duration>>>;

/// Now, in µs of the system clock.
pub fn now_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// The latency of a message carrying its send time.
fn latency(data: &str) -> Option<Duration> {
    latency_of(&serde_json::from_str(data).ok()?)
}

/// The latency of a parsed message (a WebSocket client has parsed it already).
fn latency_of(value: &Value) -> Option<Duration> {
    let sent = value["payload"]["message"]["sent_us"]
        .as_u64()
        .or_else(|| value["sent_us"].as_u64())?;
    Some(Duration::from_micros(now_us().saturating_sub(sent)))
}

/// Opens connections `range` (their numbers pick their source addresses).
pub async fn open(
    clients: &Clients,
    range: Range<usize>,
    samples: &Samples,
    got: &Arc<AtomicUsize>,
) -> Result<(), String> {
    for n in range {
        let (samples, got) = (samples.clone(), got.clone());
        let count = move |latency: Option<Duration>| {
            if let Some(latency) = latency {
                samples
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(latency);
                got.fetch_add(1, Ordering::Relaxed);
            }
        };
        let (server, at, token) = (clients.server, (n, clients.sources), clients.token.as_str());
        match clients.transport {
            Transport::Sse => {
                let path = if clients.peer {
                    "/events"
                } else {
                    "/v1/events?channel=system"
                };
                crate::client::sse(server, path, token, at, move |event| {
                    count(latency(&event.data))
                })
                .await?;
            }
            Transport::Ws => {
                let what = ("/v1/ws", token, "system", None);
                crate::client::websocket(server, what, at, move |message| {
                    count(latency_of(&message["data"]));
                })
                .await?;
            }
        }
    }
    Ok(())
}

/// The helper process's side: holds `range`, reports, then hands over its samples.
pub async fn serve_as_helper(clients: Clients, range: Range<usize>) -> Result<Value, String> {
    let (samples, got): (Samples, _) = (Arc::default(), Arc::new(AtomicUsize::new(0)));
    open(&clients, range, &samples, &got).await?;
    let mut out = tokio::io::stdout();
    out.write_all(b"ready\n").await.map_err(|e| e.to_string())?;
    out.flush().await.map_err(|e| e.to_string())?;
    let mut stdin = BufReader::new(tokio::io::stdin()).lines();
    let mut told = 0;
    let mut tick = tokio::time::interval(Duration::from_millis(1));
    loop {
        tokio::select! {
            line = stdin.next_line() => if !matches!(line, Ok(Some(_))) { break },
            _ = tick.tick() => {
                let now = got.load(Ordering::Relaxed);
                if now != told {
                    told = now;
                    out.write_all(format!("got {now}\n").as_bytes()).await.map_err(|e| e.to_string())?;
                    out.flush().await.map_err(|e| e.to_string())?;
                }
            }
        }
    }
    let samples = samples
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    let micros: Vec<String> = samples.iter().map(|d| d.as_micros().to_string()).collect();
    Ok(Value::String(format!("samples {}", micros.join(" "))))
}

/// A helper process holding part of the connections.
pub struct Helper {
    pub got: Arc<AtomicUsize>,
    samples: Samples,
    child: Child,
    stdin: Option<ChildStdin>,
    reader: tokio::task::JoinHandle<()>,
}

/// Starts a helper for connections `range` and waits until they are open.
pub async fn spawn_helper(clients: &Clients, range: Range<usize>) -> Result<Helper, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut child = Command::new(exe)
        .args(["broadcast-helper", "--server", &clients.server.to_string()])
        .args([
            "--transport",
            &format!("{:?}", clients.transport).to_lowercase(),
        ])
        .args([
            "--token",
            &clients.token,
            "--sources",
            &clients.sources.to_string(),
        ])
        .args([
            "--from",
            &range.start.to_string(),
            "--to",
            &range.end.to_string(),
        ])
        .args(clients.peer.then_some("--peer"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("starting a helper: {e}"))?;
    let stdout = child.stdout.take().ok_or("a helper without stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    match lines.next_line().await {
        Ok(Some(line)) if line == "ready" => {}
        other => return Err(format!("a helper did not get ready: {other:?}")),
    }
    let (got, samples): (_, Samples) = (Arc::new(AtomicUsize::new(0)), Arc::default());
    let (counted, collected) = (got.clone(), samples.clone());
    let reader = tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(count) = line.strip_prefix("got ") {
                counted.store(count.parse().unwrap_or(0), Ordering::Relaxed);
            } else if let Some(all) = line.strip_prefix("\"samples ") {
                let all = all.trim_end_matches('"');
                let mut samples = collected
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                samples.extend(
                    all.split(' ')
                        .filter_map(|us| us.parse().ok())
                        .map(Duration::from_micros),
                );
            }
        }
    });
    let stdin = child.stdin.take();
    Ok(Helper {
        got,
        samples,
        child,
        stdin,
        reader,
    })
}

impl Helper {
    /// Ends the helper and returns its latencies.
    pub async fn finish(mut self) -> Vec<Duration> {
        drop(self.stdin.take());
        let _ = self.reader.await;
        let _ = self.child.wait().await;
        std::mem::take(
            &mut *self
                .samples
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}
