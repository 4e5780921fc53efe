//! Webhook health, for the automatic fallback: outcomes of webhook deliveries counted
//! over time (shared by every api instance and worker), and the breaker's state.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_domain::{Breaker, Tally};

use crate::Result;

/// How a webhook fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookOutcome {
    /// Verified and taken.
    Delivered,
    /// Refused (a bad signature), or overdue (the generation had to be polled).
    Failed,
}

#[async_trait]
pub trait WebhookHealth: Send + Sync {
    /// Counts one outcome at `at`. Errors: `Unavailable`.
    async fn record(&self, outcome: WebhookOutcome, at: DateTime<Utc>) -> Result<()>;

    /// The outcomes counted from `since` on (to the second). Errors: `Unavailable`.
    async fn tally(&self, since: DateTime<Utc>) -> Result<Tally>;

    /// The breaker, `None` until it first moved (closed). Errors: `Unavailable`.
    async fn breaker(&self) -> Result<Option<Breaker>>;

    /// Moves the breaker. Errors: `Unavailable`.
    async fn set_breaker(&self, breaker: &Breaker) -> Result<()>;
}
