//! Where generations live, saved together with their events (transactional outbox).

use async_trait::async_trait;
use imagegen_domain::{EventEnvelope, Generation, GenerationId, UserId};

use crate::Result;

/// Stores generations. Saving a generation and appending its events is one atomic step,
/// so an event exists if and only if its move was saved.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait GenerationRepository: Send + Sync {
    /// Saves a new generation (version 0, no events).
    ///
    /// # Errors
    /// - [`Error::VersionConflict`](crate::Error::VersionConflict) if the id exists.
    /// - [`Error::Unavailable`](crate::Error::Unavailable) if the store cannot be reached.
    async fn create(&self, generation: &Generation) -> Result<()>;

    /// Loads a generation, `None` if there is none with this id.
    ///
    /// # Errors
    /// - [`Error::Unavailable`](crate::Error::Unavailable) if the store cannot be reached.
    async fn get(&self, id: GenerationId) -> Result<Option<Generation>>;

    /// Saves a generation's new state and appends `events` (taken from it with
    /// `take_events`) in one step, if the stored version is still
    /// `generation.version() - events.len()`.
    ///
    /// # Errors
    /// - [`Error::VersionConflict`](crate::Error::VersionConflict) if another writer saved
    ///   first; nothing is written.
    /// - [`Error::NotFound`](crate::Error::NotFound) if the generation was never created.
    /// - [`Error::Unavailable`](crate::Error::Unavailable) if the store cannot be reached.
    async fn save(&self, generation: &Generation, events: &[EventEnvelope]) -> Result<()>;

    /// A user's generations, newest first, created strictly before `before` if given.
    ///
    /// # Errors
    /// - [`Error::Unavailable`](crate::Error::Unavailable) if the store cannot be reached.
    async fn list_for_user(
        &self,
        user_id: UserId,
        before: Option<GenerationId>,
        limit: usize,
    ) -> Result<Vec<Generation>>;
}
