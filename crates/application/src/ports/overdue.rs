//! The polling fallback's view of the store: generations whose provider went quiet.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_domain::{DeliveryMode, ExternalId, GenerationId, ProviderName};

use crate::Result;

/// A generation to poll now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueGeneration {
    /// The generation.
    pub id: GenerationId,
    /// The prediction it waits for.
    pub external_id: ExternalId,
    /// 1 for its first poll.
    pub attempt: u32,
    /// `webhook`: polled because its webhook is overdue; otherwise polled by design.
    pub delivery_mode: DeliveryMode,
    /// Where it runs: polled there.
    pub provider: ProviderName,
    /// When it was created: past the generation timeout it is ended, not polled.
    pub created_at: DateTime<Utc>,
}

/// The longest pause between two polls of one generation: well inside the hour a
/// provider keeps a prediction (Replicate), so a poll always finds it.
pub const MAX_POLL_BACKOFF_SECS: u64 = 300;

/// How often a generation whose delivery mode is `polling` or `dual` is polled, from
/// its submission on: the polling baseline of Replicate's own demo apps (2-3 s).
pub const POLLED_EVERY_SECS: u64 = 2;

/// The pause after poll number `attempt` (1 after the first): 15 s, doubling, capped.
pub fn poll_backoff(attempt: u32) -> std::time::Duration {
    let secs = 15u64.saturating_mul(2u64.saturating_pow(attempt.saturating_sub(1)));
    std::time::Duration::from_secs(secs.min(MAX_POLL_BACKOFF_SECS))
}

/// Finds generations whose webhook is overdue.
#[async_trait]
pub trait OverdueGenerations: Send + Sync {
    /// Claims up to `limit` generations that have a prediction at the provider, are
    /// `starting` or `processing`, have not moved since `quiet_since` (or are polled by
    /// their delivery mode, `polling` or `dual`, whatever their last move), and whose
    /// next poll is due at `now`. Each claimed one's next poll moves to
    /// `now + poll_backoff(attempt)` (`POLLED_EVERY_SECS` for the polled modes), so
    /// workers doing this at once poll each generation once. Errors: `Unavailable`.
    async fn claim_overdue(
        &self,
        quiet_since: DateTime<Utc>,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<OverdueGeneration>>;
}
