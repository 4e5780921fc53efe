//! `WebhookInbox`: a delivery and its job in one transaction, once per
//! `(provider, webhook id)`. Two instances receiving the same delivery at once both
//! insert; the second waits on the first's row lock, then finds it and writes nothing.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_application::ports::{InboxEntry, InboxState, NewJob, WebhookDelivery, WebhookInbox};
use imagegen_application::{Error, Result};
use imagegen_domain::{GenerationId, ProviderName, WebhookId};
use sqlx::types::Json;
use sqlx::{PgConnection, Row};

use crate::error::{corrupt, unavailable};
use crate::rows::{enum_from_text, enum_text};

fn state_from_text(text: &str) -> Result<InboxState> {
    match text {
        "queued" => Ok(InboxState::Queued),
        "processed" => Ok(InboxState::Processed),
        other => Err(corrupt("inbox state", format!("unknown state {other:?}"))),
    }
}

impl crate::store::PgShared {
    async fn stored_delivery(&self, provider: &str, webhook_id: &str) -> Result<InboxEntry> {
        let row = sqlx::query(
            "SELECT provider, webhook_id, generation_id, state, body, received_at \
             FROM webhook_inbox WHERE provider = $1 AND webhook_id = $2",
        )
        .bind(provider)
        .bind(webhook_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?
        .ok_or_else(|| Error::bug("an inbox row vanished"))?;
        let Json(body): Json<serde_json::Value> =
            row.try_get("body").map_err(|e| corrupt("inbox body", e))?;
        let generation_id: Option<uuid::Uuid> =
            row.try_get("generation_id").map_err(unavailable)?;
        let state: String = row.try_get("state").map_err(unavailable)?;
        Ok(InboxEntry {
            delivery: WebhookDelivery {
                provider: enum_from_text(
                    "provider",
                    row.try_get("provider").map_err(unavailable)?,
                )?,
                webhook_id: WebhookId::from(
                    row.try_get::<String, _>("webhook_id")
                        .map_err(unavailable)?,
                ),
                generation_id: generation_id.map(GenerationId::from_uuid),
                received_at: row.try_get("received_at").map_err(unavailable)?,
                body,
            },
            state: state_from_text(&state)?,
            first_seen: false,
        })
    }
}

#[async_trait]
impl WebhookInbox for crate::ports::PgInbox {
    #[tracing::instrument(name = "pg.record_webhook", skip_all, fields(webhook.id = %delivery.webhook_id))]
    async fn record(&self, delivery: WebhookDelivery, job: NewJob) -> Result<InboxEntry> {
        let provider = enum_text(&delivery.provider)?;
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        let inserted = sqlx::query(
            "INSERT INTO webhook_inbox (provider, webhook_id, generation_id, state, body, \
             received_at) VALUES ($1, $2, $3, 'queued', $4, $5) \
             ON CONFLICT (provider, webhook_id) DO NOTHING",
        )
        .bind(&provider)
        .bind(delivery.webhook_id.as_str())
        .bind(delivery.generation_id.map(|g| g.as_uuid()))
        .bind(Json(crate::jsonb::storable(&delivery.body)))
        .bind(delivery.received_at)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        if inserted.rows_affected() == 0 {
            tx.rollback().await.map_err(unavailable)?;
            return self
                .stored_delivery(&provider, delivery.webhook_id.as_str())
                .await;
        }
        let queued = self.insert_jobs(&mut tx, std::slice::from_ref(&job)).await;
        crate::transaction::settle(tx, queued).await?;
        Ok(InboxEntry {
            delivery,
            state: InboxState::Queued,
            first_seen: true,
        })
    }

    async fn advance(
        &self,
        provider: ProviderName,
        webhook_id: &str,
        state: InboxState,
    ) -> Result<()> {
        let found = advance_in(
            &mut *self.pool.acquire().await.map_err(unavailable)?,
            provider,
            webhook_id,
            state,
            self.clock.now(),
        )
        .await?;
        match found {
            None => Err(Error::NotFound {
                what: "webhook delivery",
            }),
            Some(_) => Ok(()),
        }
    }

    async fn purge_processed_before(&self, before: DateTime<Utc>) -> Result<u64> {
        let purged =
            sqlx::query("DELETE FROM webhook_inbox WHERE state = 'processed' AND received_at < $1")
                .bind(before)
                .execute(&self.pool)
                .await
                .map_err(unavailable)?;
        Ok(purged.rows_affected())
    }
}

/// Moves a delivery forward to `state` on `connection` (inside the caller's transaction,
/// when it has one); returns when it was received, `None` when there is no such row.
pub(crate) async fn advance_in(
    connection: &mut PgConnection,
    provider: ProviderName,
    webhook_id: &str,
    state: InboxState,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    // Only queued -> processed moves; anything else leaves the row as it is.
    let found = sqlx::query(
        "UPDATE webhook_inbox SET \
           state = CASE WHEN $3 = 'processed' THEN 'processed' ELSE state END, \
           processed_at = CASE WHEN $3 = 'processed' AND processed_at IS NULL \
             THEN $4 ELSE processed_at END \
         WHERE provider = $1 AND webhook_id = $2 RETURNING received_at",
    )
    .bind(enum_text(&provider)?)
    .bind(webhook_id)
    .bind(state.as_str())
    .bind(now)
    .fetch_optional(connection)
    .await
    .map_err(unavailable)?;
    found
        .map(|row| row.try_get("received_at").map_err(unavailable))
        .transpose()
}
