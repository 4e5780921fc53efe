//! The payload of a job that ends (or, when lost, resubmits once) a generation stuck at
//! its provider.

use imagegen_domain::{ExternalId, GenerationId};
use serde::{Deserialize, Serialize};

use super::JobPayload;
use crate::Result;
use crate::ports::QueueName;

/// Why a generation is ended by us rather than by its provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StuckReason {
    /// The provider answered "not found" for its prediction.
    Lost,
    /// It outlived the generation timeout.
    Timeout,
}

/// End (or, when lost, resubmit once) a generation stuck at its provider (on the
/// `provider-submissions` queue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndStuckGeneration {
    /// The generation.
    pub generation_id: GenerationId,
    /// The prediction it was stuck on: a generation that moved on to another is left.
    pub external_id: ExternalId,
    /// Lost or past its timeout.
    pub reason: StuckReason,
}

impl JobPayload for EndStuckGeneration {
    const QUEUE: QueueName = QueueName::ProviderSubmissions;
    fn idempotency_key(&self) -> String {
        let reason = match self.reason {
            StuckReason::Lost => "lost",
            StuckReason::Timeout => "timeout",
        };
        format!("{reason}:{}:{}", self.generation_id, self.external_id)
    }
    fn stored(&self) -> Result<serde_json::Value> {
        super::to_value(&super::queued::ProviderSubmissionJob::EndStuck(
            self.clone(),
        ))
    }
}
