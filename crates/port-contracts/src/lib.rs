//! Contract test suites, written once per port and run against every adapter of it:
//! the in-memory, Postgres and Redis adapters (each adapter crate's tests invoke the
//! suites of the ports it implements). Each function is
//! one rule; an adapter's test binary runs every rule with a fresh adapter through the
//! suite macros (`generation_store_tests!`, `job_queue_tests!`, ...).
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod delivery_checks;
pub mod delivery_policies;
pub mod event_bus;
pub mod event_retention;
pub mod generation_jobs;
pub mod generation_store;
pub mod idempotency;
pub mod image_provider;
pub mod image_store;
pub mod job_queue;
pub mod job_queue_next;
pub mod overdue;
pub mod presence;
pub mod processed_moves;
pub mod provider_calls;
pub mod queue_admin;
pub mod rate_limiter;
pub mod webhook_health;
pub mod webhook_inbox;

pub mod fixtures;
mod inbox_suites;
mod suites;
