//! The outbox relay: reads committed events after its checkpoint and publishes them,
//! in position order, to the realtime bus.
//!
//! Where the checkpoint lives depends on the bus. A bus shared by every instance (Redis)
//! needs one checkpoint in the store, which a restarted relay resumes from. A bus inside
//! the process needs a relay per process, each publishing every event to its own
//! connections: its checkpoint is its own, kept in memory from the position that was
//! latest when it started (connections that come back resume from the store).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use imagegen_application::ports::{EventBus, EventStore, StreamPosition};
use tokio_util::sync::CancellationToken;

/// Events read per round.
const BATCH: usize = 256;
/// The longest wait for new events before reading again anyway.
const IDLE_WAIT: Duration = Duration::from_secs(1);
/// The pause after an error, before trying again.
const ERROR_PAUSE: Duration = Duration::from_secs(1);

/// Publishes committed events.
pub struct EventRelay {
    store: Arc<dyn EventStore>,
    bus: Arc<dyn EventBus>,
    /// `Some` for a relay of this process only (an in-process bus).
    local_checkpoint: Option<AtomicU64>,
}

impl EventRelay {
    /// A relay whose checkpoint is the store's (a bus shared by every instance).
    pub fn new(store: Arc<dyn EventStore>, bus: Arc<dyn EventBus>) -> Self {
        Self {
            store,
            bus,
            local_checkpoint: None,
        }
    }

    /// A relay for this process's own bus, starting after the latest committed event.
    ///
    /// # Errors
    /// The store's `Unavailable` when the latest position cannot be read.
    pub async fn for_this_process(
        store: Arc<dyn EventStore>,
        bus: Arc<dyn EventBus>,
    ) -> imagegen_application::Result<Self> {
        let latest = store.latest_position().await?;
        Ok(Self {
            store,
            bus,
            local_checkpoint: Some(AtomicU64::new(latest.0)),
        })
    }

    async fn checkpoint(&self) -> imagegen_application::Result<StreamPosition> {
        match &self.local_checkpoint {
            Some(local) => Ok(StreamPosition(local.load(Ordering::SeqCst))),
            None => self.store.relay_checkpoint().await,
        }
    }

    async fn save_checkpoint(&self, position: StreamPosition) -> imagegen_application::Result<()> {
        match &self.local_checkpoint {
            Some(local) => {
                local.fetch_max(position.0, Ordering::SeqCst);
                Ok(())
            }
            None => self.store.save_relay_checkpoint(position).await,
        }
    }

    /// Publishes everything after the checkpoint; returns how many it published and
    /// the new checkpoint. A failure part-way keeps the checkpoint at the last event
    /// published, so the next round goes on from there (at least once).
    pub async fn publish_pending(&self) -> imagegen_application::Result<(usize, StreamPosition)> {
        let mut checkpoint = self.checkpoint().await?;
        let events = self.store.read_after(checkpoint, &[], BATCH).await?;
        let mut published = 0;
        for event in &events {
            if let Err(error) = self.bus.publish(event).await {
                self.save_checkpoint(checkpoint).await?;
                return Err(error);
            }
            checkpoint = event.position;
            published += 1;
        }
        if published > 0 {
            self.save_checkpoint(checkpoint).await?;
        }
        Ok((published, checkpoint))
    }

    /// Runs until `shutdown` is cancelled. Says so when called, not when first polled.
    pub fn run(self, shutdown: CancellationToken) -> impl Future<Output = ()> + Send {
        tracing::info!("outbox relay started");
        self.serve(shutdown)
    }

    async fn serve(self, shutdown: CancellationToken) {
        loop {
            let wait = match self.publish_pending().await {
                Ok((published, checkpoint)) if published < BATCH => {
                    if published > 0 {
                        tracing::debug!(published, position = checkpoint.0, "events published");
                    }
                    Some(checkpoint)
                }
                Ok(_) => None, // a full batch: more may be waiting
                Err(error) => {
                    tracing::warn!(%error, "relay round failed; retrying");
                    tokio::select! {
                        () = shutdown.cancelled() => break,
                        () = tokio::time::sleep(ERROR_PAUSE) => None,
                    }
                }
            };
            if let Some(checkpoint) = wait {
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    () = self.store.wait_for_events(checkpoint, IDLE_WAIT) => {}
                }
            }
            if shutdown.is_cancelled() {
                break;
            }
        }
        tracing::info!("outbox relay stopped");
    }
}
