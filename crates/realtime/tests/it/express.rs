//! Express delivery: a shared message goes straight to a waiting subscription's
//! connection, never ahead of what is queued, and to the queue when the connection
//! does not take it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use futures::FutureExt;
use futures::task::ArcWake;
use imagegen_application::Channel;
use imagegen_application::ports::{BusMessage, EventBus, GenerationRepository};
use imagegen_realtime::hub::{Express, Expressed, HubMessage, HubSubscription, Received};
use serde_json::json;

use crate::{apply, caller, generation_of, publish_all};

/// A connection that answers every offer the same way, and keeps what it took.
struct Connection {
    answer: Expressed,
    took: Mutex<Vec<Arc<HubMessage>>>,
}

impl Express for Connection {
    fn try_send(&self, message: &Arc<HubMessage>) -> Expressed {
        self.took.lock().unwrap().push(message.clone());
        self.answer
    }
}

fn connection(answer: Expressed) -> Arc<Connection> {
    Arc::new(Connection {
        answer,
        took: Mutex::default(),
    })
}

#[derive(Default)]
struct Wakes(AtomicUsize);

impl ArcWake for Wakes {
    fn wake_by_ref(wakes: &Arc<Self>) {
        wakes.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Polls the subscription once, as a waiting session does; counts its wakes.
fn wait(subscription: &mut HubSubscription, wakes: &Arc<Wakes>) -> Poll<Received> {
    let waker = futures::task::waker(wakes.clone());
    subscription.poll_recv(&mut Context::from_waker(&waker))
}

async fn until(done: impl Fn() -> bool) {
    tokio::time::timeout(Duration::from_secs(5), async {
        while !done() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("in time");
}

fn broadcast(k: u64) -> serde_json::Value {
    json!({ "event_type": "SystemBroadcast", "payload": { "message": k } })
}

#[tokio::test]
async fn a_waiting_subscription_takes_a_broadcast_by_express_but_never_ahead_of_its_queue() {
    let (store, bus, hub) = crate::memory_hub().await;
    let alice = caller();
    let mut subscription = hub.subscribe(&[Channel::System, Channel::User(alice.user_id)]);
    let express = connection(Expressed::Sent);
    subscription.express(express.clone());
    let wakes = Arc::new(Wakes::default());
    assert!(wait(&mut subscription, &wakes).is_pending());

    bus.announce("system", &broadcast(1)).await.unwrap();
    until(|| express.took.lock().unwrap().len() == 1).await;
    assert!(
        subscription.recv().now_or_never().is_none(),
        "sent, not queued"
    );
    assert_eq!(wakes.0.load(Ordering::SeqCst), 0, "and nobody woken");

    // A stored event is the connection's to frame: it is queued, and the broadcast
    // after it waits behind it.
    let mut g = generation_of(&alice);
    store.create(&g, &[]).await.unwrap();
    apply(&store, &mut g, imagegen_domain::ProviderStatus::Starting).await;
    publish_all(&store, &bus, 0).await;
    bus.announce("system", &broadcast(2)).await.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(5), subscription.recv()).await;
    assert!(
        matches!(first, Ok(Some(Received::Message(m))) if matches!(m.bus, BusMessage::Event(_)))
    );
    let second = tokio::time::timeout(Duration::from_secs(5), subscription.recv()).await;
    let Ok(Some(Received::Message(second))) = second else {
        panic!("the broadcast, queued: {second:?}");
    };
    assert_eq!(second.ephemeral().unwrap()["payload"]["message"], 2);
    assert_eq!(
        express.took.lock().unwrap().len(),
        1,
        "the second was not offered"
    );
}

#[tokio::test]
async fn a_declined_broadcast_is_queued_and_a_started_one_is_left_to_the_connection() {
    let (_store, bus, hub) = crate::memory_hub().await;
    let mut declining = hub.subscribe(&[Channel::System]);
    let mut starting = hub.subscribe(&[Channel::System]);
    let (no, begun) = (
        connection(Expressed::Declined),
        connection(Expressed::Started),
    );
    declining.express(no.clone());
    starting.express(begun.clone());
    let (declining_wakes, starting_wakes) =
        (Arc::new(Wakes::default()), Arc::new(Wakes::default()));
    assert!(wait(&mut declining, &declining_wakes).is_pending());
    assert!(wait(&mut starting, &starting_wakes).is_pending());

    bus.announce("system", &broadcast(1)).await.unwrap();
    until(|| declining_wakes.0.load(Ordering::SeqCst) == 1).await;
    assert!(matches!(
        declining.recv().now_or_never(),
        Some(Some(Received::Message(_)))
    ));
    until(|| begun.took.lock().unwrap().len() == 1).await;
    assert!(
        starting.recv().now_or_never().is_none(),
        "the connection finishes it"
    );
    // Its express wakes it (the gate in imagegen-streams); the hub does not.
    assert_eq!(starting_wakes.0.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_subscription_without_express_or_not_waiting_gets_broadcasts_queued() {
    let (_store, bus, hub) = crate::memory_hub().await;
    let mut plain = hub.subscribe(&[Channel::System]);
    // Never polled: it is not waiting, so nothing goes by express.
    let mut busy = hub.subscribe(&[Channel::System]);
    let express = connection(Expressed::Sent);
    busy.express(express.clone());
    assert!(wait(&mut plain, &Arc::default()).is_pending());

    bus.announce("system", &broadcast(1)).await.unwrap();
    for subscription in [&mut plain, &mut busy] {
        let got = tokio::time::timeout(Duration::from_secs(5), subscription.recv()).await;
        assert!(matches!(got, Ok(Some(Received::Message(_)))), "{got:?}");
    }
    assert!(express.took.lock().unwrap().is_empty());
}
