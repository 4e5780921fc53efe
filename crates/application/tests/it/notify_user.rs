//! `user-notifications`: a generation with a callback URL queues one notice with its
//! move to the end, and the handler sends it with a stable id; without a callback URL
//! nothing is queued.

use std::sync::Arc;

use chrono::Utc;
use imagegen_application::jobs::{ApplyProviderUpdate, JobHandler, NotifyUserHandler};
use imagegen_application::ports::QueueAdmin as _;
use imagegen_application::ports::{
    GenerationRepository, MockUserNotifier, Notice, QueueName, UpdateSource,
};
use imagegen_domain::{
    DeliveryMode, ExternalId, Generation, GenerationId, GenerationSettings, NewGeneration, Prompt,
    ProviderName, ProviderStatus, SettingsInput,
};
use imagegen_memory::{MemoryGenerationStore, MemoryJobQueue};

use crate::handlers::{apply_handler, enqueue, update};
use crate::{caller, take};

/// A submitted generation, with `callback` in its settings.
async fn submitted(store: &MemoryGenerationStore, callback: Option<&str>) -> GenerationId {
    let who = caller();
    let settings = GenerationSettings::parse(SettingsInput {
        callback_url: callback.map(str::to_owned),
        ..SettingsInput::default()
    })
    .unwrap();
    let mut generation = Generation::create(
        NewGeneration {
            id: GenerationId::new(),
            user_id: who.user_id,
            organization_id: who.organization_id,
            prompt: Prompt::parse("a lighthouse").unwrap(),
            settings,
            provider: ProviderName::Simulator,
            delivery_mode: DeliveryMode::Webhook,
        },
        Utc::now(),
    );
    store.create(&generation, &[]).await.unwrap();
    generation
        .record_submission(ExternalId::parse("p1").unwrap(), Utc::now())
        .unwrap();
    let events = generation.take_events();
    store.save(&generation, &events, &[]).await.unwrap();
    generation.id()
}

/// Applies a failed prediction to `id` through the webhook job.
async fn fail(store: &Arc<MemoryGenerationStore>, queue: &Arc<MemoryJobQueue>, id: GenerationId) {
    let payload = ApplyProviderUpdate {
        provider: ProviderName::Replicate,
        webhook_id: "msg".into(),
        generation_id: id,
        update: update("p1", ProviderStatus::Failed),
        source: UpdateSource::Webhook,
    };
    enqueue(queue, &payload, 8).await;
    let job = take(queue.as_ref(), QueueName::GenerationWebhooks).await;
    apply_handler(store, queue).handle(&job).await.unwrap();
}

#[tokio::test]
async fn a_finished_generation_with_a_callback_url_sends_one_notice() {
    let queue = Arc::new(MemoryJobQueue::new());
    let store = Arc::new(MemoryGenerationStore::new(queue.clone()));
    let id = submitted(&store, Some("https://hooks.example.com/imagegen")).await;
    fail(&store, &queue, id).await;
    let notices = queue.counts(QueueName::UserNotifications).await.unwrap();
    assert_eq!(notices.waiting, 1, "one notice, saved with the move");

    let mut notifier = MockUserNotifier::new();
    notifier
        .expect_notify()
        .times(1)
        .withf(move |notice: &Notice| {
            notice.id == format!("{id}.failed")
                && notice.url.as_str() == "https://hooks.example.com/imagegen"
                && notice.body["type"] == "generation.failed"
                && notice.body["data"]["id"] == id.to_string()
                && notice.body["data"]["error"]["code"].is_string()
        })
        .returning(|_| Ok(()));
    let handler = NotifyUserHandler::new(
        store.clone(),
        Arc::new(notifier),
        "https://api.example.com/",
    );
    let job = take(queue.as_ref(), QueueName::UserNotifications).await;
    handler.handle(&job).await.unwrap();
}

#[tokio::test]
async fn a_generation_without_a_callback_url_queues_no_notice() {
    let queue = Arc::new(MemoryJobQueue::new());
    let store = Arc::new(MemoryGenerationStore::new(queue.clone()));
    let id = submitted(&store, None).await;
    fail(&store, &queue, id).await;
    let notices = queue.counts(QueueName::UserNotifications).await.unwrap();
    assert_eq!((notices.waiting, notices.delayed), (0, 0));
    assert!(store.get(id).await.unwrap().unwrap().status().is_terminal());
}

#[tokio::test]
async fn a_refused_notice_is_final_and_a_failed_delivery_is_retried() {
    for (retryable, transient) in [(false, false), (true, true)] {
        let queue = Arc::new(MemoryJobQueue::new());
        let store = Arc::new(MemoryGenerationStore::new(queue.clone()));
        let id = submitted(&store, Some("https://hooks.example.com/x")).await;
        fail(&store, &queue, id).await;
        let mut notifier = MockUserNotifier::new();
        notifier.expect_notify().returning(move |_| {
            let message = "answered".to_owned();
            Err(match retryable {
                true => imagegen_application::ports::FetchError::Failed { message },
                false => imagegen_application::ports::FetchError::Refused { message },
            })
        });
        let handler = NotifyUserHandler::new(store.clone(), Arc::new(notifier), "https://api");
        let job = take(queue.as_ref(), QueueName::UserNotifications).await;
        let error = handler.handle(&job).await.unwrap_err();
        assert_eq!(error.is_transient(), transient, "{error}");
    }
}
