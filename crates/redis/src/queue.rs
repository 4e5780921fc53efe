//! `JobQueue` on Redis. A queue is a few sorted sets: `ready` (scored by priority, then
//! enqueue order), `delayed` (by run time), `leased` (by lease expiry) and `dead` (by
//! failure time), with every job's fields in one hash of the queue's (see
//! `lua/keys.lua`). Reserving moves due delayed jobs
//! and expired leases back to `ready`, then pops the best one and leases it, all in one
//! script; settling checks the lease token first, so a worker whose lease was lost
//! cannot settle a job another worker holds. Times come from the `Clock` port.

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use crate::RedisConnections;
use crate::pool::Pool;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_application::ports::{
    Clock, CompletedBatch, DeadLetter, EnqueueOutcome, FailOutcome, Job, JobId, JobQueue, NewJob,
    QueueName, QueueStats, SystemClock,
};
use imagegen_application::{Error, Result};
use uuid::Uuid;

use crate::error::unavailable;
use crate::scripts::{ENQUEUE, SETTLE, STATS, on_queue};
use crate::{RedisError, RedisOptions};

/// The job queue on Redis.
pub struct RedisJobQueue {
    pub(crate) pool: Pool,
    pub(crate) target: crate::target::Target,
    pub(crate) prefix: String,
    pub(crate) clock: Arc<dyn Clock>,
    /// Which of a worker's queues `reserve` tries first, in turn.
    pub(crate) rotation: AtomicUsize,
    /// Connections for blocking waits, never pooled ones, reused between waits.
    pub(crate) blocking: std::sync::Mutex<Vec<crate::target::Link>>,
}

pub(crate) fn ms(at: DateTime<Utc>) -> String {
    at.timestamp_millis().to_string()
}

pub(crate) fn later(at: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    at + chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX)
}

impl RedisJobQueue {
    /// A queue on `url`, its keys under `options.prefix`.
    ///
    /// # Errors
    /// [`RedisError`] when the URL is invalid or the pool cannot be built.
    pub fn new(url: &str, options: &RedisOptions) -> Result<Self, RedisError> {
        Ok(Self::on(&RedisConnections::new(url, options)?))
    }

    /// A queue on `connections`, its keys under their prefix (blocking waits open
    /// links of their own to the same target).
    pub fn on(connections: &RedisConnections) -> Self {
        Self {
            pool: connections.pool.clone(),
            target: connections.target.clone(),
            prefix: connections.options.prefix.clone(),
            clock: Arc::new(SystemClock),
            rotation: AtomicUsize::new(0),
            blocking: std::sync::Mutex::default(),
        }
    }

    /// The base key of `queue`'s keys: the prefix and the queue's hash tag.
    pub(crate) fn base(&self, queue: QueueName) -> String {
        format!("{}{{{}}}", self.prefix, queue.as_str())
    }

    /// Takes times from `clock`.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub(crate) async fn connection(&self) -> Result<crate::pool::Connection> {
        self.pool.get().await.map_err(unavailable)
    }

    /// Runs the settle script; `Err(NotFound)` when the lease was lost.
    async fn settle(&self, job: &Job, action: &str, until: String, error: &str) -> Result<String> {
        let mut connection = self.connection().await?;
        let outcome: String = on_queue(&SETTLE, &self.base(job.queue))
            .arg(job.id.to_string())
            .arg(job.lease_token.to_string())
            .arg(action)
            .arg(ms(self.clock.now()))
            .arg(until)
            .arg(error)
            .invoke_async(&mut connection)
            .await
            .map_err(unavailable)?;
        match outcome.as_str() {
            "lost" => Err(Error::NotFound { what: "job lease" }),
            _ => Ok(outcome),
        }
    }

    /// A queue's counts and, in ms, its next delayed run or lease expiry.
    pub(crate) async fn counts(&self, queue: QueueName) -> Result<(QueueStats, Option<i64>)> {
        let mut connection = self.connection().await?;
        let (waiting, active, delayed, failed, completed, next_due): (
            u64,
            u64,
            u64,
            u64,
            u64,
            String,
        ) = on_queue(&STATS, &self.base(queue))
            .arg(ms(self.clock.now()))
            .invoke_async(&mut connection)
            .await
            .map_err(unavailable)?;
        let stats = QueueStats {
            waiting,
            active,
            delayed,
            failed,
            completed,
        };
        Ok((stats, next_due.parse().ok()))
    }
}

#[async_trait]
impl JobQueue for RedisJobQueue {
    async fn enqueue(&self, job: NewJob) -> Result<EnqueueOutcome> {
        let now = self.clock.now();
        let id = Uuid::now_v7();
        let payload = serde_json::to_string(&job.payload)
            .map_err(|e| Error::unexpected("serializing a job payload", e))?;
        let mut connection = self.connection().await?;
        let (added, existing): (i64, String) = on_queue(&ENQUEUE, &self.base(job.queue))
            .arg(id.to_string())
            .arg(payload)
            .arg(job.idempotency_key.as_deref().unwrap_or(""))
            .arg(job.priority)
            .arg(ms(job.run_at.unwrap_or(now)))
            .arg(job.max_attempts)
            .arg(ms(now))
            .invoke_async(&mut connection)
            .await
            .map_err(unavailable)?;
        let existing = existing
            .parse()
            .map_err(|e: uuid::Error| Error::unexpected("reading a job id", e.to_string()))?;
        Ok(match added {
            1 => EnqueueOutcome::Enqueued(JobId(existing)),
            _ => EnqueueOutcome::Duplicate(JobId(existing)),
        })
    }

    async fn reserve(
        &self,
        queues: &[QueueName],
        lease: Duration,
        wait: Duration,
    ) -> Result<Option<Job>> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(job) = self.try_reserve(queues, lease).await? {
                return Ok(Some(job));
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            self.wait_for_work(queues, deadline - now).await?;
        }
    }

    async fn complete_batch(
        &self,
        queue: QueueName,
        done: &[Job],
        take: usize,
        lease: Duration,
    ) -> Result<CompletedBatch> {
        self.complete_then_take(queue, done, take, lease).await
    }

    async fn extend(&self, job: &Job, lease: Duration) -> Result<()> {
        let until = ms(later(self.clock.now(), lease));
        self.settle(job, "extend", until, "").await.map(|_| ())
    }

    async fn complete(&self, job: &Job) -> Result<()> {
        self.settle(job, "complete", String::new(), "")
            .await
            .map(|_| ())
    }

    async fn fail(
        &self,
        job: &Job,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<FailOutcome> {
        let until = retry_at.map(ms).unwrap_or_default();
        match self.settle(job, "fail", until, error).await?.as_str() {
            "retry" => Ok(FailOutcome::RetryAt(
                retry_at.unwrap_or_else(|| self.clock.now()),
            )),
            _ => Ok(FailOutcome::DeadLettered),
        }
    }
}

/// What `QueueAdmin` reads (the queue's own port does not).
impl RedisJobQueue {
    /// The newest dead letters of `queue`.
    pub(crate) async fn dead_letters(
        &self,
        queue: QueueName,
        limit: usize,
    ) -> Result<Vec<DeadLetter>> {
        crate::dead::dead_letters(self, queue, limit).await
    }

    /// Counts of `queue`.
    pub(crate) async fn stats(&self, queue: QueueName) -> Result<QueueStats> {
        Ok(self.counts(queue).await?.0)
    }
}
