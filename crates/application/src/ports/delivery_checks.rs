//! The dual mode's consistency check: what the webhooks and the polls each saw of a
//! generation's end, and every disagreement between them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_domain::{GenerationId, ProviderStatus};
use serde::{Deserialize, Serialize};

use crate::Result;

/// Which path an update came by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateSource {
    /// A webhook told it.
    Webhook,
    /// A poll found it.
    Poll,
}

/// The end of a generation as one path saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    /// The generation.
    pub generation_id: GenerationId,
    /// Which path saw it.
    pub source: UpdateSource,
    /// What the provider said at the end.
    pub status: ProviderStatus,
    /// The outputs it named.
    pub outputs: Vec<String>,
    /// When we saw it.
    pub seen_at: DateTime<Utc>,
}

/// What the two paths disagreed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MismatchKind {
    /// The two paths saw different ends.
    Status,
    /// The two paths saw the same end with different outputs.
    Outputs,
    /// One path saw the end much later than the other.
    Timing,
}

/// One disagreement, with both sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mismatch {
    /// The generation.
    pub generation_id: GenerationId,
    /// How they differ.
    pub kind: MismatchKind,
    /// What the webhook said.
    pub webhook: Observation,
    /// What the poll found.
    pub poll: Observation,
    /// When the difference was found.
    pub recorded_at: DateTime<Utc>,
}

/// Where observations and mismatches are kept.
#[async_trait]
pub trait DeliveryChecks: Send + Sync {
    /// Keeps the first end `observation` of its path saw and returns the other path's,
    /// if that one has seen the end too. Errors: `Unavailable`.
    async fn observe(&self, observation: &Observation) -> Result<Option<Observation>>;

    /// Records a mismatch once per generation and kind. Errors: `Unavailable`.
    async fn record_mismatch(&self, mismatch: &Mismatch) -> Result<()>;

    /// The newest mismatches and how many there are in all. Errors: `Unavailable`.
    async fn mismatches(&self, limit: usize) -> Result<(Vec<Mismatch>, u64)>;
}
