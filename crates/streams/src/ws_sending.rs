//! Sending on a WebSocket without a timer or a copy when the socket takes it at once.
//! A broadcast's frame is the same bytes for every connection: it is written on the
//! socket as it is, past tungstenite, once tungstenite has nothing of its own waiting.

use std::task::Poll;
use std::time::Duration;

use std::sync::Arc;

use futures::SinkExt;
use imagegen_realtime::hub::HubMessage;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

use crate::SEND_TIMEOUT;
use crate::timed_write::{within, write_whole};
use crate::ws_protocol as protocol;

/// What the connection sends next.
pub enum Outgoing {
    /// A message of this connection's own.
    Message(Message),
    /// A whole text frame, shared by every connection that sends it: borrowed from
    /// the message, not counted (see [`protocol::shared_frame`]).
    Frame(Arc<HubMessage>),
}

impl From<Message> for Outgoing {
    fn from(message: Message) -> Self {
        Self::Message(message)
    }
}

/// Sends `outgoing`; `false` when the connection is over (it failed, or the client
/// took longer than [`SEND_TIMEOUT`] and was cut off).
pub async fn send<S>(socket: &mut WebSocketStream<S>, outgoing: Outgoing) -> bool
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let message = match outgoing {
        Outgoing::Message(message) => message,
        Outgoing::Frame(shared) => {
            // Past tungstenite: the connection flushes it at the start of each turn
            // (`flush`), so nothing of its own (a pong it owes) is half-sent here.
            if let Some(frame) = protocol::shared_frame(&shared) {
                return write_frame(socket.get_mut(), frame).await;
            }
            protocol::shared_message(&shared)
        }
    };
    {
        let mut sending = std::pin::pin!(socket.send(message));
        let sent = match futures::poll!(sending.as_mut()) {
            Poll::Ready(sent) => Some(sent),
            Poll::Pending => within(SEND_TIMEOUT, sending).await.ok(),
        };
        if let Some(sent) = sent {
            return sent.is_ok();
        }
    }
    tracing::info!("websocket client too slow; closing");
    let close = protocol::close(protocol::CLOSE_TOO_SLOW, "too slow");
    let _ = within(Duration::from_secs(1), socket.send(close)).await;
    false
}

/// Sends what tungstenite holds (a pong it owes), so that nothing of its own is
/// half-sent while the connection waits; `false` when the connection is over.
pub async fn flush<S: AsyncRead + AsyncWrite + Unpin>(socket: &mut WebSocketStream<S>) -> bool {
    if let Poll::Ready(flushed) = futures::poll!(socket.flush()) {
        return flushed.is_ok();
    }
    matches!(within(SEND_TIMEOUT, socket.flush()).await, Ok(Ok(())))
}

/// Writes a whole frame (or its rest) on the socket. A client too slow for it is
/// dropped without a close frame, which could not follow a half-written one.
pub async fn write_frame<S: AsyncWrite + Unpin>(socket: &mut S, frame: &[u8]) -> bool {
    write_whole(socket, frame, "websocket").await
}
