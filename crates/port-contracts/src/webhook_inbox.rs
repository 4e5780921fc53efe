//! Contract of `WebhookInbox`: one entry per provider and webhook id, states only move
//! forward.

use chrono::Utc;
use imagegen_application::Error;
use std::time::Duration;

use imagegen_application::ports::{
    InboxState, JobQueue, NewJob, QueueName, WebhookDelivery, WebhookInbox,
};
use imagegen_domain::ProviderName;
use serde_json::json;

fn delivery(id: &str) -> WebhookDelivery {
    WebhookDelivery {
        provider: ProviderName::Replicate,
        webhook_id: id.into(),
        generation_id: None,
        received_at: Utc::now(),
        body: json!({ "id": id }),
    }
}

fn job(id: &str) -> NewJob {
    NewJob::new(QueueName::GenerationWebhooks, json!({ "webhook": id }))
        .with_key(format!("webhook:{id}"))
}

async fn queued(queue: &impl JobQueue) -> Vec<serde_json::Value> {
    let mut payloads = Vec::new();
    while let Some(job) = queue
        .reserve(&QueueName::ALL, Duration::from_secs(30), Duration::ZERO)
        .await
        .unwrap()
    {
        payloads.push(job.payload);
    }
    payloads
}

/// The rule: The first delivery is recorded and queued.
pub async fn the_first_delivery_is_recorded_and_queued(
    inbox: &impl WebhookInbox,
    queue: &impl JobQueue,
) {
    let entry = inbox.record(delivery("msg_1"), job("msg_1")).await.unwrap();
    assert!(entry.first_seen);
    assert_eq!(entry.state, InboxState::Queued);
    assert_eq!(queued(queue).await, [json!({ "webhook": "msg_1" })]);
}

/// The rule: A repeat queues nothing more.
pub async fn a_repeat_queues_nothing_more(inbox: &impl WebhookInbox, queue: &impl JobQueue) {
    inbox.record(delivery("msg_1"), job("msg_1")).await.unwrap();
    assert_eq!(queued(queue).await.len(), 1);
    let entry = inbox.record(delivery("msg_1"), job("msg_1")).await.unwrap();
    assert!(!entry.first_seen);
    assert!(queued(queue).await.is_empty());
}

/// The rule: A repeat returns the stored entry.
pub async fn a_repeat_returns_the_stored_entry(inbox: &impl WebhookInbox) {
    inbox.record(delivery("msg_1"), job("msg_1")).await.unwrap();
    inbox
        .advance(ProviderName::Replicate, "msg_1", InboxState::Processed)
        .await
        .unwrap();
    let mut repeat = delivery("msg_1");
    repeat.body = json!({ "other": true });
    let entry = inbox.record(repeat, job("msg_1")).await.unwrap();
    assert!(!entry.first_seen);
    assert_eq!(entry.state, InboxState::Processed);
    assert_eq!(entry.delivery.body, json!({ "id": "msg_1" }));
}

/// The rule: The same id from another provider is another delivery.
pub async fn the_same_id_from_another_provider_is_another_delivery(inbox: &impl WebhookInbox) {
    inbox.record(delivery("msg_1"), job("msg_1")).await.unwrap();
    let mut other = delivery("msg_1");
    other.provider = ProviderName::OpenAi;
    assert!(inbox.record(other, job("msg_1b")).await.unwrap().first_seen);
}

/// The rule: A state never moves backwards.
pub async fn a_state_never_moves_backwards(inbox: &impl WebhookInbox) {
    inbox.record(delivery("msg_1"), job("msg_1")).await.unwrap();
    inbox
        .advance(ProviderName::Replicate, "msg_1", InboxState::Processed)
        .await
        .unwrap();
    inbox
        .advance(ProviderName::Replicate, "msg_1", InboxState::Queued)
        .await
        .unwrap();
    let entry = inbox.record(delivery("msg_1"), job("msg_1")).await.unwrap();
    assert_eq!(entry.state, InboxState::Processed);
}

/// The rule: Advancing an unknown delivery is not found.
pub async fn advancing_an_unknown_delivery_is_not_found(inbox: &impl WebhookInbox) {
    let err = inbox
        .advance(ProviderName::Replicate, "nope", InboxState::Queued)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}

/// The rule: Purging forgets old processed deliveries only.
pub async fn purging_forgets_old_processed_deliveries_only(inbox: &impl WebhookInbox) {
    let month_ago = Utc::now() - chrono::Duration::days(30);
    let mut old_done = delivery("old_done");
    old_done.received_at = month_ago;
    let mut old_waiting = delivery("old_waiting");
    old_waiting.received_at = month_ago;
    for d in [old_done, old_waiting, delivery("new_done")] {
        let id = d.webhook_id.clone();
        inbox.record(d, job(id.as_str())).await.unwrap();
    }
    for id in ["old_done", "new_done"] {
        inbox
            .advance(ProviderName::Replicate, id, InboxState::Processed)
            .await
            .unwrap();
    }
    let purged = inbox
        .purge_processed_before(Utc::now() - chrono::Duration::days(7))
        .await
        .unwrap();
    assert_eq!(purged, 1);
    // The purged one is forgotten; the others are still known.
    assert!(
        inbox
            .record(delivery("old_done"), job("x"))
            .await
            .unwrap()
            .first_seen
    );
    assert!(
        !inbox
            .record(delivery("old_waiting"), job("y"))
            .await
            .unwrap()
            .first_seen
    );
    assert!(
        !inbox
            .record(delivery("new_done"), job("z"))
            .await
            .unwrap()
            .first_seen
    );
}
