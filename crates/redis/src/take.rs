//! Taking jobs: a reserve, or a batch of completions that takes the next jobs in the
//! same script (a busy worker's one round trip for many jobs). A reserve over several
//! queues tries them in turn from a rotating start, so that none starves another; each
//! script touches one queue (one hash slot).

use std::sync::atomic::Ordering;
use std::time::Duration;

use imagegen_application::ports::{CompletedBatch, Job, JobId, QueueName};
use imagegen_application::{Error, Result};
use redis::ScriptInvocation;
use uuid::Uuid;

use crate::RedisJobQueue;
use crate::error::unavailable;
use crate::queue::{later, ms};
use crate::scripts::{COMPLETE_BATCH, RESERVE, on_queue};

/// Leased jobs as the scripts return them: id, payload, attempts, max attempts, token,
/// and when it became due (ms; empty for a job queued by an earlier version).
type Taken = Vec<(String, String, u32, u32, String, String)>;

fn corrupt(what: &str, e: impl ToString) -> Error {
    Error::unexpected(format!("reading a queued {what}"), e.to_string())
}

fn job_id(id: &str) -> Result<JobId> {
    id.parse().map(JobId).map_err(|e| corrupt("job id", e))
}

fn jobs_from(queue: QueueName, taken: Taken) -> Result<Vec<Job>> {
    taken
        .into_iter()
        .map(|(id, payload, attempt, max_attempts, token, due)| {
            Ok(Job {
                id: job_id(&id)?,
                queue,
                payload: serde_json::from_str(&payload).map_err(|e| corrupt("payload", e))?,
                attempt,
                max_attempts,
                lease_token: token.parse().map_err(|e| corrupt("lease token", e))?,
                due_at: due
                    .parse::<i64>()
                    .ok()
                    .and_then(chrono::DateTime::from_timestamp_millis),
            })
        })
        .collect()
}

impl RedisJobQueue {
    /// Appends the times and `take` new lease tokens that a reserve needs.
    fn lease_args(&self, script: &mut ScriptInvocation<'_>, lease: Duration, take: usize) {
        let now = self.clock.now();
        script.arg(ms(now)).arg(ms(later(now, lease)));
        for _ in 0..take {
            script.arg(Uuid::new_v4().to_string());
        }
    }

    /// Leases up to `take` ready jobs of `queue`, without waiting.
    pub(crate) async fn take(
        &self,
        queue: QueueName,
        lease: Duration,
        take: usize,
    ) -> Result<Vec<Job>> {
        let mut script = on_queue(&RESERVE, &self.base(queue));
        self.lease_args(&mut script, lease, take);
        let mut connection = self.connection().await?;
        let taken: Taken = script
            .invoke_async(&mut connection)
            .await
            .map_err(unavailable)?;
        jobs_from(queue, taken)
    }

    /// Reserves one job of `queues` if one is ready now.
    pub(crate) async fn try_reserve(
        &self,
        queues: &[QueueName],
        lease: Duration,
    ) -> Result<Option<Job>> {
        let start = self.rotation.fetch_add(1, Ordering::Relaxed) % queues.len().max(1);
        for queue in queues[start..].iter().chain(&queues[..start]) {
            if let Some(job) = self.take(*queue, lease, 1).await?.pop() {
                return Ok(Some(job));
            }
        }
        Ok(None)
    }

    /// Completes `done` and leases up to `take` next jobs of `queue`, in one script.
    pub(crate) async fn complete_then_take(
        &self,
        queue: QueueName,
        done: &[Job],
        take: usize,
        lease: Duration,
    ) -> Result<CompletedBatch> {
        if let Some(job) = done.iter().find(|job| job.queue != queue) {
            return Err(Error::bug(format!(
                "completing a {} job in a batch of {queue}",
                job.queue
            )));
        }
        let mut script = on_queue(&COMPLETE_BATCH, &self.base(queue));
        self.lease_args(&mut script, lease, 0);
        script.arg(done.len());
        for job in done {
            script
                .arg(job.id.to_string())
                .arg(job.lease_token.to_string());
        }
        for _ in 0..take {
            script.arg(Uuid::new_v4().to_string());
        }
        let mut connection = self.connection().await?;
        let (lost, taken): (Vec<String>, Taken) = script
            .invoke_async(&mut connection)
            .await
            .map_err(unavailable)?;
        Ok(CompletedBatch {
            lost: lost.iter().map(|id| job_id(id)).collect::<Result<_>>()?,
            next: jobs_from(queue, taken)?,
        })
    }
}
