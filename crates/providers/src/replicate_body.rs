//! The body of Replicate's create-prediction call, as typed structs: what we send is
//! what these fields say, and nothing is misspelt in a string.

use imagegen_application::ports::PredictionRequest;
use serde::Serialize;

/// `POST /predictions` (or a model's or a deployment's predictions).
#[derive(Debug, Serialize)]
pub(crate) struct CreatePrediction<'a> {
    input: ModelInput<'a>,
    /// Only when creating by version (`owner/name:version`).
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    /// Absent for a polled generation.
    #[serde(skip_serializing_if = "Option::is_none")]
    webhook: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    webhook_events_filter: Option<[&'static str; 2]>,
}

/// The model's input, in the names image models on Replicate share.
#[derive(Debug, Serialize)]
struct ModelInput<'a> {
    prompt: &'a str,
    width: u32,
    height: u32,
    num_outputs: u8,
    output_format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    negative_prompt: Option<&'a str>,
}

impl<'a> CreatePrediction<'a> {
    /// The body for `request`; `version` when the model is named by version.
    pub(crate) fn new(request: &'a PredictionRequest, version: Option<&'a str>) -> Self {
        let settings = &request.settings;
        Self {
            input: ModelInput {
                prompt: request.prompt.as_str(),
                width: settings.size().width(),
                height: settings.size().height(),
                num_outputs: settings.count(),
                output_format: "png",
                seed: settings.seed(),
                negative_prompt: settings.negative_prompt(),
            },
            version,
            webhook: request.webhook_url.as_deref(),
            // Only the start and the end: progress logs would be many more calls.
            webhook_events_filter: request.webhook_url.as_ref().map(|_| ["start", "completed"]),
        }
    }
}
