//! Generation settings: model, size, count, seed, negative prompt and callback URL,
//! with defaults.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ProviderName;
use crate::callback::{CallbackUrl, CallbackUrlError};

mod access;
mod for_provider;
pub use for_provider::{OPENAI_IMAGE_MODEL, OPENAI_SIZES};
mod model;
use model::{check_deployment, check_model};

/// The model used when the request names none.
pub const DEFAULT_MODEL: &str = "black-forest-labs/flux-schnell";
/// Smallest and largest edge, in pixels.
pub const EDGE_RANGE: std::ops::RangeInclusive<u32> = 64..=2048;
/// How many images one generation may ask for.
pub const COUNT_RANGE: std::ops::RangeInclusive<u8> = 1..=4;
/// The longest negative prompt, in characters.
pub const MAX_NEGATIVE_PROMPT_CHARS: usize = 2_000;
/// The longest model reference, in characters.
const MAX_MODEL_CHARS: usize = 200;
/// How long a provider may run a generation before stopping it, in seconds (Replicate's
/// `Cancel-After` takes at least 5 s).
pub const DEADLINE_RANGE: std::ops::RangeInclusive<u32> = 5..=86_400;

/// Width and height of the requested images, written `512x768`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageSize {
    pub(crate) width: u32,
    pub(crate) height: u32,
}

impl Default for ImageSize {
    fn default() -> Self {
        Self {
            width: 512,
            height: 512,
        }
    }
}

impl fmt::Display for ImageSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

impl FromStr for ImageSize {
    type Err = SettingsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || SettingsError::Size(s.to_owned());
        let (w, h) = s.split_once(['x', 'X']).ok_or_else(invalid)?;
        let width: u32 = w.trim().parse().map_err(|_| invalid())?;
        let height: u32 = h.trim().parse().map_err(|_| invalid())?;
        if EDGE_RANGE.contains(&width) && EDGE_RANGE.contains(&height) {
            Ok(Self { width, height })
        } else {
            Err(invalid())
        }
    }
}

/// Settings as a user sends them: everything optional, nothing unknown (a misspelt
/// setting is an error, not silently ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    /// `owner/name` or `owner/name:version`; the deployment's default when absent.
    pub model: Option<String>,
    /// `WIDTHxHEIGHT`.
    pub size: Option<String>,
    /// How many images, 1 to 4.
    pub count: Option<u8>,
    /// A fixed seed, for the same image again.
    pub seed: Option<u64>,
    /// What the image should not show.
    pub negative_prompt: Option<String>,
    /// Where to POST a signed notice when the generation finishes.
    pub callback_url: Option<String>,
    /// Seconds after which the provider stops the generation (then `cancelled`).
    pub deadline_seconds: Option<u32>,
    /// `owner/name` of a Replicate deployment to run it on, instead of a model.
    pub deployment: Option<String>,
    /// Who makes it (`replicate`, `openai`, `simulator`): the deployment's default
    /// when absent. Stamped on the generation, not kept among its settings.
    pub provider: Option<String>,
}

/// Checked settings of one generation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerationSettings {
    /// `owner/name` or `owner/name:version` of the provider's model.
    pub(crate) model: String,
    pub(crate) size: ImageSize,
    /// Number of images, within [`COUNT_RANGE`].
    pub(crate) count: u8,
    /// Fixed seed for reproducible images; `None` lets the provider choose.
    pub(crate) seed: Option<u64>,
    pub(crate) negative_prompt: Option<String>,
    /// Told when the generation finishes (the `user-notifications` queue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) callback_url: Option<CallbackUrl>,
    /// Seconds, within [`DEADLINE_RANGE`], after which the provider stops it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) deadline_seconds: Option<u32>,
    /// `owner/name` of the deployment that runs it (its model is the deployment's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) deployment: Option<String>,
}

impl Default for GenerationSettings {
    fn default() -> Self {
        Self {
            model: DEFAULT_MODEL.to_owned(),
            size: ImageSize::default(),
            count: 1,
            seed: None,
            negative_prompt: None,
            callback_url: None,
            deadline_seconds: None,
            deployment: None,
        }
    }
}

