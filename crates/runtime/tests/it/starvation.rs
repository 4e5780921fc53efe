//! One slow kind of work never starves another (a defect found by trying the product:
//! eight slow image copies held every slot of the one runner, and an unrelated
//! webhook waited half a minute). Each queue has workers of its own.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use imagegen_application::jobs::JobHandler;
use imagegen_application::ports::QueueAdmin as _;
use imagegen_application::ports::{Job, JobQueue, NewJob, QueueName};
use imagegen_memory::MemoryJobQueue;
use imagegen_runtime::{JobRunner, RunnerConfig};
use tokio_util::sync::CancellationToken;

use crate::runner::{Gated, Q as SLOW, enqueue, until};

const QUICK: QueueName = QueueName::GenerationWebhooks;

/// Finishes at once.
#[derive(Default)]
struct Quick {
    runs: AtomicUsize,
}

#[async_trait]
impl JobHandler for Quick {
    fn queue(&self) -> QueueName {
        QUICK
    }
    async fn handle(&self, _job: &Job) -> imagegen_application::Result<()> {
        self.runs.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

#[tokio::test]
async fn a_quick_job_runs_while_slow_jobs_hold_every_slot_of_their_queue() {
    let queue = Arc::new(MemoryJobQueue::new());
    let (slow, quick) = (Gated::new(), Arc::new(Quick::default()));
    enqueue(&queue, 8).await;
    let config = RunnerConfig {
        concurrency: 2,
        ..RunnerConfig::default()
    };
    let handlers: Vec<Arc<dyn JobHandler>> = vec![slow.clone(), quick.clone()];
    let shutdown = CancellationToken::new();
    let run = tokio::spawn(JobRunner::new(queue.clone(), handlers, config).run(shutdown.clone()));
    until("the slow queue's slots all taken", || {
        slow.running.load(Ordering::SeqCst) == 2
    })
    .await;

    queue
        .enqueue(NewJob::new(QUICK, serde_json::json!({ "webhook": 1 })))
        .await
        .unwrap();
    until("the quick job to run", || {
        quick.runs.load(Ordering::SeqCst) == 1
    })
    .await;
    assert_eq!(
        slow.running.load(Ordering::SeqCst),
        2,
        "the slow jobs are still running"
    );
    assert_eq!(queue.counts(SLOW).await.unwrap().waiting, 6);

    slow.gate.add_permits(8);
    until("every slow job done", || {
        slow.runs.load(Ordering::SeqCst) == 8
    })
    .await;
    shutdown.cancel();
    run.await.unwrap();
}
