//! `Idempotency-Key` on creation: a key of a user names one generation for 24 hours.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_domain::{GenerationId, UserId};

use crate::Result;

/// How long a key keeps its generation.
pub const IDEMPOTENCY_WINDOW_HOURS: i64 = 24;

/// What a key named when it was claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyClaim {
    /// The key is new (or its window passed): it now names the caller's generation.
    New,
    /// The key was used within the window, for a request with `request_hash`.
    Used {
        /// A hash of the request it was used for.
        request_hash: String,
        /// The generation it made.
        generation_id: GenerationId,
    },
}

/// Remembers idempotency keys.
#[async_trait]
pub trait IdempotencyKeys: Send + Sync {
    /// Makes `key` of `user` name `generation_id` (for a request hashed to
    /// `request_hash`) unless it names another generation within the window; atomic, so
    /// of two requests with one key exactly one gets `New`. Errors: `Unavailable`.
    async fn claim(
        &self,
        user: UserId,
        key: &str,
        request_hash: &str,
        generation_id: GenerationId,
        now: DateTime<Utc>,
    ) -> Result<KeyClaim>;
}
