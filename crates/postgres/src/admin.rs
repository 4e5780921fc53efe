//! `QueueAdmin` on Postgres: paused queues in `paused_queues`, dead letters moved back
//! to `jobs` with their attempts reset.

use async_trait::async_trait;
use imagegen_application::ports::{DeadLetter, JobId, QueueAdmin, QueueName, QueueStats};
use imagegen_application::{Error, Result};

use crate::error::unavailable;
use crate::rows::enum_text;
use crate::wakeups::JOBS_CHANNEL;

/// Idle workers of `queue` look again when the transaction commits.
async fn wake_workers(tx: &mut sqlx::Transaction<'_, sqlx::Postgres>, queue: &str) -> Result<()> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(JOBS_CHANNEL)
        .bind(queue)
        .execute(&mut **tx)
        .await
        .map_err(unavailable)?;
    Ok(())
}

#[async_trait]
impl QueueAdmin for crate::ports::PgJobQueue {
    async fn counts(&self, queue: QueueName) -> Result<QueueStats> {
        self.stats(queue).await
    }

    async fn is_paused(&self, queue: QueueName) -> Result<bool> {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM paused_queues WHERE queue = $1)")
            .bind(enum_text(&queue)?)
            .fetch_one(&self.pool)
            .await
            .map_err(unavailable)
    }

    async fn pause(&self, queue: QueueName) -> Result<()> {
        sqlx::query("INSERT INTO paused_queues (queue) VALUES ($1) ON CONFLICT DO NOTHING")
            .bind(enum_text(&queue)?)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn resume(&self, queue: QueueName) -> Result<()> {
        let name = enum_text(&queue)?;
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        sqlx::query("DELETE FROM paused_queues WHERE queue = $1")
            .bind(&name)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        wake_workers(&mut tx, &name).await?;
        tx.commit().await.map_err(unavailable)
    }

    async fn concurrency(&self, queue: QueueName) -> Result<Option<u32>> {
        let set: Option<i32> =
            sqlx::query_scalar("SELECT concurrency FROM queue_settings WHERE queue = $1")
                .bind(enum_text(&queue)?)
                .fetch_optional(&self.pool)
                .await
                .map_err(unavailable)?;
        Ok(set.and_then(|n| u32::try_from(n).ok()))
    }

    async fn set_concurrency(&self, queue: QueueName, concurrency: Option<u32>) -> Result<()> {
        let name = enum_text(&queue)?;
        let query = match concurrency {
            Some(n) => sqlx::query(
                "INSERT INTO queue_settings (queue, concurrency) VALUES ($1, $2) \
                 ON CONFLICT (queue) DO UPDATE SET concurrency = EXCLUDED.concurrency",
            )
            .bind(name)
            .bind(i32::try_from(n).unwrap_or(i32::MAX)),
            None => sqlx::query("DELETE FROM queue_settings WHERE queue = $1").bind(name),
        };
        query.execute(&self.pool).await.map_err(unavailable)?;
        Ok(())
    }

    async fn dead(&self, queue: QueueName, limit: usize) -> Result<Vec<DeadLetter>> {
        self.dead_letters(queue, limit).await
    }

    async fn retry_dead(&self, queue: QueueName, id: JobId) -> Result<()> {
        let name = enum_text(&queue)?;
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        let moved = sqlx::query(
            "WITH dead AS (DELETE FROM dead_jobs WHERE id = $1 AND queue = $2 \
               RETURNING id, queue, payload, priority, max_attempts) \
             INSERT INTO jobs (id, queue, payload, priority, run_at, max_attempts, created_at) \
             SELECT id, queue, payload, priority, $3, max_attempts, $3 FROM dead",
        )
        .bind(id.0)
        .bind(&name)
        .bind(self.clock.now())
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        if moved.rows_affected() == 0 {
            return Err(Error::NotFound {
                what: "dead letter",
            });
        }
        wake_workers(&mut tx, &name).await?;
        tx.commit().await.map_err(unavailable)
    }
}
