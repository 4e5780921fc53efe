//! The outbox dispatcher (distributed mode): moves the jobs saved with their moves from
//! the Postgres outbox to the Redis queue, soon after each commit.

use std::sync::Arc;
use std::time::Duration;

use imagegen_application::ports::{JobOutbox, JobQueue};
use tokio_util::sync::CancellationToken;

/// Jobs moved per round.
const BATCH: usize = 256;
/// The longest wait for new jobs before looking again anyway.
const IDLE_WAIT: Duration = Duration::from_secs(1);
/// The pause after an error, before trying again.
const ERROR_PAUSE: Duration = Duration::from_secs(1);

/// Moves jobs from an outbox to a queue.
pub struct OutboxDispatcher {
    outbox: Arc<dyn JobOutbox>,
    queue: Arc<dyn JobQueue>,
}

impl OutboxDispatcher {
    /// Moves jobs saved in `outbox` to `queue`.
    pub fn new(outbox: Arc<dyn JobOutbox>, queue: Arc<dyn JobQueue>) -> Self {
        Self { outbox, queue }
    }

    /// Runs until `shutdown` is cancelled. Several dispatchers may run at once.
    pub async fn run(self, shutdown: CancellationToken) {
        tracing::info!("outbox dispatcher started");
        while !shutdown.is_cancelled() {
            match self.outbox.forward_to(self.queue.as_ref(), BATCH).await {
                Ok(BATCH) => continue,
                Ok(moved) => {
                    if moved > 0 {
                        tracing::debug!(jobs = moved, "jobs moved to the queue");
                    }
                    tokio::select! {
                        () = shutdown.cancelled() => break,
                        () = self.outbox.wait_for_jobs(IDLE_WAIT) => {}
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "cannot move jobs to the queue; retrying");
                    tokio::select! {
                        () = shutdown.cancelled() => break,
                        () = tokio::time::sleep(ERROR_PAUSE) => {}
                    }
                }
            }
        }
        tracing::info!("outbox dispatcher stopped");
    }
}
