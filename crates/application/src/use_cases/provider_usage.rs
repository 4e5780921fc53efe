//! The provider calls made so far, by provider and reason (the admin api): how much
//! the deployment polls.

use std::sync::Arc;

use crate::ports::{CallCount, ProviderCalls};
use crate::{Caller, Result};

/// Reads the provider call counters. Admins only.
pub struct ProviderUsage {
    calls: Arc<dyn ProviderCalls>,
}

impl ProviderUsage {
    /// Reads the counts in `calls`.
    pub fn new(calls: Arc<dyn ProviderCalls>) -> Self {
        Self { calls }
    }

    /// Every counter that is not zero.
    ///
    /// # Errors
    /// `Forbidden` for non-admins; `Unavailable`.
    pub async fn counts(&self, caller: &Caller) -> Result<Vec<CallCount>> {
        caller.admin_only("provider call counts")?;
        self.calls.counts().await
    }
}
