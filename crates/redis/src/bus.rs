//! `EventBus` on Redis pub/sub: the relay publishes each committed event once, and every
//! api instance's hub subscribes. Pub/sub forgets what is sent while a subscriber is
//! away, so a subscription that loses its connection resubscribes (with backoff) and
//! then says `Lagged`: sessions catch up from the event store and lose nothing.

use std::time::Duration;

use crate::RedisConnections;
use crate::pool::Pool;
use async_trait::async_trait;
use futures::StreamExt;
use imagegen_application::Result;
use imagegen_application::ports::{BusMessage, EventBus, EventSubscription, StoredEvent};
use redis::aio::PubSubStream;

use crate::error::unavailable;
use crate::{RedisError, RedisOptions};

/// What goes over the channel: an event as it was stored, or an announcement.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
enum Wire {
    Event(StoredEvent),
    Ephemeral {
        channel: String,
        ephemeral: serde_json::Value,
    },
}

/// The first pause before resubscribing, doubled up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// The realtime bus on Redis.
pub struct RedisEventBus {
    pool: Pool,
    /// Where subscriptions connect, tried in turn (a cluster's seed nodes).
    subscribers: Vec<redis::Client>,
    channel: String,
}

impl RedisEventBus {
    /// A bus on `url`, publishing on `{prefix}events`.
    ///
    /// # Errors
    /// [`RedisError`] when the URL is invalid or the pool cannot be built.
    pub fn new(url: &str, options: &RedisOptions) -> Result<Self, RedisError> {
        Ok(Self::on(&RedisConnections::new(url, options)?))
    }

    /// A bus on `connections`, publishing on `{prefix}events`.
    pub fn on(connections: &RedisConnections) -> Self {
        Self {
            pool: connections.pool.clone(),
            subscribers: connections.target.subscribers(),
            channel: format!("{}events", connections.options.prefix),
        }
    }

    /// Subscribes through the first of `clients` that answers, from `first` on: a
    /// cluster delivers a message to subscribers on every node, so any node will do.
    async fn listen(
        clients: &[redis::Client],
        first: usize,
        channel: &str,
    ) -> redis::RedisResult<PubSubStream> {
        let mut last_error = None;
        for client in clients.iter().cycle().skip(first).take(clients.len()) {
            let subscribed = async {
                let mut pubsub = client.get_async_pubsub().await?;
                pubsub.subscribe(channel).await?;
                Ok::<_, redis::RedisError>(pubsub.into_on_message())
            };
            match subscribed.await {
                Ok(messages) => return Ok(messages),
                Err(error) => last_error = Some(error),
            }
        }
        Err(last_error.unwrap_or_else(|| {
            redis::RedisError::from((
                redis::ErrorKind::ClientError,
                "no Redis address to subscribe on",
            ))
        }))
    }
}

/// A subscription: its message stream while connected, and how to reconnect.
struct Subscription {
    clients: Vec<redis::Client>,
    /// Where the next resubscription starts: after a lost node, the next one.
    attempt: usize,
    channel: String,
    messages: Option<PubSubStream>,
    backoff: Duration,
}

impl Subscription {
    async fn next(&mut self) -> BusMessage {
        loop {
            let Some(messages) = self.messages.as_mut() else {
                self.attempt += 1;
                match RedisEventBus::listen(&self.clients, self.attempt, &self.channel).await {
                    Ok(messages) => {
                        self.messages = Some(messages);
                        self.backoff = FIRST_BACKOFF;
                        tracing::info!(
                            "realtime bus resubscribed; sessions catch up from the store"
                        );
                        return BusMessage::Lagged;
                    }
                    Err(error) => {
                        tracing::warn!(%error, retry_in_ms = self.backoff.as_millis() as u64, "cannot resubscribe to the realtime bus");
                        tokio::time::sleep(self.backoff).await;
                        self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
                        continue;
                    }
                }
            };
            match messages.next().await {
                Some(message) => {
                    match serde_json::from_slice::<Wire>(message.get_payload_bytes()) {
                        Ok(Wire::Event(event)) => return BusMessage::Event(event),
                        Ok(Wire::Ephemeral { channel, ephemeral }) => {
                            return BusMessage::Ephemeral {
                                channel,
                                message: ephemeral,
                            };
                        }
                        Err(error) => {
                            tracing::warn!(%error, "unreadable message on the realtime bus ignored")
                        }
                    }
                }
                None => {
                    tracing::warn!("realtime bus connection lost; resubscribing");
                    self.messages = None;
                }
            }
        }
    }
}

impl RedisEventBus {
    /// Publishes one message.
    async fn send(&self, wire: &Wire) -> Result<()> {
        let payload = serde_json::to_vec(wire)
            .map_err(|e| imagegen_application::Error::unexpected("serializing a bus message", e))?;
        let mut connection = self.pool.get().await.map_err(unavailable)?;
        redis::cmd("PUBLISH")
            .arg(&self.channel)
            .arg(payload)
            .query_async::<i64>(&mut connection)
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

#[async_trait]
impl EventBus for RedisEventBus {
    async fn publish(&self, event: &StoredEvent) -> Result<()> {
        self.send(&Wire::Event(event.clone())).await
    }

    async fn announce(&self, channel: &str, message: &serde_json::Value) -> Result<()> {
        let (channel, ephemeral) = (channel.to_owned(), message.clone());
        self.send(&Wire::Ephemeral { channel, ephemeral }).await
    }

    async fn subscribe(&self) -> Result<EventSubscription> {
        // Subscribed before this returns: everything published afterwards arrives.
        let messages = Self::listen(&self.subscribers, 0, &self.channel)
            .await
            .map_err(unavailable)?;
        let subscription = Subscription {
            clients: self.subscribers.clone(),
            attempt: 0,
            channel: self.channel.clone(),
            messages: Some(messages),
            backoff: FIRST_BACKOFF,
        };
        Ok(Box::pin(futures::stream::unfold(
            subscription,
            |mut s| async move {
                let message = s.next().await;
                Some((message, s))
            },
        )))
    }
}
