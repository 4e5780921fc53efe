//! A client too slow for its events: the first time it falls behind, its session
//! catches up from the store; the second time within the window, the session ends with
//! `TooSlow` and the position to resume from, and resuming there loses nothing.

use std::time::Duration;

use futures::StreamExt;
use imagegen_application::Channel;
use imagegen_application::ports::{GenerationRepository, StreamPosition};
use imagegen_domain::ProviderStatus;
use imagegen_realtime::{Delivery, session_events};

use crate::{apply, caller, generation_of, memory_hub, publish_all};

async fn next<S: futures::Stream<Item = Delivery> + Unpin>(session: &mut S) -> Option<Delivery> {
    tokio::time::timeout(Duration::from_secs(10), session.next())
        .await
        .expect("the session stalled")
}

#[tokio::test]
async fn a_client_that_falls_behind_twice_is_cut_off_and_resumes_without_loss() {
    let (store, bus, hub) = memory_hub().await;
    let alice = caller();
    let channels = vec![Channel::User(alice.user_id)];
    let mut session = Box::pin(
        session_events(&hub, store.clone(), channels.clone(), None)
            .await
            .unwrap(),
    );
    let burst = |from: u64| {
        let (store, bus) = (store.clone(), bus.clone());
        async move {
            for _ in 0..100 {
                let mut g = generation_of(&alice);
                store.create(&g, &[]).await.unwrap();
                apply(&store, &mut g, ProviderStatus::Starting).await;
            }
            publish_all(&store, &bus, from).await;
        }
    };

    // First burst, unread: the queue overflows; the session catches up, losing nothing.
    burst(0).await;
    for expected in 1..=100 {
        match next(&mut session).await {
            Some(Delivery::Event(event)) => assert_eq!(event.position.0, expected),
            other => panic!("event {expected} expected, got {other:?}"),
        }
    }
    // Second burst while the client still does not read: it is too slow.
    burst(100).await;
    match next(&mut session).await {
        Some(Delivery::TooSlow { resume_after }) => assert_eq!(resume_after.0, 100),
        other => panic!("too slow expected, got {other:?}"),
    }
    assert!(next(&mut session).await.is_none(), "the session ended");

    // Resuming where it was cut off sends exactly the rest.
    let resumed = session_events(&hub, store.clone(), channels, Some(StreamPosition(100)))
        .await
        .unwrap()
        .filter_map(crate::only_events)
        .take(100)
        .map(|event| event.position.0)
        .collect::<Vec<_>>();
    let positions = tokio::time::timeout(Duration::from_secs(10), resumed)
        .await
        .unwrap();
    assert_eq!(positions, (101..=200).collect::<Vec<_>>());
}
