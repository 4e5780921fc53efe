//! The WebSocket messages, JSON text frames with a `type`.
//!
//! From the client: `{"type":"subscribe","channel":..,"since"?:position}`,
//! `{"type":"unsubscribe","channel":..}`, `{"type":"ping"}`.
//! From the server: `event` (the channel, the stream position and the same envelope as
//! SSE's `data:`), `subscribed`, `unsubscribed`, `error` (a stable `code`), `pong`.

use bytes::Bytes;
use imagegen_application::ports::BusMessage;
use imagegen_domain::EventEnvelope;
use imagegen_realtime::Delivery;
use imagegen_realtime::hub::HubMessage;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

/// Close code when the token expired: reconnect with a fresh token.
pub const CLOSE_TOKEN_EXPIRED: u16 = 4001;
/// Close code when the client fell too far behind: reconnect with `since`.
pub const CLOSE_TOO_SLOW: u16 = 4008;
/// Close code on shutdown ("service restart"): reconnect, to another instance.
pub const CLOSE_SERVICE_RESTART: u16 = 1012;

/// A client's message.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    /// Watch `channel`, after the position `since` when given, else from now.
    Subscribe {
        /// The channel's name (`user:{id}`...).
        channel: String,
        /// The last position the client has seen.
        since: Option<u64>,
    },
    /// Stop watching `channel`.
    Unsubscribe {
        /// The channel's name.
        channel: String,
    },
    /// Answered with `pong`.
    Ping,
}

/// A server's message.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ServerMessage<'a> {
    Event {
        channel: &'a str,
        position: u64,
        data: &'a EventEnvelope,
    },
    /// A broadcast: an event with no position (it is not stored, so not resumable).
    #[serde(rename = "event")]
    Broadcast {
        channel: &'a str,
        data: &'a Value,
    },
    Resync {
        channel: &'a str,
        pruned_through: u64,
    },
    TooSlow {
        channel: &'a str,
        since: u64,
    },
    Subscribed {
        channel: &'a str,
    },
    Unsubscribed {
        channel: &'a str,
    },
    Pong,
    Error {
        code: &'a str,
        message: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        channel: Option<&'a str>,
    },
}

impl ServerMessage<'_> {
    fn to_text(&self) -> String {
        // Strings, numbers and stored envelopes always serialize.
        serde_json::to_string(self).unwrap_or_default()
    }
}

fn text(message: &ServerMessage<'_>) -> Message {
    Message::Text(message.to_text().into())
}

/// An event; an announcement has no position (it is not stored, so not resumable).
pub fn event(channel: &str, delivery: &Delivery) -> Message {
    match delivery {
        Delivery::Event(event) => text(&ServerMessage::Event {
            channel,
            position: event.position.0,
            data: &event.envelope,
        }),
        Delivery::Resync { pruned_through } => text(&ServerMessage::Resync {
            channel,
            pruned_through: pruned_through.0,
        }),
        // Followed by a close with 4008: the client resubscribes with `since`.
        Delivery::TooSlow { resume_after } => text(&ServerMessage::TooSlow {
            channel,
            since: resume_after.0,
        }),
        Delivery::Ephemeral { shared, .. } => shared_message(shared),
    }
}

/// An ephemeral message as a whole WebSocket frame (server frames are not masked, so
/// every connection sends the same bytes): a presence join or leave as it is, a
/// broadcast as an event on its channel. Made once per message, by whoever sends it
/// first (a connection, or the hub by express); `None` for a stored event.
pub fn shared_frame(shared: &HubMessage) -> Option<&Bytes> {
    let BusMessage::Ephemeral { channel, message } = &shared.bus else {
        return None;
    };
    Some(shared.framed(|| {
        let text = match message.get("type") {
            Some(_) => message.to_string(),
            None => ServerMessage::Broadcast {
                channel,
                data: message,
            }
            .to_text(),
        };
        let mut frame = Vec::with_capacity(text.len() + 10);
        // Writing into a `Vec` cannot fail.
        let _ = Frame::message(text, OpCode::Data(Data::Text), true).format(&mut frame);
        frame.into()
    }))
}

/// The shared frame's text as a message of its own, for a connection that cannot
/// write the frame as it is.
pub fn shared_message(shared: &HubMessage) -> Message {
    let frame = shared_frame(shared).cloned().unwrap_or_default();
    let text = frame.slice(frame_header(&frame)..);
    // Made from a `String`, so always UTF-8; checked again, not copied.
    Message::Text(Utf8Bytes::try_from(text).unwrap_or_default())
}

/// The length of a server frame's header, from its second byte (the payload length's
/// form: 7 bits, or 16 or 64 more).
fn frame_header(frame: &[u8]) -> usize {
    match frame.get(1).map(|b| b & 0x7f) {
        Some(126) => 4,
        Some(127) => 10,
        _ => 2,
    }
    .min(frame.len())
}

/// The answer to a subscribe.
pub fn subscribed(channel: &str) -> Message {
    text(&ServerMessage::Subscribed { channel })
}

/// The answer to an unsubscribe.
pub fn unsubscribed(channel: &str) -> Message {
    text(&ServerMessage::Unsubscribed { channel })
}

/// The answer to a ping.
pub fn pong() -> Message {
    text(&ServerMessage::Pong)
}

/// An error with a stable `code`; `channel` when it concerns one.
pub fn error(code: &str, message: &str, channel: Option<&str>) -> Message {
    text(&ServerMessage::Error {
        code,
        message,
        channel,
    })
}

/// A close frame with `code` and a short `reason`.
pub fn close(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(CloseFrame {
        code: code.into(),
        reason: reason.into(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_header_is_measured_from_its_length_byte() {
        for length in [0, 125, 126, 65_535, 65_536] {
            let mut frame = Vec::new();
            let text = "x".repeat(length);
            let _ = Frame::message(text, OpCode::Data(Data::Text), true).format(&mut frame);
            assert_eq!(frame.len() - frame_header(&frame), length);
        }
    }
}
