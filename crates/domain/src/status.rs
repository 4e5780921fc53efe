//! Generation statuses, their forward order, and delivery modes.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where a generation is in its life. The order of the variants is the forward order;
/// `failed` and `cancelled` end it from any non-terminal status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GenerationStatus {
    /// Saved; not yet accepted by the provider.
    Pending,
    /// The provider accepted it (its external id is known).
    Starting,
    /// The provider is running it.
    Processing,
    /// The provider succeeded; we are copying its outputs into our storage.
    Storing,
    /// Our copies are stored.
    Completed,
    /// Ended with an error.
    Failed,
    /// Ended by its user or the provider.
    Cancelled,
}

impl GenerationStatus {
    /// Every status, in forward order.
    pub const ALL: [Self; 7] = [
        Self::Pending,
        Self::Starting,
        Self::Processing,
        Self::Storing,
        Self::Completed,
        Self::Failed,
        Self::Cancelled,
    ];

    /// True for statuses that never change again.
    pub const fn is_terminal(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Cancelled)
    }

    /// Position along the happy path; terminal statuses rank above all others.
    pub const fn rank(self) -> u8 {
        match self {
            Self::Pending => 0,
            Self::Starting => 1,
            Self::Processing => 2,
            Self::Storing => 3,
            Self::Completed | Self::Failed | Self::Cancelled => 4,
        }
    }

    /// The wire name (`pending`, `starting`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Starting => "starting",
            Self::Processing => "processing",
            Self::Storing => "storing",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for GenerationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How we learn about a prediction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryMode {
    /// The provider calls our webhook.
    #[default]
    Webhook,
    /// We poll the provider.
    Polling,
    /// Both, with consistency checks, while migrating.
    Dual,
}

impl DeliveryMode {
    /// The wire name (`webhook`, `polling`, `dual`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Webhook => "webhook",
            Self::Polling => "polling",
            Self::Dual => "dual",
        }
    }
}

impl fmt::Display for DeliveryMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
