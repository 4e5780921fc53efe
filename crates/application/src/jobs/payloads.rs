//! The payloads of queued jobs, with their queue and idempotency key.

use imagegen_domain::{ExternalId, GenerationId, ProviderName, ProviderUpdate};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::ports::{Job, NewJob, QueueName, UpdateSource};
use crate::{Error, Result};

/// A typed job payload.
pub trait JobPayload: Serialize + DeserializeOwned {
    /// The queue it goes to.
    const QUEUE: QueueName;

    /// Two jobs with one key are one job.
    fn idempotency_key(&self) -> String;

    /// The job to enqueue.
    fn to_job(&self) -> Result<NewJob> {
        let payload = serde_json::to_value(self)
            .map_err(|e| Error::unexpected("serializing a job payload", e))?;
        Ok(NewJob::new(Self::QUEUE, payload).with_key(self.idempotency_key()))
    }

    /// Reads the payload of a delivered job.
    fn from_job(job: &Job) -> Result<Self> {
        serde_json::from_value(job.payload.clone())
            .map_err(|e| Error::Invalid(format!("malformed {} job {}: {e}", job.queue, job.id)))
    }
}

/// Submit a pending generation to its provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmitGeneration {
    pub generation_id: GenerationId,
}

impl JobPayload for SubmitGeneration {
    const QUEUE: QueueName = QueueName::ProviderSubmissions;
    fn idempotency_key(&self) -> String {
        format!("submit:{}", self.generation_id)
    }
}

/// Stop a cancelled generation's prediction at its provider (on the
/// `provider-submissions` queue, beside submissions; told apart by its field name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelPrediction {
    pub cancel_prediction_of: GenerationId,
}

impl JobPayload for CancelPrediction {
    const QUEUE: QueueName = QueueName::ProviderSubmissions;
    fn idempotency_key(&self) -> String {
        format!("cancel:{}", self.cancel_prediction_of)
    }
}

/// Poll a `dual` generation's prediction once its webhook reported the end, so the
/// consistency check has both paths' view (on the `provider-submissions` queue; told
/// apart by its field name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyByPoll {
    pub verify_prediction_of: GenerationId,
}

impl JobPayload for VerifyByPoll {
    const QUEUE: QueueName = QueueName::ProviderSubmissions;
    fn idempotency_key(&self) -> String {
        format!("verify:{}", self.verify_prediction_of)
    }
}

/// Apply a verified provider update (from a webhook) to its generation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplyProviderUpdate {
    pub provider: ProviderName,
    pub webhook_id: String,
    pub generation_id: GenerationId,
    pub update: ProviderUpdate,
}

impl ApplyProviderUpdate {
    /// The reconciler's updates carry a `poll:` id; the rest came by webhook.
    pub fn source(&self) -> UpdateSource {
        if self.webhook_id.starts_with("poll:") {
            UpdateSource::Poll
        } else {
            UpdateSource::Webhook
        }
    }
}

impl JobPayload for ApplyProviderUpdate {
    const QUEUE: QueueName = QueueName::GenerationWebhooks;
    fn idempotency_key(&self) -> String {
        format!("webhook:{}:{}", self.provider, self.webhook_id)
    }
}

/// Find the generation of a provider event that names only the provider's object
/// (OpenAI's webhooks), read the object, and apply what it says (on the
/// `generation-webhooks` queue, beside updates; told apart by its field name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveProviderEvent {
    pub resolve_event_of: ExternalId,
    pub provider: ProviderName,
    pub webhook_id: String,
}

impl JobPayload for ResolveProviderEvent {
    const QUEUE: QueueName = QueueName::GenerationWebhooks;
    fn idempotency_key(&self) -> String {
        format!("resolve:{}:{}", self.provider, self.webhook_id)
    }
}

/// Copy a succeeded generation's outputs into our storage and complete it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreImages {
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
    pub generation_id: GenerationId,
}

impl JobPayload for NotifyUser {
    const QUEUE: QueueName = QueueName::UserNotifications;
    fn idempotency_key(&self) -> String {
        format!("notify:{}", self.generation_id)
    }
}
