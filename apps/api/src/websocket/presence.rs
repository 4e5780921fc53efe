//! A WebSocket connection's presence: each subscription to a generation or
//! organization channel joins it, renews at every heartbeat, and leaves when it ends.
//! The registry failing never fails the subscription: presence is best effort.

use std::sync::Arc;

use imagegen_application::Channel;
use imagegen_application::ports::PresenceMember;
use imagegen_bootstrap::Services;
use imagegen_realtime::has_presence;

/// One connection as a presence member.
pub(super) struct PresenceHandle {
    services: Arc<Services>,
    member: PresenceMember,
}

/// The channel named `name`, if it keeps presence.
fn tracked(name: &str) -> Option<Channel> {
    name.parse::<Channel>().ok().filter(has_presence)
}

impl PresenceHandle {
    pub(super) fn new(services: Arc<Services>, member: PresenceMember) -> Self {
        Self { services, member }
    }

    pub(super) async fn join(&self, name: &str) {
        let Some(channel) = tracked(name) else { return };
        if let Err(error) = self.services.presence.join(&channel, self.member).await {
            tracing::warn!(%error, %channel, "could not record presence");
        }
    }

    pub(super) async fn leave(&self, name: &str) {
        let Some(channel) = tracked(name) else { return };
        if let Err(error) = self.services.presence.leave(&channel, self.member).await {
            tracing::warn!(%error, %channel, "could not record a presence leave");
        }
    }

    pub(super) async fn renew(&self, names: &[String]) {
        for channel in names.iter().filter_map(|name| tracked(name)) {
            if let Err(error) = self.services.presence.renew(&channel, self.member).await {
                tracing::debug!(%error, %channel, "could not renew presence");
            }
        }
    }

    pub(super) async fn leave_all(&self, names: &[String]) {
        for name in names {
            self.leave(name).await;
        }
    }
}
