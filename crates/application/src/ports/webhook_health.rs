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
    /// Overdue: a `webhook` generation had to be polled.
    Failed,
    /// Refused for its signature. Anyone can send those, so they never count against
    /// webhook health; they are counted apart, for alerts.
    Refused,
}

/// Counts webhook outcomes and keeps the automatic fallback's breaker.
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
