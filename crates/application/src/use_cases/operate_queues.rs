//! Operating the queues (the admin api): counts, pause and resume, dead letters and
//! their retry. Admins only.

use std::sync::Arc;

use super::queue_throughput::ThroughputWindow;
use crate::metric_names;
use crate::ports::{Clock, DeadLetter, JobId, JobOutbox, QueueAdmin, QueueName, QueueStats};
use crate::{Caller, Error, Result};

/// One queue's state, as the admin api shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueOverview {
    /// Which queue.
    pub queue: QueueName,
    /// Whether it is paused.
    pub paused: bool,
    /// What an admin set; `None`: the workers' configuration.
    pub concurrency: Option<u32>,
    /// Its counts.
    pub stats: QueueStats,
    /// Jobs completed per second over the last minute; `None` until measured.
    pub throughput_per_sec: Option<f64>,
}

/// The most jobs of one queue an admin may let a worker process run at once.
pub const MAX_CONCURRENCY: u32 = 1024;

/// The admin operations on the queues.
pub struct OperateQueues {
    admin: Arc<dyn QueueAdmin>,
    clock: Arc<dyn Clock>,
    throughput: ThroughputWindow,
    /// The job outbox of the distributed mode, whose backlog the gauges show too.
    outbox: Option<Arc<dyn JobOutbox>>,
}

impl OperateQueues {
    /// Operates the queues in `admin`, measuring throughput by `clock`.
    pub fn new(admin: Arc<dyn QueueAdmin>, clock: Arc<dyn Clock>) -> Self {
        Self {
            admin,
            clock,
            throughput: ThroughputWindow::default(),
            outbox: None,
        }
    }

    /// Reports the jobs waiting in `outbox` (not yet on a queue) with the depths.
    #[must_use]
    pub fn with_outbox(mut self, outbox: Option<Arc<dyn JobOutbox>>) -> Self {
        self.outbox = outbox;
        self
    }

    /// Samples every queue's counts, for throughput and the queue-depth gauges; the api
    /// calls it every few seconds.
    ///
    /// # Errors
    /// `Unavailable`.
    pub async fn sample_throughput(&self) -> Result<()> {
        for queue in QueueName::ALL {
            let stats = self.admin.counts(queue).await?;
            self.throughput
                .record(queue, self.clock.now(), stats.completed);
            // The whole deployment's depth: every process that samples says the same.
            let name = queue.as_str();
            let states = [
                ("waiting", stats.waiting),
                ("active", stats.active),
                ("delayed", stats.delayed),
                ("dead", stats.failed),
            ];
            for (state, count) in states {
                let labels = [("queue", name), ("state", state)];
                metrics::gauge!(metric_names::QUEUE_JOBS, &labels).set(count as f64);
            }
        }
        if let Some(outbox) = &self.outbox {
            let pending = outbox.pending().await?;
            for queue in QueueName::ALL {
                let count = (pending.iter().find(|(q, _)| *q == queue)).map_or(0, |(_, n)| *n);
                let labels = [("queue", queue.as_str()), ("state", "outbox")];
                metrics::gauge!(metric_names::QUEUE_JOBS, &labels).set(count as f64);
            }
        }
        Ok(())
    }

    /// Every queue's counts, throughput and whether it is paused.
    ///
    /// # Errors
    /// `Forbidden` for non-admins; `Unavailable`.
    pub async fn overview(&self, caller: &Caller) -> Result<Vec<QueueOverview>> {
        caller.admin_only("the queues")?;
        let mut queues = Vec::with_capacity(QueueName::ALL.len());
        for queue in QueueName::ALL {
            let stats = self.admin.counts(queue).await?;
            self.throughput
                .record(queue, self.clock.now(), stats.completed);
            queues.push(QueueOverview {
                queue,
                paused: self.admin.is_paused(queue).await?,
                concurrency: self.admin.concurrency(queue).await?,
                stats,
                throughput_per_sec: self.throughput.per_second(queue),
            });
        }
        Ok(queues)
    }

    /// Pauses (`true`) or resumes (`false`) a queue.
    ///
    /// # Errors
    /// `Forbidden` for non-admins; `Unavailable`.
    #[tracing::instrument(name = "pause_queue", skip(self, caller), fields(user.id = %caller.user_id))]
    pub async fn set_paused(&self, caller: &Caller, queue: QueueName, paused: bool) -> Result<()> {
        caller.admin_only("the queues")?;
        if paused {
            self.admin.pause(queue).await?;
        } else {
            self.admin.resume(queue).await?;
        }
        tracing::info!(job.queue = %queue, paused, "queue paused or resumed by an admin");
        Ok(())
    }

    /// Sets how many jobs of `queue` each worker process runs at once (`None`: back to
    /// the workers' configuration); running workers follow within seconds.
    ///
    /// # Errors
    /// `Forbidden` for non-admins; `Invalid` outside 1..=1024; `Unavailable`.
    #[tracing::instrument(name = "set_queue_concurrency", skip(self, caller), fields(user.id = %caller.user_id))]
    pub async fn set_concurrency(
        &self,
        caller: &Caller,
        queue: QueueName,
        concurrency: Option<u32>,
    ) -> Result<()> {
        caller.admin_only("the queues")?;
        if concurrency.is_some_and(|n| !(1..=MAX_CONCURRENCY).contains(&n)) {
            return Err(Error::Invalid(format!(
                "concurrency must be from 1 to {MAX_CONCURRENCY}, or null for the workers' own setting"
            )));
        }
        self.admin.set_concurrency(queue, concurrency).await?;
        tracing::info!(job.queue = %queue, ?concurrency, "queue concurrency set by an admin");
        Ok(())
    }

    /// The newest dead letters of a queue.
    ///
    /// # Errors
    /// `Forbidden` for non-admins; `Unavailable`.
    pub async fn dead(
        &self,
        caller: &Caller,
        queue: QueueName,
        limit: usize,
    ) -> Result<Vec<DeadLetter>> {
        caller.admin_only("the queues")?;
        self.admin.dead(queue, limit.clamp(1, 500)).await
    }

    /// Puts a dead letter back on its queue.
    ///
    /// # Errors
    /// `Forbidden` for non-admins; `NotFound`; `Unavailable`.
    #[tracing::instrument(name = "retry_dead_letter", skip(self, caller), fields(user.id = %caller.user_id))]
    pub async fn retry(&self, caller: &Caller, queue: QueueName, id: JobId) -> Result<()> {
        caller.admin_only("the queues")?;
        self.admin.retry_dead(queue, id).await?;
        tracing::info!(job.queue = %queue, job.id = %id, "dead letter retried by an admin");
        Ok(())
    }
}
