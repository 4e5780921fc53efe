//! `EventStore`, and appending events inside a save's transaction.
//!
//! Stream positions follow commit order. Every append takes one transaction-scoped
//! advisory lock before it draws positions from the sequence, and Postgres releases
//! that lock only after the commit is visible. So a transaction that draws position P
//! does so after every transaction with a smaller position has committed or rolled
//! back: a reader that has seen P can never later find a new event below P. A
//! rolled-back append leaves a gap in the numbers, which readers simply pass over.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_application::ports::{EventStore, StoredEvent, StreamPosition};
use imagegen_application::{Channel, Error, Result};
use imagegen_domain::EventEnvelope;
use sqlx::types::Json;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use crate::error::{corrupt, unavailable};
use crate::wakeups::EVENTS_CHANNEL;

/// The advisory lock key that serializes appends (the bytes of "imgevent").
pub const EVENT_APPEND_LOCK: i64 = 0x696d_6765_7665_6e74;

/// Appends `events` in the caller's transaction, with positions in commit order.
pub(crate) async fn append(
    tx: &mut PgConnection,
    events: &[EventEnvelope],
    webhook_received_at: Option<DateTime<Utc>>,
) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(EVENT_APPEND_LOCK)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
    // The saving span's trace: the push continues it.
    let trace = imagegen_application::trace_context::current();
    for event in events {
        let sequence =
            i64::try_from(event.sequence).map_err(|e| Error::unexpected("event sequence", e))?;
        let envelope = serde_json::to_value(event)
            .map_err(|e| Error::unexpected("serializing an event", e))?;
        sqlx::query(
            "INSERT INTO domain_events (position, event_id, aggregate_id, sequence, user_id, \
             organization_id, event_type, occurred_at, envelope, traceparent, \
             webhook_received_at) \
             VALUES (nextval('domain_event_positions'), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(event.event_id)
        .bind(event.aggregate_id.as_uuid())
        .bind(sequence)
        .bind(event.user_id.as_uuid())
        .bind(event.organization_id.as_uuid())
        .bind(&event.event_type)
        .bind(event.occurred_at)
        .bind(Json(envelope))
        .bind(&trace)
        .bind(webhook_received_at)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
    }
    sqlx::query("SELECT pg_notify($1, '')")
        .bind(EVENTS_CHANNEL)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
    Ok(())
}

fn stored_event(row: &sqlx::postgres::PgRow) -> Result<StoredEvent> {
    let position: i64 = row.try_get("position").map_err(unavailable)?;
    let Json(envelope): Json<EventEnvelope> = row
        .try_get("envelope")
        .map_err(|e| corrupt("event envelope", e))?;
    Ok(StoredEvent {
        position: StreamPosition(u64::try_from(position).map_err(|e| corrupt("position", e))?),
        envelope,
        trace: row.try_get("traceparent").map_err(unavailable)?,
        webhook_received_at: row.try_get("webhook_received_at").map_err(unavailable)?,
    })
}

/// The ids each kind of channel asks for.
fn channel_ids(channels: &[Channel]) -> [Vec<Uuid>; 3] {
    let (mut users, mut organizations, mut generations) = (Vec::new(), Vec::new(), Vec::new());
    for channel in channels {
        match channel {
            Channel::User(id) => users.push(id.as_uuid()),
            Channel::Organization(id) => organizations.push(id.as_uuid()),
            Channel::Generation(id) => generations.push(id.as_uuid()),
            // No stored generation event is a system event.
            Channel::System => {}
        }
    }
    [users, organizations, generations]
}

/// One index range scan per channel kind, merged; never a scan of the whole table.
const READ_CHANNELS: &str = "WITH hits AS ( \
      (SELECT position FROM domain_events WHERE user_id = ANY($2) AND position > $1 \
       ORDER BY position LIMIT $5) \
      UNION \
      (SELECT position FROM domain_events WHERE organization_id = ANY($3) AND position > $1 \
       ORDER BY position LIMIT $5) \
      UNION \
      (SELECT position FROM domain_events WHERE aggregate_id = ANY($4) AND position > $1 \
       ORDER BY position LIMIT $5)) \
    SELECT e.position, e.envelope, e.traceparent, e.webhook_received_at FROM domain_events e \
    JOIN (SELECT position FROM hits ORDER BY position LIMIT $5) h USING (position) \
    ORDER BY e.position";

#[async_trait]
impl EventStore for crate::ports::PgGenerations {
    async fn read_after(
        &self,
        after: StreamPosition,
        channels: &[Channel],
        limit: usize,
    ) -> Result<Vec<StoredEvent>> {
        let after = i64::try_from(after.0).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = if channels.is_empty() {
            sqlx::query(
                "SELECT position, envelope, traceparent, webhook_received_at FROM domain_events WHERE position > $1 \
                 ORDER BY position LIMIT $2",
            )
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
        } else {
            let [users, organizations, generations] = channel_ids(channels);
            // Planned for its own arguments every time: a cached generic plan cannot
            // tell an empty channel list from a full one and scans the table.
            sqlx::query(READ_CHANNELS)
                .persistent(false)
                .bind(after)
                .bind(users)
                .bind(organizations)
                .bind(generations)
                .bind(limit)
                .fetch_all(&self.pool)
                .await
        }
        .map_err(unavailable)?;
        rows.iter().map(stored_event).collect()
    }

    async fn latest_position(&self) -> Result<StreamPosition> {
        let latest: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM domain_events")
                .fetch_one(&self.pool)
                .await
                .map_err(unavailable)?;
        Ok(StreamPosition(u64::try_from(latest).unwrap_or(0)))
    }

    async fn wait_for_events(&self, after: StreamPosition, max_wait: Duration) {
        let deadline = tokio::time::Instant::now() + max_wait;
        loop {
            let notified = self.wakeups.events.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self
                .latest_position()
                .await
                .is_ok_and(|latest| latest > after)
            {
                return;
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return;
            }
            tokio::select! {
                () = notified => return,
                () = tokio::time::sleep((deadline - now).min(self.poll_backstop)) => {}
            }
        }
    }

    async fn prune_before(&self, cutoff: chrono::DateTime<chrono::Utc>) -> Result<u64> {
        crate::retention::prune_before(self, cutoff).await
    }

    async fn pruned_through(&self) -> Result<StreamPosition> {
        crate::retention::pruned_through(self).await
    }

    async fn relay_checkpoint(&self) -> Result<StreamPosition> {
        let position: Option<i64> =
            sqlx::query_scalar("SELECT position FROM relay_checkpoints WHERE name = $1")
                .bind(&self.relay_name)
                .fetch_optional(&self.pool)
                .await
                .map_err(unavailable)?;
        Ok(StreamPosition(
            position.map_or(0, |p| u64::try_from(p).unwrap_or(0)),
        ))
    }

    async fn save_relay_checkpoint(&self, position: StreamPosition) -> Result<()> {
        sqlx::query(
            "INSERT INTO relay_checkpoints (name, position) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE \
             SET position = GREATEST(relay_checkpoints.position, EXCLUDED.position)",
        )
        .bind(&self.relay_name)
        .bind(i64::try_from(position.0).unwrap_or(i64::MAX))
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }
}
