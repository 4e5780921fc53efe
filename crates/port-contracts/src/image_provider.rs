//! Contract of `ImageProvider`: a submission answers at once with the prediction's
//! first state and id; the prediction can be read back and cancelled; an unknown id is
//! a rejection, not a transient error. Run against a provider client pointed at a fake
//! of its provider (the simulator for Replicate).

use imagegen_application::ports::ProviderError;
use imagegen_application::ports::{ImageProvider, PredictionRequest};
use imagegen_domain::{ExternalId, GenerationId, GenerationSettings, Prompt, ProviderStatus};

fn request(webhook_url: &str) -> PredictionRequest {
    PredictionRequest {
        generation_id: GenerationId::new(),
        prompt: Prompt::parse("a contract test").unwrap(),
        settings: GenerationSettings::default(),
        webhook_url: Some(webhook_url.to_owned()),
    }
}

/// The rule: A submission answers at once with a starting prediction.
pub async fn a_submission_answers_at_once_with_a_starting_prediction(
    provider: &impl ImageProvider,
    webhook_url: &str,
) {
    let update = provider.submit(&request(webhook_url)).await.unwrap();
    assert_eq!(update.status, ProviderStatus::Starting);
    assert!(update.output_urls.is_empty());
}

/// The rule: A submitted prediction reads back by its id.
pub async fn a_submitted_prediction_reads_back_by_its_id(
    provider: &impl ImageProvider,
    webhook_url: &str,
) {
    let submitted = provider.submit(&request(webhook_url)).await.unwrap();
    let fetched = provider.fetch(&submitted.external_id).await.unwrap();
    assert_eq!(fetched.external_id, submitted.external_id);
}

/// The rule: A cancelled prediction reads back canceled.
pub async fn a_cancelled_prediction_reads_back_canceled(
    provider: &impl ImageProvider,
    webhook_url: &str,
) {
    let submitted = provider.submit(&request(webhook_url)).await.unwrap();
    provider.cancel(&submitted.external_id).await.unwrap();
    let fetched = provider.fetch(&submitted.external_id).await.unwrap();
    assert_eq!(fetched.status, ProviderStatus::Canceled);
}

/// The rule: An unknown prediction is lost not retried.
pub async fn an_unknown_prediction_is_lost_not_retried(provider: &impl ImageProvider) {
    let unknown = ExternalId::parse("no-such-prediction").unwrap();
    let err = provider.fetch(&unknown).await.unwrap_err();
    assert!(matches!(err, ProviderError::Lost { .. }), "{err:?}");
    assert!(!err.is_transient(), "{err:?}");
}
