//! The WebSocket messages, JSON text frames with a `type`.
//!
//! From the client: `{"type":"subscribe","channel":..,"since"?:position}`,
//! `{"type":"unsubscribe","channel":..}`, `{"type":"ping"}`.
//! From the server: `event` (the channel, the stream position and the same envelope as
//! SSE's `data:`), `subscribed`, `unsubscribed`, `error` (a stable `code`), `pong`.

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use imagegen_realtime::Delivery;
use serde::Deserialize;
use serde_json::{Value, json};

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
    Subscribe { channel: String, since: Option<u64> },
    Unsubscribe { channel: String },
    Ping,
}

fn text(value: &Value) -> Message {
    Message::Text(value.to_string().into())
}

/// An event; an announcement has no position (it is not stored, so not resumable).
pub fn event(channel: &str, delivery: &Delivery) -> Message {
    match delivery {
        Delivery::Event(event) => text(&json!({
            "type": "event",
            "channel": channel,
            "position": event.position.0,
            "data": event.envelope,
        })),
        Delivery::Resync { pruned_through } => text(&json!({
            "type": "resync",
            "channel": channel,
            "pruned_through": pruned_through.0,
        })),
        // Followed by a close with 4008: the client resubscribes with `since`.
        Delivery::TooSlow { resume_after } => text(&json!({
            "type": "too_slow",
            "channel": channel,
            "since": resume_after.0,
        })),
        // A presence join or leave is sent as it is; a broadcast as an event. Either is
        // framed once for every connection.
        Delivery::Ephemeral { shared, .. } => {
            let framed = shared.framed(|| match delivery.ephemeral_message() {
                Some(message) if message.get("type").is_some() => message.to_string(),
                message => {
                    json!({ "type": "event", "channel": channel, "data": message }).to_string()
                }
            });
            // Made from a `String`, so always UTF-8; checked again, not copied.
            Message::Text(Utf8Bytes::try_from(framed).unwrap_or_default())
        }
    }
}

pub fn subscribed(channel: &str) -> Message {
    text(&json!({ "type": "subscribed", "channel": channel }))
}

pub fn unsubscribed(channel: &str) -> Message {
    text(&json!({ "type": "unsubscribed", "channel": channel }))
}

pub fn pong() -> Message {
    text(&json!({ "type": "pong" }))
}

/// An error with a stable `code`; `channel` when it concerns one.
pub fn error(code: &str, message: &str, channel: Option<&str>) -> Message {
    let mut value = json!({ "type": "error", "code": code, "message": message });
    if let Some(channel) = channel {
        value["channel"] = json!(channel);
    }
    text(&value)
}

pub fn close(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}
