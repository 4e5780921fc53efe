//! The durable mode's bus: events go to the process's own bus (each instance's relay
//! reads them from the store), while ephemeral messages (broadcasts, presence joins and
//! leaves), which are not stored, travel between instances by `NOTIFY`: every
//! instance's listener hands them to its own bus, the sender's included.

use std::sync::Arc;

use async_trait::async_trait;
use imagegen_application::ports::{EventBus, EventSubscription, StoredEvent};
use imagegen_application::{Error, Result};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::error::RecvError;

use crate::PgStore;
use crate::error::unavailable;
use crate::wakeups::EPHEMERAL_CHANNEL;

/// The most bytes of a `NOTIFY` payload (Postgres refuses 8000 and more).
pub const MAX_EPHEMERAL_BYTES: usize = 7_900;

#[derive(Serialize, Deserialize)]
struct Ephemeral {
    channel: String,
    message: serde_json::Value,
}

/// A local bus whose ephemeral messages reach every instance on the database.
pub struct PgEphemeralBus {
    local: Arc<dyn EventBus>,
    pool: sqlx::PgPool,
}

impl PgEphemeralBus {
    /// Wraps `local` (this process's bus) and forwards to it every ephemeral message
    /// any instance sends through `store`'s database, until the store is dropped.
    pub fn new(store: &PgStore, local: Arc<dyn EventBus>) -> Self {
        let mut received = store.wakeups.ephemeral.subscribe();
        let forward_to = local.clone();
        tokio::spawn(async move {
            loop {
                let payload = match received.recv().await {
                    Ok(payload) => payload,
                    Err(RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "ephemeral messages dropped: the bus fell behind");
                        continue;
                    }
                    Err(RecvError::Closed) => return,
                };
                match serde_json::from_str::<Ephemeral>(&payload) {
                    Ok(note) => {
                        if let Err(error) = forward_to.announce(&note.channel, &note.message).await
                        {
                            tracing::warn!(%error, "an ephemeral message was not passed on");
                        }
                    }
                    Err(error) => tracing::warn!(%error, "an unreadable ephemeral message"),
                }
            }
        });
        Self {
            local,
            pool: store.pool.clone(),
        }
    }
}

#[async_trait]
impl EventBus for PgEphemeralBus {
    async fn publish(&self, event: &StoredEvent) -> Result<()> {
        self.local.publish(event).await
    }

    async fn announce(&self, channel: &str, message: &serde_json::Value) -> Result<()> {
        let payload = serde_json::to_string(&Ephemeral {
            channel: channel.to_owned(),
            message: message.clone(),
        })
        .map_err(|e| Error::unexpected("serializing an ephemeral message", e))?;
        if payload.len() > MAX_EPHEMERAL_BYTES {
            return Err(Error::Invalid(format!(
                "the message is larger than the {MAX_EPHEMERAL_BYTES} bytes Postgres carries between instances"
            )));
        }
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(EPHEMERAL_CHANNEL)
            .bind(payload)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn subscribe(&self) -> Result<EventSubscription> {
        self.local.subscribe().await
    }
}
