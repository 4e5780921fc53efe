//! Starting the api's system in the mode the configuration asks for: the state adapters
//! of the mode, the worker loops (unless the distributed mode leaves them to
//! `imagegen-worker`), the realtime hub, tokens and the use cases.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use imagegen_application::ports::{Clock, EventStore, Rate, SystemClock, WebhookReader};
use imagegen_application::use_cases::{
    Announce, CancelGeneration, CreateGeneration, CreationLimits, CreationPorts, GetGeneration,
    GetImage, ListGenerations, ManageDelivery, OperateQueues, ProviderUsage, ReceiveWebhook,
    TestProvider, WebhookIntake,
};
use imagegen_realtime::stream_cap::StreamCap;
use imagegen_realtime::{Hub, OpenStream, PresenceTracker};
use imagegen_simulator::Simulator;
use imagegen_storage::LocalDiskImageStore;
use imagegen_webhooks::{ProviderWebhooks, Verifier};
use secrecy::ExposeSecret;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::loops::{provider_identity, start_loops};
use crate::provider_setup::random_bytes;
use crate::{BootstrapError, Config, JwtCodec, Mode, Services};

/// A started system.
pub struct System {
    /// Embedded, durable or distributed.
    pub mode: Mode,
    /// What the api's routes call.
    pub services: Arc<Services>,
    /// The event store, for maintenance by hand (pruning past the retention) and tests;
    /// the routes reach it only through the use cases.
    pub event_store: Arc<dyn EventStore>,
    /// A token for a development user, when the JWT secret was generated.
    pub dev_token: Option<String>,
    /// The in-process simulator, when it is the provider.
    pub simulator: Option<(Simulator, SocketAddr)>,
    /// Where images are stored.
    pub images_dir: PathBuf,
    /// The data directory made for this run (the embedded mode without
    /// `IMAGEGEN_DATA_DIR`): removed at a clean shutdown.
    pub temporary_data_dir: Option<PathBuf>,
    /// The worker loops, relay and simulator; they stop when `shutdown` is cancelled.
    pub background: JoinSet<()>,
}

