//! Sessions resume without gaps and without duplicates, and channel access is checked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod announcements;
mod express;
mod fan_out;
mod presence_sweep;
mod races;
mod slow;
mod sse_frames;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures::StreamExt;
use imagegen_application::ports::{EventBus, EventStore, GenerationRepository, StreamPosition};
use imagegen_application::{Caller, Channel, Error, Role};
use imagegen_domain::{
    DeliveryMode, ExternalId, Generation, GenerationId, GenerationSettings, NewGeneration,
    OrganizationId, Prompt, ProviderName, ProviderStatus, ProviderUpdate, UserId,
};
use imagegen_memory::{MemoryEventBus, MemoryGenerationStore};
use imagegen_realtime::{Delivery, Hub, authorize_channels, session_events};

use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// Keeps the stored events of a session (the tests watch no `system` channel).
pub async fn only_events(delivery: Delivery) -> Option<imagegen_application::ports::StoredEvent> {
    delivery.into_event()
}

/// A memory store and bus, and a hub on the bus.
pub async fn memory_hub() -> (Arc<MemoryGenerationStore>, Arc<MemoryEventBus>, Arc<Hub>) {
    let (store, bus) = (
        Arc::new(MemoryGenerationStore::default()),
        Arc::new(MemoryEventBus::new()),
    );
    let hub = Hub::start(bus.clone(), CancellationToken::new())
        .await
        .unwrap();
    (store, bus, hub)
}

pub fn caller() -> Caller {
    Caller {
        user_id: UserId::from_uuid(Uuid::new_v4()),
        organization_id: OrganizationId::from_uuid(Uuid::new_v4()),
        role: Role::User,
    }
}

pub fn generation_of(caller: &Caller) -> Generation {
    Generation::create(
        NewGeneration {
            id: GenerationId::new(),
            user_id: caller.user_id,
            organization_id: caller.organization_id,
            prompt: Prompt::parse("x").unwrap(),
            settings: GenerationSettings::default(),
            provider: ProviderName::Simulator,
            delivery_mode: DeliveryMode::Webhook,
        },
        Utc::now(),
    )
}

pub async fn apply(
    store: &MemoryGenerationStore,
    generation: &mut Generation,
    status: ProviderStatus,
) {
    let urls = if status == ProviderStatus::Succeeded {
        vec!["https://x/y.png".into()]
    } else {
        vec![]
    };
    let update = ProviderUpdate {
        external_id: ExternalId::parse("p").unwrap(),
        status,
        output_urls: urls,
        error: None,
    };
    if generation.external_id().is_none() {
        generation
            .record_submission(update.external_id.clone(), Utc::now())
            .unwrap();
    }
    generation
        .apply_provider_update(&update, Utc::now())
        .unwrap();
    let events = generation.take_events();
    store.save(generation, &events, &[]).await.unwrap();
}

pub async fn publish_all(store: &MemoryGenerationStore, bus: &MemoryEventBus, after: u64) {
    for event in store
        .read_after(StreamPosition(after), &[], usize::MAX)
        .await
        .unwrap()
    {
        bus.publish(&event).await.unwrap();
    }
}

#[tokio::test]
async fn a_resumed_session_sends_the_missed_events_then_live_ones_each_once() {
    let (store, bus) = (
        Arc::new(MemoryGenerationStore::default()),
        Arc::new(MemoryEventBus::new()),
    );
    let hub = Hub::start(bus.clone(), CancellationToken::new())
        .await
        .unwrap();
    let alice = caller();
    let mut g = generation_of(&alice);
    store.create(&g, &[]).await.unwrap();
    apply(&store, &mut g, ProviderStatus::Starting).await;
    apply(&store, &mut g, ProviderStatus::Processing).await;

    let channels = vec![Channel::User(alice.user_id)];
    let mut session = Box::pin(
        session_events(&hub, store.clone(), channels, Some(StreamPosition(1)))
            .await
            .unwrap()
            .filter_map(only_events),
    );
    let missed = tokio::time::timeout(Duration::from_secs(5), session.next())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(missed.position, StreamPosition(2));

    // The relay is at least once: everything, including what the session already
    // sent, reaches the hub; then a new move.
    publish_all(&store, &bus, 0).await;
    apply(&store, &mut g, ProviderStatus::Succeeded).await;
    publish_all(&store, &bus, 2).await;
    let live = tokio::time::timeout(Duration::from_secs(5), session.next())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(live.position, StreamPosition(3));
    assert_eq!(live.envelope.payload["status"], "storing");
}

#[tokio::test]
async fn a_session_only_sends_events_of_its_channels() {
    let (store, bus) = (
        Arc::new(MemoryGenerationStore::default()),
        Arc::new(MemoryEventBus::new()),
    );
    let hub = Hub::start(bus.clone(), CancellationToken::new())
        .await
        .unwrap();
    let (alice, bob) = (caller(), caller());
    let mut session = Box::pin(
        session_events(
            &hub,
            store.clone(),
            vec![Channel::User(alice.user_id)],
            None,
        )
        .await
        .unwrap()
        .filter_map(crate::only_events),
    );
    let (mut theirs, mut mine) = (generation_of(&bob), generation_of(&alice));
    for g in [&mut theirs, &mut mine] {
        store.create(g, &[]).await.unwrap();
        apply(&store, g, ProviderStatus::Starting).await;
    }
    publish_all(&store, &bus, 0).await;
    let event = tokio::time::timeout(Duration::from_secs(5), session.next())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(event.envelope.user_id, alice.user_id);
}

#[tokio::test]
async fn channels_of_others_are_forbidden_and_admins_may_watch_any() {
    let store = MemoryGenerationStore::default();
    let (alice, bob) = (caller(), caller());
    let g = generation_of(&alice);
    store.create(&g, &[]).await.unwrap();
    let own = [
        Channel::User(alice.user_id),
        Channel::Organization(alice.organization_id),
        Channel::Generation(g.id()),
        Channel::System,
    ];
    authorize_channels(&alice, &own, &store).await.unwrap();
    for channel in [
        Channel::User(alice.user_id),
        Channel::Organization(alice.organization_id),
        Channel::Generation(g.id()),
    ] {
        let err = authorize_channels(&bob, &[channel], &store)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Forbidden(_)), "{channel}");
    }
    let admin = Caller {
        role: Role::Admin,
        ..bob
    };
    authorize_channels(&admin, &own, &store).await.unwrap();
}
