//! Images as files: `{dir}/{id}.{ext}`, written atomically (temp file, then rename).

use std::path::PathBuf;

use async_trait::async_trait;
use imagegen_application::ports::{ImageBlob, ImageStore};
use imagegen_application::{Error, Result};
use imagegen_domain::ImageId;

/// The content types we store, and their file extensions.
const TYPES: [(&str, &str); 3] = [
    ("image/png", "png"),
    ("image/jpeg", "jpg"),
    ("image/webp", "webp"),
];

/// Stores images in one directory.
pub struct LocalDiskImageStore {
    dir: PathBuf,
}

impl LocalDiskImageStore {
    /// Uses `dir`, creating it if needed.
    ///
    /// # Errors
    /// `Unavailable` if the directory cannot be created.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir).map_err(|e| Error::unavailable("image directory", e))?;
        Ok(Self { dir })
    }

    fn path(&self, id: ImageId, extension: &str) -> PathBuf {
        self.dir.join(format!("{id}.{extension}"))
    }
}

#[async_trait]
impl ImageStore for LocalDiskImageStore {
    async fn put(&self, id: ImageId, blob: &ImageBlob) -> Result<()> {
        let (_, extension) = TYPES
            .iter()
            .find(|(t, _)| *t == blob.content_type)
            .ok_or_else(|| {
                Error::Invalid(format!("cannot store content type {}", blob.content_type))
            })?;
        let target = self.path(id, extension);
        let temp = self.dir.join(format!(".{id}.{extension}.tmp"));
        tokio::fs::write(&temp, &blob.bytes)
            .await
            .map_err(|e| Error::unavailable("image directory", e))?;
        tokio::fs::rename(&temp, &target)
            .await
            .map_err(|e| Error::unavailable("image directory", e))?;
        Ok(())
    }

    async fn get(&self, id: ImageId) -> Result<Option<ImageBlob>> {
        for (content_type, extension) in TYPES {
            match tokio::fs::read(self.path(id, extension)).await {
                Ok(bytes) => {
                    return Ok(Some(ImageBlob {
                        content_type: content_type.to_owned(),
                        bytes,
                    }));
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::unavailable("image directory", e)),
            }
        }
        Ok(None)
    }
}
