//! Downloads provider outputs safely: http(s) only, no private or local addresses
//! (checked on every resolved address, so DNS cannot point us inside), no redirects,
//! a size cap, a timeout, and the bytes must decode as an image.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use imagegen_application::ports::{FetchedImage, ImageFetcher};
use imagegen_application::{Error, Result};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// What the fetcher allows.
#[derive(Debug, Clone)]
pub struct FetchPolicy {
    /// Allow loopback and private addresses (embedded mode, where the simulator runs on
    /// 127.0.0.1). Never in production.
    pub allow_private: bool,
    pub max_bytes: usize,
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

fn refused(message: impl Into<String>) -> Error {
    Error::Fetch {
        message: message.into(),
        retryable: false,
    }
}

fn transient(message: impl Into<String>) -> Error {
    Error::Fetch {
        message: message.into(),
        retryable: true,
    }
}

/// Whether an address is outside every private, local and reserved range.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_unspecified()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
                || a >= 224)
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public(IpAddr::V4(v4)),
            None => {
                let first = v6.segments()[0];
                !(v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || (first & 0xfe00) == 0xfc00 // unique local
                    || (first & 0xffc0) == 0xfe80) // link local
            }
        },
    }
}

/// The resolver's refusal: the name resolves to no public address. A type of its own,
/// so the fetcher recognises it among the error's sources without reading its text.
#[derive(Debug, thiserror::Error)]
#[error("{host} resolves to no public address")]
struct NoPublicAddress {
    host: String,
}

/// Resolves names and drops every non-public address.
struct PublicOnlyResolver;

impl Resolve for PublicOnlyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = format!("{}:0", name.as_str());
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host(host)
                .await?
                .filter(|a| is_public(a.ip()))
                .collect();
            if addrs.is_empty() {
                let refusal = NoPublicAddress {
                    host: name.as_str().to_owned(),
                };
                return Err(Box::new(refusal) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Whether the resolver refused the host (somewhere down the error's sources).
fn refused_by_resolver(error: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if cause.downcast_ref::<NoPublicAddress>().is_some() {
            return true;
        }
        source = cause.source();
    }
    false
}

impl SafeImageFetcher {
    /// Builds the fetcher.
    ///
    /// # Errors
    /// `Unexpected` when the HTTP client cannot be built.
    pub fn new(policy: FetchPolicy) -> Result<Self> {
        // No proxy: a proxy from HTTP_PROXY/HTTPS_PROXY would resolve the host itself,
        // past the public-address resolver.
        let mut builder = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(policy.timeout)
            .connect_timeout(Duration::from_secs(5));
        if !policy.allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnlyResolver));
        }
        let http = builder
            .build()
            .map_err(|e| Error::unexpected("building the image fetcher", e))?;
        Ok(Self { http, policy })
    }

    fn check_url(&self, raw: &str) -> Result<Url> {
        let url = Url::parse(raw).map_err(|e| refused(format!("not a URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(refused(format!("scheme {} is not allowed", url.scheme())));
        }
        let literal = match url.host() {
            None => return Err(refused("the URL has no host")),
            Some(Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            Some(Host::Domain(_)) => None,
        };
        if let Some(ip) = literal.filter(|ip| !self.policy.allow_private && !is_public(*ip)) {
            return Err(refused(format!("address {ip} is not public")));
        }
        Ok(url)
    }
}

#[async_trait]
impl ImageFetcher for SafeImageFetcher {
    #[tracing::instrument(skip_all, fields(url.host))]
    async fn fetch(&self, raw_url: &str) -> Result<FetchedImage> {
        let url = self.check_url(raw_url)?;
        tracing::Span::current().record("url.host", url.host_str().unwrap_or_default());
        let mut response = self.http.get(url).send().await.map_err(|e| {
            if refused_by_resolver(&e) {
                refused(format!("refused: {e}"))
            } else {
                transient(format!("download failed: {e}"))
            }
        })?;
        let status = response.status();
        if !status.is_success() {
            let message = format!("the image URL answered {status}");
            return Err(if status.is_server_error() || status.as_u16() == 429 {
                transient(message)
            } else {
                refused(message)
            });
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
        let format =
            image::guess_format(&bytes).map_err(|_| refused("the body is not an image"))?;
        let content_type = match format {
            image::ImageFormat::Png => "image/png",
            image::ImageFormat::Jpeg => "image/jpeg",
            image::ImageFormat::WebP => "image/webp",
            other => return Err(refused(format!("image format {other:?} is not accepted"))),
        };
        let (width, height) = image::ImageReader::with_format(std::io::Cursor::new(&bytes), format)
            .into_dimensions()
            .map_err(|e| refused(format!("the image does not decode: {e}")))?;
        Ok(FetchedImage {
            bytes,
            content_type: content_type.to_owned(),
            width,
            height,
        })
    }
}
