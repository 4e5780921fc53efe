//! The runner's workers: each queue has workers of its own; shutdown stops reserving,
//! lets jobs in flight finish within the drain timeout, and hands back the ones it cuts
//! off (their leases end at once, so another worker takes them without waiting).

use std::time::Duration;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::JobRunner;
use imagegen_application::ports::QueueName;

impl JobRunner {
    /// How many jobs of `queue` run at once.
    fn concurrency_of(&self, queue: QueueName) -> usize {
        self.config
            .per_queue
            .get(&queue)
            .copied()
            .unwrap_or(self.config.concurrency)
            .max(1)
    }

    /// Runs each queue's workers until `shutdown` is cancelled, then drains.
    pub async fn run(self, shutdown: CancellationToken) {
        let mut workers = JoinSet::new();
        for queue in self.queues() {
            let concurrency = self.concurrency_of(queue);
            tracing::info!(job.queue = %queue, concurrency, "job workers started");
            for _ in 0..concurrency {
                let (runner, shutdown) = (self.clone(), shutdown.clone());
                workers.spawn(async move { runner.work(queue, shutdown).await });
            }
        }
        shutdown.cancelled().await;
        let drained = tokio::time::timeout(self.config.drain_timeout, async {
            while workers.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            workers.abort_all();
            self.hand_back().await;
        }
        tracing::info!("job runner stopped");
    }

    /// One worker of `queue`. After each job it completes it and takes the next in one
    /// call; it waits for work only when none was ready.
    async fn work(&self, queue: QueueName, shutdown: CancellationToken) {
        let queues = [queue];
        let mut next = None;
        while !shutdown.is_cancelled() {
            let job = match next.take() {
                Some(job) => job,
                // Only waiting for a job is interrupted; a job that started runs to its end.
                None => match tokio::select! {
                    () = shutdown.cancelled() => break,
                    reserved = self.queue.reserve(&queues, self.config.lease, Duration::from_secs(1)) => reserved,
                } {
                    Ok(Some(job)) => job,
                    Ok(None) => continue,
                    Err(error) => {
                        tracing::warn!(%error, "cannot reserve jobs; pausing");
                        tokio::select! {
                            () = shutdown.cancelled() => break,
                            () = tokio::time::sleep(Duration::from_secs(1)) => {}
                        }
                        continue;
                    }
                },
            };
            // Once shutting down, finish this job but take no next one.
            let next_from = (!shutdown.is_cancelled()).then_some(&queues[..]);
            match self.execute(job, next_from).await {
                Ok((_, taken)) => next = taken,
                Err(error) => tracing::error!(%error, "could not settle a job"),
            }
        }
        // Taken but not started: another worker's at once.
        if let Some(job) = next
            && let Err(error) = self.queue.extend(&job, Duration::ZERO).await
        {
            tracing::warn!(%error, "could not hand a job back; it returns when its lease ends");
        }
    }

    /// Ends the leases of the jobs the drain timeout cut off.
    async fn hand_back(&self) {
        let cut_off: Vec<_> = crate::lock(&self.in_flight)
            .drain()
            .map(|(_, job)| job)
            .collect();
        tracing::warn!(
            jobs = cut_off.len(),
            "drain timeout: handing back unfinished jobs"
        );
        for job in cut_off {
            if let Err(error) = self.queue.extend(&job, Duration::ZERO).await {
                tracing::warn!(%error, job.id = %job.id, "could not hand a job back; it returns when its lease ends");
            }
        }
    }
}
