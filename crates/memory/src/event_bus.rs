//! The in-process realtime bus: a broadcast channel.

use async_trait::async_trait;
use futures::StreamExt;
use imagegen_application::Result;
use imagegen_application::ports::{BusMessage, EventBus, EventSubscription, StoredEvent};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

/// How many events a slow subscriber may fall behind before it is told it lagged.
const CAPACITY: usize = 4_096;

/// Broadcasts events to every subscriber in this process.
pub struct MemoryEventBus {
    sender: broadcast::Sender<BusMessage>,
}

impl Default for MemoryEventBus {
    fn default() -> Self {
        Self {
            sender: broadcast::Sender::new(CAPACITY),
        }
    }
}

impl MemoryEventBus {
    /// A bus with no subscribers yet.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl EventBus for MemoryEventBus {
    async fn publish(&self, event: &StoredEvent) -> Result<()> {
        // No subscriber is not an error: nobody is watching.
        let _ = self.sender.send(BusMessage::Event(event.clone()));
        Ok(())
    }

    async fn announce(&self, channel: &str, message: &serde_json::Value) -> Result<()> {
        let _ = self.sender.send(BusMessage::Ephemeral {
            channel: channel.to_owned(),
            message: message.clone(),
        });
        Ok(())
    }

    async fn subscribe(&self) -> Result<EventSubscription> {
        let stream = BroadcastStream::new(self.sender.subscribe()).map(|item| match item {
            Ok(message) => message,
            Err(BroadcastStreamRecvError::Lagged(_)) => BusMessage::Lagged,
        });
        Ok(Box::pin(stream))
    }
}
