//! What a queue carries, one enum per queue with several kinds of job, tagged by
//! `kind` (`{"kind": "cancel", "generation_id": ...}`). Jobs queued by an earlier
//! version, untagged and told apart by their field names, still decode. Queues with
//! one kind of job (`image-processing`, `user-notifications`) keep plain payloads.

use imagegen_domain::{ExternalId, GenerationId, ProviderName, ProviderUpdate, WebhookId};
use serde::{Deserialize, Serialize};

use super::{
    ApplyProviderUpdate, CancelPrediction, EndStuckGeneration, ResolveProviderEvent, StuckReason,
    SubmitGeneration, VerifyByPoll,
};
use crate::ports::{Job, UpdateSource};
use crate::{Error, Result};

/// A job on `provider-submissions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProviderSubmissionJob {
    /// Submit a generation to its provider.
    Submit(SubmitGeneration),
    /// Cancel a generation's prediction at its provider.
    Cancel(CancelPrediction),
    /// Check a `dual` generation's end by a poll.
    Verify(VerifyByPoll),
    /// End (or resubmit once) a generation stuck at its provider.
    EndStuck(EndStuckGeneration),
}

/// A job on `generation-webhooks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GenerationWebhookJob {
    /// Apply a provider's update to its generation.
    Apply(ApplyProviderUpdate),
    /// Read the object an event names, then apply what it says.
    Resolve(ResolveProviderEvent),
}

impl ProviderSubmissionJob {
    /// Reads a delivered job.
    ///
    /// # Errors
    /// [`Error::Corrupt`] when the payload is none of the kinds, old or new.
    pub fn from_job(job: &Job) -> Result<Self> {
        decode::<Self, LegacySubmission>(job).map(|stored| match stored {
            Stored::Tagged(job) => job,
            Stored::Legacy(old) => old.into(),
        })
    }
}

impl GenerationWebhookJob {
    /// Reads a delivered job.
    ///
    /// # Errors
    /// [`Error::Corrupt`] when the payload is none of the kinds, old or new.
    pub fn from_job(job: &Job) -> Result<Self> {
        decode::<Self, LegacyWebhookJob>(job).map(|stored| match stored {
            Stored::Tagged(job) => job,
            Stored::Legacy(old) => old.into(),
        })
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Stored<T, L> {
    Tagged(T),
    Legacy(L),
}

fn decode<T, L>(job: &Job) -> Result<Stored<T, L>>
where
    T: serde::de::DeserializeOwned,
    L: serde::de::DeserializeOwned,
{
    // The tagged form's own error says what is wrong with a new payload.
    if job.payload.get("kind").is_some() {
        return serde_json::from_value::<T>(job.payload.clone())
            .map(Stored::Tagged)
            .map_err(|e| Error::corrupt(format!("{} job {} payload", job.queue, job.id), e));
    }
    serde_json::from_value::<L>(job.payload.clone())
        .map(Stored::Legacy)
        .map_err(|e| Error::corrupt(format!("{} job {} payload", job.queue, job.id), e))
}

/// The untagged shapes of `provider-submissions` before kinds were tagged.
#[derive(Deserialize)]
#[serde(untagged)]
enum LegacySubmission {
    Cancel {
        cancel_prediction_of: GenerationId,
    },
    Verify {
        verify_prediction_of: GenerationId,
    },
    EndStuck {
        stuck_generation: GenerationId,
        external_id: ExternalId,
        reason: StuckReason,
    },
    Submit {
        generation_id: GenerationId,
    },
}

impl From<LegacySubmission> for ProviderSubmissionJob {
    fn from(old: LegacySubmission) -> Self {
        match old {
            LegacySubmission::Cancel {
                cancel_prediction_of,
            } => Self::Cancel(CancelPrediction {
                generation_id: cancel_prediction_of,
            }),
            LegacySubmission::Verify {
                verify_prediction_of,
            } => Self::Verify(VerifyByPoll {
                generation_id: verify_prediction_of,
            }),
            LegacySubmission::EndStuck {
                stuck_generation,
                external_id,
                reason,
            } => Self::EndStuck(EndStuckGeneration {
                generation_id: stuck_generation,
                external_id,
                reason,
            }),
            LegacySubmission::Submit { generation_id } => {
                Self::Submit(SubmitGeneration { generation_id })
            }
        }
    }
}

/// The untagged shapes of `generation-webhooks` before kinds were tagged.
#[derive(Deserialize)]
#[serde(untagged)]
enum LegacyWebhookJob {
    Resolve {
        resolve_event_of: ExternalId,
        provider: ProviderName,
        webhook_id: WebhookId,
    },
    Apply {
        provider: ProviderName,
        webhook_id: WebhookId,
        generation_id: GenerationId,
        update: ProviderUpdate,
    },
}

impl From<LegacyWebhookJob> for GenerationWebhookJob {
    fn from(old: LegacyWebhookJob) -> Self {
        match old {
            LegacyWebhookJob::Resolve {
                resolve_event_of,
                provider,
                webhook_id,
            } => Self::Resolve(ResolveProviderEvent {
                external_id: resolve_event_of,
                provider,
                webhook_id,
            }),
            LegacyWebhookJob::Apply {
                provider,
                webhook_id,
                generation_id,
                update,
            } => Self::Apply(ApplyProviderUpdate {
                // The reconciler's updates carried a `poll:` id, and only they did.
                source: if webhook_id.as_str().starts_with("poll:") {
                    UpdateSource::Poll
                } else {
                    UpdateSource::Webhook
                },
                provider,
                webhook_id,
                generation_id,
                update,
            }),
        }
    }
}
