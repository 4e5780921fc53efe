//! Prediction ids: only our own create call names a generation's prediction; a webhook
//! about another prediction, or one that beats the create answer, takes nothing over.

use imagegen_application::ports::UpdateSource;
use std::sync::Arc;

use chrono::Utc;
use imagegen_application::jobs::{ApplyProviderUpdate, JobHandler};
use imagegen_application::ports::{GenerationRepository, QueueName};
use imagegen_domain::{ExternalId, GenerationStatus, ProviderName, ProviderStatus};
use imagegen_memory::{MemoryGenerationStore, MemoryJobQueue};

use crate::handlers::{apply_handler, enqueue, saved, update};
use crate::take;

#[tokio::test]
async fn an_update_for_another_prediction_is_ignored() {
    let queue = Arc::new(MemoryJobQueue::new());
    let store = Arc::new(MemoryGenerationStore::new(queue.clone()));
    let id = saved(&store, &[ProviderStatus::Starting]).await;
    let payload = ApplyProviderUpdate {
        provider: ProviderName::Replicate,
        webhook_id: "msg".into(),
        generation_id: id,
        update: update("someone-else", ProviderStatus::Succeeded),
        source: UpdateSource::Webhook,
    };
    enqueue(&queue, &payload, 8).await;
    let job = take(queue.as_ref(), QueueName::GenerationWebhooks).await;
    apply_handler(&store, &queue).handle(&job).await.unwrap();
    assert_eq!(
        store.get(id).await.unwrap().unwrap().status(),
        GenerationStatus::Starting
    );
}

#[tokio::test]
async fn a_webhook_before_our_create_answer_waits_and_never_names_the_prediction() {
    let queue = Arc::new(MemoryJobQueue::new());
    let store = Arc::new(MemoryGenerationStore::new(queue.clone()));
    let id = saved(&store, &[]).await;
    let payload = ApplyProviderUpdate {
        provider: ProviderName::Replicate,
        webhook_id: "msg".into(),
        generation_id: id,
        update: update("someone-else", ProviderStatus::Succeeded),
        source: UpdateSource::Webhook,
    };
    enqueue(&queue, &payload, 8).await;
    let job = take(queue.as_ref(), QueueName::GenerationWebhooks).await;
    let handler = apply_handler(&store, &queue);
    let err = handler.handle(&job).await.unwrap_err();
    assert!(
        err.is_transient(),
        "retried until the create call answers: {err:?}"
    );
    let pending = store.get(id).await.unwrap().unwrap();
    assert_eq!(pending.status(), GenerationStatus::Pending);
    assert_eq!(pending.external_id(), None);
    // Our create call's answer names the prediction; the retried webhook is refused.
    let mut submitted = pending;
    submitted
        .record_submission(ExternalId::parse("p1").unwrap(), Utc::now())
        .unwrap();
    let events = submitted.take_events();
    store.save(&submitted, &events, &[]).await.unwrap();
    handler.handle(&job).await.unwrap();
    let after = store.get(id).await.unwrap().unwrap();
    assert_eq!(after.status(), GenerationStatus::Starting);
    assert_eq!(after.external_id(), Some(&ExternalId::parse("p1").unwrap()));
}
