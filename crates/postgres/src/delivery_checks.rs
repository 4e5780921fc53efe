//! `DeliveryChecks` on Postgres: the first end each path saw, and the mismatches,
//! shared by every worker (the two paths of one generation may run on two).

use async_trait::async_trait;
use imagegen_application::ports::{DeliveryChecks, Mismatch, Observation, UpdateSource};
use imagegen_application::{Error, Result};
use serde_json::Value;

use crate::error::unavailable;

fn to_json(what: &str, value: &impl serde::Serialize) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| Error::unexpected(format!("writing {what}"), e))
}

fn from_json<T: serde::de::DeserializeOwned>(what: &str, value: Value) -> Result<T> {
    serde_json::from_value(value).map_err(|e| Error::unexpected(format!("reading {what}"), e))
}

#[async_trait]
impl DeliveryChecks for crate::ports::PgDeliveryChecks {
    async fn observe(&self, observation: &Observation) -> Result<Option<Observation>> {
        // The whole observation is one JSON value; its key columns make it unique.
        let text = |v: Value| v.as_str().unwrap_or_default().to_owned();
        let source = text(to_json("a source", &observation.source)?);
        let status = text(to_json("a status", &observation.status)?);
        sqlx::query(
            "INSERT INTO delivery_observations (generation_id, source, status, outputs, seen_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(observation.generation_id.as_uuid())
        .bind(&source)
        .bind(&status)
        .bind(to_json("outputs", &observation.outputs)?)
        .bind(observation.seen_at)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        let other = match observation.source {
            UpdateSource::Webhook => UpdateSource::Poll,
            UpdateSource::Poll => UpdateSource::Webhook,
        };
        let row: Option<(String, Value, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
            "SELECT status, outputs, seen_at FROM delivery_observations \
             WHERE generation_id = $1 AND source = $2",
        )
        .bind(observation.generation_id.as_uuid())
        .bind(text(to_json("a source", &other)?))
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        row.map(|(status, outputs, seen_at)| {
            Ok(Observation {
                generation_id: observation.generation_id,
                source: other,
                status: from_json("a status", Value::String(status))?,
                outputs: from_json("outputs", outputs)?,
                seen_at,
            })
        })
        .transpose()
    }

    async fn record_mismatch(&self, mismatch: &Mismatch) -> Result<()> {
        let kind = to_json("a kind", &mismatch.kind)?;
        sqlx::query(
            "INSERT INTO delivery_mismatches (generation_id, kind, webhook, poll, recorded_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(mismatch.generation_id.as_uuid())
        .bind(kind.as_str().unwrap_or_default())
        .bind(to_json("an observation", &mismatch.webhook)?)
        .bind(to_json("an observation", &mismatch.poll)?)
        .bind(mismatch.recorded_at)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn mismatches(&self, limit: usize) -> Result<(Vec<Mismatch>, u64)> {
        let rows: Vec<(
            uuid::Uuid,
            String,
            Value,
            Value,
            chrono::DateTime<chrono::Utc>,
        )> = sqlx::query_as(
            "SELECT generation_id, kind, webhook, poll, recorded_at FROM delivery_mismatches \
                 ORDER BY recorded_at DESC LIMIT $1",
        )
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        let (total,): (i64,) = sqlx::query_as("SELECT count(*) FROM delivery_mismatches")
            .fetch_one(&self.pool)
            .await
            .map_err(unavailable)?;
        let mismatches = rows
            .into_iter()
            .map(|(id, kind, webhook, poll, recorded_at)| {
                Ok(Mismatch {
                    generation_id: imagegen_domain::GenerationId::from_uuid(id),
                    kind: from_json("a kind", Value::String(kind))?,
                    webhook: from_json("an observation", webhook)?,
                    poll: from_json("an observation", poll)?,
                    recorded_at,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((mismatches, u64::try_from(total).unwrap_or(0)))
    }
}
