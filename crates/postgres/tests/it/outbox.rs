//! The job outbox (distributed mode): jobs saved with a move wait in the outbox, in the
//! move's transaction, and the dispatcher moves each to the queue once; a queue that
//! refuses leaves them for the next round.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use imagegen_application::ports::QueueAdmin as _;
use imagegen_application::ports::{
    EnqueueOutcome, FailOutcome, GenerationRepository, Job, JobOutbox, JobQueue, NewJob, QueueName,
};
use imagegen_application::{Error, Result};
use imagegen_memory::MemoryJobQueue;
use imagegen_port_contracts::fixtures::generation;
use imagegen_postgres::{JobDestination, PgOptions, PgStore};
use imagegen_runtime::OutboxDispatcher;
use tokio_util::sync::CancellationToken;

async fn outbox_store() -> (Arc<PgStore>, imagegen_test_support::TestDatabase) {
    let db = imagegen_test_support::postgres().await;
    let options = PgOptions {
        job_destination: JobDestination::Outbox,
        ..PgOptions::default()
    };
    let store = PgStore::connect(&db.url, options).await.unwrap();
    store.migrate().await.unwrap();
    (Arc::new(store), db)
}

fn submit_job(n: u32) -> NewJob {
    NewJob::new(
        QueueName::ProviderSubmissions,
        serde_json::json!({ "n": n }),
    )
    .with_key(format!("submit:{n}"))
}

async fn outbox_len(store: &PgStore) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM job_outbox")
        .fetch_one(store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_saved_job_waits_in_the_outbox_and_the_dispatcher_moves_it_once() {
    let (store, _db) = outbox_store().await;
    store
        .generations()
        .create(&generation(), &[submit_job(1)])
        .await
        .unwrap();
    assert_eq!(outbox_len(&store).await, 1);
    let local = store
        .job_queue()
        .counts(QueueName::ProviderSubmissions)
        .await
        .unwrap();
    assert_eq!(local.waiting, 0, "not in the Postgres queue");

    let queue = Arc::new(MemoryJobQueue::new());
    let shutdown = CancellationToken::new();
    let dispatcher = OutboxDispatcher::new(Arc::new(store.job_outbox()), queue.clone());
    let running = tokio::spawn(dispatcher.run(shutdown.clone()));
    let job = queue
        .reserve(
            &[QueueName::ProviderSubmissions],
            Duration::from_secs(30),
            Duration::from_secs(20),
        )
        .await
        .unwrap()
        .expect("the job reached the queue");
    assert_eq!(job.payload, serde_json::json!({ "n": 1 }));
    for _ in 0..500 {
        if outbox_len(&store).await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(outbox_len(&store).await, 0);
    shutdown.cancel();
    running.await.unwrap();
}

/// A queue that cannot be reached.
struct Down;

#[async_trait]
impl JobQueue for Down {
    async fn enqueue(&self, _job: NewJob) -> Result<EnqueueOutcome> {
        Err(Error::unavailable("job queue", "connection refused"))
    }
    async fn reserve(&self, _: &[QueueName], _: Duration, _: Duration) -> Result<Option<Job>> {
        Ok(None)
    }
    async fn extend(&self, _: &Job, _: Duration) -> Result<()> {
        Ok(())
    }
    async fn complete(&self, _: &Job) -> Result<()> {
        Ok(())
    }
    async fn fail(
        &self,
        _: &Job,
        _: &str,
        _: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<FailOutcome> {
        Ok(FailOutcome::DeadLettered)
    }
}

#[tokio::test]
async fn jobs_the_queue_refused_stay_in_the_outbox_for_the_next_round() {
    let (store, _db) = outbox_store().await;
    store
        .generations()
        .create(&generation(), &[submit_job(1)])
        .await
        .unwrap();
    store
        .generations()
        .create(&generation(), &[submit_job(2)])
        .await
        .unwrap();
    let err = store.job_outbox().forward_to(&Down, 10).await.unwrap_err();
    assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
    assert_eq!(outbox_len(&store).await, 2);
    let queue = MemoryJobQueue::new();
    assert_eq!(store.job_outbox().forward_to(&queue, 10).await.unwrap(), 2);
    assert_eq!(outbox_len(&store).await, 0);
    assert_eq!(
        queue
            .counts(QueueName::ProviderSubmissions)
            .await
            .unwrap()
            .waiting,
        2
    );
}

#[tokio::test]
async fn the_outbox_says_how_many_jobs_wait_in_it_by_queue() {
    let (store, _db) = outbox_store().await;
    let outbox = store.job_outbox();
    assert!(outbox.pending().await.unwrap().is_empty());
    for n in 0..3 {
        store
            .generations()
            .create(&generation(), &[submit_job(n)])
            .await
            .unwrap();
    }
    assert_eq!(
        outbox.pending().await.unwrap(),
        [(QueueName::ProviderSubmissions, 3)]
    );
    outbox.forward_to(&MemoryJobQueue::new(), 10).await.unwrap();
    assert!(outbox.pending().await.unwrap().is_empty(), "moved away");
}
