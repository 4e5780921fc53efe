//! Receiving webhooks: recorded once, queued once, and never lost when queueing fails.

use std::sync::Arc;

use imagegen_application::Error;
use imagegen_application::ports::{JobQueue, QueueName, SystemClock};
use imagegen_application::use_cases::{ReceiveWebhook, WebhookReceipt};
use imagegen_domain::{ExternalId, GenerationId, ProviderName, ProviderStatus, ProviderUpdate};
use imagegen_memory::MemoryWebhookInbox;
use serde_json::Value;

use crate::FlakyQueue;

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
    let queue = FlakyQueue::failing(0);
    let receive = ReceiveWebhook::new(
        Arc::new(MemoryWebhookInbox::new()),
        queue.clone(),
        Arc::new(SystemClock),
    );
    let id = GenerationId::new();
    let first = deliver(&receive, id).await.unwrap();
    let again = deliver(&receive, id).await.unwrap();
    assert_eq!(
        (first, again),
        (WebhookReceipt::Queued, WebhookReceipt::Duplicate)
    );
    assert_eq!(
        queue
            .stats(QueueName::GenerationWebhooks)
            .await
            .unwrap()
            .waiting,
        1
    );
}

#[tokio::test]
async fn a_delivery_whose_queueing_failed_is_queued_by_the_providers_retry() {
    let queue = FlakyQueue::failing(1);
    let receive = ReceiveWebhook::new(
        Arc::new(MemoryWebhookInbox::new()),
        queue.clone(),
        Arc::new(SystemClock),
    );
    let id = GenerationId::new();
    let failed = deliver(&receive, id).await;
    assert!(
        matches!(failed, Err(Error::Unavailable { .. })),
        "the api answers 503 so the provider retries"
    );
    let retried = deliver(&receive, id).await.unwrap();
    assert_eq!(retried, WebhookReceipt::Queued);
    assert_eq!(
        queue
            .stats(QueueName::GenerationWebhooks)
            .await
            .unwrap()
            .waiting,
        1
    );
}
