//! A WebSocket client for the tests: JSON in and out, pings skipped, deadlines on
//! every wait.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub struct WsClient {
    socket: Socket,
}

/// What the server sent next.
#[derive(Debug)]
pub enum Received {
    Json(Value),
    Closed(Option<(u16, String)>),
}

impl WsClient {
    /// Connects to `/v1/ws` of the api at `base` with `token` in the query.
    pub async fn connect(base: &str, token: &str) -> Self {
        let url = format!(
            "{}/v1/ws?access_token={token}",
            base.replace("http://", "ws://")
        );
        let (socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        Self { socket }
    }

    /// A client over a socket the test opened itself.
    pub fn from_socket(socket: Socket) -> Self {
        Self { socket }
    }

    pub async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::Text(message.to_string().into()))
            .await
            .unwrap();
    }

    /// The next JSON message or close, within 30 s.
    pub async fn receive(&mut self) -> Received {
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(30), self.socket.next())
                .await
                .expect("nothing from the server within 30 s");
            match frame {
                Some(Ok(Message::Text(text))) => {
                    return Received::Json(serde_json::from_str(&text).unwrap());
                }
                Some(Ok(Message::Close(frame))) => {
                    return Received::Closed(
                        frame.map(|f| (u16::from(f.code), f.reason.to_string())),
                    );
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return Received::Closed(None),
            }
        }
    }

    /// The next JSON message; panics on a close.
    pub async fn json(&mut self) -> Value {
        match self.receive().await {
            Received::Json(value) => value,
            Received::Closed(frame) => panic!("closed: {frame:?}"),
        }
    }

    /// Messages until an event of `event_type` (inclusive).
    pub async fn until_event(&mut self, event_type: &str) -> Vec<Value> {
        let mut seen = Vec::new();
        loop {
            let message = self.json().await;
            let done = message["type"] == "event" && message["data"]["event_type"] == event_type;
            seen.push(message);
            if done {
                return seen;
            }
        }
    }

    /// The close code the server sent next (skipping other messages).
    pub async fn close_code(&mut self) -> Option<u16> {
        loop {
            if let Received::Closed(frame) = self.receive().await {
                return frame.map(|(code, _)| code);
            }
        }
    }
}

/// The code the server uses on shutdown.
pub const SERVICE_RESTART: u16 = 1012;
