//! `JobQueue` in Postgres: `reserve` (in `reserve.rs`) hands each ready job to one
//! worker under a lease; the lease token settles it; a failure either sets a retry time
//! or moves the job to `dead_jobs`. Every time comes from the store's clock.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_application::ports::{
    DeadLetter, EnqueueOutcome, FailOutcome, Job, JobId, JobQueue, NewJob, QueueName, QueueStats,
};
use imagegen_application::{Error, Result};
use sqlx::Row;
use sqlx::types::Json;

use crate::error::{corrupt, unavailable};
use crate::job_rows::insert_job;
use crate::rows::enum_text;

fn lost_lease() -> Error {
    Error::NotFound { what: "job lease" }
}

#[async_trait]
impl JobQueue for crate::ports::PgJobQueue {
    async fn enqueue(&self, job: NewJob) -> Result<EnqueueOutcome> {
        let mut conn = self.pool.acquire().await.map_err(unavailable)?;
        insert_job(&mut conn, &job, self.clock.now()).await
    }

    async fn reserve(
        &self,
        queues: &[QueueName],
        lease: Duration,
        wait: Duration,
    ) -> Result<Option<Job>> {
        let names = queues.iter().map(enum_text).collect::<Result<Vec<_>>>()?;
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let notified = self.wakeups.jobs.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(job) = self.try_reserve(&names, lease).await? {
                return Ok(Some(job));
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            // Enqueues notify; a timer is needed only for delayed jobs and expiring
            // leases (the backstop covers a lost notification).
            let nap = (deadline - now)
                .min(self.poll_backstop)
                .min(self.until_next_due(&names).await?);
            tokio::select! {
                () = notified => {}
                () = tokio::time::sleep(nap) => {}
            }
        }
    }

    async fn extend(&self, job: &Job, lease: Duration) -> Result<()> {
        let until =
            self.clock.now() + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
        let updated =
            sqlx::query("UPDATE jobs SET lease_expires_at = $3 WHERE id = $1 AND lease_token = $2")
                .bind(job.id.0)
                .bind(job.lease_token)
                .bind(until)
                .execute(&self.pool)
                .await
                .map_err(unavailable)?;
        match updated.rows_affected() {
            0 => Err(lost_lease()),
            _ => Ok(()),
        }
    }

    async fn complete(&self, job: &Job) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        let deleted = sqlx::query("DELETE FROM jobs WHERE id = $1 AND lease_token = $2")
            .bind(job.id.0)
            .bind(job.lease_token)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        if deleted.rows_affected() == 0 {
            return Err(lost_lease());
        }
        // One of 16 counter rows, so concurrent completions rarely wait on each other.
        let shard = (job.id.0.as_u128() % 16) as i16;
        sqlx::query(
            "INSERT INTO queue_counters (queue, shard, completed) VALUES ($1, $2, 1) \
             ON CONFLICT (queue, shard) DO UPDATE SET completed = queue_counters.completed + 1",
        )
        .bind(enum_text(&job.queue)?)
        .bind(shard)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)
    }

    async fn fail(
        &self,
        job: &Job,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<FailOutcome> {
        if let Some(at) = retry_at.filter(|_| !job.is_last_attempt()) {
            let updated = sqlx::query(
                "UPDATE jobs SET lease_token = NULL, lease_expires_at = NULL, run_at = $3 \
                 WHERE id = $1 AND lease_token = $2",
            )
            .bind(job.id.0)
            .bind(job.lease_token)
            .bind(at)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
            return match updated.rows_affected() {
                0 => Err(lost_lease()),
                _ => Ok(FailOutcome::RetryAt(at)),
            };
        }
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        let moved = sqlx::query(
            "WITH gone AS (DELETE FROM jobs WHERE id = $1 AND lease_token = $2 \
               RETURNING id, queue, payload, attempts, priority, max_attempts) \
             INSERT INTO dead_jobs (id, queue, payload, attempts, last_error, failed_at, \
               priority, max_attempts) \
             SELECT id, queue, payload, attempts, $3, $4, priority, max_attempts FROM gone \
             ON CONFLICT (id) DO UPDATE SET attempts = EXCLUDED.attempts, \
               last_error = EXCLUDED.last_error, failed_at = EXCLUDED.failed_at",
        )
        .bind(job.id.0)
        .bind(job.lease_token)
        .bind(error)
        .bind(self.clock.now())
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        if moved.rows_affected() == 0 {
            return Err(lost_lease());
        }
        tx.commit().await.map_err(unavailable)?;
        Ok(FailOutcome::DeadLettered)
    }
}

/// What `QueueAdmin` reads (the queue's own port does not).
impl crate::store::PgShared {
    /// The newest dead letters of `queue`.
    pub(crate) async fn dead_letters(
        &self,
        queue: QueueName,
        limit: usize,
    ) -> Result<Vec<DeadLetter>> {
        let rows = sqlx::query(
            "SELECT id, payload, attempts, last_error, failed_at FROM dead_jobs \
             WHERE queue = $1 ORDER BY failed_at DESC, id DESC LIMIT $2",
        )
        .bind(enum_text(&queue)?)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        rows.iter()
            .map(|row| {
                let Json(payload): Json<serde_json::Value> = row
                    .try_get("payload")
                    .map_err(|e| corrupt("job payload", e))?;
                let attempts: i32 = row.try_get("attempts").map_err(unavailable)?;
                Ok(DeadLetter {
                    id: JobId(row.try_get("id").map_err(unavailable)?),
                    queue,
                    payload,
                    attempts: u32::try_from(attempts).map_err(|e| corrupt("attempts", e))?,
                    last_error: row.try_get("last_error").map_err(unavailable)?,
                    failed_at: row.try_get("failed_at").map_err(unavailable)?,
                })
            })
            .collect()
    }

    /// Counts of `queue`.
    pub(crate) async fn stats(&self, queue: QueueName) -> Result<QueueStats> {
        let row = sqlx::query(
            "SELECT \
               count(*) FILTER (WHERE lease_token IS NOT NULL AND lease_expires_at > $2) AS active, \
               count(*) FILTER (WHERE (lease_token IS NULL OR lease_expires_at <= $2) \
                 AND run_at > $2) AS delayed, \
               count(*) FILTER (WHERE (lease_token IS NULL OR lease_expires_at <= $2) \
                 AND run_at <= $2) AS waiting, \
               (SELECT count(*) FROM dead_jobs WHERE queue = $1) AS failed, \
               (SELECT COALESCE(sum(completed), 0)::bigint FROM queue_counters WHERE queue = $1) \
                 AS completed \
             FROM jobs WHERE queue = $1",
        )
        .bind(enum_text(&queue)?)
        .bind(self.clock.now())
        .fetch_one(&self.pool)
        .await
        .map_err(unavailable)?;
        let count = |name: &str| -> Result<u64> {
            let value: i64 = row.try_get(name).map_err(unavailable)?;
            Ok(u64::try_from(value).unwrap_or(0))
        };
        Ok(QueueStats {
            waiting: count("waiting")?,
            active: count("active")?,
            delayed: count("delayed")?,
            failed: count("failed")?,
            completed: count("completed")?,
        })
    }
}
