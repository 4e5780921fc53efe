//! Submit a pending generation to its provider, with our webhook address.

use std::sync::Arc;

use async_trait::async_trait;
use imagegen_domain::{
    DeliveryMode, FailureCode, FailureReason, GenerationError, GenerationStatus,
};

use super::{CancelPrediction, JobHandler, ProviderSubmissionJob, SubmitGeneration, VerifyByPoll};
use crate::Providers;
use crate::ports::{
    Clock, DeliveryChecks, GenerationRepository, Job, PredictionRequest, QueueName,
};
use crate::unit_of_work::change_generation;
use crate::{Error, Result};

/// Runs `provider-submissions` jobs.
pub struct SubmitGenerationHandler {
    pub(super) repository: Arc<dyn GenerationRepository>,
    /// The client of each generation's provider.
    pub(super) providers: Providers,
    pub(super) clock: Arc<dyn Clock>,
    /// `{public base}/webhooks`; the provider's name and the generation id follow.
    webhook_base: String,
    /// Where `dual` generations' polled ends are compared, when set.
    pub(super) checks: Option<Arc<dyn DeliveryChecks>>,
}

impl SubmitGenerationHandler {
    /// Submits generations of `repository` to `providers`, asking for webhooks under
    /// `webhook_base`.
    pub fn new(
        repository: Arc<dyn GenerationRepository>,
        providers: impl Into<Providers>,
        clock: Arc<dyn Clock>,
        webhook_base: impl Into<String>,
    ) -> Self {
        let webhook_base = webhook_base.into().trim_end_matches('/').to_owned();
        Self {
            repository,
            providers: providers.into(),
            clock,
            webhook_base,
            checks: None,
        }
    }

    /// Runs the `dual` mode's verification polls, recording into `checks`.
    #[must_use]
    pub fn with_checks(mut self, checks: Arc<dyn DeliveryChecks>) -> Self {
        self.checks = Some(checks);
        self
    }
}

#[async_trait]
impl JobHandler for SubmitGenerationHandler {
    fn queue(&self) -> QueueName {
        QueueName::ProviderSubmissions
    }

    #[tracing::instrument(name = "submit_generation", skip_all, fields(generation.id))]
    async fn handle(&self, job: &Job) -> Result<()> {
        let id = match ProviderSubmissionJob::from_job(job)? {
            ProviderSubmissionJob::Cancel(CancelPrediction { generation_id }) => {
                return self.cancel(generation_id).await;
            }
            ProviderSubmissionJob::Verify(VerifyByPoll { generation_id }) => {
                return self.verify_by_poll(generation_id).await;
            }
            ProviderSubmissionJob::EndStuck(stuck) => return self.end_stuck(stuck).await,
            ProviderSubmissionJob::Submit(SubmitGeneration { generation_id }) => generation_id,
        };
        tracing::Span::current().record("generation.id", tracing::field::display(id));
        let Some(generation) = self.repository.get(id).await? else {
            return Err(Error::NotFound { what: "generation" });
        };
        // Submitted before (or moved on by an early webhook): never call twice.
        if generation.status() != GenerationStatus::Pending || generation.external_id().is_some() {
            return Ok(());
        }
        let request = self.request_for(&generation);
        let clock = &self.clock;
        let provider = self.providers.get(generation.provider())?;
        match provider.submit(&request).await {
            Ok(update) => {
                let external_id = update.external_id.clone();
                let recorded = change_generation(self.repository.as_ref(), id, |g| {
                    g.record_submission(external_id.clone(), clock.now())
                })
                .await;
                match recorded {
                    Ok(_) => {
                        tracing::info!(external.id = %external_id, "submitted to the provider");
                        Ok(())
                    }
                    // A second delivery of this job (its lease expired mid-call) won the
                    // race: ours is an orphan prediction, cancelled so nobody pays for it.
                    // Cancelled while our call was on its way: nobody wants this prediction.
                    Err(Error::Domain(GenerationError::Terminal(_))) => {
                        tracing::info!(external.id = %external_id, "the generation ended meanwhile; cancelling its prediction");
                        if let Err(error) = provider.cancel(&external_id).await {
                            tracing::warn!(%error, "could not cancel the unwanted prediction");
                        }
                        Ok(())
                    }
                    Err(Error::Domain(GenerationError::ExternalIdMismatch { .. })) => {
                        tracing::warn!(external.id = %external_id, "another delivery submitted first; cancelling the duplicate prediction");
                        if let Err(error) = provider.cancel(&external_id).await {
                            tracing::warn!(%error, "could not cancel the duplicate prediction");
                        }
                        Ok(())
                    }
                    Err(error) => Err(error),
                }
            }
            Err(error) if error.is_transient() && !job.is_last_attempt() => Err(error.into()),
            Err(error) => {
                // A stable code and our own words; the provider's text goes to the log.
                let reason = if error.is_transient() {
                    FailureReason {
                        code: FailureCode::ProviderUnavailable,
                        message: "the provider could not take the request; try again later".into(),
                        retryable: true,
                    }
                } else {
                    FailureReason {
                        code: FailureCode::ProviderRejected,
                        message: "the provider refused the request".into(),
                        retryable: false,
                    }
                };
                change_generation(self.repository.as_ref(), id, |g| {
                    g.fail(reason.clone(), clock.now())
                })
                .await?;
                tracing::warn!(%error, "submission failed for good");
                Ok(())
            }
        }
    }
}

impl SubmitGenerationHandler {
    /// What the provider is asked to make for `generation`.
    pub(super) fn request_for(
        &self,
        generation: &imagegen_domain::Generation,
    ) -> PredictionRequest {
        let id = generation.id();
        PredictionRequest {
            generation_id: id,
            prompt: generation.prompt().clone(),
            settings: generation.settings().clone(),
            // Polled generations ask for no webhook; dual ones get both.
            webhook_url: (generation.delivery_mode() != DeliveryMode::Polling)
                .then(|| format!("{}/{}/{id}", self.webhook_base, generation.provider())),
        }
    }

    /// Stops a cancelled generation's prediction. A provider that refuses (the
    /// prediction already ended) is fine; one that cannot be reached is tried again.
    async fn cancel(&self, id: imagegen_domain::GenerationId) -> Result<()> {
        let generation = self.repository.get(id).await?;
        let Some((external_id, provider)) = generation
            .as_ref()
            .and_then(|g| Some((g.external_id()?, g.provider())))
        else {
            return Ok(());
        };
        match self.providers.get(provider)?.cancel(external_id).await {
            Err(error) if error.is_transient() => Err(error.into()),
            Err(error) => {
                tracing::info!(%error, "the provider would not cancel; the prediction has ended");
                Ok(())
            }
            Ok(()) => {
                tracing::info!(external.id = %external_id, "prediction cancelled at the provider");
                Ok(())
            }
        }
    }
}
