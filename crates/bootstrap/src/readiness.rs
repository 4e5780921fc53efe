//! Whether a worker should be counted on (its `/readyz`): not while it drains, not once
//! one of its loops has stopped, and not while Postgres or Redis does not answer
//! within two seconds.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use imagegen_application::ports::{EventStore, QueueAdmin, QueueName};
use tokio_util::sync::CancellationToken;

/// How long each check waits for its service.
const CHECK: Duration = Duration::from_secs(2);

/// Why a worker is not ready; the text is what `/readyz` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotReady {
    /// SIGTERM arrived: it finishes what it holds and takes nothing new.
    #[error("draining")]
    Draining,
    /// A worker loop ended before shutdown: restart the process.
    #[error("a worker loop stopped")]
    LoopStopped,
    /// Postgres did not answer.
    #[error("store unavailable")]
    Store,
    /// The job queue (Redis) did not answer.
    #[error("queue unavailable")]
    Queue,
}

/// The worker's readiness checks; cheap to clone.
#[derive(Clone)]
pub struct Readiness {
    events: Arc<dyn EventStore>,
    queue: Arc<dyn QueueAdmin>,
    shutdown: CancellationToken,
    loops_running: Arc<AtomicBool>,
}

impl Readiness {
    pub(crate) fn new(
        events: Arc<dyn EventStore>,
        queue: Arc<dyn QueueAdmin>,
        shutdown: CancellationToken,
    ) -> Self {
        Self {
            events,
            queue,
            shutdown,
            loops_running: Arc::new(AtomicBool::new(true)),
        }
    }

    /// Records that a worker loop ended before shutdown.
    pub fn loop_stopped(&self) {
        self.loops_running.store(false, Ordering::Relaxed);
    }

    /// Ready, or the first reason it is not.
    ///
    /// # Errors
    /// [`NotReady`] with the reason.
    pub async fn check(&self) -> Result<(), NotReady> {
        if self.shutdown.is_cancelled() {
            return Err(NotReady::Draining);
        }
        if !self.loops_running.load(Ordering::Relaxed) {
            return Err(NotReady::LoopStopped);
        }
        let store = tokio::time::timeout(CHECK, self.events.latest_position()).await;
        if let Err(error) = store
            .map_err(|_| "timed out".to_owned())
            .and_then(|r| r.map_err(|e| imagegen_application::error::chain(&e)))
        {
            tracing::warn!(%error, "not ready: the store does not answer");
            return Err(NotReady::Store);
        }
        let queue =
            tokio::time::timeout(CHECK, self.queue.is_paused(QueueName::GenerationWebhooks));
        if let Err(error) = queue
            .await
            .map_err(|_| "timed out".to_owned())
            .and_then(|r| r.map_err(|e| imagegen_application::error::chain(&e)))
        {
            tracing::warn!(%error, "not ready: the queue does not answer");
            return Err(NotReady::Queue);
        }
        Ok(())
    }
}
