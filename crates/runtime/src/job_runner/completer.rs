//! The completer of one queue: settles its handlers' successes in batches, one round
//! trip for all that arrived meanwhile, and hands each slot that wants one its next
//! job, from the read-ahead at once when it holds one, else from the same round trip.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use imagegen_application::metric_names;
use imagegen_application::ports::{Job, JobId, JobQueue, QueueName};
use tokio::sync::{mpsc, oneshot};

use super::read_ahead::ReadAhead;
use super::serve::{Completion, hand_back};

/// The most completions settled in one call.
const MAX_PER_BATCH: usize = 256;

/// What a completer works with.
pub(super) struct Completer {
    pub queue: Arc<dyn JobQueue>,
    pub name: QueueName,
    pub lease: Duration,
    pub read_ahead: ReadAhead,
    /// The runner's jobs in hand; jobs read ahead count, so a drain timeout hands
    /// them back too.
    pub in_flight: Arc<Mutex<HashMap<JobId, Job>>>,
}

impl Completer {
    /// Settles successes until every sender is gone, then hands back what it read
    /// ahead.
    pub(super) async fn run(mut self, mut completions: mpsc::UnboundedReceiver<Completion>) {
        let mut batch = Vec::new();
        while completions.recv_many(&mut batch, MAX_PER_BATCH).await > 0 {
            let mut done = Vec::with_capacity(batch.len());
            let mut waiting = Vec::new();
            for completion in batch.drain(..) {
                self.read_ahead.observe(completion.took);
                done.push(completion.job);
                if !completion.wants_next {
                    let _ = completion.reply.send(None);
                } else if let Some(job) = self.ahead().await {
                    self.reply(completion.reply, job).await;
                } else {
                    waiting.push(completion.reply);
                }
            }
            let take = waiting.len() + self.read_ahead.room();
            let mut next = self.settle(&done, take).await.into_iter();
            for reply in waiting {
                match next.next() {
                    Some(job) => self.reply(reply, job).await,
                    None => {
                        let _ = reply.send(None);
                    }
                }
            }
            for job in next {
                crate::lock(&self.in_flight).insert(job.id, job.clone());
                self.read_ahead.push(job);
            }
        }
        for job in self.read_ahead.drain() {
            crate::lock(&self.in_flight).remove(&job.id);
            hand_back(&*self.queue, &job).await;
        }
    }

    /// Completes `done` and leases up to `take` jobs.
    async fn settle(&self, done: &[Job], take: usize) -> Vec<Job> {
        match self
            .queue
            .complete_batch(self.name, done, take, self.lease)
            .await
        {
            Ok(settled) => {
                let completed = done.len().saturating_sub(settled.lost.len()) as u64;
                let queue = self.name.as_str();
                metrics::counter!(metric_names::JOBS_COMPLETED, "queue" => queue)
                    .increment(completed);
                for id in &settled.lost {
                    tracing::warn!(job.id = %id, job.queue = %self.name, "a job's lease was lost before it completed; another worker may run it again");
                }
                tracing::debug!(
                    jobs = done.len(),
                    taken = settled.next.len(),
                    "jobs completed"
                );
                settled.next
            }
            Err(error) => {
                tracing::error!(%error, jobs = done.len(), job.queue = %self.name, "could not complete jobs; they run again when their leases end");
                Vec::new()
            }
        }
    }

    /// The oldest job read ahead whose lease still holds; one that waited a third of
    /// its lease is renewed first, and dropped if that fails (another worker has it).
    async fn ahead(&mut self) -> Option<Job> {
        while let Some((job, waited)) = self.read_ahead.pop() {
            if waited < self.lease / 3 {
                return Some(job);
            }
            match self.queue.extend(&job, self.lease).await {
                Ok(()) => return Some(job),
                Err(error) => {
                    crate::lock(&self.in_flight).remove(&job.id);
                    tracing::warn!(%error, job.id = %job.id, "a job read ahead lost its lease; left to the queue");
                }
            }
        }
        None
    }

    /// Gives a slot its next job; one the slot no longer waits for goes back.
    async fn reply(&self, reply: oneshot::Sender<Option<Job>>, job: Job) {
        if let Err(Some(job)) = reply.send(Some(job)) {
            crate::lock(&self.in_flight).remove(&job.id);
            hand_back(&*self.queue, &job).await;
        }
    }
}
