//! Job handlers: idempotent under redelivery, and they end generations they cannot
//! finish instead of leaving them stuck.

use imagegen_application::ports::QueueAdmin as _;
use imagegen_application::ports::{FetchError, UpdateSource};
use std::sync::Arc;

use chrono::Utc;
use imagegen_application::jobs::{
    ApplyProviderUpdate, ApplyProviderUpdateHandler, JobHandler, JobPayload, StoreImages,
    StoreImagesHandler, SubmitGeneration, SubmitGenerationHandler,
};
use imagegen_application::ports::{
    GenerationRepository, JobQueue, MockImageFetcher, MockImageProvider, QueueName, SystemClock,
};
use imagegen_domain::{
    DeliveryMode, ExternalId, Generation, GenerationId, GenerationSettings, GenerationStatus,
    NewGeneration, Prompt, ProviderName, ProviderStatus, ProviderUpdate,
};
use imagegen_memory::{
    MemoryGenerationStore, MemoryImageStore, MemoryJobQueue, MemoryWebhookInbox,
};

use crate::{caller, take};

pub fn update(external: &str, status: ProviderStatus) -> ProviderUpdate {
    let output_urls = if status == ProviderStatus::Succeeded {
        vec!["https://cdn/x.png".into()]
    } else {
        vec![]
    };
    ProviderUpdate {
        external_id: ExternalId::parse(external).unwrap(),
        status,
        output_urls,
        error: None,
    }
}

/// A saved generation, moved by `updates`.
pub async fn saved(store: &MemoryGenerationStore, updates: &[ProviderStatus]) -> GenerationId {
    saved_with(store, updates, DeliveryMode::Webhook).await
}

/// A generation in `mode`, submitted as prediction `p1`.
pub async fn saved_in(store: &MemoryGenerationStore, mode: DeliveryMode) -> GenerationId {
    saved_with(store, &[ProviderStatus::Starting], mode).await
}

async fn saved_with(
    store: &MemoryGenerationStore,
    updates: &[ProviderStatus],
    delivery_mode: DeliveryMode,
) -> GenerationId {
    let who = caller();
    let mut generation = Generation::create(
        NewGeneration {
            id: GenerationId::new(),
            user_id: who.user_id,
            organization_id: who.organization_id,
            prompt: Prompt::parse("x").unwrap(),
            settings: GenerationSettings::default(),
            provider: ProviderName::Simulator,
            delivery_mode,
        },
        Utc::now(),
    );
    store.create(&generation, &[]).await.unwrap();
    if !updates.is_empty() {
        generation
            .record_submission(ExternalId::parse("p1").unwrap(), Utc::now())
            .unwrap();
    }
    for status in updates {
        generation
            .apply_provider_update(&update("p1", *status), Utc::now())
            .unwrap();
    }
    let events = generation.take_events();
    store.save(&generation, &events, &[]).await.unwrap();
    generation.id()
}

pub fn apply_handler(
    store: &Arc<MemoryGenerationStore>,
    queue: &Arc<MemoryJobQueue>,
) -> ApplyProviderUpdateHandler {
    let inbox = Arc::new(MemoryWebhookInbox::new(queue.clone()));
    ApplyProviderUpdateHandler::new(store.clone(), inbox, Arc::new(SystemClock))
}

pub async fn enqueue(queue: &MemoryJobQueue, payload: &impl JobPayload, max_attempts: u32) {
    let mut job = payload.to_job().unwrap();
    job.max_attempts = max_attempts;
    queue.enqueue(job).await.unwrap();
}

