//! Generations and their events in memory: the repository and the event store in one,
//! so that a save, its events and its jobs are one atomic step under one lock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use imagegen_application::ports::{
    DeliveryKey, EventStore, GenerationRepository, NewJob, StoreError, StoreResult, StoredEvent,
    StreamPosition,
};
use imagegen_application::{Channel, Result};
use imagegen_domain::{EventEnvelope, ExternalId, Generation, GenerationId, ProviderName, UserId};
use tokio::sync::watch;

use crate::{MemoryJobQueue, MemoryWebhookInbox, lock};

#[derive(Default)]
pub(crate) struct State {
    pub(crate) generations: HashMap<GenerationId, Generation>,
    /// Every event kept, in position order; position N is at index N - 1 - `pruned`.
    pub(crate) events: Vec<StoredEvent>,
    /// Events deleted by the retention, from the oldest.
    pub(crate) pruned: u64,
    /// The polling fallback's polls per generation: (polls so far, next poll due).
    pub(crate) polls: HashMap<GenerationId, (u32, chrono::DateTime<chrono::Utc>)>,
    relay_checkpoint: StreamPosition,
}

/// The in-memory repository and event store.
pub struct MemoryGenerationStore {
    pub(crate) state: Mutex<State>,
    /// The latest position, so that waiters wake on appends.
    pub(crate) latest: watch::Sender<StreamPosition>,
    /// Where the jobs saved with a move go.
    pub(crate) queue: Arc<MemoryJobQueue>,
    /// Where the deliveries that cause moves are marked processed, when wired.
    inbox: Option<Arc<MemoryWebhookInbox>>,
}

impl Default for MemoryGenerationStore {
    /// A store with a queue of its own (see [`MemoryGenerationStore::job_queue`]).
    fn default() -> Self {
        Self::new(Arc::new(MemoryJobQueue::new()))
    }
}

impl MemoryGenerationStore {
    /// The queue that this store's saves put their jobs on.
    pub fn job_queue(&self) -> Arc<MemoryJobQueue> {
        self.queue.clone()
    }

    /// A store whose saves queue their jobs on `queue`.
    pub fn new(queue: Arc<MemoryJobQueue>) -> Self {
        Self {
            state: Mutex::default(),
            latest: watch::Sender::new(StreamPosition::START),
            queue,
            inbox: None,
        }
    }

    /// Marks the deliveries of `save_processed` in `inbox`.
    #[must_use]
    pub fn with_inbox(mut self, inbox: Arc<MemoryWebhookInbox>) -> Self {
        self.inbox = Some(inbox);
        self
    }
}

#[async_trait]
impl GenerationRepository for MemoryGenerationStore {
    async fn create(&self, generation: &Generation, jobs: &[NewJob]) -> StoreResult<()> {
        let mut state = lock(&self.state);
        if state.generations.contains_key(&generation.id()) {
            return Err(StoreError::Conflict {
                id: generation.id().to_string(),
                expected: 0,
            });
        }
        state
            .generations
            .insert(generation.id(), generation.clone());
        self.queue_all(jobs);
        Ok(())
    }

    async fn get(&self, id: GenerationId) -> StoreResult<Option<Generation>> {
        Ok(lock(&self.state).generations.get(&id).cloned())
    }

    async fn save(
        &self,
        generation: &Generation,
        events: &[EventEnvelope],
        jobs: &[NewJob],
    ) -> StoreResult<()> {
        self.save_caused(generation, events, jobs, None)
    }

    async fn save_processed(
        &self,
        generation: &Generation,
        events: &[EventEnvelope],
        jobs: &[NewJob],
        delivery: &DeliveryKey,
    ) -> StoreResult<()> {
        // Memory dies whole, so steps under two locks are as good as one transaction.
        let received = (self.inbox.as_ref()).and_then(|inbox| inbox.received_at(delivery));
        self.save_caused(generation, events, jobs, received)?;
        if let Some(inbox) = &self.inbox {
            inbox.mark_processed(delivery);
        }
        Ok(())
    }

    async fn find_by_external_id(
        &self,
        provider: ProviderName,
        external_id: &ExternalId,
    ) -> StoreResult<Option<GenerationId>> {
        let state = lock(&self.state);
        Ok(state
            .generations
            .values()
            .find(|g| g.provider() == provider && g.external_id() == Some(external_id))
            .map(Generation::id))
    }

    async fn count_in_flight(&self, user_id: UserId) -> StoreResult<u64> {
        let state = lock(&self.state);
        Ok(state
            .generations
            .values()
            .filter(|g| g.user_id() == user_id && !g.status().is_terminal())
            .count() as u64)
    }

    async fn list_for_user(
        &self,
        user_id: UserId,
        before: Option<GenerationId>,
        limit: usize,
    ) -> StoreResult<Vec<Generation>> {
        let state = lock(&self.state);
        let mut mine: Vec<_> = state
            .generations
            .values()
            .filter(|g| g.user_id() == user_id && before.is_none_or(|cursor| g.id() < cursor))
            .cloned()
            .collect();
        // Ids are UUID v7, so id order is creation order.
        mine.sort_by_key(|g| std::cmp::Reverse(g.id()));
        mine.truncate(limit);
        Ok(mine)
    }
}

#[async_trait]
impl EventStore for MemoryGenerationStore {
    async fn read_after(
        &self,
        after: StreamPosition,
        channels: &[Channel],
        limit: usize,
    ) -> Result<Vec<StoredEvent>> {
        let state = lock(&self.state);
        let start = usize::try_from(after.0.saturating_sub(state.pruned))
            .unwrap_or(usize::MAX)
            .min(state.events.len());
        Ok(state.events[start..]
            .iter()
            .filter(|e| channels.is_empty() || Channel::any_carries(channels, &e.envelope))
            .take(limit)
            .cloned()
            .collect())
    }

    async fn latest_position(&self) -> Result<StreamPosition> {
        let state = lock(&self.state);
        Ok(StreamPosition(state.pruned + state.events.len() as u64))
    }

    async fn prune_before(&self, cutoff: chrono::DateTime<chrono::Utc>) -> Result<u64> {
        let mut state = lock(&self.state);
        let old = state
            .events
            .iter()
            .take_while(|e| e.envelope.occurred_at < cutoff)
            .count();
        state.events.drain(..old);
        state.pruned += old as u64;
        Ok(old as u64)
    }

    async fn pruned_through(&self) -> Result<StreamPosition> {
        Ok(StreamPosition(lock(&self.state).pruned))
    }

    async fn wait_for_events(&self, after: StreamPosition, max_wait: Duration) {
        let mut latest = self.latest.subscribe();
        let _ = tokio::time::timeout(max_wait, latest.wait_for(|latest| *latest > after)).await;
    }

    async fn relay_checkpoint(&self) -> Result<StreamPosition> {
        Ok(lock(&self.state).relay_checkpoint)
    }

    async fn save_relay_checkpoint(&self, position: StreamPosition) -> Result<()> {
        let mut state = lock(&self.state);
        state.relay_checkpoint = state.relay_checkpoint.max(position);
        Ok(())
    }
}
