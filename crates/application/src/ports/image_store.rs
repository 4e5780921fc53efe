//! Our own storage for result images.

use async_trait::async_trait;
use imagegen_domain::ImageId;

use crate::Result;

/// One stored image's bytes and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageBlob {
    /// `image/png`, `image/jpeg` or `image/webp`, as checked.
    pub content_type: String,
    /// The image's bytes.
    pub bytes: Vec<u8>,
}

/// Stores images by id.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait ImageStore: Send + Sync {
    /// Stores an image; storing the same id again replaces it.
    ///
    /// # Errors
    /// - [`Error::Unavailable`](crate::Error::Unavailable) if the storage cannot be written.
    async fn put(&self, id: ImageId, blob: &ImageBlob) -> Result<()>;

    /// Reads an image, `None` if there is none with this id.
    ///
    /// # Errors
    /// - [`Error::Unavailable`](crate::Error::Unavailable) if the storage cannot be read.
    async fn get(&self, id: ImageId) -> Result<Option<ImageBlob>>;
}
