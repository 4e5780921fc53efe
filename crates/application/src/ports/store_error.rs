//! What the generation repository can fail with: the four meanings a caller acts on
//! differently (reload and retry, give up, try later, stop retrying).

use crate::Error;
use crate::error::BoxError;

/// What a [`GenerationRepository`](super::GenerationRepository) call returns.
pub type StoreResult<T> = std::result::Result<T, StoreError>;

/// A failed repository call.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Someone else saved the generation first (optimistic concurrency), or the id of a
    /// new one exists: reload, and apply the move again.
    #[error("generation {id} changed concurrently (expected version {expected})")]
    Conflict {
        /// The generation.
        id: String,
        /// The version the caller expected to find.
        expected: u64,
    },
    /// There is no such generation.
    #[error("{what} not found")]
    NotFound {
        /// What was looked for.
        what: &'static str,
    },
    /// The store could not be reached; trying later may work.
    #[error("{what} unavailable")]
    Unavailable {
        /// Which store.
        what: &'static str,
        /// The driver's error.
        #[source]
        source: BoxError,
    },
    /// What is stored cannot be read back: no retry fixes it.
    #[error("a stored {what} cannot be read")]
    Corrupt {
        /// What did not decode.
        what: String,
        /// Why.
        #[source]
        source: BoxError,
    },
    /// A bug (in the caller or the adapter); the source says where.
    #[error(transparent)]
    Unexpected(Box<Error>),
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict { id, expected } => Self::VersionConflict { id, expected },
            StoreError::NotFound { what } => Self::NotFound { what },
            StoreError::Unavailable { what, source } => Self::Unavailable { what, source },
            StoreError::Corrupt { what, source } => Self::Corrupt { what, source },
            StoreError::Unexpected(error) => *error,
        }
    }
}

/// For adapters whose helpers speak the application's error: each meaning the store
/// has keeps its variant; anything else is unexpected here.
impl From<Error> for StoreError {
    fn from(error: Error) -> Self {
        match error {
            Error::VersionConflict { id, expected } => Self::Conflict { id, expected },
            Error::NotFound { what } => Self::NotFound { what },
            Error::Unavailable { what, source } => Self::Unavailable { what, source },
            Error::Corrupt { what, source } => Self::Corrupt { what, source },
            other => Self::Unexpected(Box::new(other)),
        }
    }
}
