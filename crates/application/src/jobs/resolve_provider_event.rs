//! An event that names only the provider's object (OpenAI's `response.completed` and
//! kin): find the generation by the object's id, read the object, and apply what it
//! says through the webhooks' own update path.

use imagegen_domain::{DeliveryMode, GenerationError};

use super::{ApplyProviderUpdate, ApplyProviderUpdateHandler, ResolveProviderEvent};
use crate::ports::InboxState;
use crate::{Error, Result};

impl ApplyProviderUpdateHandler {
    /// Resolves and applies one event. A generation not found yet is tried again (its
    /// submission may not have recorded the id when a fast provider's event came).
    pub(super) async fn resolve(&self, event: ResolveProviderEvent) -> Result<()> {
        let ResolveProviderEvent {
            external_id,
            provider,
            webhook_id,
        } = event;
        let Some(providers) = &self.providers else {
            return Err(Error::Invalid(format!(
                "no provider client here resolves {provider} events"
            )));
        };
        let Some(id) = self
            .repository
            .find_by_external_id(provider, &external_id)
            .await?
        else {
            tracing::info!(external.id = %external_id, "no generation has this prediction yet; tried again later");
            // Transient: the job is tried again with backoff.
            return Err(Error::Domain(GenerationError::NotSubmitted));
        };
        tracing::Span::current().record("generation.id", tracing::field::display(id));
        let generation = self.repository.get(id).await?;
        // A polled generation's state comes from its polls only (its provider sends
        // project-wide events whatever we asked).
        if generation.is_none_or(|g| g.delivery_mode() == DeliveryMode::Polling) {
            tracing::debug!("a polled generation's event ignored");
            return self.settled(provider, webhook_id.as_str()).await;
        }
        let update = providers.get(provider)?.fetch(&external_id).await?;
        let payload = ApplyProviderUpdate {
            provider,
            webhook_id,
            generation_id: id,
            update,
            source: crate::ports::UpdateSource::Webhook,
        };
        self.apply(payload).await
    }

    async fn settled(
        &self,
        provider: imagegen_domain::ProviderName,
        webhook_id: &str,
    ) -> Result<()> {
        match self
            .inbox
            .advance(provider, webhook_id, InboxState::Processed)
            .await
        {
            Ok(()) | Err(Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }
}
