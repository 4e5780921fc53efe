//! Tells a user's own endpoint that a generation finished (the callback URL of its
//! settings), outside the live streams.

use async_trait::async_trait;
use imagegen_domain::CallbackUrl;

use super::FetchError;

/// One notice: a JSON body for one URL, with an id that stays the same when the notice
/// is sent again, so the receiver can drop repeats.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// The notice's id: the same on every retry (the receiver deduplicates by it).
    pub id: String,
    /// Where it goes.
    pub url: CallbackUrl,
    /// What it says.
    pub body: serde_json::Value,
}

/// Sends notices to users' endpoints.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait UserNotifier: Send + Sync {
    /// Delivers `notice` once.
    ///
    /// # Errors
    /// - [`FetchError::Refused`] when the URL is
    ///   not allowed (a private address) or the endpoint answered 4xx (but 429).
    /// - [`FetchError::Failed`] on network errors,
    ///   timeouts, 429 and 5xx.
    async fn notify(&self, notice: &Notice) -> Result<(), FetchError>;
}
