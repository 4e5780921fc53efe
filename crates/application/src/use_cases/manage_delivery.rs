//! The delivery policy, as operators read and set it (the admin api): which users'
//! new generations get webhooks, both paths (`dual`) or polling.

use std::sync::Arc;

use imagegen_domain::{Breaker, DeliveryPolicy, DeliveryPolicyPatch, Tally};

use super::WebhookFallback;

use crate::ports::{DeliveryChecks, DeliveryPolicies, Mismatch};
use crate::{Caller, Error, Result};

/// Reads and sets the policy. Admins only.
pub struct ManageDelivery {
    policies: Arc<dyn DeliveryPolicies>,
    checks: Arc<dyn DeliveryChecks>,
    fallback: Option<WebhookFallback>,
}

impl ManageDelivery {
    /// Keeps the policy in `policies`; reads dual-mode mismatches from `checks`.
    pub fn new(policies: Arc<dyn DeliveryPolicies>, checks: Arc<dyn DeliveryChecks>) -> Self {
        Self {
            policies,
            checks,
            fallback: None,
        }
    }

    /// Shows the automatic fallback's state beside the policy.
    #[must_use]
    pub fn with_fallback(mut self, fallback: WebhookFallback) -> Self {
        self.fallback = Some(fallback);
        self
    }

    /// The automatic fallback's breaker and the webhook outcomes it judges by; `None`
    /// without a fallback.
    ///
    /// # Errors
    /// `Forbidden` for non-admins; `Unavailable`.
    pub async fn automatic(&self, caller: &Caller) -> Result<Option<(Breaker, Tally)>> {
        caller.admin_only("the delivery settings")?;
        match &self.fallback {
            Some(fallback) => fallback.state().await.map(Some),
            None => Ok(None),
        }
    }

    /// The newest mismatches between the webhooks and the polls of `dual` generations,
    /// and how many there are in all.
    ///
    /// # Errors
    /// `Forbidden` for non-admins; `Unavailable`.
    pub async fn mismatches(&self, caller: &Caller, limit: usize) -> Result<(Vec<Mismatch>, u64)> {
        caller.admin_only("the delivery settings")?;
        self.checks.mismatches(limit.clamp(1, 500)).await
    }

    /// The policy in force.
    ///
    /// # Errors
    /// `Forbidden` for non-admins; `Unavailable`.
    pub async fn current(&self, caller: &Caller) -> Result<DeliveryPolicy> {
        caller.admin_only("the delivery settings")?;
        self.policies.current().await
    }

    /// Replaces the policy; it applies to generations created from now on.
    ///
    /// # Errors
    /// `Forbidden` for non-admins; `Invalid` for a bad policy (nothing changes);
    /// `Unavailable`.
    #[tracing::instrument(name = "set_delivery_policy", skip_all, fields(user.id = %caller.user_id))]
    pub async fn replace(&self, caller: &Caller, policy: DeliveryPolicy) -> Result<DeliveryPolicy> {
        caller.admin_only("the delivery settings")?;
        let policy = policy.check().map_err(|e| Error::Invalid(e.to_string()))?;
        self.policies.replace(&policy).await?;
        tracing::info!(
            mode = policy.mode.as_str(),
            percentage = policy.percentage,
            global_override = policy.global_override.map_or("none", |m| m.as_str()),
            user_overrides = policy.user_overrides.len(),
            "delivery policy set by an admin"
        );
        let rollout = f64::from(policy.percentage);
        metrics::gauge!(crate::metric_names::ROLLOUT_PERCENTAGE).set(rollout);
        Ok(policy)
    }

    /// Merges `patch` into the policy (fields left out keep their values; a user
    /// override set to `null` goes); it applies to generations created from now on.
    ///
    /// # Errors
    /// As [`ManageDelivery::replace`].
    pub async fn patch(
        &self,
        caller: &Caller,
        patch: DeliveryPolicyPatch,
    ) -> Result<DeliveryPolicy> {
        caller.admin_only("the delivery settings")?;
        let current = self.policies.current().await?;
        self.replace(caller, current.patched(patch)).await
    }
}
