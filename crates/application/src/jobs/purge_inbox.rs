//! The `cleanup-tasks` queue: forget processed webhook deliveries past their retention,
//! so the inbox does not grow forever. A schedule queues it; running it twice is
//! harmless.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::{JobHandler, JobPayload};
use crate::Result;
use crate::ports::{Clock, Job, QueueName, WebhookInbox};

/// Forget processed deliveries received more than `older_than_days` ago.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PurgeInbox {
    pub older_than_days: u32,
}

impl JobPayload for PurgeInbox {
    const QUEUE: QueueName = QueueName::CleanupTasks;
    fn idempotency_key(&self) -> String {
        "cleanup:purge-inbox".to_owned()
    }
}

/// Runs `cleanup-tasks` jobs.
pub struct PurgeInboxHandler {
    inbox: Arc<dyn WebhookInbox>,
    clock: Arc<dyn Clock>,
}

impl PurgeInboxHandler {
    pub fn new(inbox: Arc<dyn WebhookInbox>, clock: Arc<dyn Clock>) -> Self {
        Self { inbox, clock }
    }
}

#[async_trait]
impl JobHandler for PurgeInboxHandler {
    fn queue(&self) -> QueueName {
        QueueName::CleanupTasks
    }

    #[tracing::instrument(name = "purge_inbox", skip_all)]
    async fn handle(&self, job: &Job) -> Result<()> {
        let PurgeInbox { older_than_days } = PurgeInbox::from_job(job)?;
        let before = self.clock.now() - chrono::Duration::days(i64::from(older_than_days));
        let purged = self.inbox.purge_processed_before(before).await?;
        tracing::info!(purged, older_than_days, "old webhook deliveries forgotten");
        Ok(())
    }
}
