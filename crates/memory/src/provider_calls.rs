//! `ProviderCalls` in memory: counters of this process.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use imagegen_application::Result;
use imagegen_application::ports::{CallCount, CallReason, ProviderCalls};
use imagegen_domain::ProviderName;

/// A counter's key: the provider's wire name (so that they list in order) and reason.
type Key = (&'static str, CallReason);

/// Provider calls counted in this process.
#[derive(Debug, Default)]
pub struct MemoryProviderCalls {
    counts: Mutex<BTreeMap<Key, (ProviderName, u64)>>,
}

#[async_trait]
impl ProviderCalls for MemoryProviderCalls {
    async fn record(&self, provider: ProviderName, reason: CallReason) -> Result<()> {
        crate::lock(&self.counts)
            .entry((provider.as_str(), reason))
            .or_insert((provider, 0))
            .1 += 1;
        Ok(())
    }

    async fn counts(&self) -> Result<Vec<CallCount>> {
        Ok(crate::lock(&self.counts)
            .iter()
            .map(|(&(_, reason), &(provider, calls))| CallCount {
                provider,
                reason,
                calls,
            })
            .collect())
    }
}
