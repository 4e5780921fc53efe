//! `OverdueGenerations` in memory: the generations map, and each one's polls so far.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_application::Result;
use imagegen_application::ports::{OverdueGeneration, OverdueGenerations, poll_backoff};
use imagegen_domain::GenerationStatus;

use crate::MemoryGenerationStore;
use crate::lock;

#[async_trait]
impl OverdueGenerations for MemoryGenerationStore {
    async fn claim_overdue(
        &self,
        quiet_since: DateTime<Utc>,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<OverdueGeneration>> {
        let mut state = lock(&self.state);
        let mut due: Vec<_> = state
            .generations
            .values()
            .filter(|g| {
                matches!(
                    g.status(),
                    GenerationStatus::Starting | GenerationStatus::Processing
                )
            })
            .filter(|g| g.updated_at() < quiet_since)
            .filter_map(|g| Some((g.id(), g.external_id()?.clone(), g.updated_at())))
            .collect();
        due.sort_by_key(|(_, _, updated)| *updated);
        let mut claimed = Vec::new();
        for (id, external_id, _) in due {
            if claimed.len() >= limit {
                break;
            }
            let (attempts, next) = state.polls.get(&id).copied().unwrap_or((0, now));
            if next > now {
                continue;
            }
            let attempt = attempts + 1;
            let after = chrono::Duration::from_std(poll_backoff(attempt)).unwrap_or_default();
            state.polls.insert(id, (attempt, now + after));
            claimed.push(OverdueGeneration {
                id,
                external_id,
                attempt,
            });
        }
        Ok(claimed)
    }
}
