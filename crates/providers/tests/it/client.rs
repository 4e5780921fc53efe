//! Create, webhooks, get, cancel and errors.

use chrono::Utc;
use imagegen_application::ports::ProviderError;
use imagegen_application::ports::{ImageProvider, PredictionRequest};
use imagegen_domain::{GenerationId, GenerationSettings, Prompt, ProviderStatus, SettingsInput};
use imagegen_simulator::Faults;
use imagegen_webhooks::{SignedHeaders, Verifier, parse_prediction};

use crate::harness;

fn request(webhook_url: &str, model: &str) -> PredictionRequest {
    request_with(
        webhook_url,
        SettingsInput {
            model: Some(model.to_owned()),
            ..SettingsInput::default()
        },
    )
}

/// A request of 2 images of 128x96 with seed 7, and `input`'s model or deployment.
fn request_with(webhook_url: &str, input: SettingsInput) -> PredictionRequest {
    let settings = GenerationSettings::parse(SettingsInput {
        size: Some("128x96".into()),
        count: Some(2),
        seed: Some(7),
        ..input
    })
    .unwrap();
    PredictionRequest {
        generation_id: GenerationId::new(),
        prompt: Prompt::parse("a red fox").unwrap(),
        settings,
        webhook_url: Some(webhook_url.to_owned()),
    }
}

#[tokio::test]
async fn a_submission_starts_and_signed_webhooks_report_start_and_success() {
    let h = harness(Faults::default()).await;
    let started = h
        .client
        .submit(&request(&h.webhook_url, "black-forest-labs/flux-schnell"))
        .await
        .unwrap();
    assert_eq!(started.status, ProviderStatus::Starting);

    let hooks = h.webhooks(2).await;
    let verifier = Verifier::new(vec![h.secret.clone()]);
    let mut statuses = Vec::new();
    for hook in &hooks {
        let header = |name: &str| hook.headers.get(name).unwrap().to_str().unwrap().to_owned();
        let (id, ts, sig) = (
            header("webhook-id"),
            header("webhook-timestamp"),
            header("webhook-signature"),
        );
        let headers = SignedHeaders {
            id: &id,
            timestamp: &ts,
            signature: &sig,
        };
        verifier
            .verify(headers, &hook.body, Utc::now().timestamp())
            .unwrap();
        let update = parse_prediction(&hook.body).unwrap();
        assert_eq!(update.external_id, started.external_id);
        statuses.push(update.status);
    }
    assert_eq!(
        statuses,
        [ProviderStatus::Processing, ProviderStatus::Succeeded]
    );
    let done = parse_prediction(&hooks[1].body).unwrap();
    assert_eq!(done.output_urls.len(), 2);

    let png = reqwest::get(&done.output_urls[0])
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let image = image::load_from_memory(&png).unwrap();
    assert_eq!((image.width(), image.height()), (128, 96));
    assert_eq!(h.simulator.stats().creates, 1);
}

#[tokio::test]
async fn a_versioned_model_is_created_through_the_predictions_endpoint() {
    let h = harness(Faults::default()).await;
    let update = h
        .client
        // A version is 64 hex digits (settings refuse anything else).
        .submit(&request(
            &h.webhook_url,
            &format!("owner/model:{}", "ab".repeat(32)),
        ))
        .await
        .unwrap();
    let fetched = h.client.fetch(&update.external_id).await.unwrap();
    assert_eq!(fetched.external_id, update.external_id);
}

#[tokio::test]
async fn a_throttled_create_is_transient_and_carries_retry_after() {
    let h = harness(Faults {
        create_rate_limited: 1.0,
        ..Faults::default()
    })
    .await;
    let err = h
        .client
        .submit(&request(&h.webhook_url, "a/b"))
        .await
        .unwrap_err();
    match err {
        ProviderError::Unavailable { retry_after, .. } => {
            assert_eq!(retry_after, Some(std::time::Duration::from_secs(1)));
        }
        other => panic!("expected ProviderUnavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn a_server_error_is_transient() {
    let h = harness(Faults {
        create_server_error: 1.0,
        ..Faults::default()
    })
    .await;
    let err = h
        .client
        .submit(&request(&h.webhook_url, "a/b"))
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
}

/// A client of `base_url` making at most `creates_per_minute` creates a minute.
fn client_of(base_url: String, creates_per_minute: u32) -> imagegen_providers::ReplicateClient {
    imagegen_providers::ReplicateClient::new(imagegen_providers::ReplicateConfig {
        base_url,
        api_token: "r8_x".to_owned().into(),
        timeout: std::time::Duration::from_secs(2),
        creates_per_minute,
    })
    .unwrap()
}

#[tokio::test]
async fn an_unreachable_provider_is_transient() {
    let h = harness(Faults::default()).await;
    let client = client_of("http://127.0.0.1:9/v1".into(), 600);
    let err = client
        .submit(&request(&h.webhook_url, "a/b"))
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
}

#[tokio::test]
async fn creates_past_the_client_side_limit_are_retried_later_without_reaching_the_provider() {
    let h = harness(Faults::default()).await;
    let client = client_of(format!("{}/v1", h.sim_url), 2);
    for _ in 0..2 {
        client
            .submit(&request(&h.webhook_url, "a/b"))
            .await
            .unwrap();
    }
    // The next token is 30 s away: longer than a submission waits.
    let err = client
        .submit(&request(&h.webhook_url, "a/b"))
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    match err {
        ProviderError::Unavailable {
            retry_after: Some(after),
            ..
        } => assert!(after > std::time::Duration::from_secs(25), "{after:?}"),
        other => panic!("a retry time expected: {other:?}"),
    }
    assert_eq!(h.simulator.stats().creates, 2, "the third never left");
}

#[tokio::test]
async fn a_deployment_is_created_on_its_own_route() {
    let h = harness(Faults::default()).await;
    let input = SettingsInput {
        deployment: Some("acme/flux-prod".into()),
        ..SettingsInput::default()
    };
    let request = request_with(&h.webhook_url, input);
    let started = h.client.submit(&request).await.unwrap();
    assert_eq!(started.status, imagegen_domain::ProviderStatus::Starting);
    let fetched: serde_json::Value = reqwest::Client::new()
        .get(format!(
            "{}/v1/predictions/{}",
            h.sim_url, started.external_id
        ))
        .bearer_auth("r8_x")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fetched["model"], "deployments/acme/flux-prod", "{fetched}");
}
