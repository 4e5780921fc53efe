//! Copy a succeeded generation's outputs into our storage, then complete it.

use std::sync::Arc;

use async_trait::async_trait;
use imagegen_domain::{
    FailureCode, FailureReason, GenerationId, GenerationStatus, ImageId, StoredImage,
};

use super::{JobHandler, JobPayload, StoreImages};
use crate::ports::{
    Clock, GenerationRepository, ImageBlob, ImageFetcher, ImageStore, Job, QueueName,
};
use crate::unit_of_work::change_generation;
use crate::{Error, Result};

/// How long copying a generation's outputs may take in all, retries included.
pub const DEFAULT_COPY_DEADLINE: std::time::Duration = std::time::Duration::from_secs(120);

/// Runs `image-processing` jobs.
pub struct StoreImagesHandler {
    repository: Arc<dyn GenerationRepository>,
    fetcher: Arc<dyn ImageFetcher>,
    store: Arc<dyn ImageStore>,
    clock: Arc<dyn Clock>,
    /// From the move to `storing`: past it, no new attempt starts and the generation
    /// fails (a slow image host cannot hold a job for tries times the fetch timeout).
    deadline: chrono::Duration,
}

impl StoreImagesHandler {
    /// Copies the outputs of generations in `repository` through `fetcher` into `store`.
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
            deadline: chrono::Duration::from_std(DEFAULT_COPY_DEADLINE)
                .unwrap_or(chrono::Duration::MAX),
        }
    }

    /// Sets the total deadline of a copy (default [`DEFAULT_COPY_DEADLINE`]).
    #[must_use]
    pub fn with_deadline(mut self, deadline: std::time::Duration) -> Self {
        self.deadline = chrono::Duration::from_std(deadline).unwrap_or(chrono::Duration::MAX);
        self
    }

    /// Ends the generation with `code`; a generation that ended meanwhile stays as is.
    async fn give_up(&self, id: GenerationId, code: FailureCode, message: String) -> Result<()> {
        let reason = FailureReason {
            code,
            message,
            retryable: true,
        };
        let now = self.clock.now();
        change_generation(self.repository.as_ref(), id, |g| {
            g.fail(reason.clone(), now)
        })
        .await?;
        Ok(())
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
            if self.clock.now() - generation.updated_at() > self.deadline {
                tracing::warn!("copy deadline passed; failing the generation");
                let message = format!(
                    "could not copy the provider's images within {} s",
                    self.deadline.num_seconds()
                );
                return self.give_up(id, FailureCode::StorageTimeout, message).await;
            }
            match self.copy(url).await {
                Ok(image) => images.push(image),
                Err(error) if error.is_transient() && !job.is_last_attempt() => return Err(error),
                Err(error) => {
                    tracing::warn!(%error, "could not store an output; failing the generation");
                    let message = format!("could not copy the provider's image: {error}");
                    return self.give_up(id, FailureCode::StorageFailed, message).await;
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
