//! The runner's workers. Each queue has a fetcher, slots and a completer of its own, so
//! a slow kind of work never holds the slots of another. The fetcher takes a free slot,
//! then blocks for a job (on a connection of the queue adapter's own, never a pooled
//! one) and starts it in that slot; busy slots get their next jobs from the completer.
//! Shutdown stops fetching, lets jobs in flight finish within the drain timeout, and
//! hands back the ones it cuts off (their leases end at once).

use std::sync::Arc;
use std::time::Duration;

use imagegen_application::metric_names;
use imagegen_application::ports::{QueueAdmin, QueueName};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::JobRunner;
use super::completer::Completer;
use super::read_ahead::ReadAhead;
use super::serve::Lane;
use super::slots::Slots;

impl JobRunner {
    /// How many jobs of `queue` run at once, as configured.
    fn concurrency_of(&self, queue: QueueName) -> usize {
        self.config
            .per_queue
            .get(&queue)
            .copied()
            .unwrap_or(self.config.concurrency)
            .max(1)
    }

    /// Runs each queue's workers until `shutdown` is cancelled, then drains. Says what
    /// it starts when called (in start-up order), not when first polled.
    pub fn run(self, shutdown: CancellationToken) -> impl Future<Output = ()> + Send {
        for queue in self.queues() {
            let concurrency = self.concurrency_of(queue);
            tracing::info!(job.queue = %queue, concurrency, "job workers started");
        }
        self.run_lanes(shutdown)
    }

    async fn run_lanes(self, shutdown: CancellationToken) {
        let mut workers = JoinSet::new();
        let mut lanes = Vec::new();
        for queue in self.queues() {
            let concurrency = self.concurrency_of(queue);
            metrics::gauge!(metric_names::WORKER_SLOTS, "queue" => queue.as_str())
                .set(concurrency as f64);
            let (completions, finished) = tokio::sync::mpsc::unbounded_channel();
            let lane = Lane {
                queue,
                slots: Slots::new(concurrency),
                completions,
            };
            lanes.push((queue, lane.slots.clone(), concurrency));
            let completer = Completer {
                queue: self.queue.clone(),
                name: queue,
                lease: self.config.lease,
                read_ahead: ReadAhead::new(self.config.read_ahead),
                in_flight: self.in_flight.clone(),
            };
            workers.spawn(completer.run(finished));
            workers.spawn(self.clone().fetch(lane, shutdown.clone()));
        }
        if let Some(admin) = self.admin.clone() {
            let every = self.config.settings_every;
            let stop = shutdown.clone();
            workers.spawn(async move { follow_settings(&*admin, &lanes, every, &stop).await });
        }
        shutdown.cancelled().await;
        // Draining: this process takes no more jobs.
        for queue in self.queues() {
            metrics::gauge!(metric_names::WORKER_SLOTS, "queue" => queue.as_str()).set(0.0);
        }
        let drained = tokio::time::timeout(self.config.drain_timeout, async {
            while workers.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            workers.abort_all();
            self.hand_back_in_flight().await;
        }
        tracing::info!("job runner stopped");
    }

    /// The fetcher of one queue; returns when shutdown began and its jobs are done.
    async fn fetch(self, lane: Lane, shutdown: CancellationToken) {
        let mut busy = JoinSet::new();
        let queues = [lane.queue];
        loop {
            while busy.try_join_next().is_some() {}
            let slot = tokio::select! {
                () = shutdown.cancelled() => break,
                slot = lane.slots.acquire() => slot,
            };
            // Only waiting for a job is interrupted; a job that started runs to its end.
            let reserved = tokio::select! {
                () = shutdown.cancelled() => break,
                reserved = self.queue.reserve(&queues, self.config.lease, Duration::from_secs(1)) => reserved,
            };
            match reserved {
                Ok(Some(job)) => {
                    busy.spawn(
                        self.clone()
                            .serve(lane.clone(), slot, job, shutdown.clone()),
                    );
                }
                Ok(None) => {}
                Err(error) => {
                    tracing::warn!(%error, job.queue = %lane.queue, "cannot reserve jobs; pausing");
                    tokio::select! {
                        () = shutdown.cancelled() => break,
                        () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    }
                }
            }
        }
        while busy.join_next().await.is_some() {}
    }

    /// Ends the leases of the jobs the drain timeout cut off.
    async fn hand_back_in_flight(&self) {
        let cut_off: Vec<_> = crate::lock(&self.in_flight)
            .drain()
            .map(|(_, job)| job)
            .collect();
        tracing::warn!(
            jobs = cut_off.len(),
            "drain timeout: handing back unfinished jobs"
        );
        for job in cut_off {
            super::serve::hand_back(&*self.queue, &job).await;
        }
    }
}

/// Applies the concurrency operators set, every `every`, until `stop`.
async fn follow_settings(
    admin: &dyn QueueAdmin,
    lanes: &[(QueueName, Arc<Slots>, usize)],
    every: Duration,
    stop: &CancellationToken,
) {
    loop {
        for (queue, slots, configured) in lanes {
            match admin.concurrency(*queue).await {
                Ok(set) => {
                    let wanted = set.map_or(*configured, |n| n as usize).max(1);
                    if slots.limit() != wanted {
                        tracing::info!(job.queue = %queue, concurrency = wanted, "job concurrency changed");
                        slots.set_limit(wanted);
                    }
                }
                Err(error) => tracing::debug!(%error, "could not read the queue settings"),
            }
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(every) => {}
        }
    }
}
