//! Receive a verified webhook: record it once, queue its update, answer quickly.

use std::sync::Arc;

use imagegen_domain::{GenerationId, ProviderName, ProviderUpdate};

use crate::Result;
use crate::jobs::{ApplyProviderUpdate, JobPayload};
use crate::ports::{Clock, InboxState, JobQueue, WebhookDelivery, WebhookInbox};

/// What happened to a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookReceipt {
    /// Recorded and queued.
    Queued,
    /// Seen and queued before: acknowledged, nothing changed.
    Duplicate,
}

/// Records webhook deliveries and queues their updates. Verification of the signature
/// happens before, on the raw bytes.
pub struct ReceiveWebhook {
    inbox: Arc<dyn WebhookInbox>,
    queue: Arc<dyn JobQueue>,
    clock: Arc<dyn Clock>,
}

impl ReceiveWebhook {
    pub fn new(
        inbox: Arc<dyn WebhookInbox>,
        queue: Arc<dyn JobQueue>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            inbox,
            queue,
            clock,
        }
    }

    /// Records the delivery and queues its update, unless it was queued before.
    ///
    /// # Errors
    /// `Unavailable` when the inbox or the queue cannot be reached: the caller answers
    /// 503 so that the provider retries. A delivery recorded but not queued is queued
    /// by that retry (the queue's idempotency key makes a double enqueue harmless).
    #[tracing::instrument(name = "receive_webhook", skip_all, fields(generation.id = %generation_id, webhook.id = %webhook_id))]
    pub async fn execute(
        &self,
        provider: ProviderName,
        webhook_id: String,
        generation_id: GenerationId,
        update: ProviderUpdate,
        body: serde_json::Value,
    ) -> Result<WebhookReceipt> {
        let entry = self
            .inbox
            .record(WebhookDelivery {
                provider,
                webhook_id: webhook_id.clone(),
                generation_id: Some(generation_id),
                received_at: self.clock.now(),
                body,
            })
            .await?;
        if entry.state != InboxState::Received {
            tracing::info!("duplicate webhook acknowledged");
            return Ok(WebhookReceipt::Duplicate);
        }
        let job = ApplyProviderUpdate {
            provider,
            webhook_id: webhook_id.clone(),
            generation_id,
            update,
        };
        self.queue.enqueue(job.to_job()?).await?;
        self.inbox
            .advance(provider, &webhook_id, InboxState::Enqueued)
            .await?;
        tracing::info!(status = ?job.update.status, "webhook queued");
        Ok(WebhookReceipt::Queued)
    }
}
