//! The watching side of `watch`: one connection per user, SSE (reqwest and
//! `eventsource-stream`) or WebSocket, each recording every event it receives and
//! reconnecting, where it left off, when its stream ends.

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::task::JoinHandle;

use crate::idle::Transport;

/// One received event.
pub struct Record {
    connection: usize,
    position: u64,
    generation: String,
    sequence: u64,
    terminal: bool,
    latency: Duration,
}

pub type Received = Arc<Mutex<Vec<Record>>>;

fn record(received: &Received, connection: usize, position: u64, envelope: &Value) {
    let occurred = envelope["occurred_at"]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
    let latency = occurred
        .and_then(|at| {
            (chrono::Utc::now() - at.with_timezone(&chrono::Utc))
                .to_std()
                .ok()
        })
        .unwrap_or_default();
    let kind = envelope["event_type"].as_str().unwrap_or_default();
    let entry = Record {
        connection,
        position,
        generation: envelope["aggregate_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        sequence: envelope["sequence"].as_u64().unwrap_or(0),
        terminal: matches!(kind, "GenerationCompleted" | "GenerationFailed"),
        latency,
    };
    received
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(entry);
}

/// Who connection `n` is and where it may connect.
pub struct Watcher {
    pub servers: Arc<Vec<SocketAddr>>,
    pub transport: Transport,
    pub n: usize,
    pub sources: usize,
    pub user: uuid::Uuid,
    pub token: String,
}

/// Opens connection `n` for its user (to server `n` of the list, in turn) and records
/// its events from then on. When the stream ends (an api instance stopped or was
/// killed) it reconnects, to the next server in turn, every 200 ms until one answers,
/// resuming after the last position it received (`Last-Event-ID` or `since`; 0 before
/// any: the users are new, so their channels hold only this run's events).
pub async fn open(
    watcher: Watcher,
    received: Received,
    reconnects: Arc<AtomicUsize>,
) -> Result<(), String> {
    let last = Arc::new(AtomicU64::new(0));
    let mut reading = connect_once(&watcher, 0, None, &last, &received).await?;
    tokio::spawn(async move {
        let mut attempt = 0;
        loop {
            let _ = reading.await;
            reconnects.fetch_add(1, Ordering::Relaxed);
            reading = loop {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(200)).await;
                let since = Some(last.load(Ordering::Relaxed));
                if let Ok(task) = connect_once(&watcher, attempt, since, &last, &received).await {
                    break task;
                }
            };
        }
    });
    Ok(())
}

/// One connection of `watcher` to its `attempt`-th server in turn.
async fn connect_once(
    watcher: &Watcher,
    attempt: usize,
    since: Option<u64>,
    last: &Arc<AtomicU64>,
    received: &Received,
) -> Result<JoinHandle<()>, String> {
    let server = watcher.servers[(watcher.n + attempt) % watcher.servers.len()];
    let channel = format!("user:{}", watcher.user);
    let (n, last, received) = (watcher.n, last.clone(), received.clone());
    let on_event = move |position: u64, envelope: &Value| {
        last.fetch_max(position, Ordering::Relaxed);
        record(&received, n, position, envelope);
    };
    match watcher.transport {
        Transport::Sse => {
            let resume = since
                .map(|p| format!("&last_event_id={p}"))
                .unwrap_or_default();
            let path = format!("/v1/events?channel={channel}{resume}");
            let at = (n, watcher.sources);
            crate::client::sse(server, &path, &watcher.token, at, move |event| {
                if let (Ok(position), Ok(envelope)) = (
                    event.id.parse::<u64>(),
                    serde_json::from_str::<Value>(&event.data),
                ) {
                    on_event(position, &envelope);
                }
            })
            .await
        }
        Transport::Ws => {
            let what = ("/v1/ws", watcher.token.as_str(), channel.as_str(), since);
            crate::client::websocket(server, what, (n, watcher.sources), move |message| {
                if let Some(position) = message["position"].as_u64() {
                    on_event(position, &message["data"]);
                }
            })
            .await
        }
    }
}

/// Generations whose last event arrived.
pub fn finished(received: &Received) -> usize {
    let records = received
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    records
        .iter()
        .filter(|r| r.terminal)
        .map(|r| &r.generation)
        .collect::<BTreeSet<_>>()
        .len()
}

/// What a run delivered.
pub struct Summary {
    pub delivered: usize,
    pub lost: usize,
    pub duplicated: usize,
    pub latencies: Vec<Duration>,
}

/// Counts deliveries, duplicates (a position twice on one connection) and losses (a
/// generation's sequence with a hole, or no last event) among `ids`.
pub fn summarize(received: &Received, ids: &[String]) -> Summary {
    let records = received
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut seen = BTreeSet::new();
    let mut duplicated = 0;
    let mut sequences: HashMap<&str, (BTreeSet<u64>, bool)> = HashMap::new();
    for record in records.iter() {
        if !seen.insert((record.connection, record.position)) {
            duplicated += 1;
            continue;
        }
        let entry = sequences.entry(record.generation.as_str()).or_default();
        entry.0.insert(record.sequence);
        entry.1 |= record.terminal;
    }
    let lost = ids
        .iter()
        .map(|id| match sequences.get(id.as_str()) {
            None => 1,
            Some((got, terminal)) => {
                let highest = got.iter().max().copied().unwrap_or(0);
                let holes = (highest as usize).saturating_sub(got.len());
                holes + usize::from(!terminal)
            }
        })
        .sum();
    Summary {
        delivered: records.len() - duplicated,
        lost,
        duplicated,
        latencies: records.iter().map(|r| r.latency).collect(),
    }
}
