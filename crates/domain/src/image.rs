//! Images we stored: our copies of a provider's outputs.

use serde::{Deserialize, Serialize};

use crate::ImageId;

/// One image in our storage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredImage {
    pub id: ImageId,
    /// MIME type read from the bytes, not from the provider's headers.
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    /// Size in bytes.
    pub bytes: u64,
}
