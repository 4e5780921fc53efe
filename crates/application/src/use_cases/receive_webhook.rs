//! Receive a webhook: limit per sender, verify, read, record it once with its
//! update's job, count the outcome, answer quickly (`receive_delivery.rs` has the
//! whole flow; this file the recording).

use std::sync::Arc;

use imagegen_domain::{ExternalId, GenerationId, ProviderName, ProviderUpdate, WebhookId};

use crate::Result;
use crate::job_payloads::{ApplyProviderUpdate, JobPayload, ResolveProviderEvent};
use crate::ports::{
    Clock, NewJob, Rate, RateLimiter, UpdateSource, WebhookDelivery, WebhookHealth, WebhookInbox,
    WebhookReader,
};

/// What happened to a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookReceipt {
    /// Recorded and queued.
    Queued,
    /// Seen and queued before: acknowledged, nothing changed.
    Duplicate,
    /// About nothing we follow: acknowledged, nothing recorded.
    Ignored,
}

/// Everything receiving webhooks needs; none of it optional.
pub struct WebhookIntake {
    /// Where deliveries are recorded with their jobs.
    pub inbox: Arc<dyn WebhookInbox>,
    /// Now, for receipt times.
    pub clock: Arc<dyn Clock>,
    /// One per provider this api takes webhooks for.
    pub readers: Vec<Arc<dyn WebhookReader>>,
    /// Deliveries per sending address, checked before the signature (the expensive
    /// part of a flood).
    pub limiter: Arc<dyn RateLimiter>,
    /// Deliveries allowed per sender address.
    pub rate: Rate,
    /// Where outcomes are counted for the automatic fallback.
    pub health: Arc<dyn WebhookHealth>,
}

/// Receives webhook deliveries: checks them, records them and queues their updates.
pub struct ReceiveWebhook {
    pub(super) intake: WebhookIntake,
}

impl ReceiveWebhook {
    /// Receives through `intake`.
    pub fn new(intake: WebhookIntake) -> Self {
        Self { intake }
    }

    /// Records a verified delivery together with its update's job, unless it was seen
    /// before.
    ///
    /// # Errors
    /// `Unavailable` when the inbox cannot be reached: nothing was recorded, and the
    /// caller answers 503 so that the provider retries.
    #[tracing::instrument(name = "receive_webhook", skip_all, fields(generation.id = %generation_id, webhook.id = %crate::capped(webhook_id.as_str())))]
    pub async fn execute(
        &self,
        provider: ProviderName,
        webhook_id: WebhookId,
        generation_id: GenerationId,
        update: ProviderUpdate,
        body: serde_json::Value,
    ) -> Result<WebhookReceipt> {
        let status = update.status;
        let job = ApplyProviderUpdate {
            provider,
            webhook_id: webhook_id.clone(),
            generation_id,
            update,
            source: UpdateSource::Webhook,
        }
        .to_job()?;
        let delivery = WebhookDelivery {
            provider,
            webhook_id,
            generation_id: Some(generation_id),
            received_at: self.intake.clock.now(),
            body,
        };
        self.record(delivery, job, status).await
    }

    /// Records an event that names only the provider's object (OpenAI's), with the job
    /// that finds its generation and reads the object.
    ///
    /// # Errors
    /// As [`ReceiveWebhook::execute`].
    #[tracing::instrument(name = "receive_webhook_event", skip_all, fields(external.id = %external_id, webhook.id = %crate::capped(webhook_id.as_str())))]
    pub async fn execute_event(
        &self,
        provider: ProviderName,
        webhook_id: WebhookId,
        external_id: ExternalId,
        body: serde_json::Value,
    ) -> Result<WebhookReceipt> {
        let job = ResolveProviderEvent {
            external_id,
            provider,
            webhook_id: webhook_id.clone(),
        }
        .to_job()?;
        let delivery = WebhookDelivery {
            provider,
            webhook_id,
            generation_id: None,
            received_at: self.intake.clock.now(),
            body,
        };
        self.record(delivery, job, "event").await
    }

    async fn record(
        &self,
        delivery: WebhookDelivery,
        job: NewJob,
        status: impl std::fmt::Debug,
    ) -> Result<WebhookReceipt> {
        let entry = self.intake.inbox.record(delivery, job).await?;
        if !entry.first_seen {
            tracing::info!("duplicate webhook acknowledged");
            return Ok(WebhookReceipt::Duplicate);
        }
        tracing::info!(?status, "webhook queued");
        Ok(WebhookReceipt::Queued)
    }
}
