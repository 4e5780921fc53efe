//! The client side shared by the streaming benchmarks: connections spread over the
//! source addresses 127.0.0.1..=N (one address has too few ephemeral ports for tens of
//! thousands of connections), an SSE stream or a subscribed WebSocket, each handing
//! what it receives to a callback on a task of its own, which ends with the stream.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::{TcpSocket, TcpStream};
use tokio::task::JoinHandle;

/// The source address of connection `n`.
pub fn source(n: usize, sources: usize) -> Ipv4Addr {
    Ipv4Addr::new(127, 0, 0, u8::try_from(1 + n % sources.max(1)).unwrap_or(1))
}

/// A TCP connection to `server` from connection `n`'s source address.
pub async fn connect(server: SocketAddr, n: usize, sources: usize) -> Result<TcpStream, String> {
    let from = source(n, sources);
    let socket = TcpSocket::new_v4().map_err(|e| e.to_string())?;
    socket
        .bind(SocketAddr::from((from, 0)))
        .map_err(|e| format!("binding {from}: {e}"))?;
    socket
        .connect(server)
        .await
        .map_err(|e| format!("connecting: {e}"))
}

/// Opens an SSE stream at `path` (with its query) and hands each event to `on_event`.
pub async fn sse(
    server: SocketAddr,
    path: &str,
    token: &str,
    (n, sources): (usize, usize),
    mut on_event: impl FnMut(eventsource_stream::Event) + Send + 'static,
) -> Result<JoinHandle<()>, String> {
    let http = reqwest::Client::builder()
        .local_address(IpAddr::V4(source(n, sources)))
        .build()
        .map_err(|e| e.to_string())?;
    let response = http
        .get(format!("http://{server}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("SSE refused: {}", response.status()));
    }
    let mut events = eventsource_stream::EventStream::new(response.bytes_stream());
    Ok(tokio::spawn(async move {
        while let Some(Ok(event)) = events.next().await {
            on_event(event);
        }
    }))
}

/// Opens a WebSocket at `path`, subscribes to `channel` (after position `since`, if
/// given) and hands each JSON message to `on_message`.
pub async fn websocket(
    server: SocketAddr,
    (path, token, channel, since): (&str, &str, &str, Option<u64>),
    (n, sources): (usize, usize),
    mut on_message: impl FnMut(Value) + Send + 'static,
) -> Result<JoinHandle<()>, String> {
    let stream = connect(server, n, sources).await?;
    let url = format!("ws://{server}{path}?access_token={token}");
    // Small buffers, as the server's: tungstenite's default 128 KiB read buffer per
    // connection costs the load generator memory and cache across 10,000 clients.
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0);
    let (mut socket, _) = tokio_tungstenite::client_async_with_config(url, stream, Some(config))
        .await
        .map_err(|e| e.to_string())?;
    let subscribe = match since {
        Some(since) => json!({ "type": "subscribe", "channel": channel, "since": since }),
        None => json!({ "type": "subscribe", "channel": channel }),
    }
    .to_string();
    socket
        .send(tokio_tungstenite::tungstenite::Message::Text(
            subscribe.into(),
        ))
        .await
        .map_err(|e| e.to_string())?;
    Ok(tokio::spawn(async move {
        while let Some(Ok(message)) = socket.next().await {
            let Ok(text) = message.to_text() else {
                continue;
            };
            if let Ok(value) = serde_json::from_str::<Value>(text) {
                on_message(value);
            }
        }
    }))
}
