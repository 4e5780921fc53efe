//! The webhook inbox in memory.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_application::ports::{
    DeliveryKey, InboxEntry, InboxState, NewJob, WebhookDelivery, WebhookInbox,
};
use imagegen_application::{Error, Result};
use imagegen_domain::ProviderName;

use crate::{MemoryJobQueue, lock};

/// Keeps deliveries keyed by provider and webhook id.
pub struct MemoryWebhookInbox {
    entries: Mutex<HashMap<(ProviderName, String), (WebhookDelivery, InboxState)>>,
    /// Where each new delivery's job goes.
    queue: Arc<MemoryJobQueue>,
}

impl Default for MemoryWebhookInbox {
    /// An inbox with a queue of its own.
    fn default() -> Self {
        Self::new(Arc::new(MemoryJobQueue::new()))
    }
}

impl MemoryWebhookInbox {
    /// An inbox whose deliveries queue their jobs on `queue`.
    pub fn new(queue: Arc<MemoryJobQueue>) -> Self {
        Self {
            entries: Mutex::default(),
            queue,
        }
    }
}

impl MemoryWebhookInbox {
    /// When a delivery was received, if it was recorded.
    pub(crate) fn received_at(&self, key: &DeliveryKey) -> Option<DateTime<Utc>> {
        let id = (key.provider, key.webhook_id.as_str().to_owned());
        let entries = lock(&self.entries);
        entries.get(&id).map(|(delivery, _)| delivery.received_at)
    }

    /// Marks a delivery processed, if it was recorded (a poll's never was).
    pub(crate) fn mark_processed(&self, key: &DeliveryKey) {
        let id = (key.provider, key.webhook_id.as_str().to_owned());
        if let Some((_, state)) = lock(&self.entries).get_mut(&id) {
            *state = InboxState::Processed;
        }
    }
}

fn order(state: InboxState) -> u8 {
    match state {
        InboxState::Queued => 0,
        InboxState::Processed => 1,
    }
}

#[async_trait]
impl WebhookInbox for MemoryWebhookInbox {
    async fn record(&self, delivery: WebhookDelivery, job: NewJob) -> Result<InboxEntry> {
        let key = (delivery.provider, delivery.webhook_id.as_str().to_owned());
        Ok(match lock(&self.entries).entry(key) {
            Entry::Occupied(found) => {
                let (delivery, state) = found.get().clone();
                InboxEntry {
                    delivery,
                    state,
                    first_seen: false,
                }
            }
            Entry::Vacant(slot) => {
                slot.insert((delivery.clone(), InboxState::Queued));
                self.queue.push(job);
                InboxEntry {
                    delivery,
                    state: InboxState::Queued,
                    first_seen: true,
                }
            }
        })
    }

    async fn advance(
        &self,
        provider: ProviderName,
        webhook_id: &str,
        state: InboxState,
    ) -> Result<()> {
        let mut entries = lock(&self.entries);
        let (_, current) =
            entries
                .get_mut(&(provider, webhook_id.to_owned()))
                .ok_or(Error::NotFound {
                    what: "webhook delivery",
                })?;
        if order(state) > order(*current) {
            *current = state;
        }
        Ok(())
    }

    async fn purge_processed_before(&self, before: DateTime<Utc>) -> Result<u64> {
        let mut entries = lock(&self.entries);
        let count = entries.len();
        entries.retain(|_, (delivery, state)| {
            *state != InboxState::Processed || delivery.received_at >= before
        });
        Ok((count - entries.len()) as u64)
    }
}
