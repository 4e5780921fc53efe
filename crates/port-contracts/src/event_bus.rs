//! Contract of `EventBus`: every subscriber receives what is published after it
//! subscribed, in publish order.

use std::time::Duration;

use chrono::SubsecRound;
use futures::StreamExt;
use imagegen_application::ports::{BusMessage, EventBus, StoredEvent, StreamPosition};

use crate::fixtures::{advance, generation};

fn events() -> Vec<StoredEvent> {
    let mut g = generation();
    advance(&mut g);
    g.take_events()
        .into_iter()
        .enumerate()
        .map(|(i, envelope)| StoredEvent {
            position: StreamPosition(i as u64 + 1),
            envelope,
            // The trace context travels with the event, between processes too.
            trace: (i == 0)
                .then(|| "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".to_owned()),
            webhook_received_at: (i == 0).then(|| chrono::Utc::now().trunc_subsecs(3)),
        })
        .collect()
}

/// The rule: Every subscriber receives published events in order.
pub async fn every_subscriber_receives_published_events_in_order(bus: &impl EventBus) {
    let mut first = bus.subscribe().await.unwrap();
    let mut second = bus.subscribe().await.unwrap();
    let events = events();
    for event in &events {
        bus.publish(event).await.unwrap();
    }
    for subscription in [&mut first, &mut second] {
        for expected in &events {
            let got = tokio::time::timeout(Duration::from_secs(10), subscription.next())
                .await
                .unwrap();
            assert_eq!(got, Some(BusMessage::Event(expected.clone())));
        }
    }
}

/// The rule: Publishing without subscribers succeeds.
pub async fn publishing_without_subscribers_succeeds(bus: &impl EventBus) {
    bus.publish(&events()[0]).await.unwrap();
}

/// The rule: Every subscriber receives announcements between events.
pub async fn every_subscriber_receives_announcements_between_events(bus: &impl EventBus) {
    let mut first = bus.subscribe().await.unwrap();
    let mut second = bus.subscribe().await.unwrap();
    let events = events();
    let announcement = serde_json::json!({ "event_type": "SystemBroadcast", "payload": { "message": [1, "two"] } });
    bus.publish(&events[0]).await.unwrap();
    bus.announce("system", &announcement).await.unwrap();
    bus.publish(&events[1]).await.unwrap();
    let expected = [
        BusMessage::Event(events[0].clone()),
        BusMessage::Ephemeral {
            channel: "system".into(),
            message: announcement.clone(),
        },
        BusMessage::Event(events[1].clone()),
    ];
    for subscription in [&mut first, &mut second] {
        for message in &expected {
            let got = tokio::time::timeout(Duration::from_secs(10), subscription.next())
                .await
                .unwrap();
            assert_eq!(got.as_ref(), Some(message));
        }
    }
}
