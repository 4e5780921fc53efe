//! The application's one error type. The api maps it to HTTP in one place.

use std::time::Duration;

use imagegen_domain::{GenerationError, PromptError, SettingsError};

use crate::ports::{FetchError, ProviderError};

/// A boxed source error, kept so that context is never lost.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An error and every cause under it, as one line: `what: why: why`. `Display` of
/// each error says what it adds only, so logs print this, never `{error}` alone.
pub fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        let said = inner.to_string();
        // A wrapper that says what its cause says adds nothing.
        if !text.ends_with(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        cause = inner.source();
    }
    text
}

/// Result with the application error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything a use case, a job handler or a port can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The prompt was refused.
    #[error(transparent)]
    Prompt(#[from] PromptError),
    /// A setting was refused.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// Other invalid input, such as an unknown channel.
    #[error("{0}")]
    Invalid(String),
    /// The thing does not exist, or the caller may not know it exists.
    #[error("{what} not found")]
    NotFound {
        /// What was not found.
        what: &'static str,
    },
    /// The caller may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The aggregate refused the move.
    #[error(transparent)]
    Domain(#[from] GenerationError),
    /// Someone else saved the aggregate first (optimistic concurrency); reload, retry.
    #[error("generation {id} changed concurrently (expected version {expected})")]
    VersionConflict {
        /// The generation.
        id: String,
        /// The version the caller expected to find.
        expected: u64,
    },
    /// A provider's API answered otherwise than asked (see [`ProviderError`]).
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// The caller went over a rate or in-flight limit; trying after `retry_after` may
    /// work.
    #[error("{message}")]
    RateLimited {
        /// What happened.
        message: String,
        /// How long to wait before trying again.
        retry_after: Duration,
    },
    /// An outside address (an image URL, a callback URL) was refused or failed (see
    /// [`FetchError`]).
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// A store, queue or bus could not be reached; trying later may work.
    #[error("{what} unavailable")]
    Unavailable {
        /// Which store, queue or bus.
        what: &'static str,
        /// The driver's error.
        #[source]
        source: BoxError,
    },
    /// Something stored cannot be read back (a row or payload that does not decode):
    /// no retry fixes it, so a job that meets it is dead-lettered at once.
    #[error("a stored {what} cannot be read")]
    Corrupt {
        /// What did not decode.
        what: String,
        /// Why.
        #[source]
        source: BoxError,
    },
    /// A bug or an impossible state; the source says where.
    #[error("unexpected error: {context}")]
    Unexpected {
        /// Where, and what was expected.
        context: String,
        /// The error that showed it, when there is one.
        #[source]
        source: Option<BoxError>,
    },
}

impl Error {
    /// An [`Error::Unavailable`] for `what`, keeping the source.
    pub fn unavailable(what: &'static str, source: impl Into<BoxError>) -> Self {
        Self::Unavailable {
            what,
            source: source.into(),
        }
    }

    /// An [`Error::Unexpected`] with context and a source.
    pub fn unexpected(context: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Self::Unexpected {
            context: context.into(),
            source: Some(source.into()),
        }
    }

    /// An [`Error::Corrupt`]: the stored `what` does not decode.
    pub fn corrupt(what: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Self::Corrupt {
            what: what.into(),
            source: source.into(),
        }
    }

    /// An [`Error::Unexpected`] with context only.
    pub fn bug(context: impl Into<String>) -> Self {
        Self::Unexpected {
            context: context.into(),
            source: None,
        }
    }

    /// Whether trying the same thing again later may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::VersionConflict { .. }
            | Self::Unavailable { .. }
            // A webhook that beat our create call's answer applies once it is recorded.
            | Self::Domain(GenerationError::NotSubmitted) => true,
            Self::Fetch(error) => error.is_transient(),
            Self::Provider(error) => error.is_transient(),
            _ => false,
        }
    }
}
