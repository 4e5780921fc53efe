//! Reading checked settings. The fields are private to the domain, so a
//! `GenerationSettings` or an `ImageSize` outside it comes from `parse`, `parse_for`,
//! `from_str`, a default or a stored generation, never from a literal that skipped
//! the checks.

use super::{GenerationSettings, ImageSize};
use crate::CallbackUrl;

impl ImageSize {
    /// Width in pixels, within the edge range.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels, within the edge range.
    pub fn height(&self) -> u32 {
        self.height
    }
}

impl GenerationSettings {
    /// `owner/name` or `owner/name:version` of the provider's model.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// The size of the requested images.
    pub fn size(&self) -> ImageSize {
        self.size
    }

    /// How many images, within the count range.
    pub fn count(&self) -> u8 {
        self.count
    }

    /// A fixed seed for reproducible images; `None` lets the provider choose.
    pub fn seed(&self) -> Option<u64> {
        self.seed
    }

    /// What the images should not show.
    pub fn negative_prompt(&self) -> Option<&str> {
        self.negative_prompt.as_deref()
    }

    /// Told when the generation finishes.
    pub fn callback_url(&self) -> Option<&CallbackUrl> {
        self.callback_url.as_ref()
    }

    /// Seconds after which the provider stops it.
    pub fn deadline_seconds(&self) -> Option<u32> {
        self.deadline_seconds
    }

    /// `owner/name` of the deployment that runs it.
    pub fn deployment(&self) -> Option<&str> {
        self.deployment.as_deref()
    }
}
