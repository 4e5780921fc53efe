//! Events that name only the provider's object (OpenAI's): the generation is found by
//! the prediction's id, the object is read at the generation's provider, and what it
//! says is applied; an event that beats our create call's answer is tried again, and a
//! polled generation's events are left to its polls.

use std::sync::Arc;

use imagegen_application::Providers;
use imagegen_application::jobs::{JobHandler, JobPayload, ResolveProviderEvent};
use imagegen_application::ports::{MockImageProvider, QueueName};
use imagegen_domain::{ExternalId, GenerationStatus, ProviderName, ProviderStatus};
use imagegen_memory::{MemoryGenerationStore, MemoryJobQueue};

use crate::handlers::{apply_handler, enqueue, saved, update};
use crate::take;

fn event(external: &str) -> ResolveProviderEvent {
    ResolveProviderEvent {
        resolve_event_of: ExternalId::parse(external).unwrap(),
        // `saved` stamps its generations `simulator`.
        provider: ProviderName::Simulator,
        webhook_id: format!("evt_{external}"),
    }
}

fn reading(status: ProviderStatus, times: usize) -> Providers {
    let mut provider = MockImageProvider::new();
    provider
        .expect_fetch()
        .times(times)
        .returning(move |id| Ok(update(id.as_str(), status)));
    Providers::none().with(ProviderName::Simulator, Arc::new(provider))
}

#[tokio::test]
async fn an_event_is_resolved_by_the_prediction_id_and_applied() {
    let queue = Arc::new(MemoryJobQueue::new());
    let store = Arc::new(MemoryGenerationStore::new(queue.clone()));
    let id = saved(&store, &[ProviderStatus::Starting]).await;
    let handler =
        apply_handler(&store, &queue).with_providers(reading(ProviderStatus::Succeeded, 1));
    enqueue(&queue, &event("p1"), 3).await;
    let job = take(queue.as_ref(), QueueName::GenerationWebhooks).await;
    handler.handle(&job).await.unwrap();
    let generation = imagegen_application::ports::GenerationRepository::get(store.as_ref(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        generation.status(),
        GenerationStatus::Storing,
        "the read response moved it"
    );
    assert_eq!(generation.provider_outputs(), ["https://cdn/x.png"]);
}

#[tokio::test]
async fn an_event_before_the_prediction_id_is_recorded_is_tried_again_without_a_call() {
    let queue = Arc::new(MemoryJobQueue::new());
    let store = Arc::new(MemoryGenerationStore::new(queue.clone()));
    let _pending = saved(&store, &[]).await;
    let handler =
        apply_handler(&store, &queue).with_providers(reading(ProviderStatus::Succeeded, 0));
    enqueue(&queue, &event("p1"), 3).await;
    let job = take(queue.as_ref(), QueueName::GenerationWebhooks).await;
    let error = handler.handle(&job).await.unwrap_err();
    assert!(error.is_transient(), "retried with backoff: {error}");
}

#[tokio::test]
async fn a_polled_generations_event_is_left_to_its_polls() {
    let queue = Arc::new(MemoryJobQueue::new());
    let store = Arc::new(MemoryGenerationStore::new(queue.clone()));
    let id = crate::handlers::saved_in(&store, imagegen_domain::DeliveryMode::Polling).await;
    let handler =
        apply_handler(&store, &queue).with_providers(reading(ProviderStatus::Succeeded, 0));
    enqueue(&queue, &event("p1"), 3).await;
    let job = take(queue.as_ref(), QueueName::GenerationWebhooks).await;
    handler.handle(&job).await.unwrap();
    let generation = imagegen_application::ports::GenerationRepository::get(store.as_ref(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(generation.status(), GenerationStatus::Starting);
    assert!(JobPayload::idempotency_key(&event("p1")).starts_with("resolve:simulator:"));
}
