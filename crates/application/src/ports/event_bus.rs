//! The realtime bus: carries committed events from the relay to every api instance.

use std::pin::Pin;

use async_trait::async_trait;
use futures::Stream;

use super::StoredEvent;
use crate::Result;

/// What a subscriber receives.
#[derive(Debug, Clone, PartialEq)]
pub enum BusMessage {
    /// A stored event, in position order.
    Event(StoredEvent),
    /// A message for the watchers of one channel that is not stored, so not resumable:
    /// a `SystemBroadcast` on `system`, presence joins and leaves.
    Ephemeral {
        /// Where it goes (`system`, `generation:{id}`...).
        channel: String,
        /// What it says.
        message: serde_json::Value,
    },
    /// The subscriber fell behind and messages were dropped: read the event store to
    /// catch up.
    Lagged,
}

/// A live subscription; it ends when the bus closes.
pub type EventSubscription = Pin<Box<dyn Stream<Item = BusMessage> + Send>>;

/// Publish/subscribe of committed events. Delivery is best effort: subscribers that
/// miss messages are told so with [`BusMessage::Lagged`] and catch up from the store.
#[async_trait]
pub trait EventBus: Send + Sync {
    /// Sends an event to every current subscriber.
    ///
    /// # Errors
    /// - [`Error::Unavailable`](crate::Error::Unavailable) if the bus cannot be reached.
    async fn publish(&self, event: &StoredEvent) -> Result<()>;

    /// Sends an ephemeral message for `channel` to every current subscriber.
    ///
    /// # Errors
    /// - [`Error::Unavailable`](crate::Error::Unavailable) if the bus cannot be reached.
    async fn announce(&self, channel: &str, message: &serde_json::Value) -> Result<()>;

    /// Starts a subscription that receives every event published after this call.
    ///
    /// # Errors
    /// - [`Error::Unavailable`](crate::Error::Unavailable) if the bus cannot be reached.
    async fn subscribe(&self) -> Result<EventSubscription>;
}
