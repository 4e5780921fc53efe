//! `OverdueGenerations` in memory: the generations map, and each one's polls so far.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_application::Result;
use imagegen_application::ports::{
    OverdueGeneration, OverdueGenerations, POLLED_EVERY_SECS, poll_backoff,
};
use imagegen_domain::{DeliveryMode, GenerationStatus};

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
            .filter(|g| g.updated_at() < quiet_since || g.delivery_mode() != DeliveryMode::Webhook)
            .filter_map(|g| {
                Some((
                    g.id(),
                    g.external_id()?.clone(),
                    g.updated_at(),
                    (g.delivery_mode(), g.provider(), g.created_at()),
                ))
            })
            .collect();
        due.sort_by_key(|(_, _, updated, _)| *updated);
        let mut claimed = Vec::new();
        for (id, external_id, _, (delivery_mode, provider, created_at)) in due {
            let polled = delivery_mode != DeliveryMode::Webhook;
            if claimed.len() >= limit {
                break;
            }
            let (attempts, next) = state.polls.get(&id).copied().unwrap_or((0, now));
            if next > now {
                continue;
            }
            let attempt = attempts + 1;
            let after = if polled {
                chrono::Duration::seconds(POLLED_EVERY_SECS as i64)
            } else {
                chrono::Duration::from_std(poll_backoff(attempt)).unwrap_or_default()
            };
            state.polls.insert(id, (attempt, now + after));
            claimed.push(OverdueGeneration {
                id,
                external_id,
                attempt,
                delivery_mode,
                provider,
                created_at,
            });
        }
        Ok(claimed)
    }
}
