//! Copy a succeeded generation's outputs into our storage, then complete it.

use std::sync::Arc;

use async_trait::async_trait;
use imagegen_domain::{FailureReason, GenerationStatus, ImageId, StoredImage};

use super::{JobHandler, JobPayload, StoreImages};
use crate::ports::{
    Clock, GenerationRepository, ImageBlob, ImageFetcher, ImageStore, Job, QueueName,
};
use crate::use_cases::change_generation;
use crate::{Error, Result};

/// Runs `image-processing` jobs.
pub struct StoreImagesHandler {
    repository: Arc<dyn GenerationRepository>,
    fetcher: Arc<dyn ImageFetcher>,
    store: Arc<dyn ImageStore>,
    clock: Arc<dyn Clock>,
}

impl StoreImagesHandler {
    pub fn new(
        repository: Arc<dyn GenerationRepository>,
        fetcher: Arc<dyn ImageFetcher>,
        store: Arc<dyn ImageStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            repository,
            fetcher,
            store,
            clock,
        }
    }

    async fn copy(&self, url: &str) -> Result<StoredImage> {
        let fetched = self.fetcher.fetch(url).await?;
        let id = ImageId::random();
        let bytes = fetched.bytes.len() as u64;
        let blob = ImageBlob {
            content_type: fetched.content_type.clone(),
            bytes: fetched.bytes,
        };
        self.store.put(id, &blob).await?;
        Ok(StoredImage {
            id,
            content_type: fetched.content_type,
            width: fetched.width,
            height: fetched.height,
            bytes,
        })
    }
}

#[async_trait]
impl JobHandler for StoreImagesHandler {
    fn queue(&self) -> QueueName {
        QueueName::ImageProcessing
    }

    #[tracing::instrument(name = "store_images", skip_all, fields(generation.id))]
    async fn handle(&self, job: &Job) -> Result<()> {
        let StoreImages { generation_id: id } = StoreImages::from_job(job)?;
        tracing::Span::current().record("generation.id", tracing::field::display(id));
        let generation = self
            .repository
            .get(id)
            .await?
            .ok_or(Error::NotFound { what: "generation" })?;
        if generation.status() != GenerationStatus::Storing {
            return Ok(());
        }
        let mut images = Vec::with_capacity(generation.provider_outputs().len());
        for url in generation.provider_outputs() {
            match self.copy(url).await {
                Ok(image) => images.push(image),
                Err(error) if error.is_transient() && !job.is_last_attempt() => return Err(error),
                Err(error) => {
                    tracing::warn!(%error, "could not store an output; failing the generation");
                    let reason = FailureReason {
                        code: "storage_failed".into(),
                        message: format!("could not copy the provider's image: {error}"),
                        retryable: true,
                    };
                    let now = self.clock.now();
                    change_generation(self.repository.as_ref(), id, |g| {
                        g.fail(reason.clone(), now)
                    })
                    .await?;
                    return Ok(());
                }
            }
        }
        let count = images.len();
        let now = self.clock.now();
        change_generation(self.repository.as_ref(), id, |g| {
            g.complete(images.clone(), now)
        })
        .await?;
        tracing::info!(images = count, "outputs stored; generation completed");
        Ok(())
    }
}
