//! Stream positions follow commit order, even when saves overlap: a reader that
//! checkpoints between two commits still sees every event once, in position order.

use std::time::Duration;

use imagegen_application::Channel;
use imagegen_application::ports::{EventStore, GenerationRepository, StoredEvent, StreamPosition};
use imagegen_domain::Generation;
use imagegen_port_contracts::fixtures::{advance, generation};

use crate::test_store;

async fn created(store: &crate::TestStore) -> Generation {
    let g = generation();
    store.generations().create(&g, &[]).await.unwrap();
    g
}

async fn read_all(store: &crate::TestStore, after: StreamPosition) -> Vec<StoredEvent> {
    store
        .generations()
        .read_after(after, &[], 1000)
        .await
        .unwrap()
}

/// Moves `generation` and saves it in a transaction left open, as a save in flight.
pub async fn save_left_open(
    store: &crate::TestStore,
    generation: &mut Generation,
) -> sqlx::Transaction<'static, sqlx::Postgres> {
    advance(generation);
    let events = generation.take_events();
    let mut open = store.pool().begin().await.unwrap();
    store
        .save_in(&mut open, generation, &events, &[])
        .await
        .unwrap();
    open
}

/// Waits until the racing save has finished, or waits for the event-append lock.
async fn until_settled(store: &crate::TestStore, racer: &tokio::task::JoinHandle<impl Sized>) {
    for _ in 0..1000 {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
        )
        .fetch_one(store.pool())
        .await
        .unwrap();
        if waiting > 0 || racer.is_finished() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the racing save neither finished nor waited");
}

#[tokio::test]
async fn a_reader_polling_while_two_saves_overlap_sees_every_event_once_in_order() {
    let store = test_store().await;
    let (mut first, mut second) = (created(&store).await, created(&store).await);
    let start = store.generations().latest_position().await.unwrap();

    // The first save is in flight: its events are written, its transaction open.
    let open = save_left_open(&store, &mut first).await;
    // A second save starts later; with positions from a plain sequence it would
    // commit first, with larger positions.
    advance(&mut second);
    let second_events = second.take_events();
    let racer = store.store.clone();
    let second_save =
        tokio::spawn(async move { racer.generations().save(&second, &second_events, &[]).await });
    until_settled(&store, &second_save).await;

    // A reader polls now and keeps its checkpoint, then polls again after both commit.
    let early = read_all(&store, start).await;
    let checkpoint = early.last().map_or(start, |e| e.position);
    open.commit().await.unwrap();
    second_save.await.unwrap().unwrap();
    let late = read_all(&store, checkpoint).await;

    let seen: Vec<_> = early.iter().chain(&late).collect();
    let mut ids: Vec<_> = seen.iter().map(|e| e.envelope.event_id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids.len(),
        4,
        "every event once: early {early:?} late {late:?}"
    );
    assert_eq!(seen.len(), 4, "no event twice");
    assert!(seen.windows(2).all(|w| w[0].position < w[1].position));
    assert!(
        seen[..2]
            .iter()
            .all(|e| e.envelope.aggregate_id == first.id())
    );
}

#[tokio::test]
async fn a_rolled_back_save_leaves_no_event_and_does_not_stall_readers() {
    let store = test_store().await;
    let (mut first, mut second) = (created(&store).await, created(&store).await);
    let start = store.generations().latest_position().await.unwrap();
    save_left_open(&store, &mut first)
        .await
        .rollback()
        .await
        .unwrap();
    advance(&mut second);
    let second_events = second.take_events();
    store
        .generations()
        .save(&second, &second_events, &[])
        .await
        .unwrap();

    let seen = read_all(&store, start).await;
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|e| e.envelope.aggregate_id == second.id()));
    let for_first = store
        .generations()
        .read_after(start, &[Channel::Generation(first.id())], 10)
        .await
        .unwrap();
    assert!(for_first.is_empty());
    assert_eq!(
        store.generations().latest_position().await.unwrap(),
        seen[1].position
    );
}
