//! The OpenAI client against the simulator's Responses endpoints: a background image
//! call, its signed event, the base64 image behind the reference, cancel, errors.

use chrono::Utc;
use imagegen_application::Error;
use imagegen_application::ports::ProviderError;
use imagegen_application::ports::{
    CallCount, CallReason, ImageFetcher, ImageProvider, MockImageFetcher, PredictionRequest,
    ProviderCalls,
};
use imagegen_domain::{
    GenerationId, GenerationSettings, Prompt, ProviderName, ProviderStatus, SettingsInput,
};
use imagegen_providers::OutputRef;
use imagegen_providers::ProviderOutputs;
use imagegen_simulator::Faults;
use imagegen_webhooks::{OpenAiEvent, SignedHeaders, Verifier, parse_openai_event};
use std::sync::{Arc, Mutex};

use crate::{Harness, harness};

fn request(width: u32, height: u32) -> PredictionRequest {
    let settings = GenerationSettings::parse(SettingsInput {
        size: Some(format!("{width}x{height}")),
        ..SettingsInput::default()
    })
    .unwrap();
    PredictionRequest {
        generation_id: GenerationId::new(),
        prompt: Prompt::parse("a lighthouse at dusk").unwrap(),
        settings,
        webhook_url: None,
    }
}

async fn until_ended(
    h: &Harness,
    id: &imagegen_domain::ExternalId,
) -> imagegen_domain::ProviderUpdate {
    for _ in 0..200 {
        let update = h.openai.fetch(id).await.unwrap();
        if matches!(
            update.status,
            ProviderStatus::Succeeded | ProviderStatus::Failed | ProviderStatus::Canceled
        ) {
            return update;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the response never ended");
}

#[tokio::test]
async fn a_background_image_ends_with_a_signed_event_and_its_image_decodes() {
    let h = harness(Faults::default()).await;
    let started = h.openai.submit(&request(1024, 1536)).await.unwrap();
    assert_eq!(started.status, ProviderStatus::Starting);
    assert!(started.external_id.as_str().starts_with("resp_"));

    let hooks = h.webhooks(1).await;
    let hook = &hooks[0];
    let header = |name: &str| hook.headers.get(name).unwrap().to_str().unwrap().to_owned();
    let (id, ts, sig) = (
        header("webhook-id"),
        header("webhook-timestamp"),
        header("webhook-signature"),
    );
    let signed = SignedHeaders {
        id: &id,
        timestamp: &ts,
        signature: &sig,
    };
    Verifier::new(vec![h.secret.clone()])
        .verify(signed, &hook.body, Utc::now().timestamp())
        .unwrap();
    match parse_openai_event(&hook.body).unwrap() {
        OpenAiEvent::ResponseEnded { response_id, kind } => {
            assert_eq!(response_id, started.external_id);
            assert_eq!(kind, "response.completed");
        }
        other => panic!("unexpected {other:?}"),
    }

    let done = until_ended(&h, &started.external_id).await;
    assert_eq!(done.status, ProviderStatus::Succeeded);
    assert_eq!(done.output_urls.len(), 1);
    let OutputRef::OpenAiImage { response_id, .. } = OutputRef::parse(&done.output_urls[0]) else {
        panic!("an image reference: {:?}", done.output_urls);
    };
    assert_eq!(response_id, started.external_id.as_str());
    // The reference is resolved by reading the response; URLs never reach the other fetcher.
    let mut urls = MockImageFetcher::new();
    urls.expect_fetch().never();
    let calls = Arc::new(Calls::default());
    let outputs = ProviderOutputs::new(Arc::new(urls), Some(Arc::new(openai_client(&h))))
        .counting(calls.clone());
    let image = outputs.fetch(&done.output_urls[0]).await.unwrap();
    assert_eq!(
        *calls.0.lock().unwrap(),
        [(ProviderName::OpenAi, CallReason::Event)],
        "the read for the image is a provider call"
    );
    assert_eq!(
        (image.content_type.as_str(), image.width, image.height),
        ("image/png", 1024, 1536)
    );
    let stats = h.simulator.stats();
    assert_eq!(
        (stats.openai_creates, stats.creates),
        (1, 0),
        "OpenAI calls are counted apart"
    );
    assert!(stats.openai_gets >= 2);
}

/// Provider calls, as recorded.
#[derive(Default)]
struct Calls(Mutex<Vec<(ProviderName, CallReason)>>);

#[async_trait::async_trait]
impl ProviderCalls for Calls {
    async fn record(&self, provider: ProviderName, reason: CallReason) -> Result<(), Error> {
        self.0.lock().unwrap().push((provider, reason));
        Ok(())
    }

    async fn counts(&self) -> Result<Vec<CallCount>, Error> {
        Ok(Vec::new())
    }
}

fn openai_client(h: &Harness) -> imagegen_providers::OpenAiClient {
    imagegen_providers::OpenAiClient::new(imagegen_providers::OpenAiConfig {
        base_url: format!("{}/v1", h.sim_url),
        api_key: "sk-test".to_owned().into(),
        model: "gpt-4.1".into(),
        timeout: std::time::Duration::from_secs(10),
    })
    .unwrap()
}

#[tokio::test]
async fn a_cancelled_response_reports_cancelled_and_sends_its_event() {
    let h = harness(Faults::default()).await;
    let started = h.openai.submit(&request(1024, 1024)).await.unwrap();
    h.openai.cancel(&started.external_id).await.unwrap();
    assert_eq!(
        until_ended(&h, &started.external_id).await.status,
        ProviderStatus::Canceled
    );
    let hooks = h.webhooks(1).await;
    assert!(
        matches!(parse_openai_event(&hooks[0].body), Ok(OpenAiEvent::ResponseEnded { kind, .. }) if kind == "response.cancelled")
    );
    assert_eq!(h.simulator.stats().openai_cancels, 1);
}

#[tokio::test]
async fn an_unsupported_size_is_rejected_and_an_unknown_response_is_lost() {
    let h = harness(Faults::default()).await;
    let error = h.openai.submit(&request(640, 480)).await.unwrap_err();
    assert!(
        matches!(&error, ProviderError::Rejected { message } if message.contains("Invalid size")),
        "{error}"
    );
    let unknown = imagegen_domain::ExternalId::parse("resp_nothing").unwrap();
    assert!(matches!(
        h.openai.fetch(&unknown).await,
        Err(ProviderError::Lost { .. })
    ));
}

#[tokio::test]
async fn a_throttled_create_is_transient() {
    let h = harness(Faults {
        create_rate_limited: 1.0,
        ..Faults::default()
    })
    .await;
    let error = h.openai.submit(&request(1024, 1024)).await.unwrap_err();
    assert!(
        matches!(
            error,
            ProviderError::Unavailable {
                retry_after: Some(_),
                ..
            }
        ),
        "{error}"
    );
}
