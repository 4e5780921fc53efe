//! A WebSocket connection's own state and its client's commands: subscribe (authorized
//! from the token's claims), unsubscribe, ping.

use std::sync::Arc;

use imagegen_application::Channel;
use imagegen_application::ports::StreamPosition;
use imagegen_bootstrap::Services;
use tokio_tungstenite::tungstenite::Message;

use super::presence::PresenceHandle;
use super::subscriptions::Subscriptions;
use crate::auth::CurrentSession;
use imagegen_streams::SocketExpress;
use imagegen_streams::ws_protocol::{self as protocol, ClientMessage};

/// The most channels one connection may watch at once, as for SSE.
const MAX_CHANNELS: usize = 32;

pub struct Connection {
    pub services: Arc<Services>,
    pub session: CurrentSession,
    pub subscriptions: Subscriptions,
    pub presence: PresenceHandle,
    /// How the hub writes on this connection's socket, when it may.
    pub express: Option<Arc<SocketExpress>>,
}

impl Connection {
    /// The subscribed channel names.
    pub fn names(&self) -> Vec<String> {
        self.subscriptions.names()
    }

    /// Handles one command; returns the answer.
    pub async fn command(&mut self, text: &str) -> Message {
        match serde_json::from_str::<ClientMessage>(text) {
            Ok(ClientMessage::Ping) => protocol::pong(),
            Ok(ClientMessage::Subscribe { channel, since }) => {
                self.subscribe(channel, since.map(StreamPosition)).await
            }
            Ok(ClientMessage::Unsubscribe { channel }) => {
                if self.subscriptions.remove(&channel) {
                    self.presence.leave(&channel).await;
                    protocol::unsubscribed(&channel)
                } else {
                    protocol::error("not_subscribed", "no such subscription", Some(&channel))
                }
            }
            Err(error) => protocol::error("invalid_message", &error.to_string(), None),
        }
    }

    async fn subscribe(&mut self, name: String, since: Option<StreamPosition>) -> Message {
        let channel = match name.parse::<Channel>() {
            Ok(channel) => channel,
            Err(error) => {
                return protocol::error("invalid_channel", &error.to_string(), Some(&name));
            }
        };
        if !self.subscriptions.contains(&name) && self.subscriptions.len() >= MAX_CHANNELS {
            let message = format!("at most {MAX_CHANNELS} channels per connection");
            return protocol::error("too_many_channels", &message, Some(&name));
        }
        let services = &self.services;
        let caller = &self.session.caller;
        if let Err(error) = services.open_stream.authorize(caller, &[channel]).await {
            let code = match error {
                imagegen_application::Error::Forbidden(_) => "forbidden",
                _ => "unavailable",
            };
            return protocol::error(code, &error.to_string(), Some(&name));
        }
        let events = services.open_stream.session(vec![channel], since).await;
        match events {
            Ok(events) => {
                // A second subscribe to a channel replaces the first (a new `since`).
                if let Some(express) = &self.express {
                    events.express(express.clone());
                }
                if self.subscriptions.insert(&name, events) {
                    self.presence.join(&name).await;
                }
                protocol::subscribed(&name)
            }
            Err(error) => protocol::error("unavailable", &error.to_string(), Some(&name)),
        }
    }
}
