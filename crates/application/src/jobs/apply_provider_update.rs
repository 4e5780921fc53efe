//! Apply a provider update to its generation; a success saves the image copy job with
//! the move.

use std::sync::Arc;

use async_trait::async_trait;
use imagegen_domain::{GenerationError, GenerationStatus};

use super::{ApplyProviderUpdate, JobHandler, JobPayload, StoreImages};
use crate::ports::{Clock, GenerationRepository, InboxState, Job, QueueName, WebhookInbox};
use crate::use_cases::change_generation_with_jobs;
use crate::{Error, Result};

/// Runs `generation-webhooks` jobs.
pub struct ApplyProviderUpdateHandler {
    repository: Arc<dyn GenerationRepository>,
    inbox: Arc<dyn WebhookInbox>,
    clock: Arc<dyn Clock>,
}

impl ApplyProviderUpdateHandler {
    pub fn new(
        repository: Arc<dyn GenerationRepository>,
        inbox: Arc<dyn WebhookInbox>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            repository,
            inbox,
            clock,
        }
    }
}

#[async_trait]
impl JobHandler for ApplyProviderUpdateHandler {
    fn queue(&self) -> QueueName {
        QueueName::GenerationWebhooks
    }

    #[tracing::instrument(name = "apply_provider_update", skip_all, fields(generation.id))]
    async fn handle(&self, job: &Job) -> Result<()> {
        let payload = ApplyProviderUpdate::from_job(job)?;
        let id = payload.generation_id;
        tracing::Span::current().record("generation.id", tracing::field::display(id));
        if let Some(text) = &payload.update.error {
            // Users see a stable code; the provider's words are kept here.
            tracing::info!(provider.error = %crate::logged(text), "the provider reported an error");
        }
        let now = self.clock.now();
        let changed = change_generation_with_jobs(
            self.repository.as_ref(),
            id,
            |g| g.apply_provider_update(&payload.update, now),
            |g| match g.status() {
                GenerationStatus::Storing => Ok(vec![StoreImages { generation_id: id }.to_job()?]),
                _ => Ok(Vec::new()),
            },
        )
        .await;
        match changed {
            Ok((_, Some(event))) => {
                tracing::info!(event.r#type = event.event_type(), status = %event.status(), "generation moved");
            }
            Ok((_, None)) => tracing::debug!("update changed nothing"),
            Err(Error::Domain(error @ GenerationError::ExternalIdMismatch { .. })) => {
                tracing::warn!(%error, "update for another prediction ignored");
            }
            Err(error) => return Err(error),
        }
        match self
            .inbox
            .advance(payload.provider, &payload.webhook_id, InboxState::Processed)
            .await
        {
            // Updates that did not come through the inbox (polls, replays) have no entry.
            Ok(()) | Err(Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }
}
