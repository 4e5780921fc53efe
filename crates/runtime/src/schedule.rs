//! Schedules: a job queued at a fixed interval. Every worker runs the schedule; the
//! job's idempotency key makes the copies one job while it waits.

use std::sync::Arc;
use std::time::Duration;

use imagegen_application::ports::{JobQueue, NewJob};
use tokio_util::sync::CancellationToken;

/// Queues `job` now and then every `interval`, until `shutdown` is cancelled.
pub async fn every(
    queue: Arc<dyn JobQueue>,
    job: NewJob,
    interval: Duration,
    shutdown: CancellationToken,
) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => break,
            _ = ticks.tick() => {}
        }
        if let Err(error) = queue.enqueue(job.clone()).await {
            tracing::warn!(%error, job.queue = %job.queue, "could not queue a scheduled job; next time");
        }
    }
}
