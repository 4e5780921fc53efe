//! The cleanup job forgets processed webhook deliveries past their retention, and only
//! those.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use imagegen_application::jobs::{JobHandler, JobPayload, PurgeInbox, PurgeInboxHandler};
use imagegen_application::ports::{
    InboxState, JobQueue, ManualClock, NewJob, QueueName, WebhookDelivery, WebhookInbox,
};
use imagegen_domain::ProviderName;
use imagegen_memory::{MemoryJobQueue, MemoryWebhookInbox};

use crate::take;

async fn received(inbox: &MemoryWebhookInbox, id: &str, at: chrono::DateTime<Utc>) {
    let delivery = WebhookDelivery {
        provider: ProviderName::Replicate,
        webhook_id: id.to_owned(),
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
    queue
        .enqueue(PurgeInbox { older_than_days: 7 }.to_job().unwrap())
        .await
        .unwrap();
    let job = take(queue.as_ref(), QueueName::CleanupTasks).await;
    PurgeInboxHandler::new(inbox.clone(), clock)
        .handle(&job)
        .await
        .unwrap();

    let again = |id: &str| WebhookDelivery {
        provider: ProviderName::Replicate,
        webhook_id: id.to_owned(),
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
