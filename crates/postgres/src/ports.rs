//! One thin type per port over the shared [`PgStore`], so that each adapter says what
//! it is, and each caller holds only the port it uses. Each is a clone of the store's
//! handle: cheap, and over the same pool.

use crate::PgStore;
use crate::store::PgShared;

macro_rules! pg_port {
    ($(#[$doc:meta])* $name:ident, $accessor:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(PgStore);

        impl std::ops::Deref for $name {
            type Target = PgShared;
            fn deref(&self) -> &PgShared {
                &self.0
            }
        }

        impl PgStore {
            $(#[$doc])*
            pub fn $accessor(&self) -> $name {
                $name(self.clone())
            }
        }
    };
}

pg_port!(
    /// The `GenerationRepository`, `EventStore` and `OverdueGenerations`: a move, its
    /// events and its jobs in one transaction.
    PgGenerations,
    generations
);
pg_port!(
    /// The `WebhookInbox`: a delivery and its job in one transaction.
    PgInbox,
    inbox
);
pg_port!(
    /// The `JobQueue` and `QueueAdmin` (the durable mode's queue).
    PgJobQueue,
    job_queue
);
pg_port!(
    /// The `JobOutbox` (the distributed mode's jobs on their way to Redis).
    PgJobOutbox,
    job_outbox
);
pg_port!(
    /// The `IdempotencyKeys` of creates.
    PgIdempotencyKeys,
    idempotency_keys
);
pg_port!(
    /// The `Presence` of watchers on channels.
    PgPresence,
    presence
);
pg_port!(
    /// The `WebhookHealth`: outcomes and the automatic fallback's breaker.
    PgWebhookHealth,
    webhook_health
);
pg_port!(
    /// The `DeliveryPolicies` in force.
    PgDeliveryPolicies,
    delivery_policies
);
pg_port!(
    /// The `DeliveryChecks` of `dual` generations.
    PgDeliveryChecks,
    delivery_checks
);
pg_port!(
    /// The `ProviderCalls` counts.
    PgProviderCalls,
    provider_calls
);
