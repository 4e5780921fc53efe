//! Taking the next job. `FOR UPDATE SKIP LOCKED` on the `jobs_ready` index gives each
//! ready job to one worker, in priority then enqueue order within a queue; the queues
//! a worker serves are tried in turn, starting from a rotating one, so that no queue
//! starves another. A job whose lease expired is handed back (its token cleared, so
//! its old holder can no longer settle it) when nothing is ready, and at least once a
//! second while jobs keep coming.

use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::{DateTime, Utc};
use imagegen_application::Result;
use imagegen_application::ports::Job;
use uuid::Uuid;

use crate::error::unavailable;
use crate::job_rows::leased_job;

/// The first ready job of the first queue (in the given order, paused ones left out)
/// that has one.
const TAKE_READY: &str = "WITH next AS ( \
      SELECT j.id FROM ( \
        SELECT u.name FROM unnest($1::text[]) AS u(name) \
        WHERE NOT EXISTS (SELECT 1 FROM paused_queues p WHERE p.queue = u.name)) AS q \
      CROSS JOIN LATERAL ( \
        SELECT id FROM jobs \
        WHERE queue = q.name AND lease_token IS NULL AND run_at <= $2 \
        ORDER BY priority DESC, enqueued_seq LIMIT 1 FOR UPDATE SKIP LOCKED) j \
      LIMIT 1) \
    UPDATE jobs SET lease_token = $3, lease_expires_at = $4, attempts = jobs.attempts + 1 \
    FROM next WHERE jobs.id = next.id \
    RETURNING jobs.id, jobs.queue, jobs.payload, jobs.attempts, jobs.max_attempts, jobs.run_at";

const RECLAIM: &str = "UPDATE jobs SET lease_token = NULL, lease_expires_at = NULL \
    WHERE queue = ANY($1) AND lease_token IS NOT NULL AND lease_expires_at <= $2";

/// How often expired leases are looked for while ready jobs keep every worker busy.
const RECLAIM_EVERY_MS: i64 = 1_000;

impl crate::store::PgShared {
    /// Reserves one job of `queues` if one is ready now.
    pub(crate) async fn try_reserve(
        &self,
        queues: &[String],
        lease: Duration,
    ) -> Result<Option<Job>> {
        let now = self.clock.now();
        let last = self.last_reclaim_ms.load(Ordering::Relaxed);
        if now.timestamp_millis() - last >= RECLAIM_EVERY_MS {
            self.reclaim(queues, now).await?;
        }
        let start = self.rotation.fetch_add(1, Ordering::Relaxed) % queues.len().max(1);
        let ordered: Vec<&String> = queues[start..].iter().chain(&queues[..start]).collect();
        if let Some(job) = self.take_ready(&ordered, lease, now).await? {
            // There may be more: let another idle worker look too.
            self.wakeups.jobs.notify_one();
            return Ok(Some(job));
        }
        if self.reclaim(queues, now).await? > 0 {
            return self.take_ready(&ordered, lease, now).await;
        }
        Ok(None)
    }

    async fn take_ready(
        &self,
        queues: &[&String],
        lease: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<Job>> {
        let token = Uuid::new_v4();
        let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
        let row = sqlx::query(TAKE_READY)
            .bind(queues)
            .bind(now)
            .bind(token)
            .bind(until)
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?;
        row.map(|row| leased_job(&row, token)).transpose()
    }

    /// Hands expired leases of `queues` back; returns how many.
    async fn reclaim(&self, queues: &[String], now: DateTime<Utc>) -> Result<u64> {
        self.last_reclaim_ms
            .store(now.timestamp_millis(), Ordering::Relaxed);
        let reclaimed = sqlx::query(RECLAIM)
            .bind(queues)
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?
            .rows_affected();
        if reclaimed > 0 {
            tracing::info!(jobs = reclaimed, "expired job leases handed back");
        }
        Ok(reclaimed)
    }

    /// How long until a delayed job of `queues` becomes ready or a lease expires.
    pub(crate) async fn until_next_due(&self, queues: &[String]) -> Result<Duration> {
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
