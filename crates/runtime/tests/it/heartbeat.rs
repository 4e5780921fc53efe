//! A live worker's heartbeat keeps a slow job its own: with a lease far shorter than
//! the job, an idle second worker asking again and again never gets it. On paused
//! time, with the queue's leases on the same clock: a loaded machine that runs the
//! heartbeat late cannot make the lease expire.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use imagegen_application::Result;
use imagegen_application::jobs::JobHandler;
use imagegen_application::ports::{EnqueueOutcome, FailOutcome, Job, JobQueue, NewJob, QueueName};
use imagegen_memory::MemoryJobQueue;
use imagegen_runtime::{JobRunner, RunnerConfig};
use tokio_util::sync::CancellationToken;

use crate::runner::{Gated, enqueue, queue_completed, until};

/// Tokio's clock as the queue's: paused in the test, it moves only when every task
/// waits, so leases and heartbeats keep their order whatever the machine's load.
struct TokioClock {
    start: (tokio::time::Instant, chrono::DateTime<chrono::Utc>),
}

impl imagegen_application::ports::Clock for TokioClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        let elapsed = chrono::Duration::from_std(self.start.0.elapsed()).unwrap_or_default();
        self.start.1 + elapsed
    }
}

/// The memory queue, counting empty reserves and lease extensions.
struct Counting {
    inner: Arc<MemoryJobQueue>,
    empty_reserves: AtomicUsize,
    extends: AtomicUsize,
}

#[async_trait]
impl JobQueue for Counting {
    async fn enqueue(&self, job: NewJob) -> Result<EnqueueOutcome> {
        self.inner.enqueue(job).await
    }
    async fn reserve(
        &self,
        queues: &[QueueName],
        lease: Duration,
        wait: Duration,
    ) -> Result<Option<Job>> {
        let got = self.inner.reserve(queues, lease, wait).await?;
        if got.is_none() {
            self.empty_reserves.fetch_add(1, Ordering::SeqCst);
        }
        Ok(got)
    }
    async fn extend(&self, job: &Job, lease: Duration) -> Result<()> {
        self.extends.fetch_add(1, Ordering::SeqCst);
        self.inner.extend(job, lease).await
    }
    async fn complete(&self, job: &Job) -> Result<()> {
        self.inner.complete(job).await
    }
    async fn fail(
        &self,
        job: &Job,
        error: &str,
        retry_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<FailOutcome> {
        self.inner.fail(job, error, retry_at).await
    }
}

#[tokio::test(start_paused = true)]
async fn a_live_workers_heartbeat_keeps_a_slow_job_from_a_second_worker() {
    let clock = TokioClock {
        start: (tokio::time::Instant::now(), chrono::Utc::now()),
    };
    let inner = Arc::new(MemoryJobQueue::with_clock(Arc::new(clock)));
    let handler = Gated::new();
    enqueue(&inner, 1).await;
    let queue = Arc::new(Counting {
        inner: inner.clone(),
        empty_reserves: AtomicUsize::new(0),
        extends: AtomicUsize::new(0),
    });
    // A lease far shorter than the job: only the heartbeat keeps it.
    let config = RunnerConfig {
        concurrency: 2,
        lease: Duration::from_millis(900),
        ..RunnerConfig::default()
    };
    let shutdown = CancellationToken::new();
    let runner = JobRunner::new(
        queue.clone(),
        vec![handler.clone() as Arc<dyn JobHandler>],
        config,
    );
    let run = tokio::spawn(runner.run(shutdown.clone()));
    until("the job in flight", || {
        handler.running.load(Ordering::SeqCst) == 1
    })
    .await;
    // The idle worker asks again and again (each ask waits 1 s, over three leases),
    // while the busy one renews its lease.
    let asked = queue.empty_reserves.load(Ordering::SeqCst);
    until("the idle worker to ask three more times", || {
        queue.empty_reserves.load(Ordering::SeqCst) >= asked + 3
            || handler.runs.load(Ordering::SeqCst) > 1
    })
    .await;
    assert!(queue.extends.load(Ordering::SeqCst) >= 3, "no heartbeat");
    assert_eq!(
        handler.runs.load(Ordering::SeqCst),
        1,
        "the job ran twice at once"
    );
    handler.gate.add_permits(1);
    until("the job completed", || queue_completed(&inner) == 1).await;
    shutdown.cancel();
    run.await.unwrap();
}
