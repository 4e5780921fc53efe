//! Who is watching a channel now (generation and organization channels): each open
//! WebSocket subscription is a member until it leaves or its lease runs out (a
//! connection on an instance that died leaves no stale member behind for long).

use std::time::Duration;

use async_trait::async_trait;
use imagegen_domain::UserId;
use uuid::Uuid;

use crate::{Channel, Result};

/// One connection's presence on a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PresenceMember {
    /// One connection: a user with two tabs is two members.
    pub connection_id: Uuid,
    /// Who.
    pub user_id: UserId,
}

/// The presence registry, shared by every api instance in the distributed mode.
#[async_trait]
pub trait Presence: Send + Sync {
    /// Marks `member` present on `channel` for `lease` (again: renews it).
    /// Errors: `Unavailable`.
    async fn join(&self, channel: &Channel, member: PresenceMember, lease: Duration) -> Result<()>;

    /// Removes `member` from `channel`. Errors: `Unavailable`.
    async fn leave(&self, channel: &Channel, member: PresenceMember) -> Result<()>;

    /// The members of `channel` whose lease has not run out. Errors: `Unavailable`.
    async fn members(&self, channel: &Channel) -> Result<Vec<PresenceMember>>;

    /// Removes every member whose lease ran out, on every channel, and returns them:
    /// each to one caller only, however many instances sweep at once (the caller
    /// announces their leaves). Errors: `Unavailable`.
    async fn take_expired(&self) -> Result<Vec<(Channel, PresenceMember)>>;
}
