//! Why a generation failed: a documented code (the README lists them), our message,
//! and whether trying again may work. The code is an enum, so nothing outside this
//! list reaches a user.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The stable, machine-readable reason a generation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureCode {
    /// The provider refused the request (a 4xx other than throttling).
    ProviderRejected,
    /// The provider could not be reached, or kept failing, until the job gave up.
    ProviderUnavailable,
    /// The provider reported the prediction failed.
    ProviderFailed,
    /// The prediction was aborted at the provider.
    ProviderAborted,
    /// The provider reported success without an output.
    ProviderReturnedNoOutput,
    /// The provider no longer knew the prediction, twice (once it was resubmitted).
    ProviderLost,
    /// Still running past `IMAGEGEN_GENERATION_TIMEOUT_SECS`; cancelled at the provider.
    Timeout,
    /// The outputs could not be copied into our storage.
    StorageFailed,
    /// The copy was still unfinished at its deadline.
    StorageTimeout,
}

impl FailureCode {
    /// The code as users see it (`provider_failed`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProviderRejected => "provider_rejected",
            Self::ProviderUnavailable => "provider_unavailable",
            Self::ProviderFailed => "provider_failed",
            Self::ProviderAborted => "provider_aborted",
            Self::ProviderReturnedNoOutput => "provider_returned_no_output",
            Self::ProviderLost => "provider_lost",
            Self::Timeout => "timeout",
            Self::StorageFailed => "storage_failed",
            Self::StorageTimeout => "storage_timeout",
        }
    }
}

impl fmt::Display for FailureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for FailureCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Why a generation failed, as shown to users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureReason {
    /// The stable, machine-readable code.
    pub code: FailureCode,
    /// Ours, never the provider's own text.
    pub message: String,
    /// Whether submitting the same request again may succeed.
    pub retryable: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_written_as_the_readme_lists_it() {
        let codes = [
            FailureCode::ProviderRejected,
            FailureCode::ProviderUnavailable,
            FailureCode::ProviderFailed,
            FailureCode::ProviderAborted,
            FailureCode::ProviderReturnedNoOutput,
            FailureCode::ProviderLost,
            FailureCode::Timeout,
            FailureCode::StorageFailed,
            FailureCode::StorageTimeout,
        ];
        let readme = include_str!("../../../README.md");
        for code in codes {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, code.as_str(), "serialized as its name");
            assert!(
                readme.contains(&format!("`{code}`")),
                "{code} is documented"
            );
        }
    }
}
