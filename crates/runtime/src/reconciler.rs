//! The polling fallback: generations whose webhook is overdue (no move for longer than
//! the provider's expected run time plus a margin) are polled at the provider, with a
//! capped backoff, and what the poll saw goes through the webhook's own update path
//! (an `ApplyProviderUpdate` job: idempotent, one event per move). Safe in several
//! workers at once: each overdue generation is claimed by one of them per backoff.

use std::sync::Arc;
use std::time::Duration;

use imagegen_application::jobs::{ApplyProviderUpdate, JobPayload};
use imagegen_application::ports::{
    Clock, JobQueue, OverdueGenerations, WebhookHealth, WebhookOutcome,
};
use imagegen_application::{Providers, Result};
use imagegen_domain::DeliveryMode;
use tokio_util::sync::CancellationToken;

/// How the fallback runs.
#[derive(Debug, Clone)]
pub struct ReconcilerConfig {
    /// A generation that has not moved for this long is polled.
    pub overdue_after: Duration,
    /// How often overdue generations are looked for.
    pub every: Duration,
    /// Generations polled per look, at most.
    pub batch: usize,
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

    /// Looks every `every` until `shutdown`.
    pub async fn run(self, shutdown: CancellationToken) {
        tracing::info!(
            overdue_after_s = self.config.overdue_after.as_secs(),
            "polling fallback started"
        );
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
            let span = tracing::info_span!("reconcile", generation.id = %generation.id, attempt = generation.attempt);
            let _entered = span.enter();
            // A webhook that never came counts against webhook health, once.
            if let Some(health) = self.health.as_deref().filter(|_| {
                generation.attempt == 1 && generation.delivery_mode == DeliveryMode::Webhook
            }) && let Err(error) = health.record(WebhookOutcome::Failed, now).await
            {
                tracing::warn!(%error, "an overdue webhook was not counted");
            }
            let polled = match self.providers.get(generation.provider) {
                Ok(provider) => provider.fetch(&generation.external_id).await,
                Err(error) => Err(error),
            };
            let update = match polled {
                Ok(update) => update,
                Err(error) => {
                    tracing::warn!(%error, "could not poll an overdue generation; it is polled again later");
                    continue;
                }
            };
            // One job per state seen: repeated polls of one state queue nothing more.
            let job = ApplyProviderUpdate {
                provider: generation.provider,
                webhook_id: format!("poll:{}:{:?}", generation.external_id, update.status),
                generation_id: generation.id,
                update,
            };
            match self.queue.enqueue(job.to_job()?).await {
                Ok(_) => queued += 1,
                Err(error) => tracing::warn!(%error, "could not queue a polled update"),
            }
            tracing::info!(webhook.id = %job.webhook_id, "webhook overdue: polled the provider");
        }
        Ok(queued)
    }
}
