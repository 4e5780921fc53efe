//! The names of the queues and of their jobs.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The queues imagegen uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QueueName {
    /// Submissions to providers, cancels, end checks and stuck generations.
    ProviderSubmissions,
    /// Provider updates, from webhooks and polls.
    GenerationWebhooks,
    /// Copies of outputs into our storage.
    ImageProcessing,
    /// Users' callback URLs.
    UserNotifications,
    /// Retention: old deliveries and events.
    CleanupTasks,
}

impl QueueName {
    /// Every queue.
    pub const ALL: [Self; 5] = [
        Self::ProviderSubmissions,
        Self::GenerationWebhooks,
        Self::ImageProcessing,
        Self::UserNotifications,
        Self::CleanupTasks,
    ];

    /// The queue's name (`provider-submissions`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ProviderSubmissions => "provider-submissions",
            Self::GenerationWebhooks => "generation-webhooks",
            Self::ImageProcessing => "image-processing",
            Self::UserNotifications => "user-notifications",
            Self::CleanupTasks => "cleanup-tasks",
        }
    }
}

impl fmt::Display for QueueName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Identifies one job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct JobId(pub Uuid);

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
