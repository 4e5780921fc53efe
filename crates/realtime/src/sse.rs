//! Events as server-sent events, framed as text once for whichever server writes them
//! (hyper's body, or the api's direct path on the socket): `id:` the stream position,
//! `event:` the event type, `data:` the JSON envelope; `retry:` first, a comment while
//! idle, and a last word when the stream ends for a reason the client should act on.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

mod frames;
pub use frames::{SseFrames, sse_frames};

use crate::hub::HubMessage;
use crate::session::Delivery;

/// How often an idle stream sends a comment, so proxies keep it open.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How long a browser waits before reconnecting (`retry:`).
pub const RETRY: Duration = Duration::from_secs(2);

/// How frames are wrapped for the server that writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// SSE text, for a server that frames the body itself (hyper).
    Plain,
    /// Each frame as one HTTP/1.1 chunk (size, text, CRLF), for a server that writes
    /// the body on the socket: one write per frame, and a broadcast's chunk is made
    /// once for every connection.
    Chunked,
}

impl Framing {
    fn wrap(self, text: &str) -> Bytes {
        match self {
            Self::Plain => Bytes::copy_from_slice(text.as_bytes()),
            Self::Chunked => format!("{:x}\r\n{text}\r\n", text.len()).into(),
        }
    }
}

/// One frame to write: its own bytes, or a broadcast's, the same for every connection
/// and borrowed from the message rather than copied or counted.
#[derive(Debug)]
pub enum SseFrame {
    /// This stream's own bytes (an event, a keep-alive, a closing notice).
    Owned(Bytes),
    /// A broadcast's frame, the same bytes for every stream.
    Shared {
        /// The message that holds the frame.
        message: Arc<HubMessage>,
        /// Its HTTP/1.1 chunk (the direct path) rather than the plain frame (hyper's).
        chunked: bool,
    },
}

impl AsRef<[u8]> for SseFrame {
    fn as_ref(&self) -> &[u8] {
        match self {
            Self::Owned(bytes) => bytes,
            Self::Shared { message, chunked } => message.sse_frame(*chunked).map_or(&[], |b| b),
        }
    }
}

impl From<SseFrame> for Bytes {
    fn from(frame: SseFrame) -> Self {
        match frame {
            SseFrame::Owned(bytes) => bytes,
            SseFrame::Shared { message, chunked } => {
                message.sse_frame(chunked).cloned().unwrap_or_default()
            }
        }
    }
}

/// An SSE message of `event` with one `data:` line (JSON has no line breaks).
fn message(id: Option<u64>, event: &str, data: &str) -> String {
    let id = id.map(|id| format!("id: {id}\n")).unwrap_or_default();
    format!("{id}event: {event}\ndata: {data}\n\n")
}

/// The SSE text of a delivery, wrapped as `framing` says; presence joins and leaves
/// are for WebSocket only.
pub fn frame(delivery: Delivery, framing: Framing) -> Option<SseFrame> {
    if let Delivery::Ephemeral { shared, .. } = delivery {
        shared_frame(&shared, framing)?;
        return Some(SseFrame::Shared {
            message: shared,
            chunked: framing == Framing::Chunked,
        });
    }
    Some(SseFrame::Owned(framing.wrap(&match delivery {
        Delivery::Event(event) => {
            let data = serde_json::to_string(&event.envelope).ok()?;
            message(Some(event.position.0), &event.envelope.event_type, &data)
        }
        Delivery::Resync { pruned_through } => {
            let data = serde_json::json!({ "pruned_through": pruned_through.0 });
            message(None, "resync", &data.to_string())
        }
        // The stream ends after it; a browser reconnects with its Last-Event-ID.
        Delivery::TooSlow { resume_after } => {
            let data = serde_json::json!({ "last_event_id": resume_after.0 });
            message(None, "too_slow", &data.to_string())
        }
        // No `id:` (above): a broadcast is not a stream position, and a browser keeps
        // its last event id when a message has none.
        Delivery::Ephemeral { .. } => return None,
    })))
}

/// A broadcast as an SSE frame, wrapped as `framing` says: made once for every
/// connection on `system`, by whoever sends it first (a connection, or the hub by
/// express). `None` for what SSE does not carry (a presence join or leave, a stored
/// event, which has its own position).
pub fn shared_frame(shared: &HubMessage, framing: Framing) -> Option<&Bytes> {
    shared.sse_framed(framing == Framing::Chunked, || {
        let name = shared.ephemeral()?["event_type"].as_str()?;
        Some(framing.wrap(&message(None, name, shared.text())))
    })
}
