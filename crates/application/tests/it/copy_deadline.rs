//! An image copy has a total deadline from the move to `storing`: past it no new try
//! starts and the generation fails, instead of tries times the fetch timeout.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeZone;
use imagegen_application::jobs::{JobHandler, JobPayload, StoreImages, StoreImagesHandler};
use imagegen_application::ports::{
    Clock, GenerationRepository, JobQueue, ManualClock, MockImageFetcher, QueueName,
};
use imagegen_domain::{
    DeliveryMode, ExternalId, Generation, GenerationId, GenerationSettings, GenerationStatus,
    NewGeneration, Prompt, ProviderName, ProviderStatus, ProviderUpdate,
};
use imagegen_memory::{MemoryGenerationStore, MemoryImageStore, MemoryJobQueue};

use crate::{caller, take};

/// A generation moved to `storing` at the clock's time.
async fn storing(store: &MemoryGenerationStore, clock: &ManualClock) -> GenerationId {
    let who = caller();
    let mut generation = Generation::create(
        NewGeneration {
            id: GenerationId::new(),
            user_id: who.user_id,
            organization_id: who.organization_id,
            prompt: Prompt::parse("slow host").unwrap(),
            settings: GenerationSettings::default(),
            provider: ProviderName::Simulator,
            delivery_mode: DeliveryMode::Webhook,
        },
        clock.now(),
    );
    store.create(&generation, &[]).await.unwrap();
    let external = ExternalId::parse("p1").unwrap();
    generation
        .record_submission(external.clone(), clock.now())
        .unwrap();
    let update = ProviderUpdate {
        external_id: external,
        status: ProviderStatus::Succeeded,
        output_urls: vec!["https://slow.example/out.png".into()],
        error: None,
    };
    generation
        .apply_provider_update(&update, clock.now())
        .unwrap();
    let events = generation.take_events();
    store.save(&generation, &events, &[]).await.unwrap();
    generation.id()
}

#[tokio::test]
async fn past_the_deadline_no_try_starts_and_the_generation_fails() {
    let clock = Arc::new(ManualClock::new(
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 28, 12, 0, 0)
            .unwrap(),
    ));
    let queue = Arc::new(MemoryJobQueue::with_clock(clock.clone()));
    let store = Arc::new(MemoryGenerationStore::new(queue.clone()));
    let id = storing(&store, &clock).await;
    let mut fetcher = MockImageFetcher::new();
    fetcher.expect_fetch().never();
    let handler = StoreImagesHandler::new(
        store.clone(),
        Arc::new(fetcher),
        Arc::new(MemoryImageStore::new()),
        clock.clone(),
    )
    .with_deadline(Duration::from_secs(120));
    queue
        .enqueue(StoreImages { generation_id: id }.to_job().unwrap())
        .await
        .unwrap();
    clock.advance(Duration::from_secs(121));
    let job = take(queue.as_ref(), QueueName::ImageProcessing).await;
    handler.handle(&job).await.unwrap();
    let generation = store.get(id).await.unwrap().unwrap();
    assert_eq!(generation.status(), GenerationStatus::Failed);
    assert_eq!(generation.error().unwrap().code, "storage_timeout");
}
