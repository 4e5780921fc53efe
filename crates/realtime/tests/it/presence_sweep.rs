//! A dead instance's members leave: their leases run out, an instance's sweep takes
//! them, and every watcher of the channel is told `leave` (the listing shrinks); a
//! member whose instance lives (renewing its lease) outlasts several leases. Two
//! instances sweeping at once tell each leave once. The clock is driven.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use imagegen_application::Channel;
use imagegen_application::ports::{ManualClock, PresenceMember};
use imagegen_domain::GenerationId;
use imagegen_memory::MemoryPresence;
use imagegen_realtime::presence::{PRESENCE_LEASE, PresenceTracker};
use imagegen_realtime::{Delivery, session_events};
use uuid::Uuid;

use crate::caller;

fn member() -> PresenceMember {
    PresenceMember {
        connection_id: Uuid::new_v4(),
        user_id: caller().user_id,
    }
}

/// The presence messages a watcher got within `wait`.
async fn told(
    watcher: &mut (impl futures::Stream<Item = Delivery> + Unpin),
    wait: Duration,
) -> Vec<String> {
    let mut seen = Vec::new();
    while let Ok(Some(delivery)) = tokio::time::timeout(wait, watcher.next()).await {
        if let Some(message) = delivery.ephemeral_message() {
            seen.push(format!(
                "{} {}",
                message["type"].as_str().unwrap_or("?"),
                message["user_id"].as_str().unwrap_or("?")
            ));
        }
    }
    seen
}

#[tokio::test]
async fn a_dead_instances_member_leaves_after_its_lease_and_a_live_one_stays() {
    let (store, bus, hub) = crate::memory_hub().await;
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let registry = Arc::new(MemoryPresence::with_clock(clock.clone()));
    // Two instances on one registry and one bus.
    let (first, second) = (
        PresenceTracker::new(registry.clone(), bus.clone()),
        PresenceTracker::new(registry, bus.clone()),
    );
    let channel = Channel::Generation(GenerationId::new());
    let mut watcher = Box::pin(
        session_events(&hub, store, vec![channel], None)
            .await
            .unwrap(),
    );
    let (dead, live) = (member(), member());
    first.join(&channel, dead).await.unwrap();
    second.join(&channel, live).await.unwrap();
    assert_eq!(
        told(&mut watcher, Duration::from_millis(300)).await.len(),
        2,
        "two joins"
    );

    // The first instance dies: nothing renews `dead`. The second renews `live` a third
    // of a lease at a time, through three leases, sweeping as instances do.
    let mut left = Vec::new();
    for _ in 0..9 {
        clock.advance(PRESENCE_LEASE / 3);
        second.renew(&channel, live).await.unwrap();
        let (a, b) = tokio::join!(first.sweep(), second.sweep());
        a.unwrap();
        b.unwrap();
        left.extend(told(&mut watcher, Duration::from_millis(100)).await);
    }
    assert_eq!(
        left,
        vec![format!("leave {}", dead.user_id)],
        "one leave, for the dead member only"
    );
    let listed = second.members(&channel).await.unwrap();
    let users: Vec<&str> = listed["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["user_id"].as_str())
        .collect();
    assert_eq!(
        users,
        vec![live.user_id.to_string()],
        "the listing shrank to the live member"
    );
}
