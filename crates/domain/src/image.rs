//! Images we stored: our copies of a provider's outputs.

use serde::{Deserialize, Serialize};

use crate::ImageId;

/// One image in our storage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredImage {
    /// Our id: the image's URL is `/v1/images/{id}`.
    pub id: ImageId,
    /// MIME type read from the bytes, not from the provider's headers.
    pub content_type: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Size in bytes.
    pub bytes: u64,
}
