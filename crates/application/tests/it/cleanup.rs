//! The cleanup job forgets processed webhook deliveries past their retention, and only
//! those, and deletes domain events past theirs; a job queued by an older version
//! still runs.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use imagegen_application::jobs::{Cleanup, CleanupHandler, JobHandler, JobPayload};
use imagegen_application::ports::{
    EventStore, GenerationRepository, InboxState, JobQueue, ManualClock, NewJob, QueueName,
    StreamPosition, WebhookDelivery, WebhookInbox,
};
use imagegen_domain::{ExternalId, ProviderName};
use imagegen_memory::{MemoryGenerationStore, MemoryJobQueue, MemoryWebhookInbox};

use crate::take;

async fn received(inbox: &MemoryWebhookInbox, id: &str, at: chrono::DateTime<Utc>) {
    let delivery = WebhookDelivery {
        provider: ProviderName::Replicate,
        webhook_id: id.to_owned().into(),
        generation_id: None,
        received_at: at,
        body: serde_json::json!({}),
    };
    let job = NewJob::new(
        QueueName::GenerationWebhooks,
        serde_json::json!({ "id": id }),
    );
    inbox.record(delivery, job).await.unwrap();
}

#[tokio::test]
async fn the_cleanup_job_forgets_processed_deliveries_past_their_retention() {
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
    let clock = Arc::new(ManualClock::new(now));
    let queue = Arc::new(MemoryJobQueue::new());
    let inbox = Arc::new(MemoryWebhookInbox::new(queue.clone()));
    received(&inbox, "old", now - Duration::days(10)).await;
    received(&inbox, "recent", now - Duration::days(2)).await;
    for id in ["old", "recent"] {
        inbox
            .advance(ProviderName::Replicate, id, InboxState::Processed)
            .await
            .unwrap();
    }
    // As queued before events were pruned too: still a valid cleanup job.
    let legacy = NewJob::new(
        QueueName::CleanupTasks,
        serde_json::json!({ "older_than_days": 7 }),
    );
    queue.enqueue(legacy).await.unwrap();
    let job = take(queue.as_ref(), QueueName::CleanupTasks).await;
    let events = Arc::new(MemoryGenerationStore::new(queue.clone()));
    CleanupHandler::new(inbox.clone(), events, clock)
        .handle(&job)
        .await
        .unwrap();

    let again = |id: &str| WebhookDelivery {
        provider: ProviderName::Replicate,
        webhook_id: id.to_owned().into(),
        generation_id: None,
        received_at: now,
        body: serde_json::json!({}),
    };
    let job = || NewJob::new(QueueName::GenerationWebhooks, serde_json::json!({}));
    assert!(
        inbox.record(again("old"), job()).await.unwrap().first_seen,
        "forgotten"
    );
    assert!(
        !inbox
            .record(again("recent"), job())
            .await
            .unwrap()
            .first_seen,
        "kept"
    );
}

/// A generation moved once at `at`: one event that occurred then.
async fn moved_at(store: &MemoryGenerationStore, at: chrono::DateTime<Utc>) {
    let caller = crate::caller();
    let mut g = imagegen_domain::Generation::create(
        imagegen_domain::NewGeneration {
            id: imagegen_domain::GenerationId::new(),
            user_id: caller.user_id,
            organization_id: caller.organization_id,
            prompt: imagegen_domain::Prompt::parse("x").unwrap(),
            settings: imagegen_domain::GenerationSettings::default(),
            provider: ProviderName::Simulator,
            delivery_mode: imagegen_domain::DeliveryMode::Webhook,
        },
        at,
    );
    store.create(&g, &[]).await.unwrap();
    g.record_submission(ExternalId::parse("p").unwrap(), at)
        .unwrap();
    let events = g.take_events();
    store.save(&g, &events, &[]).await.unwrap();
}

#[tokio::test]
async fn the_cleanup_job_deletes_events_past_their_retention() {
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
    let queue = Arc::new(MemoryJobQueue::new());
    let store = Arc::new(MemoryGenerationStore::new(queue.clone()));
    moved_at(&store, now - Duration::days(40)).await;
    moved_at(&store, now - Duration::days(1)).await;
    let task = Cleanup {
        inbox_retention_days: 7,
        event_retention_days: Some(30),
    };
    queue.enqueue(task.to_job().unwrap()).await.unwrap();
    let job = take(queue.as_ref(), QueueName::CleanupTasks).await;
    let inbox = Arc::new(MemoryWebhookInbox::new(queue.clone()));
    CleanupHandler::new(inbox, store.clone(), Arc::new(ManualClock::new(now)))
        .handle(&job)
        .await
        .unwrap();
    let kept = store
        .read_after(StreamPosition::START, &[], 10)
        .await
        .unwrap();
    assert!(!kept.is_empty());
    assert!(
        kept.iter()
            .all(|e| e.envelope.occurred_at > now - Duration::days(30))
    );
    assert!(store.pruned_through().await.unwrap() > StreamPosition::START);
}
