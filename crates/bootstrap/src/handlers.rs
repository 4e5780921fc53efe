//! The job handlers of the queues a runner serves, wired from the state adapters.

use std::sync::Arc;

use imagegen_application::Providers;
use imagegen_application::jobs::{
    ApplyProviderUpdateHandler, CleanupHandler, JobHandler, StoreImagesHandler,
    SubmitGenerationHandler,
};
use imagegen_application::ports::Clock;
use imagegen_providers::{OpenAiClient, ProviderOutputs};
use imagegen_storage::{FetchPolicy, LocalDiskImageStore, SafeImageFetcher};

use crate::BootstrapError;
use crate::state::StateAdapters;

/// What the job handlers need beside the state adapters.
pub(crate) struct HandlerInputs {
    /// The client of each generation's provider, its calls counted.
    pub providers: Providers,
    /// The clients that read the objects webhook events name (OpenAI's).
    pub event_readers: Providers,
    /// Whether output URLs may name private addresses (the in-process simulator).
    pub allow_private: bool,
    /// OpenAI's client, whose images are read from its responses.
    pub openai: Option<Arc<OpenAiClient>>,
    pub images: Arc<LocalDiskImageStore>,
    /// `{public base}/webhooks`.
    pub webhook_base: String,
}

/// The job handlers of every queue the runner serves.
pub(crate) fn handlers(
    state: &StateAdapters,
    HandlerInputs {
        providers,
        event_readers,
        allow_private,
        openai,
        images,
        webhook_base,
    }: HandlerInputs,
    clock: &Arc<dyn Clock>,
) -> Result<Vec<Arc<dyn JobHandler>>, BootstrapError> {
    let urls = Arc::new(SafeImageFetcher::new(FetchPolicy {
        allow_private,
        ..FetchPolicy::default()
    })?);
    // OpenAI's images are read from its responses, the others downloaded.
    let fetcher =
        Arc::new(ProviderOutputs::new(urls, openai).counting(state.provider_calls.clone()));
    let repository = &state.repository;
    Ok(vec![
        Arc::new(
            SubmitGenerationHandler::new(
                repository.clone(),
                providers.clone(),
                clock.clone(),
                webhook_base,
            )
            .with_checks(state.checks.clone()),
        ),
        Arc::new(
            ApplyProviderUpdateHandler::new(repository.clone(), state.inbox.clone(), clock.clone())
                .with_checks(state.checks.clone())
                .with_providers(event_readers),
        ),
        Arc::new(StoreImagesHandler::new(
            repository.clone(),
            fetcher,
            images,
            clock.clone(),
        )),
        Arc::new(CleanupHandler::new(
            state.inbox.clone(),
            state.events.clone(),
            clock.clone(),
        )),
    ])
}
