//! Downloads provider outputs safely: through the `outbound` guard (http(s), public
//! addresses only, no redirects), with a size cap, a timeout, and bytes that must
//! decode as an image.

use std::time::Duration;

use async_trait::async_trait;
use imagegen_application::Result;
use imagegen_application::ports::FetchError;
use imagegen_application::ports::{FetchedImage, ImageFetcher};

use crate::outbound::{answer_error, check_url, refused, send_error, transient};

/// What the fetcher allows.
#[derive(Debug, Clone)]
pub struct FetchPolicy {
    /// Allow loopback and private addresses (embedded mode, where the simulator runs on
    /// 127.0.0.1). Never in production.
    pub allow_private: bool,
    /// The largest image accepted, in bytes.
    pub max_bytes: usize,
    /// How long one download may take in all.
    pub timeout: Duration,
}

impl Default for FetchPolicy {
    fn default() -> Self {
        Self {
            allow_private: false,
            max_bytes: 32 * 1024 * 1024,
            timeout: Duration::from_secs(30),
        }
    }
}

/// The SSRF-safe fetcher.
pub struct SafeImageFetcher {
    http: reqwest::Client,
    policy: FetchPolicy,
}

impl SafeImageFetcher {
    /// Builds the fetcher.
    ///
    /// # Errors
    /// `Unexpected` when the HTTP client cannot be built.
    pub fn new(policy: FetchPolicy) -> Result<Self> {
        let http = crate::outbound::client(policy.allow_private, policy.timeout)?;
        Ok(Self { http, policy })
    }
}

#[async_trait]
impl ImageFetcher for SafeImageFetcher {
    #[tracing::instrument(skip_all, fields(url.host))]
    async fn fetch(&self, raw_url: &str) -> Result<FetchedImage, FetchError> {
        let url = check_url(raw_url, self.policy.allow_private)?;
        tracing::Span::current().record("url.host", url.host_str().unwrap_or_default());
        let mut response =
            (self.http.get(url).send().await).map_err(|e| send_error(e, "the download"))?;
        let status = response.status();
        if !status.is_success() {
            return Err(answer_error(status, "the image URL"));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| transient(format!("download broke off: {e}")))?
        {
            if bytes.len() + chunk.len() > self.policy.max_bytes {
                return Err(refused(format!(
                    "the image is larger than {} bytes",
                    self.policy.max_bytes
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        imagegen_images::inspect_image(bytes)
    }
}
