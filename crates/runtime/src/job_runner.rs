//! Runs queued jobs: reserve under a lease, run the handler, then complete, retry with
//! backoff, or dead-letter. Shutdown stops taking jobs and lets in-flight ones finish
//! within a drain timeout; a job cut off then is handed back (its lease ended at once).

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures::FutureExt;
use imagegen_application::jobs::JobHandler;
use imagegen_application::ports::{
    Clock, FailOutcome, Job, JobId, JobQueue, QueueName, SystemClock,
};
use imagegen_application::{Error, Result};
use tracing::Instrument;

use crate::backoff;

mod workers;

/// Runner settings.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// Jobs of one queue run at once by this runner. Each queue has workers of its
    /// own, so a slow kind of work never holds the slots of another.
    pub concurrency: usize,
    /// Per-queue exceptions to `concurrency`.
    pub per_queue: HashMap<QueueName, usize>,
    /// How long a job stays leased without a heartbeat: a worker that dies without a
    /// word has its jobs delivered again this long after its last heartbeat. A live
    /// worker renews the lease every third of it while the handler runs.
    pub lease: Duration,
    /// How long in-flight jobs may take to finish after shutdown begins.
    pub drain_timeout: Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self {
            concurrency: 8,
            per_queue: HashMap::new(),
            lease: Duration::from_secs(30),
            drain_timeout: Duration::from_secs(30),
        }
    }
}

/// What happened to one job.
#[derive(Debug, Clone, PartialEq)]
pub enum JobOutcome {
    Completed,
    Retrying { at: chrono::DateTime<Utc> },
    DeadLettered { error: String },
}

/// Runs the handlers of several queues.
#[derive(Clone)]
pub struct JobRunner {
    queue: Arc<dyn JobQueue>,
    handlers: Arc<HashMap<QueueName, Arc<dyn JobHandler>>>,
    config: RunnerConfig,
    /// Retry times are computed from it.
    clock: Arc<dyn Clock>,
    /// The jobs being run now, to hand back if the drain timeout cuts them off.
    in_flight: Arc<std::sync::Mutex<HashMap<JobId, Job>>>,
}

impl JobRunner {
    pub fn new(
        queue: Arc<dyn JobQueue>,
        handlers: Vec<Arc<dyn JobHandler>>,
        config: RunnerConfig,
    ) -> Self {
        let handlers = handlers.into_iter().map(|h| (h.queue(), h)).collect();
        Self {
            queue,
            handlers: Arc::new(handlers),
            config,
            clock: Arc::new(SystemClock),
            in_flight: Arc::default(),
        }
    }

    /// Computes retry times from `clock` instead of the system's.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    fn queues(&self) -> Vec<QueueName> {
        self.handlers.keys().copied().collect()
    }

    /// Takes one job (waiting up to `wait`), runs it and settles it. `None` when no
    /// job came. Tests use it to drain a queue step by step.
    pub async fn execute_next(&self, wait: Duration) -> Result<Option<JobOutcome>> {
        let Some(job) = self
            .queue
            .reserve(&self.queues(), self.config.lease, wait)
            .await?
        else {
            return Ok(None);
        };
        self.execute(job, None)
            .await
            .map(|(outcome, _)| Some(outcome))
    }

    /// Runs and settles `job`; on success, also takes the next ready job of
    /// `next_from` in the same call to the queue.
    async fn execute(
        &self,
        job: Job,
        next_from: Option<&[QueueName]>,
    ) -> Result<(JobOutcome, Option<Job>)> {
        crate::lock(&self.in_flight).insert(job.id, job.clone());
        let outcome = self.run_one(&job, next_from).await;
        crate::lock(&self.in_flight).remove(&job.id);
        outcome
    }

    async fn run_one(
        &self,
        job: &Job,
        next_from: Option<&[QueueName]>,
    ) -> Result<(JobOutcome, Option<Job>)> {
        let job = job.clone();
        let span = tracing::info_span!("job", job.id = %job.id, job.queue = %job.queue, job.attempt = job.attempt);
        async {
            let handler = self
                .handlers
                .get(&job.queue)
                .ok_or_else(|| Error::bug("no handler for a reserved queue"))?;
            let started = std::time::Instant::now();
            // A panicking handler fails its job (dead letter) instead of killing a worker.
            let handling = AssertUnwindSafe(handler.handle(&job)).catch_unwind();
            let result = tokio::select! {
                biased;
                result = handling => result.unwrap_or_else(|_| {
                    Err(Error::bug(format!("the {} handler panicked", job.queue)))
                }),
                () = self.heartbeat(&job) => Err(Error::bug("the heartbeat stopped")),
            };
            let duration_ms = started.elapsed().as_millis() as u64;
            let lease = self.config.lease;
            match (result, next_from) {
                (Ok(()), Some(queues)) => {
                    let next = self.queue.complete_and_reserve(&job, queues, lease).await?;
                    tracing::debug!(duration_ms, "job completed");
                    Ok((JobOutcome::Completed, next))
                }
                (Ok(()), None) => {
                    self.queue.complete(&job).await?;
                    tracing::debug!(duration_ms, "job completed");
                    Ok((JobOutcome::Completed, None))
                }
                (Err(error), _) => {
                    Ok((self.settle_failure(&job, &error, duration_ms).await?, None))
                }
            }
        }
        .instrument(span)
        .await
    }

    /// Renews the job's lease every third of it, for as long as it is polled.
    async fn heartbeat(&self, job: &Job) {
        let every = (self.config.lease / 3).max(Duration::from_millis(10));
        loop {
            tokio::time::sleep(every).await;
            if let Err(error) = self.queue.extend(job, self.config.lease).await {
                // Lost (another worker may now hold it) or unreachable: the handler goes
                // on; settling will tell which.
                tracing::warn!(%error, "could not extend the job's lease");
            }
        }
    }

    async fn settle_failure(
        &self,
        job: &Job,
        error: &Error,
        duration_ms: u64,
    ) -> Result<JobOutcome> {
        let retry_at = error.is_transient().then(|| {
            let delay = match error {
                Error::ProviderUnavailable {
                    retry_after: Some(after),
                    ..
                } => *after,
                _ => backoff::delay(job.attempt),
            };
            self.clock.now() + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX)
        });
        match self.queue.fail(job, &error.to_string(), retry_at).await? {
            FailOutcome::RetryAt(at) => {
                tracing::warn!(%error, duration_ms, retry_at = %at, "job failed; will retry");
                Ok(JobOutcome::Retrying { at })
            }
            FailOutcome::DeadLettered => {
                tracing::error!(%error, duration_ms, "job failed for good; dead-lettered");
                Ok(JobOutcome::DeadLettered {
                    error: error.to_string(),
                })
            }
        }
    }
}