/// Starts the system for an api listening on `api_addr`.
///
/// # Errors
/// Configuration errors naming their variable (an unreachable `DATABASE_URL` among
/// them); adapter and bind errors.
pub async fn start_system(
    config: &Config,
    api_addr: SocketAddr,
    shutdown: CancellationToken,
) -> Result<System, BootstrapError> {
    // First, so that what the start records (the stream capacity...) is kept.
    if config.metrics.enabled {
        crate::metrics_export::install();
    }
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mode = config.mode();
    let state = crate::state::state_for(config, clock.clone()).await?;
    let public_base_url = match &config.public_base_url {
        Some(url) => url.clone(),
        None => Url::parse(&format!("http://{api_addr}")).map_err(|e| {
            BootstrapError::unusable("IMAGEGEN_PUBLIC_BASE_URL", "cannot make one", e)
        })?,
    };
    let data_dir = crate::durable::data_dir(config, mode);
    let temporary_data_dir =
        (config.data_dir.is_none() && mode == Mode::Embedded).then(|| data_dir.clone());
    let images_dir = data_dir.join("images");
    let images = Arc::new(LocalDiskImageStore::open(&images_dir)?);
    let mut background = JoinSet::new();
    // In the distributed mode the worker loops belong to `imagegen-worker`.
    let run_workers = mode != Mode::Distributed || config.workers.api_run_workers;
    let provider = if run_workers {
        start_loops(
            config,
            &state,
            &clock,
            images.clone(),
            &public_base_url,
            &shutdown,
            &mut background,
        )
        .await?
    } else {
        provider_identity(config).await?
    };
    let hub = Hub::start(state.bus.clone(), shutdown.clone())
        .await
        .map_err(|e| match mode {
            // Only the Redis bus can fail to subscribe: name its variable.
            Mode::Distributed => BootstrapError::unusable("REDIS_URL", "cannot subscribe", e),
            _ => e.into(),
        })?;

    let (jwt_secret, generated) = match &config.jwt_secret {
        Some(secret) => (secret.expose_secret().as_bytes().to_vec(), false),
        None => (random_bytes(32), true),
    };
    if generated && mode != Mode::Embedded {
        tracing::warn!(
            "IMAGEGEN_JWT_SECRET is unset: tokens issued now stop working at the next restart"
        );
    }
    let tokens = JwtCodec::new(&jwt_secret).with_max_lifetime(config.limits.token_max_lifetime);
    let dev_token = generated.then(|| tokens.dev_token()).transpose()?;
    let fallback = crate::fallback::fallback(config, &state, clock.clone());
    let services = Services {
        create_generation: CreateGeneration::new(
            CreationPorts {
                repository: state.repository.clone(),
                clock: clock.clone(),
                idempotency: state.idempotency.clone(),
                delivery: state.delivery.clone(),
                health: state.health.clone(),
                limits: CreationLimits {
                    limiter: state.limiter.clone(),
                    rate: Rate {
                        limit: config.limits.create_per_minute,
                        window: std::time::Duration::from_secs(60),
                    },
                    max_in_flight: config.limits.max_in_flight,
                },
            },
            config.enabled_providers(),
        )
        .with_private_callbacks(config.workers.callback_allow_private),
        get_generation: GetGeneration::new(state.repository.clone()),
        cancel_generation: CancelGeneration::new(state.repository.clone(), clock.clone()),
        list_generations: ListGenerations::new(state.repository.clone()),
        receive_webhook: ReceiveWebhook::new(WebhookIntake {
            inbox: state.inbox,
            clock: clock.clone(),
            readers: (provider.secrets.into_iter())
                .map(|(name, secrets)| {
                    Arc::new(ProviderWebhooks::new(name, Verifier::new(secrets)))
                        as Arc<dyn WebhookReader>
                })
                .collect(),
            limiter: state.limiter.clone(),
            rate: Rate {
                limit: config.limits.webhooks_per_minute,
                window: std::time::Duration::from_secs(60),
            },
            health: state.health.clone(),
        }),
        operate_queues: OperateQueues::new(state.admin, clock.clone())
            .with_outbox(state.outbox.clone()),
        provider_usage: ProviderUsage::new(state.provider_calls),
        test_provider: TestProvider::new(config.enabled_providers()),
        manage_delivery: ManageDelivery::new(state.delivery.clone(), state.checks.clone())
            .with_fallback(fallback),
        announce: Announce::new(state.bus.clone(), clock.clone()),
        open_stream: OpenStream::new(
            state.repository,
            state.events.clone(),
            hub.clone(),
            StreamCap::new(
                config.limits.max_streams,
                config.limits.max_streams_per_user,
            ),
        ),
        hub,
        presence: PresenceTracker::new(state.presence, state.bus.clone()),
        get_image: GetImage::new(images),
        tokens,
        public_base_url,
        shutdown,
    };
    let services = Arc::new(services);
    // The queues' completed counters, for the throughput `GET /admin/queues` shows.
    let throughput = std::time::Duration::from_secs(5);
    background.spawn(every(
        services.clone(),
        throughput,
        "queue throughput not sampled",
        |s| async move { s.operate_queues.sample_throughput().await },
    ));
    // The leaves of members whose instance died (their lease ran out).
    let sweep = imagegen_realtime::presence::PRESENCE_SWEEP_EVERY;
    background.spawn(every(
        services.clone(),
        sweep,
        "presence not swept",
        |s| async move { s.presence.sweep().await.map(drop) },
    ));
    Ok(System {
        mode,
        services,
        event_store: state.events,
        dev_token,
        simulator: provider.simulator,
        images_dir,
        temporary_data_dir,
        background,
    })
}

/// Runs `task` every `period` until shutdown; a failure is logged at debug as `what`
/// and the next tick tries again.
async fn every<F, Fut>(
    services: Arc<Services>,
    period: std::time::Duration,
    what: &'static str,
    task: F,
) where
    F: Fn(Arc<Services>) -> Fut,
    Fut: Future<Output = imagegen_application::Result<()>>,
{
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = services.shutdown.cancelled() => return,
            _ = ticks.tick() => {}
        }
        if let Err(error) = task(services.clone()).await {
            tracing::debug!(%error, "{what}");
        }
    }
}
