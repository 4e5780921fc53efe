//! `IdempotencyKeys` on Postgres: one upsert claims a key, taking over an expired one,
//! and returns whoever holds it now.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use imagegen_application::Result;
use imagegen_application::ports::{IDEMPOTENCY_WINDOW_HOURS, IdempotencyKeys, KeyClaim};
use imagegen_domain::{GenerationId, UserId};
use uuid::Uuid;

use crate::error::unavailable;

#[async_trait]
impl IdempotencyKeys for crate::ports::PgIdempotencyKeys {
    async fn claim(
        &self,
        user: UserId,
        key: &str,
        request_hash: &str,
        generation_id: GenerationId,
        now: DateTime<Utc>,
    ) -> Result<KeyClaim> {
        let expired_before = now - Duration::hours(IDEMPOTENCY_WINDOW_HOURS);
        let claimed: Option<(Uuid,)> = sqlx::query_as(
            "INSERT INTO idempotency_keys (user_id, key, request_hash, generation_id, claimed_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (user_id, key) DO UPDATE \
             SET request_hash = EXCLUDED.request_hash, generation_id = EXCLUDED.generation_id, \
                 claimed_at = EXCLUDED.claimed_at \
             WHERE idempotency_keys.claimed_at <= $6 \
             RETURNING generation_id",
        )
        .bind(user.as_uuid())
        .bind(key)
        .bind(request_hash)
        .bind(generation_id.as_uuid())
        .bind(now)
        .bind(expired_before)
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        if claimed.is_some() {
            return Ok(KeyClaim::New);
        }
        // Held within the window by an earlier request: read which.
        let (hash, holder): (String, Uuid) = sqlx::query_as(
            "SELECT request_hash, generation_id FROM idempotency_keys \
             WHERE user_id = $1 AND key = $2",
        )
        .bind(user.as_uuid())
        .bind(key)
        .fetch_one(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(KeyClaim::Used {
            request_hash: hash,
            generation_id: GenerationId::from_uuid(holder),
        })
    }
}
