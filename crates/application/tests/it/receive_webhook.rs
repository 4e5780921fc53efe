//! Receiving webhooks: recorded once with their job, and never lost when the inbox is
//! down (the provider's retry brings them again).

use std::sync::Arc;

use imagegen_application::Error;
use imagegen_application::ports::QueueAdmin as _;
use imagegen_application::ports::{QueueName, SystemClock};
use imagegen_application::use_cases::{ReceiveWebhook, WebhookReceipt};
use imagegen_domain::{ExternalId, GenerationId, ProviderName, ProviderStatus, ProviderUpdate};
use imagegen_memory::MemoryJobQueue;
use serde_json::Value;

use crate::FlakyInbox;

fn update() -> ProviderUpdate {
    ProviderUpdate {
        external_id: ExternalId::parse("p1").unwrap(),
        status: ProviderStatus::Processing,
        output_urls: vec![],
        error: None,
    }
}

/// Delivers webhook `msg_1` with a processing update for `id`.
async fn deliver(
    receive: &ReceiveWebhook,
    id: GenerationId,
) -> imagegen_application::Result<WebhookReceipt> {
    receive
        .execute(
            ProviderName::Replicate,
            "msg_1".into(),
            id,
            update(),
            Value::Null,
        )
        .await
}

#[tokio::test]
async fn a_delivery_is_queued_once_and_its_repeat_acknowledged() {
    let queue = Arc::new(MemoryJobQueue::new());
    let receive = ReceiveWebhook::new(imagegen_memory::webhook_intake(
        FlakyInbox::failing(0, queue.clone()),
        Arc::new(SystemClock),
    ));
    let id = GenerationId::new();
    let first = deliver(&receive, id).await.unwrap();
    let again = deliver(&receive, id).await.unwrap();
    assert_eq!(
        (first, again),
        (WebhookReceipt::Queued, WebhookReceipt::Duplicate)
    );
    assert_eq!(
        queue
            .counts(QueueName::GenerationWebhooks)
            .await
            .unwrap()
            .waiting,
        1
    );
}

#[tokio::test]
async fn a_delivery_the_inbox_could_not_record_is_queued_by_the_providers_retry() {
    let queue = Arc::new(MemoryJobQueue::new());
    let receive = ReceiveWebhook::new(imagegen_memory::webhook_intake(
        FlakyInbox::failing(1, queue.clone()),
        Arc::new(SystemClock),
    ));
    let id = GenerationId::new();
    let failed = deliver(&receive, id).await;
    assert!(
        matches!(failed, Err(Error::Unavailable { .. })),
        "the api answers 503 so the provider retries"
    );
    let stats = queue.counts(QueueName::GenerationWebhooks).await.unwrap();
    assert_eq!(stats.waiting, 0, "a refused delivery queues nothing");
    let retried = deliver(&receive, id).await.unwrap();
    assert_eq!(retried, WebhookReceipt::Queued);
    assert_eq!(
        queue
            .counts(QueueName::GenerationWebhooks)
            .await
            .unwrap()
            .waiting,
        1
    );
}
