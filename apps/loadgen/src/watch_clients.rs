//! The watching side of `watch`: one connection per user, SSE (reqwest and
//! `eventsource-stream`) or WebSocket, each recording every event it receives.

use std::collections::{BTreeSet, HashMap};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};

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
    let last = u8::try_from(1 + n % sources.max(1)).unwrap_or(1);
    let source = IpAddr::V4(Ipv4Addr::new(127, 0, 0, last));
    let channel = format!("user:{user}");
    match transport {
        Transport::Sse => {
            let http = reqwest::Client::builder()
                .local_address(source)
                .build()
                .map_err(|e| e.to_string())?;
            let response = http
                .get(format!("http://{server}/v1/events?channel={channel}"))
                .bearer_auth(token)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !response.status().is_success() {
                return Err(format!("SSE refused: {}", response.status()));
            }
            let mut events = eventsource_stream::EventStream::new(response.bytes_stream());
            tokio::spawn(async move {
                while let Some(Ok(event)) = events.next().await {
                    if let (Ok(position), Ok(envelope)) = (
                        event.id.parse::<u64>(),
                        serde_json::from_str::<Value>(&event.data),
                    ) {
                        record(&received, n, position, &envelope);
                    }
                }
            });
        }
        Transport::Ws => {
            let stream = crate::idle::connect(server, n, sources).await?;
            let url = format!("ws://{server}/v1/ws?access_token={token}");
            let (mut socket, _) = tokio_tungstenite::client_async(url, stream)
                .await
                .map_err(|e| e.to_string())?;
            let subscribe = json!({ "type": "subscribe", "channel": channel }).to_string();
            socket
                .send(tokio_tungstenite::tungstenite::Message::Text(
                    subscribe.into(),
                ))
                .await
                .map_err(|e| e.to_string())?;
            tokio::spawn(async move {
                while let Some(Ok(message)) = socket.next().await {
                    let Ok(text) = message.to_text() else {
                        continue;
                    };
                    let Ok(value) = serde_json::from_str::<Value>(text) else {
                        continue;
                    };
                    if let Some(position) = value["position"].as_u64() {
                        record(&received, n, position, &value["data"]);
                    }
                }
            });
        }
    }
    Ok(())
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
