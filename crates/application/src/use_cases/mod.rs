//! Use cases: one struct per action, holding its ports, with `execute`.

mod announce;
mod cancel_generation;
mod create_generation;
mod creation_limits;
mod get_generation;
mod get_image;
mod idempotent_create;
mod list_generations;
mod manage_delivery;
mod operate_queues;
mod provider_usage;
mod queue_throughput;
mod receive_delivery;
mod receive_webhook;
mod test_provider;
mod webhook_fallback;

pub use announce::{Announce, MAX_ANNOUNCEMENT_BYTES};
pub use cancel_generation::CancelGeneration;
pub use create_generation::{CreateGeneration, CreateGenerationCommand, CreationPorts};
pub use creation_limits::CreationLimits;
pub use get_generation::GetGeneration;
pub use get_image::GetImage;
pub use list_generations::{GenerationPage, ListGenerations};
pub use manage_delivery::ManageDelivery;
pub use operate_queues::{OperateQueues, QueueOverview};
pub use provider_usage::ProviderUsage;
pub use queue_throughput::{THROUGHPUT_WINDOW, ThroughputWindow};
pub use receive_delivery::{DeliveryRefused, RawDelivery};
pub use receive_webhook::{ReceiveWebhook, WebhookIntake, WebhookReceipt};
pub use test_provider::{TestProvider, WebhookTestReport};
pub use webhook_fallback::WebhookFallback;
