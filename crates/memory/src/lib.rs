//! In-memory adapters for every imagegen port: the embedded mode and fast tests.
//! They keep the semantics the Postgres and Redis adapters promise (atomic saves,
//! optimistic concurrency, leases, idempotent enqueue) within one process.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod creation;
mod delivery_checks;
mod delivery_policies;
mod event_bus;
mod generation_saves;
mod generation_store;
mod idempotency;
mod image_store;
mod job_queue;
mod overdue;
mod presence;
mod provider_calls;
mod rate_limiter;
mod webhook_health;
mod webhook_inbox;

pub use creation::{creation_ports, webhook_intake};
pub use delivery_checks::MemoryDeliveryChecks;
pub use delivery_policies::MemoryDeliveryPolicies;
pub use event_bus::MemoryEventBus;
pub use generation_store::MemoryGenerationStore;
pub use idempotency::MemoryIdempotencyKeys;
pub use image_store::MemoryImageStore;
pub use job_queue::MemoryJobQueue;
pub use presence::MemoryPresence;
pub use provider_calls::MemoryProviderCalls;
pub use rate_limiter::MemoryRateLimiter;
pub use webhook_health::MemoryWebhookHealth;
pub use webhook_inbox::MemoryWebhookInbox;

pub(crate) use imagegen_application::lock;
