//! The durable inbox of webhook deliveries, keyed by provider and webhook id.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_domain::{GenerationId, ProviderName};

use crate::Result;

/// One verified webhook delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookDelivery {
    pub provider: ProviderName,
    /// The `webhook-id` header: the same on every retry of one message.
    pub webhook_id: String,
    pub generation_id: Option<GenerationId>,
    pub received_at: DateTime<Utc>,
    /// The verified body, kept for audit and replay.
    pub body: serde_json::Value,
}

/// How far a delivery got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxState {
    /// Recorded, but its job may not be queued yet.
    Received,
    /// Its job is queued: a repeat can be acknowledged and dropped.
    Enqueued,
    /// Its job ran.
    Processed,
}

/// What the inbox knows of a delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxEntry {
    pub delivery: WebhookDelivery,
    pub state: InboxState,
    /// True when this call recorded it; false when it was already there.
    pub first_seen: bool,
}

/// Records deliveries once. A delivery whose job could not be queued stays
/// `Received`, so the provider's retry queues it again instead of being dropped.
#[async_trait]
pub trait WebhookInbox: Send + Sync {
    /// Records a delivery unless one with the same provider and webhook id exists;
    /// returns the stored entry either way.
    ///
    /// # Errors
    /// - [`Error::Unavailable`](crate::Error::Unavailable) if the inbox cannot be reached.
    async fn record(&self, delivery: WebhookDelivery) -> Result<InboxEntry>;

    /// Moves a delivery forward to `state` (never backwards).
    ///
    /// # Errors
    /// - [`Error::NotFound`](crate::Error::NotFound) if it was never recorded.
    /// - [`Error::Unavailable`](crate::Error::Unavailable) if the inbox cannot be reached.
    async fn advance(
        &self,
        provider: ProviderName,
        webhook_id: &str,
        state: InboxState,
    ) -> Result<()>;
}
