//! Creating a generation: validated, saved pending, submission queued; bad input
//! changes nothing.

use std::sync::Arc;

use imagegen_application::Error;
use imagegen_application::ports::{GenerationRepository, JobQueue, QueueName, SystemClock};
use imagegen_application::use_cases::{CreateGeneration, CreateGenerationCommand};
use imagegen_domain::{GenerationStatus, ProviderName, SettingsInput};
use imagegen_memory::{MemoryGenerationStore, MemoryJobQueue};

use crate::{FlakyQueue, caller, take};

fn command(prompt: &str) -> CreateGenerationCommand {
    CreateGenerationCommand {
        prompt: prompt.into(),
        settings: SettingsInput::default(),
    }
}

#[tokio::test]
async fn a_valid_request_is_saved_pending_and_its_submission_queued() {
    let (store, queue) = (
        Arc::new(MemoryGenerationStore::new()),
        Arc::new(MemoryJobQueue::new()),
    );
    let create = CreateGeneration::new(
        store.clone(),
        queue.clone(),
        Arc::new(SystemClock),
        ProviderName::Simulator,
    );
    let generation = create.execute(&caller(), command("a fox")).await.unwrap();
    assert_eq!(generation.status(), GenerationStatus::Pending);
    assert_eq!(
        store.get(generation.id()).await.unwrap(),
        Some(generation.clone())
    );
    let job = take(queue.as_ref(), QueueName::ProviderSubmissions).await;
    assert_eq!(job.payload["generation_id"], generation.id().to_string());
}

#[tokio::test]
async fn bad_input_is_refused_and_nothing_is_saved_or_queued() {
    let (store, queue) = (
        Arc::new(MemoryGenerationStore::new()),
        Arc::new(MemoryJobQueue::new()),
    );
    let create = CreateGeneration::new(
        store.clone(),
        queue.clone(),
        Arc::new(SystemClock),
        ProviderName::Simulator,
    );
    let who = caller();
    assert!(matches!(
        create.execute(&who, command("  ")).await,
        Err(Error::Prompt(_))
    ));
    let bad_size = CreateGenerationCommand {
        prompt: "x".into(),
        settings: SettingsInput {
            size: Some("1x1".into()),
            ..SettingsInput::default()
        },
    };
    assert!(matches!(
        create.execute(&who, bad_size).await,
        Err(Error::Settings(_))
    ));
    assert!(
        store
            .list_for_user(who.user_id, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        queue
            .stats(QueueName::ProviderSubmissions)
            .await
            .unwrap()
            .waiting,
        0
    );
}

#[tokio::test]
async fn when_the_queue_is_down_the_generation_is_failed_not_left_pending() {
    let store = Arc::new(MemoryGenerationStore::new());
    let create = CreateGeneration::new(
        store.clone(),
        FlakyQueue::failing(1),
        Arc::new(SystemClock),
        ProviderName::Simulator,
    );
    let who = caller();
    let err = create.execute(&who, command("a fox")).await.unwrap_err();
    assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
    let saved = store.list_for_user(who.user_id, None, 10).await.unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].status(), GenerationStatus::Failed);
    assert_eq!(saved[0].error().unwrap().code, "queue_unavailable");
}
