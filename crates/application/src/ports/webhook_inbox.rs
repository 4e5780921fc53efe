//! The durable inbox of webhook deliveries, keyed by provider and webhook id.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_domain::{GenerationId, ProviderName, WebhookId};

use super::NewJob;
use crate::Result;

/// One verified webhook delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookDelivery {
    /// Who sent it.
    pub provider: ProviderName,
    /// The `webhook-id` header: the same on every retry of one message.
    pub webhook_id: WebhookId,
    /// The generation its route names, when it names one.
    pub generation_id: Option<GenerationId>,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// The verified body, kept for audit and replay.
    pub body: serde_json::Value,
}

/// Which delivery: the provider and the `webhook-id` it sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeliveryKey {
    /// Who sent it.
    pub provider: ProviderName,
    /// The same on every retry of one message.
    pub webhook_id: WebhookId,
}

/// How far a delivery got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxState {
    /// Recorded with its job queued: a repeat is acknowledged and dropped.
    Queued,
    /// Its job ran.
    Processed,
}

impl InboxState {
    /// The stored name (`queued`, `processed`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Processed => "processed",
        }
    }
}

/// What the inbox knows of a delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxEntry {
    /// The delivery, as first recorded.
    pub delivery: WebhookDelivery,
    /// How far it got.
    pub state: InboxState,
    /// True when this call recorded it; false when it was already there.
    pub first_seen: bool,
}

/// Records deliveries once, each together with the job that applies it: a delivery is
/// either recorded and queued, or not recorded at all (and the provider's retry brings
/// it again). Duplicates, across instances and restarts, are acknowledged and dropped.
#[async_trait]
pub trait WebhookInbox: Send + Sync {
    /// Records a delivery and queues `job` in one step, unless a delivery with the same
    /// provider and webhook id exists (then nothing is written); returns the stored
    /// entry either way.
    ///
    /// # Errors
    /// - [`Error::Unavailable`](crate::Error::Unavailable) if the inbox cannot be reached;
    ///   nothing was recorded.
    async fn record(&self, delivery: WebhookDelivery, job: NewJob) -> Result<InboxEntry>;

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

    /// Forgets processed deliveries received before `before` (the inbox would grow
    /// forever otherwise); returns how many. Deliveries not yet processed stay.
    ///
    /// # Errors
    /// - [`Error::Unavailable`](crate::Error::Unavailable) if the inbox cannot be reached.
    async fn purge_processed_before(&self, before: DateTime<Utc>) -> Result<u64>;
}
