//! A delivery as the provider sent it, taken from the raw request to its receipt:
//! which provider's route, the sender's rate, the signature on the raw bytes (with
//! that provider's secrets only), the body, the record, and the count for the
//! automatic fallback. The route only maps the answer to HTTP.

use std::time::Duration;

use imagegen_domain::{GenerationId, ProviderName, WebhookId};

use super::{ReceiveWebhook, WebhookReceipt};
use crate::metric_names;
use crate::ports::{Decision, SignatureHeaders, WebhookContent, WebhookOutcome, WebhookRoute};

/// A webhook delivery, as received.
#[derive(Debug, Clone, Copy)]
pub struct RawDelivery<'a> {
    /// The provider named by the route (`replicate`, `simulator`, `openai`).
    pub provider: &'a str,
    /// The generation named by a per-generation route; `None` on a project route.
    pub generation: Option<&'a str>,
    /// The sender's address, for its rate.
    pub sender: &'a str,
    /// The signature headers.
    pub headers: SignatureHeaders<'a>,
    /// The body, as received.
    pub body: &'a [u8],
}

/// Why a delivery was not taken.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryRefused {
    /// No such provider route here, or no such generation.
    #[error("{what} not found")]
    NotFound {
        /// What was not found.
        what: &'static str,
    },
    /// The sender went over its rate; trying after `retry_after` may work.
    #[error("too many webhook deliveries from {sender}")]
    RateLimited {
        /// Who sent it (its address).
        sender: String,
        /// How long to wait.
        retry_after: Duration,
    },
    /// The signature was refused.
    #[error("{0}")]
    BadSignature(String),
    /// Signed, but not a delivery of the provider's protocol.
    #[error("{0}")]
    Malformed(String),
    /// It could not be recorded (the inbox is unreachable: the provider retries).
    #[error(transparent)]
    Failed(#[from] crate::Error),
}

impl ReceiveWebhook {
    /// Takes one delivery from the raw request to its receipt.
    ///
    /// # Errors
    /// [`DeliveryRefused`]: nothing was recorded.
    pub async fn receive(
        &self,
        delivery: RawDelivery<'_>,
    ) -> Result<WebhookReceipt, DeliveryRefused> {
        // A label from a closed set: the route's segment is outside input.
        let provider =
            (delivery.provider.parse::<ProviderName>()).map_or("unknown", ProviderName::as_str);
        let received = self.receive_uncounted(delivery).await;
        let outcome = match &received {
            Ok(WebhookReceipt::Queued | WebhookReceipt::Ignored) => "accepted",
            Ok(WebhookReceipt::Duplicate) => "duplicate",
            Err(DeliveryRefused::NotFound { .. }) => "not_found",
            Err(DeliveryRefused::RateLimited { .. }) => "rate_limited",
            Err(DeliveryRefused::BadSignature(_)) => "invalid_signature",
            Err(DeliveryRefused::Malformed(_)) => "malformed",
            Err(DeliveryRefused::Failed(_)) => "unavailable",
        };
        let labels = [("provider", provider), ("outcome", outcome)];
        metrics::counter!(metric_names::WEBHOOKS_RECEIVED, &labels).increment(1);
        received
    }

    async fn receive_uncounted(
        &self,
        delivery: RawDelivery<'_>,
    ) -> Result<WebhookReceipt, DeliveryRefused> {
        let route = match delivery.generation {
            Some(_) => WebhookRoute::PerGeneration,
            None => WebhookRoute::Project,
        };
        let reader = (self.intake.readers.iter())
            .find(|r| r.provider().as_str() == delivery.provider && r.route() == route)
            .ok_or(DeliveryRefused::NotFound {
                what: "webhook provider",
            })?;
        let key = format!("webhook:{}", delivery.sender);
        match self.intake.limiter.take(&key, self.intake.rate).await {
            Ok(Decision::Limited { retry_after }) => {
                return Err(DeliveryRefused::RateLimited {
                    sender: delivery.sender.to_owned(),
                    retry_after,
                });
            }
            Ok(Decision::Allowed) => {}
            Err(error) => tracing::warn!(%error, "rate limiter unavailable; not limiting"),
        }
        let (headers, body) = (delivery.headers, delivery.body);
        let now = self.intake.clock.now().timestamp();
        let provider = reader.provider();
        if let Err(error) = reader.verify(headers, body, now) {
            let id = crate::capped(headers.id);
            tracing::warn!(%error, webhook.id = %id, %provider, "webhook refused");
            // Anyone can send junk: counted apart, never against webhook health.
            self.count(WebhookOutcome::Refused).await;
            return Err(DeliveryRefused::BadSignature(error));
        }
        let generation: Option<GenerationId> = match delivery.generation {
            Some(raw) => Some(
                raw.parse()
                    .map_err(|_| DeliveryRefused::NotFound { what: "generation" })?,
            ),
            None => None,
        };
        let content = reader.read(body).map_err(DeliveryRefused::Malformed)?;
        let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        let webhook_id = WebhookId::from(headers.id);
        let receipt = match (content, generation) {
            (WebhookContent::Update(update), Some(id)) => {
                self.execute(provider, webhook_id, id, update, value)
                    .await?
            }
            (WebhookContent::ObjectEnded { external_id, kind }, _) => {
                tracing::debug!(event.r#type = %crate::capped(&kind), "provider object event");
                self.execute_event(provider, webhook_id, external_id, value)
                    .await?
            }
            (WebhookContent::Ignored { kind }, _) => {
                tracing::debug!(event.r#type = %crate::capped(&kind), "provider event ignored");
                return Ok(WebhookReceipt::Ignored);
            }
            (WebhookContent::Update(_), None) => {
                return Err(DeliveryRefused::Malformed(
                    "an update must come to its generation's route".into(),
                ));
            }
        };
        self.count(WebhookOutcome::Delivered).await;
        Ok(receipt)
    }

    /// Counts an outcome for the automatic fallback; never fails the delivery.
    async fn count(&self, outcome: WebhookOutcome) {
        let now = self.intake.clock.now();
        if let Err(error) = self.intake.health.record(outcome, now).await {
            tracing::warn!(%error, "a webhook outcome was not counted");
        }
    }
}
