//! Apply a provider update to its generation; a success saves the image copy job with
//! the move.

use std::sync::Arc;

use async_trait::async_trait;
use imagegen_domain::{DeliveryMode, GenerationError, GenerationStatus};

use super::{
    ApplyProviderUpdate, GenerationWebhookJob, JobHandler, JobPayload, StoreImages, VerifyByPoll,
};
use crate::dual_check::observe_end;
use crate::ports::{
    Clock, DeliveryChecks, DeliveryKey, GenerationRepository, InboxState, Job, QueueName,
    UpdateSource, WebhookInbox,
};
use crate::unit_of_work::change_generation_for_delivery;
use crate::{Error, Providers, Result};

/// Runs `generation-webhooks` jobs.
pub struct ApplyProviderUpdateHandler {
    pub(super) repository: Arc<dyn GenerationRepository>,
    pub(super) inbox: Arc<dyn WebhookInbox>,
    clock: Arc<dyn Clock>,
    /// Where `dual` generations' two paths are compared, when set.
    checks: Option<Arc<dyn DeliveryChecks>>,
    /// Reads the objects that events name only by id (OpenAI's), when set.
    pub(super) providers: Option<Providers>,
}

impl ApplyProviderUpdateHandler {
    /// Applies updates to generations in `repository`, marking their deliveries in `inbox`.
    pub fn new(
        repository: Arc<dyn GenerationRepository>,
        inbox: Arc<dyn WebhookInbox>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            repository,
            inbox,
            clock,
            checks: None,
            providers: None,
        }
    }

    /// Resolves events that name only the provider's object with `providers`.
    #[must_use]
    pub fn with_providers(mut self, providers: Providers) -> Self {
        self.providers = Some(providers);
        self
    }

    /// Compares what the webhooks and the polls of `dual` generations saw, in `checks`.
    #[must_use]
    pub fn with_checks(mut self, checks: Arc<dyn DeliveryChecks>) -> Self {
        self.checks = Some(checks);
        self
    }
}

#[async_trait]
impl JobHandler for ApplyProviderUpdateHandler {
    fn queue(&self) -> QueueName {
        QueueName::GenerationWebhooks
    }

    #[tracing::instrument(name = "apply_provider_update", skip_all, fields(generation.id))]
    async fn handle(&self, job: &Job) -> Result<()> {
        match GenerationWebhookJob::from_job(job)? {
            GenerationWebhookJob::Resolve(event) => self.resolve(event).await,
            GenerationWebhookJob::Apply(update) => self.apply(update).await,
        }
    }
}

impl ApplyProviderUpdateHandler {
    /// A webhook for a prediction its generation does not follow, that no generation
    /// follows: an extra prediction (a submission repeated after a crash made a second
    /// one, or the first of a resubmitted generation). Still running, it is cancelled
    /// so nobody pays for it.
    async fn cancel_orphan(&self, payload: &ApplyProviderUpdate) -> Result<()> {
        let (update, provider) = (&payload.update, payload.provider);
        let Some(providers) = self
            .providers
            .as_ref()
            .filter(|_| !update.status.is_terminal())
        else {
            return Ok(());
        };
        if self
            .repository
            .find_by_external_id(provider, &update.external_id)
            .await?
            .is_some()
        {
            return Ok(());
        }
        match providers.get(provider)?.cancel(&update.external_id).await {
            Err(error) if error.is_transient() => Err(error.into()),
            Err(error) => {
                tracing::info!(%error, "the provider would not cancel an extra prediction");
                Ok(())
            }
            Ok(()) => {
                tracing::info!(external.id = %update.external_id, "an extra prediction cancelled at the provider");
                Ok(())
            }
        }
    }

    /// Applies one update: one event per move, the image copy queued with a success.
    pub(super) async fn apply(&self, payload: ApplyProviderUpdate) -> Result<()> {
        let id = payload.generation_id;
        tracing::Span::current().record("generation.id", tracing::field::display(id));
        if let Some(text) = &payload.update.error {
            // Users see a stable code; the provider's words are kept here.
            tracing::info!(provider.error = %crate::capped(text), "the provider reported an error");
        }
        let now = self.clock.now();
        // A webhook's delivery is marked processed with the move it causes; a poll has none.
        let delivery = (payload.source == UpdateSource::Webhook).then(|| DeliveryKey {
            provider: payload.provider,
            webhook_id: payload.webhook_id.clone(),
        });
        let changed = change_generation_for_delivery(
            self.repository.as_ref(),
            id,
            |g| g.apply_provider_update(&payload.update, now),
            |g| {
                let mut jobs = match g.status() {
                    GenerationStatus::Storing => vec![StoreImages { generation_id: id }.to_job()?],
                    _ => Vec::new(),
                };
                // A `dual` generation's webhook reported the end: the poll's view, too.
                if g.delivery_mode() == DeliveryMode::Dual
                    && payload.source == UpdateSource::Webhook
                    && (g.status().is_terminal() || g.status() == GenerationStatus::Storing)
                {
                    jobs.push(VerifyByPoll { generation_id: id }.to_job()?);
                }
                Ok(jobs)
            },
            delivery.as_ref(),
        )
        .await;
        let dual = matches!(&changed, Ok((g, _)) if g.delivery_mode() == DeliveryMode::Dual);
        let mut marked = false;
        match changed {
            Ok((_, Some(event))) => {
                tracing::info!(event.r#type = event.event_type(), status = %event.status(), "generation moved");
                marked = delivery.is_some();
            }
            Ok((_, None)) => tracing::debug!("update changed nothing"),
            Err(Error::Domain(error @ GenerationError::ExternalIdMismatch { .. })) => {
                tracing::warn!(%error, "update for another prediction ignored");
                self.cancel_orphan(&payload).await?;
            }
            Err(error) => return Err(error),
        }
        if let Some(checks) = self.checks.as_deref().filter(|_| dual) {
            let source = payload.source;
            // The check never holds up the update.
            if let Err(error) = observe_end(checks, id, source, &payload.update, now).await {
                tracing::warn!(%error, "the dual-mode check was not recorded");
            }
        }
        if marked {
            return Ok(());
        }
        match self
            .inbox
            .advance(
                payload.provider,
                payload.webhook_id.as_str(),
                InboxState::Processed,
            )
            .await
        {
            // Updates that did not come through the inbox (polls, replays) have no entry.
            Ok(()) | Err(Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }
}
