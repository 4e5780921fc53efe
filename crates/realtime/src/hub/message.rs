//! What the hub hands every subscriber of a message: the bus message, and its JSON text
//! made once.

use std::sync::OnceLock;

use bytes::Bytes;
use imagegen_application::ports::BusMessage;

/// A bus message as the hub hands it out: one for every subscriber, its JSON text made
/// once, by whichever connection needs it first (a broadcast to 10,000 connections is
/// serialized once, not 10,000 times).
pub struct HubMessage {
    /// What came over the bus.
    pub bus: BusMessage,
    text: OnceLock<String>,
    framed: OnceLock<Bytes>,
    /// SSE frames: plain, and as HTTP/1.1 chunks.
    sse: [OnceLock<Option<Bytes>>; 2],
}

impl std::fmt::Debug for HubMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.bus.fmt(f)
    }
}

/// Two hub messages are equal when they carry equal bus messages.
impl PartialEq for HubMessage {
    fn eq(&self, other: &Self) -> bool {
        self.bus == other.bus
    }
}

impl HubMessage {
    pub(super) fn new(bus: BusMessage) -> Self {
        Self {
            bus,
            text: OnceLock::new(),
            framed: OnceLock::new(),
            sse: [OnceLock::new(), OnceLock::new()],
        }
    }

    /// The message of an ephemeral bus message.
    pub fn ephemeral(&self) -> Option<&serde_json::Value> {
        match &self.bus {
            BusMessage::Ephemeral { message, .. } => Some(message),
            _ => None,
        }
    }

    /// The ephemeral message as JSON text (empty for other messages).
    pub fn text(&self) -> &str {
        self.text.get_or_init(|| match &self.bus {
            BusMessage::Ephemeral { message, .. } => message.to_string(),
            _ => String::new(),
        })
    }

    /// A transport's framing of the message, made by `frame` the first time; each
    /// connection gets a reference to the same bytes, not a copy (and not a count:
    /// a shared count touched by every connection from both cores costs more).
    pub fn framed(&self, frame: impl FnOnce() -> Bytes) -> &Bytes {
        self.framed.get_or_init(frame)
    }

    /// The message as an SSE frame (`chunked`: as an HTTP/1.1 chunk), made by `frame`
    /// the first time (WebSocket and SSE connections may share a message, so each
    /// framing has its own); `None` when it has none.
    pub fn sse_framed(
        &self,
        chunked: bool,
        frame: impl FnOnce() -> Option<Bytes>,
    ) -> Option<&Bytes> {
        self.sse[usize::from(chunked)].get_or_init(frame).as_ref()
    }

    /// The SSE frame [`Self::sse_framed`] made, if it did.
    pub fn sse_frame(&self, chunked: bool) -> Option<&Bytes> {
        self.sse[usize::from(chunked)]
            .get()
            .and_then(Option::as_ref)
    }
}
