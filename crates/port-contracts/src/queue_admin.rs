//! Contract of `QueueAdmin`: pause and resume, dead letters put back on their queue.

use std::time::Duration;

use imagegen_application::Error;
use imagegen_application::ports::{FailOutcome, JobId, JobQueue, NewJob, QueueAdmin, QueueName};
use serde_json::json;

const Q: QueueName = QueueName::CleanupTasks;
const LEASE: Duration = Duration::from_secs(30);

/// The rule: A paused queue hands out nothing until resumed.
pub async fn a_paused_queue_hands_out_nothing_until_resumed(queue: &(impl JobQueue + QueueAdmin)) {
    queue
        .enqueue(NewJob::new(Q, json!({ "n": 1 })))
        .await
        .unwrap();
    queue.pause(Q).await.unwrap();
    assert!(queue.is_paused(Q).await.unwrap());
    assert!(
        queue
            .reserve(&[Q], LEASE, Duration::ZERO)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        queue.counts(Q).await.unwrap().waiting,
        1,
        "enqueueing goes on"
    );
    queue.resume(Q).await.unwrap();
    assert!(!queue.is_paused(Q).await.unwrap());
    assert!(
        queue
            .reserve(&[Q], LEASE, Duration::ZERO)
            .await
            .unwrap()
            .is_some()
    );
}

/// The rule: A waiting worker wakes when its queue resumes.
pub async fn a_waiting_worker_wakes_when_its_queue_resumes(queue: &(impl JobQueue + QueueAdmin)) {
    queue.pause(Q).await.unwrap();
    queue
        .enqueue(NewJob::new(Q, json!({ "n": 1 })))
        .await
        .unwrap();
    let waiting = queue.reserve(&[Q], LEASE, Duration::from_secs(30));
    let resume = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        queue.resume(Q).await.unwrap();
    };
    let (got, ()) = tokio::time::timeout(Duration::from_secs(10), async {
        tokio::join!(waiting, resume)
    })
    .await
    .expect("the waiting worker did not wake when the queue resumed");
    assert!(got.unwrap().is_some());
}

/// The rule: A retried dead letter runs again with fresh attempts.
pub async fn a_retried_dead_letter_runs_again_with_fresh_attempts(
    queue: &(impl JobQueue + QueueAdmin),
) {
    let mut job = NewJob::new(Q, json!({ "broken": true }));
    job.max_attempts = 1;
    queue.enqueue(job).await.unwrap();
    let taken = queue
        .reserve(&[Q], LEASE, Duration::ZERO)
        .await
        .unwrap()
        .unwrap();
    let outcome = queue.fail(&taken, "bad image", None).await.unwrap();
    assert_eq!(outcome, FailOutcome::DeadLettered);
    let dead = queue.dead(Q, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    queue.retry_dead(Q, dead[0].id).await.unwrap();
    assert!(queue.dead(Q, 10).await.unwrap().is_empty());
    let again = queue
        .reserve(&[Q], LEASE, Duration::ZERO)
        .await
        .unwrap()
        .expect("back on its queue");
    assert_eq!(
        (again.attempt, again.payload),
        (1, json!({ "broken": true }))
    );
}

/// The rule: Retrying an unknown dead letter is not found.
pub async fn retrying_an_unknown_dead_letter_is_not_found(queue: &(impl JobQueue + QueueAdmin)) {
    let err = queue
        .retry_dead(Q, JobId(uuid::Uuid::now_v7()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}

/// The rule: A set concurrency is read back until cleared.
pub async fn a_set_concurrency_is_read_back_until_cleared(queue: &(impl JobQueue + QueueAdmin)) {
    assert_eq!(queue.concurrency(Q).await.unwrap(), None, "unset at first");
    queue.set_concurrency(Q, Some(3)).await.unwrap();
    queue.set_concurrency(Q, Some(5)).await.unwrap();
    assert_eq!(queue.concurrency(Q).await.unwrap(), Some(5));
    let other = QueueName::ImageProcessing;
    assert_eq!(queue.concurrency(other).await.unwrap(), None, "per queue");
    queue.set_concurrency(Q, None).await.unwrap();
    assert_eq!(queue.concurrency(Q).await.unwrap(), None);
}
