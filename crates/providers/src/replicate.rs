//! Replicate's predictions API: create with a webhook, get, cancel.

use std::time::Duration;

use async_trait::async_trait;
use imagegen_application::ports::{
    ImageProvider, PredictionRequest, ProviderError, ProviderResult,
};
use imagegen_application::{Error, Result};
use imagegen_domain::{ExternalId, ProviderUpdate};
use imagegen_webhooks::{WebhookSecret, parse_prediction};
use secrecy::SecretString;
use serde_json::Value;

use crate::bucket::TokenBucket;
use crate::http::ProviderHttp;
use crate::replicate_body::CreatePrediction;

/// Where and how to reach Replicate.
#[derive(Debug, Clone)]
pub struct ReplicateConfig {
    /// `https://api.replicate.com/v1`, or the simulator's `/v1`.
    pub base_url: String,
    /// The account's API token (`r8_...`); never logged.
    pub api_token: SecretString,
    /// Per request.
    pub timeout: Duration,
    /// Prediction creates a minute this client makes at most (Replicate allows
    /// [`REPLICATE_CREATES_PER_MINUTE`]).
    pub creates_per_minute: u32,
}

/// Replicate's limit on prediction creates, per minute.
pub const REPLICATE_CREATES_PER_MINUTE: u32 = 600;
/// How long a submission waits for the client-side limit before the job is retried.
const MAX_CREATE_WAIT: Duration = Duration::from_secs(5);

/// The Replicate client.
pub struct ReplicateClient {
    http: ProviderHttp,
    base_url: String,
    creates: TokenBucket,
}

impl ReplicateClient {
    /// Builds the client.
    ///
    /// # Errors
    /// `Unexpected` when the HTTP client cannot be built (no TLS roots, for example).
    pub fn new(config: ReplicateConfig) -> Result<Self> {
        // Replicate's errors: `{"detail": ..., "title": ..., "status": ...}`.
        let http = ProviderHttp::new("Replicate", config.api_token, config.timeout, |v| {
            v["detail"].as_str()
        })?;
        let base_url = config.base_url.trim_end_matches('/').to_owned();
        Ok(Self {
            http,
            base_url,
            creates: TokenBucket::per_minute(config.creates_per_minute),
        })
    }

    /// The create URL and body for a request: a deployment by name, official models by
    /// name, others by version.
    fn create_call<'a>(&self, request: &'a PredictionRequest) -> (String, CreatePrediction<'a>) {
        let settings = &request.settings;
        // The three create forms: a deployment, a version, an official model.
        let (url, version) = match (settings.deployment(), settings.model().split_once(':')) {
            (Some(deployment), _) => (
                format!("{}/deployments/{deployment}/predictions", self.base_url),
                None,
            ),
            (None, Some(_)) => (
                format!("{}/predictions", self.base_url),
                Some(settings.model()),
            ),
            (None, None) => (
                format!("{}/models/{}/predictions", self.base_url, settings.model()),
                None,
            ),
        };
        (url, CreatePrediction::new(request, version))
    }

    /// Replicate's signing secret for webhooks (`GET /webhooks/default/secret`), for a
    /// deployment that does not configure its own; fetch it once and keep it.
    ///
    /// # Errors
    /// As the other calls; a key that is not a `whsec_` secret is `ProviderRejected`.
    pub async fn webhook_secret(&self) -> Result<WebhookSecret> {
        let url = format!("{}/webhooks/default/secret", self.base_url);
        let body: Value = serde_json::from_slice(&self.http.call(self.http.client.get(url)).await?)
            .map_err(|e| ProviderError::Rejected {
                message: format!("unreadable webhook secret: {e}"),
            })?;
        WebhookSecret::parse(body["key"].as_str().unwrap_or_default()).map_err(|e| {
            Error::Provider(ProviderError::Rejected {
                message: format!("Replicate's webhook secret: {e}"),
            })
        })
    }

    /// Takes a create from the client-side limit, waiting up to [`MAX_CREATE_WAIT`];
    /// past it the submission is retried later (a transient error with the wait).
    async fn wait_for_create(&self) -> ProviderResult<()> {
        let deadline = tokio::time::Instant::now() + MAX_CREATE_WAIT;
        loop {
            match self.creates.take_at(std::time::Instant::now()) {
                Ok(()) => return Ok(()),
                Err(wait) if tokio::time::Instant::now() + wait <= deadline => {
                    tokio::time::sleep(wait).await;
                }
                Err(wait) => {
                    return Err(ProviderError::Unavailable {
                        message: format!(
                            "over the client-side limit of {} creates a minute",
                            (self.creates.capacity()) as u32
                        ),
                        retry_after: Some(wait),
                    });
                }
            }
        }
    }

    fn parse(body: &[u8]) -> ProviderResult<ProviderUpdate> {
        parse_prediction(body).map_err(|e| ProviderError::Rejected {
            message: format!("unreadable prediction: {e}"),
        })
    }
}

#[async_trait]
impl ImageProvider for ReplicateClient {
    #[tracing::instrument(skip_all, fields(generation.id = %request.generation_id))]
    async fn submit(&self, request: &PredictionRequest) -> ProviderResult<ProviderUpdate> {
        self.wait_for_create().await?;
        let (url, body) = self.create_call(request);
        let mut create = self.http.client.post(url).json(&body);
        // Replicate stops the prediction itself at the deadline (status `canceled`).
        if let Some(deadline) = request.settings.deadline_seconds() {
            create = create.header("Cancel-After", format!("{deadline}s"));
        }
        let bytes = self.http.call(create).await?;
        Self::parse(&bytes)
    }

    async fn fetch(&self, external_id: &ExternalId) -> ProviderResult<ProviderUpdate> {
        let url = format!("{}/predictions/{external_id}", self.base_url);
        Self::parse(&self.http.call(self.http.client.get(url)).await?)
    }

    async fn cancel(&self, external_id: &ExternalId) -> ProviderResult<()> {
        let url = format!("{}/predictions/{external_id}/cancel", self.base_url);
        self.http.call(self.http.client.post(url)).await.map(drop)
    }
}
