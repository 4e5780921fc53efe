//! Starting the system in the mode the configuration asks for: the state adapters of
//! the mode (memory, or Postgres), then the same wiring for both: provider, image
//! storage, job handlers and runner, outbox relay, realtime hub, tokens.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use imagegen_application::jobs::{
    ApplyProviderUpdateHandler, JobHandler, StoreImagesHandler, SubmitGenerationHandler,
};
use imagegen_application::ports::{
    Clock, EventStore, GenerationRepository, ImageProvider, JobQueue, SystemClock, WebhookInbox,
};
use imagegen_application::use_cases::{
    CreateGeneration, GetGeneration, ListGenerations, ReceiveWebhook,
};
use imagegen_memory::MemoryEventBus;
use imagegen_realtime::Hub;
use imagegen_runtime::{JobRunner, OutboxRelay, RunnerConfig};
use imagegen_simulator::Simulator;
use imagegen_storage::{FetchPolicy, LocalDiskImageStore, SafeImageFetcher};
use imagegen_webhooks::Verifier;
use secrecy::ExposeSecret;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::provider_setup::{ProviderSetup, random_bytes, start_provider};
use crate::{BootstrapError, Config, JwtCodec, Mode, Services};

/// A started system.
pub struct System {
    pub mode: Mode,
    pub services: Arc<Services>,
    /// A token for a development user, when the JWT secret was generated.
    pub dev_token: Option<String>,
    /// The in-process simulator, when it is the provider.
    pub simulator: Option<(Simulator, SocketAddr)>,
    /// Where images are stored.
    pub images_dir: PathBuf,
    /// The worker loops, relay and simulator; they stop when `shutdown` is cancelled.
    pub background: JoinSet<()>,
}

/// The adapters that hold state, for one mode.
pub(crate) struct StateAdapters {
    pub repository: Arc<dyn GenerationRepository>,
    pub events: Arc<dyn EventStore>,
    pub queue: Arc<dyn JobQueue>,
    pub inbox: Arc<dyn WebhookInbox>,
}

/// Starts the system for an api listening on `api_addr`.
///
/// # Errors
/// `Unsupported` for `REDIS_URL` (the distributed mode is not in this build);
/// configuration errors naming their variable (an unreachable `DATABASE_URL` among
/// them); adapter and bind errors.
pub async fn start_system(
    config: &Config,
    api_addr: SocketAddr,
    shutdown: CancellationToken,
) -> Result<System, BootstrapError> {
    if config.redis_url.is_some() {
        return Err(BootstrapError::Unsupported(
            "REDIS_URL: the distributed mode (Redis queue and bus) is not in this build yet; \
             unset it (DATABASE_URL alone runs the durable mode)"
                .into(),
        ));
    }
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mode = config.mode();
    let state = match mode {
        Mode::Embedded => crate::embedded::memory_state(clock.clone()),
        Mode::Durable => crate::durable::postgres_state(config, clock.clone()).await?,
    };
    let public_base_url = match &config.public_base_url {
        Some(url) => url.clone(),
        None => Url::parse(&format!("http://{api_addr}"))
            .map_err(|e| BootstrapError::config("IMAGEGEN_PUBLIC_BASE_URL", e.to_string()))?,
    };
    let images_dir = crate::durable::data_dir(config, mode).join("images");
    let images = Arc::new(LocalDiskImageStore::open(&images_dir)?);
    let mut background = JoinSet::new();
    let ProviderSetup {
        provider,
        name: provider_name,
        secrets,
        simulator,
        allow_private,
    } = start_provider(&config.provider, &shutdown, &mut background).await?;
    let allow_private = config.fetch_allow_private.unwrap_or(allow_private);
    if allow_private && simulator.is_none() {
        tracing::warn!(
            "IMAGEGEN_FETCH_ALLOW_PRIVATE=true: provider outputs may be fetched from private addresses; never in production"
        );
    }
    let webhook_base = format!(
        "{}/webhooks/replicate",
        public_base_url.as_str().trim_end_matches('/')
    );
    let handlers = handlers(
        &state,
        provider,
        allow_private,
        images.clone(),
        &clock,
        webhook_base,
    )?;
    let runner_config = RunnerConfig {
        concurrency: config.worker_concurrency,
        per_queue: config.worker_concurrency_per_queue.clone(),
        lease: config.job_lease,
        ..RunnerConfig::default()
    };
    let runner =
        JobRunner::new(state.queue.clone(), handlers, runner_config).with_clock(clock.clone());
    background.spawn(runner.run(shutdown.clone()));
    let bus = Arc::new(MemoryEventBus::new());
    // The bus is this process's own: so is the relay (several api processes may share
    // one database, each pushing every event to its own connections).
    let relay = OutboxRelay::for_this_process(state.events.clone(), bus.clone()).await?;
    background.spawn(relay.run(shutdown.clone()));
    let hub = Hub::start(bus, shutdown.clone()).await?;

    let (jwt_secret, generated) = match &config.jwt_secret {
        Some(secret) => (secret.expose_secret().as_bytes().to_vec(), false),
        None => (random_bytes(32), true),
    };
    if generated && mode == Mode::Durable {
        tracing::warn!(
            "IMAGEGEN_JWT_SECRET is unset: tokens issued now stop working at the next restart"
        );
    }
    let tokens = JwtCodec::new(&jwt_secret);
    let dev_token = generated.then(|| tokens.dev_token()).transpose()?;
    let services = Services {
        create_generation: CreateGeneration::new(
            state.repository.clone(),
            clock.clone(),
            provider_name,
        ),
        get_generation: GetGeneration::new(state.repository.clone()),
        list_generations: ListGenerations::new(state.repository.clone()),
        receive_webhook: ReceiveWebhook::new(state.inbox, clock.clone()),
        repository: state.repository,
        event_store: state.events,
        queue: state.queue,
        hub,
        images,
        webhook_verifier: Verifier::new(secrets),
        tokens,
        clock,
        public_base_url,
        shutdown,
    };
    Ok(System {
        mode,
        services: Arc::new(services),
        dev_token,
        simulator,
        images_dir,
        background,
    })
}

/// The job handlers of every queue the runner serves.
fn handlers(
    state: &StateAdapters,
    provider: Arc<dyn ImageProvider>,
    allow_private: bool,
    images: Arc<LocalDiskImageStore>,
    clock: &Arc<dyn Clock>,
    webhook_base: String,
) -> Result<Vec<Arc<dyn JobHandler>>, BootstrapError> {
    let fetcher = Arc::new(SafeImageFetcher::new(FetchPolicy {
        allow_private,
        ..FetchPolicy::default()
    })?);
    let repository = &state.repository;
    Ok(vec![
        Arc::new(SubmitGenerationHandler::new(
            repository.clone(),
            provider,
            clock.clone(),
            webhook_base,
        )),
        Arc::new(ApplyProviderUpdateHandler::new(
            repository.clone(),
            state.inbox.clone(),
            clock.clone(),
        )),
        Arc::new(StoreImagesHandler::new(
            repository.clone(),
            fetcher,
            images,
            clock.clone(),
        )),
    ])
}
