//! Read one stored image copy.

use std::sync::Arc;

use imagegen_domain::ImageId;

use crate::ports::{ImageBlob, ImageStore};
use crate::{Error, Result};

/// Reads our stored copies. Image ids are random and act as capability URLs, so there
/// is no caller to check.
pub struct GetImage {
    images: Arc<dyn ImageStore>,
}

impl GetImage {
    /// Reads from `images`.
    pub fn new(images: Arc<dyn ImageStore>) -> Self {
        Self { images }
    }

    /// The image's bytes and type.
    ///
    /// # Errors
    /// `NotFound` when there is no such image; the store's errors.
    pub async fn execute(&self, id: ImageId) -> Result<ImageBlob> {
        (self.images.get(id).await?).ok_or(Error::NotFound { what: "image" })
    }
}
