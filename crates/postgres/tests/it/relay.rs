//! The outbox relay on Postgres: a publish that fails part-way keeps the checkpoint at
//! the last event published, and a relay started again (a restart) goes on from there:
//! every position reaches the bus, none twice.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use imagegen_application::ports::{
    BusMessage, EventBus, EventStore, EventSubscription, GenerationRepository, StoredEvent,
    StreamPosition,
};
use imagegen_application::{Error, Result};
use imagegen_port_contracts::fixtures::{advance, generation};
use imagegen_runtime::EventRelay;

/// Records what it is given; the publish numbered `fail_at` (1-based) fails once.
struct RecordingBus {
    published: Mutex<Vec<StreamPosition>>,
    fail_at: Mutex<Option<usize>>,
}

#[async_trait]
impl EventBus for RecordingBus {
    async fn publish(&self, event: &StoredEvent) -> Result<()> {
        let mut published = self.published.lock().unwrap();
        let mut fail_at = self.fail_at.lock().unwrap();
        if *fail_at == Some(published.len() + 1) {
            *fail_at = None;
            return Err(Error::unavailable("bus", "connection reset"));
        }
        published.push(event.position);
        Ok(())
    }
    async fn announce(&self, _channel: &str, _message: &serde_json::Value) -> Result<()> {
        Ok(())
    }
    async fn subscribe(&self) -> Result<EventSubscription> {
        Ok(Box::pin(futures::stream::empty::<BusMessage>()))
    }
}

#[tokio::test]
async fn a_relay_restarted_after_a_failed_publish_goes_on_from_its_checkpoint() {
    let store = crate::test_store().await;
    for _ in 0..3 {
        let mut g = generation();
        store.generations().create(&g, &[]).await.unwrap();
        advance(&mut g);
        let events = g.take_events();
        store.generations().save(&g, &events, &[]).await.unwrap();
    }
    let all: Vec<_> = store
        .generations()
        .read_after(StreamPosition::START, &[], 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.position)
        .collect();
    assert_eq!(all.len(), 6);
    let bus = Arc::new(RecordingBus {
        published: Mutex::default(),
        fail_at: Mutex::new(Some(4)),
    });

    let relay = EventRelay::new(Arc::new(store.generations()), bus.clone());
    assert!(
        relay.publish_pending().await.is_err(),
        "the 4th publish fails"
    );
    assert_eq!(
        store.generations().relay_checkpoint().await.unwrap(),
        all[2]
    );
    drop(relay);

    // A new relay, as after a restart, reads the checkpoint from the database.
    let restarted = EventRelay::new(Arc::new(store.generations()), bus.clone());
    let (published, checkpoint) = restarted.publish_pending().await.unwrap();
    assert_eq!((published, checkpoint), (3, all[5]));
    assert_eq!(*bus.published.lock().unwrap(), all);
}
