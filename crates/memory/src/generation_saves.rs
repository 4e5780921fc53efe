//! A move saved in memory: the generation, its events (with what caused them) and its
//! jobs, under the store's one lock.

use imagegen_application::ports::{
    NewJob, StoreError, StoreResult, StoredEvent, StreamPosition, expected_version,
};
use imagegen_domain::{EventEnvelope, Generation};

use crate::{MemoryGenerationStore, lock};

impl MemoryGenerationStore {
    /// Saves a move, its events marked as caused by a webhook received at `received`.
    pub(crate) fn save_caused(
        &self,
        generation: &Generation,
        events: &[EventEnvelope],
        jobs: &[NewJob],
        received: Option<chrono::DateTime<chrono::Utc>>,
    ) -> StoreResult<()> {
        let id = generation.id();
        let expected = expected_version(generation, events)?;
        let latest = {
            let mut state = lock(&self.state);
            let stored = state
                .generations
                .get(&id)
                .ok_or(StoreError::NotFound { what: "generation" })?;
            if stored.version() != expected {
                return Err(StoreError::Conflict {
                    id: id.to_string(),
                    expected,
                });
            }
            state.generations.insert(id, generation.clone());
            let trace = imagegen_application::trace_context::current();
            for envelope in events {
                let position = StreamPosition(state.pruned + state.events.len() as u64 + 1);
                state.events.push(StoredEvent {
                    position,
                    envelope: envelope.clone(),
                    trace: trace.clone(),
                    webhook_received_at: received,
                });
            }
            self.queue_all(jobs);
            StreamPosition(state.pruned + state.events.len() as u64)
        };
        self.latest.send_replace(latest);
        Ok(())
    }

    pub(crate) fn queue_all(&self, jobs: &[NewJob]) {
        for job in jobs {
            self.queue.push(job.clone());
        }
    }
}
