//! The concurrency an operator sets through the admin port reaches a running runner:
//! more slots at once, fewer as busy ones finish.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use imagegen_application::jobs::JobHandler;
use imagegen_application::ports::QueueAdmin;
use imagegen_memory::MemoryJobQueue;
use imagegen_runtime::{JobRunner, RunnerConfig};
use tokio_util::sync::CancellationToken;

use crate::runner::{Gated, Q, enqueue, queue_completed, until};

// On paused time: a wait below passes only once every task is idle (the settings
// loop has looked several times), whatever the machine's load.
#[tokio::test(start_paused = true)]
async fn a_running_runner_follows_the_concurrency_an_operator_sets() {
    let (queue, handler) = (Arc::new(MemoryJobQueue::new()), Gated::new());
    enqueue(&queue, 12).await;
    let config = RunnerConfig {
        concurrency: 1,
        settings_every: Duration::from_millis(10),
        ..RunnerConfig::default()
    };
    let runner = JobRunner::new(
        queue.clone(),
        vec![handler.clone() as Arc<dyn JobHandler>],
        config,
    )
    .with_admin(queue.clone());
    let shutdown = CancellationToken::new();
    let run = tokio::spawn(runner.run(shutdown.clone()));
    until("one job in flight", || {
        handler.running.load(Ordering::SeqCst) == 1
    })
    .await;

    queue.set_concurrency(Q, Some(4)).await.unwrap();
    until("four jobs in flight", || {
        handler.running.load(Ordering::SeqCst) == 4
    })
    .await;

    queue.set_concurrency(Q, Some(2)).await.unwrap();
    // Busy slots give themselves up as their jobs finish: release two jobs, and two
    // slots go away instead of taking the next jobs.
    tokio::time::sleep(Duration::from_millis(50)).await;
    handler.gate.add_permits(2);
    until("two jobs done", || queue_completed(&queue) == 2).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        handler.running.load(Ordering::SeqCst),
        2,
        "two slots are left"
    );

    handler.gate.add_permits(100);
    until("every job completed", || queue_completed(&queue) == 12).await;
    shutdown.cancel();
    run.await.unwrap();
}
