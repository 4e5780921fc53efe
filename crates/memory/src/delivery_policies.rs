//! `DeliveryPolicies` in memory: this process's policy.

use std::sync::Mutex;

use async_trait::async_trait;
use imagegen_application::Result;
use imagegen_application::ports::DeliveryPolicies;
use imagegen_domain::DeliveryPolicy;

#[derive(Debug, Default)]
/// `DeliveryPolicies` in memory: this process's policy (webhooks for everyone at first).
pub struct MemoryDeliveryPolicies {
    policy: Mutex<DeliveryPolicy>,
}

#[async_trait]
impl DeliveryPolicies for MemoryDeliveryPolicies {
    async fn current(&self) -> Result<DeliveryPolicy> {
        Ok(crate::lock(&self.policy).clone())
    }

    async fn replace(&self, policy: &DeliveryPolicy) -> Result<()> {
        *crate::lock(&self.policy) = policy.clone();
        Ok(())
    }
}
