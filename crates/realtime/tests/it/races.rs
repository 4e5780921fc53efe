//! Sessions under pressure: a session that falls behind the hub catches up from the
//! store (and is seen to); an event committed right after a new session read its
//! starting position is sent once; a store that fails ends the stream.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use futures::StreamExt;
use imagegen_application::ports::{EventStore, GenerationRepository, StoredEvent, StreamPosition};
use imagegen_application::{Channel, Error, Result};
use imagegen_domain::{Generation, ProviderStatus};
use imagegen_memory::{MemoryEventBus, MemoryGenerationStore};
use imagegen_realtime::{Hub, session_events};
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use crate::{apply, caller, generation_of, publish_all};

/// The memory store, counting reads, failing them on demand, and able to commit a
/// move right after answering `latest_position` (a commit racing a new session).
struct Instrumented {
    inner: Arc<MemoryGenerationStore>,
    reads: AtomicUsize,
    fail_reads: AtomicBool,
    commit_after_latest: Mutex<Option<Generation>>,
}

impl Instrumented {
    fn new(inner: Arc<MemoryGenerationStore>) -> Arc<Self> {
        Arc::new(Self {
            inner,
            reads: AtomicUsize::new(0),
            fail_reads: AtomicBool::new(false),
            commit_after_latest: Mutex::new(None),
        })
    }
}

#[async_trait]
impl EventStore for Instrumented {
    async fn read_after(
        &self,
        after: StreamPosition,
        channels: &[Channel],
        limit: usize,
    ) -> Result<Vec<StoredEvent>> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        if self.fail_reads.load(Ordering::SeqCst) {
            return Err(Error::unavailable("event store", "connection reset"));
        }
        self.inner.read_after(after, channels, limit).await
    }
    async fn latest_position(&self) -> Result<StreamPosition> {
        let latest = self.inner.latest_position().await?;
        if let Some(mut generation) = self.commit_after_latest.lock().await.take() {
            apply(&self.inner, &mut generation, ProviderStatus::Processing).await;
        }
        Ok(latest)
    }
    async fn wait_for_events(&self, after: StreamPosition, max_wait: Duration) {
        self.inner.wait_for_events(after, max_wait).await;
    }
    async fn relay_checkpoint(&self) -> Result<StreamPosition> {
        self.inner.relay_checkpoint().await
    }
    async fn save_relay_checkpoint(&self, position: StreamPosition) -> Result<()> {
        self.inner.save_relay_checkpoint(position).await
    }
    async fn prune_before(&self, cutoff: chrono::DateTime<chrono::Utc>) -> Result<u64> {
        self.inner.prune_before(cutoff).await
    }
    async fn pruned_through(&self) -> Result<StreamPosition> {
        self.inner.pruned_through().await
    }
}

/// A memory store, its instrumented view, a bus and a hub on it.
async fn setup() -> (
    Arc<MemoryGenerationStore>,
    Arc<MemoryEventBus>,
    Arc<Instrumented>,
    Arc<Hub>,
) {
    let (inner, bus) = (
        Arc::new(MemoryGenerationStore::default()),
        Arc::new(MemoryEventBus::new()),
    );
    let hub = Hub::start(bus.clone(), CancellationToken::new())
        .await
        .unwrap();
    (inner.clone(), bus, Instrumented::new(inner), hub)
}

#[tokio::test]
async fn a_session_that_falls_behind_catches_up_from_the_store_without_loss() {
    let (inner, bus, store, hub) = setup().await;
    let alice = caller();
    let session = session_events(
        &hub,
        store.clone(),
        vec![Channel::User(alice.user_id)],
        None,
    )
    .await
    .unwrap()
    .filter_map(crate::only_events);
    // A probe of the same channel, never read, shows when the hub overran a queue.
    let probe = hub.subscribe(&[Channel::User(alice.user_id)]);
    let total = 1_500;
    for _ in 0..total {
        let mut g = generation_of(&alice);
        inner.create(&g, &[]).await.unwrap();
        apply(&inner, &mut g, ProviderStatus::Starting).await;
    }
    publish_all(&inner, &bus, 0).await;
    for _ in 0..3000 {
        if probe.has_lagged() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        probe.has_lagged(),
        "the hub never overran a connection's buffer"
    );
    assert_eq!(store.reads.load(Ordering::SeqCst), 0);
    let received: Vec<_> = tokio::time::timeout(
        Duration::from_secs(30),
        session.take(total).collect::<Vec<_>>(),
    )
    .await
    .expect("the session stalled");
    let positions: Vec<u64> = received.iter().map(|e| e.position.0).collect();
    assert_eq!(positions, (1..=total as u64).collect::<Vec<_>>());
    assert!(
        store.reads.load(Ordering::SeqCst) > 0,
        "it lagged but never read the store"
    );
}

#[tokio::test]
async fn an_event_committed_right_after_a_new_session_starts_is_sent_once() {
    let (inner, bus, store, hub) = setup().await;
    let alice = caller();
    let mut g = generation_of(&alice);
    inner.create(&g, &[]).await.unwrap();
    apply(&inner, &mut g, ProviderStatus::Starting).await;
    let before = inner.latest_position().await.unwrap();
    *store.commit_after_latest.lock().await = Some(g);
    let session = session_events(
        &hub,
        store.clone(),
        vec![Channel::User(alice.user_id)],
        None,
    )
    .await
    .unwrap()
    .filter_map(crate::only_events);
    let mut session = Box::pin(session);
    // The racing commit reaches the bus (twice, as an at-least-once relay may).
    publish_all(&inner, &bus, before.0).await;
    publish_all(&inner, &bus, before.0).await;
    let first = tokio::time::timeout(Duration::from_secs(10), session.next())
        .await
        .expect("the racing event was lost")
        .unwrap();
    assert_eq!(first.position, StreamPosition(before.0 + 1));
    // The next event the session sends is a later one, not the racing one again.
    let mut later = generation_of(&alice);
    inner.create(&later, &[]).await.unwrap();
    apply(&inner, &mut later, ProviderStatus::Starting).await;
    publish_all(&inner, &bus, first.position.0).await;
    let next = tokio::time::timeout(Duration::from_secs(10), session.next())
        .await
        .expect("the later event was lost")
        .unwrap();
    assert_eq!(
        next.envelope.aggregate_id,
        later.id(),
        "the racing event was sent twice"
    );
}

#[tokio::test]
async fn a_store_that_fails_while_catching_up_ends_the_stream() {
    let (_, _, store, hub) = setup().await;
    store.fail_reads.store(true, Ordering::SeqCst);
    let alice = caller();
    let session = session_events(
        &hub,
        store.clone(),
        vec![Channel::User(alice.user_id)],
        Some(StreamPosition(0)),
    )
    .await
    .unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(10), session.collect::<Vec<_>>())
        .await
        .expect("the stream did not end");
    assert!(ended.is_empty());
    assert_eq!(store.reads.load(Ordering::SeqCst), 1);
}
