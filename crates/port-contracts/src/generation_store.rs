//! Contract of `GenerationRepository` together with `EventStore`: a save and its events
//! are one step, and events read back in commit order.

use std::time::Duration;

use imagegen_application::Channel;
use imagegen_application::ports::StoreError;
use imagegen_application::ports::{EventStore, GenerationRepository, StreamPosition};
use imagegen_domain::GenerationStatus;

use imagegen_domain::Generation;

use crate::fixtures::{advance, generation, generation_of};

async fn save_moves(store: &impl GenerationRepository, generation: &mut Generation) {
    let events = generation.take_events();
    store.save(generation, &events, &[]).await.unwrap();
}

/// The rule: A created generation reads back unchanged.
pub async fn a_created_generation_reads_back_unchanged(
    store: &(impl GenerationRepository + EventStore),
) {
    let created = generation();
    store.create(&created, &[]).await.unwrap();
    assert_eq!(store.get(created.id()).await.unwrap(), Some(created));
}

/// The rule: Creating the same id twice is a conflict.
pub async fn creating_the_same_id_twice_is_a_conflict(
    store: &(impl GenerationRepository + EventStore),
) {
    let created = generation();
    store.create(&created, &[]).await.unwrap();
    let err = store.create(&created, &[]).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
}

/// The rule: A save stores the state and appends its events.
pub async fn a_save_stores_the_state_and_appends_its_events(
    store: &(impl GenerationRepository + EventStore),
) {
    let mut g = generation();
    store.create(&g, &[]).await.unwrap();
    advance(&mut g);
    let events = g.take_events();
    store.save(&g, &events, &[]).await.unwrap();

    let loaded = store.get(g.id()).await.unwrap().unwrap();
    assert_eq!(loaded.status(), GenerationStatus::Processing);
    assert_eq!(loaded.version(), 2);
    let read = store
        .read_after(StreamPosition::START, &[Channel::Generation(g.id())], 10)
        .await
        .unwrap();
    let read: Vec<_> = read.into_iter().map(|e| e.envelope).collect();
    assert_eq!(read, events);
}

/// The rule: A stale save is a conflict and writes nothing.
pub async fn a_stale_save_is_a_conflict_and_writes_nothing(
    store: &(impl GenerationRepository + EventStore),
) {
    let mut g = generation();
    store.create(&g, &[]).await.unwrap();
    let mut rival = g.clone();
    advance(&mut rival);
    let rival_events = rival.take_events();
    store.save(&rival, &rival_events, &[]).await.unwrap();

    advance(&mut g);
    let events = g.take_events();
    let err = store.save(&g, &events, &[]).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    let read = store
        .read_after(StreamPosition::START, &[Channel::Generation(g.id())], 10)
        .await
        .unwrap();
    assert_eq!(read.len(), rival_events.len());
    let stored = store.get(g.id()).await.unwrap().unwrap();
    assert_eq!(stored, rival, "the stale save changed the stored state");
}

/// The rule: Positions increase in commit order.
pub async fn positions_increase_in_commit_order(store: &(impl GenerationRepository + EventStore)) {
    let mut first = generation();
    let mut second = generation();
    store.create(&first, &[]).await.unwrap();
    store.create(&second, &[]).await.unwrap();
    advance(&mut second);
    save_moves(store, &mut second).await;
    advance(&mut first);
    save_moves(store, &mut first).await;

    let all = store
        .read_after(StreamPosition::START, &[], 100)
        .await
        .unwrap();
    let ours: Vec<_> = all
        .iter()
        .filter(|e| e.envelope.aggregate_id == first.id() || e.envelope.aggregate_id == second.id())
        .collect();
    assert_eq!(ours.len(), 4);
    assert!(ours.windows(2).all(|w| w[0].position < w[1].position));
    assert_eq!(ours[0].envelope.aggregate_id, second.id());
    assert_eq!(ours[3].envelope.aggregate_id, first.id());
}

