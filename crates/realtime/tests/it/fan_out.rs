//! The hub's index: an event goes to the subscribers of its channels only, once each
//! even when they watch several of its channels, and a dropped subscription leaves the
//! index.

use std::time::Duration;

use futures::FutureExt;
use imagegen_application::Channel;
use imagegen_application::ports::{BusMessage, GenerationRepository};
use imagegen_realtime::hub::Received;

use crate::{apply, caller, generation_of, publish_all};

#[tokio::test]
async fn an_event_reaches_the_watchers_of_its_channels_only_once_each() {
    let (store, bus, hub) = crate::memory_hub().await;
    let (alice, bob) = (caller(), caller());
    let mut g = generation_of(&alice);
    let mut both = hub.subscribe(&[Channel::User(alice.user_id), Channel::Generation(g.id())]);
    let mut org = hub.subscribe(&[Channel::Organization(alice.organization_id)]);
    let mut other = hub.subscribe(&[Channel::User(bob.user_id), Channel::System]);
    assert_eq!(hub.connections(), 3);

    store.create(&g, &[]).await.unwrap();
    apply(&store, &mut g, imagegen_domain::ProviderStatus::Starting).await;
    publish_all(&store, &bus, 0).await;
    for subscription in [&mut both, &mut org] {
        let got = tokio::time::timeout(Duration::from_secs(5), subscription.recv())
            .await
            .unwrap()
            .unwrap();
        let Received::Message(got) = got else {
            panic!("nothing was missed: {got:?}");
        };
        assert!(matches!(&got.bus, BusMessage::Event(e) if e.envelope.aggregate_id == g.id()));
    }
    // The hub hands a message to every watcher in one step: by now all had theirs.
    assert!(
        both.recv().now_or_never().is_none(),
        "once, not once per channel"
    );
    assert!(
        other.recv().now_or_never().is_none(),
        "nothing for another user's channel"
    );

    drop((both, org));
    assert_eq!(hub.connections(), 1);
}
