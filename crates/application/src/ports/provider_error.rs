//! What a provider's API can answer instead of what we asked: the three cases a caller
//! acts on differently (try later, give up, start over).

use std::time::Duration;

/// A failed call to a provider ([`ImageProvider`](super::ImageProvider)).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// It could not take the call now (network errors, 5xx, 429, our own client-side
    /// limit); trying after `retry_after`, when it said, may work.
    #[error("provider unavailable: {message}")]
    Unavailable {
        /// What happened, without the request's URL or credentials.
        message: String,
        /// The provider's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
    /// It refused the call, or answered what we cannot read; repeating it will not help.
    #[error("provider rejected the request: {message}")]
    Rejected {
        /// What it said.
        message: String,
    },
    /// It does not know what we asked about (`404`): a prediction it lost or deleted,
    /// or a simulator that restarted. Final, like a rejection.
    #[error("the provider does not know it: {message}")]
    Lost {
        /// What it said.
        message: String,
    },
}

impl ProviderError {
    /// Whether trying the same call again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unavailable { .. })
    }

    /// How long the provider asked us to wait, when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Unavailable { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}
