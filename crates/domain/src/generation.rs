//! The `Generation` aggregate: one user request for images.
//!
//! It changes only through the methods in [`moves`](crate::generation) (see
//! `moves.rs`), each of which checks the move, bumps the version and records exactly
//! one event. Repositories save the state and [`Generation::take_events`] together.

mod moves;
mod restore;

pub use restore::{GenerationSnapshot, RestoreError};

use chrono::{DateTime, Utc};

use crate::GenerationSettings;
use crate::events::EventSubject;
use crate::{DeliveryMode, EventEnvelope, ExternalId, FailureReason, GenerationId};
use crate::{GenerationStatus, OrganizationId, Prompt, ProviderName, StoredImage, UserId};

/// A move the aggregate refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenerationError {
    /// The generation already ended; it never changes again.
    #[error("the generation is already {0}")]
    Terminal(GenerationStatus),
    /// The update is about another prediction than the one we submitted.
    #[error("update for prediction {got} but the generation's prediction is {expected}")]
    ExternalIdMismatch {
        /// The prediction the generation follows.
        expected: ExternalId,
        /// The prediction the update names.
        got: ExternalId,
    },
    /// An update arrived before our create call recorded the prediction's id; it
    /// applies once the id is known (retry later).
    #[error("the generation has not recorded its prediction yet")]
    NotSubmitted,
    /// Outputs can be stored only while the generation is `storing`.
    #[error("cannot complete a generation that is {0}")]
    NotStoring(GenerationStatus),
    /// Only a generation waiting on its provider is submitted again, and only once.
    #[error("a generation that is {0} or was resubmitted before is not submitted again")]
    NotResubmittable(GenerationStatus),
}

/// What a new generation is made of.
#[derive(Debug, Clone)]
pub struct NewGeneration {
    /// Its id, made by the caller (so a retried create can be recognized).
    pub id: GenerationId,
    /// Who asked.
    pub user_id: UserId,
    /// Their organization.
    pub organization_id: OrganizationId,
    /// What to make.
    pub prompt: Prompt,
    /// How to make it.
    pub settings: GenerationSettings,
    /// Who makes it.
    pub provider: ProviderName,
    /// How we learn of its moves.
    pub delivery_mode: DeliveryMode,
}

/// The aggregate. Adapters store its [`snapshot`](Generation::snapshot) and rebuild it
/// with [`Generation::restore`], which checks its invariants.
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    id: GenerationId,
    user_id: UserId,
    organization_id: OrganizationId,
    prompt: Prompt,
    settings: GenerationSettings,
    provider: ProviderName,
    external_id: Option<ExternalId>,
    delivery_mode: DeliveryMode,
    status: GenerationStatus,
    progress: u8,
    /// The provider's output URLs, kept while we copy them.
    provider_outputs: Vec<String>,
    outputs: Vec<StoredImage>,
    error: Option<FailureReason>,
    created_at: DateTime<Utc>,
    started_at: Option<DateTime<Utc>>,
    completed_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
    version: u64,
    /// Whether it was submitted again after its provider lost the first prediction
    /// (once at most).
    resubmitted: bool,
    /// Events recorded since the last save.
    uncommitted: Vec<EventEnvelope>,
}

impl Generation {
    /// A new pending generation at version 0. Creation records no event.
    pub fn create(new: NewGeneration, now: DateTime<Utc>) -> Self {
        Self {
            id: new.id,
            user_id: new.user_id,
            organization_id: new.organization_id,
            prompt: new.prompt,
            settings: new.settings,
            provider: new.provider,
            external_id: None,
            delivery_mode: new.delivery_mode,
            status: GenerationStatus::Pending,
            progress: 0,
            provider_outputs: Vec::new(),
            outputs: Vec::new(),
            error: None,
            created_at: now,
            started_at: None,
            completed_at: None,
            updated_at: now,
            version: 0,
            resubmitted: false,
            uncommitted: Vec::new(),
        }
    }

    /// Its id.
    pub fn id(&self) -> GenerationId {
        self.id
    }
    /// Who asked for it.
    pub fn user_id(&self) -> UserId {
        self.user_id
    }
    /// Their organization.
    pub fn organization_id(&self) -> OrganizationId {
        self.organization_id
    }
    /// What it makes.
    pub fn prompt(&self) -> &Prompt {
        &self.prompt
    }
    /// How it makes it.
    pub fn settings(&self) -> &GenerationSettings {
        &self.settings
    }
    /// Who makes it.
    pub fn provider(&self) -> ProviderName {
        self.provider
    }
    /// The provider's prediction it follows, once submitted.
    pub fn external_id(&self) -> Option<&ExternalId> {
        self.external_id.as_ref()
    }
    /// How we learn of its moves (webhook, polling or dual).
    pub fn delivery_mode(&self) -> DeliveryMode {
        self.delivery_mode
    }
    /// Where it is.
    pub fn status(&self) -> GenerationStatus {
        self.status
    }
    /// Rough completion, 0 to 100.
    pub fn progress(&self) -> u8 {
        self.progress
    }
    /// The provider's output URLs that the image copy job fetches.
    pub fn provider_outputs(&self) -> &[String] {
        &self.provider_outputs
    }
    /// Our stored copies of its outputs, once completed.
    pub fn outputs(&self) -> &[StoredImage] {
        &self.outputs
    }
    /// Why it failed, when it did.
    pub fn error(&self) -> Option<&FailureReason> {
        self.error.as_ref()
    }
    /// When it was asked for.
    pub fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    /// When the provider started it.
    pub fn started_at(&self) -> Option<DateTime<Utc>> {
        self.started_at
    }
    /// When it ended.
    pub fn completed_at(&self) -> Option<DateTime<Utc>> {
        self.completed_at
    }
    /// When it last moved.
    pub fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
    /// Number of moves so far; used for optimistic concurrency.
    /// Whether it was submitted again after its provider lost the first prediction.
    pub fn resubmitted(&self) -> bool {
        self.resubmitted
    }

    /// How many moves it made: 0 when created, one more per move (and per event).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The events recorded since the last save, oldest first; leaves none behind.
    pub fn take_events(&mut self) -> Vec<EventEnvelope> {
        std::mem::take(&mut self.uncommitted)
    }

    fn subject(&self) -> EventSubject {
        EventSubject {
            aggregate_id: self.id,
            user_id: self.user_id,
            organization_id: self.organization_id,
        }
    }
}
