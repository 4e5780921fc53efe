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
    Clock, FailOutcome, Job, JobId, JobQueue, QueueAdmin, QueueName, SystemClock,
};
use imagegen_application::{Error, Result};
use imagegen_application::{metric_names, trace_context};
use tracing::Instrument;

use crate::backoff;

mod completer;
mod read_ahead;
mod serve;
mod slots;
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
    /// How often the runner reads the concurrency an operator set (the admin api).
    pub settings_every: Duration,
    /// Jobs of a queue leased ahead of its slots while its handlers are fast (a few
    /// ms), so a slot's next job is there when it finishes; 0 (the default) turns it
    /// off. It pays where a round trip to the queue is long (a Redis across a network);
    /// on one 2-core machine it measured no gain (docs/performance.md).
    pub read_ahead: usize,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self {
            concurrency: 8,
            per_queue: HashMap::new(),
            lease: Duration::from_secs(30),
            drain_timeout: Duration::from_secs(30),
            settings_every: Duration::from_secs(2),
            read_ahead: 0,
        }
    }
}

/// What happened to one job.
#[derive(Debug, Clone, PartialEq)]
pub enum JobOutcome {
    /// It ran to its end and was acknowledged.
    Completed,
    /// It failed transiently and runs again.
    Retrying {
        /// When it runs again.
        at: chrono::DateTime<Utc>,
    },
    /// It failed for good (or ran out of attempts) and waits in the dead letters.
    DeadLettered {
        /// Why, as recorded with the dead letter.
        error: String,
    },
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
    /// Where an operator's concurrency per queue is read from, when set.
    admin: Option<Arc<dyn QueueAdmin>>,
}

impl JobRunner {
    /// Runs the jobs of each handler's queue, reserved from `queue`.
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
            admin: None,
        }
    }

    /// Follows the concurrency per queue that operators set through `admin`.
    #[must_use]
    pub fn with_admin(mut self, admin: Arc<dyn QueueAdmin>) -> Self {
        self.admin = Some(admin);
        self
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
        crate::lock(&self.in_flight).insert(job.id, job.clone());
        let outcome = match self.handle(&job).await {
            Ok(()) => self.queue.complete(&job).await.map(|()| {
                metrics::counter!(metric_names::JOBS_COMPLETED, "queue" => job.queue.as_str())
                    .increment(1);
                JobOutcome::Completed
            }),
            Err(error) => self.settle_failure(&job, &error).await,
        };
        crate::lock(&self.in_flight).remove(&job.id);
        outcome.map(Some)
    }

    /// Runs `job`'s handler, renewing its lease meanwhile. A panic is an error.
    async fn handle(&self, job: &Job) -> Result<()> {
        let span = tracing::info_span!("job", job.id = %job.id, job.queue = %job.queue, job.attempt = job.attempt);
        let traceparent = job.payload.get(trace_context::PAYLOAD_KEY);
        if let Some(traceparent) = traceparent.and_then(|value| value.as_str()) {
            trace_context::adopt(&span, traceparent);
        }
        async {
            let handler = self
                .handlers
                .get(&job.queue)
                .ok_or_else(|| Error::bug("no handler for a reserved queue"))?;
            let started = std::time::Instant::now();
            if let Some(due) = job.due_at {
                let waited = (self.clock.now() - due).to_std().unwrap_or_default();
                metrics::histogram!(metric_names::JOB_WAIT, "queue" => job.queue.as_str())
                    .record(waited.as_secs_f64());
            }
            // A panicking handler fails its job (dead letter) instead of killing a worker.
            let handling = AssertUnwindSafe(handler.handle(job)).catch_unwind();
            let result = tokio::select! {
                biased;
                result = handling => result.unwrap_or_else(|_| {
                    Err(Error::bug(format!("the {} handler panicked", job.queue)))
                }),
                () = self.heartbeat(job) => Err(Error::bug("the heartbeat stopped")),
            };
            let took = started.elapsed();
            tracing::debug!(
                duration_ms = took.as_millis() as u64,
                ok = result.is_ok(),
                "job handled"
            );
            metrics::histogram!(metric_names::JOB_RUN, "queue" => job.queue.as_str())
                .record(took.as_secs_f64());
            result
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

    /// Schedules a retry of a failed job, or dead-letters it.
    async fn settle_failure(&self, job: &Job, error: &Error) -> Result<JobOutcome> {
        let retry_at = error.is_transient().then(|| {
            let delay = match error {
                Error::Provider(error) => error.retry_after(),
                _ => None,
            };
            let delay = delay.unwrap_or_else(|| backoff::delay(job.attempt));
            self.clock.now() + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX)
        });
        match self.queue.fail(job, &error.to_string(), retry_at).await? {
            FailOutcome::RetryAt(at) => {
                metrics::counter!(metric_names::JOBS_RETRIED, "queue" => job.queue.as_str())
                    .increment(1);
                tracing::warn!(%error, job.id = %job.id, job.queue = %job.queue, retry_at = %at, "job failed; will retry");
                Ok(JobOutcome::Retrying { at })
            }
            FailOutcome::DeadLettered => {
                let queue = job.queue.as_str();
                metrics::counter!(metric_names::JOBS_DEAD_LETTERED, "queue" => queue).increment(1);
                tracing::error!(%error, job.id = %job.id, job.queue = %job.queue, "job failed for good; dead-lettered");
                Ok(JobOutcome::DeadLettered {
                    error: error.to_string(),
                })
            }
        }
    }
}
