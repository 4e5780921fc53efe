//! Contract of `GenerationRepository` with the `JobQueue` its saves reach: the jobs of
//! a move are queued if and only if the move is saved.

use std::time::Duration;

use imagegen_application::ports::StoreError;
use imagegen_application::ports::{EventStore, GenerationRepository, JobQueue, NewJob, QueueName};

use crate::fixtures::{advance, generation};

fn job(key: &str) -> NewJob {
    NewJob::new(
        QueueName::ProviderSubmissions,
        serde_json::json!({ "key": key }),
    )
    .with_key(key)
}

async fn queued_keys(queue: &impl JobQueue) -> Vec<String> {
    let mut keys = Vec::new();
    while let Some(job) = queue
        .reserve(&QueueName::ALL, Duration::from_secs(30), Duration::ZERO)
        .await
        .unwrap()
    {
        keys.push(job.payload["key"].as_str().unwrap_or_default().to_owned());
    }
    keys.sort();
    keys
}

/// The rule: A create queues its jobs with it.
pub async fn a_create_queues_its_jobs_with_it(
    store: &(impl GenerationRepository + EventStore),
    queue: &impl JobQueue,
) {
    let g = generation();
    store.create(&g, &[job("submit-a")]).await.unwrap();
    assert_eq!(queued_keys(queue).await, ["submit-a"]);
}

/// The rule: A save queues its jobs and a conflicting one queues nothing.
pub async fn a_save_queues_its_jobs_and_a_conflicting_one_queues_nothing(
    store: &(impl GenerationRepository + EventStore),
    queue: &impl JobQueue,
) {
    let mut g = generation();
    store.create(&g, &[]).await.unwrap();
    let mut rival = g.clone();
    advance(&mut rival);
    let rival_events = rival.take_events();
    store
        .save(&rival, &rival_events, &[job("rival"), job("rival-2")])
        .await
        .unwrap();
    advance(&mut g);
    let events = g.take_events();
    let err = store.save(&g, &events, &[job("loser")]).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    assert_eq!(queued_keys(queue).await, ["rival", "rival-2"]);
}

/// The rule: A create of an existing id queues nothing.
pub async fn a_create_of_an_existing_id_queues_nothing(
    store: &(impl GenerationRepository + EventStore),
    queue: &impl JobQueue,
) {
    let g = generation();
    store.create(&g, &[job("first")]).await.unwrap();
    assert!(store.create(&g, &[job("second")]).await.is_err());
    assert_eq!(queued_keys(queue).await, ["first"]);
}
