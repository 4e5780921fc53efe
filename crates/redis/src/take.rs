//! Taking jobs: a reserve, or a completion that takes the next job in the same script
//! (a busy worker's one round trip per job). The queues are tried in turn from a
//! rotating start, so that none starves another.

use std::sync::atomic::Ordering;
use std::time::Duration;

use imagegen_application::ports::{Job, JobId, QueueName};
use imagegen_application::{Error, Result};
use redis::ScriptInvocation;
use uuid::Uuid;

use crate::RedisJobQueue;
use crate::error::unavailable;
use crate::queue::{later, ms};
use crate::scripts::{COMPLETE_NEXT, RESERVE};

/// A leased job as the scripts return it.
type Found = Option<(String, String, String, u32, u32)>;

fn job_from(found: Found, token: Uuid) -> Result<Option<Job>> {
    let Some((id, queue, payload, attempt, max_attempts)) = found else {
        return Ok(None);
    };
    let corrupt = |what: &str, e: String| Error::unexpected(format!("reading a queued {what}"), e);
    Ok(Some(Job {
        id: JobId(
            id.parse()
                .map_err(|e: uuid::Error| corrupt("job id", e.to_string()))?,
        ),
        queue: serde_json::from_value(serde_json::Value::String(queue))
            .map_err(|e| corrupt("queue name", e.to_string()))?,
        payload: serde_json::from_str(&payload).map_err(|e| corrupt("payload", e.to_string()))?,
        attempt,
        max_attempts,
        lease_token: token,
    }))
}

impl RedisJobQueue {
    /// Appends the lease and the queues (rotated) that a reserve needs; returns the
    /// new lease token.
    fn lease_args(
        &self,
        script: &mut ScriptInvocation<'_>,
        queues: &[QueueName],
        lease: Duration,
    ) -> Uuid {
        let now = self.clock.now();
        let token = Uuid::new_v4();
        script
            .arg(ms(now))
            .arg(ms(later(now, lease)))
            .arg(token.to_string());
        let start = self.rotation.fetch_add(1, Ordering::Relaxed) % queues.len().max(1);
        for queue in queues[start..].iter().chain(&queues[..start]) {
            script.arg(queue.as_str());
        }
        token
    }

    /// Reserves one job of `queues` if one is ready now.
    pub(crate) async fn try_reserve(
        &self,
        queues: &[QueueName],
        lease: Duration,
    ) -> Result<Option<Job>> {
        let mut script = RESERVE.prepare_invoke();
        script.arg(&self.prefix);
        let token = self.lease_args(&mut script, queues, lease);
        let mut connection = self.connection().await?;
        let found: Found = script
            .invoke_async(&mut connection)
            .await
            .map_err(unavailable)?;
        job_from(found, token)
    }

    /// Completes `job` and reserves the next ready job of `queues`, in one script.
    pub(crate) async fn complete_then_take(
        &self,
        job: &Job,
        queues: &[QueueName],
        lease: Duration,
    ) -> Result<Option<Job>> {
        let mut script = COMPLETE_NEXT.prepare_invoke();
        script
            .arg(&self.prefix)
            .arg(job.queue.as_str())
            .arg(job.id.to_string())
            .arg(job.lease_token.to_string());
        let token = self.lease_args(&mut script, queues, lease);
        let mut connection = self.connection().await?;
        let (status, found): (String, Found) = script
            .invoke_async(&mut connection)
            .await
            .map_err(unavailable)?;
        if status == "lost" {
            return Err(Error::NotFound { what: "job lease" });
        }
        job_from(found, token)
    }
}
