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
}

impl CallReason {
    pub const ALL: [Self; 3] = [Self::Create, Self::Reconcile, Self::Cancel];

    /// The wire name (`create`, `reconcile`, `cancel`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Reconcile => "reconcile",
            Self::Cancel => "cancel",
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
    pub provider: ProviderName,
    pub reason: CallReason,
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
