//! Use cases and job handlers against the in-memory adapters and mockall mocks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cleanup;
mod copy_deadline;
mod create_generation;
mod double_delivery;
mod handlers;
mod job_payloads;
mod limits;
mod notify_user;
mod prediction_ids;
mod provider_events;
mod read_generations;
mod receive_webhook;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use imagegen_application::ports::{
    InboxEntry, InboxState, Job, JobQueue, NewJob, QueueName, WebhookDelivery, WebhookInbox,
};
use imagegen_application::{Caller, Error, Result, Role};
use imagegen_domain::{OrganizationId, ProviderName, UserId};
use imagegen_memory::{MemoryJobQueue, MemoryWebhookInbox};
use uuid::Uuid;

pub fn caller() -> Caller {
    Caller {
        user_id: UserId::from_uuid(Uuid::new_v4()),
        organization_id: OrganizationId::from_uuid(Uuid::new_v4()),
        role: Role::User,
    }
}

/// Takes the next job of `queue`, failing the test if there is none.
pub async fn take(queue: &dyn JobQueue, name: QueueName) -> Job {
    queue
        .reserve(&[name], Duration::from_secs(30), Duration::ZERO)
        .await
        .unwrap()
        .expect("a queued job")
}

/// A memory inbox whose first `failures` records fail as if its database were down.
pub struct FlakyInbox {
    pub inner: MemoryWebhookInbox,
    failures: AtomicUsize,
}

impl FlakyInbox {
    pub fn failing(failures: usize, queue: Arc<MemoryJobQueue>) -> Arc<Self> {
        Arc::new(Self {
            inner: MemoryWebhookInbox::new(queue),
            failures: AtomicUsize::new(failures),
        })
    }
}

#[async_trait]
impl WebhookInbox for FlakyInbox {
    async fn record(&self, delivery: WebhookDelivery, job: NewJob) -> Result<InboxEntry> {
        let failing = self
            .failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if failing {
            return Err(Error::unavailable("webhook inbox", "connection refused"));
        }
        self.inner.record(delivery, job).await
    }
    async fn advance(
        &self,
        provider: ProviderName,
        webhook_id: &str,
        state: InboxState,
    ) -> Result<()> {
        self.inner.advance(provider, webhook_id, state).await
    }
    async fn purge_processed_before(&self, before: chrono::DateTime<chrono::Utc>) -> Result<u64> {
        self.inner.purge_processed_before(before).await
    }
}
