//! The composition root: typed configuration -> adapters -> use cases. The one place
//! that names concrete adapters; the binaries parse nothing else and call it.
//!
//! - [`config`]: environment variables read once into a typed [`Config`].
//! - [`embedded`]: the embedded mode (in-memory adapters, in-process worker loops and
//!   simulator, images on local disk).
//! - [`services`]: what the api needs, wired.
//! - [`tokens`]: HS256 bearer tokens.
//! - [`telemetry`]: the tracing subscriber.
//! - [`shutdown`]: SIGTERM and Ctrl-C as a cancellation.
#![forbid(unsafe_code)]

pub mod config;
pub mod embedded;
mod error;
mod provider_setup;
pub mod services;
pub mod shutdown;
pub mod telemetry;
pub mod tokens;

pub use config::{Config, ProviderChoice};
pub use embedded::{EmbeddedSystem, start_embedded};
pub use error::BootstrapError;
pub use services::Services;
pub use tokens::{Claims, JwtCodec, TokenError};
