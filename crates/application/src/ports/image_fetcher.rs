//! Downloads a provider's output image, safely.

use async_trait::async_trait;

use super::FetchError;

/// A downloaded image, checked by decoding its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedImage {
    /// The image's bytes.
    pub bytes: Vec<u8>,
    /// Read from the bytes (`image/png`, `image/jpeg`, `image/webp`).
    pub content_type: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Fetches images from outside URLs.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait ImageFetcher: Send + Sync {
    /// Downloads and validates one image.
    ///
    /// # Errors
    /// - [`FetchError::Refused`] when the URL is not
    ///   allowed (scheme, private address), the body is too large or not an image.
    /// - [`FetchError::Failed`] on network errors,
    ///   timeouts and 5xx.
    async fn fetch(&self, url: &str) -> Result<FetchedImage, FetchError>;
}
