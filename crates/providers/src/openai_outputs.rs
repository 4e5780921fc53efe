//! Provider outputs that are not URLs: OpenAI's images travel as base64 inside the
//! response, so its outputs are references ([`OutputRef::OpenAiImage`](crate::OutputRef))
//! resolved here by reading the response again when the copy runs; every other
//! output goes to the URL fetcher. Those reads of OpenAI's are provider calls, counted
//! as `event`.

use std::sync::Arc;

use async_trait::async_trait;
use imagegen_application::Error;
use imagegen_application::ports::{
    CallReason, FetchError, FetchedImage, ImageFetcher, ProviderCalls,
};
use imagegen_domain::ProviderName;

use crate::OutputRef;
use crate::openai::OpenAiClient;

/// Resolves OpenAI's image references with `openai`; the rest with `urls`.
pub struct ProviderOutputs {
    urls: Arc<dyn ImageFetcher>,
    openai: Option<Arc<OpenAiClient>>,
    calls: Option<Arc<dyn ProviderCalls>>,
}

impl ProviderOutputs {
    /// Without OpenAI, a reference to its images is refused like a bad URL.
    pub fn new(urls: Arc<dyn ImageFetcher>, openai: Option<Arc<OpenAiClient>>) -> Self {
        Self {
            urls,
            openai,
            calls: None,
        }
    }

    /// Counts each read of an OpenAI response for its image in `calls`, as `event`:
    /// like the read its webhook event asks for, it reads the object the event named
    /// (the event carries no result).
    #[must_use]
    pub fn counting(mut self, calls: Arc<dyn ProviderCalls>) -> Self {
        self.calls = Some(calls);
        self
    }
}

#[async_trait]
impl ImageFetcher for ProviderOutputs {
    async fn fetch(&self, output: &str) -> Result<FetchedImage, FetchError> {
        match (OutputRef::parse(output), &self.openai) {
            (OutputRef::OpenAiImage { response_id, index }, Some(openai)) => {
                if let Some(calls) = &self.calls {
                    let counted = calls.record(ProviderName::OpenAi, CallReason::Event).await;
                    if let Err(error) = counted {
                        tracing::warn!(%error, "a provider call was not counted");
                    }
                }
                let bytes = openai.image(response_id, index).await.map_err(as_fetch)?;
                imagegen_images::inspect_image(bytes)
            }
            _ => self.urls.fetch(output).await,
        }
    }
}

/// OpenAI's failure to give its image, as the copy sees it: failed for now when the
/// provider may answer later, else refused.
fn as_fetch(error: Error) -> FetchError {
    let message = imagegen_application::error::chain(&error);
    if error.is_transient() {
        FetchError::Failed { message }
    } else {
        FetchError::Refused { message }
    }
}
