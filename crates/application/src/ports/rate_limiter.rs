//! Rate limits shared by every instance that uses the same limiter.

use std::time::Duration;

use async_trait::async_trait;

use crate::Result;

/// A limit: `limit` units per `window`, spread evenly, with a burst of `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// How many units per window.
    pub limit: u32,
    /// The window.
    pub window: Duration,
}

/// The limiter's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Within the limit: go ahead.
    Allowed,
    /// Refused; the next unit is available after this long.
    Limited {
        /// When to try again.
        retry_after: Duration,
    },
}

/// Counts units per key (a user, a webhook source). The generic cell rate algorithm:
/// a key refused now costs nothing, so a client that keeps retrying is not locked out
/// longer.
#[async_trait]
pub trait RateLimiter: Send + Sync {
    /// Takes one unit of `key`'s budget at `rate`, if it has one.
    ///
    /// # Errors
    /// - [`Error::Unavailable`](crate::Error::Unavailable) if the limiter cannot be
    ///   reached (callers may then let the request through: a limiter outage should
    ///   not stop the service).
    async fn take(&self, key: &str, rate: Rate) -> Result<Decision>;
}
