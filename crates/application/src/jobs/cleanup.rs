//! The `cleanup-tasks` queue: forget processed webhook deliveries and delete domain
//! events past their retention, so neither grows forever. A schedule queues it;
//! running it twice is harmless.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::{JobHandler, JobPayload};
use crate::Result;
use crate::ports::{Clock, EventStore, Job, QueueName, WebhookInbox};

/// Forget processed deliveries received more than `inbox_retention_days` ago and,
/// when set, delete events that occurred more than `event_retention_days` ago.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cleanup {
    /// `older_than_days` in jobs queued before events were pruned too.
    #[serde(alias = "older_than_days")]
    pub inbox_retention_days: u32,
    /// Events older than this many days are pruned; none when `None`.
    #[serde(default)]
    pub event_retention_days: Option<u32>,
}

impl JobPayload for Cleanup {
    const QUEUE: QueueName = QueueName::CleanupTasks;
    fn idempotency_key(&self) -> String {
        "cleanup:purge-inbox".to_owned()
    }
}

/// Runs `cleanup-tasks` jobs.
pub struct CleanupHandler {
    inbox: Arc<dyn WebhookInbox>,
    events: Arc<dyn EventStore>,
    clock: Arc<dyn Clock>,
}

impl CleanupHandler {
    /// Forgets old deliveries in `inbox` and old events in `events`, by `clock`.
    pub fn new(
        inbox: Arc<dyn WebhookInbox>,
        events: Arc<dyn EventStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            inbox,
            events,
            clock,
        }
    }
}

#[async_trait]
impl JobHandler for CleanupHandler {
    fn queue(&self) -> QueueName {
        QueueName::CleanupTasks
    }

    #[tracing::instrument(name = "cleanup", skip_all)]
    async fn handle(&self, job: &Job) -> Result<()> {
        let task = Cleanup::from_job(job)?;
        let days = |n: u32| self.clock.now() - chrono::Duration::days(i64::from(n));
        let purged = self
            .inbox
            .purge_processed_before(days(task.inbox_retention_days))
            .await?;
        tracing::info!(
            purged,
            days = task.inbox_retention_days,
            "old webhook deliveries forgotten"
        );
        if let Some(retention) = task.event_retention_days {
            let pruned = self.events.prune_before(days(retention)).await?;
            tracing::info!(pruned, days = retention, "old events deleted");
        }
        Ok(())
    }
}
