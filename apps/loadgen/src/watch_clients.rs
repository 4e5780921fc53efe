//! The watching side of `watch`: one connection per user, SSE (reqwest and
//! `eventsource-stream`) or WebSocket, each recording every event it receives.

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

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

/// Opens connection `n` for `user` and records its events from then on.
pub async fn open(
    server: SocketAddr,
    transport: Transport,
    n: usize,
    sources: usize,
    user: uuid::Uuid,
    token: &str,
    received: Received,
) -> Result<(), String> {
    let channel = format!("user:{user}");
    match transport {
        Transport::Sse => {
            let path = format!("/v1/events?channel={channel}");
            crate::client::sse(server, &path, token, (n, sources), move |event| {
                if let (Ok(position), Ok(envelope)) = (
                    event.id.parse::<u64>(),
                    serde_json::from_str::<Value>(&event.data),
                ) {
                    record(&received, n, position, &envelope);
                }
            })
            .await
        }
        Transport::Ws => {
            let what = ("/v1/ws", token, channel.as_str());
            crate::client::websocket(server, what, (n, sources), move |message| {
                if let Some(position) = message["position"].as_u64() {
                    record(&received, n, position, &message["data"]);
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
