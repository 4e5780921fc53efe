//! Contract of `GenerationRepository::save_processed` with the `WebhookInbox` of the same
//! adapter: the delivery that caused a move is marked processed if and only if the move
//! is saved.

use chrono::Utc;
use imagegen_application::ports::StoreError;
use imagegen_application::ports::{
    DeliveryKey, EventStore, GenerationRepository, InboxState, NewJob, QueueName, StreamPosition,
    WebhookDelivery, WebhookInbox,
};
use imagegen_domain::{ProviderName, WebhookId};
use serde_json::json;

use crate::fixtures::{advance, generation};

fn key(id: &str) -> DeliveryKey {
    DeliveryKey {
        provider: ProviderName::Replicate,
        webhook_id: WebhookId::from(id),
    }
}

/// Records the delivery `id` and returns its state as the inbox reads it back.
async fn state_of(inbox: &impl WebhookInbox, id: &str) -> InboxState {
    let delivery = WebhookDelivery {
        provider: ProviderName::Replicate,
        webhook_id: id.into(),
        generation_id: None,
        received_at: Utc::now(),
        body: json!({ "id": id }),
    };
    let job = NewJob::new(QueueName::GenerationWebhooks, json!({ "webhook": id }))
        .with_key(format!("webhook:{id}"));
    inbox.record(delivery, job).await.unwrap().state
}

/// The rule: A saved move marks its delivery processed.
pub async fn a_saved_move_marks_its_delivery_processed(
    store: &(impl GenerationRepository + EventStore),
    inbox: &impl WebhookInbox,
) {
    assert_eq!(state_of(inbox, "msg_1").await, InboxState::Queued);
    let mut g = generation();
    store.create(&g, &[]).await.unwrap();
    advance(&mut g);
    let events = g.take_events();
    store
        .save_processed(&g, &events, &[], &key("msg_1"))
        .await
        .unwrap();
    assert_eq!(state_of(inbox, "msg_1").await, InboxState::Processed);
    let stored = store.get(g.id()).await.unwrap().expect("saved");
    assert_eq!(stored.version(), g.version());
    // Its events say when the webhook that caused them arrived.
    let saved = store
        .read_after(StreamPosition::START, &[], 10)
        .await
        .unwrap();
    let received = saved.last().and_then(|event| event.webhook_received_at);
    let off = received.map(|at| (Utc::now() - at).num_seconds().abs());
    assert!(off.is_some_and(|seconds| seconds < 60), "{received:?}");
}

/// The rule: A conflicting move leaves its delivery queued.
pub async fn a_conflicting_move_leaves_its_delivery_queued(
    store: &impl GenerationRepository,
    inbox: &impl WebhookInbox,
) {
    state_of(inbox, "msg_2").await;
    let mut g = generation();
    store.create(&g, &[]).await.unwrap();
    let mut rival = g.clone();
    advance(&mut rival);
    let rival_events = rival.take_events();
    store.save(&rival, &rival_events, &[]).await.unwrap();
    advance(&mut g);
    let events = g.take_events();
    let err = store
        .save_processed(&g, &events, &[], &key("msg_2"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    assert_eq!(state_of(inbox, "msg_2").await, InboxState::Queued);
}

/// The rule: A move from a delivery never recorded is saved.
pub async fn a_move_from_a_delivery_never_recorded_is_saved(
    store: &impl GenerationRepository,
    _inbox: &impl WebhookInbox,
) {
    let mut g = generation();
    store.create(&g, &[]).await.unwrap();
    advance(&mut g);
    let events = g.take_events();
    store
        .save_processed(&g, &events, &[], &key("poll:never-recorded"))
        .await
        .unwrap();
    let stored = store.get(g.id()).await.unwrap().expect("saved");
    assert_eq!(stored.version(), g.version());
}
