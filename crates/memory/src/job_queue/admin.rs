//! Operating the memory queue: pause and resume, dead letters and their retry.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_application::ports::{DeadLetter, Job, JobId, QueueAdmin, QueueName, QueueStats};
use imagegen_application::{Error, Result};

use super::{Entry, MemoryJobQueue, State};
use crate::lock;

/// Moves a job that ran out of attempts to the dead letters, keeping it for a retry.
pub(super) fn bury(state: &mut State, job: &Job, entry: Entry, error: &str, now: DateTime<Utc>) {
    state.dead.push(DeadLetter {
        id: job.id,
        queue: job.queue,
        payload: entry.job.payload.clone(),
        attempts: entry.attempts,
        last_error: error.to_owned(),
        failed_at: now,
    });
    state.buried.insert(job.id, entry.job);
}

#[async_trait]
impl QueueAdmin for MemoryJobQueue {
    async fn counts(&self, queue: QueueName) -> Result<QueueStats> {
        Ok(super::counts::count(
            &lock(&self.state),
            queue,
            self.clock.now(),
        ))
    }

    async fn is_paused(&self, queue: QueueName) -> Result<bool> {
        Ok(lock(&self.state).paused.contains(&queue))
    }

    async fn pause(&self, queue: QueueName) -> Result<()> {
        lock(&self.state).paused.insert(queue);
        Ok(())
    }

    async fn resume(&self, queue: QueueName) -> Result<()> {
        lock(&self.state).paused.remove(&queue);
        self.ready.notify_waiters();
        Ok(())
    }

    async fn concurrency(&self, queue: QueueName) -> Result<Option<u32>> {
        Ok(lock(&self.state).concurrency.get(&queue).copied())
    }

    async fn set_concurrency(&self, queue: QueueName, concurrency: Option<u32>) -> Result<()> {
        let mut state = lock(&self.state);
        match concurrency {
            Some(n) => state.concurrency.insert(queue, n),
            None => state.concurrency.remove(&queue),
        };
        Ok(())
    }

    async fn dead(&self, queue: QueueName, limit: usize) -> Result<Vec<DeadLetter>> {
        let state = lock(&self.state);
        Ok((state.dead.iter().rev())
            .filter(|d| d.queue == queue)
            .take(limit)
            .cloned()
            .collect())
    }

    async fn retry_dead(&self, queue: QueueName, id: JobId) -> Result<()> {
        let job = {
            let mut state = lock(&self.state);
            let found = state
                .dead
                .iter()
                .position(|d| d.id == id && d.queue == queue);
            let index = found.ok_or(Error::NotFound {
                what: "dead letter",
            })?;
            state.dead.remove(index);
            state.buried.remove(&id).ok_or(Error::NotFound {
                what: "dead letter",
            })?
        };
        self.push(job);
        Ok(())
    }
}
