//! The webhook readers of the application's port: Replicate's protocol (the built-in
//! simulator speaks it too) and OpenAI's, each verifying with its own secrets.

use imagegen_application::ports::{SignatureHeaders, WebhookContent, WebhookReader, WebhookRoute};
use imagegen_domain::ProviderName;

use crate::{OpenAiEvent, SignedHeaders, Verifier, parse_openai_event, parse_prediction};

/// Reads one provider's deliveries with `verifier`'s secrets.
pub struct ProviderWebhooks {
    provider: ProviderName,
    verifier: Verifier,
}

impl ProviderWebhooks {
    /// `provider`'s deliveries, signed with one of `verifier`'s secrets.
    pub fn new(provider: ProviderName, verifier: Verifier) -> Self {
        Self { provider, verifier }
    }
}

impl WebhookReader for ProviderWebhooks {
    fn provider(&self) -> ProviderName {
        self.provider
    }

    fn route(&self) -> WebhookRoute {
        match self.provider {
            // Events name a response; one address for the project.
            ProviderName::OpenAi => WebhookRoute::Project,
            _ => WebhookRoute::PerGeneration,
        }
    }

    fn verify(
        &self,
        headers: SignatureHeaders<'_>,
        body: &[u8],
        now_unix: i64,
    ) -> Result<(), String> {
        let signed = SignedHeaders {
            id: headers.id,
            timestamp: headers.timestamp,
            signature: headers.signature,
        };
        self.verifier
            .verify(signed, body, now_unix)
            .map_err(|error| error.to_string())
    }

    fn read(&self, body: &[u8]) -> Result<WebhookContent, String> {
        match self.route() {
            WebhookRoute::PerGeneration => parse_prediction(body)
                .map(WebhookContent::Update)
                .map_err(|e| e.to_string()),
            WebhookRoute::Project => match parse_openai_event(body).map_err(|e| e.to_string())? {
                OpenAiEvent::ResponseEnded { response_id, kind } => {
                    Ok(WebhookContent::ObjectEnded {
                        external_id: response_id,
                        kind,
                    })
                }
                OpenAiEvent::Ignored { kind } => Ok(WebhookContent::Ignored { kind }),
            },
        }
    }
}
