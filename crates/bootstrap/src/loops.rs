//! The worker loops, for whichever process runs them (the api in the embedded and
//! durable modes, `imagegen-worker` in the distributed mode): the provider, the job
//! handlers and runner, the outbox dispatcher, and the relay.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use imagegen_application::jobs::{Cleanup, JobPayload, NotifyUserHandler};
use imagegen_application::ports::{CallReason, Clock};
use imagegen_application::{CountedProvider, Providers};
use imagegen_domain::ProviderName;
use imagegen_runtime::{
    EventRelay, JobRunner, OutboxDispatcher, Reconciler, ReconcilerConfig, RunnerConfig, schedule,
};
use imagegen_simulator::Simulator;
use imagegen_storage::{CallbackSender, LocalDiskImageStore};
use imagegen_webhooks::WebhookSecret;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::provider_setup::{ProviderSetup, start_provider};
use crate::state::StateAdapters;
use crate::{BootstrapError, Config};

/// What the api needs of the providers: how to verify their webhooks.
pub(crate) struct ProviderIdentity {
    /// The secrets that verify each provider's webhooks.
    pub secrets: Vec<(ProviderName, Vec<WebhookSecret>)>,
    pub simulator: Option<(Simulator, SocketAddr)>,
}

/// Starts the provider and the loops; they join `background` and stop with `shutdown`.
pub(crate) async fn start_loops(
    config: &Config,
    state: &StateAdapters,
    clock: &Arc<dyn Clock>,
    images: Arc<LocalDiskImageStore>,
    public_base_url: &Url,
    shutdown: &CancellationToken,
    background: &mut JoinSet<()>,
) -> Result<ProviderIdentity, BootstrapError> {
    // Every call counted by reason; the reads webhook events ask for apart from polls.
    let (mut providers, mut event_readers) = (Providers::none(), Providers::none());
    let (mut secrets, mut simulator, mut openai, mut allow_private) =
        (Vec::new(), None, None, false);
    for choice in config.providers() {
        let setup: ProviderSetup = start_provider(choice, shutdown, background).await?;
        let counted =
            |provider| CountedProvider::new(provider, setup.name, state.provider_calls.clone());
        let reader = counted(setup.provider.clone()).counting_fetches_as(CallReason::Event);
        event_readers = event_readers.with(setup.name, Arc::new(reader));
        providers = providers.with(setup.name, Arc::new(counted(setup.provider)));
        secrets.push((setup.name, setup.secrets));
        allow_private |= setup.allow_private;
        simulator = simulator.or(setup.simulator);
        openai = openai.or(setup.openai);
    }
    let allow_private = config.fetch_allow_private.unwrap_or(allow_private);
    if allow_private && simulator.is_none() {
        tracing::warn!(
            "IMAGEGEN_FETCH_ALLOW_PRIVATE=true: provider outputs may be fetched from private addresses; never in production"
        );
    }
    // Each provider's webhooks have a route of their own, verified with its secrets.
    let webhook_base = format!(
        "{}/webhooks",
        public_base_url.as_str().trim_end_matches('/')
    );
    // The polling fallback, for generations whose webhook is overdue.
    let reconcile_after = config.workers.reconcile_after;
    let reconciler = Reconciler::new(
        state.overdue.clone(),
        providers.clone(),
        state.queue.clone(),
        clock.clone(),
        ReconcilerConfig {
            overdue_after: reconcile_after,
            // At least every second: polled delivery modes are due every 2 s.
            every: (reconcile_after / 4).clamp(Duration::from_millis(250), Duration::from_secs(1)),
            batch: 100,
            generation_timeout: config.workers.generation_timeout,
        },
    )
    .with_health(state.health.clone());
    background.spawn(reconciler.run(shutdown.clone()));
    // The automatic fallback: webhooks failing move new generations to polling.
    let fallback = crate::fallback::fallback(config, state, clock.clone());
    background.spawn(crate::fallback::run(fallback, shutdown.clone()));
    let inputs = crate::handlers::HandlerInputs {
        providers,
        event_readers,
        allow_private,
        openai,
        images,
        webhook_base,
    };
    let mut handlers = crate::handlers::handlers(state, inputs, clock)?;
    let callback_secret = config.workers.callback_secret.clone();
    if callback_secret.is_none() {
        tracing::warn!("IMAGEGEN_CALLBACK_SECRET is not set: notices to callback URLs go unsigned");
    }
    handlers.push(Arc::new(NotifyUserHandler::new(
        state.repository.clone(),
        Arc::new(CallbackSender::new(
            callback_secret,
            config.workers.callback_allow_private,
        )?),
        public_base_url.as_str(),
    )));
    let runner_config = RunnerConfig {
        concurrency: config.workers.concurrency,
        per_queue: config.workers.per_queue.clone(),
        lease: config.workers.job_lease,
        read_ahead: config.workers.read_ahead,
        ..RunnerConfig::default()
    };
    // Old webhook deliveries and old events are deleted once an hour.
    let cleanup = Cleanup {
        inbox_retention_days: config.workers.inbox_retention_days,
        event_retention_days: Some(config.workers.event_retention_days),
    };
    background.spawn(schedule::every(
        state.queue.clone(),
        cleanup.to_job()?,
        std::time::Duration::from_secs(3600),
        shutdown.clone(),
    ));
    // Follows the concurrency per queue that admins set (`PUT /admin/queues/{name}/concurrency`).
    let runner = JobRunner::new(state.queue.clone(), handlers, runner_config)
        .with_clock(clock.clone())
        .with_admin(state.admin.clone());
    background.spawn(runner.run(shutdown.clone()));
    if let Some(outbox) = &state.outbox {
        background.spawn(
            OutboxDispatcher::new(outbox.clone(), state.queue.clone()).run(shutdown.clone()),
        );
    }
    // A shared bus has one relay checkpoint in the store (several relays publish the
    // same events at worst, and sessions drop positions they already sent); a bus of
    // this process gets a relay of its own, from the latest position.
    let relay = if state.shared_bus {
        EventRelay::new(state.events.clone(), state.bus.clone())
    } else {
        EventRelay::for_this_process(state.events.clone(), state.bus.clone()).await?
    };
    background.spawn(relay.run(shutdown.clone()));
    Ok(ProviderIdentity { secrets, simulator })
}

/// The providers as the api knows them when the loops run in other processes.
///
/// # Errors
/// `IMAGEGEN_WEBHOOK_SECRETS` when the simulator is the provider and no secret is set:
/// the workers' simulator signs its webhooks with it.
pub(crate) async fn provider_identity(config: &Config) -> Result<ProviderIdentity, BootstrapError> {
    let mut all = Vec::new();
    for choice in config.providers() {
        let secrets = match choice {
            crate::ProviderChoice::Simulator {
                webhook_secrets, ..
            }
            | crate::ProviderChoice::OpenAi {
                webhook_secrets, ..
            } => webhook_secrets.clone(),
            crate::ProviderChoice::Replicate {
                base_url,
                api_token,
                webhook_secrets,
                ..
            } => {
                crate::provider_setup::replicate_secrets(base_url, api_token, webhook_secrets)
                    .await?
            }
        };
        if secrets.is_empty() {
            return Err(BootstrapError::config(
                "IMAGEGEN_WEBHOOK_SECRETS",
                "must be set when the workers run in other processes (they sign or receive webhooks with it)",
            ));
        }
        all.push((choice.name(), secrets));
    }
    Ok(ProviderIdentity {
        secrets: all,
        simulator: None,
    })
}
