//! What the api needs, wired to adapters.

use std::sync::Arc;

use imagegen_application::ports::{
    Clock, EventStore, GenerationRepository, ImageStore, WebhookHealth,
};
use imagegen_application::use_cases::{
    Announce, CancelGeneration, CreateGeneration, GetGeneration, ListGenerations, ManageDelivery,
    OperateQueues, ProviderUsage, ReceiveWebhook, TestProvider,
};
use imagegen_realtime::{Hub, PresenceTracker};
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::JwtCodec;

/// The api's dependencies.
pub struct Services {
    /// `POST /v1/generations`.
    pub create_generation: CreateGeneration,
    /// `GET /v1/generations/{id}`.
    pub get_generation: GetGeneration,
    /// `POST /v1/generations/{id}/cancel`.
    pub cancel_generation: CancelGeneration,
    /// `GET /v1/generations`.
    pub list_generations: ListGenerations,
    /// `POST /webhooks/...`: limit, verify, read, record, count.
    pub receive_webhook: ReceiveWebhook,
    /// The admin api's queue operations.
    pub operate_queues: OperateQueues,
    /// The admin api's provider call counts.
    pub provider_usage: ProviderUsage,
    /// A webhook round trip through the provider in use.
    pub test_provider: TestProvider,
    /// The admin api's delivery policy, breaker and dual-mode mismatches.
    pub manage_delivery: ManageDelivery,
    /// Webhook outcomes, for the automatic fallback.
    pub webhook_health: Arc<dyn WebhookHealth>,
    /// The admin api's system broadcasts.
    pub announce: Announce,
    /// For channel authorization.
    pub repository: Arc<dyn GenerationRepository>,
    /// For SSE resume.
    pub event_store: Arc<dyn EventStore>,
    /// This instance's one bus subscription, fanned out to its streams.
    pub hub: Arc<Hub>,
    /// Who watches which generation and organization channels.
    pub presence: PresenceTracker,
    /// The stored images `GET /images/...` serves.
    pub images: Arc<dyn ImageStore>,
    /// Verifies bearer tokens (and mints the development one).
    pub tokens: JwtCodec,
    /// Now, for token expiry and the like.
    pub clock: Arc<dyn Clock>,
    /// Where the api is reachable; image URLs start with it.
    pub public_base_url: Url,
    /// Cancelled at shutdown: long-lived streams end with it, so draining can finish.
    pub shutdown: CancellationToken,
    /// One permit per open event stream, in all and per user.
    pub streams: Arc<crate::stream_cap::StreamCap>,
}
