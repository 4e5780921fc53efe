//! The job outbox of the distributed mode: jobs saved in the same transaction as the
//! move that caused them, waiting to be moved to the queue.

use std::time::Duration;

use async_trait::async_trait;

use super::{JobQueue, QueueName};
use crate::Result;

/// Jobs saved with their moves, not yet on the queue.
#[async_trait]
pub trait JobOutbox: Send + Sync {
    /// Moves up to `limit` of the oldest waiting jobs to `queue`, then forgets them;
    /// returns how many. A job is forgotten only after `queue` took it, so a crash in
    /// between moves it again (the queue's idempotency key makes that harmless).
    /// Dispatchers running at once never move the same job at the same time.
    ///
    /// # Errors
    /// - [`Error::Unavailable`](crate::Error::Unavailable) if the outbox or the queue
    ///   cannot be reached; whatever was not forgotten is moved again later.
    async fn forward_to(&self, queue: &dyn JobQueue, limit: usize) -> Result<usize>;

    /// How many jobs wait in the outbox, by queue (jobs no dispatcher moved yet: with
    /// no worker running, this is where new work piles up).
    ///
    /// # Errors
    /// - [`Error::Unavailable`](crate::Error::Unavailable) if the outbox cannot be read.
    async fn pending(&self) -> Result<Vec<(QueueName, u64)>>;

    /// Returns once a job may be waiting, or when `max_wait` passes.
    async fn wait_for_jobs(&self, max_wait: Duration);
}
