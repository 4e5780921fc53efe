//! Where the delivery policy lives: one per deployment, read at every creation, set
//! by operators (the admin api).

use async_trait::async_trait;
use imagegen_domain::DeliveryPolicy;

use crate::Result;

/// The deployment's delivery policy.
#[async_trait]
pub trait DeliveryPolicies: Send + Sync {
    /// The policy in force; the default (webhooks for everyone) until one is set.
    /// Errors: `Unavailable`.
    async fn current(&self) -> Result<DeliveryPolicy>;

    /// Replaces the policy. Errors: `Unavailable`.
    async fn replace(&self, policy: &DeliveryPolicy) -> Result<()>;
}
