//! The moves of a generation. Each forward move bumps the version and records exactly
//! one event; anything that does not move forward changes nothing and records nothing.

use chrono::{DateTime, Utc};

use super::{Generation, GenerationError};
use crate::FailureReason;
use crate::{EventEnvelope, ExternalId, GenerationEvent, GenerationStatus as S};
use crate::{FailureCode, ProviderStatus, ProviderUpdate, StoredImage};

impl Generation {
    /// The provider accepted the prediction: pending -> starting, remembering its id.
    /// Repeating it, or calling it after a webhook already moved further, does nothing.
    pub fn record_submission(
        &mut self,
        external_id: ExternalId,
        now: DateTime<Utc>,
    ) -> Result<Option<GenerationEvent>, GenerationError> {
        if self.external_id.is_none() && !self.status.is_terminal() {
            // Only our own create call's answer names the prediction (see
            // `apply_provider_update`).
            self.external_id = Some(external_id.clone());
        }
        let update = ProviderUpdate {
            external_id,
            status: ProviderStatus::Starting,
            output_urls: Vec::new(),
            error: None,
        };
        self.apply_provider_update(&update, now)
    }

    /// The provider lost the prediction (it answers "not found" for it) and a new one
    /// was made: the generation follows the new prediction from now on, recorded as a
    /// second `GenerationStarted` with the new id; the status stays. Allowed once,
    /// only while it waits on the provider (`starting`, `processing`).
    pub fn resubmit(
        &mut self,
        external_id: ExternalId,
        now: DateTime<Utc>,
    ) -> Result<GenerationEvent, GenerationError> {
        if !matches!(self.status, S::Starting | S::Processing) || self.resubmitted {
            return Err(GenerationError::NotResubmittable(self.status));
        }
        self.external_id = Some(external_id.clone());
        self.resubmitted = true;
        let event = GenerationEvent::GenerationStarted {
            status: self.status,
            provider: self.provider,
            external_id,
        };
        Ok(self.record(event, now))
    }

    /// Applies a provider update. Late, repeated or out-of-order updates that would not
    /// move the generation forward are ignored; an update may skip statuses.
    ///
    /// The prediction's id is learned only from our own create call
    /// ([`Generation::record_submission`]), never adopted from an update: a signed
    /// webhook naming some other prediction must not take a generation over. An update
    /// that arrives before the create call's answer is refused with
    /// [`GenerationError::NotSubmitted`], which callers retry.
    pub fn apply_provider_update(
        &mut self,
        update: &ProviderUpdate,
        now: DateTime<Utc>,
    ) -> Result<Option<GenerationEvent>, GenerationError> {
        if self.status.is_terminal() {
            return Ok(None);
        }
        let Some(expected) = self.external_id.as_ref() else {
            return Err(GenerationError::NotSubmitted);
        };
        if *expected != update.external_id {
            return Err(GenerationError::ExternalIdMismatch {
                expected: expected.clone(),
                got: update.external_id.clone(),
            });
        }
        let target = match update.status {
            ProviderStatus::Starting => S::Starting,
            ProviderStatus::Processing => S::Processing,
            ProviderStatus::Succeeded if update.output_urls.is_empty() => S::Failed,
            ProviderStatus::Succeeded => S::Storing,
            ProviderStatus::Failed | ProviderStatus::Aborted => S::Failed,
            ProviderStatus::Canceled => S::Cancelled,
        };
        if target.rank() <= self.status.rank() {
            return Ok(None);
        }
        let previous_status = self.status;
        let event = match target {
            S::Starting => GenerationEvent::GenerationStarted {
                status: target,
                provider: self.provider,
                external_id: update.external_id.clone(),
            },
            S::Failed => GenerationEvent::GenerationFailed {
                status: target,
                previous_status,
                error: provider_failure(update),
            },
            S::Cancelled => GenerationEvent::GenerationCancelled {
                status: target,
                previous_status,
            },
            _ => GenerationEvent::GenerationStatusChanged {
                status: target,
                previous_status,
                progress: progress_of(target),
            },
        };
        if target == S::Storing {
            self.provider_outputs = update.output_urls.clone();
        }
        Ok(Some(self.record(event, now)))
    }

