//! `Presence` on Redis: one sorted set per channel (`{prefix}presence:{channel}`), its
//! members `<connection>/<user>` scored by lease expiry, so that every api instance
//! sees the same members and a dead instance's connections fall out when their leases
//! run out; and a set of the channels with members (`{prefix}presence-channels`), for
//! the sweep that takes expired members (one command per key: a Redis Cluster keeps
//! them on different slots).

use std::time::Duration;

use crate::RedisConnections;
use crate::pool::Pool;
use async_trait::async_trait;
use imagegen_application::ports::{Clock, Presence, PresenceMember, SystemClock};
use imagegen_application::{Channel, Error, Result};
use imagegen_domain::UserId;
use std::sync::Arc;

use crate::error::unavailable;
use crate::{RedisError, RedisOptions};

/// The presence registry on Redis.
pub struct RedisPresence {
    pool: Pool,
    prefix: String,
    clock: Arc<dyn Clock>,
}

impl RedisPresence {
    /// A registry on `url`, its keys under `options.prefix`.
    ///
    /// # Errors
    /// [`RedisError`] when the URL is invalid or the pool cannot be built.
    pub fn new(url: &str, options: &RedisOptions) -> Result<Self, RedisError> {
        Ok(Self::on(&RedisConnections::new(url, options)?))
    }

    /// Presence on `connections`, its keys under their prefix.
    pub fn on(connections: &RedisConnections) -> Self {
        Self {
            pool: connections.pool.clone(),
            prefix: connections.options.prefix.clone(),
            clock: Arc::new(SystemClock),
        }
    }

    fn key(&self, channel: &Channel) -> String {
        format!("{}presence:{channel}", self.prefix)
    }

    fn index(&self) -> String {
        format!("{}presence-channels", self.prefix)
    }
}

fn member_text(member: PresenceMember) -> String {
    format!("{}/{}", member.connection_id, member.user_id)
}

fn parse_member(text: &str) -> Result<PresenceMember> {
    let corrupt = || Error::unexpected("reading a presence member", text.to_owned());
    let (connection, user) = text.split_once('/').ok_or_else(corrupt)?;
    Ok(PresenceMember {
        connection_id: connection.parse().map_err(|_| corrupt())?,
        user_id: user.parse::<UserId>().map_err(|_| corrupt())?,
    })
}

#[async_trait]
impl Presence for RedisPresence {
    async fn join(&self, channel: &Channel, member: PresenceMember, lease: Duration) -> Result<()> {
        let until = self.clock.now().timestamp_millis() + lease.as_millis() as i64;
        let key = self.key(channel);
        let mut connection = self.pool.get().await.map_err(unavailable)?;
        // The key outlives its longest lease, so an abandoned channel goes away.
        redis::pipe()
            .zadd(&key, member_text(member), until)
            .pexpire(&key, (lease.as_millis() as i64) * 2)
            .query_async::<()>(&mut connection)
            .await
            .map_err(unavailable)?;
        redis::cmd("SADD")
            .arg(self.index())
            .arg(channel.to_string())
            .query_async::<()>(&mut connection)
            .await
            .map_err(unavailable)
    }

    async fn leave(&self, channel: &Channel, member: PresenceMember) -> Result<()> {
        let mut connection = self.pool.get().await.map_err(unavailable)?;
        redis::cmd("ZREM")
            .arg(self.key(channel))
            .arg(member_text(member))
            .query_async::<()>(&mut connection)
            .await
            .map_err(unavailable)
    }

    async fn members(&self, channel: &Channel) -> Result<Vec<PresenceMember>> {
        let now = self.clock.now().timestamp_millis();
        let mut connection = self.pool.get().await.map_err(unavailable)?;
        let members: Vec<String> = redis::cmd("ZRANGE")
            .arg(self.key(channel))
            .arg(format!("({now}"))
            .arg("+inf")
            .arg("BYSCORE")
            .query_async(&mut connection)
            .await
            .map_err(unavailable)?;
        members.iter().map(|m| parse_member(m)).collect()
    }

    async fn take_expired(&self) -> Result<Vec<(Channel, PresenceMember)>> {
        let now = self.clock.now().timestamp_millis();
        let mut connection = self.pool.get().await.map_err(unavailable)?;
        let names: Vec<String> = redis::cmd("SMEMBERS")
            .arg(self.index())
            .query_async(&mut connection)
            .await
            .map_err(unavailable)?;
        let mut taken = Vec::new();
        for name in names {
            let Ok(channel) = name.parse::<Channel>() else {
                continue;
            };
            let key = self.key(&channel);
            let expired: Vec<String> = redis::cmd("ZRANGE")
                .arg(&key)
                .arg("-inf")
                .arg(now)
                .arg("BYSCORE")
                .query_async(&mut connection)
                .await
                .map_err(unavailable)?;
            for text in expired {
                // Whoever's ZREM removed it takes it: one sweeper per member.
                let removed: i64 = redis::cmd("ZREM")
                    .arg(&key)
                    .arg(&text)
                    .query_async(&mut connection)
                    .await
                    .map_err(unavailable)?;
                if removed == 1 {
                    taken.push((channel, parse_member(&text)?));
                }
            }
            self.forget_if_empty(&mut connection, &key, &name).await?;
        }
        Ok(taken)
    }
}

impl RedisPresence {
    /// Drops an empty channel from the index; puts it back if a join came meanwhile.
    async fn forget_if_empty(
        &self,
        connection: &mut crate::pool::Connection,
        key: &str,
        name: &str,
    ) -> Result<()> {
        let count = || redis::cmd("ZCARD").arg(key).clone();
        let members: i64 = count()
            .query_async(&mut *connection)
            .await
            .map_err(unavailable)?;
        if members > 0 {
            return Ok(());
        }
        let index = self.index();
        (redis::cmd("SREM").arg(&index).arg(name))
            .query_async::<()>(&mut *connection)
            .await
            .map_err(unavailable)?;
        let members: i64 = count()
            .query_async(&mut *connection)
            .await
            .map_err(unavailable)?;
        if members > 0 {
            (redis::cmd("SADD").arg(&index).arg(name))
                .query_async::<()>(&mut *connection)
                .await
                .map_err(unavailable)?;
        }
        Ok(())
    }
}
