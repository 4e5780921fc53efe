//! Announcements (`SystemBroadcast`) reach the sessions that watch `system`, between
//! their events, and no other session.

use std::time::Duration;

use futures::StreamExt;
use imagegen_application::Channel;
use imagegen_application::ports::{EventBus, GenerationRepository};
use imagegen_realtime::{Delivery, session_events};
use serde_json::json;

use crate::{apply, caller, generation_of, publish_all};

async fn next(session: &mut (impl futures::Stream<Item = Delivery> + Unpin)) -> Delivery {
    tokio::time::timeout(Duration::from_secs(5), session.next())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn an_announcement_reaches_system_sessions_only() {
    let (store, bus, hub) = crate::memory_hub().await;
    let alice = caller();
    let watching = |channels: Vec<Channel>| session_events(&hub, store.clone(), channels, None);
    let mut system = Box::pin(
        watching(vec![Channel::System, Channel::User(alice.user_id)])
            .await
            .unwrap(),
    );
    let mut own = Box::pin(watching(vec![Channel::User(alice.user_id)]).await.unwrap());

    let announcement = json!({ "event_type": "SystemBroadcast", "payload": { "message": "hi" } });
    bus.announce("system", &announcement).await.unwrap();
    let mut g = generation_of(&alice);
    store.create(&g, &[]).await.unwrap();
    apply(&store, &mut g, imagegen_domain::ProviderStatus::Starting).await;
    publish_all(&store, &bus, 0).await;

    let first = next(&mut system).await;
    assert!(matches!(
        first,
        Delivery::Ephemeral {
            channel: Channel::System,
            ..
        }
    ));
    assert_eq!(first.ephemeral_message(), Some(&announcement));
    assert!(matches!(next(&mut system).await, Delivery::Event(_)));
    assert!(
        matches!(next(&mut own).await, Delivery::Event(_)),
        "a session without `system` skips the announcement"
    );
}
