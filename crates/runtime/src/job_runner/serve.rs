//! A handler slot at work, and the completer that settles its queue's successes in
//! batches. A slot runs a job, hands it to the completer and, unless the runner is
//! stopping or the slot was taken away, gets its next job back from the same batch:
//! while one batch is on its way to the queue, the next one gathers, so a busy queue
//! costs one round trip for many jobs (the completer is in `completer.rs`).

use std::sync::Arc;
use std::time::Duration;

use imagegen_application::ports::{Job, JobQueue, QueueName};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use super::JobRunner;
use super::slots::{Slot, Slots};

/// A finished job on its way to the completer.
pub(super) struct Completion {
    pub job: Job,
    pub wants_next: bool,
    /// How long the handler took.
    pub took: Duration,
    /// The next job for the slot, if it wanted one and one was ready.
    pub reply: oneshot::Sender<Option<Job>>,
}

/// What the workers of one queue share.
#[derive(Clone)]
pub(super) struct Lane {
    pub queue: QueueName,
    pub slots: Arc<Slots>,
    pub completions: mpsc::UnboundedSender<Completion>,
}

impl JobRunner {
    /// Runs `job`, then the jobs the slot gets next, until none comes.
    pub(super) async fn serve(
        self,
        lane: Lane,
        mut slot: Slot,
        mut job: Job,
        stop: CancellationToken,
    ) {
        loop {
            crate::lock(&self.in_flight).insert(job.id, job.clone());
            let started = std::time::Instant::now();
            let next = match self.handle(&job).await {
                Ok(()) => {
                    let wants_next = !stop.is_cancelled() && slot.keep();
                    let (reply, next) = oneshot::channel();
                    let completion = Completion {
                        job: job.clone(),
                        wants_next,
                        took: started.elapsed(),
                        reply,
                    };
                    match lane.completions.send(completion) {
                        Ok(()) => next.await.ok().flatten(),
                        Err(_) => None,
                    }
                }
                Err(error) => {
                    if let Err(error) = self.settle_failure(&job, &error).await {
                        tracing::error!(%error, job.id = %job.id, "could not settle a failed job");
                    }
                    None
                }
            };
            crate::lock(&self.in_flight).remove(&job.id);
            match next {
                // Taken while the runner began to stop: another worker's at once.
                Some(next) if stop.is_cancelled() => {
                    hand_back(&*self.queue, &next).await;
                    return;
                }
                Some(next) => job = next,
                None => return,
            }
        }
    }
}

/// Ends a job's lease now, so that another worker takes it without waiting.
pub(super) async fn hand_back(queue: &dyn JobQueue, job: &Job) {
    if let Err(error) = queue.extend(job, Duration::ZERO).await {
        tracing::warn!(%error, job.id = %job.id, "could not hand a job back; it returns when its lease ends");
    }
}
