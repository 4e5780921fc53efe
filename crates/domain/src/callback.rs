//! Where a user wants to hear that a generation finished: an `http(s)` URL checked for
//! shape here. [`CallbackUrl::internal_target`] tells a URL that names an inside
//! address outright (any spelling of a private, loopback or link-local address, or
//! `localhost`), refused at creation; a name is still checked when it is called, on
//! every resolved address.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::is_public;

/// The longest callback URL, in bytes.
pub const MAX_CALLBACK_URL_BYTES: usize = 2_048;

/// A checked callback URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CallbackUrl(String);

/// Why a callback URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "callback_url must be an http:// or https:// URL with a host, no credentials, no spaces, at most {MAX_CALLBACK_URL_BYTES} bytes"
)]
pub struct CallbackUrlError;

impl CallbackUrl {
    /// Checks `text`.
    ///
    /// # Errors
    /// [`CallbackUrlError`] when it is not an `http(s)` URL with a host, carries
    /// credentials or whitespace, or is too long.
    pub fn parse(text: &str) -> Result<Self, CallbackUrlError> {
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .ok_or(CallbackUrlError)?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = authority
            .rsplit_once(':')
            .map_or(authority, |(host, port)| {
                if port.chars().all(|c| c.is_ascii_digit()) {
                    host
                } else {
                    authority
                }
            });
        let acceptable = text.len() <= MAX_CALLBACK_URL_BYTES
            && !host.is_empty()
            && !authority.contains('@')
            && !text.chars().any(|c| c.is_whitespace() || c.is_control());
        acceptable
            .then(|| Self(text.to_owned()))
            .ok_or(CallbackUrlError)
    }

    /// The URL as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host, when the URL names an inside address outright: an IP literal in any
    /// spelling a resolver accepts (`127.1`, `2130706433`, `0x7f.1`, `[::ffff:a00:1]`)
    /// that is not public, or `localhost` and its subdomains.
    pub fn internal_target(&self) -> Option<String> {
        let url = url::Url::parse(&self.0).ok()?;
        let internal = match url.host()? {
            url::Host::Ipv4(ip) => !is_public(ip.into()),
            url::Host::Ipv6(ip) => !is_public(ip.into()),
            url::Host::Domain(name) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                name == "localhost" || name.ends_with(".localhost")
            }
        };
        internal.then(|| url.host_str().unwrap_or_default().to_owned())
    }

    /// The URL as it may be logged: scheme, host and port only (its path and query
    /// may carry the user's secrets).
    pub fn redacted(&self) -> String {
        match url::Url::parse(&self.0) {
            Ok(url) => format!(
                "{}://{}{}",
                url.scheme(),
                url.host_str().unwrap_or_default(),
                url.port().map(|p| format!(":{p}")).unwrap_or_default()
            ),
            Err(_) => "(unparsable)".to_owned(),
        }
    }
}

impl fmt::Display for CallbackUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_and_https_urls_with_a_host_are_accepted() {
        for good in [
            "https://example.com/hooks/imagegen",
            "http://example.com:8080/x?y=1",
            "https://[2001:db8::1]/x",
        ] {
            assert_eq!(
                CallbackUrl::parse(good).map(|u| u.to_string()),
                Ok(good.to_owned())
            );
        }
    }

    #[test]
    fn every_spelling_of_an_inside_address_is_an_internal_target() {
        for inside in [
            "http://127.0.0.1/x",
            "http://127.1/x",
            "http://2130706433/x",
            "http://0x7f.0.0.1/x",
            "http://0177.0.0.1/x",
            "http://10.0.0.1/x",
            "http://169.254.169.254/latest/meta-data",
            "http://0.0.0.0/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:a00:1]/",
            "http://[fe80::1]/",
            "http://[fd00::1]/",
            "http://localhost:8080/",
            "http://LOCALHOST./",
            "http://api.localhost/",
        ] {
            let url = CallbackUrl::parse(inside).unwrap();
            assert!(url.internal_target().is_some(), "{inside}");
        }
        for outside in [
            "https://example.com/x",
            "http://93.184.215.14/",
            "https://[2001:4860::1]/",
        ] {
            let url = CallbackUrl::parse(outside).unwrap();
            assert_eq!(url.internal_target(), None, "{outside}");
        }
    }

    #[test]
    fn a_logged_url_keeps_only_scheme_host_and_port() {
        let url = CallbackUrl::parse("https://hooks.example.com:8443/a/b?token=secret").unwrap();
        assert_eq!(url.redacted(), "https://hooks.example.com:8443");
    }

    #[test]
    fn other_schemes_credentials_spaces_and_long_urls_are_refused() {
        let long = format!("https://example.com/{}", "a".repeat(MAX_CALLBACK_URL_BYTES));
        for bad in [
            "ftp://example.com/x",
            "example.com/x",
            "https://",
            "https://:80/x",
            "https://user:pass@example.com/x",
            "https://example.com/a b",
            "https://example.com/\n",
            &long,
        ] {
            assert_eq!(CallbackUrl::parse(bad), Err(CallbackUrlError), "{bad}");
        }
    }
}
