//! The composition root: typed configuration -> adapters -> use cases. The one place
//! that names concrete adapters; the binaries parse nothing else and call it.
//!
//! - [`config`]: environment variables read once into a typed [`Config`].
//! - [`system`]: starting the system in the configured mode, wiring shared by all.
//! - `embedded`: the embedded mode's state (in-memory adapters).
//! - [`durable`]: the durable mode's state (Postgres, `DATABASE_URL`).
//! - [`services`]: what the api needs, wired.
//! - [`tokens`]: HS256 bearer tokens.
//! - [`telemetry`]: the tracing subscriber.
//! - [`shutdown`]: SIGTERM and Ctrl-C as a cancellation.
#![forbid(unsafe_code)]

pub mod config;
pub mod durable;
mod embedded;
mod error;
mod provider_setup;
pub mod services;
pub mod shutdown;
pub mod system;
pub mod telemetry;
pub mod tokens;

pub use config::{Config, Mode, ProviderChoice};
pub use error::BootstrapError;
pub use services::Services;
pub use system::{System, start_system};
pub use tokens::{Claims, JwtCodec, TokenError};
