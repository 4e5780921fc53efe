//! A provider whose every call is counted by reason (`create`, `reconcile`, `cancel`,
//! `event`),
//! wrapped around any adapter, so the count covers whatever calls it: submissions,
//! the polling fallback, cancellations. A counter that cannot be written is logged and
//! never fails the call.

use std::sync::Arc;

use async_trait::async_trait;
use imagegen_domain::{ExternalId, ProviderName, ProviderUpdate};

use crate::metric_names;
use crate::ports::{
    CallReason, ImageProvider, PredictionRequest, ProviderCalls, ProviderError, ProviderResult,
};

/// `inner`, counting its calls under `name`.
pub struct CountedProvider {
    inner: Arc<dyn ImageProvider>,
    name: ProviderName,
    calls: Arc<dyn ProviderCalls>,
    /// What a read is counted as: `reconcile`, or `event` for the reads that webhook
    /// events ask for.
    fetch_reason: CallReason,
}

impl CountedProvider {
    /// `inner`, its calls counted under `name` in `calls` (reads as `reconcile`).
    pub fn new(
        inner: Arc<dyn ImageProvider>,
        name: ProviderName,
        calls: Arc<dyn ProviderCalls>,
    ) -> Self {
        Self {
            inner,
            name,
            calls,
            fetch_reason: CallReason::Reconcile,
        }
    }

    /// Counts reads as `reason` instead of `reconcile`.
    #[must_use]
    pub fn counting_fetches_as(mut self, reason: CallReason) -> Self {
        self.fetch_reason = reason;
        self
    }

    async fn count(&self, reason: CallReason) {
        let labels = [
            ("provider", self.name.as_str()),
            ("reason", reason.as_str()),
        ];
        metrics::counter!(metric_names::PROVIDER_CALLS, &labels).increment(1);
        if let Err(error) = self.calls.record(self.name, reason).await {
            tracing::warn!(%error, provider = %self.name, reason = reason.as_str(), "a provider call was not counted");
        }
    }
}

impl CountedProvider {
    /// Counts a failed call by the class of its error.
    fn note<T>(&self, reason: CallReason, answer: &ProviderResult<T>) {
        if let Err(error) = answer {
            let class = match error {
                ProviderError::Unavailable { .. } => "unavailable",
                ProviderError::Rejected { .. } => "rejected",
                ProviderError::Lost { .. } => "lost",
            };
            let labels = [
                ("provider", self.name.as_str()),
                ("reason", reason.as_str()),
                ("class", class),
            ];
            metrics::counter!(metric_names::PROVIDER_ERRORS, &labels).increment(1);
        }
    }
}

#[async_trait]
impl ImageProvider for CountedProvider {
    // The count is written beside the call, never before it: the call waits for no
    // store write.
    async fn submit(&self, request: &PredictionRequest) -> ProviderResult<ProviderUpdate> {
        let ((), answer) = tokio::join!(self.count(CallReason::Create), self.inner.submit(request));
        self.note(CallReason::Create, &answer);
        answer
    }

    async fn fetch(&self, external_id: &ExternalId) -> ProviderResult<ProviderUpdate> {
        let ((), answer) =
            tokio::join!(self.count(self.fetch_reason), self.inner.fetch(external_id));
        answer
    }

    async fn cancel(&self, external_id: &ExternalId) -> ProviderResult<()> {
        let ((), answer) = tokio::join!(
            self.count(CallReason::Cancel),
            self.inner.cancel(external_id)
        );
        answer
    }
}
