//! The imagegen application layer: ports (traits the adapters implement), use cases,
//! and job handlers. Depends on the domain only.
//!
//! # Layout
//!
//! - [`ports`]: one trait per outside dependency (store, queue, provider, bus...).
//! - [`use_cases`]: one struct per user-facing action, each with `execute`.
//! - [`job_payloads`]: what each queue carries (use cases and handlers both queue jobs).
//! - [`unit_of_work`]: load, move, save: the one way a generation changes.
//! - [`jobs`]: the idempotent handlers of the queued jobs.
//! - [`caller`]: who is asking, and what they may read.
//! - [`channel`]: what a realtime client watches.
//! - [`error`]: the crate's one error type.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod caller;
pub mod capped;
pub mod channel;
pub mod counted_provider;
pub mod dual_check;
pub mod error;
pub mod job_payloads;
pub mod jobs;
pub mod lock;
pub mod metric_names;
pub mod ports;
pub mod providers;
pub mod trace_context;
pub mod unit_of_work;
pub mod use_cases;

pub use caller::{Caller, Role};
pub use capped::capped;
pub use channel::{Channel, ChannelParseError};
pub use counted_provider::CountedProvider;
pub use error::{Error, Result};
pub use lock::lock;
pub use providers::{EnabledProviders, Providers};
