//! `OverdueGenerations` on Postgres: one statement claims quiet generations with
//! `FOR UPDATE SKIP LOCKED` and moves their next poll, so reconcilers in several
//! workers never poll one generation twice at once.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_application::ports::{
    MAX_POLL_BACKOFF_SECS, OverdueGeneration, OverdueGenerations, POLLED_EVERY_SECS,
};
use imagegen_application::{Error, Result};
use imagegen_domain::{ExternalId, GenerationId};
use uuid::Uuid;

use crate::error::unavailable;
use crate::rows::enum_from_text;

#[async_trait]
impl OverdueGenerations for crate::ports::PgGenerations {
    async fn claim_overdue(
        &self,
        quiet_since: DateTime<Utc>,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<OverdueGeneration>> {
        // The pause after poll n is 15 s * 2^(n-1), capped (see `poll_backoff`); the
        // polled delivery modes are polled every `POLLED_EVERY_SECS` from the start.
        let rows: Vec<(Uuid, String, i32, String, String, DateTime<Utc>)> = sqlx::query_as(
            "UPDATE image_generations g \
             SET poll_attempts = g.poll_attempts + 1, \
                 next_poll_at = $2 + make_interval(secs => CASE WHEN g.delivery_mode = 'webhook' \
                     THEN LEAST(15 * power(2, g.poll_attempts), $4) ELSE $5 END) \
             FROM (SELECT id FROM image_generations \
                   WHERE status IN ('starting', 'processing') AND external_id IS NOT NULL \
                     AND (updated_at < $1 OR delivery_mode <> 'webhook') \
                     AND (next_poll_at IS NULL OR next_poll_at <= $2) \
                   ORDER BY updated_at LIMIT $3 FOR UPDATE SKIP LOCKED) due \
             WHERE g.id = due.id \
             RETURNING g.id, g.external_id, g.poll_attempts, g.delivery_mode, g.provider, \
                 g.created_at",
        )
        .bind(quiet_since)
        .bind(now)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .bind(MAX_POLL_BACKOFF_SECS as f64)
        .bind(POLLED_EVERY_SECS as f64)
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        rows.into_iter()
            .map(|(id, external_id, attempt, mode, provider, created_at)| {
                Ok(OverdueGeneration {
                    id: GenerationId::from_uuid(id),
                    external_id: ExternalId::parse(&external_id).ok_or_else(|| {
                        Error::unexpected("reading a stored prediction id", external_id.clone())
                    })?,
                    attempt: u32::try_from(attempt).unwrap_or(0),
                    delivery_mode: enum_from_text("delivery_mode", mode)?,
                    provider: enum_from_text("provider", provider)?,
                    created_at,
                })
            })
            .collect()
    }
}
