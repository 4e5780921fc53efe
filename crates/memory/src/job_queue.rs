//! Job queues in memory, with the semantics of the Redis queue: leases, redelivery of
//! expired leases, retries at a given time, dead letters, priorities, delays and
//! idempotent enqueue by key.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_application::ports::{
    Clock, DeadLetter, EnqueueOutcome, FailOutcome, Job, JobId, JobQueue, NewJob, QueueName,
    SystemClock,
};
use imagegen_application::{Error, Result};
use tokio::sync::Notify;
use uuid::Uuid;

use crate::lock;

mod admin;
mod counts;

/// The nap of a waiting `reserve` when no job of its queues is delayed or leased.
const LONGEST_NAP: Duration = Duration::from_secs(3600);

struct Entry {
    job: NewJob,
    /// Deliveries so far.
    attempts: u32,
    /// Enqueue order, to keep FIFO among equal priorities.
    seq: u64,
    run_at: DateTime<Utc>,
    /// Set while a worker holds the job.
    lease: Option<(Uuid, DateTime<Utc>)>,
}

#[derive(Default)]
struct State {
    jobs: HashMap<JobId, Entry>,
    keys: HashMap<String, JobId>,
    dead: Vec<DeadLetter>,
    /// The dead letters' jobs, to put back on a retry.
    buried: HashMap<JobId, NewJob>,
    paused: HashSet<QueueName>,
    concurrency: HashMap<QueueName, u32>,
    completed: HashMap<QueueName, u64>,
    next_seq: u64,
}

/// The in-memory job queue.
pub struct MemoryJobQueue {
    state: Mutex<State>,
    ready: Notify,
    clock: Arc<dyn Clock>,
}

impl Default for MemoryJobQueue {
    fn default() -> Self {
        Self::with_clock(Arc::new(SystemClock))
    }
}

impl MemoryJobQueue {
    /// An empty queue on the system clock.
    pub fn new() -> Self {
        Self::default()
    }

    /// A queue whose leases, delays and retries follow `clock`.
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        Self {
            state: Mutex::default(),
            ready: Notify::new(),
            clock,
        }
    }

    /// Adds a job at once; the memory repository and inbox call it inside their own
    /// critical section, so a save and its jobs are one step.
    pub fn push(&self, job: NewJob) -> EnqueueOutcome {
        let mut state = lock(&self.state);
        if let Some(existing) = job.idempotency_key.as_ref().and_then(|k| state.keys.get(k)) {
            return EnqueueOutcome::Duplicate(*existing);
        }
        let id = JobId(Uuid::now_v7());
        if let Some(key) = &job.idempotency_key {
            state.keys.insert(key.clone(), id);
        }
        state.next_seq += 1;
        let entry = Entry {
            run_at: job.run_at.unwrap_or_else(|| self.clock.now()),
            seq: state.next_seq,
            attempts: 0,
            lease: None,
            job,
        };
        state.jobs.insert(id, entry);
        drop(state);
        self.ready.notify_waiters();
        EnqueueOutcome::Enqueued(id)
    }

    fn try_reserve(&self, queues: &[QueueName], lease: Duration) -> Option<Job> {
        let now = self.clock.now();
        let mut state = lock(&self.state);
        let (id, _) = state
            .jobs
            .iter()
            .filter(|(_, e)| queues.contains(&e.job.queue) && !state.paused.contains(&e.job.queue))
            .filter(|(_, e)| e.run_at <= now)
            .filter(|(_, e)| e.lease.is_none_or(|(_, until)| until <= now))
            .max_by_key(|(_, e)| (e.job.priority, std::cmp::Reverse(e.seq)))
            .map(|(id, e)| (*id, e.seq))?;
        let entry = state.jobs.get_mut(&id)?;
        let token = Uuid::new_v4();
        let lease = chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
        entry.lease = Some((token, now + lease));
        entry.attempts += 1;
        Some(Job {
            id,
            queue: entry.job.queue,
            payload: entry.job.payload.clone(),
            attempt: entry.attempts,
            max_attempts: entry.job.max_attempts,
            lease_token: token,
            due_at: Some(entry.run_at),
        })
    }

    /// How long until a delayed job of `queues` becomes ready or a lease expires.
    fn until_next_due(&self, queues: &[QueueName]) -> Duration {
        let now = self.clock.now();
        counts::next_due(&lock(&self.state), queues).map_or(LONGEST_NAP, |due| {
            (due - now)
                .to_std()
                .unwrap_or_default()
                .max(Duration::from_millis(1))
        })
    }

    /// The entry of `job` if `job` still holds its lease.
    fn leased_mut<'s>(state: &'s mut State, job: &Job) -> Result<&'s mut Entry> {
        state
            .jobs
            .get_mut(&job.id)
            .filter(|e| e.lease.is_some_and(|(token, _)| token == job.lease_token))
            .ok_or(Error::NotFound { what: "job lease" })
    }

    /// Removes the job if `job` still holds its lease.
    fn take_leased(state: &mut State, job: &Job) -> Result<Entry> {
        let held = state
            .jobs
            .get(&job.id)
            .is_some_and(|e| e.lease.is_some_and(|(token, _)| token == job.lease_token));
        if !held {
            return Err(Error::NotFound { what: "job lease" });
        }
        let entry = state
            .jobs
            .remove(&job.id)
            .ok_or(Error::NotFound { what: "job" })?;
        if let Some(key) = &entry.job.idempotency_key {
            state.keys.remove(key);
        }
        Ok(entry)
    }
}

#[async_trait]
impl JobQueue for MemoryJobQueue {
    async fn enqueue(&self, job: NewJob) -> Result<EnqueueOutcome> {
        Ok(self.push(job))
    }

    async fn reserve(
        &self,
        queues: &[QueueName],
        lease: Duration,
        wait: Duration,
    ) -> Result<Option<Job>> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let notified = self.ready.notified();
            if let Some(job) = self.try_reserve(queues, lease) {
                return Ok(Some(job));
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            // Enqueues notify; only delayed jobs and expiring leases need a timer.
            let nap = (deadline - now).min(self.until_next_due(queues));
            let _ = tokio::time::timeout(nap, notified).await;
        }
    }

    async fn extend(&self, job: &Job, lease: Duration) -> Result<()> {
        let lease = chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
        let until = self.clock.now() + lease;
        Self::leased_mut(&mut lock(&self.state), job)?.lease = Some((job.lease_token, until));
        Ok(())
    }

    async fn complete(&self, job: &Job) -> Result<()> {
        let mut state = lock(&self.state);
        Self::take_leased(&mut state, job)?;
        *state.completed.entry(job.queue).or_default() += 1;
        Ok(())
    }

    async fn fail(
        &self,
        job: &Job,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<FailOutcome> {
        let mut state = lock(&self.state);
        match retry_at.filter(|_| !job.is_last_attempt()) {
            Some(at) => {
                let entry = Self::leased_mut(&mut state, job)?;
                entry.lease = None;
                entry.run_at = at;
                Ok(FailOutcome::RetryAt(at))
            }
            None => {
                let entry = Self::take_leased(&mut state, job)?;
                admin::bury(&mut state, job, entry, error, self.clock.now());
                Ok(FailOutcome::DeadLettered)
            }
        }
    }
}
