//! Use cases and job handlers against the in-memory adapters and mockall mocks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod create_generation;
mod handlers;
mod read_generations;
mod receive_webhook;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_application::ports::{
    DeadLetter, EnqueueOutcome, FailOutcome, Job, JobQueue, NewJob, QueueName, QueueStats,
};
use imagegen_application::{Caller, Error, Result, Role};
use imagegen_domain::{OrganizationId, UserId};
use imagegen_memory::MemoryJobQueue;
use uuid::Uuid;

pub fn caller() -> Caller {
    Caller {
        user_id: UserId::from_uuid(Uuid::new_v4()),
        organization_id: OrganizationId::from_uuid(Uuid::new_v4()),
        role: Role::User,
    }
}

/// Takes the next job of `queue`, failing the test if there is none.
pub async fn take(queue: &dyn JobQueue, name: QueueName) -> Job {
    queue
        .reserve(&[name], Duration::from_secs(30), Duration::ZERO)
        .await
        .unwrap()
        .expect("a queued job")
}

/// A memory queue whose first `failures` enqueues fail as if Redis were down.
pub struct FlakyQueue {
    pub inner: MemoryJobQueue,
    failures: AtomicUsize,
}

impl FlakyQueue {
    pub fn failing(failures: usize) -> Arc<Self> {
        Arc::new(Self {
            inner: MemoryJobQueue::new(),
            failures: AtomicUsize::new(failures),
        })
    }
}

#[async_trait]
impl JobQueue for FlakyQueue {
    async fn enqueue(&self, job: NewJob) -> Result<EnqueueOutcome> {
        let failing = self
            .failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if failing {
            return Err(Error::unavailable("job queue", "connection refused"));
        }
        self.inner.enqueue(job).await
    }
    async fn reserve(
        &self,
        queues: &[QueueName],
        lease: Duration,
        wait: Duration,
    ) -> Result<Option<Job>> {
        self.inner.reserve(queues, lease, wait).await
    }
    async fn complete(&self, job: &Job) -> Result<()> {
        self.inner.complete(job).await
    }
    async fn fail(
        &self,
        job: &Job,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<FailOutcome> {
        self.inner.fail(job, error, retry_at).await
    }
    async fn dead_letters(&self, queue: QueueName, limit: usize) -> Result<Vec<DeadLetter>> {
        self.inner.dead_letters(queue, limit).await
    }
    async fn stats(&self, queue: QueueName) -> Result<QueueStats> {
        self.inner.stats(queue).await
    }
}
