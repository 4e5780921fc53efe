//! Schemas that the document names beside the wire types: the problem every refusal
//! answers with, and the delivery policy's shapes (read by the domain's own types).

use serde::Serialize;
use utoipa::ToSchema;

/// An RFC 9457 problem, as every refusal answers (`application/problem+json`).
#[derive(Serialize, ToSchema)]
pub struct Problem {
    /// `https://imagegen.dev/problems/{code}`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// The status's reason phrase.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// The stable, machine-readable code.
    pub code: ProblemCode,
    /// What was wrong, in words.
    pub detail: String,
}

/// Every `code` a problem carries. A schema only: each refusal writes its code where
/// it is made (`ApiError`).
#[allow(dead_code)]
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    InvalidPrompt,
    InvalidSettings,
    InvalidRequest,
    MalformedJson,
    MalformedQuery,
    MalformedWebhook,
    Unauthorized,
    InvalidSignature,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    UnsupportedMediaType,
    BodyTooLarge,
    UriTooLong,
    HeadersTooLarge,
    InvalidState,
    ConcurrentUpdate,
    RateLimited,
    Unavailable,
    NotAWebsocketUpgrade,
    ForbiddenOrigin,
}

/// How new generations learn of their moves.
#[allow(dead_code)]
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryModeDoc {
    Webhook,
    Polling,
    Dual,
}

/// The delivery policy, whole (`PUT /admin/delivery`, and every answer).
#[allow(dead_code)]
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryPolicyDoc {
    /// What users inside the percentage get.
    pub mode: DeliveryModeDoc,
    /// The share of users (a stable hash of their id) that get `mode`.
    #[schema(minimum = 0, maximum = 100)]
    pub percentage: u8,
    /// Per-user modes, by user id; they win over the rest.
    #[serde(default)]
    pub user_overrides: std::collections::BTreeMap<uuid::Uuid, DeliveryModeDoc>,
    /// Everyone's mode, when set (after user overrides).
    pub global_override: Option<DeliveryModeDoc>,
}

/// Changes to the delivery policy (`PATCH /admin/delivery`): what is left out stays.
#[allow(dead_code)]
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryPatchDoc {
    /// The new mode.
    pub mode: Option<DeliveryModeDoc>,
    /// The new percentage.
    #[schema(minimum = 0, maximum = 100)]
    pub percentage: Option<u8>,
    /// Per-user modes to set; `null` removes a user's override.
    #[serde(default)]
    pub user_overrides: std::collections::BTreeMap<uuid::Uuid, DeliveryModeDoc>,
    /// Everyone's mode; `null` clears it.
    pub global_override: Option<DeliveryModeDoc>,
}
