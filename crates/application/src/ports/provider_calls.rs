//! How many calls imagegen made to each provider, and why: the measure of "zero polling
//! on the happy path". Shared by every process that calls providers, so the admin api
//! shows the whole deployment's.

use async_trait::async_trait;
use imagegen_domain::ProviderName;

use crate::Result;

/// Why a provider was called.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CallReason {
    /// Starting a prediction.
    Create,
    /// Asking for a prediction's state (the polling fallback).
    Reconcile,
    /// Stopping a prediction.
    Cancel,
    /// Reading the object a webhook event names (OpenAI's events carry no result):
    /// part of the webhook path, not polling.
    Event,
}

impl CallReason {
    /// Every reason, in order.
    pub const ALL: [Self; 4] = [Self::Create, Self::Reconcile, Self::Cancel, Self::Event];

    /// The wire name (`create`, `reconcile`, `cancel`, `event`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Reconcile => "reconcile",
            Self::Cancel => "cancel",
            Self::Event => "event",
        }
    }

    /// The reason of a wire name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.as_str() == name)
    }
}

/// Calls per provider and reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallCount {
    /// Which provider.
    pub provider: ProviderName,
    /// Why it was called.
    pub reason: CallReason,
    /// How many calls.
    pub calls: u64,
}

/// The provider call counters.
#[async_trait]
pub trait ProviderCalls: Send + Sync {
    /// Counts one call. Errors: `Unavailable`.
    async fn record(&self, provider: ProviderName, reason: CallReason) -> Result<()>;

    /// Every counter that is not zero, by provider then reason. Errors: `Unavailable`.
    async fn counts(&self) -> Result<Vec<CallCount>>;
}
