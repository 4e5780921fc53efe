//! The ports creating a generation and receiving webhooks need, in memory: for tests
//! and for embedding the use cases in a single process.

use std::sync::Arc;
use std::time::Duration;

use imagegen_application::ports::{Clock, GenerationRepository, Rate, WebhookInbox};
use imagegen_application::use_cases::{CreationLimits, CreationPorts, WebhookIntake};

use crate::{
    MemoryDeliveryPolicies, MemoryIdempotencyKeys, MemoryRateLimiter, MemoryWebhookHealth,
};

/// [`CreationPorts`] over `repository`: keys, the delivery policy (webhooks for
/// everyone) and the breaker in memory, and limits no test reaches (a million
/// creations a minute, a million in flight).
pub fn creation_ports(
    repository: Arc<dyn GenerationRepository>,
    clock: Arc<dyn Clock>,
) -> CreationPorts {
    CreationPorts {
        repository,
        clock,
        idempotency: Arc::new(MemoryIdempotencyKeys::default()),
        delivery: Arc::new(MemoryDeliveryPolicies::default()),
        health: Arc::new(MemoryWebhookHealth::default()),
        limits: CreationLimits {
            limiter: Arc::new(MemoryRateLimiter::new()),
            rate: Rate {
                limit: 1_000_000,
                window: Duration::from_secs(60),
            },
            max_in_flight: 1_000_000,
        },
    }
}

/// [`WebhookIntake`] over `inbox`: no webhook readers (deliveries are recorded
/// through `ReceiveWebhook::execute`), no rate reached, outcomes counted in memory.
pub fn webhook_intake(inbox: Arc<dyn WebhookInbox>, clock: Arc<dyn Clock>) -> WebhookIntake {
    WebhookIntake {
        inbox,
        clock,
        readers: Vec::new(),
        limiter: Arc::new(MemoryRateLimiter::new()),
        rate: Rate {
            limit: 1_000_000,
            window: Duration::from_secs(60),
        },
        health: Arc::new(MemoryWebhookHealth::default()),
    }
}
