//! The job outbox (distributed mode): with [`JobDestination::Outbox`], the jobs a save
//! or a webhook record carries go to `job_outbox` in the same transaction, and
//! `JobOutbox::forward_to` moves them to the Redis queue after commit.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_application::ports::{JobOutbox, JobQueue, NewJob, QueueName};
use imagegen_application::{Error, Result};
use sqlx::types::Json;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use crate::error::{corrupt, unavailable};
use crate::rows::{enum_from_text, enum_text};
use crate::wakeups::OUTBOX_CHANNEL;

/// Where the jobs saved with a move go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum JobDestination {
    /// The `jobs` table: Postgres is the queue (the durable mode).
    #[default]
    Queue,
    /// The `job_outbox` table, for a dispatcher to move to another queue (Redis).
    Outbox,
}

/// Writes `job` to the outbox in the caller's transaction.
pub(crate) async fn insert_outbox(
    tx: &mut PgConnection,
    job: &NewJob,
    now: DateTime<Utc>,
) -> Result<()> {
    let max_attempts =
        i32::try_from(job.max_attempts).map_err(|e| Error::unexpected("max attempts", e))?;
    sqlx::query(
        "INSERT INTO job_outbox (id, queue, payload, idempotency_key, priority, run_at, \
         max_attempts, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(Uuid::now_v7())
    .bind(enum_text(&job.queue)?)
    .bind(Json(crate::jsonb::storable(&job.payload)))
    .bind(&job.idempotency_key)
    .bind(job.priority)
    .bind(job.run_at.unwrap_or(now))
    .bind(max_attempts)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(unavailable)?;
    sqlx::query("SELECT pg_notify($1, '')")
        .bind(OUTBOX_CHANNEL)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
    Ok(())
}

fn outbox_job(row: &sqlx::postgres::PgRow) -> Result<(Uuid, NewJob)> {
    let Json(payload): Json<serde_json::Value> = row
        .try_get("payload")
        .map_err(|e| corrupt("outbox payload", e))?;
    let max_attempts: i32 = row.try_get("max_attempts").map_err(unavailable)?;
    let run_at: DateTime<Utc> = row.try_get("run_at").map_err(unavailable)?;
    let job = NewJob {
        queue: enum_from_text("queue", row.try_get("queue").map_err(unavailable)?)?,
        payload,
        idempotency_key: row.try_get("idempotency_key").map_err(unavailable)?,
        priority: row.try_get("priority").map_err(unavailable)?,
        run_at: Some(run_at),
        max_attempts: u32::try_from(max_attempts).map_err(|e| corrupt("max attempts", e))?,
    };
    Ok((row.try_get("id").map_err(unavailable)?, job))
}

#[async_trait]
impl JobOutbox for crate::ports::PgJobOutbox {
    async fn forward_to(&self, queue: &dyn JobQueue, limit: usize) -> Result<usize> {
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        // Held until commit: another dispatcher skips these rows meanwhile.
        let rows = sqlx::query(
            "SELECT id, queue, payload, idempotency_key, priority, run_at, max_attempts \
             FROM job_outbox ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED",
        )
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&mut *tx)
        .await
        .map_err(unavailable)?;
        let mut moved = Vec::with_capacity(rows.len());
        for row in &rows {
            let enqueued = match outbox_job(row) {
                Ok((id, job)) => queue.enqueue(job).await.map(|_| id),
                Err(error) => Err(error),
            };
            match enqueued {
                Ok(id) => moved.push(id),
                Err(error) => {
                    // Release the rows now: a dropped transaction rolls back only when
                    // its connection is next used, and would hide them from the next
                    // round meanwhile.
                    tx.rollback().await.map_err(unavailable)?;
                    return Err(error);
                }
            }
        }
        sqlx::query("DELETE FROM job_outbox WHERE id = ANY($1)")
            .bind(&moved)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        Ok(moved.len())
    }

    async fn pending(&self) -> Result<Vec<(QueueName, u64)>> {
        let rows = sqlx::query("SELECT queue, count(*) AS jobs FROM job_outbox GROUP BY queue")
            .fetch_all(&self.pool)
            .await
            .map_err(unavailable)?;
        rows.iter()
            .map(|row| {
                let queue: String = row.try_get("queue").map_err(unavailable)?;
                let jobs: i64 = row.try_get("jobs").map_err(unavailable)?;
                Ok((
                    enum_from_text("queue", queue)?,
                    u64::try_from(jobs).unwrap_or(0),
                ))
            })
            .collect()
    }

    async fn wait_for_jobs(&self, max_wait: Duration) {
        let notified = self.wakeups.outbox.notified();
        let _ = tokio::time::timeout(
            max_wait.min(self.poll_backstop.max(Duration::from_millis(1))),
            notified,
        )
        .await;
    }
}
