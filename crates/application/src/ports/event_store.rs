//! Reading committed domain events in stream order.

use std::time::Duration;

use async_trait::async_trait;
use imagegen_domain::EventEnvelope;
use serde::{Deserialize, Serialize};

use crate::{Channel, Result};

/// The order in which clients see events; the SSE `id:`. Positions increase in commit
/// order: an event committed later never gets a smaller position.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct StreamPosition(pub u64);

impl StreamPosition {
    /// Before the first event.
    pub const START: Self = Self(0);
}

/// An envelope with its stream position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEvent {
    /// Where it stands in the store's one order.
    pub position: StreamPosition,
    /// The event.
    pub envelope: EventEnvelope,
    /// The W3C `traceparent` of the span that saved it, when traces are exported, so
    /// its push continues that trace (between processes only; clients never see it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<String>,
    /// When the webhook that caused the move arrived (for the receipt-to-push
    /// latency); `None` for moves no webhook caused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_received_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Reads the events that [`GenerationRepository::save`](super::GenerationRepository::save)
/// appended, and keeps the relay's checkpoint.
#[async_trait]
pub trait EventStore: Send + Sync {
    /// Events after `after`, in position order, at most `limit`; only those carried by
    /// `channels`, or all when `channels` is empty.
    ///
    /// # Errors
    /// - [`Error::Unavailable`](crate::Error::Unavailable) if the store cannot be reached.
    async fn read_after(
        &self,
        after: StreamPosition,
        channels: &[Channel],
        limit: usize,
    ) -> Result<Vec<StoredEvent>>;

    /// The position of the newest committed event ([`StreamPosition::START`] when none).
    ///
    /// # Errors
    /// - [`Error::Unavailable`](crate::Error::Unavailable) if the store cannot be reached.
    async fn latest_position(&self) -> Result<StreamPosition>;

    /// Returns once an event after `after` may exist, or when `max_wait` passes.
    /// A spurious early return is allowed; callers read again.
    async fn wait_for_events(&self, after: StreamPosition, max_wait: Duration);

    /// The position up to which the relay has published.
    ///
    /// # Errors
    /// - [`Error::Unavailable`](crate::Error::Unavailable) if the store cannot be reached.
    async fn relay_checkpoint(&self) -> Result<StreamPosition>;

    /// Deletes the events that occurred before `cutoff` (the retention); returns how
    /// many. Errors: `Unavailable`.
    async fn prune_before(&self, cutoff: chrono::DateTime<chrono::Utc>) -> Result<u64>;

    /// The newest position deleted by [`EventStore::prune_before`] so far
    /// ([`StreamPosition::START`] when none): a reader resuming from before it would
    /// miss events, and must re-fetch state instead (resync). Errors: `Unavailable`.
    async fn pruned_through(&self) -> Result<StreamPosition>;

    /// Records that the relay published everything up to `position`.
    ///
    /// # Errors
    /// - [`Error::Unavailable`](crate::Error::Unavailable) if the store cannot be reached.
    async fn save_relay_checkpoint(&self, position: StreamPosition) -> Result<()>;
}
