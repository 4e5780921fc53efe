//! Images in memory, for tests.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use imagegen_application::Result;
use imagegen_application::ports::{ImageBlob, ImageStore};
use imagegen_domain::ImageId;

use crate::lock;

/// Keeps images in a map.
#[derive(Default)]
pub struct MemoryImageStore {
    images: Mutex<HashMap<ImageId, ImageBlob>>,
}

impl MemoryImageStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl ImageStore for MemoryImageStore {
    async fn put(&self, id: ImageId, blob: &ImageBlob) -> Result<()> {
        lock(&self.images).insert(id, blob.clone());
        Ok(())
    }

    async fn get(&self, id: ImageId) -> Result<Option<ImageBlob>> {
        Ok(lock(&self.images).get(&id).cloned())
    }
}
