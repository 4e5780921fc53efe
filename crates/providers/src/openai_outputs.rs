//! Provider outputs that are not URLs: OpenAI's images travel as base64 inside the
//! response, so its outputs are references ([`image_ref`](crate::openai::image_ref))
//! resolved here by reading the response again when the copy runs; every other
//! output goes to the URL fetcher.

use std::sync::Arc;

use async_trait::async_trait;
use imagegen_application::Result;
use imagegen_application::ports::{FetchedImage, ImageFetcher};

use crate::openai::{OpenAiClient, parse_image_ref};

/// Resolves OpenAI's image references with `openai`; the rest with `urls`.
pub struct ProviderOutputs {
    urls: Arc<dyn ImageFetcher>,
    openai: Option<Arc<OpenAiClient>>,
}

impl ProviderOutputs {
    /// Without OpenAI, a reference to its images is refused like a bad URL.
    pub fn new(urls: Arc<dyn ImageFetcher>, openai: Option<Arc<OpenAiClient>>) -> Self {
        Self { urls, openai }
    }
}

#[async_trait]
impl ImageFetcher for ProviderOutputs {
    async fn fetch(&self, output: &str) -> Result<FetchedImage> {
        match (parse_image_ref(output), &self.openai) {
            (Some((response_id, index)), Some(openai)) => {
                let bytes = openai.image(response_id, index).await?;
                imagegen_storage::inspect_image(bytes)
            }
            _ => self.urls.fetch(output).await,
        }
    }
}
