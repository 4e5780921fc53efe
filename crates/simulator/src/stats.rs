//! Counts of the calls the simulator received and the webhooks it sent.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

/// Live counters.
#[derive(Debug, Default)]
pub struct Stats {
    /// Predictions created.
    pub creates: AtomicU64,
    /// Predictions read.
    pub gets: AtomicU64,
    /// Predictions cancelled.
    pub cancels: AtomicU64,
    /// Reads of the webhook signing secret.
    pub secret_reads: AtomicU64,
    /// Output files served.
    pub file_reads: AtomicU64,
    /// Webhook attempts answered 2xx.
    pub webhooks_sent: AtomicU64,
    /// Webhook attempts that failed (connection error or non-2xx).
    pub webhooks_failed: AtomicU64,
    /// Webhooks not sent because of the drop fault.
    pub webhooks_dropped: AtomicU64,
    /// Webhook messages sent twice because of the duplicate fault.
    pub webhooks_duplicated: AtomicU64,
    /// `start` webhooks sent after the `completed` one.
    pub webhooks_reordered: AtomicU64,
    /// OpenAI responses created.
    pub openai_creates: AtomicU64,
    /// OpenAI responses read.
    pub openai_gets: AtomicU64,
    /// OpenAI responses cancelled.
    pub openai_cancels: AtomicU64,
}

/// A copy of the counters, as served at `GET /sim/stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct StatsSnapshot {
    /// Predictions created.
    pub creates: u64,
    /// Predictions read.
    pub gets: u64,
    /// Predictions cancelled.
    pub cancels: u64,
    /// Reads of the webhook signing secret.
    pub secret_reads: u64,
    /// Output files served.
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
