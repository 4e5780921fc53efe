//! The imagegen application layer: ports (traits the adapters implement), use cases,
//! and job handlers. Depends on the domain only.
//!
//! # Layout
//!
//! - [`ports`]: one trait per outside dependency (store, queue, provider, bus...).
//! - [`use_cases`]: one struct per user-facing action, each with `execute`.
//! - [`jobs`]: the queued jobs and their idempotent handlers.
//! - [`caller`]: who is asking, and what they may read.
//! - [`channel`]: what a realtime client watches.
//! - [`error`]: the crate's one error type.
#![forbid(unsafe_code)]

pub mod caller;
pub mod capped;
pub mod channel;
pub mod counted_provider;
pub mod dual_check;
pub mod error;
pub mod jobs;
pub mod lock;
pub mod ports;
pub mod providers;
pub mod use_cases;

pub use caller::{Caller, Role};
pub use capped::capped;
pub use channel::{Channel, ChannelParseError};
pub use counted_provider::CountedProvider;
pub use error::{Error, Result};
pub use lock::lock;
pub use providers::{EnabledProviders, Providers};
