//! The worker's loops as a library, so that the `worker` binary and the embedded api
//! run the same code.
//!
//! - [`job_runner`]: reserves jobs, runs their handlers, settles them (complete, retry
//!   with backoff, dead-letter), with a concurrency limit and graceful shutdown.
//! - [`relay`]: publishes committed events, in commit order, to the realtime bus.
//! - [`dispatcher`]: moves jobs from the Postgres outbox to the Redis queue
//!   (distributed mode).
//! - [`reconciler`]: the polling fallback for generations whose webhook is overdue.
//! - [`schedule`]: jobs queued at a fixed interval (cleanup).
//! - [`backoff`]: retry delays with jitter.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod backoff;
pub mod dispatcher;
pub mod job_runner;
pub mod reconciler;
pub mod relay;
pub mod schedule;

pub use dispatcher::OutboxDispatcher;

pub(crate) use imagegen_application::lock;
pub use job_runner::{JobOutcome, JobRunner, RunnerConfig};
pub use reconciler::{Reconciler, ReconcilerConfig};
pub use relay::EventRelay;
