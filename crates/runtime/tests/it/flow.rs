//! The whole flow: one provider call, webhooks drive every move, events are relayed
//! in order, duplicates change nothing.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use imagegen_application::EnabledProviders;
use imagegen_application::jobs::{
    ApplyProviderUpdateHandler, JobHandler, StoreImagesHandler, SubmitGenerationHandler,
};
use imagegen_application::ports::{
    BusMessage, EventBus, FetchedImage, GenerationRepository, MockImageFetcher, MockImageProvider,
    SystemClock,
};
use imagegen_application::use_cases::{
    CreateGeneration, CreateGenerationCommand, ReceiveWebhook, WebhookReceipt,
};
use imagegen_application::{Caller, Role};
use imagegen_domain::{
    ExternalId, GenerationStatus, OrganizationId, ProviderName, ProviderStatus, ProviderUpdate,
    UserId,
};
use imagegen_memory::{
    MemoryEventBus, MemoryGenerationStore, MemoryImageStore, MemoryJobQueue, MemoryWebhookInbox,
};
use imagegen_runtime::{EventRelay, JobOutcome, JobRunner, RunnerConfig};
use uuid::Uuid;

fn update(status: ProviderStatus) -> ProviderUpdate {
    let output_urls = if status == ProviderStatus::Succeeded {
        vec!["https://cdn.example/out.png".into()]
    } else {
        vec![]
    };
    ProviderUpdate {
        external_id: ExternalId::parse("pred-1").unwrap(),
        status,
        output_urls,
        error: None,
    }
}

#[tokio::test]
async fn webhooks_alone_drive_a_generation_to_completed_with_one_provider_call() {
    let clock = Arc::new(SystemClock);
    let queue = Arc::new(MemoryJobQueue::new());
    let store = Arc::new(MemoryGenerationStore::new(queue.clone()));
    let inbox = Arc::new(MemoryWebhookInbox::new(queue.clone()));
    let bus = Arc::new(MemoryEventBus::new());
    let mut provider = MockImageProvider::new();
    provider
        .expect_submit()
        .times(1)
        .withf(|request| {
            request.webhook_url.as_deref().is_some_and(|url| {
                url.ends_with(&format!("/webhooks/simulator/{}", request.generation_id))
            })
        })
        .returning(|_| Ok(update(ProviderStatus::Starting)));
    provider.expect_fetch().never();
    let mut fetcher = MockImageFetcher::new();
    fetcher.expect_fetch().times(1).returning(|_| {
        Ok(FetchedImage {
            bytes: vec![1, 2, 3],
            content_type: "image/png".into(),
            width: 8,
            height: 8,
        })
    });
    let handlers: Vec<Arc<dyn JobHandler>> = vec![
        Arc::new(SubmitGenerationHandler::new(
            store.clone(),
            Arc::new(provider),
            clock.clone(),
            "http://api/webhooks",
        )),
        Arc::new(ApplyProviderUpdateHandler::new(
            store.clone(),
            inbox.clone(),
            clock.clone(),
        )),
        Arc::new(StoreImagesHandler::new(
            store.clone(),
            Arc::new(fetcher),
            Arc::new(MemoryImageStore::new()),
            clock.clone(),
        )),
    ];
    let runner = JobRunner::new(queue.clone(), handlers, RunnerConfig::default());
    let create = CreateGeneration::new(
        imagegen_memory::creation_ports(store.clone(), clock.clone()),
        EnabledProviders::only(ProviderName::Simulator),
    );
    let receive = ReceiveWebhook::new(imagegen_memory::webhook_intake(inbox, clock));
    let caller = Caller {
        user_id: UserId::from_uuid(Uuid::new_v4()),
        organization_id: OrganizationId::from_uuid(Uuid::new_v4()),
        role: Role::User,
    };
    let mut published = bus.subscribe().await.unwrap();
    let relay = EventRelay::new(store.clone(), bus.clone());

    let command = CreateGenerationCommand {
        prompt: "a fox".into(),
        ..Default::default()
    };
    let id = create.execute(&caller, command).await.unwrap().id();
    let next = || runner.execute_next(Duration::from_millis(100));
    assert_eq!(next().await.unwrap(), Some(JobOutcome::Completed)); // submit

    for (webhook_id, status) in [
        ("msg_1", ProviderStatus::Processing),
        ("msg_2", ProviderStatus::Succeeded),
    ] {
        let receipt = receive.execute(
            ProviderName::Replicate,
            webhook_id.into(),
            id,
            update(status),
            serde_json::Value::Null,
        );
        assert_eq!(receipt.await.unwrap(), WebhookReceipt::Queued);
        assert_eq!(next().await.unwrap(), Some(JobOutcome::Completed));
    }
    // The same delivery again is acknowledged and queues nothing.
    let again = receive.execute(
        ProviderName::Replicate,
        "msg_2".into(),
        id,
        update(ProviderStatus::Succeeded),
        serde_json::Value::Null,
    );
    assert_eq!(again.await.unwrap(), WebhookReceipt::Duplicate);
    assert_eq!(next().await.unwrap(), Some(JobOutcome::Completed)); // store images
    assert_eq!(next().await.unwrap(), None);

    let generation = store.get(id).await.unwrap().unwrap();
    assert_eq!(generation.status(), GenerationStatus::Completed);
    assert_eq!(generation.outputs().len(), 1);

    let (count, _) = relay.publish_pending().await.unwrap();
    assert_eq!(count, 4);
    let mut types = Vec::new();
    for _ in 0..4 {
        match published.next().await.unwrap() {
            BusMessage::Event(event) => types.push(event.envelope.event_type),
            other => panic!("expected an event, got {other:?}"),
        }
    }
    assert_eq!(
        types,
        [
            "GenerationStarted",
            "GenerationStatusChanged",
            "GenerationStatusChanged",
            "GenerationCompleted"
        ]
    );
    assert_eq!(
        relay.publish_pending().await.unwrap().0,
        0,
        "the relay publishes each event once"
    );
}
