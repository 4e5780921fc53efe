//! The embedded mode's state: in-memory adapters, one process, nothing outside.

use std::sync::Arc;

use imagegen_application::ports::Clock;
use imagegen_memory::{
    MemoryDeliveryChecks, MemoryDeliveryPolicies, MemoryEventBus, MemoryGenerationStore,
    MemoryIdempotencyKeys, MemoryJobQueue, MemoryPresence, MemoryProviderCalls, MemoryRateLimiter,
    MemoryWebhookHealth, MemoryWebhookInbox,
};

use crate::state::StateAdapters;

/// Memory adapters that share one queue, so a save and its jobs are one step.
pub(crate) fn memory_state(clock: Arc<dyn Clock>) -> StateAdapters {
    let queue = Arc::new(MemoryJobQueue::with_clock(clock.clone()));
    let inbox = Arc::new(MemoryWebhookInbox::new(queue.clone()));
    let store = Arc::new(MemoryGenerationStore::new(queue.clone()).with_inbox(inbox.clone()));
    StateAdapters {
        overdue: store.clone(),
        idempotency: Arc::new(MemoryIdempotencyKeys::default()),
        provider_calls: Arc::new(MemoryProviderCalls::default()),
        delivery: Arc::new(MemoryDeliveryPolicies::default()),
        checks: Arc::new(MemoryDeliveryChecks::default()),
        health: Arc::new(MemoryWebhookHealth::default()),
        repository: store.clone(),
        events: store,
        inbox,
        admin: queue.clone(),
        queue,
        outbox: None,
        bus: Arc::new(MemoryEventBus::new()),
        shared_bus: false,
        presence: Arc::new(MemoryPresence::with_clock(clock.clone())),
        limiter: Arc::new(MemoryRateLimiter::with_clock(clock)),
    }
}