/// Why settings were refused; each names the setting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// The size does not read as `WIDTHxHEIGHT` within the edges.
    #[error("size `{0}` is not WIDTHxHEIGHT with edges from 64 to 2048")]
    Size(String),
    /// The count is outside 1 to 4.
    #[error("count {0} is outside 1..=4")]
    Count(u8),
    /// The model is not `owner/name` or `owner/name:version`.
    #[error("model `{0}` is not `owner/name` or `owner/name:<64 hex digits>`")]
    Model(String),
    /// The negative prompt is too long.
    #[error("the negative prompt is longer than {MAX_NEGATIVE_PROMPT_CHARS} characters")]
    NegativePromptTooLong,
    /// The negative prompt holds a NUL character.
    #[error("the negative prompt contains a NUL character (U+0000)")]
    NegativePromptNul,
    /// The callback URL does not parse or is not http(s).
    #[error(transparent)]
    CallbackUrl(#[from] CallbackUrlError),
    /// The callback URL names an address inside our network.
    #[error("callback_url names an inside address ({0}): callbacks go to public addresses only")]
    CallbackInternal(String),
    /// The deadline is outside 5 seconds to a day.
    #[error("deadline_seconds {0} is outside 5..=86400")]
    Deadline(u32),
    /// The deployment is not `owner/name`.
    #[error("deployment `{0}` is not `owner/name`")]
    Deployment(String),
    /// Both a model and a deployment were given.
    #[error("give a model or a deployment, not both")]
    ModelAndDeployment,
    /// The provider named is not enabled here.
    #[error("provider `{given}` is not enabled here (enabled: {enabled})")]
    Provider {
        /// The name given.
        given: String,
        /// The providers enabled here, for the message.
        enabled: String,
    },
    /// A setting the provider does not take.
    #[error("`{setting}` does not apply to {provider}")]
    NotForProvider {
        /// Which.
        setting: &'static str,
        /// The provider.
        provider: ProviderName,
    },
    /// A size the provider does not make.
    #[error("size `{given}` is not one {provider} makes ({supported})")]
    SizeForProvider {
        /// The size given.
        given: String,
        /// The provider.
        provider: ProviderName,
        /// The sizes it makes.
        supported: String,
    },
}

impl GenerationSettings {
    /// Applies defaults and checks every setting.
    pub fn parse(input: SettingsInput) -> Result<Self, SettingsError> {
        let defaults = Self::default();
        if input.model.is_some() && input.deployment.is_some() {
            return Err(SettingsError::ModelAndDeployment);
        }
        let deployment = input.deployment.map(check_deployment).transpose()?;
        let model = match input.model {
            Some(model) => check_model(model)?,
            None => defaults.model,
        };
        let size = match input.size {
            Some(size) => size.parse()?,
            None => defaults.size,
        };
        let count = input.count.unwrap_or(defaults.count);
        if !COUNT_RANGE.contains(&count) {
            return Err(SettingsError::Count(count));
        }
        let negative_prompt = input.negative_prompt.map(|n| n.trim().to_owned());
        if negative_prompt
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NEGATIVE_PROMPT_CHARS)
        {
            return Err(SettingsError::NegativePromptTooLong);
        }
        if negative_prompt.as_ref().is_some_and(|n| n.contains('\0')) {
            return Err(SettingsError::NegativePromptNul);
        }
        if let Some(deadline) = input
            .deadline_seconds
            .filter(|d| !DEADLINE_RANGE.contains(d))
        {
            return Err(SettingsError::Deadline(deadline));
        }
        Ok(Self {
            deployment,
            deadline_seconds: input.deadline_seconds,
            model,
            size,
            count,
            seed: input.seed,
            negative_prompt: negative_prompt.filter(|n| !n.is_empty()),
            callback_url: input
                .callback_url
                .as_deref()
                .map(CallbackUrl::parse)
                .transpose()?,
        })
    }
}

#[cfg(test)]
mod tests;
