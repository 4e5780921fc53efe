//! Where generations live, saved together with their events (transactional outbox)
//! and the jobs their moves cause.

use async_trait::async_trait;
use imagegen_domain::{EventEnvelope, ExternalId, Generation, GenerationId, ProviderName, UserId};

use super::{DeliveryKey, NewJob, StoreError, StoreResult};

/// The version a repository must find stored before it saves `generation` with
/// `events`: its version before those moves (optimistic concurrency).
///
/// # Errors
/// `Unexpected` if there are more events than moves (a bug in the caller).
pub fn expected_version(generation: &Generation, events: &[EventEnvelope]) -> StoreResult<u64> {
    generation
        .version()
        .checked_sub(events.len() as u64)
        .ok_or_else(|| {
            StoreError::from(crate::Error::bug(format!(
                "generation {} has more events than moves",
                generation.id()
            )))
        })
}

/// Stores generations. Saving a generation, appending its events and queueing the jobs
/// its move caused is one atomic step: an event or a job exists if and only if its move
/// was saved, so no crash can strand a generation between two stores.
///
/// The jobs reach the [`JobQueue`](super::JobQueue) the adapter is wired to: written
/// to the same database in the durable mode, or to a job outbox that a dispatcher
/// moves to Redis after commit in the distributed mode (the queue's idempotency key
/// makes a repeated move harmless).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait GenerationRepository: Send + Sync {
    /// Saves a new generation (version 0, no events) and queues `jobs` with it.
    ///
    /// # Errors
    /// - [`StoreError::Conflict`] if the id exists.
    /// - [`StoreError::Unavailable`] if the store cannot be reached.
    async fn create(&self, generation: &Generation, jobs: &[NewJob]) -> StoreResult<()>;

    /// Loads a generation, `None` if there is none with this id.
    ///
    /// # Errors
    /// - [`StoreError::Unavailable`] if the store cannot be reached.
    async fn get(&self, id: GenerationId) -> StoreResult<Option<Generation>>;

    /// Saves a generation's new state, appends `events` (taken from it with
    /// `take_events`) and queues `jobs`, in one step, if the stored version is still
    /// `generation.version() - events.len()`.
    ///
    /// # Errors
    /// - [`StoreError::Conflict`] if another writer saved
    ///   first; nothing is written.
    /// - [`StoreError::NotFound`] if the generation was never created.
    /// - [`StoreError::Unavailable`] if the store cannot be reached.
    async fn save(
        &self,
        generation: &Generation,
        events: &[EventEnvelope],
        jobs: &[NewJob],
    ) -> StoreResult<()>;

    /// As [`save`](Self::save), and marks the webhook delivery that caused the move
    /// processed in the same step, so that no crash leaves a move saved and its delivery
    /// waiting (a delivery the inbox never recorded, such as a poll's, is no error).
    ///
    /// # Errors
    /// As [`save`](Self::save); on any error the delivery is left as it was.
    async fn save_processed(
        &self,
        generation: &Generation,
        events: &[EventEnvelope],
        jobs: &[NewJob],
        delivery: &DeliveryKey,
    ) -> StoreResult<()>;

    /// The generation whose prediction at `provider` is `external_id`: how a webhook
    /// that names only the provider's object (OpenAI's) finds its generation.
    ///
    /// # Errors
    /// - [`StoreError::Unavailable`] if the store cannot be reached.
    async fn find_by_external_id(
        &self,
        provider: ProviderName,
        external_id: &ExternalId,
    ) -> StoreResult<Option<GenerationId>>;

    /// How many of a user's generations have not ended (the in-flight limit).
    ///
    /// # Errors
    /// - [`StoreError::Unavailable`] if the store cannot be reached.
    async fn count_in_flight(&self, user_id: UserId) -> StoreResult<u64>;

    /// A user's generations, newest first, created strictly before `before` if given.
    ///
    /// # Errors
    /// - [`StoreError::Unavailable`] if the store cannot be reached.
    async fn list_for_user(
        &self,
        user_id: UserId,
        before: Option<GenerationId>,
        limit: usize,
    ) -> StoreResult<Vec<Generation>>;
}
