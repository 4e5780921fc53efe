//! Clients watching their user's channel through the balancer, as browsers do: over
//! SSE (resuming with `Last-Event-ID`) or WebSocket (resuming with `since`), coming
//! back after every end (a drain's `reconnect` / 1012, a killed api's cut) on whichever
//! instance the balancer picks. They keep everything they receive.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_util::sync::CancellationToken;

/// One event as a client received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub position: u64,
    pub event_id: String,
    pub generation: String,
    pub sequence: u64,
}

#[derive(Default)]
pub struct Watch {
    pub events: Vec<Received>,
    /// Times it connected (the first included).
    pub connections: u32,
}

pub type Watched = Arc<Mutex<Watch>>;

fn received(position: u64, envelope: &Value) -> Option<Received> {
    Some(Received {
        position,
        event_id: envelope["event_id"].as_str()?.to_owned(),
        generation: envelope["aggregate_id"].as_str()?.to_owned(),
        sequence: envelope["sequence"].as_u64()?,
    })
}

fn last_position(watch: &Watched) -> Option<u64> {
    watch.lock().unwrap().events.last().map(|e| e.position)
}

async fn pause() {
    tokio::time::sleep(Duration::from_millis(100 + rand_ms())).await;
}

fn rand_ms() -> u64 {
    u64::from(uuid::Uuid::new_v4().as_bytes()[0]) % 300
}

/// Watches `channel` over SSE until `stop`.
pub fn sse(balancer: String, token: String, channel: String, stop: CancellationToken) -> Watched {
    let watch = Watched::default();
    let shared = watch.clone();
    tokio::spawn(async move {
        let http = reqwest::Client::new();
        while !stop.is_cancelled() {
            let mut request = http
                .get(format!("{balancer}/v1/events?channel={channel}"))
                .bearer_auth(&token);
            if let Some(position) = last_position(&shared) {
                request = request.header("last-event-id", position.to_string());
            }
            if let Ok(answer) = request.send().await
                && answer.status() == 200
            {
                shared.lock().unwrap().connections += 1;
                let mut events = eventsource_stream::EventStream::new(answer.bytes_stream());
                loop {
                    let next = tokio::select! {
                        () = stop.cancelled() => return,
                        next = events.next() => next,
                    };
                    let Some(Ok(event)) = next else { break };
                    let envelope: Value = serde_json::from_str(&event.data).unwrap_or(Value::Null);
                    // Stored events have an `id:`; control events and broadcasts none.
                    if let Ok(position) = event.id.parse::<u64>()
                        && let Some(got) = received(position, &envelope)
                    {
                        shared.lock().unwrap().events.push(got);
                    }
                }
            }
            pause().await;
        }
    });
    watch
}

/// Watches `channel` over WebSocket until `stop`.
pub fn websocket(
    balancer: String,
    token: String,
    channel: String,
    stop: CancellationToken,
) -> Watched {
    let watch = Watched::default();
    let shared = watch.clone();
    let url = format!(
        "{}/v1/ws?access_token={token}",
        balancer.replacen("http", "ws", 1)
    );
    tokio::spawn(async move {
        while !stop.is_cancelled() {
            if let Ok((mut socket, _)) = tokio_tungstenite::connect_async(&url).await {
                let subscribe = match last_position(&shared) {
                    Some(since) => json!({"type": "subscribe", "channel": channel, "since": since}),
                    None => json!({"type": "subscribe", "channel": channel}),
                };
                if socket
                    .send(Message::text(subscribe.to_string()))
                    .await
                    .is_ok()
                {
                    shared.lock().unwrap().connections += 1;
                }
                loop {
                    let next = tokio::select! {
                        () = stop.cancelled() => return,
                        next = socket.next() => next,
                    };
                    let Some(Ok(Message::Text(text))) = next else {
                        if matches!(next, Some(Ok(Message::Ping(_) | Message::Pong(_)))) {
                            continue;
                        }
                        break;
                    };
                    let message: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    if message["type"] == "event"
                        && let Some(position) = message["position"].as_u64()
                        && let Some(got) = received(position, &message["data"])
                    {
                        shared.lock().unwrap().events.push(got);
                    }
                }
            }
            pause().await;
        }
    });
    watch
}
