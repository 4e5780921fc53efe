//! Apply a provider update to its generation; queue the image copy on success.

use std::sync::Arc;

use async_trait::async_trait;
use imagegen_domain::{GenerationError, GenerationStatus};

use super::{ApplyProviderUpdate, JobHandler, JobPayload, StoreImages};
use crate::ports::{
    Clock, GenerationRepository, InboxState, Job, JobQueue, QueueName, WebhookInbox,
};
use crate::use_cases::change_generation;
use crate::{Error, Result};

/// Runs `generation-webhooks` jobs.
pub struct ApplyProviderUpdateHandler {
    repository: Arc<dyn GenerationRepository>,
    queue: Arc<dyn JobQueue>,
    inbox: Arc<dyn WebhookInbox>,
    clock: Arc<dyn Clock>,
}

impl ApplyProviderUpdateHandler {
    pub fn new(
        repository: Arc<dyn GenerationRepository>,
        queue: Arc<dyn JobQueue>,
        inbox: Arc<dyn WebhookInbox>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            repository,
            queue,
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
        let now = self.clock.now();
        let changed = change_generation(self.repository.as_ref(), id, |g| {
            g.apply_provider_update(&payload.update, now)
        })
        .await;
        match changed {
            Ok((generation, moved)) => {
                if let Some(event) = &moved {
                    tracing::info!(event.r#type = event.event_type(), status = %event.status(), "generation moved");
                }
                // Checked on the saved state, not on `moved`: a re-run after a crash
                // between the save and this enqueue must still queue the copy.
                if generation.status() == GenerationStatus::Storing {
                    self.queue
                        .enqueue(StoreImages { generation_id: id }.to_job()?)
                        .await?;
                }
            }
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
