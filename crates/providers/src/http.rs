//! One provider call over HTTP, answered the way the `ImageProvider` port promises:
//! 429 and 5xx are transient (with `Retry-After`), other 4xx are rejections. The
//! provider's error text goes into the error (logged), never a URL with a secret.

use std::time::Duration;

use imagegen_application::ports::{ProviderError, ProviderResult};
use imagegen_application::{Error, Result};
use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

/// A provider's HTTP client with its bearer token.
pub(crate) struct ProviderHttp {
    pub client: reqwest::Client,
    pub token: SecretString,
    /// `Replicate`, `OpenAI`: in messages.
    pub label: &'static str,
    /// Where the provider's error body keeps its message.
    pub detail_of: fn(&Value) -> Option<&str>,
}

impl ProviderHttp {
    /// A client with `timeout` per request.
    pub fn new(
        label: &'static str,
        token: SecretString,
        timeout: Duration,
        detail_of: fn(&Value) -> Option<&str>,
    ) -> Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("imagegen/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::unexpected("building a provider's HTTP client", e))?;
        Ok(Self {
            client,
            token,
            label,
            detail_of,
        })
    }

    /// Sends `request` with the token; the body of a 2xx answer.
    pub async fn call(&self, request: reqwest::RequestBuilder) -> ProviderResult<Vec<u8>> {
        let unavailable = |e: &reqwest::Error| ProviderError::Unavailable {
            message: self.without_url(e),
            retry_after: None,
        };
        let response = request
            .bearer_auth(self.token.expose_secret())
            .send()
            .await
            .map_err(|e| unavailable(&e))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = response.bytes().await.map_err(|e| unavailable(&e))?;
        if status.is_success() {
            return Ok(body.to_vec());
        }
        let detail = serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|v| (self.detail_of)(&v).map(str::to_owned))
            .unwrap_or_else(|| String::from_utf8_lossy(&body).chars().take(200).collect());
        let message = format!("{} answered {status}: {detail}", self.label);
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            Err(ProviderError::Unavailable {
                message,
                retry_after,
            })
        } else if status == StatusCode::NOT_FOUND {
            Err(ProviderError::Lost { message })
        } else {
            Err(ProviderError::Rejected { message })
        }
    }

    /// A short message for a transport error, without the request URL.
    fn without_url(&self, error: &reqwest::Error) -> String {
        let kind = if error.is_timeout() {
            "timed out"
        } else if error.is_connect() {
            "could not connect"
        } else {
            "request failed"
        };
        let cause =
            std::error::Error::source(error).map_or_else(|| error.to_string(), ToString::to_string);
        format!("{} {kind}: {cause}", self.label)
    }
}
