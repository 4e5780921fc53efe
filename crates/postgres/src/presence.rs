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
        // Expired rows stay until `take_expired` takes them (and their leaves are told).
        let channel = channel.to_string();
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

    async fn take_expired(&self) -> Result<Vec<(Channel, PresenceMember)>> {
        // One DELETE: a row goes to the one sweeper whose statement removed it.
        let rows: Vec<(String, Uuid, Uuid)> = sqlx::query_as(
            "DELETE FROM presence_members WHERE expires_at <= $1 \
             RETURNING channel, connection_id, user_id",
        )
        .bind(self.clock.now())
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(rows
            .into_iter()
            .filter_map(|(channel, connection_id, user)| {
                let member = PresenceMember {
                    connection_id,
                    user_id: UserId::from_uuid(user),
                };
                Some((channel.parse().ok()?, member))
            })
            .collect())
    }
}
