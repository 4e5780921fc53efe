//! The composition root: typed configuration -> adapters -> use cases. The one place
//! that names concrete adapters; the binaries parse nothing else and call it.
//!
//! - [`config`]: environment variables read once into a typed [`Config`].
//! - `state`: the stateful adapters of each mode (memory; Postgres; Postgres with a job
//!   outbox, the Redis queue and the Redis bus).
//! - `loops`: the worker loops (provider, job runner, outbox dispatcher, relay).
//! - [`system`]: the api's system in the configured mode.
//! - [`worker`]: `imagegen-worker`'s loops (distributed mode).
//! - `embedded`: in-memory adapters; [`durable`]: connecting to Postgres.
//! - [`services`]: what the api needs, wired.
//! - [`tokens`]: HS256 bearer tokens.
//! - [`telemetry`]: the tracing subscriber.
//! - [`shutdown`]: SIGTERM and Ctrl-C as a cancellation.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod config;
pub mod durable;
mod embedded;
mod error;
mod fallback;
mod handlers;
mod loops;
pub mod metrics_export;
mod provider_setup;
pub mod readiness;
pub mod services;
pub mod shutdown;
mod state;
pub mod system;
pub mod telemetry;
pub mod tokens;
pub mod traces;
pub mod worker;

pub use config::{Config, Mode, ProviderChoice};
pub use error::BootstrapError;
/// The in-process simulator a [`System`] may run (its stats, for tests and tools).
pub use imagegen_simulator::Simulator;
pub use services::Services;
pub use system::{System, start_system};
pub use tokens::{Claims, JwtCodec, TokenError};
