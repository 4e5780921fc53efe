//! The adapters that hold state, chosen from the configuration: memory (embedded),
//! Postgres (durable), or Postgres with a job outbox plus the Redis queue and bus
//! (distributed).

use std::sync::Arc;

use imagegen_application::ports::{
    Clock, DeliveryChecks, DeliveryPolicies, EventBus, EventStore, GenerationRepository,
    IdempotencyKeys, JobOutbox, JobQueue, OverdueGenerations, Presence, ProviderCalls, QueueAdmin,
    RateLimiter, WebhookHealth, WebhookInbox,
};
use imagegen_memory::{MemoryEventBus, MemoryRateLimiter};
use imagegen_postgres::PgEphemeralBus;
use imagegen_redis::{
    RedisConnections, RedisEventBus, RedisJobQueue, RedisOptions, RedisPresence, RedisRateLimiter,
};
use secrecy::ExposeSecret;

use crate::{BootstrapError, Config, Mode};

/// The stateful ports of one mode.
pub(crate) struct StateAdapters {
    pub repository: Arc<dyn GenerationRepository>,
    pub events: Arc<dyn EventStore>,
    pub queue: Arc<dyn JobQueue>,
    /// The same queue, operated (pause, dead letters).
    pub admin: Arc<dyn QueueAdmin>,
    pub inbox: Arc<dyn WebhookInbox>,
    /// Where saved jobs wait for the queue (distributed mode only).
    pub outbox: Option<Arc<dyn JobOutbox>>,
    pub bus: Arc<dyn EventBus>,
    /// Whether every instance shares the bus (then one stored relay checkpoint).
    pub shared_bus: bool,
    /// Rate limits: per process, or shared by every instance through Redis.
    pub limiter: Arc<dyn RateLimiter>,
    /// Presence: per process, or shared by every instance through Redis.
    pub presence: Arc<dyn Presence>,
    /// Generations whose webhook is overdue (the polling fallback).
    pub overdue: Arc<dyn OverdueGenerations>,
    /// `Idempotency-Key` on creation.
    pub idempotency: Arc<dyn IdempotencyKeys>,
    /// Provider calls by reason: per process, or in Postgres for every process.
    pub provider_calls: Arc<dyn ProviderCalls>,
    /// The delivery policy (the rollout): per process, or in Postgres.
    pub delivery: Arc<dyn DeliveryPolicies>,
    /// The dual mode's observations and mismatches: per process, or in Postgres.
    pub checks: Arc<dyn DeliveryChecks>,
    /// Webhook outcomes and the automatic fallback's breaker: per process, or Postgres.
    pub health: Arc<dyn WebhookHealth>,
}

/// The adapters of `config`'s mode.
pub(crate) async fn state_for(
    config: &Config,
    clock: Arc<dyn Clock>,
) -> Result<StateAdapters, BootstrapError> {
    match config.mode() {
        Mode::Embedded => Ok(crate::embedded::memory_state(clock)),
        Mode::Durable => {
            let store = crate::durable::connect(config, false)
                .await?
                .with_clock(clock.clone());
            // Events reach each instance through its own relay; broadcasts and
            // presence through the database.
            let bus = PgEphemeralBus::new(&store, Arc::new(MemoryEventBus::new()));
            let limiter = Arc::new(MemoryRateLimiter::with_clock(clock.clone()));
            let queue = Arc::new(store.job_queue());
            let jobs = JobsAndShared {
                queue: queue.clone(),
                admin: queue,
                outbox: None,
                bus: Arc::new(bus),
                shared_bus: false,
                presence: Arc::new(store.presence()),
                limiter,
            };
            Ok(on_postgres(store, jobs))
        }
        Mode::Distributed => {
            let store = crate::durable::connect(config, true)
                .await?
                .with_clock(clock.clone());
            let url = config
                .redis_url
                .as_ref()
                .ok_or_else(|| BootstrapError::config("REDIS_URL", "is not set"))?;
            let options = RedisOptions {
                prefix: config.redis_prefix.clone(),
                ..RedisOptions::default()
            };
            let redis_error = |e: imagegen_redis::RedisError| {
                BootstrapError::unusable("REDIS_URL", "cannot use Redis", e)
            };
            // One set of connections for every Redis adapter of the process.
            let redis =
                RedisConnections::new(url.expose_secret(), &options).map_err(redis_error)?;
            let queue = Arc::new(RedisJobQueue::on(&redis).with_clock(clock.clone()));
            let bus = RedisEventBus::on(&redis);
            let limiter = RedisRateLimiter::on(&redis);
            let presence = RedisPresence::on(&redis);
            let jobs = JobsAndShared {
                queue: queue.clone(),
                admin: queue,
                outbox: Some(Arc::new(store.job_outbox())),
                bus: Arc::new(bus),
                shared_bus: true,
                presence: Arc::new(presence),
                limiter: Arc::new(limiter.with_clock(clock)),
            };
            Ok(on_postgres(store, jobs))
        }
    }
}

/// What the durable and distributed modes hold apart from Postgres's own ports.
struct JobsAndShared {
    queue: Arc<dyn JobQueue>,
    admin: Arc<dyn QueueAdmin>,
    outbox: Option<Arc<dyn JobOutbox>>,
    bus: Arc<dyn EventBus>,
    shared_bus: bool,
    presence: Arc<dyn Presence>,
    limiter: Arc<dyn RateLimiter>,
}

/// The ports Postgres holds in both modes (one store: a move, its events and its jobs
/// commit together), beside `jobs`.
fn on_postgres(store: imagegen_postgres::PgStore, jobs: JobsAndShared) -> StateAdapters {
    let generations = Arc::new(store.generations());
    StateAdapters {
        overdue: generations.clone(),
        idempotency: Arc::new(store.idempotency_keys()),
        provider_calls: Arc::new(store.provider_calls()),
        delivery: Arc::new(store.delivery_policies()),
        checks: Arc::new(store.delivery_checks()),
        health: Arc::new(store.webhook_health()),
        repository: generations.clone(),
        events: generations,
        inbox: Arc::new(store.inbox()),
        queue: jobs.queue,
        admin: jobs.admin,
        outbox: jobs.outbox,
        bus: jobs.bus,
        shared_bus: jobs.shared_bus,
        presence: jobs.presence,
        limiter: jobs.limiter,
    }
}
