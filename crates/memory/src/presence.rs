//! `Presence` in memory: members by channel, with their lease expiry.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_application::ports::{Clock, Presence, PresenceMember, SystemClock};
use imagegen_application::{Channel, Result};

use crate::lock;

/// This process's presence registry.
pub struct MemoryPresence {
    channels: Mutex<HashMap<String, HashMap<PresenceMember, DateTime<Utc>>>>,
    clock: Arc<dyn Clock>,
}

impl Default for MemoryPresence {
    fn default() -> Self {
        Self::with_clock(Arc::new(SystemClock))
    }
}

impl MemoryPresence {
    /// An empty registry whose entries age by `clock`.
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        Self {
            channels: Mutex::default(),
            clock,
        }
    }
}

#[async_trait]
impl Presence for MemoryPresence {
    async fn join(&self, channel: &Channel, member: PresenceMember, lease: Duration) -> Result<()> {
        let until = self.clock.now() + chrono::Duration::from_std(lease).unwrap_or_default();
        lock(&self.channels)
            .entry(channel.to_string())
            .or_default()
            .insert(member, until);
        Ok(())
    }

    async fn leave(&self, channel: &Channel, member: PresenceMember) -> Result<()> {
        let mut channels = lock(&self.channels);
        let key = channel.to_string();
        if let Some(members) = channels.get_mut(&key) {
            members.remove(&member);
            if members.is_empty() {
                channels.remove(&key);
            }
        }
        Ok(())
    }

    async fn members(&self, channel: &Channel) -> Result<Vec<PresenceMember>> {
        let now = self.clock.now();
        let channels = lock(&self.channels);
        let Some(members) = channels.get(&channel.to_string()) else {
            return Ok(Vec::new());
        };
        // Expired ones stay until `take_expired` takes them (and their leaves are told).
        Ok((members.iter())
            .filter(|(_, until)| **until > now)
            .map(|(member, _)| *member)
            .collect())
    }

    async fn take_expired(&self) -> Result<Vec<(Channel, PresenceMember)>> {
        let now = self.clock.now();
        let mut taken = Vec::new();
        lock(&self.channels).retain(|name, members| {
            members.retain(|member, until| {
                let live = *until > now;
                if let (false, Ok(channel)) = (live, name.parse::<Channel>()) {
                    taken.push((channel, *member));
                }
                live
            });
            !members.is_empty()
        });
        Ok(taken)
    }
}
