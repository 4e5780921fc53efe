//! Channels: what a realtime client watches.

use std::fmt;
use std::str::FromStr;

use imagegen_domain::{EventEnvelope, GenerationId, OrganizationId, UserId};

/// One channel: `user:{id}`, `organization:{id}`, `generation:{id}` or `system`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// `user:{id}`: one user's generations.
    User(UserId),
    /// `org:{id}`: every generation of an organization.
    Organization(OrganizationId),
    /// `generation:{id}`: one generation.
    Generation(GenerationId),
    /// Announcements to everyone.
    System,
}

/// A channel name that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown channel `{0}` (expected user:{{uuid}}, organization:{{uuid}}, generation:{{uuid}} or system)"
)]
pub struct ChannelParseError(pub String);

impl FromStr for Channel {
    type Err = ChannelParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || ChannelParseError(s.to_owned());
        if s == "system" {
            return Ok(Self::System);
        }
        let (kind, id) = s.split_once(':').ok_or_else(invalid)?;
        match kind {
            "user" => id.parse().map(Self::User).map_err(|_| invalid()),
            "organization" => id.parse().map(Self::Organization).map_err(|_| invalid()),
            "generation" => id.parse().map(Self::Generation).map_err(|_| invalid()),
            _ => Err(invalid()),
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::User(id) => write!(f, "user:{id}"),
            Self::Organization(id) => write!(f, "organization:{id}"),
            Self::Generation(id) => write!(f, "generation:{id}"),
            Self::System => f.write_str("system"),
        }
    }
}

impl Channel {
    /// Whether an event belongs on this channel.
    pub fn carries(&self, event: &EventEnvelope) -> bool {
        match self {
            Self::User(id) => event.user_id == *id,
            Self::Organization(id) => event.organization_id == *id,
            Self::Generation(id) => event.aggregate_id == *id,
            // Generation events are never system announcements.
            Self::System => false,
        }
    }

    /// Whether an event belongs on any of these channels.
    pub fn any_carries(channels: &[Self], event: &EventEnvelope) -> bool {
        channels.iter().any(|channel| channel.carries(event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_channel_name_round_trips() {
        let id = GenerationId::new();
        let channel: Channel = format!("generation:{id}").parse().unwrap();
        assert_eq!(channel, Channel::Generation(id));
        assert_eq!(channel.to_string(), format!("generation:{id}"));
    }

    #[test]
    fn an_unknown_channel_kind_is_refused() {
        assert!("team:1".parse::<Channel>().is_err());
        assert!("user:not-a-uuid".parse::<Channel>().is_err());
        assert!("".parse::<Channel>().is_err());
    }
}
