//! `JobRunner::run`: at most `concurrency` jobs at once; on shutdown a job in flight
//! finishes and is completed once; a job cut off by the drain timeout is delivered
//! back at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use chrono::TimeZone;
use imagegen_application::jobs::JobHandler;
use imagegen_application::ports::QueueAdmin as _;
use imagegen_application::ports::{Job, JobQueue, ManualClock, NewJob, QueueName};
use imagegen_memory::MemoryJobQueue;
use imagegen_runtime::{JobRunner, RunnerConfig};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

pub const Q: QueueName = QueueName::CleanupTasks;

/// Counts jobs in flight and waits for a permit before finishing each.
pub struct Gated {
    pub gate: Arc<Semaphore>,
    pub running: AtomicUsize,
    pub most: AtomicUsize,
    pub runs: AtomicUsize,
}

impl Gated {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            gate: Arc::new(Semaphore::new(0)),
            running: AtomicUsize::new(0),
            most: AtomicUsize::new(0),
            runs: AtomicUsize::new(0),
        })
    }
}

#[async_trait]
impl JobHandler for Gated {
    fn queue(&self) -> QueueName {
        Q
    }
    async fn handle(&self, _job: &Job) -> imagegen_application::Result<()> {
        self.runs.fetch_add(1, Ordering::SeqCst);
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        let permit = self.gate.acquire().await;
        permit.map(|p| p.forget()).ok();
        self.running.fetch_sub(1, Ordering::SeqCst);
        Ok(())
    }
}

pub async fn until(what: &str, condition: impl Fn() -> bool) {
    for _ in 0..3000 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

pub async fn enqueue(queue: &MemoryJobQueue, n: usize) {
    for i in 0..n {
        queue
            .enqueue(NewJob::new(Q, serde_json::json!({ "i": i })))
            .await
            .unwrap();
    }
}

fn runner(queue: &Arc<MemoryJobQueue>, handler: &Arc<Gated>, config: RunnerConfig) -> JobRunner {
    JobRunner::new(
        queue.clone(),
        vec![handler.clone() as Arc<dyn JobHandler>],
        config,
    )
}

#[tokio::test]
async fn no_more_than_concurrency_jobs_run_at_once() {
    let (queue, handler) = (Arc::new(MemoryJobQueue::new()), Gated::new());
    enqueue(&queue, 10).await;
    let config = RunnerConfig {
        concurrency: 3,
        ..RunnerConfig::default()
    };
    let shutdown = CancellationToken::new();
    let run = tokio::spawn(runner(&queue, &handler, config).run(shutdown.clone()));
    until("three jobs in flight", || {
        handler.running.load(Ordering::SeqCst) == 3
    })
    .await;
    let stats = queue.counts(Q).await.unwrap();
    assert_eq!(
        (stats.active, stats.waiting),
        (3, 7),
        "the runner took more than it runs"
    );
    handler.gate.add_permits(10);
    until("every job done", || {
        handler.runs.load(Ordering::SeqCst) == 10 && handler.running.load(Ordering::SeqCst) == 0
    })
    .await;
    until("every job completed", || queue_completed(&queue) == 10).await;
    assert_eq!(handler.most.load(Ordering::SeqCst), 3);
    shutdown.cancel();
    run.await.unwrap();
}

pub fn queue_completed(queue: &MemoryJobQueue) -> u64 {
    futures::executor::block_on(queue.counts(Q))
        .map(|s| s.completed)
        .unwrap_or(0)
}

#[tokio::test]
async fn a_job_in_flight_at_shutdown_finishes_once_and_no_new_job_starts() {
    let (queue, handler) = (Arc::new(MemoryJobQueue::new()), Gated::new());
    enqueue(&queue, 2).await;
    let config = RunnerConfig {
        concurrency: 1,
        ..RunnerConfig::default()
    };
    let shutdown = CancellationToken::new();
    let run = tokio::spawn(runner(&queue, &handler, config).run(shutdown.clone()));
    until("one job in flight", || {
        handler.running.load(Ordering::SeqCst) == 1
    })
    .await;
    shutdown.cancel();
    handler.gate.add_permits(1);
    tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .unwrap()
        .unwrap();
    let stats = queue.counts(Q).await.unwrap();
    assert_eq!((stats.completed, stats.waiting, stats.active), (1, 1, 0));
    assert_eq!(handler.runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_job_cut_off_by_the_drain_timeout_is_handed_back_at_once() {
    let clock = Arc::new(ManualClock::new(
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 28, 12, 0, 0)
            .unwrap(),
    ));
    let queue = Arc::new(MemoryJobQueue::with_clock(clock.clone()));
    let handler = Gated::new();
    enqueue(&queue, 1).await;
    let config = RunnerConfig {
        concurrency: 1,
        lease: Duration::from_secs(30),
        drain_timeout: Duration::from_millis(100),
        ..RunnerConfig::default()
    };
    let shutdown = CancellationToken::new();
    let run = tokio::spawn(runner(&queue, &handler, config).run(shutdown.clone()));
    until("the job in flight", || {
        handler.running.load(Ordering::SeqCst) == 1
    })
    .await;
    shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(queue.counts(Q).await.unwrap().completed, 0);
    // No time passes: the cut-off job is another worker's to take right away.
    let again = queue
        .reserve(&[Q], Duration::from_secs(30), Duration::ZERO)
        .await
        .unwrap()
        .expect("handed back");
    assert_eq!(again.attempt, 2);
}
