//! The durable mode's bus: an ephemeral message sent through one instance's bus reaches
//! the subscribers of every instance on the database, the sender's own once; too large
//! a message is refused and reaches no one.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use imagegen_application::Error;
use imagegen_application::ports::{BusMessage, EventBus, EventSubscription};
use imagegen_memory::MemoryEventBus;
use imagegen_postgres::{MAX_EPHEMERAL_BYTES, PgEphemeralBus, PgOptions, PgStore};
use serde_json::json;

async fn next(subscription: &mut EventSubscription) -> Option<BusMessage> {
    tokio::time::timeout(Duration::from_secs(1), subscription.next())
        .await
        .ok()
        .flatten()
}

#[tokio::test]
async fn an_ephemeral_message_reaches_every_instance_once() {
    let first = crate::test_store().await;
    let second = PgStore::connect(&first.db.url, PgOptions::default())
        .await
        .unwrap();
    let buses = [
        PgEphemeralBus::new(&first, Arc::new(MemoryEventBus::new())),
        PgEphemeralBus::new(&second, Arc::new(MemoryEventBus::new())),
    ];
    let mut subscriptions = Vec::new();
    for bus in &buses {
        subscriptions.push(bus.subscribe().await.unwrap());
    }
    // The listeners start with the stores: wait until a probe goes round.
    let probe = json!({ "probe": true });
    'ready: for _ in 0..100 {
        buses[0].announce("system", &probe).await.unwrap();
        for subscription in &mut subscriptions {
            if next(subscription).await.is_none() {
                continue 'ready;
            }
        }
        break;
    }
    for subscription in &mut subscriptions {
        while let Ok(Some(_)) =
            tokio::time::timeout(Duration::from_millis(200), subscription.next()).await
        {}
    }

    let message = json!({ "event_type": "SystemBroadcast", "payload": { "message": "hi" } });
    buses[0].announce("system", &message).await.unwrap();
    let expected = BusMessage::Ephemeral {
        channel: "system".into(),
        message,
    };
    for subscription in &mut subscriptions {
        assert_eq!(next(subscription).await, Some(expected.clone()));
        assert_eq!(next(subscription).await, None, "once");
    }

    let large = json!({ "text": "x".repeat(MAX_EPHEMERAL_BYTES) });
    let refused = buses[1].announce("system", &large).await.unwrap_err();
    assert!(matches!(refused, Error::Invalid(_)), "{refused:?}");
    assert_eq!(next(&mut subscriptions[0]).await, None, "nothing was sent");
}
