//! Failures: transient provider errors are retried, rejections fail the generation,
//! panics dead-letter the job.

use std::sync::Arc;
use std::time::Duration;

use imagegen_application::EnabledProviders;
use imagegen_application::jobs::{JobHandler, SubmitGenerationHandler};
use imagegen_application::ports::QueueAdmin as _;
use imagegen_application::ports::{Clock, GenerationRepository, ManualClock, MockImageProvider};
use imagegen_application::use_cases::{CreateGeneration, CreateGenerationCommand};
use imagegen_application::{Caller, Role};
use imagegen_domain::{GenerationStatus, OrganizationId, ProviderName, UserId};
use imagegen_memory::{MemoryGenerationStore, MemoryJobQueue};
use imagegen_runtime::{JobOutcome, JobRunner, RunnerConfig};
use uuid::Uuid;

#[tokio::test]
async fn a_providers_retry_after_sets_the_retry_time_and_a_rejection_fails_the_generation() {
    let clock = Arc::new(ManualClock::new(
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 28, 12, 0, 0).unwrap(),
    ));
    let queue = Arc::new(MemoryJobQueue::with_clock(clock.clone()));
    let store = Arc::new(MemoryGenerationStore::new(queue.clone()));
    let mut provider = MockImageProvider::new();
    let mut calls = 0;
    provider.expect_submit().times(2).returning(move |_| {
        calls += 1;
        if calls == 1 {
            Err(imagegen_application::ports::ProviderError::Unavailable {
                message: "busy".into(),
                retry_after: Some(Duration::from_secs(7)),
            })
        } else {
            Err(imagegen_application::ports::ProviderError::Rejected {
                message: "422: version does not exist (internal ref 7f3a)".into(),
            })
        }
    });
    let handler: Arc<dyn JobHandler> = Arc::new(SubmitGenerationHandler::new(
        store.clone(),
        Arc::new(provider),
        clock.clone(),
        "http://api/webhooks",
    ));
    let runner = JobRunner::new(queue.clone(), vec![handler], RunnerConfig::default())
        .with_clock(clock.clone());
    let create = CreateGeneration::new(
        imagegen_memory::creation_ports(store.clone(), clock.clone()),
        EnabledProviders::only(ProviderName::Simulator),
    );
    let caller = Caller {
        user_id: UserId::from_uuid(Uuid::new_v4()),
        organization_id: OrganizationId::from_uuid(Uuid::new_v4()),
        role: Role::User,
    };
    let id = create
        .execute(
            &caller,
            CreateGenerationCommand {
                prompt: "x".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id();

    let asked_at = clock.now();
    assert_eq!(
        runner.execute_next(Duration::ZERO).await.unwrap(),
        Some(JobOutcome::Retrying {
            at: asked_at + chrono::Duration::seconds(7)
        }),
        "the retry is exactly the provider's Retry-After away"
    );
    clock.advance(Duration::from_millis(6_999));
    assert_eq!(runner.execute_next(Duration::ZERO).await.unwrap(), None);
    clock.advance(Duration::from_millis(1));
    assert_eq!(
        runner.execute_next(Duration::ZERO).await.unwrap(),
        Some(JobOutcome::Completed)
    );
    let generation = store.get(id).await.unwrap().unwrap();
    assert_eq!(generation.status(), GenerationStatus::Failed);
    let error = generation.error().unwrap();
    assert_eq!(error.code, "provider_rejected");
    assert!(
        !error.message.contains("7f3a") && !error.message.contains("422"),
        "the provider's text is logged, not shown: {}",
        error.message
    );
}

/// A handler that panics on every job.
struct Panicking;

#[async_trait::async_trait]
impl JobHandler for Panicking {
    fn queue(&self) -> imagegen_application::ports::QueueName {
        imagegen_application::ports::QueueName::CleanupTasks
    }
    async fn handle(
        &self,
        _job: &imagegen_application::ports::Job,
    ) -> imagegen_application::Result<()> {
        panic!("a bug in a handler");
    }
}

#[tokio::test]
async fn a_panicking_handler_dead_letters_its_job_and_the_runner_goes_on() {
    use imagegen_application::ports::{JobQueue, NewJob, QueueName};
    let queue = Arc::new(MemoryJobQueue::new());
    let runner = JobRunner::new(
        queue.clone(),
        vec![Arc::new(Panicking)],
        RunnerConfig::default(),
    );
    for n in 0..2 {
        queue
            .enqueue(NewJob::new(
                QueueName::CleanupTasks,
                serde_json::json!({ "n": n }),
            ))
            .await
            .unwrap();
    }
    for _ in 0..2 {
        let outcome = runner
            .execute_next(Duration::from_millis(100))
            .await
            .unwrap();
        assert!(
            matches!(outcome, Some(JobOutcome::DeadLettered { .. })),
            "{outcome:?}"
        );
    }
    assert_eq!(
        queue.dead(QueueName::CleanupTasks, 10).await.unwrap().len(),
        2
    );
}
