//! The JSON shapes of the API: `GenerationIn` in, `GenerationOut` out.

use chrono::{DateTime, Utc};
use imagegen_domain::{FailureReason, Generation, SettingsInput};
use serde::{Deserialize, Serialize};
use url::Url;
use utoipa::ToSchema;

/// `POST /v1/generations` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GenerationIn {
    /// What to make: 1 to 2,000 characters, not only spaces, no NUL.
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"^[^\x00]*[^\s\x00][^\x00]*$"
    )]
    pub prompt: String,
    #[serde(default)]
    pub settings: SettingsIn,
}

/// The settings as a user sends them: everything optional, nothing unknown (a misspelt
/// setting is an error, not silently ignored). The wire's own type, so the domain's
/// can change without changing the API.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsIn {
    /// `owner/name` or `owner/name:<64 hex digits>` (not with `deployment`).
    #[schema(
        max_length = 200,
        pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*(:[0-9a-f]{64})?$"
    )]
    pub model: Option<String>,
    /// `WIDTHxHEIGHT`, each edge 64 to 2048.
    #[schema(
        pattern = r"^(6[4-9]|[7-9][0-9]|[1-9][0-9]{2}|1[0-9]{3}|20[0-3][0-9]|204[0-8])x(6[4-9]|[7-9][0-9]|[1-9][0-9]{2}|1[0-9]{3}|20[0-3][0-9]|204[0-8])$"
    )]
    pub size: Option<String>,
    /// How many images.
    #[schema(minimum = 1, maximum = 4)]
    pub count: Option<u8>,
    /// A fixed seed, for the same image again.
    pub seed: Option<u64>,
    /// What the image should not show: at most 2,000 characters, no NUL.
    #[schema(max_length = 2000, pattern = r"^[^\x00]*$")]
    pub negative_prompt: Option<String>,
    /// Where a signed notice goes when the generation ends: an http(s) URL of a public
    /// host, at most 2,048 bytes.
    #[schema(
        max_length = 2048,
        pattern = r"^https?://[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+(/[A-Za-z0-9._~-]*)*$"
    )]
    pub callback_url: Option<String>,
    /// Seconds after which the provider stops it.
    #[schema(minimum = 5, maximum = 86400)]
    pub deadline_seconds: Option<u32>,
    /// `owner/name` of a Replicate deployment to run it on (not with `model`).
    #[schema(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")]
    pub deployment: Option<String>,
    /// One of the providers this api enables (the document lists them).
    pub provider: Option<String>,
}

impl From<SettingsIn> for SettingsInput {
    fn from(wire: SettingsIn) -> Self {
        Self {
            model: wire.model,
            size: wire.size,
            count: wire.count,
            seed: wire.seed,
            negative_prompt: wire.negative_prompt,
            callback_url: wire.callback_url,
            deadline_seconds: wire.deadline_seconds,
            deployment: wire.deployment,
            provider: wire.provider,
        }
    }
}

/// Why a generation failed: a stable code, our words, and whether trying again may
/// help.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorOut {
    pub code: &'static str,
    pub message: String,
    pub retryable: bool,
}

impl From<&FailureReason> for ErrorOut {
    fn from(reason: &FailureReason) -> Self {
        Self {
            code: reason.code.as_str(),
            message: reason.message.clone(),
            retryable: reason.retryable,
        }
    }
}

/// One stored image.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImageOut {
    pub id: String,
    pub url: String,
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

/// The settings as applied, defaults included.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsOut {
    pub model: String,
    pub size: String,
    pub count: u8,
    pub seed: Option<u64>,
    pub negative_prompt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline_seconds: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment: Option<String>,
}

/// A generation as clients see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct GenerationOut {
    pub id: String,
    pub status: String,
    pub progress: u8,
    pub prompt: String,
    pub settings: SettingsOut,
    pub provider: String,
    pub external_id: Option<String>,
    /// `webhook`, `polling` or `dual`.
    pub delivery_mode: &'static str,
    pub images: Vec<ImageOut>,
    pub error: Option<ErrorOut>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

impl GenerationOut {
    pub fn new(generation: &Generation, base: &Url) -> Self {
        let base = base.as_str().trim_end_matches('/');
        let settings = generation.settings();
        Self {
            id: generation.id().to_string(),
            status: generation.status().to_string(),
            progress: generation.progress(),
            prompt: generation.prompt().as_str().to_owned(),
            settings: SettingsOut {
                model: settings.model().to_owned(),
                size: settings.size().to_string(),
                count: settings.count(),
                seed: settings.seed(),
                negative_prompt: settings.negative_prompt().map(str::to_owned),
                callback_url: settings.callback_url().map(ToString::to_string),
                deadline_seconds: settings.deadline_seconds(),
                deployment: settings.deployment().map(str::to_owned),
            },
            provider: generation.provider().to_string(),
            external_id: generation.external_id().map(ToString::to_string),
            delivery_mode: generation.delivery_mode().as_str(),
            images: generation
                .outputs()
                .iter()
                .map(|image| ImageOut {
                    id: image.id.to_string(),
                    url: format!("{base}/v1/images/{}", image.id),
                    content_type: image.content_type.clone(),
                    width: image.width,
                    height: image.height,
                    bytes: image.bytes,
                })
                .collect(),
            error: generation.error().map(ErrorOut::from),
            created_at: generation.created_at(),
            started_at: generation.started_at(),
            completed_at: generation.completed_at(),
            updated_at: generation.updated_at(),
            version: generation.version(),
        }
    }
}

/// A page of generations.
#[derive(Debug, Serialize, ToSchema)]
pub struct GenerationPageOut {
    pub items: Vec<GenerationOut>,
    /// Pass as `before` for the next page.
    pub next_cursor: Option<String>,
}
