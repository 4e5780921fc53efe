//! Calls to addresses that outside input chose (provider outputs, users' callback
//! URLs) without letting them reach inside our network (SSRF): http(s) only, public
//! addresses only (checked on every resolved address, so DNS cannot point us inside),
//! no redirects, no proxy, timeouts.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use imagegen_application::ports::FetchError;
use imagegen_application::{Error, Result};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

pub(crate) fn refused(message: impl Into<String>) -> FetchError {
    FetchError::Refused {
        message: message.into(),
    }
}

pub(crate) fn transient(message: impl Into<String>) -> FetchError {
    FetchError::Failed {
        message: message.into(),
    }
}

pub use imagegen_domain::is_public;

/// The resolver's refusal: the name resolves to no public address. A type of its own,
/// so the fetcher recognises it among the error's sources without reading its text.
#[derive(Debug, thiserror::Error)]
#[error("{host} resolves to no public address")]
struct NoPublicAddress {
    host: String,
}

/// The addresses a name resolves to, on their way.
type Addresses = std::pin::Pin<Box<dyn Future<Output = std::io::Result<Vec<SocketAddr>>> + Send>>;

/// How a name becomes addresses: the system's resolver, or a fixed answer in tests.
type Lookup = fn(String) -> Addresses;

fn system_lookup(host: String) -> Addresses {
    Box::pin(async move { Ok(tokio::net::lookup_host(host).await?.collect()) })
}

/// Resolves names and drops every non-public address.
struct PublicOnlyResolver {
    lookup: Lookup,
}

impl Resolve for PublicOnlyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let lookup = self.lookup;
        Box::pin(async move {
            let host = format!("{}:0", name.as_str());
            let addrs: Vec<SocketAddr> = (lookup(host).await?.into_iter())
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

/// An HTTP client for outside-chosen addresses: no redirects, no proxy (a proxy from
/// HTTP_PROXY/HTTPS_PROXY would resolve the host itself, past the public-address
/// resolver), public addresses only unless `allow_private`.
pub(crate) fn client(allow_private: bool, timeout: Duration) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(5));
    if !allow_private {
        builder = builder.dns_resolver(Arc::new(PublicOnlyResolver {
            lookup: system_lookup,
        }));
    }
    builder
        .build()
        .map_err(|e| Error::unexpected("building an outbound HTTP client", e))
}

/// Parses `raw` and refuses other schemes and literal non-public addresses.
pub(crate) fn check_url(raw: &str, allow_private: bool) -> Result<Url, FetchError> {
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
    if let Some(ip) = literal.filter(|ip| !allow_private && !is_public(*ip)) {
        return Err(refused(format!("address {ip} is not public")));
    }
    Ok(url)
}

/// A request that could not be sent: refused when the resolver refused the host, else
/// worth retrying. The message leaves the URL out: its path and query may carry the
/// user's secrets, and it may be long (the caller's span names scheme, host and port).
pub(crate) fn send_error(error: reqwest::Error, what: &str) -> FetchError {
    let refused_host = refused_by_resolver(&error);
    let error = error.without_url();
    if refused_host {
        refused(format!("refused: {error}"))
    } else {
        transient(format!("{what} failed: {error}"))
    }
}

/// An answer other than 2xx: 5xx and 429 are worth retrying, the rest is final.
pub(crate) fn answer_error(status: reqwest::StatusCode, what: &str) -> FetchError {
    let message = format!("{what} answered {status}");
    if status.is_server_error() || status.as_u16() == 429 {
        transient(message)
    } else {
        refused(message)
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    /// A name that resolves to a private IPv6 address, a mapped private IPv4 one and a
    /// public one: only the public one is kept; with none public, it is refused.
    fn internal(_host: String) -> Addresses {
        let answer = [
            "[fd00::1]:0",
            "[::ffff:10.0.0.1]:0",
            "[fe80::1]:0",
            "[::1]:0",
        ];
        Box::pin(async move { Ok(answer.iter().map(|a| a.parse().unwrap()).collect()) })
    }

    fn mixed(_host: String) -> Addresses {
        Box::pin(async {
            Ok(vec![
                "[fd00::1]:0".parse().unwrap(),
                "[2606:4700::1111]:0".parse().unwrap(),
            ])
        })
    }

    #[tokio::test]
    async fn a_name_resolving_to_private_ipv6_addresses_only_is_refused() {
        let resolver = PublicOnlyResolver { lookup: internal };
        let Err(error) = resolver
            .resolve(Name::from_str("internal.example").unwrap())
            .await
        else {
            panic!("a name with no public address was resolved");
        };
        assert!(error.downcast_ref::<NoPublicAddress>().is_some(), "{error}");
        let resolver = PublicOnlyResolver { lookup: mixed };
        let Ok(addrs) = resolver
            .resolve(Name::from_str("mixed.example").unwrap())
            .await
        else {
            panic!("a name with a public address was refused");
        };
        let kept: Vec<String> = addrs.map(|a| a.ip().to_string()).collect();
        assert_eq!(kept, ["2606:4700::1111"]);
    }
}
