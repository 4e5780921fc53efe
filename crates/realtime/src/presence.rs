//! Presence on generation and organization channels: a WebSocket subscription joins
//! (the registry, shared by every instance), renews its lease while it stays, and
//! leaves. The channel's watchers everywhere are told per user, not per connection: a
//! `join` when a user's first connection arrives, a `leave` when its last one goes.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use imagegen_application::ports::{EventBus, Presence, PresenceMember};
use imagegen_application::{Channel, Result};
use serde_json::{Value, json};

/// How long a member stays without renewing: three missed renewals.
pub const PRESENCE_LEASE: Duration = Duration::from_secs(45);
/// How often each instance takes expired members and tells their leaves.
pub const PRESENCE_SWEEP_EVERY: Duration = Duration::from_secs(10);

/// Whether a channel keeps presence.
pub fn has_presence(channel: &Channel) -> bool {
    matches!(channel, Channel::Generation(_) | Channel::Organization(_))
}

/// Joins, renewals, leaves and listings.
#[derive(Clone)]
pub struct PresenceTracker {
    registry: Arc<dyn Presence>,
    bus: Arc<dyn EventBus>,
}

impl PresenceTracker {
    /// Tracks members in `registry` and announces joins and leaves on `bus`.
    pub fn new(registry: Arc<dyn Presence>, bus: Arc<dyn EventBus>) -> Self {
        Self { registry, bus }
    }

    fn change(kind: &str, channel: &Channel, member: PresenceMember) -> Value {
        json!({ "type": kind, "channel": channel.to_string(), "user_id": member.user_id.to_string() })
    }

    /// `member` joins `channel`; its watchers on every instance are told.
    ///
    /// # Errors
    /// `Unavailable` from the registry or the bus.
    pub async fn join(&self, channel: &Channel, member: PresenceMember) -> Result<()> {
        let there = self.connections_of(channel, member).await?;
        self.registry.join(channel, member, PRESENCE_LEASE).await?;
        if there > 0 {
            return Ok(());
        }
        let change = Self::change("join", channel, member);
        self.bus.announce(&channel.to_string(), &change).await
    }

    /// How many connections `member`'s user has on `channel`, `member`'s own aside.
    async fn connections_of(&self, channel: &Channel, member: PresenceMember) -> Result<usize> {
        let members = self.registry.members(channel).await?;
        Ok(members
            .iter()
            .filter(|m| m.user_id == member.user_id && m.connection_id != member.connection_id)
            .count())
    }

    /// Renews `member`'s lease on `channel`, silently.
    ///
    /// # Errors
    /// `Unavailable` from the registry.
    pub async fn renew(&self, channel: &Channel, member: PresenceMember) -> Result<()> {
        self.registry.join(channel, member, PRESENCE_LEASE).await
    }

    /// `member` leaves `channel`; its watchers on every instance are told.
    ///
    /// # Errors
    /// `Unavailable` from the registry or the bus.
    pub async fn leave(&self, channel: &Channel, member: PresenceMember) -> Result<()> {
        self.registry.leave(channel, member).await?;
        if self.connections_of(channel, member).await? > 0 {
            return Ok(());
        }
        let change = Self::change("leave", channel, member);
        self.bus.announce(&channel.to_string(), &change).await
    }

    /// Takes the members whose lease ran out (their instance died, or stopped renewing)
    /// and tells each channel's watchers of every user who has no connection left there.
    /// Instances sweep at once without telling a leave twice: each expired member is
    /// taken by one of them. Returns how many members were taken.
    ///
    /// # Errors
    /// `Unavailable` from the registry or the bus.
    pub async fn sweep(&self) -> Result<usize> {
        let taken = self.registry.take_expired().await?;
        let mut told = std::collections::HashSet::new();
        for (channel, member) in &taken {
            if !told.insert((channel.to_string(), member.user_id)) {
                continue;
            }
            if self.connections_of(channel, *member).await? > 0 {
                continue;
            }
            let change = Self::change("leave", channel, *member);
            self.bus.announce(&channel.to_string(), &change).await?;
        }
        Ok(taken.len())
    }

    /// Who is on `channel`: each user once, with their number of connections.
    ///
    /// # Errors
    /// `Unavailable` from the registry.
    pub async fn members(&self, channel: &Channel) -> Result<Value> {
        let mut users: BTreeMap<String, u32> = BTreeMap::new();
        for member in self.registry.members(channel).await? {
            *users.entry(member.user_id.to_string()).or_default() += 1;
        }
        let members: Vec<Value> = users
            .into_iter()
            .map(|(user_id, connections)| json!({ "user_id": user_id, "connections": connections }))
            .collect();
        Ok(json!({ "channel": channel.to_string(), "members": members }))
    }
}
