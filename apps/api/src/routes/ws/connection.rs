//! One WebSocket connection: reads the client's commands, forwards the events of its
//! subscriptions in order, pings while idle, and closes with a code the client can act
//! on when its token expires (4001), when it falls too far behind (4008), or when the
//! api shuts down (1012).

use std::sync::Arc;
use std::time::Duration;

use futures::SinkExt;
use imagegen_application::Channel;
use imagegen_application::ports::{PresenceMember, StreamPosition};
use imagegen_bootstrap::Services;
use imagegen_realtime::{Delivery, authorize_channels, session_events};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

use super::presence::PresenceHandle;
use super::protocol::{self, ClientMessage};
use super::reading::{ReadReady, Reader};
use super::sending::{Outgoing, send};
use super::subscriptions::Subscriptions;
use crate::auth::CurrentSession;

/// The most channels one connection may watch at once, as for SSE.
const MAX_CHANNELS: usize = 32;
/// A ping this often keeps proxies from closing an idle connection.
const PING_EVERY: Duration = Duration::from_secs(15);

struct Connection {
    services: Arc<Services>,
    session: CurrentSession,
    subscriptions: Subscriptions,
    presence: PresenceHandle,
}

/// Serves one WebSocket, over the socket itself or hyper's upgraded connection.
pub async fn run<S>(socket: WebSocketStream<S>, services: Arc<Services>, session: CurrentSession)
where
    S: ReadReady + AsyncRead + AsyncWrite + Unpin + Send,
{
    // Not split: sends happen between waits, so one half-lock per wake is saved.
    let mut socket = socket;
    let mut reader = Reader::default();
    let left = (session.expires_at - chrono::Utc::now())
        .to_std()
        .unwrap_or_default();
    let expires = tokio::time::Instant::now() + left;
    // One timer for both the next ping and the token's expiry, whichever comes first.
    let alarm = tokio::time::sleep_until(expires.min(tokio::time::Instant::now() + PING_EVERY));
    tokio::pin!(alarm);
    // Looked at on every wake: the hub's watch costs a load and a waker there.
    let shutdown = services.hub.closing();
    tokio::pin!(shutdown);
    let member = PresenceMember {
        connection_id: uuid::Uuid::new_v4(),
        user_id: session.caller.user_id,
    };
    let mut connection = Connection {
        presence: PresenceHandle::new(services.clone(), member),
        services,
        session,
        subscriptions: Subscriptions::default(),
    };
    tracing::debug!(user.id = %connection.session.caller.user_id, "websocket opened");
    loop {
        let outgoing = tokio::select! {
            frame = std::future::poll_fn(|cx| reader.poll_next(&mut socket, cx)) => match frame {
                Some(Ok(Message::Text(text))) => Some(connection.command(&text).await.into()),
                Some(Ok(Message::Binary(_))) => Some(protocol::error("invalid_message", "messages are JSON text", None).into()),
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => None,
            },
            (channel, event) = std::future::poll_fn(|cx| connection.subscriptions.poll_next(cx)), if !connection.subscriptions.is_empty() => {
                Some(match event {
                    Some(resync @ Delivery::Resync { .. }) => {
                        // The subscription is over: the client re-fetches, then subscribes anew.
                        connection.subscriptions.remove(&channel);
                        connection.presence.leave(&channel).await;
                        protocol::event(&channel, &resync).into()
                    }
                    Some(slow @ Delivery::TooSlow { .. }) => {
                        // Where to resume, then the close; neither may hold us long.
                        let word = protocol::event(&channel, &slow);
                        let _ = tokio::time::timeout(Duration::from_secs(1), socket.send(word)).await;
                        let close = protocol::close(protocol::CLOSE_TOO_SLOW, "too slow; resubscribe with since");
                        let _ = tokio::time::timeout(Duration::from_secs(1), socket.send(close)).await;
                        break;
                    }
                    // A broadcast or presence: the same frame for every connection.
                    Some(Delivery::Ephemeral { shared, .. }) => Outgoing::Frame(protocol::shared_frame(&channel, shared)),
                    Some(event) => protocol::event(&channel, &event).into(),
                    None => {
                        connection.subscriptions.remove(&channel);
                        protocol::error("unavailable", "the events cannot be read now; subscribe again with since", Some(&channel)).into()
                    }
                })
            }
            () = &mut shutdown => {
                let _ = socket.send(protocol::close(protocol::CLOSE_SERVICE_RESTART, "service restart")).await;
                break;
            }
            () = &mut alarm => {
                if alarm.deadline() >= expires {
                    let _ = socket.send(protocol::close(protocol::CLOSE_TOKEN_EXPIRED, "token expired")).await;
                    break;
                }
                let now = tokio::time::Instant::now();
                alarm.as_mut().reset(expires.min(now + PING_EVERY));
                connection.presence.renew(&connection.names()).await;
                Some(Message::Ping(Default::default()).into())
            }
        };
        if let Some(message) = outgoing
            && !send(&mut socket, message).await
        {
            break;
        }
    }
    connection.presence.leave_all(&connection.names()).await;
    tracing::debug!("websocket closed");
}

impl Connection {
    /// The subscribed channel names.
    fn names(&self) -> Vec<String> {
        self.subscriptions.names()
    }

    /// Handles one command; returns the answer.
    async fn command(&mut self, text: &str) -> Message {
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
        if let Err(error) =
            authorize_channels(caller, &[channel], services.repository.as_ref()).await
        {
            let code = match error {
                imagegen_application::Error::Forbidden(_) => "forbidden",
                _ => "unavailable",
            };
            return protocol::error(code, &error.to_string(), Some(&name));
        }
        let events = session_events(
            &services.hub,
            services.event_store.clone(),
            vec![channel],
            since,
        )
        .await;
        match events {
            Ok(events) => {
                // A second subscribe to a channel replaces the first (a new `since`).
                if self.subscriptions.insert(&name, events) {
                    self.presence.join(&name).await;
                }
                protocol::subscribed(&name)
            }
            Err(error) => protocol::error("unavailable", &error.to_string(), Some(&name)),
        }
    }
}
