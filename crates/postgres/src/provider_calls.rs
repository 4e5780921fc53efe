//! `ProviderCalls` on Postgres: one counter row per provider and reason, shared by
//! every worker and api instance on the database.

use async_trait::async_trait;
use imagegen_application::ports::{CallCount, CallReason, ProviderCalls};
use imagegen_application::{Error, Result};
use imagegen_domain::ProviderName;

use crate::error::unavailable;

#[async_trait]
impl ProviderCalls for crate::ports::PgProviderCalls {
    async fn record(&self, provider: ProviderName, reason: CallReason) -> Result<()> {
        sqlx::query(
            "INSERT INTO provider_calls (provider, reason, calls) VALUES ($1, $2, 1) \
             ON CONFLICT (provider, reason) DO UPDATE SET calls = provider_calls.calls + 1",
        )
        .bind(provider.as_str())
        .bind(reason.as_str())
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn counts(&self) -> Result<Vec<CallCount>> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT provider, reason, calls FROM provider_calls ORDER BY provider, reason",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        let corrupt = |what: &str| Error::unexpected("reading provider calls", what.to_owned());
        let mut counts = rows
            .into_iter()
            .map(|(provider, reason, calls)| {
                Ok(CallCount {
                    provider: provider.parse().map_err(|_| corrupt(&provider))?,
                    reason: CallReason::parse(&reason).ok_or_else(|| corrupt(&reason))?,
                    calls: u64::try_from(calls).unwrap_or(0),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        counts.sort_by_key(|c| (c.provider.as_str(), c.reason));
        Ok(counts)
    }
}
