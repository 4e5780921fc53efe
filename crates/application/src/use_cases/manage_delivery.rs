//! The delivery policy, as operators read and set it (the admin api): which users'
//! new generations get webhooks, both paths (`dual`) or polling.

use std::sync::Arc;

use imagegen_domain::DeliveryPolicy;

use crate::ports::DeliveryPolicies;
use crate::{Caller, Error, Result, Role};

/// Reads and sets the policy. Admins only.
pub struct ManageDelivery {
    policies: Arc<dyn DeliveryPolicies>,
}

fn admins_only(caller: &Caller) -> Result<()> {
    match caller.role {
        Role::Admin => Ok(()),
        _ => Err(Error::Forbidden("the delivery policy is for admins".into())),
    }
}

impl ManageDelivery {
    pub fn new(policies: Arc<dyn DeliveryPolicies>) -> Self {
        Self { policies }
    }

    /// The policy in force.
    ///
    /// # Errors
    /// `Forbidden` for non-admins; `Unavailable`.
    pub async fn current(&self, caller: &Caller) -> Result<DeliveryPolicy> {
        admins_only(caller)?;
        self.policies.current().await
    }

    /// Replaces the policy; it applies to generations created from now on.
    ///
    /// # Errors
    /// `Forbidden` for non-admins; `Invalid` for a bad policy (nothing changes);
    /// `Unavailable`.
    #[tracing::instrument(name = "set_delivery_policy", skip_all, fields(user.id = %caller.user_id))]
    pub async fn replace(&self, caller: &Caller, policy: DeliveryPolicy) -> Result<DeliveryPolicy> {
        admins_only(caller)?;
        let policy = policy.check().map_err(|e| Error::Invalid(e.to_string()))?;
        self.policies.replace(&policy).await?;
        tracing::info!(
            mode = ?policy.mode,
            percentage = policy.percentage,
            global_override = ?policy.global_override,
            user_overrides = policy.user_overrides.len(),
            "delivery policy set by an admin"
        );
        Ok(policy)
    }
}
