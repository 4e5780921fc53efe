//! Events as server-sent events, framed as text once for whichever server writes them
//! (hyper's body, or the api's direct path on the socket): `id:` the stream position,
//! `event:` the event type, `data:` the JSON envelope; `retry:` first, a comment while
//! idle, and a last word when the stream ends for a reason the client should act on.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::{Stream, StreamExt};
use tokio::time::{Interval, MissedTickBehavior};

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
    Owned(Bytes),
    Shared {
        message: Arc<HubMessage>,
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
        // A broadcast reaches every connection on `system`: framed once for all.
        let chunked = framing == Framing::Chunked;
        let framed = shared.sse_framed(chunked, || {
            let name = shared.ephemeral()?["event_type"].as_str()?;
            Some(framing.wrap(&message(None, name, shared.text())))
        });
        framed?;
        return Some(SseFrame::Shared {
            message: shared,
            chunked,
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

type LastWord = Pin<Box<dyn Future<Output = &'static str> + Send>>;

struct Frames<S> {
    events: Pin<Box<S>>,
    keep_alive: Interval,
    /// Whether anything was sent since the last keep-alive tick.
    sent: bool,
    /// `None` once said: the stream is over.
    last_word: Option<LastWord>,
    started: bool,
    framing: Framing,
}

/// The SSE text of a session's events: first the reconnection delay, then the events,
/// with a comment after a [`KEEP_ALIVE`] period without one. When `ends` completes,
/// its word is the final event and the stream is over: `reconnect` (the server is
/// shutting down: come back, to another instance, with `Last-Event-ID`) or
/// `token_expired` (come back with a fresh token). When the events end first (a
/// `resync` or `too_slow` said so), so does the stream. Each frame is wrapped as
/// `framing` says (the end of a chunked body is the writer's to send).
pub fn sse_frames(
    events: impl Stream<Item = Delivery> + Send + 'static,
    ends: impl Future<Output = &'static str> + Send + 'static,
    framing: Framing,
) -> impl Stream<Item = SseFrame> + Send + 'static {
    let mut keep_alive =
        tokio::time::interval_at(tokio::time::Instant::now() + KEEP_ALIVE, KEEP_ALIVE);
    keep_alive.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let frames = Frames {
        events: Box::pin(events),
        keep_alive,
        sent: false,
        last_word: Some(Box::pin(ends)),
        started: false,
        framing,
    };
    futures::stream::unfold(frames, |mut frames| async move {
        if !frames.started {
            frames.started = true;
            let retry = format!("retry: {}\n\n", RETRY.as_millis());
            return Some((SseFrame::Owned(frames.framing.wrap(&retry)), frames));
        }
        loop {
            let ends = frames.last_word.as_mut()?;
            tokio::select! {
                biased;
                word = ends => {
                    frames.last_word = None;
                    let word = SseFrame::Owned(frames.framing.wrap(&message(None, word, "{}")));
                    return Some((word, frames));
                }
                delivery = frames.events.next() => {
                    let delivery = delivery?;
                    if let Some(text) = frame(delivery, frames.framing) {
                        frames.sent = true;
                        return Some((text, frames));
                    }
                }
                _ = frames.keep_alive.tick() => {
                    // A comment only after a whole period of silence.
                    if !std::mem::take(&mut frames.sent) {
                        return Some((SseFrame::Owned(frames.framing.wrap(":\n\n")), frames));
                    }
                }
            }
        }
    })
}
