//! The polling fallback: generations whose webhook is overdue (no move for longer than
//! the provider's expected run time plus a margin) are polled at the provider, with a
//! capped backoff, and what the poll saw goes through the webhook's own update path
//! (an `ApplyProviderUpdate` job: idempotent, one event per move). Safe in several
//! workers at once: each overdue generation is claimed by one of them per backoff.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use imagegen_application::jobs::{
    ApplyProviderUpdate, EndStuckGeneration, JobPayload, StuckReason,
};
use imagegen_application::ports::{
    Clock, JobQueue, OverdueGeneration, OverdueGenerations, ProviderError, UpdateSource,
    WebhookHealth, WebhookOutcome,
};
use imagegen_application::{Error, Providers, Result};
use imagegen_domain::{DeliveryMode, WebhookId};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// How long after a "not found" poll the prediction is asked about once more, before
/// the generation is resubmitted or ended.
const LOST_RECHECK_SECS: i64 = 15;

/// How the fallback runs.
#[derive(Debug, Clone)]
pub struct ReconcilerConfig {
    /// A generation that has not moved for this long is polled.
    pub overdue_after: Duration,
    /// How often overdue generations are looked for.
    pub every: Duration,
    /// Generations polled per look, at most.
    pub batch: usize,
    /// A generation still waiting on its provider this long after its creation is
    /// cancelled there and ends `failed` (`timeout`).
    pub generation_timeout: Duration,
}

/// Polls overdue generations' predictions.
pub struct Reconciler {
    overdue: Arc<dyn OverdueGenerations>,
    providers: Providers,
    queue: Arc<dyn JobQueue>,
    clock: Arc<dyn Clock>,
    config: ReconcilerConfig,
    /// Where an overdue webhook is counted as a failure (the automatic fallback).
    health: Option<Arc<dyn WebhookHealth>>,
}

impl Reconciler {
    /// Counts each overdue webhook as a failed one in `health`.
    #[must_use]
    pub fn with_health(mut self, health: Arc<dyn WebhookHealth>) -> Self {
        self.health = Some(health);
        self
    }

    /// Polls the overdue generations of `overdue` through `providers` and queues what
    /// the polls saw on `queue`.
    pub fn new(
        overdue: Arc<dyn OverdueGenerations>,
        providers: impl Into<Providers>,
        queue: Arc<dyn JobQueue>,
        clock: Arc<dyn Clock>,
        config: ReconcilerConfig,
    ) -> Self {
        Self {
            overdue,
            providers: providers.into(),
            queue,
            clock,
            config,
            health: None,
        }
    }

    /// Looks every `every` until `shutdown`. Says so when called, not when first polled.
    pub fn run(self, shutdown: CancellationToken) -> impl Future<Output = ()> + Send {
        tracing::info!(
            overdue_after_s = self.config.overdue_after.as_secs(),
            "polling fallback started"
        );
        self.serve(shutdown)
    }

    async fn serve(self, shutdown: CancellationToken) {
        loop {
            if let Err(error) = self.reconcile_once().await {
                tracing::warn!(%error, "could not look for overdue generations");
            }
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(self.config.every) => {}
            }
        }
    }

    /// Polls the generations overdue now; returns how many polls queued an update.
    ///
    /// # Errors
    /// The store's `Unavailable` when overdue generations cannot be claimed.
    pub async fn reconcile_once(&self) -> Result<usize> {
        let now = self.clock.now();
        let quiet = chrono::Duration::from_std(self.config.overdue_after).unwrap_or_default();
        let due = self
            .overdue
            .claim_overdue(now - quiet, now, self.config.batch)
            .await?;
        let mut queued = 0;
        for generation in due {
            // Instrumented, not entered: the span must not stay entered across awaits,
            // or one generation's lines would nest inside another's.
            let span = tracing::info_span!("reconcile", generation.id = %generation.id, attempt = generation.attempt);
            if self.reconcile(generation, now).instrument(span).await {
                queued += 1;
            }
        }
        Ok(queued)
    }

    /// Polls one overdue generation (or ends it when it outlived the timeout); whether
    /// a job was queued.
    async fn reconcile(&self, generation: OverdueGeneration, now: DateTime<Utc>) -> bool {
        let timeout =
            chrono::Duration::from_std(self.config.generation_timeout).unwrap_or_default();
        if now - generation.created_at > timeout {
            tracing::warn!("the generation outlived its timeout; ending it");
            return self.end_stuck(&generation, StuckReason::Timeout, now).await;
        }
        // A webhook that never came counts against webhook health, once.
        if let Some(health) = self.health.as_deref().filter(|_| {
            generation.attempt == 1 && generation.delivery_mode == DeliveryMode::Webhook
        }) && let Err(error) = health.record(WebhookOutcome::Failed, now).await
        {
            tracing::warn!(%error, "an overdue webhook was not counted");
        }
        let polled = match self.providers.get(generation.provider) {
            Ok(provider) => provider
                .fetch(&generation.external_id)
                .await
                .map_err(Error::from),
            Err(error) => Err(error),
        };
        let update = match polled {
            Ok(update) => update,
            Err(error @ Error::Provider(ProviderError::Lost { .. })) => {
                tracing::warn!(%error, "the provider does not know the prediction; asking again shortly, then resubmitting or ending it");
                return self.end_stuck(&generation, StuckReason::Lost, now).await;
            }
            Err(error) => {
                tracing::warn!(%error, "could not poll an overdue generation; it is polled again later");
                return false;
            }
        };
        // One job per state seen: repeated polls of one state queue nothing more.
        let job = ApplyProviderUpdate {
            provider: generation.provider,
            webhook_id: WebhookId::polled(generation.external_id.as_str(), update.status),
            generation_id: generation.id,
            update,
            source: UpdateSource::Poll,
        };
        let queued = match job.to_job() {
            Ok(new_job) => self.queue.enqueue(new_job).await.map(drop),
            Err(error) => Err(error),
        };
        match queued {
            Ok(()) => {
                tracing::info!(webhook.id = %job.webhook_id, "webhook overdue: polled the provider");
                true
            }
            Err(error) => {
                tracing::warn!(%error, "could not queue a polled update");
                false
            }
        }
    }

    /// Queues the job that ends (or, when lost, resubmits) a stuck generation. A lost
    /// one is asked about once more after a pause first, so a passing "not found"
    /// decides nothing.
    async fn end_stuck(
        &self,
        generation: &OverdueGeneration,
        reason: StuckReason,
        now: DateTime<Utc>,
    ) -> bool {
        let payload = EndStuckGeneration {
            generation_id: generation.id,
            external_id: generation.external_id.clone(),
            reason,
        };
        let job = payload.to_job().map(|job| match reason {
            StuckReason::Lost => job.at(now + chrono::Duration::seconds(LOST_RECHECK_SECS)),
            StuckReason::Timeout => job,
        });
        let queued = match job {
            Ok(job) => self.queue.enqueue(job).await.map(drop),
            Err(error) => Err(error),
        };
        if let Err(error) = &queued {
            tracing::warn!(%error, "could not queue the end of a stuck generation");
        }
        queued.is_ok()
    }
}
