//! The JSON shapes of the API: `GenerationIn` in, `GenerationOut` out.

use chrono::{DateTime, Utc};
use imagegen_domain::{FailureReason, Generation, SettingsInput};
use serde::{Deserialize, Serialize};
use url::Url;

/// `POST /v1/generations` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerationIn {
    pub prompt: String,
    #[serde(default)]
    pub settings: SettingsIn,
}

/// The settings as a user sends them: everything optional, nothing unknown (a misspelt
/// setting is an error, not silently ignored). The wire's own type, so the domain's
/// can change without changing the API.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsIn {
    pub model: Option<String>,
    pub size: Option<String>,
    pub count: Option<u8>,
    pub seed: Option<u64>,
    pub negative_prompt: Option<String>,
    pub callback_url: Option<String>,
    pub deadline_seconds: Option<u32>,
    pub deployment: Option<String>,
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
#[derive(Debug, Serialize)]
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
#[derive(Debug, Serialize)]
pub struct ImageOut {
    pub id: String,
    pub url: String,
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

/// The settings as applied, defaults included.
#[derive(Debug, Serialize)]
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
#[derive(Debug, Serialize)]
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
#[derive(Debug, Serialize)]
pub struct GenerationPageOut {
    pub items: Vec<GenerationOut>,
    /// Pass as `before` for the next page.
    pub next_cursor: Option<String>,
}
