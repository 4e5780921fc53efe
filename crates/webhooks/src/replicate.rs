//! Replicate's prediction object (a webhook body, or a GET/create answer) parsed into
//! one normalized `ProviderUpdate`. Unknown fields are ignored.

use imagegen_domain::{ExternalId, ProviderStatus, ProviderUpdate};
use serde::Deserialize;

/// Why a body is not a usable prediction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Not JSON, or not an object of a prediction's shape; the parser's words.
    #[error("the body is not a JSON prediction object: {0}")]
    Malformed(String),
    /// No `id`: the update could not be matched to its prediction.
    #[error("the prediction has no id")]
    MissingId,
    /// A `status` outside Replicate's documented ones.
    #[error("unknown prediction status `{0}`")]
    UnknownStatus(String),
}

#[derive(Deserialize)]
struct Prediction {
    #[serde(default)]
    id: Option<String>,
    status: String,
    #[serde(default)]
    output: serde_json::Value,
    #[serde(default)]
    error: serde_json::Value,
}

/// Parses a prediction object.
pub fn parse_prediction(body: &[u8]) -> Result<ProviderUpdate, ParseError> {
    let prediction: Prediction =
        serde_json::from_slice(body).map_err(|e| ParseError::Malformed(e.to_string()))?;
    let external_id = prediction
        .id
        .and_then(ExternalId::parse)
        .ok_or(ParseError::MissingId)?;
    let status = match prediction.status.as_str() {
        "starting" => ProviderStatus::Starting,
        "processing" => ProviderStatus::Processing,
        "succeeded" => ProviderStatus::Succeeded,
        "failed" => ProviderStatus::Failed,
        "canceled" => ProviderStatus::Canceled,
        "aborted" => ProviderStatus::Aborted,
        other => return Err(ParseError::UnknownStatus(other.to_owned())),
    };
    // Image models give one URL or an array of URLs; only a success's output counts.
    let output_urls = match (status, prediction.output) {
        (ProviderStatus::Succeeded, serde_json::Value::String(url)) => vec![url],
        (ProviderStatus::Succeeded, serde_json::Value::Array(items)) => items
            .into_iter()
            .filter_map(|item| match item {
                serde_json::Value::String(url) => Some(url),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let error = match prediction.error {
        serde_json::Value::Null => None,
        serde_json::Value::String(text) => Some(text),
        other => Some(other.to_string()),
    };
    Ok(ProviderUpdate {
        external_id,
        status,
        output_urls,
        error,
    })
}
