//! Events that name only the provider's object (OpenAI's): the generation is found by
//! the prediction's id, the object is read at the generation's provider, and what it
//! says is applied; an event that beats our create call's answer is tried again, and a
//! polled generation's events are left to its polls.

use std::sync::Arc;

use imagegen_application::Providers;
use imagegen_application::jobs::{JobHandler, JobPayload, ResolveProviderEvent};
use imagegen_application::ports::{GenerationRepository, MockImageProvider, QueueName};
use imagegen_domain::{
    ExternalId, Generation, GenerationId, GenerationStatus, ProviderName, ProviderStatus,
};
use imagegen_memory::{MemoryGenerationStore, MemoryJobQueue};

use crate::handlers::{apply_handler, enqueue, saved, update};
use crate::take;

fn event(external: &str) -> ResolveProviderEvent {
    ResolveProviderEvent {
        external_id: ExternalId::parse(external).unwrap(),
        // `saved` stamps its generations `simulator`.
        provider: ProviderName::Simulator,
        webhook_id: format!("evt_{external}").into(),
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

fn stores() -> (Arc<MemoryGenerationStore>, Arc<MemoryJobQueue>) {
    let queue = Arc::new(MemoryJobQueue::new());
    (Arc::new(MemoryGenerationStore::new(queue.clone())), queue)
}

/// Queues an event naming prediction `p1` and runs it, reading with `providers`.
async fn resolve_p1(
    (store, queue): &(Arc<MemoryGenerationStore>, Arc<MemoryJobQueue>),
    providers: Providers,
) -> imagegen_application::Result<()> {
    let handler = apply_handler(store, queue).with_providers(providers);
    enqueue(queue, &event("p1"), 3).await;
    let job = take(queue.as_ref(), QueueName::GenerationWebhooks).await;
    handler.handle(&job).await
}

async fn generation(store: &MemoryGenerationStore, id: GenerationId) -> Generation {
    GenerationRepository::get(store, id).await.unwrap().unwrap()
}

#[tokio::test]
async fn an_event_is_resolved_by_the_prediction_id_and_applied() {
    let stores = stores();
    let id = saved(&stores.0, &[ProviderStatus::Starting]).await;
    resolve_p1(&stores, reading(ProviderStatus::Succeeded, 1))
        .await
        .unwrap();
    let generation = generation(&stores.0, id).await;
    assert_eq!(
        generation.status(),
        GenerationStatus::Storing,
        "the read response moved it"
    );
    assert_eq!(generation.provider_outputs(), ["https://cdn/x.png"]);
}

#[tokio::test]
async fn an_event_before_the_prediction_id_is_recorded_is_tried_again_without_a_call() {
    let stores = stores();
    let _pending = saved(&stores.0, &[]).await;
    let error = resolve_p1(&stores, reading(ProviderStatus::Succeeded, 0))
        .await
        .unwrap_err();
    assert!(error.is_transient(), "retried with backoff: {error}");
}

#[tokio::test]
async fn a_polled_generations_event_is_left_to_its_polls() {
    let stores = stores();
    let id = crate::handlers::saved_in(&stores.0, imagegen_domain::DeliveryMode::Polling).await;
    resolve_p1(&stores, reading(ProviderStatus::Succeeded, 0))
        .await
        .unwrap();
    assert_eq!(
        generation(&stores.0, id).await.status(),
        GenerationStatus::Starting
    );
    assert!(JobPayload::idempotency_key(&event("p1")).starts_with("resolve:simulator:"));
}
