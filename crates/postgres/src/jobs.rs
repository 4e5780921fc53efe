//! `JobQueue` in Postgres: `FOR UPDATE SKIP LOCKED` hands each ready job to one worker
//! under a lease; an expired lease makes it deliverable again; a failure either sets a
//! retry time or moves the job to `dead_jobs`. Every time comes from the store's clock.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_application::ports::{
    DeadLetter, EnqueueOutcome, FailOutcome, Job, JobId, JobQueue, NewJob, QueueName, QueueStats,
};
use imagegen_application::{Error, Result};
use sqlx::Row;
use sqlx::types::Json;
use uuid::Uuid;

use crate::PgStore;
use crate::error::{corrupt, unavailable};
use crate::job_rows::{insert_job, leased_job};
use crate::rows::enum_text;

const RESERVE: &str = "WITH next AS ( \
      SELECT id FROM jobs \
      WHERE queue = ANY($1) AND run_at <= $2 AND (lease_token IS NULL OR lease_expires_at <= $2) \
      ORDER BY priority DESC, enqueued_seq LIMIT 1 FOR UPDATE SKIP LOCKED) \
    UPDATE jobs SET lease_token = $3, lease_expires_at = $4, attempts = jobs.attempts + 1 \
    FROM next WHERE jobs.id = next.id \
    RETURNING jobs.id, jobs.queue, jobs.payload, jobs.attempts, jobs.max_attempts";

fn lost_lease() -> Error {
    Error::NotFound { what: "job lease" }
}

impl PgStore {
    async fn try_reserve(&self, queues: &[String], lease: Duration) -> Result<Option<Job>> {
        let now = self.clock.now();
        let token = Uuid::new_v4();
        let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
        let row = sqlx::query(RESERVE)
            .bind(queues)
            .bind(now)
            .bind(token)
            .bind(until)
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?;
        row.map(|row| leased_job(&row, token)).transpose()
    }
}

impl PgStore {
    /// How long until a delayed job of `queues` becomes ready or a lease expires.
    async fn until_next_due(&self, queues: &[String]) -> Result<Duration> {
        let due: Option<DateTime<Utc>> = sqlx::query_scalar(
            "SELECT min(CASE WHEN lease_token IS NULL THEN run_at ELSE lease_expires_at END) \
             FROM jobs WHERE queue = ANY($1)",
        )
        .bind(queues)
        .fetch_one(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(due.map_or(Duration::MAX, |due| {
            let left = (due - self.clock.now()).to_std().unwrap_or_default();
            left.max(Duration::from_millis(1))
        }))
    }
}

#[async_trait]
impl JobQueue for PgStore {
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
        sqlx::query(
            "INSERT INTO queue_counters (queue, completed) VALUES ($1, 1) \
             ON CONFLICT (queue) DO UPDATE SET completed = queue_counters.completed + 1",
        )
        .bind(enum_text(&job.queue)?)
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
               RETURNING id, queue, payload, attempts) \
             INSERT INTO dead_jobs (id, queue, payload, attempts, last_error, failed_at) \
             SELECT id, queue, payload, attempts, $3, $4 FROM gone \
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

    async fn dead_letters(&self, queue: QueueName, limit: usize) -> Result<Vec<DeadLetter>> {
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

    async fn stats(&self, queue: QueueName) -> Result<QueueStats> {
        let row = sqlx::query(
            "SELECT \
               count(*) FILTER (WHERE lease_token IS NOT NULL AND lease_expires_at > $2) AS active, \
               count(*) FILTER (WHERE (lease_token IS NULL OR lease_expires_at <= $2) \
                 AND run_at > $2) AS delayed, \
               count(*) FILTER (WHERE (lease_token IS NULL OR lease_expires_at <= $2) \
                 AND run_at <= $2) AS waiting, \
               (SELECT count(*) FROM dead_jobs WHERE queue = $1) AS failed, \
               (SELECT COALESCE(max(completed), 0) FROM queue_counters WHERE queue = $1) \
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
