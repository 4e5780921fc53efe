//! Writing a job inside any transaction, and reading job rows.

use chrono::{DateTime, Utc};
use imagegen_application::ports::{EnqueueOutcome, Job, JobId, NewJob};
use imagegen_application::{Error, Result};
use sqlx::types::Json;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use crate::error::{corrupt, unavailable};
use crate::rows::{enum_from_text, enum_text};
use crate::wakeups::JOBS_CHANNEL;

/// Queues `job` in the caller's transaction (or alone, on a plain connection). A key
/// already held by a waiting or running job makes it a no-op. Idle workers are woken
/// when the transaction commits.
pub(crate) async fn insert_job(
    tx: &mut PgConnection,
    job: &NewJob,
    now: DateTime<Utc>,
) -> Result<EnqueueOutcome> {
    let queue = enum_text(&job.queue)?;
    let max_attempts =
        i32::try_from(job.max_attempts).map_err(|e| Error::unexpected("max attempts", e))?;
    // A duplicate that finishes between the insert and the lookup frees its key: try
    // again then.
    for _ in 0..3 {
        let id = Uuid::now_v7();
        let inserted: Option<Uuid> = sqlx::query_scalar(
            "INSERT INTO jobs (id, queue, payload, idempotency_key, priority, run_at, \
             max_attempts, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
        )
        .bind(id)
        .bind(&queue)
        .bind(Json(crate::jsonb::storable(&job.payload)))
        .bind(&job.idempotency_key)
        .bind(job.priority)
        .bind(job.run_at.unwrap_or(now))
        .bind(max_attempts)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await
        .map_err(unavailable)?;
        if inserted.is_some() {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(JOBS_CHANNEL)
                .bind(&queue)
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
            return Ok(EnqueueOutcome::Enqueued(JobId(id)));
        }
        let existing: Option<Uuid> =
            sqlx::query_scalar("SELECT id FROM jobs WHERE idempotency_key = $1")
                .bind(&job.idempotency_key)
                .fetch_optional(&mut *tx)
                .await
                .map_err(unavailable)?;
        if let Some(existing) = existing {
            return Ok(EnqueueOutcome::Duplicate(JobId(existing)));
        }
    }
    Err(Error::unexpected(
        "enqueueing a job",
        "its idempotency key kept changing hands",
    ))
}

/// A leased job from a `RETURNING id, queue, payload, attempts, max_attempts, run_at` row.
pub(crate) fn leased_job(row: &sqlx::postgres::PgRow, lease_token: Uuid) -> Result<Job> {
    let attempts: i32 = row.try_get("attempts").map_err(unavailable)?;
    let max_attempts: i32 = row.try_get("max_attempts").map_err(unavailable)?;
    let Json(payload): Json<serde_json::Value> = row
        .try_get("payload")
        .map_err(|e| corrupt("job payload", e))?;
    Ok(Job {
        id: JobId(row.try_get("id").map_err(unavailable)?),
        queue: enum_from_text("queue", row.try_get("queue").map_err(unavailable)?)?,
        payload,
        attempt: u32::try_from(attempts).map_err(|e| corrupt("attempts", e))?,
        max_attempts: u32::try_from(max_attempts).map_err(|e| corrupt("max attempts", e))?,
        lease_token,
        due_at: row.try_get("run_at").map_err(unavailable)?,
    })
}
