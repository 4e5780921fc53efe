//! The Postgres job queue with a clock the test drives: leases expire and jobs come
//! back, retries wait for their time; and `LISTEN/NOTIFY` wakes an idle worker.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use imagegen_application::Error;
use imagegen_application::ports::QueueAdmin as _;
use imagegen_application::ports::{Clock, EventStore, JobQueue, ManualClock, NewJob, QueueName};
use imagegen_postgres::{PgOptions, PgStore};

const Q: QueueName = QueueName::ImageProcessing;

async fn store_with_clock() -> (
    PgStore,
    Arc<ManualClock>,
    imagegen_test_support::TestDatabase,
) {
    let db = imagegen_test_support::postgres().await;
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap(),
    ));
    let store = PgStore::connect(&db.url, PgOptions::default())
        .await
        .unwrap()
        .with_clock(clock.clone());
    store.migrate().await.unwrap();
    (store, clock, db)
}

#[tokio::test]
async fn a_job_whose_worker_died_is_delivered_again_when_its_lease_expires() {
    let (queue, clock, _db) = store_with_clock().await;
    queue
        .job_queue()
        .enqueue(NewJob::new(Q, serde_json::json!({})))
        .await
        .unwrap();
    let lease = Duration::from_secs(30);
    let first = queue
        .job_queue()
        .reserve(&[Q], lease, Duration::ZERO)
        .await
        .unwrap()
        .unwrap();
    clock.advance(Duration::from_secs(29));
    assert!(
        queue
            .job_queue()
            .reserve(&[Q], lease, Duration::ZERO)
            .await
            .unwrap()
            .is_none()
    );
    clock.advance(Duration::from_secs(2));
    let again = queue
        .job_queue()
        .reserve(&[Q], lease, Duration::ZERO)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.id, again.attempt), (first.id, 2));
    let err = queue.job_queue().complete(&first).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    queue.job_queue().complete(&again).await.unwrap();
}

#[tokio::test]
async fn a_retry_waits_for_its_time_on_the_clock() {
    let (queue, clock, _db) = store_with_clock().await;
    queue
        .job_queue()
        .enqueue(NewJob::new(Q, serde_json::json!({})))
        .await
        .unwrap();
    let job = queue
        .job_queue()
        .reserve(&[Q], Duration::from_secs(30), Duration::ZERO)
        .await
        .unwrap()
        .unwrap();
    let at = clock.now() + chrono::Duration::seconds(10);
    queue
        .job_queue()
        .fail(&job, "busy", Some(at))
        .await
        .unwrap();
    assert!(
        queue
            .job_queue()
            .reserve(&[Q], Duration::from_secs(30), Duration::ZERO)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(queue.job_queue().counts(Q).await.unwrap().delayed, 1);
    clock.advance(Duration::from_secs(10));
    let again = queue
        .job_queue()
        .reserve(&[Q], Duration::from_secs(30), Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(again.map(|j| j.attempt), Some(2));
}

/// A store whose waiters never poll within a test's time: only a notification wakes
/// them.
async fn store_that_never_polls() -> (PgStore, imagegen_test_support::TestDatabase) {
    let db = imagegen_test_support::postgres().await;
    let options = PgOptions {
        poll_backstop: Duration::from_secs(3600),
        ..PgOptions::default()
    };
    let store = PgStore::connect(&db.url, options).await.unwrap();
    store.migrate().await.unwrap();
    (store, db)
}

#[tokio::test]
async fn an_idle_worker_is_woken_by_the_commit_of_a_job() {
    let (store, _db) = store_that_never_polls().await;
    let store = Arc::new(store);
    let waiter = store.clone();
    let reserve = tokio::spawn(async move {
        waiter
            .job_queue()
            .reserve(&[Q], Duration::from_secs(30), Duration::from_secs(3600))
            .await
    });
    // The enqueue may come before or after the waiter's first look; either way it
    // must get the job, and it can only learn of it from the notification.
    tokio::time::sleep(Duration::from_millis(100)).await;
    store
        .job_queue()
        .enqueue(NewJob::new(Q, serde_json::json!({ "n": 1 })))
        .await
        .unwrap();
    let job = tokio::time::timeout(Duration::from_secs(30), reserve)
        .await
        .expect("the waiting worker was not woken by the commit")
        .unwrap()
        .unwrap();
    assert_eq!(job.map(|j| j.payload), Some(serde_json::json!({ "n": 1 })));
}

#[tokio::test]
async fn a_waiting_reader_is_woken_by_the_commit_of_an_event() {
    let (store, _db) = store_that_never_polls().await;
    let store = Arc::new(store);
    let waiter = store.clone();
    let wait = tokio::spawn(async move {
        waiter
            .generations()
            .wait_for_events(
                imagegen_application::ports::StreamPosition::START,
                Duration::from_secs(3600),
            )
            .await
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut g = imagegen_port_contracts::fixtures::generation();
    use imagegen_application::ports::GenerationRepository;
    store.generations().create(&g, &[]).await.unwrap();
    imagegen_port_contracts::fixtures::advance(&mut g);
    let events = g.take_events();
    store.generations().save(&g, &events, &[]).await.unwrap();
    tokio::time::timeout(Duration::from_secs(30), wait)
        .await
        .expect("the waiting reader was not woken by the commit")
        .unwrap();
    assert!(store.generations().latest_position().await.unwrap().0 >= 2);
}
