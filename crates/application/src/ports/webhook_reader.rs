//! How a provider's webhook deliveries are checked and read: its signature on the raw
//! bytes (with that provider's secrets only), then its body. One reader per provider
//! the api takes webhooks for; `imagegen-webhooks` implements them.

use imagegen_domain::{ExternalId, ProviderName, ProviderUpdate};

/// A delivery's signature headers (Standard Webhooks), as sent.
#[derive(Debug, Clone, Copy, Default)]
pub struct SignatureHeaders<'a> {
    /// `webhook-id`: the delivery's id, the same on every retry.
    pub id: &'a str,
    /// `webhook-timestamp`, Unix seconds as text.
    pub timestamp: &'a str,
    /// `webhook-signature`.
    pub signature: &'a str,
}

/// What a delivery's body says.
#[derive(Debug, Clone, PartialEq)]
pub enum WebhookContent {
    /// A prediction's state (Replicate's protocol; the route names the generation).
    Update(ProviderUpdate),
    /// An object of the provider's ended (OpenAI's); the worker reads it.
    ObjectEnded {
        /// The provider's id of the object.
        external_id: ExternalId,
        /// The event's type, for logs.
        kind: String,
    },
    /// An event about nothing we follow: acknowledged and ignored.
    Ignored {
        /// The event's type, for logs.
        kind: String,
    },
}

/// Where a provider sends its webhooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookRoute {
    /// `/webhooks/{provider}/{generation id}`: one address per generation.
    PerGeneration,
    /// `/webhooks/{provider}`: one address for the whole project.
    Project,
}

/// Checks and reads one provider's deliveries.
pub trait WebhookReader: Send + Sync {
    /// The provider whose deliveries these are.
    fn provider(&self) -> ProviderName;

    /// Where the provider sends them.
    fn route(&self) -> WebhookRoute;

    /// Checks the signature of `body` at `now_unix`.
    ///
    /// # Errors
    /// Why the signature is refused (missing, stale, or made with no secret of ours).
    fn verify(
        &self,
        headers: SignatureHeaders<'_>,
        body: &[u8],
        now_unix: i64,
    ) -> Result<(), String>;

    /// Reads a verified body.
    ///
    /// # Errors
    /// Why the body is not a delivery of this provider's protocol.
    fn read(&self, body: &[u8]) -> Result<WebhookContent, String>;
}
