//! Named job queues with leases, retries and dead letters.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::queue_name::{JobId, QueueName};
use crate::Result;

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    /// Which queue.
    pub queue: QueueName,
    /// What the handler reads.
    pub payload: serde_json::Value,
    /// A second enqueue with the same key, while the first job exists, is a no-op.
    pub idempotency_key: Option<String>,
    /// Higher runs first among ready jobs of one queue.
    pub priority: i16,
    /// Not before this time; `None` is now.
    pub run_at: Option<DateTime<Utc>>,
    /// Deliveries before the job is dead-lettered.
    pub max_attempts: u32,
}

impl NewJob {
    /// A job with default priority, no delay and 8 attempts.
    pub fn new(queue: QueueName, mut payload: serde_json::Value) -> Self {
        // Queued inside a traced span: the job's own span continues the trace.
        if let (Some(traceparent), Some(fields)) =
            (crate::trace_context::current(), payload.as_object_mut())
        {
            fields.insert(crate::trace_context::PAYLOAD_KEY.into(), traceparent.into());
        }
        Self {
            queue,
            payload,
            idempotency_key: None,
            priority: 0,
            run_at: None,
            max_attempts: 8,
        }
    }

    /// Sets the idempotency key.
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Runs no earlier than `run_at`.
    #[must_use]
    pub fn at(mut self, run_at: DateTime<Utc>) -> Self {
        self.run_at = Some(run_at);
        self
    }
}

/// A job handed to a worker under a lease.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// The job's id.
    pub id: JobId,
    /// Its queue.
    pub queue: QueueName,
    /// What the handler reads.
    pub payload: serde_json::Value,
    /// 1 on the first delivery.
    pub attempt: u32,
    /// How many attempts it gets before it is dead-lettered.
    pub max_attempts: u32,
    /// Identifies this delivery; completing or failing needs it, so a worker whose
    /// lease expired cannot settle a job another worker now holds.
    pub lease_token: Uuid,
    /// When it became due (its enqueue, or its retry time), for the wait-time metric;
    /// `None` when the queue does not know (a job queued by an earlier version).
    pub due_at: Option<DateTime<Utc>>,
}

impl Job {
    /// Whether a failure now would dead-letter the job.
    pub fn is_last_attempt(&self) -> bool {
        self.attempt >= self.max_attempts
    }
}

/// Result of an enqueue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnqueueOutcome {
    /// Queued under this id.
    Enqueued(JobId),
    /// A job with the same idempotency key exists.
    Duplicate(JobId),
}

/// Result of a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOutcome {
    /// It runs again at this time.
    RetryAt(DateTime<Utc>),
    /// It is out of attempts: dead-lettered.
    DeadLettered,
}

/// A job that ran out of attempts.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadLetter {
    /// The job's id.
    pub id: JobId,
    /// Its queue.
    pub queue: QueueName,
    /// What the handler read.
    pub payload: serde_json::Value,
    /// How many attempts it had.
    pub attempts: u32,
    /// The last error, as text.
    pub last_error: String,
    /// When it was dead-lettered.
    pub failed_at: DateTime<Utc>,
}

/// What [`JobQueue::complete_batch`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CompletedBatch {
    /// Jobs not completed: their leases were lost (another worker may hold them).
    pub lost: Vec<JobId>,
    /// The jobs leased next, at most `take`.
    pub next: Vec<Job>,
}

/// Counts of one queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QueueStats {
    /// Ready to run.
    pub waiting: u64,
    /// Running under a lease.
    pub active: u64,
    /// Waiting for their run time (retries, delays).
    pub delayed: u64,
    /// Dead-lettered.
    pub failed: u64,
    /// Run to completion.
    pub completed: u64,
}

/// At-least-once job queues.
#[async_trait]
pub trait JobQueue: Send + Sync {
    /// Adds a job. Errors: `Unavailable` if the queue cannot be reached.
    async fn enqueue(&self, job: NewJob) -> Result<EnqueueOutcome>;

    /// Takes the highest-priority ready job of `queues` and leases it for `lease`;
    /// waits up to `wait` for one. A job whose lease expires is delivered again.
    /// Errors: `Unavailable`.
    async fn reserve(
        &self,
        queues: &[QueueName],
        lease: Duration,
        wait: Duration,
    ) -> Result<Option<Job>>;

    /// Renews the lease of a job that is still running, to `lease` from now (the
    /// heartbeat), so that a slow job is never delivered to a second worker while its
    /// first is alive. Errors: `NotFound` if the lease was lost; `Unavailable`.
    async fn extend(&self, job: &Job, lease: Duration) -> Result<()>;

    /// Removes a finished job. Errors: `NotFound` if the lease was lost; `Unavailable`.
    async fn complete(&self, job: &Job) -> Result<()>;

    /// Completes the jobs of `done` (all of `queue`), then leases up to `take` ready
    /// jobs of `queue` without waiting: what a busy worker does with the jobs its
    /// handlers finished meanwhile, in one round trip where the adapter can. A job
    /// whose lease was lost is listed in `lost` and left alone.
    /// Errors: `Unavailable` (some jobs may be completed; the others are delivered
    /// again when their leases end).
    async fn complete_batch(
        &self,
        queue: QueueName,
        done: &[Job],
        take: usize,
        lease: Duration,
    ) -> Result<CompletedBatch> {
        let mut batch = CompletedBatch::default();
        for job in done {
            match self.complete(job).await {
                Err(crate::Error::NotFound { .. }) => batch.lost.push(job.id),
                outcome => outcome?,
            }
        }
        while batch.next.len() < take {
            match self.reserve(&[queue], lease, Duration::ZERO).await? {
                Some(job) => batch.next.push(job),
                None => break,
            }
        }
        Ok(batch)
    }

    /// Records a failure: the job runs again at `retry_at`, or, when `retry_at` is
    /// `None` or attempts are used up, goes to the dead letters.
    /// Errors: `NotFound` if the lease was lost; `Unavailable`.
    async fn fail(
        &self,
        job: &Job,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<FailOutcome>;
}
