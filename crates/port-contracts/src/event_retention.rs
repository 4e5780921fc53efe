//! Contract of the event store's retention: events that occurred before a cutoff are
//! deleted, the watermark says how far, and positions go on as before.

use imagegen_application::ports::{EventStore, GenerationRepository, StreamPosition};

use crate::fixtures::{advance, generation, now};

async fn saved_with_two_events(store: &(impl GenerationRepository + EventStore)) {
    let mut g = generation();
    store.create(&g, &[]).await.unwrap();
    advance(&mut g);
    let events = g.take_events();
    store.save(&g, &events, &[]).await.unwrap();
}

/// The rule: Events before the cutoff are pruned and the watermark says how far.
pub async fn events_before_the_cutoff_are_pruned_and_the_watermark_says_how_far(
    store: &(impl GenerationRepository + EventStore),
) {
    assert_eq!(store.pruned_through().await.unwrap(), StreamPosition::START);
    let start = store.latest_position().await.unwrap().0;
    saved_with_two_events(store).await;
    let cutoff = now();
    saved_with_two_events(store).await;

    assert_eq!(store.prune_before(cutoff).await.unwrap(), 2);
    assert_eq!(
        store.pruned_through().await.unwrap(),
        StreamPosition(start + 2)
    );
    let kept: Vec<u64> = store
        .read_after(StreamPosition::START, &[], 100)
        .await
        .unwrap()
        .iter()
        .map(|e| e.position.0)
        .collect();
    assert_eq!(kept, [start + 3, start + 4]);
    assert_eq!(
        store.latest_position().await.unwrap(),
        StreamPosition(start + 4)
    );
    saved_with_two_events(store).await;
    assert_eq!(
        store.latest_position().await.unwrap(),
        StreamPosition(start + 6),
        "positions go on after a prune"
    );
    assert_eq!(
        store.prune_before(cutoff).await.unwrap(),
        0,
        "nothing more is that old"
    );
    assert_eq!(
        store.pruned_through().await.unwrap(),
        StreamPosition(start + 2)
    );
}
