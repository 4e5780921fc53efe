//! Generations that would otherwise wait for ever: one whose provider lost its
//! prediction (it answers "not found") is submitted once more as a new prediction, or,
//! when that was done already or fails, ends `failed` (`provider_lost`); one past the
//! generation timeout is cancelled at the provider and ends `failed` (`timeout`). Both
//! moves are pushed like any other, and free the user's in-flight place.

use imagegen_domain::{FailureCode, FailureReason, GenerationStatus};

use super::{EndStuckGeneration, StuckReason, SubmitGenerationHandler};
use crate::Result;
use crate::ports::ProviderError;
use crate::unit_of_work::change_generation;

fn reason(code: FailureCode, message: &str) -> FailureReason {
    FailureReason {
        code,
        message: message.into(),
        retryable: true,
    }
}

impl SubmitGenerationHandler {
    /// Runs an [`EndStuckGeneration`] job.
    pub(super) async fn end_stuck(&self, job: EndStuckGeneration) -> Result<()> {
        let id = job.generation_id;
        tracing::Span::current().record("generation.id", tracing::field::display(id));
        let Some(generation) = self.repository.get(id).await? else {
            return Ok(());
        };
        let waiting = matches!(
            generation.status(),
            GenerationStatus::Starting | GenerationStatus::Processing
        );
        if !waiting || generation.external_id() != Some(&job.external_id) {
            return Ok(());
        }
        let provider = self.providers.get(generation.provider())?;
        let failure = match job.reason {
            StuckReason::Timeout => {
                if let Err(error) = provider.cancel(&job.external_id).await {
                    tracing::info!(%error, "the provider would not cancel a timed-out prediction");
                }
                reason(
                    FailureCode::Timeout,
                    "the generation did not finish within the time allowed",
                )
            }
            StuckReason::Lost => {
                // Asked once more: a prediction that answers now is not lost.
                match provider.fetch(&job.external_id).await {
                    Err(ProviderError::Lost { .. }) => {}
                    Err(error) if error.is_transient() => return Err(error.into()),
                    _ => return Ok(()),
                }
                if !generation.resubmitted() && self.resubmit(&generation).await? {
                    return Ok(());
                }
                reason(
                    FailureCode::ProviderLost,
                    "the provider lost the prediction; try again",
                )
            }
        };
        let clock = &self.clock;
        change_generation(self.repository.as_ref(), id, |g| {
            g.fail(failure.clone(), clock.now())
        })
        .await?;
        tracing::warn!(code = %failure.code, external.id = %job.external_id, "generation ended by us");
        Ok(())
    }

    /// Submits a lost generation once more; whether it now follows a new prediction.
    async fn resubmit(&self, generation: &imagegen_domain::Generation) -> Result<bool> {
        let provider = self.providers.get(generation.provider())?;
        let update = match provider.submit(&self.request_for(generation)).await {
            Ok(update) => update,
            Err(error) if error.is_transient() => return Err(error.into()),
            Err(error) => {
                tracing::warn!(%error, "resubmitting a lost generation failed");
                return Ok(false);
            }
        };
        let external_id = update.external_id;
        let clock = &self.clock;
        let moved = change_generation(self.repository.as_ref(), generation.id(), |g| {
            g.resubmit(external_id.clone(), clock.now()).map(Some)
        })
        .await;
        match moved {
            Ok(_) => {
                tracing::warn!(external.id = %external_id, "the provider lost the prediction; submitted a new one");
                Ok(true)
            }
            Err(error) => {
                // Moved on meanwhile: nobody wants the new prediction.
                if let Err(cancel) = provider.cancel(&external_id).await {
                    tracing::warn!(error = %cancel, "could not cancel an unwanted prediction");
                }
                Err(error)
            }
        }
    }
}
