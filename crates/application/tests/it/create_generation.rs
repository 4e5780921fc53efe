//! Creating a generation: validated, saved pending, submission queued; bad input
//! changes nothing.

use std::sync::Arc;

use imagegen_application::EnabledProviders;
use imagegen_application::Error;
use imagegen_application::ports::QueueAdmin as _;
use imagegen_application::ports::{
    GenerationRepository, ManualClock, MockGenerationRepository, QueueName, SystemClock,
};
use imagegen_application::use_cases::{CreateGeneration, CreateGenerationCommand};
use imagegen_domain::{GenerationStatus, ProviderName, SettingsInput};
use imagegen_memory::{MemoryGenerationStore, MemoryJobQueue};

use crate::{caller, take};

fn command(prompt: &str) -> CreateGenerationCommand {
    CreateGenerationCommand {
        prompt: prompt.into(),
        settings: SettingsInput::default(),
        idempotency_key: None,
    }
}

#[tokio::test]
async fn a_valid_request_is_saved_pending_and_its_submission_queued() {
    let queue = Arc::new(MemoryJobQueue::new());
    let store = Arc::new(MemoryGenerationStore::new(queue.clone()));
    let create = CreateGeneration::new(
        imagegen_memory::creation_ports(store.clone(), Arc::new(SystemClock)),
        EnabledProviders::only(ProviderName::Simulator),
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
    let queue = Arc::new(MemoryJobQueue::new());
    let store = Arc::new(MemoryGenerationStore::new(queue.clone()));
    let create = CreateGeneration::new(
        imagegen_memory::creation_ports(store.clone(), Arc::new(SystemClock)),
        EnabledProviders::only(ProviderName::Simulator),
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
        idempotency_key: None,
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
            .counts(QueueName::ProviderSubmissions)
            .await
            .unwrap()
            .waiting,
        0
    );
}

#[tokio::test]
async fn when_the_store_is_down_the_request_fails_and_nothing_is_queued() {
    let mut repository = MockGenerationRepository::new();
    // The in-flight limit reads before the write.
    repository.expect_count_in_flight().returning(|_| Ok(0));
    repository
        .expect_create()
        .times(1)
        .withf(|_, jobs| jobs.len() == 1 && jobs[0].queue == QueueName::ProviderSubmissions)
        .returning(|_, _| Err(Error::unavailable("database", "connection refused").into()));
    let create = CreateGeneration::new(
        imagegen_memory::creation_ports(Arc::new(repository), Arc::new(SystemClock)),
        EnabledProviders::only(ProviderName::Simulator),
    );
    let err = create
        .execute(&caller(), command("a fox"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
}

/// An `Idempotency-Key` holds for 24 hours on the use case's clock: a repeat at 23 h
/// gets the first generation, one at 25 h makes a new one.
#[tokio::test]
async fn a_key_is_honoured_for_a_day_and_then_makes_a_new_generation() {
    let queue = Arc::new(MemoryJobQueue::new());
    let store = Arc::new(MemoryGenerationStore::new(queue.clone()));
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let create = CreateGeneration::new(
        imagegen_memory::creation_ports(store.clone(), clock.clone()),
        EnabledProviders::only(ProviderName::Simulator),
    );
    let keyed = || CreateGenerationCommand {
        idempotency_key: Some("order-42".into()),
        ..command("a fox")
    };
    let who = caller();
    let first = create.execute(&who, keyed()).await.unwrap();
    clock.advance(std::time::Duration::from_secs(23 * 3600));
    let repeat = create.execute(&who, keyed()).await.unwrap();
    assert_eq!(repeat.id(), first.id(), "within the day: the first answer");
    clock.advance(std::time::Duration::from_secs(2 * 3600));
    let later = create.execute(&who, keyed()).await.unwrap();
    assert_ne!(later.id(), first.id(), "after the day: a new generation");
    let submissions = queue.counts(QueueName::ProviderSubmissions).await.unwrap();
    assert_eq!(submissions.waiting, 2, "two generations, two submissions");
}
