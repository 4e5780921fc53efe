//! The embedded mode: in-memory adapters, the worker loops and the simulator in this
//! process, images on local disk. No outside service is needed.

use std::net::SocketAddr;
use std::sync::Arc;

use imagegen_application::jobs::{
    ApplyProviderUpdateHandler, JobHandler, StoreImagesHandler, SubmitGenerationHandler,
};
use imagegen_application::ports::{Clock, SystemClock};
use imagegen_application::use_cases::{
    CreateGeneration, GetGeneration, ListGenerations, ReceiveWebhook,
};
use imagegen_memory::{MemoryEventBus, MemoryGenerationStore, MemoryJobQueue, MemoryWebhookInbox};
use imagegen_realtime::Hub;
use imagegen_runtime::{JobRunner, OutboxRelay, RunnerConfig};
use imagegen_simulator::Simulator;
use imagegen_storage::{FetchPolicy, LocalDiskImageStore, SafeImageFetcher};
use imagegen_webhooks::Verifier;
use secrecy::ExposeSecret;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use url::Url;
use uuid::Uuid;

use crate::provider_setup::{ProviderSetup, random_bytes, start_provider};
use crate::{BootstrapError, Config, JwtCodec, Services};

/// A started embedded system.
pub struct EmbeddedSystem {
    pub services: Arc<Services>,
    /// A token for a development user, when the JWT secret was generated.
    pub dev_token: Option<String>,
    /// The in-process simulator, when it is the provider.
    pub simulator: Option<(Simulator, SocketAddr)>,
    /// The worker loops, relay and simulator; they stop when `shutdown` is cancelled.
    pub background: JoinSet<()>,
}

/// Starts the embedded mode for an api listening on `api_addr`.
///
/// # Errors
/// `Unsupported` when the configuration asks for the distributed mode; adapter and bind
/// errors otherwise.
pub async fn start_embedded(
    config: &Config,
    api_addr: SocketAddr,
    shutdown: CancellationToken,
) -> Result<EmbeddedSystem, BootstrapError> {
    if config.distributed {
        return Err(BootstrapError::Unsupported(
            "DATABASE_URL/REDIS_URL are set, but the Postgres and Redis adapters are not in this build yet; \
             unset them to run the embedded mode"
                .into(),
        ));
    }
    let public_base_url = match &config.public_base_url {
        Some(url) => url.clone(),
        None => Url::parse(&format!("http://{api_addr}"))
            .map_err(|e| BootstrapError::config("IMAGEGEN_PUBLIC_BASE_URL", e.to_string()))?,
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let queue = Arc::new(MemoryJobQueue::with_clock(clock.clone()));
    let store = Arc::new(MemoryGenerationStore::new(queue.clone()));
    let inbox = Arc::new(MemoryWebhookInbox::new(queue.clone()));
    let bus = Arc::new(MemoryEventBus::new());
    let data_dir = config
        .data_dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("imagegen-{}", Uuid::new_v4())));
    let images = Arc::new(LocalDiskImageStore::open(data_dir.join("images"))?);
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
    let fetcher = Arc::new(SafeImageFetcher::new(FetchPolicy {
        allow_private,
        ..FetchPolicy::default()
    })?);

    let webhook_base = format!(
        "{}/webhooks/replicate",
        public_base_url.as_str().trim_end_matches('/')
    );
    let handlers: Vec<Arc<dyn JobHandler>> = vec![
        Arc::new(SubmitGenerationHandler::new(
            store.clone(),
            provider,
            clock.clone(),
            webhook_base,
        )),
        Arc::new(ApplyProviderUpdateHandler::new(
            store.clone(),
            inbox.clone(),
            clock.clone(),
        )),
        Arc::new(StoreImagesHandler::new(
            store.clone(),
            fetcher,
            images.clone(),
            clock.clone(),
        )),
    ];
    let runner_config = RunnerConfig {
        concurrency: config.worker_concurrency,
        ..RunnerConfig::default()
    };
    let runner = JobRunner::new(queue, handlers, runner_config).with_clock(clock.clone());
    background.spawn(runner.run(shutdown.clone()));
    background.spawn(OutboxRelay::new(store.clone(), bus.clone()).run(shutdown.clone()));
    let hub = Hub::start(bus, shutdown.clone()).await?;

    let (jwt_secret, generated) = match &config.jwt_secret {
        Some(secret) => (secret.expose_secret().as_bytes().to_vec(), false),
        None => (random_bytes(32), true),
    };
    let tokens = JwtCodec::new(&jwt_secret);
    let dev_token = if generated {
        Some(tokens.dev_token()?)
    } else {
        None
    };

    let services = Services {
        create_generation: CreateGeneration::new(store.clone(), clock.clone(), provider_name),
        get_generation: GetGeneration::new(store.clone()),
        list_generations: ListGenerations::new(store.clone()),
        receive_webhook: ReceiveWebhook::new(inbox, clock.clone()),
        repository: store.clone(),
        event_store: store,
        hub,
        images,
        webhook_verifier: Verifier::new(secrets),
        tokens,
        clock,
        public_base_url,
        shutdown,
    };
    Ok(EmbeddedSystem {
        services: Arc::new(services),
        dev_token,
        simulator,
        background,
    })
}