#[tokio::test]
async fn a_success_saves_the_image_copy_with_the_move_and_a_repeat_queues_nothing() {
    let queue = Arc::new(MemoryJobQueue::new());
    let store = Arc::new(MemoryGenerationStore::new(queue.clone()));
    let id = saved(&store, &[ProviderStatus::Starting]).await;
    let payload = ApplyProviderUpdate {
        provider: ProviderName::Replicate,
        webhook_id: "msg".into(),
        generation_id: id,
        update: update("p1", ProviderStatus::Succeeded),
        source: UpdateSource::Webhook,
    };
    let handler = apply_handler(&store, &queue);
    for _ in 0..2 {
        enqueue(&queue, &payload, 8).await;
        let job = take(queue.as_ref(), QueueName::GenerationWebhooks).await;
        handler.handle(&job).await.unwrap();
        queue.complete(&job).await.unwrap();
    }
    let stats = queue.counts(QueueName::ImageProcessing).await.unwrap();
    assert_eq!(stats.waiting, 1, "one copy job, saved with the move");
    assert_eq!(
        store.get(id).await.unwrap().unwrap().status(),
        GenerationStatus::Storing
    );
}

async fn run_copy(
    fetch_error: FetchError,
    max_attempts: u32,
) -> (imagegen_application::Result<()>, Generation) {
    let queue = Arc::new(MemoryJobQueue::new());
    let store = Arc::new(MemoryGenerationStore::new(queue.clone()));
    let id = saved(&store, &[ProviderStatus::Succeeded]).await;
    let mut fetcher = MockImageFetcher::new();
    let error = std::sync::Mutex::new(Some(fetch_error));
    fetcher
        .expect_fetch()
        .returning(move |_| Err(error.lock().unwrap().take().unwrap()));
    let handler = StoreImagesHandler::new(
        store.clone(),
        Arc::new(fetcher),
        Arc::new(MemoryImageStore::new()),
        Arc::new(SystemClock),
    );
    enqueue(&queue, &StoreImages { generation_id: id }, max_attempts).await;
    let job = take(queue.as_ref(), QueueName::ImageProcessing).await;
    let result = handler.handle(&job).await;
    (result, store.get(id).await.unwrap().unwrap())
}

#[tokio::test]
async fn a_refused_image_fails_the_generation_with_storage_failed() {
    let (result, generation) = run_copy(
        FetchError::Refused {
            message: "not an image".into(),
        },
        8,
    )
    .await;
    assert!(result.is_ok());
    assert_eq!(generation.status(), GenerationStatus::Failed);
    assert_eq!(generation.error().unwrap().code, "storage_failed");
}

#[tokio::test]
async fn a_transient_fetch_error_is_retried_while_attempts_remain() {
    let (result, generation) = run_copy(
        FetchError::Failed {
            message: "timeout".into(),
        },
        8,
    )
    .await;
    assert!(result.unwrap_err().is_transient());
    assert_eq!(generation.status(), GenerationStatus::Storing);
}

#[tokio::test]
async fn a_transient_fetch_error_on_the_last_attempt_fails_the_generation() {
    let (result, generation) = run_copy(
        FetchError::Failed {
            message: "timeout".into(),
        },
        1,
    )
    .await;
    assert!(result.is_ok());
    assert_eq!(generation.status(), GenerationStatus::Failed);
}

#[tokio::test]
async fn a_submission_job_delivered_twice_calls_the_provider_once() {
    let queue = Arc::new(MemoryJobQueue::new());
    let store = Arc::new(MemoryGenerationStore::new(queue.clone()));
    let id = saved(&store, &[]).await;
    let mut provider = MockImageProvider::new();
    provider
        .expect_submit()
        .times(1)
        .returning(|_| Ok(update("p1", ProviderStatus::Starting)));
    let handler = SubmitGenerationHandler::new(
        store.clone(),
        Arc::new(provider),
        Arc::new(SystemClock),
        "http://x/webhooks",
    );
    for _ in 0..2 {
        enqueue(&queue, &SubmitGeneration { generation_id: id }, 8).await;
        let job = take(queue.as_ref(), QueueName::ProviderSubmissions).await;
        handler.handle(&job).await.unwrap();
        queue.complete(&job).await.unwrap();
    }
    let generation = store.get(id).await.unwrap().unwrap();
    assert_eq!(generation.status(), GenerationStatus::Starting);
    assert_eq!(generation.external_id().map(ExternalId::as_str), Some("p1"));
}
