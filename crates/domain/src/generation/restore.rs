//! Restoring a stored generation: adapters fill a [`GenerationSnapshot`] column by
//! column and [`Generation::restore`] checks it, so a corrupt or hand-edited row is
//! refused with a reason instead of becoming an aggregate that breaks its own rules.

use chrono::{DateTime, Utc};

use super::{FailureReason, Generation};
use crate::{DeliveryMode, ExternalId, GenerationId, GenerationSettings, GenerationStatus as S};
use crate::{OrganizationId, Prompt, ProviderName, StoredImage, UserId};

/// A generation as stored, field by field. The prompt is raw text: it is parsed again.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerationSnapshot {
    /// Its id.
    pub id: GenerationId,
    /// Who asked.
    pub user_id: UserId,
    /// Their organization.
    pub organization_id: OrganizationId,
    /// The prompt as stored.
    pub prompt: String,
    /// Its settings.
    pub settings: GenerationSettings,
    /// Who makes it.
    pub provider: ProviderName,
    /// The provider's prediction, once submitted.
    pub external_id: Option<ExternalId>,
    /// How we learn of its moves.
    pub delivery_mode: DeliveryMode,
    /// Where it is.
    pub status: S,
    /// Progress in percent.
    pub progress: u8,
    /// The provider's output URLs or references, until copied.
    pub provider_outputs: Vec<String>,
    /// Our stored copies.
    pub outputs: Vec<StoredImage>,
    /// Why it failed, when it did.
    pub error: Option<FailureReason>,
    /// When it was asked for.
    pub created_at: DateTime<Utc>,
    /// When the provider started it.
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub completed_at: Option<DateTime<Utc>>,
    /// When it last moved.
    pub updated_at: DateTime<Utc>,
    /// How many moves it made.
    pub version: u64,
    /// Submitted again after the provider lost its first prediction.
    pub resubmitted: bool,
}

/// Why a stored generation could not be restored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stored generation {id} is inconsistent: {reason}")]
pub struct RestoreError {
    /// The generation.
    pub id: GenerationId,
    /// What does not hold.
    pub reason: String,
}

impl Generation {
    /// Rebuilds a stored generation, checking the invariants its moves keep.
    ///
    /// # Errors
    /// [`RestoreError`] naming the first broken rule.
    pub fn restore(snapshot: GenerationSnapshot) -> Result<Self, RestoreError> {
        let refuse = |reason: &str| RestoreError {
            id: snapshot.id,
            reason: reason.to_owned(),
        };
        let prompt = Prompt::parse(&snapshot.prompt).map_err(|e| refuse(&e.to_string()))?;
        let status = snapshot.status;
        if snapshot.progress > 100 {
            return Err(refuse("progress is above 100"));
        }
        if snapshot.version == 0 && status != S::Pending {
            return Err(refuse("a generation that moved has a version above 0"));
        }
        if status.is_terminal() != snapshot.completed_at.is_some() {
            return Err(refuse(
                "completed_at is set if and only if the status is terminal",
            ));
        }
        if status == S::Completed && snapshot.outputs.is_empty() {
            return Err(refuse("a completed generation has stored images"));
        }
        if status == S::Storing && snapshot.provider_outputs.is_empty() {
            return Err(refuse("a storing generation has provider outputs to copy"));
        }
        if matches!(
            status,
            S::Starting | S::Processing | S::Storing | S::Completed
        ) && snapshot.external_id.is_none()
        {
            return Err(refuse("a submitted generation knows its prediction's id"));
        }
        if (status == S::Failed) != snapshot.error.is_some() {
            return Err(refuse(
                "an error is set if and only if the status is failed",
            ));
        }
        if snapshot.updated_at < snapshot.created_at {
            return Err(refuse("updated_at is before created_at"));
        }
        Ok(Self {
            id: snapshot.id,
            user_id: snapshot.user_id,
            organization_id: snapshot.organization_id,
            prompt,
            settings: snapshot.settings,
            provider: snapshot.provider,
            external_id: snapshot.external_id,
            delivery_mode: snapshot.delivery_mode,
            status,
            progress: snapshot.progress,
            provider_outputs: snapshot.provider_outputs,
            outputs: snapshot.outputs,
            error: snapshot.error,
            created_at: snapshot.created_at,
            started_at: snapshot.started_at,
            completed_at: snapshot.completed_at,
            updated_at: snapshot.updated_at,
            version: snapshot.version,
            resubmitted: snapshot.resubmitted,
            uncommitted: Vec::new(),
        })
    }

    /// The stored form of this generation (its uncommitted events are not part of it).
    pub fn snapshot(&self) -> GenerationSnapshot {
        GenerationSnapshot {
            id: self.id,
            user_id: self.user_id,
            organization_id: self.organization_id,
            prompt: self.prompt.as_str().to_owned(),
            settings: self.settings.clone(),
            provider: self.provider,
            external_id: self.external_id.clone(),
            delivery_mode: self.delivery_mode,
            status: self.status,
            progress: self.progress,
            provider_outputs: self.provider_outputs.clone(),
            outputs: self.outputs.clone(),
            error: self.error.clone(),
            created_at: self.created_at,
            started_at: self.started_at,
            completed_at: self.completed_at,
            updated_at: self.updated_at,
            version: self.version,
            resubmitted: self.resubmitted,
        }
    }
}
