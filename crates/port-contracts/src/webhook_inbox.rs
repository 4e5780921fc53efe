//! Contract of `WebhookInbox`: one entry per provider and webhook id, states only move
//! forward.

use chrono::Utc;
use imagegen_application::Error;
use imagegen_application::ports::{InboxState, WebhookDelivery, WebhookInbox};
use imagegen_domain::ProviderName;
use serde_json::json;

fn delivery(id: &str) -> WebhookDelivery {
    WebhookDelivery {
        provider: ProviderName::Replicate,
        webhook_id: id.to_owned(),
        generation_id: None,
        received_at: Utc::now(),
        body: json!({ "id": id }),
    }
}

pub async fn the_first_delivery_is_recorded_as_received(inbox: &impl WebhookInbox) {
    let entry = inbox.record(delivery("msg_1")).await.unwrap();
    assert!(entry.first_seen);
    assert_eq!(entry.state, InboxState::Received);
}

pub async fn a_repeat_returns_the_stored_entry(inbox: &impl WebhookInbox) {
    inbox.record(delivery("msg_1")).await.unwrap();
    inbox
        .advance(ProviderName::Replicate, "msg_1", InboxState::Enqueued)
        .await
        .unwrap();
    let mut repeat = delivery("msg_1");
    repeat.body = json!({ "other": true });
    let entry = inbox.record(repeat).await.unwrap();
    assert!(!entry.first_seen);
    assert_eq!(entry.state, InboxState::Enqueued);
    assert_eq!(entry.delivery.body, json!({ "id": "msg_1" }));
}

pub async fn the_same_id_from_another_provider_is_another_delivery(inbox: &impl WebhookInbox) {
    inbox.record(delivery("msg_1")).await.unwrap();
    let mut other = delivery("msg_1");
    other.provider = ProviderName::OpenAi;
    assert!(inbox.record(other).await.unwrap().first_seen);
}

pub async fn a_state_never_moves_backwards(inbox: &impl WebhookInbox) {
    inbox.record(delivery("msg_1")).await.unwrap();
    inbox
        .advance(ProviderName::Replicate, "msg_1", InboxState::Processed)
        .await
        .unwrap();
    inbox
        .advance(ProviderName::Replicate, "msg_1", InboxState::Enqueued)
        .await
        .unwrap();
    let entry = inbox.record(delivery("msg_1")).await.unwrap();
    assert_eq!(entry.state, InboxState::Processed);
}

pub async fn advancing_an_unknown_delivery_is_not_found(inbox: &impl WebhookInbox) {
    let err = inbox
        .advance(ProviderName::Replicate, "nope", InboxState::Enqueued)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}
