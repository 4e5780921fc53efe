//! Sending on a WebSocket without a timer or a copy when the socket takes it at once.
//! A broadcast's frame is the same bytes for every connection: it is written on the
//! socket as it is, past tungstenite, once tungstenite has nothing of its own waiting.

use std::task::Poll;
use std::time::Duration;

use std::sync::Arc;

use futures::SinkExt;
use imagegen_realtime::hub::HubMessage;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

use super::protocol;
use crate::slow_path::within;

/// A client that takes longer than this to take one message is too slow: it is cut
/// off and resumes with `since`, rather than holding events in our memory.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// What the connection sends next.
pub enum Outgoing {
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
            // Our own sends always finish with a flush, but a pong tungstenite owes the
            // client may wait in its buffer: the frame goes after it, never inside it.
            if let Some(frame) = protocol::shared_frame(&shared)
                && let Poll::Ready(Ok(())) = futures::poll!(socket.flush())
            {
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

/// Writes a whole frame (or its rest) on the socket: at once when it fits, else
/// within the timeout. A client too slow for it is dropped without a close frame,
/// which could not follow a half-written one.
pub async fn write_frame<S: AsyncWrite + Unpin>(socket: &mut S, frame: &[u8]) -> bool {
    let attempt = std::future::poll_fn(|cx| {
        Poll::Ready(std::pin::Pin::new(&mut *socket).poll_write(cx, frame))
    });
    let written = match attempt.await {
        Poll::Ready(Ok(written)) => written,
        Poll::Ready(Err(_)) => return false,
        Poll::Pending => 0,
    };
    if written == frame.len() {
        return true;
    }
    match within(SEND_TIMEOUT, socket.write_all(&frame[written..])).await {
        Ok(written) => written.is_ok(),
        Err(_) => {
            tracing::info!("websocket client too slow; closing");
            false
        }
    }
}
