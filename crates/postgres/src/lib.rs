//! Postgres adapters for imagegen: the durable state of the durable and distributed
//! modes. One [`PgStore`] holds the pool; each port has a thin type over it
//! ([`PgGenerations`], [`PgInbox`], [`PgJobQueue`]...), so that a move, its events, its
//! jobs and the delivery that caused it are written in one transaction.
//!
//! # Layout
//!
//! - [`connect`](PgStore::connect): pool, timeouts, migrations, the notification listener.
//! - `ports`: the thin type of each port over the store.
//! - `generations`: `GenerationRepository` (optimistic concurrency on `version`).
//! - `rows`: a row to a checked `Generation` (through `Generation::restore`).
//! - `events`: `EventStore`; stream positions in commit order (the append lock).
//! - `jobs`, `reserve` and `job_rows`: `JobQueue` with `FOR UPDATE SKIP LOCKED`, leases,
//!   retries and dead letters; `insert_job` writes a job inside a caller's transaction.
//! - `inbox`: `WebhookInbox`, a delivery and its job in one transaction.
//! - `admin`: `QueueAdmin` (pause, resume, dead letters and their retry).
//! - `outbox`: `JobOutbox`, the jobs of the distributed mode on their way to Redis.
//! - `wakeups`: `LISTEN/NOTIFY` on a dedicated connection that wakes waiting
//!   `reserve` and `wait_for_events` calls; polling is only the backstop.
//! - `presence`: `Presence` (one row per member and channel, with its lease's end).
//! - `bus`: `PgEphemeralBus`, the durable mode's bus: ephemeral messages by `NOTIFY`.
//! - `error`: this crate's error, and how sqlx errors become port errors.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod admin;
mod bus;
mod delivery_checks;
mod delivery_policy;
mod error;
mod events;
mod generation_columns;
mod generations;
mod idempotency;
mod inbox;
mod job_rows;
mod jobs;
mod jsonb;
mod outbox;
mod overdue;
mod ports;
mod presence;
mod provider_calls;
mod reserve;
mod retention;
mod rows;
mod store;
mod transaction;
mod wakeups;
mod webhook_health;

pub use bus::{MAX_EPHEMERAL_BYTES, PgEphemeralBus};
pub use error::PostgresError;
pub use outbox::JobDestination;
pub use ports::{
    PgDeliveryChecks, PgDeliveryPolicies, PgGenerations, PgIdempotencyKeys, PgInbox, PgJobOutbox,
    PgJobQueue, PgPresence, PgProviderCalls, PgWebhookHealth,
};
/// The sqlx this crate is built with (the pool type of [`PgStore::pool`]).
pub use sqlx;
pub use store::{PgOptions, PgShared, PgStore};

/// The migrations in the repository's `migrations/` directory.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");
