//! `DeliveryPolicies` on Postgres: one row, shared by every instance.

use async_trait::async_trait;
use imagegen_application::ports::DeliveryPolicies;
use imagegen_application::{Error, Result};
use imagegen_domain::DeliveryPolicy;

use crate::error::unavailable;

#[async_trait]
impl DeliveryPolicies for crate::ports::PgDeliveryPolicies {
    async fn current(&self) -> Result<DeliveryPolicy> {
        let row: Option<(serde_json::Value,)> =
            sqlx::query_as("SELECT policy FROM delivery_policy WHERE id = 1")
                .fetch_optional(&self.pool)
                .await
                .map_err(unavailable)?;
        match row {
            Some((policy,)) => serde_json::from_value(policy)
                .map_err(|e| Error::unexpected("reading the delivery policy", e)),
            None => Ok(DeliveryPolicy::default()),
        }
    }

    async fn replace(&self, policy: &DeliveryPolicy) -> Result<()> {
        let policy = serde_json::to_value(policy)
            .map_err(|e| Error::unexpected("writing the delivery policy", e))?;
        sqlx::query(
            "INSERT INTO delivery_policy (id, policy, updated_at) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO UPDATE SET policy = EXCLUDED.policy, updated_at = EXCLUDED.updated_at",
        )
        .bind(policy)
        .bind(self.clock.now())
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }
}
