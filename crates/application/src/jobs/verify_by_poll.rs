//! The poll that gives a `dual` generation's consistency check its second view: once
//! the webhook reported the end, ask the provider what it says, and compare.

use imagegen_domain::{GenerationId, ProviderStatus};

use super::SubmitGenerationHandler;
use crate::Result;
use crate::dual_check::observe_end;
use crate::ports::ProviderError;
use crate::ports::UpdateSource;

impl SubmitGenerationHandler {
    /// Polls `id`'s prediction and records what the poll saw of its end. A prediction
    /// that has not ended at the provider yet is polled again later (a transient
    /// error: the job retries with backoff).
    pub(super) async fn verify_by_poll(&self, id: GenerationId) -> Result<()> {
        let Some(checks) = self.checks.as_deref() else {
            return Ok(());
        };
        let generation = self.repository.get(id).await?;
        let Some((external_id, provider)) = generation
            .as_ref()
            .and_then(|g| Some((g.external_id()?, g.provider())))
        else {
            return Ok(());
        };
        let update = self.providers.get(provider)?.fetch(external_id).await?;
        if matches!(
            update.status,
            ProviderStatus::Starting | ProviderStatus::Processing
        ) {
            return Err(ProviderError::Unavailable {
                message: "the provider has not ended the prediction yet".into(),
                retry_after: None,
            }
            .into());
        }
        let now = self.clock.now();
        observe_end(checks, id, UpdateSource::Poll, &update, now).await?;
        Ok(())
    }
}
