//! A subscriber whose connection is killed says `Lagged` (so sessions catch up from
//! the store) and then receives what is published after it resubscribed.

use std::time::Duration;

use futures::StreamExt;
use imagegen_application::ports::{BusMessage, EventBus, StoredEvent, StreamPosition};

use crate::bus_on;

fn event(position: u64) -> StoredEvent {
    let json = serde_json::json!({
        "position": position,
        "envelope": {
            "event_id": uuid::Uuid::new_v4(),
            "event_type": "GenerationStarted",
            "aggregate_type": "generation",
            "aggregate_id": uuid::Uuid::now_v7(),
            "sequence": 1,
            "schema_version": 1,
            "occurred_at": "2026-11-28T12:00:00Z",
            "user_id": uuid::Uuid::new_v4(),
            "organization_id": uuid::Uuid::new_v4(),
            "payload": { "status": "starting" }
        }
    });
    serde_json::from_value(json).unwrap()
}

#[tokio::test]
async fn a_subscriber_that_lost_its_connection_says_lagged_and_receives_again() {
    // A server of its own: killing connections must not disturb other tests.
    let redis = imagegen_test_support::dedicated_redis();
    let bus = bus_on(&redis);
    let mut subscription = bus.subscribe().await.unwrap();
    bus.publish(&event(1)).await.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(10), subscription.next())
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(first, BusMessage::Event(e) if e.position == StreamPosition(1)));

    // Kill every subscriber connection on the server, as a Redis restart would.
    let client = redis::Client::open(redis.url.as_str()).unwrap();
    let mut admin = client.get_multiplexed_async_connection().await.unwrap();
    let killed: i64 = redis::cmd("CLIENT")
        .arg(&["KILL", "TYPE", "pubsub"])
        .query_async(&mut admin)
        .await
        .unwrap();
    assert!(killed >= 1);

    let next = tokio::time::timeout(Duration::from_secs(10), subscription.next())
        .await
        .expect("no word after the connection was lost")
        .unwrap();
    assert_eq!(next, BusMessage::Lagged);
    bus.publish(&event(2)).await.unwrap();
    let after = tokio::time::timeout(Duration::from_secs(10), subscription.next())
        .await
        .expect("nothing received after resubscribing")
        .unwrap();
    assert!(matches!(after, BusMessage::Event(e) if e.position == StreamPosition(2)));
}
