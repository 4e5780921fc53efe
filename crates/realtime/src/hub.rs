//! The hub: subscribes to the bus once and fans each message out to this instance's
//! connections.

use std::sync::Arc;

use futures::StreamExt;
use imagegen_application::Result;
use imagegen_application::ports::{BusMessage, EventBus};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

/// Messages a connection can fall behind by before it must catch up from the store.
const CAPACITY: usize = 1_024;

/// The per-instance fan-out.
pub struct Hub {
    sender: broadcast::Sender<Arc<BusMessage>>,
}

impl Hub {
    /// Subscribes to `bus` and forwards until `shutdown` or the bus ends.
    ///
    /// # Errors
    /// The bus's `Unavailable` if it cannot be subscribed to.
    pub async fn start(bus: Arc<dyn EventBus>, shutdown: CancellationToken) -> Result<Arc<Self>> {
        let mut subscription = bus.subscribe().await?;
        let hub = Arc::new(Self {
            sender: broadcast::Sender::new(CAPACITY),
        });
        let sender = hub.sender.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    message = subscription.next() => match message {
                        // No connection is not an error: nobody is watching.
                        Some(message) => { let _ = sender.send(Arc::new(message)); }
                        None => { tracing::warn!("realtime bus closed"); break; }
                    },
                }
            }
        });
        Ok(hub)
    }

    /// A receiver of every message from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<BusMessage>> {
        self.sender.subscribe()
    }

    /// Connections currently listening.
    pub fn connections(&self) -> usize {
        self.sender.receiver_count()
    }
}
