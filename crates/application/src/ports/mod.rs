//! Ports: the traits that adapters implement. Each is `Send + Sync`, used as
//! `Arc<dyn Port>`, and documents the errors an adapter must return.

mod clock;
mod delivery_checks;
mod delivery_policies;
mod event_bus;
mod event_store;
mod fetch_error;
mod generation_repository;
mod idempotency;
mod image_fetcher;
mod image_provider;
mod image_store;
mod job_outbox;
mod job_queue;
mod overdue;
mod presence;
mod provider_calls;
mod provider_error;
mod queue_admin;
mod queue_name;
mod rate_limiter;
mod store_error;
mod user_notifier;
mod webhook_health;
mod webhook_inbox;
mod webhook_reader;

pub use clock::{Clock, ManualClock, SystemClock};
pub use delivery_checks::{DeliveryChecks, Mismatch, MismatchKind, Observation, UpdateSource};
pub use delivery_policies::DeliveryPolicies;
pub use event_bus::{BusMessage, EventBus, EventSubscription};
pub use event_store::{EventStore, StoredEvent, StreamPosition};
pub use fetch_error::FetchError;
pub use generation_repository::{GenerationRepository, expected_version};
pub use idempotency::{IDEMPOTENCY_WINDOW_HOURS, IdempotencyKeys, KeyClaim};
pub use image_fetcher::{FetchedImage, ImageFetcher};
pub use image_provider::{ImageProvider, PredictionRequest, ProviderResult};
pub use image_store::{ImageBlob, ImageStore};
pub use job_outbox::JobOutbox;
pub use job_queue::{
    CompletedBatch, DeadLetter, EnqueueOutcome, FailOutcome, Job, JobQueue, NewJob, QueueStats,
};
pub use overdue::{
    MAX_POLL_BACKOFF_SECS, OverdueGeneration, OverdueGenerations, POLLED_EVERY_SECS, poll_backoff,
};
pub use presence::{Presence, PresenceMember};
pub use provider_calls::{CallCount, CallReason, ProviderCalls};
pub use provider_error::ProviderError;
pub use queue_admin::QueueAdmin;
pub use queue_name::{JobId, QueueName};
pub use rate_limiter::{Decision, Rate, RateLimiter};
pub use store_error::{StoreError, StoreResult};
pub use user_notifier::{Notice, UserNotifier};
pub use webhook_health::{WebhookHealth, WebhookOutcome};
pub use webhook_inbox::{DeliveryKey, InboxEntry, InboxState, WebhookDelivery, WebhookInbox};
pub use webhook_reader::{SignatureHeaders, WebhookContent, WebhookReader, WebhookRoute};

#[cfg(feature = "mock")]
pub use self::{
    generation_repository::MockGenerationRepository, image_fetcher::MockImageFetcher,
    image_provider::MockImageProvider, image_store::MockImageStore,
    user_notifier::MockUserNotifier,
};
