//! Where a user wants to hear that a generation finished: an `http(s)` URL checked for
//! shape here. Whether its host may be called (public addresses only) is checked when
//! it is called, on every resolved address.

use std::fmt;

use serde::{Deserialize, Serialize};

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

    pub fn as_str(&self) -> &str {
        &self.0
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
