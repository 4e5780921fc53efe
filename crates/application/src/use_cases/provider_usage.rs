//! The provider calls made so far, by provider and reason (the admin api): how much
//! the deployment polls.

use std::sync::Arc;

use crate::ports::{CallCount, ProviderCalls};
use crate::{Caller, Error, Result, Role};

/// Reads the provider call counters. Admins only.
pub struct ProviderUsage {
    calls: Arc<dyn ProviderCalls>,
}

impl ProviderUsage {
    pub fn new(calls: Arc<dyn ProviderCalls>) -> Self {
        Self { calls }
    }

    /// Every counter that is not zero.
    ///
    /// # Errors
    /// `Forbidden` for non-admins; `Unavailable`.
    pub async fn counts(&self, caller: &Caller) -> Result<Vec<CallCount>> {
        if caller.role != Role::Admin {
            return Err(Error::Forbidden("provider usage is for admins".into()));
        }
        self.calls.counts().await
    }
}
