//! Create a generation: validate, save as pending, queue its submission, answer at once.

use std::sync::Arc;

use imagegen_domain::{
    DeliveryMode, FailureReason, Generation, GenerationId, GenerationSettings, NewGeneration,
    Prompt, ProviderName, SettingsInput,
};

use crate::jobs::{JobPayload, SubmitGeneration};
use crate::ports::{Clock, GenerationRepository, JobQueue};
use crate::{Caller, Error, Result};

/// What the user asked for, not yet validated.
#[derive(Debug, Clone, Default)]
pub struct CreateGenerationCommand {
    pub prompt: String,
    pub settings: SettingsInput,
}

/// Creates generations. It never waits on the provider.
pub struct CreateGeneration {
    repository: Arc<dyn GenerationRepository>,
    queue: Arc<dyn JobQueue>,
    clock: Arc<dyn Clock>,
    provider: ProviderName,
}

impl CreateGeneration {
    pub fn new(
        repository: Arc<dyn GenerationRepository>,
        queue: Arc<dyn JobQueue>,
        clock: Arc<dyn Clock>,
        provider: ProviderName,
    ) -> Self {
        Self {
            repository,
            queue,
            clock,
            provider,
        }
    }

    /// Validates the command, saves a pending generation and queues its submission.
    ///
    /// # Errors
    /// `Prompt` or `Settings` for bad input (nothing is saved); `Unavailable` when the
    /// store or the queue cannot be reached. If the queue fails after the save, the
    /// generation is failed with `queue_unavailable`, so nothing stays pending forever.
    #[tracing::instrument(name = "create_generation", skip_all, fields(user.id = %caller.user_id, generation.id))]
    pub async fn execute(
        &self,
        caller: &Caller,
        command: CreateGenerationCommand,
    ) -> Result<Generation> {
        let prompt = Prompt::parse(&command.prompt)?;
        let settings = GenerationSettings::parse(command.settings)?;
        let id = GenerationId::new();
        tracing::Span::current().record("generation.id", tracing::field::display(id));
        let generation = Generation::create(
            NewGeneration {
                id,
                user_id: caller.user_id,
                organization_id: caller.organization_id,
                prompt,
                settings,
                provider: self.provider,
                delivery_mode: DeliveryMode::Webhook,
            },
            self.clock.now(),
        );
        self.repository.create(&generation).await?;
        let job = SubmitGeneration { generation_id: id }.to_job()?;
        if let Err(error) = self.queue.enqueue(job).await {
            self.give_up(generation, &error).await;
            return Err(error);
        }
        tracing::info!(provider = %self.provider, "generation created");
        Ok(generation)
    }

    /// Fails a generation whose submission could not be queued.
    async fn give_up(&self, mut generation: Generation, cause: &Error) {
        tracing::warn!(error = %cause, "could not queue the submission");
        let reason = FailureReason {
            code: "queue_unavailable".into(),
            message: "the generation could not be queued; submit it again".into(),
            retryable: true,
        };
        if let Ok(Some(_)) = generation.fail(reason, self.clock.now()) {
            let events = generation.take_events();
            if let Err(error) = self.repository.save(&generation, &events).await {
                tracing::error!(%error, "could not fail a generation left unqueued");
            }
        }
    }
}
