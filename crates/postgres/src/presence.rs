//! `Presence` on Postgres (the durable mode): one row per member and channel with its
//! lease's end, so that every api instance on the database sees the same members and a
//! dead instance's connections fall out when their leases run out.

use std::time::Duration;

use async_trait::async_trait;
use imagegen_application::ports::{Presence, PresenceMember};
use imagegen_application::{Channel, Result};
use imagegen_domain::UserId;
use uuid::Uuid;

use crate::error::unavailable;

#[async_trait]
impl Presence for crate::ports::PgPresence {
    async fn join(&self, channel: &Channel, member: PresenceMember, lease: Duration) -> Result<()> {
        let until =
            self.clock.now() + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
        sqlx::query(
            "INSERT INTO presence_members (channel, connection_id, user_id, expires_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (channel, connection_id) DO UPDATE SET expires_at = EXCLUDED.expires_at",
        )
        .bind(channel.to_string())
        .bind(member.connection_id)
        .bind(member.user_id.as_uuid())
        .bind(until)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn leave(&self, channel: &Channel, member: PresenceMember) -> Result<()> {
        sqlx::query("DELETE FROM presence_members WHERE channel = $1 AND connection_id = $2")
            .bind(channel.to_string())
            .bind(member.connection_id)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn members(&self, channel: &Channel) -> Result<Vec<PresenceMember>> {
        let now = self.clock.now();
        let channel = channel.to_string();
        // Sweep what dead instances left, then read.
        sqlx::query("DELETE FROM presence_members WHERE channel = $1 AND expires_at <= $2")
            .bind(&channel)
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        let rows: Vec<(Uuid, Uuid)> = sqlx::query_as(
            "SELECT connection_id, user_id FROM presence_members \
             WHERE channel = $1 AND expires_at > $2 ORDER BY connection_id",
        )
        .bind(&channel)
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(rows
            .into_iter()
            .map(|(connection_id, user)| PresenceMember {
                connection_id,
                user_id: UserId::from_uuid(user),
            })
            .collect())
    }
}
