//! Who makes the images: Replicate, OpenAI or the simulator.

use async_trait::async_trait;
use imagegen_domain::{ExternalId, GenerationId, GenerationSettings, Prompt, ProviderUpdate};

use super::ProviderError;

/// What a provider call returns.
pub type ProviderResult<T> = std::result::Result<T, ProviderError>;

/// What we ask a provider to do.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictionRequest {
    /// Ours: the provider keeps it in the prediction's metadata.
    pub generation_id: GenerationId,
    /// What to make.
    pub prompt: Prompt,
    /// How to make it.
    pub settings: GenerationSettings,
    /// Where the provider sends its webhooks for this generation; `None` when it is
    /// polled instead (its delivery mode is `polling`).
    pub webhook_url: Option<String>,
}

/// A provider's prediction API.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait ImageProvider: Send + Sync {
    /// Starts a prediction and returns at once with its first state.
    ///
    /// # Errors
    /// - [`ProviderError::Unavailable`] on network errors, 5xx and 429 (with the
    ///   provider's `Retry-After` if it sent one).
    /// - [`ProviderError::Rejected`] on other 4xx and answers that do not read.
    async fn submit(&self, request: &PredictionRequest) -> ProviderResult<ProviderUpdate>;

    /// The prediction's current state (used by the polling fallback).
    ///
    /// # Errors
    /// As [`ImageProvider::submit`]; an id the provider does not know (`404`) is
    /// [`ProviderError::Lost`].
    async fn fetch(&self, external_id: &ExternalId) -> ProviderResult<ProviderUpdate>;

    /// Asks the provider to stop the prediction.
    ///
    /// # Errors
    /// As [`ImageProvider::submit`].
    async fn cancel(&self, external_id: &ExternalId) -> ProviderResult<()>;
}