/// The rule: Reading after a position skips what came before.
pub async fn reading_after_a_position_skips_what_came_before(
    store: &(impl GenerationRepository + EventStore),
) {
    let mut g = generation();
    store.create(&g, &[]).await.unwrap();
    advance(&mut g);
    save_moves(store, &mut g).await;
    let channel = [Channel::Generation(g.id())];
    let all = store
        .read_after(StreamPosition::START, &channel, 10)
        .await
        .unwrap();
    let rest = store
        .read_after(all[0].position, &channel, 10)
        .await
        .unwrap();
    assert_eq!(rest, all[1..]);
}

/// The rule: Channels filter events by user.
pub async fn channels_filter_events_by_user(store: &(impl GenerationRepository + EventStore)) {
    let mut mine = generation();
    let mut theirs = generation();
    for g in [&mut mine, &mut theirs] {
        store.create(g, &[]).await.unwrap();
        advance(g);
        save_moves(store, g).await;
    }
    let read = store
        .read_after(StreamPosition::START, &[Channel::User(mine.user_id())], 100)
        .await
        .unwrap();
    assert_eq!(read.len(), 2);
    assert!(read.iter().all(|e| e.envelope.user_id == mine.user_id()));
}

/// The rule: A waiter wakes when an event is appended.
pub async fn a_waiter_wakes_when_an_event_is_appended(
    store: &(impl GenerationRepository + EventStore),
) {
    let mut g = generation();
    store.create(&g, &[]).await.unwrap();
    let after = store.latest_position().await.unwrap();
    advance(&mut g);
    let events = g.take_events();
    // The waiter is already waiting when the event is appended.
    let waiting = store.wait_for_events(after, Duration::from_secs(60));
    let append = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        store.save(&g, &events, &[]).await.unwrap();
    };
    tokio::time::timeout(Duration::from_secs(10), async {
        tokio::join!(waiting, append)
    })
    .await
    .expect("wait_for_events did not wake when an event was appended");
    assert!(store.latest_position().await.unwrap() > after);
}

/// The rule: A user's list is newest first and pages by cursor.
pub async fn a_users_list_is_newest_first_and_pages_by_cursor(
    store: &(impl GenerationRepository + EventStore),
) {
    let first = generation();
    let second = generation_of(first.user_id());
    let third = generation_of(first.user_id());
    for g in [&first, &second, &third, &generation()] {
        store.create(g, &[]).await.unwrap();
    }
    let page = store.list_for_user(first.user_id(), None, 2).await.unwrap();
    assert_eq!(
        page.iter().map(|g| g.id()).collect::<Vec<_>>(),
        [third.id(), second.id()]
    );
    let next = store
        .list_for_user(first.user_id(), Some(second.id()), 2)
        .await
        .unwrap();
    assert_eq!(
        next.iter().map(|g| g.id()).collect::<Vec<_>>(),
        [first.id()]
    );
}

/// The rule: The relay checkpoint only moves forward.
pub async fn the_relay_checkpoint_only_moves_forward(
    store: &(impl GenerationRepository + EventStore),
) {
    store
        .save_relay_checkpoint(StreamPosition(5))
        .await
        .unwrap();
    store
        .save_relay_checkpoint(StreamPosition(3))
        .await
        .unwrap();
    assert_eq!(store.relay_checkpoint().await.unwrap(), StreamPosition(5));
}

/// The rule: The latest position is that of the newest event.
pub async fn the_latest_position_is_that_of_the_newest_event(
    store: &(impl GenerationRepository + EventStore),
) {
    let mut g = generation();
    store.create(&g, &[]).await.unwrap();
    advance(&mut g);
    save_moves(store, &mut g).await;
    let all = store
        .read_after(StreamPosition::START, &[], usize::MAX)
        .await
        .unwrap();
    assert_eq!(
        store.latest_position().await.unwrap(),
        all.last().unwrap().position
    );
}
