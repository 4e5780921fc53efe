//! The webhook inbox in memory.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Mutex;

use async_trait::async_trait;
use imagegen_application::ports::{InboxEntry, InboxState, WebhookDelivery, WebhookInbox};
use imagegen_application::{Error, Result};
use imagegen_domain::ProviderName;

use crate::lock;

/// Keeps deliveries keyed by provider and webhook id.
#[derive(Default)]
pub struct MemoryWebhookInbox {
    entries: Mutex<HashMap<(ProviderName, String), (WebhookDelivery, InboxState)>>,
}

impl MemoryWebhookInbox {
    pub fn new() -> Self {
        Self::default()
    }
}

fn order(state: InboxState) -> u8 {
    match state {
        InboxState::Received => 0,
        InboxState::Enqueued => 1,
        InboxState::Processed => 2,
    }
}

#[async_trait]
impl WebhookInbox for MemoryWebhookInbox {
    async fn record(&self, delivery: WebhookDelivery) -> Result<InboxEntry> {
        let key = (delivery.provider, delivery.webhook_id.clone());
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
                slot.insert((delivery.clone(), InboxState::Received));
                InboxEntry {
                    delivery,
                    state: InboxState::Received,
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
}
