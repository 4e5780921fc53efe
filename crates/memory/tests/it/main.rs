//! The port contract suites, run against the in-memory adapters.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use imagegen_memory::*;
use imagegen_port_contracts as contract;

fn store() -> (Arc<MemoryGenerationStore>, Arc<MemoryJobQueue>) {
    let queue = Arc::new(MemoryJobQueue::new());
    (Arc::new(MemoryGenerationStore::new(queue.clone())), queue)
}

fn inbox() -> (Arc<MemoryWebhookInbox>, Arc<MemoryJobQueue>) {
    let queue = Arc::new(MemoryJobQueue::new());
    (Arc::new(MemoryWebhookInbox::new(queue.clone())), queue)
}

/// A store wired to mark deliveries in the inbox beside it.
fn store_and_inbox() -> (Arc<MemoryGenerationStore>, Arc<MemoryWebhookInbox>) {
    let queue = Arc::new(MemoryJobQueue::new());
    let inbox = Arc::new(MemoryWebhookInbox::new(queue.clone()));
    let store = MemoryGenerationStore::new(queue).with_inbox(inbox.clone());
    (Arc::new(store), inbox)
}

contract::generation_store_tests!(store());
contract::processed_moves_tests!(store_and_inbox());
contract::queue_admin_tests!(Arc::new(MemoryJobQueue::new()));
contract::job_queue_tests!(Arc::new(MemoryJobQueue::new()));
contract::webhook_inbox_tests!(inbox());
contract::event_bus_tests!(Arc::new(MemoryEventBus::new()));
contract::presence_tests!(Arc::new(imagegen_memory::MemoryPresence::default()));
contract::idempotency_tests!(Arc::new(imagegen_memory::MemoryIdempotencyKeys::default()));
contract::rate_limiter_tests!(limiter());
contract::webhook_health_tests!(Arc::new(imagegen_memory::MemoryWebhookHealth::default()));
contract::delivery_checks_tests!(Arc::new(imagegen_memory::MemoryDeliveryChecks::default()));
contract::delivery_policies_tests!(Arc::new(imagegen_memory::MemoryDeliveryPolicies::default()));
contract::provider_calls_tests!(Arc::new(imagegen_memory::MemoryProviderCalls::default()));

fn limiter() -> (
    Arc<MemoryRateLimiter>,
    Arc<imagegen_application::ports::ManualClock>,
) {
    let clock = Arc::new(imagegen_application::ports::ManualClock::new(
        chrono::Utc::now(),
    ));
    (
        Arc::new(MemoryRateLimiter::with_clock(clock.clone())),
        clock,
    )
}

mod image_store {
    use super::*;

    #[tokio::test]
    async fn a_stored_image_reads_back() {
        contract::image_store::a_stored_image_reads_back(&MemoryImageStore::new()).await;
    }

    #[tokio::test]
    async fn an_unknown_image_is_none() {
        contract::image_store::an_unknown_image_is_none(&MemoryImageStore::new()).await;
    }

    #[tokio::test]
    async fn putting_again_replaces() {
        contract::image_store::putting_again_replaces(&MemoryImageStore::new()).await;
    }
}
