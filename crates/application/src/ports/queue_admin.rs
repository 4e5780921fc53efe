//! Operating the queues: counts, pause and resume, concurrency, dead letters and their
//! retry.

use async_trait::async_trait;

use super::{DeadLetter, JobId, QueueName, QueueStats};
use crate::Result;

/// What an operator does with a queue (the admin api).
#[async_trait]
pub trait QueueAdmin: Send + Sync {
    /// Counts of a queue. Errors: `Unavailable`.
    async fn counts(&self, queue: QueueName) -> Result<QueueStats>;

    /// Whether the queue is paused. Errors: `Unavailable`.
    async fn is_paused(&self, queue: QueueName) -> Result<bool>;

    /// Stops handing out the queue's jobs (running ones finish; enqueueing goes on).
    /// Errors: `Unavailable`.
    async fn pause(&self, queue: QueueName) -> Result<()>;

    /// Hands out the queue's jobs again. Errors: `Unavailable`.
    async fn resume(&self, queue: QueueName) -> Result<()>;

    /// The newest dead letters of a queue. Errors: `Unavailable`.
    async fn dead(&self, queue: QueueName, limit: usize) -> Result<Vec<DeadLetter>>;

    /// Puts a dead letter back on its queue with its attempts reset.
    ///
    /// # Errors
    /// - [`Error::NotFound`](crate::Error::NotFound) if the queue has no such dead letter.
    /// - [`Error::Unavailable`](crate::Error::Unavailable).
    async fn retry_dead(&self, queue: QueueName, id: JobId) -> Result<()>;

    /// The jobs of the queue each worker process runs at once, when an operator set
    /// it (it overrides the workers' configuration). Errors: `Unavailable`.
    async fn concurrency(&self, queue: QueueName) -> Result<Option<u32>>;

    /// Sets (or, with `None`, clears) the queue's concurrency; running workers follow
    /// within seconds. Errors: `Unavailable`.
    async fn set_concurrency(&self, queue: QueueName, concurrency: Option<u32>) -> Result<()>;
}
