//! Standard Webhooks signatures: HMAC-SHA256 over `{id}.{timestamp}.{body}`, sent as
//! space-separated `v1,<base64>` entries. Verified on the raw bytes, before parsing.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::WebhookSecret;

type HmacSha256 = Hmac<Sha256>;

/// The default timestamp tolerance, both ways, in seconds.
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

/// The three headers, as received.
#[derive(Debug, Clone, Copy)]
pub struct SignedHeaders<'a> {
    /// `webhook-id`.
    pub id: &'a str,
    /// `webhook-timestamp`, Unix seconds as text.
    pub timestamp: &'a str,
    /// `webhook-signature`.
    pub signature: &'a str,
}

/// Why a delivery was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No `webhook-id`: the id is part of what is signed.
    #[error("the webhook-id header is empty")]
    MissingId,
    /// `webhook-timestamp` is not Unix seconds.
    #[error("webhook-timestamp is not an integer")]
    BadTimestamp,
    /// Outside the tolerance (a replay, or a clock far off); carries the measured
    /// skew, for the logs.
    #[error("webhook-timestamp is {skew_secs} s away from now (tolerance {tolerance_secs} s)")]
    Stale {
        /// How far the timestamp is from now.
        skew_secs: i64,
        /// How far it may be.
        tolerance_secs: i64,
    },
    /// No `v1` signature was made with any of our secrets.
    #[error("no v1 signature matches")]
    NoMatch,
}

/// Verifies deliveries against one or more secrets (several during a rotation).
#[derive(Debug, Clone)]
pub struct Verifier {
    secrets: Vec<WebhookSecret>,
    tolerance_secs: i64,
}

impl Verifier {
    /// A verifier with the default 300 s tolerance.
    pub fn new(secrets: Vec<WebhookSecret>) -> Self {
        Self {
            secrets,
            tolerance_secs: DEFAULT_TOLERANCE_SECS,
        }
    }

    /// Checks a delivery at time `now_unix` (injected, so tests control the clock).
    pub fn verify(
        &self,
        headers: SignedHeaders<'_>,
        body: &[u8],
        now_unix: i64,
    ) -> Result<(), SignatureError> {
        if headers.id.trim().is_empty() {
            return Err(SignatureError::MissingId);
        }
        let timestamp: i64 = headers
            .timestamp
            .trim()
            .parse()
            .map_err(|_| SignatureError::BadTimestamp)?;
        let skew_secs = now_unix.saturating_sub(timestamp);
        if skew_secs.abs() > self.tolerance_secs {
            return Err(SignatureError::Stale {
                skew_secs,
                tolerance_secs: self.tolerance_secs,
            });
        }
        let candidates: Vec<Vec<u8>> = headers
            .signature
            .split(' ')
            .filter_map(|entry| entry.split_once(','))
            .filter(|(version, _)| *version == "v1")
            .filter_map(|(_, sig)| STANDARD.decode(sig).ok())
            .collect();
        let matches = self.secrets.iter().any(|secret| {
            candidates.iter().any(|candidate| {
                // verify_slice compares in constant time.
                mac(secret, headers.id, timestamp, body)
                    .verify_slice(candidate)
                    .is_ok()
            })
        });
        if matches {
            Ok(())
        } else {
            Err(SignatureError::NoMatch)
        }
    }
}

fn mac(secret: &WebhookSecret, id: &str, timestamp: i64, body: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    #[allow(clippy::expect_used)]
    let mut mac = HmacSha256::new_from_slice(secret.key()).expect("HMAC takes keys of any length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `webhook-signature` value (`v1,<base64>`) for a delivery.
pub fn sign(secret: &WebhookSecret, id: &str, timestamp: i64, body: &[u8]) -> String {
    format!(
        "v1,{}",
        STANDARD.encode(mac(secret, id, timestamp, body).finalize().into_bytes())
    )
}
