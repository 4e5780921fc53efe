//! `UserNotifier` over HTTP: POSTs a notice to the user's callback URL through the
//! `outbound` guard (public addresses only, no redirects), signed as Standard Webhooks
//! (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with our callback secret,
//! so the receiver can check it came from us.

use std::time::Duration;

use async_trait::async_trait;
use imagegen_application::Result;
use imagegen_application::ports::FetchError;
use imagegen_application::ports::{Notice, UserNotifier};
use imagegen_webhooks::{WebhookSecret, sign};

use crate::outbound::{answer_error, check_url, client, send_error};

/// How long one delivery may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Sends notices to callback URLs.
pub struct CallbackSender {
    http: reqwest::Client,
    allow_private: bool,
    /// Signs every notice; without it notices go unsigned (logged at start-up).
    secret: Option<WebhookSecret>,
}

impl CallbackSender {
    /// A sender; `allow_private` lets callbacks reach loopback and private addresses
    /// (development only).
    ///
    /// # Errors
    /// `Unexpected` when the HTTP client cannot be built.
    pub fn new(secret: Option<WebhookSecret>, allow_private: bool) -> Result<Self> {
        Ok(Self {
            http: client(allow_private, TIMEOUT)?,
            allow_private,
            secret,
        })
    }
}

#[async_trait]
impl UserNotifier for CallbackSender {
    #[tracing::instrument(skip_all, fields(url = %notice.url.redacted(), notice.id = %notice.id))]
    async fn notify(&self, notice: &Notice) -> Result<(), FetchError> {
        let url = check_url(notice.url.as_str(), self.allow_private)?;
        let body = serde_json::to_vec(&notice.body).map_err(|e| FetchError::Refused {
            message: format!("the notice cannot be written: {e}"),
        })?;
        let timestamp = chrono::Utc::now().timestamp();
        let mut request = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", &notice.id)
            .header("webhook-timestamp", timestamp.to_string());
        if let Some(secret) = &self.secret {
            request = request.header(
                "webhook-signature",
                sign(secret, &notice.id, timestamp, &body),
            );
        }
        let response =
            (request.body(body).send().await).map_err(|e| send_error(e, "the callback"))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        Err(answer_error(status, "the callback URL"))
    }
}
