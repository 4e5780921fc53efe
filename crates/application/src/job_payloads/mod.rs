//! The payloads of queued jobs, with their queue and idempotency key.

use imagegen_domain::{ExternalId, GenerationId, ProviderName, ProviderUpdate, WebhookId};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

mod end_stuck;
mod queued;

use crate::ports::{Job, NewJob, QueueName, UpdateSource};
use crate::{Error, Result};
pub use end_stuck::{EndStuckGeneration, StuckReason};
pub use queued::{GenerationWebhookJob, ProviderSubmissionJob};

/// A typed job payload.
pub trait JobPayload: Serialize + DeserializeOwned + Clone {
    /// The queue it goes to.
    const QUEUE: QueueName;

    /// Two jobs with one key are one job.
    fn idempotency_key(&self) -> String;

    /// The payload as its queue stores it: tagged with its kind (see
    /// [`super::queued`]) where the queue carries several.
    fn stored(&self) -> Result<serde_json::Value> {
        to_value(self)
    }

    /// The job to enqueue.
    fn to_job(&self) -> Result<NewJob> {
        Ok(NewJob::new(Self::QUEUE, self.stored()?).with_key(self.idempotency_key()))
    }

    /// Reads the payload of a delivered job of a queue with one kind of job.
    fn from_job(job: &Job) -> Result<Self> {
        serde_json::from_value(job.payload.clone())
            .map_err(|e| Error::corrupt(format!("{} job {} payload", job.queue, job.id), e))
    }
}

/// A payload as JSON.
pub(super) fn to_value(payload: &impl Serialize) -> Result<serde_json::Value> {
    serde_json::to_value(payload).map_err(|e| Error::unexpected("serializing a job payload", e))
}

/// Submit a pending generation to its provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmitGeneration {
    /// The generation to submit.
    pub generation_id: GenerationId,
}

impl JobPayload for SubmitGeneration {
    const QUEUE: QueueName = QueueName::ProviderSubmissions;
    fn idempotency_key(&self) -> String {
        format!("submit:{}", self.generation_id)
    }
    fn stored(&self) -> Result<serde_json::Value> {
        to_value(&ProviderSubmissionJob::Submit(self.clone()))
    }
}

/// Stop a cancelled generation's prediction at its provider (on the
/// `provider-submissions` queue, beside submissions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CancelPrediction {
    /// The generation whose prediction to stop.
    pub generation_id: GenerationId,
}

impl JobPayload for CancelPrediction {
    const QUEUE: QueueName = QueueName::ProviderSubmissions;
    fn idempotency_key(&self) -> String {
        format!("cancel:{}", self.generation_id)
    }
    fn stored(&self) -> Result<serde_json::Value> {
        to_value(&ProviderSubmissionJob::Cancel(self.clone()))
    }
}

/// Poll a `dual` generation's prediction once its webhook reported the end, so the
/// consistency check has both paths' view (on the `provider-submissions` queue).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyByPoll {
    /// The generation whose end to check by a poll.
    pub generation_id: GenerationId,
}

impl JobPayload for VerifyByPoll {
    const QUEUE: QueueName = QueueName::ProviderSubmissions;
    fn idempotency_key(&self) -> String {
        format!("verify:{}", self.generation_id)
    }
    fn stored(&self) -> Result<serde_json::Value> {
        to_value(&ProviderSubmissionJob::Verify(self.clone()))
    }
}

/// Apply a verified provider update (from a webhook) to its generation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplyProviderUpdate {
    /// Who sent it.
    pub provider: ProviderName,
    /// The delivery's `webhook-id` ([`WebhookId::polled`] for a poll's).
    pub webhook_id: WebhookId,
    /// The generation it moves.
    pub generation_id: GenerationId,
    /// What the provider said.
    pub update: ProviderUpdate,
    /// The path it came by: a webhook, or the reconciler's poll.
    pub source: UpdateSource,
}

impl JobPayload for ApplyProviderUpdate {
    const QUEUE: QueueName = QueueName::GenerationWebhooks;
    fn idempotency_key(&self) -> String {
        format!("webhook:{}:{}", self.provider, self.webhook_id)
    }
    fn stored(&self) -> Result<serde_json::Value> {
        to_value(&GenerationWebhookJob::Apply(self.clone()))
    }
}

/// Find the generation of a provider event that names only the provider's object
/// (OpenAI's webhooks), read the object, and apply what it says (on the
/// `generation-webhooks` queue, beside updates).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolveProviderEvent {
    /// The provider's object the event names.
    pub external_id: ExternalId,
    /// Who sent it.
    pub provider: ProviderName,
    /// The delivery's `webhook-id`.
    pub webhook_id: WebhookId,
}

impl JobPayload for ResolveProviderEvent {
    const QUEUE: QueueName = QueueName::GenerationWebhooks;
    fn idempotency_key(&self) -> String {
        format!("resolve:{}:{}", self.provider, self.webhook_id)
    }
    fn stored(&self) -> Result<serde_json::Value> {
        to_value(&GenerationWebhookJob::Resolve(self.clone()))
    }
}

/// Copy a succeeded generation's outputs into our storage and complete it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreImages {
    /// The generation whose outputs to copy.
    pub generation_id: GenerationId,
}

impl JobPayload for StoreImages {
    const QUEUE: QueueName = QueueName::ImageProcessing;
    fn idempotency_key(&self) -> String {
        format!("store-images:{}", self.generation_id)
    }
}

/// Tell the user's callback URL that a generation finished.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotifyUser {
    /// The generation whose callback URL to tell.
    pub generation_id: GenerationId,
}

impl JobPayload for NotifyUser {
    const QUEUE: QueueName = QueueName::UserNotifications;
    fn idempotency_key(&self) -> String {
        format!("notify:{}", self.generation_id)
    }
}
