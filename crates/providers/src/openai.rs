//! OpenAI's Responses API in background mode with the `image_generation` tool:
//! create (our generation id in `metadata`), get, cancel. Webhooks go to one
//! project-level endpoint, so a request's webhook address is not sent; the image comes
//! back as base64 in the response, so outputs are references into it
//! ([`OutputRef::OpenAiImage`](crate::OutputRef)) that [`OpenAiClient::image`] resolves when the copy runs.

use std::time::Duration;

use async_trait::async_trait;
use base64::Engine;
use imagegen_application::ports::{
    ImageProvider, PredictionRequest, ProviderError, ProviderResult,
};
use imagegen_application::{Error, Result};
use imagegen_domain::{ExternalId, ProviderStatus, ProviderUpdate};
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::OutputRef;
use crate::http::ProviderHttp;

/// Where and how to reach OpenAI.
#[derive(Debug, Clone)]
pub struct OpenAiConfig {
    /// `https://api.openai.com/v1`, or the simulator's `/v1`.
    pub base_url: String,
    /// The project's API key (`OPENAI_API_KEY`); never logged.
    pub api_key: SecretString,
    /// The Responses model that calls the image tool.
    pub model: String,
    /// Per request.
    pub timeout: Duration,
}

/// The default Responses model.
pub const DEFAULT_OPENAI_MODEL: &str = "gpt-4.1";

/// The OpenAI client.
pub struct OpenAiClient {
    http: ProviderHttp,
    base_url: String,
    model: String,
}

impl OpenAiClient {
    /// Builds the client.
    ///
    /// # Errors
    /// `Unexpected` when the HTTP client cannot be built.
    pub fn new(config: OpenAiConfig) -> Result<Self> {
        // OpenAI's errors: `{"error": {"message": ..., "type": ..., "param": ...}}`.
        let http = ProviderHttp::new("OpenAI", config.api_key, config.timeout, |v| {
            v["error"]["message"].as_str()
        })?;
        Ok(Self {
            http,
            base_url: config.base_url.trim_end_matches('/').to_owned(),
            model: config.model,
        })
    }

    fn create_body(&self, request: &PredictionRequest) -> Value {
        let settings = &request.settings;
        let mut prompt = request.prompt.as_str().to_owned();
        if let Some(negative) = settings.negative_prompt() {
            prompt.push_str("\n\nAvoid: ");
            prompt.push_str(negative);
        }
        json!({
            "model": self.model,
            "input": prompt,
            "background": true,
            "store": true,
            "tools": [{ "type": "image_generation", "size": settings.size().to_string(),
                        "quality": "high", "output_format": "png" }],
            "tool_choice": { "type": "image_generation" },
            "metadata": { "generation_id": request.generation_id.to_string() },
        })
    }

    async fn response(&self, id: &str) -> ProviderResult<Value> {
        let url = format!("{}/responses/{id}", self.base_url);
        let body = self.http.call(self.http.client.get(url)).await?;
        serde_json::from_slice(&body).map_err(|e| ProviderError::Rejected {
            message: format!("unreadable OpenAI response: {e}"),
        })
    }

    /// The bytes of image `index` of a completed response (decoded from base64).
    ///
    /// # Errors
    /// As the other calls; `ProviderRejected` when the response has no such image.
    pub async fn image(&self, response_id: &str, index: usize) -> Result<Vec<u8>> {
        let response = self.response(response_id).await?;
        let result = images(&response)
            .nth(index)
            .ok_or_else(|| ProviderError::Rejected {
                message: format!("OpenAI response {response_id} has no image {index}"),
            })?;
        base64::engine::general_purpose::STANDARD
            .decode(result)
            .map_err(|e| {
                Error::Provider(ProviderError::Rejected {
                    message: format!("OpenAI image {index} of {response_id} is not base64: {e}"),
                })
            })
    }
}

/// The base64 images of a response's `image_generation_call` items.
fn images(response: &Value) -> impl Iterator<Item = &str> {
    response["output"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|item| item["type"] == "image_generation_call")
        .filter_map(|item| item["result"].as_str())
}

/// A response object as an update: its status, references to its images, its error.
///
/// # Errors
/// `ProviderRejected` when it has no id or an unknown status.
pub fn parse_response(response: &Value) -> ProviderResult<ProviderUpdate> {
    let rejected = |message: String| ProviderError::Rejected { message };
    let external_id = response["id"].as_str().and_then(ExternalId::parse);
    let external_id =
        external_id.ok_or_else(|| rejected("an OpenAI response without an id".into()))?;
    let id = external_id.as_str();
    let error_text = || {
        let error = response["error"]["message"].as_str();
        let incomplete = response["incomplete_details"]["reason"].as_str();
        error.or(incomplete).unwrap_or("no reason given").to_owned()
    };
    let (status, output_urls, error) = match response["status"].as_str().unwrap_or_default() {
        "queued" => (ProviderStatus::Starting, Vec::new(), None),
        "in_progress" => (ProviderStatus::Processing, Vec::new(), None),
        "completed" => {
            let refs: Vec<String> = (0..images(response).count())
                .map(|index| {
                    let image = OutputRef::OpenAiImage {
                        response_id: id,
                        index,
                    };
                    image.to_string()
                })
                .collect();
            if refs.is_empty() {
                let error = "the response completed without an image".to_owned();
                (ProviderStatus::Failed, refs, Some(error))
            } else {
                (ProviderStatus::Succeeded, refs, None)
            }
        }
        "failed" | "incomplete" => (ProviderStatus::Failed, Vec::new(), Some(error_text())),
        "cancelled" => (ProviderStatus::Canceled, Vec::new(), None),
        other => {
            return Err(rejected(format!(
                "unknown OpenAI response status `{other}`"
            )));
        }
    };
    Ok(ProviderUpdate {
        external_id: external_id.clone(),
        status,
        output_urls,
        error,
    })
}

fn parse(body: &[u8]) -> ProviderResult<ProviderUpdate> {
    let value = serde_json::from_slice::<Value>(body).map_err(|e| ProviderError::Rejected {
        message: format!("unreadable OpenAI response: {e}"),
    })?;
    parse_response(&value)
}

#[async_trait]
impl ImageProvider for OpenAiClient {
    #[tracing::instrument(skip_all, fields(generation.id = %request.generation_id))]
    async fn submit(&self, request: &PredictionRequest) -> ProviderResult<ProviderUpdate> {
        let url = format!("{}/responses", self.base_url);
        let create = self.http.client.post(url).json(&self.create_body(request));
        parse(&self.http.call(create).await?)
    }

    async fn fetch(&self, external_id: &ExternalId) -> ProviderResult<ProviderUpdate> {
        parse_response(&self.response(external_id.as_str()).await?)
    }

    async fn cancel(&self, external_id: &ExternalId) -> ProviderResult<()> {
        let url = format!("{}/responses/{external_id}/cancel", self.base_url);
        self.http.call(self.http.client.post(url)).await.map(drop)
    }
}

#[cfg(test)]
mod tests;
