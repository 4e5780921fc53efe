//! What a call to an address that outside input chose (a provider's output URL, a
//! user's callback URL) can fail with: refused for good, or failed for now.

/// A failed outbound fetch or notice ([`ImageFetcher`](super::ImageFetcher),
/// [`UserNotifier`](super::UserNotifier)).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// Refused, and trying again will not help: an address that is not allowed (a
    /// scheme, a private address), or an answer we do not take (too large, not an
    /// image, a 4xx other than 429).
    #[error("{message}")]
    Refused {
        /// What was refused, and why.
        message: String,
    },
    /// It failed now (network errors, timeouts, 429 and 5xx): trying later may work.
    #[error("{message}")]
    Failed {
        /// What failed.
        message: String,
    },
}

impl FetchError {
    /// Whether trying the same call later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Failed { .. })
    }
}
