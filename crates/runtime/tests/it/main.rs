//! The worker loops against in-memory adapters, with a mocked provider.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod concurrency;
mod failures;
mod flow;
mod heartbeat;
mod read_ahead;
mod relay;
mod runner;
mod starvation;
