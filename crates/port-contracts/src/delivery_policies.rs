//! Contract of `DeliveryPolicies`: the default until one is set, then the last set,
//! overrides included.

use imagegen_application::ports::DeliveryPolicies;
use imagegen_domain::{DeliveryMode, DeliveryPolicy, UserId};

/// The rule: The last policy set is in force.
pub async fn the_last_policy_set_is_in_force(policies: &impl DeliveryPolicies) {
    assert_eq!(policies.current().await.unwrap(), DeliveryPolicy::default());
    let mut policy = DeliveryPolicy {
        mode: DeliveryMode::Dual,
        percentage: 10,
        global_override: Some(DeliveryMode::Polling),
        ..DeliveryPolicy::default()
    };
    policy.user_overrides.insert(
        UserId::from_uuid(uuid::Uuid::new_v4()),
        DeliveryMode::Webhook,
    );
    policies.replace(&policy).await.unwrap();
    assert_eq!(policies.current().await.unwrap(), policy);
    policies.replace(&DeliveryPolicy::default()).await.unwrap();
    assert_eq!(policies.current().await.unwrap(), DeliveryPolicy::default());
}
