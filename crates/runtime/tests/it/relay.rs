//! `EventRelay::run`: events committed while it runs reach the bus in position order,
//! and it stops when shutdown is asked; a relay of this process starts after what was
//! already committed.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use imagegen_application::ports::QueueAdmin as _;
use imagegen_application::ports::{BusMessage, EventBus, GenerationRepository};
use imagegen_domain::{
    DeliveryMode, ExternalId, Generation, GenerationId, GenerationSettings, NewGeneration,
    OrganizationId, Prompt, ProviderName, UserId,
};
use imagegen_memory::{MemoryEventBus, MemoryGenerationStore};
use imagegen_runtime::EventRelay;
use tokio_util::sync::CancellationToken;

fn pending_generation() -> Generation {
    Generation::create(
        NewGeneration {
            id: GenerationId::new(),
            user_id: UserId::from_uuid(uuid::Uuid::new_v4()),
            organization_id: OrganizationId::from_uuid(uuid::Uuid::new_v4()),
            prompt: Prompt::parse("relayed").unwrap(),
            settings: GenerationSettings::default(),
            provider: ProviderName::Simulator,
            delivery_mode: DeliveryMode::Webhook,
        },
        chrono::Utc::now(),
    )
}

async fn submit(store: &MemoryGenerationStore, generation: &mut Generation, id: &str) {
    let now = chrono::Utc::now();
    generation
        .record_submission(ExternalId::parse(id).unwrap(), now)
        .unwrap();
    let events = generation.take_events();
    store.save(generation, &events, &[]).await.unwrap();
}

#[tokio::test]
async fn the_run_loop_publishes_new_commits_in_order_and_stops_on_shutdown() {
    let (store, bus) = (
        Arc::new(MemoryGenerationStore::default()),
        Arc::new(MemoryEventBus::new()),
    );
    // Committed before the relay starts: not this process's relay's to publish.
    let mut old = pending_generation();
    store.create(&old, &[]).await.unwrap();
    submit(&store, &mut old, "p-old").await;
    let mut subscription = bus.subscribe().await.unwrap();
    let relay = EventRelay::for_this_process(store.clone(), bus.clone())
        .await
        .unwrap();
    let shutdown = CancellationToken::new();
    let running = tokio::spawn(relay.run(shutdown.clone()));

    let mut fresh = Vec::new();
    for n in 0..3 {
        let mut g = pending_generation();
        store.create(&g, &[]).await.unwrap();
        submit(&store, &mut g, &format!("p{n}")).await;
        fresh.push(g.id());
    }
    let mut published = Vec::new();
    while published.len() < fresh.len() {
        let message = tokio::time::timeout(Duration::from_secs(10), subscription.next())
            .await
            .expect("the relay did not publish a new commit")
            .unwrap();
        if let BusMessage::Event(event) = message {
            published.push(event);
        }
    }
    let owners: Vec<_> = published.iter().map(|e| e.envelope.aggregate_id).collect();
    assert_eq!(
        owners, fresh,
        "in commit order, without the one from before the start"
    );
    assert!(published.windows(2).all(|w| w[0].position < w[1].position));

    shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(10), running)
        .await
        .expect("the relay did not stop")
        .unwrap();
}

#[tokio::test]
async fn a_schedule_queues_one_run_for_the_next_slot_whatever_the_workers_and_restarts() {
    use imagegen_application::ports::{JobQueue, NewJob, QueueName};
    let queue = Arc::new(imagegen_memory::MemoryJobQueue::new());
    let job = NewJob::new(QueueName::CleanupTasks, serde_json::json!({})).with_key("cleanup:test");
    let shutdown = CancellationToken::new();
    // Two workers run the same schedule, and a third starts later (a restart).
    let start = || {
        tokio::spawn(imagegen_runtime::schedule::every(
            queue.clone(),
            job.clone(),
            Duration::from_secs(3600),
            shutdown.clone(),
        ))
    };
    let mut runs = vec![start(), start()];
    let queued = || async {
        let stats = queue.counts(QueueName::CleanupTasks).await.unwrap();
        stats.waiting + stats.delayed + stats.active
    };
    for _ in 0..500 {
        if queued().await > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // A worker that restarts now queues the same slot's run: still one job.
    let slot = imagegen_runtime::schedule::next_slot(chrono::Utc::now(), Duration::from_secs(3600));
    let again = imagegen_runtime::schedule::for_slot(&job, slot);
    queue.enqueue(again).await.unwrap();
    runs.push(start());
    shutdown.cancel();
    for run in runs {
        run.await.unwrap();
    }
    let stats = queue.counts(QueueName::CleanupTasks).await.unwrap();
    assert_eq!(
        (stats.waiting, stats.delayed, stats.active),
        (0, 1, 0),
        "one run, due at the next slot"
    );
}
