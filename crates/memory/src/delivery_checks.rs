//! `DeliveryChecks` in memory: this process's observations and mismatches.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use imagegen_application::Result;
use imagegen_application::ports::{
    DeliveryChecks, Mismatch, MismatchKind, Observation, UpdateSource,
};
use imagegen_domain::GenerationId;

#[derive(Debug, Default)]
struct Checks {
    observations: HashMap<(GenerationId, UpdateSource), Observation>,
    /// Oldest first; one per generation and kind.
    mismatches: Vec<Mismatch>,
}

#[derive(Debug, Default)]
/// `DeliveryChecks` in memory: this process's dual-mode observations and mismatches.
pub struct MemoryDeliveryChecks {
    checks: Mutex<Checks>,
}

#[async_trait]
impl DeliveryChecks for MemoryDeliveryChecks {
    async fn observe(&self, observation: &Observation) -> Result<Option<Observation>> {
        let mut checks = crate::lock(&self.checks);
        let id = observation.generation_id;
        checks
            .observations
            .entry((id, observation.source))
            .or_insert_with(|| observation.clone());
        let other = match observation.source {
            UpdateSource::Webhook => UpdateSource::Poll,
            UpdateSource::Poll => UpdateSource::Webhook,
        };
        Ok(checks.observations.get(&(id, other)).cloned())
    }

    async fn record_mismatch(&self, mismatch: &Mismatch) -> Result<()> {
        let mut checks = crate::lock(&self.checks);
        let known = |m: &Mismatch| -> (GenerationId, MismatchKind) { (m.generation_id, m.kind) };
        if !checks
            .mismatches
            .iter()
            .any(|m| known(m) == known(mismatch))
        {
            checks.mismatches.push(mismatch.clone());
        }
        Ok(())
    }

    async fn mismatches(&self, limit: usize) -> Result<(Vec<Mismatch>, u64)> {
        let checks = crate::lock(&self.checks);
        let newest = checks
            .mismatches
            .iter()
            .rev()
            .take(limit)
            .cloned()
            .collect();
        Ok((newest, checks.mismatches.len() as u64))
    }
}
