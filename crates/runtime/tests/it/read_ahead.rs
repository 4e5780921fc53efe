//! Read-ahead: while a queue's handlers are fast, the runner leases a few jobs beyond
//! its slots, so a slot's next job is at hand; a shutdown hands them back at once, and
//! slow handlers get no read-ahead (other workers take the waiting jobs).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use imagegen_application::jobs::JobHandler;
use imagegen_application::ports::QueueAdmin as _;
use imagegen_application::ports::{Job, QueueStats};
use imagegen_memory::MemoryJobQueue;
use imagegen_runtime::{JobRunner, RunnerConfig};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::runner::{Q, enqueue, until};

/// Runs `fast` jobs at once, then each later job waits for a permit of `gate` (after
/// `pause`, to look slow).
struct FastThenHeld {
    fast: usize,
    pause: Duration,
    gate: Semaphore,
    runs: AtomicUsize,
}

#[async_trait]
impl JobHandler for FastThenHeld {
    fn queue(&self) -> imagegen_application::ports::QueueName {
        Q
    }
    async fn handle(&self, _job: &Job) -> imagegen_application::Result<()> {
        if self.runs.fetch_add(1, Ordering::SeqCst) >= self.fast {
            tokio::time::sleep(self.pause).await;
            self.gate.acquire().await.map(|p| p.forget()).ok();
        }
        Ok(())
    }
}

fn start(
    queue: &Arc<MemoryJobQueue>,
    handler: &Arc<FastThenHeld>,
) -> (CancellationToken, tokio::task::JoinHandle<()>) {
    let config = RunnerConfig {
        concurrency: 1,
        read_ahead: 8,
        ..RunnerConfig::default()
    };
    let runner = JobRunner::new(
        queue.clone(),
        vec![handler.clone() as Arc<dyn JobHandler>],
        config,
    );
    let shutdown = CancellationToken::new();
    (shutdown.clone(), tokio::spawn(runner.run(shutdown)))
}

async fn stats(queue: &MemoryJobQueue) -> QueueStats {
    queue.counts(Q).await.unwrap()
}

#[tokio::test]
async fn fast_jobs_are_leased_ahead_and_handed_back_at_shutdown() {
    let queue = Arc::new(MemoryJobQueue::new());
    let handler = Arc::new(FastThenHeld {
        fast: 50,
        pause: Duration::ZERO,
        gate: Semaphore::new(0),
        runs: AtomicUsize::new(0),
    });
    enqueue(&queue, 100).await;
    let (shutdown, run) = start(&queue, &handler);
    until("the 51st job held", || {
        handler.runs.load(Ordering::SeqCst) == 51
    })
    .await;
    let held = stats(&queue).await;
    assert!(
        held.active > 1,
        "one slot, yet jobs are leased ahead of it: {held:?}"
    );
    assert!(
        held.active <= 1 + 8,
        "no more than the read-ahead: {held:?}"
    );

    shutdown.cancel();
    handler.gate.add_permits(1);
    run.await.unwrap();
    let after = stats(&queue).await;
    assert_eq!(
        after.completed, 51,
        "each job that ran was completed: {after:?}"
    );
    assert_eq!(
        (after.active, after.waiting),
        (0, 49),
        "jobs read ahead are back at once, not when their leases end"
    );
    assert_eq!(handler.runs.load(Ordering::SeqCst), 51, "nothing ran twice");
}

#[tokio::test]
async fn slow_handlers_get_no_read_ahead() {
    let queue = Arc::new(MemoryJobQueue::new());
    let handler = Arc::new(FastThenHeld {
        fast: 0,
        pause: Duration::from_millis(30),
        gate: Semaphore::new(100),
        runs: AtomicUsize::new(0),
    });
    enqueue(&queue, 20).await;
    let (shutdown, run) = start(&queue, &handler);
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(15)).await;
        let now = stats(&queue).await;
        assert!(
            now.active <= 1,
            "a slow queue leases only what it runs: {now:?}"
        );
    }
    shutdown.cancel();
    run.await.unwrap();
}
