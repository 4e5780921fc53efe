//! `WebhookHealth` on Postgres: outcomes counted per second (rows older than an hour
//! are dropped as the tally reads), and the breaker in one row.

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use imagegen_application::ports::{WebhookHealth, WebhookOutcome};
use imagegen_application::{Error, Result};
use imagegen_domain::{Breaker, Tally};

use crate::error::unavailable;

#[async_trait]
impl WebhookHealth for crate::ports::PgWebhookHealth {
    async fn record(&self, outcome: WebhookOutcome, at: DateTime<Utc>) -> Result<()> {
        let (delivered, failed, refused) = match outcome {
            WebhookOutcome::Delivered => (1_i64, 0_i64, 0_i64),
            WebhookOutcome::Failed => (0, 1, 0),
            WebhookOutcome::Refused => (0, 0, 1),
        };
        sqlx::query(
            "INSERT INTO webhook_health (second, delivered, failed, refused) \
             VALUES (date_trunc('second', $1::timestamptz), $2, $3, $4) \
             ON CONFLICT (second) DO UPDATE SET delivered = webhook_health.delivered + $2, \
                 failed = webhook_health.failed + $3, refused = webhook_health.refused + $4",
        )
        .bind(at)
        .bind(delivered)
        .bind(failed)
        .bind(refused)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn tally(&self, since: DateTime<Utc>) -> Result<Tally> {
        sqlx::query("DELETE FROM webhook_health WHERE second < $1")
            .bind(since.min(self.clock.now()) - TimeDelta::hours(1))
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        let (delivered, failed, refused): (i64, i64, i64) = sqlx::query_as(
            "SELECT COALESCE(sum(delivered), 0)::bigint, COALESCE(sum(failed), 0)::bigint, \
                    COALESCE(sum(refused), 0)::bigint \
             FROM webhook_health WHERE second >= date_trunc('second', $1::timestamptz)",
        )
        .bind(since)
        .fetch_one(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(Tally {
            delivered: u64::try_from(delivered).unwrap_or(0),
            failed: u64::try_from(failed).unwrap_or(0),
            refused: u64::try_from(refused).unwrap_or(0),
        })
    }

    async fn breaker(&self) -> Result<Option<Breaker>> {
        let row: Option<(serde_json::Value,)> =
            sqlx::query_as("SELECT breaker FROM delivery_breaker WHERE id = 1")
                .fetch_optional(&self.pool)
                .await
                .map_err(unavailable)?;
        row.map(|(breaker,)| {
            serde_json::from_value(breaker).map_err(|e| Error::unexpected("reading the breaker", e))
        })
        .transpose()
    }

    async fn set_breaker(&self, breaker: &Breaker) -> Result<()> {
        let breaker = serde_json::to_value(breaker)
            .map_err(|e| Error::unexpected("writing the breaker", e))?;
        sqlx::query(
            "INSERT INTO delivery_breaker (id, breaker) VALUES (1, $1) \
             ON CONFLICT (id) DO UPDATE SET breaker = EXCLUDED.breaker",
        )
        .bind(breaker)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }
}
