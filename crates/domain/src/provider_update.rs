//! What a provider tells us about a prediction, normalized across providers.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ExternalId;

/// Who makes the images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderName {
    /// Replicate's predictions API.
    Replicate,
    /// OpenAI's Responses API (background image generation).
    #[serde(rename = "openai")]
    OpenAi,
    /// The built-in simulator; it speaks Replicate's protocol.
    Simulator,
}

impl ProviderName {
    /// The wire name (`replicate`, `openai`, `simulator`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Replicate => "replicate",
            Self::OpenAi => "openai",
            Self::Simulator => "simulator",
        }
    }
}

impl fmt::Display for ProviderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A provider name we do not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown provider `{0}` (expected replicate, openai or simulator)")]
pub struct UnknownProvider(pub String);

impl FromStr for ProviderName {
    type Err = UnknownProvider;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "replicate" => Ok(Self::Replicate),
            "openai" => Ok(Self::OpenAi),
            "simulator" => Ok(Self::Simulator),
            other => Err(UnknownProvider(other.to_owned())),
        }
    }
}

/// A prediction's status as the provider reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderStatus {
    /// Queued or booting.
    Starting,
    /// Running.
    Processing,
    /// It made its outputs.
    Succeeded,
    /// It failed.
    Failed,
    /// It was stopped (by us, or at its deadline).
    Canceled,
    /// Ended before it started (for example, a deadline passed).
    Aborted,
}

impl ProviderStatus {
    /// Whether the prediction ended.
    pub const fn is_terminal(self) -> bool {
        !matches!(self, Self::Starting | Self::Processing)
    }
}

/// One normalized provider update, from a webhook or a poll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderUpdate {
    /// The provider's id of the prediction.
    pub external_id: ExternalId,
    /// Where it stands.
    pub status: ProviderStatus,
    /// URLs of the outputs, on success.
    #[serde(default)]
    pub output_urls: Vec<String>,
    /// The provider's error text, on failure.
    #[serde(default)]
    pub error: Option<String>,
}
