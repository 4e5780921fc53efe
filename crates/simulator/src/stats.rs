//! Counts of the calls the simulator received and the webhooks it sent.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

/// Live counters.
#[derive(Debug, Default)]
pub struct Stats {
    pub creates: AtomicU64,
    pub gets: AtomicU64,
    pub cancels: AtomicU64,
    pub secret_reads: AtomicU64,
    pub file_reads: AtomicU64,
    pub webhooks_sent: AtomicU64,
    pub webhooks_failed: AtomicU64,
    pub webhooks_dropped: AtomicU64,
    pub webhooks_duplicated: AtomicU64,
    pub webhooks_reordered: AtomicU64,
    pub openai_creates: AtomicU64,
    pub openai_gets: AtomicU64,
    pub openai_cancels: AtomicU64,
}

/// A copy of the counters, as served at `GET /sim/stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct StatsSnapshot {
    pub creates: u64,
    pub gets: u64,
    pub cancels: u64,
    pub secret_reads: u64,
    pub file_reads: u64,
    /// Webhook attempts answered 2xx.
    pub webhooks_sent: u64,
    /// Webhook attempts that failed (connection error or non-2xx).
    pub webhooks_failed: u64,
    /// Webhooks not sent because of the drop fault.
    pub webhooks_dropped: u64,
    /// Webhook messages sent twice because of the duplicate fault.
    #[serde(default)]
    pub webhooks_duplicated: u64,
    /// Start webhooks held back until after the terminal one (the reorder fault).
    #[serde(default)]
    pub webhooks_reordered: u64,
    /// OpenAI's `POST /v1/responses`, counted apart from Replicate's creates.
    #[serde(default)]
    pub openai_creates: u64,
    /// OpenAI's `GET /v1/responses/{id}`.
    #[serde(default)]
    pub openai_gets: u64,
    /// OpenAI's `POST /v1/responses/{id}/cancel`.
    #[serde(default)]
    pub openai_cancels: u64,
}

impl Stats {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Reads every counter.
    pub fn snapshot(&self) -> StatsSnapshot {
        let read = |c: &AtomicU64| c.load(Ordering::Relaxed);
        StatsSnapshot {
            creates: read(&self.creates),
            gets: read(&self.gets),
            cancels: read(&self.cancels),
            secret_reads: read(&self.secret_reads),
            file_reads: read(&self.file_reads),
            webhooks_sent: read(&self.webhooks_sent),
            webhooks_failed: read(&self.webhooks_failed),
            webhooks_dropped: read(&self.webhooks_dropped),
            webhooks_duplicated: read(&self.webhooks_duplicated),
            webhooks_reordered: read(&self.webhooks_reordered),
            openai_creates: read(&self.openai_creates),
            openai_gets: read(&self.openai_gets),
            openai_cancels: read(&self.openai_cancels),
        }
    }
}
