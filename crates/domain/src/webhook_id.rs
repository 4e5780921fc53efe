//! A webhook delivery's id.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A delivery's `webhook-id`: the same on every retry of one delivery, so the inbox
/// records each delivery once under it. The reconciler's polled updates get ids of
/// their own (`poll:{prediction}:{status}`), one per state seen.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WebhookId(String);

impl WebhookId {
    /// The id of the reconciler's poll that saw `prediction` in `status`.
    pub fn polled(prediction: &str, status: impl fmt::Debug) -> Self {
        Self(format!("poll:{prediction}:{status:?}"))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for WebhookId {
    fn from(id: String) -> Self {
        Self(id)
    }
}

impl From<&str> for WebhookId {
    fn from(id: &str) -> Self {
        Self(id.to_owned())
    }
}

impl fmt::Display for WebhookId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