    /// Our copies of the outputs are stored: storing -> completed. Repeating it after
    /// the generation ended does nothing, so the copy job can run twice.
    pub fn complete(
        &mut self,
        images: Vec<StoredImage>,
        now: DateTime<Utc>,
    ) -> Result<Option<GenerationEvent>, GenerationError> {
        match self.status {
            S::Storing => {
                let event = GenerationEvent::GenerationCompleted {
                    status: S::Completed,
                    images,
                };
                Ok(Some(self.record(event, now)))
            }
            status if status.is_terminal() => Ok(None),
            status => Err(GenerationError::NotStoring(status)),
        }
    }

    /// Ends the generation with an error of ours (for example, storing failed).
    pub fn fail(
        &mut self,
        error: FailureReason,
        now: DateTime<Utc>,
    ) -> Result<Option<GenerationEvent>, GenerationError> {
        if self.status.is_terminal() {
            return Ok(None);
        }
        let event = GenerationEvent::GenerationFailed {
            status: S::Failed,
            previous_status: self.status,
            error,
        };
        Ok(Some(self.record(event, now)))
    }

    /// The user cancels: any non-terminal status -> cancelled.
    pub fn cancel(&mut self, now: DateTime<Utc>) -> Result<GenerationEvent, GenerationError> {
        if self.status.is_terminal() {
            return Err(GenerationError::Terminal(self.status));
        }
        let event = GenerationEvent::GenerationCancelled {
            status: S::Cancelled,
            previous_status: self.status,
        };
        Ok(self.record(event, now))
    }

    /// Applies the event's effects to the state and keeps its envelope for saving.
    fn record(&mut self, event: GenerationEvent, now: DateTime<Utc>) -> GenerationEvent {
        let status = event.status();
        self.status = status;
        self.progress = progress_of(status).max(self.progress);
        self.updated_at = now;
        if status.rank() >= S::Processing.rank() && self.started_at.is_none() {
            self.started_at = Some(now);
        }
        match &event {
            GenerationEvent::GenerationCompleted { images, .. } => {
                self.outputs = images.clone();
                self.provider_outputs.clear();
                self.completed_at = Some(now);
            }
            GenerationEvent::GenerationFailed { error, .. } => {
                self.error = Some(error.clone());
                self.completed_at = Some(now);
            }
            GenerationEvent::GenerationCancelled { .. } => self.completed_at = Some(now),
            _ => {}
        }
        self.version += 1;
        let envelope = EventEnvelope::wrap(self.subject(), &event, self.version, now);
        self.uncommitted.push(envelope);
        event
    }
}

fn provider_failure(update: &ProviderUpdate) -> FailureReason {
    match update.status {
        ProviderStatus::Succeeded => FailureReason {
            code: FailureCode::ProviderReturnedNoOutput,
            message: "the provider succeeded but returned no images".into(),
            retryable: true,
        },
        ProviderStatus::Aborted => FailureReason {
            code: FailureCode::ProviderAborted,
            message: "the provider aborted the prediction before it started".into(),
            retryable: true,
        },
        // The provider's own error text is for our logs, not for users: it may name
        // internals, and its wording is not ours to keep stable.
        _ => FailureReason {
            code: FailureCode::ProviderFailed,
            message: "the provider reported that the prediction failed".into(),
            retryable: false,
        },
    }
}

/// Rough progress shown to users for each status.
fn progress_of(status: S) -> u8 {
    match status {
        S::Pending => 0,
        S::Starting => 5,
        S::Processing => 50,
        S::Storing => 90,
        S::Completed => 100,
        S::Failed | S::Cancelled => 0,
    }
}
