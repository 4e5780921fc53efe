//! What the api needs, wired to adapters.

use std::sync::Arc;

use imagegen_application::use_cases::{
    Announce, CancelGeneration, CreateGeneration, GetGeneration, GetImage, ListGenerations,
    ManageDelivery, OperateQueues, ProviderUsage, ReceiveWebhook, TestProvider,
};
use imagegen_realtime::{Hub, OpenStream, PresenceTracker};
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
    /// The admin api's system broadcasts.
    pub announce: Announce,
    /// Event streams of every kind: channels, caps, resume point, session; and the
    /// poll page.
    pub open_stream: OpenStream,
    /// This instance's one bus subscription, fanned out to its streams.
    pub hub: Arc<Hub>,
    /// Who watches which generation and organization channels.
    pub presence: PresenceTracker,
    /// The stored images `GET /images/...` serves.
    pub get_image: GetImage,
    /// Verifies bearer tokens (and mints the development one).
    pub tokens: JwtCodec,
    /// Where the api is reachable; image URLs start with it.
    pub public_base_url: Url,
    /// Cancelled at shutdown: long-lived streams end with it, so draining can finish.
    pub shutdown: CancellationToken,
}
