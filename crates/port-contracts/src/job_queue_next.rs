//! Contract of `JobQueue::complete_batch`: a busy worker completes the jobs its
//! handlers finished and takes the next ones in one call.

use std::time::Duration;

use imagegen_application::ports::{Job, JobQueue, NewJob, QueueAdmin, QueueName};
use serde_json::json;

const Q: QueueName = QueueName::ImageProcessing;
const LEASE: Duration = Duration::from_secs(30);

async fn enqueue(queue: &impl JobQueue, numbers: std::ops::Range<i32>) {
    for n in numbers {
        queue
            .enqueue(NewJob::new(Q, json!({ "n": n })))
            .await
            .unwrap();
    }
}

async fn reserve(queue: &impl JobQueue, lease: Duration) -> Job {
    queue
        .reserve(&[Q], lease, Duration::ZERO)
        .await
        .unwrap()
        .expect("a ready job")
}

/// The rule: Completing a batch takes the next ready jobs in order.
pub async fn completing_a_batch_takes_the_next_ready_jobs_in_order(
    queue: &(impl JobQueue + QueueAdmin),
) {
    enqueue(queue, 0..5).await;
    let mut done = Vec::new();
    for _ in 0..3 {
        done.push(reserve(queue, LEASE).await);
    }
    let batch = queue.complete_batch(Q, &done, 2, LEASE).await.unwrap();
    assert!(batch.lost.is_empty(), "{:?}", batch.lost);
    let taken: Vec<_> = batch.next.iter().map(|job| job.payload.clone()).collect();
    assert_eq!(taken, [json!({ "n": 3 }), json!({ "n": 4 })]);
    assert!(
        batch
            .next
            .iter()
            .all(|job| job.attempt == 1 && job.queue == Q)
    );
    let stats = queue.counts(Q).await.unwrap();
    assert_eq!((stats.completed, stats.active, stats.waiting), (3, 2, 0));
    let last = queue
        .complete_batch(Q, &batch.next, 5, LEASE)
        .await
        .unwrap();
    assert!(last.next.is_empty() && last.lost.is_empty());
    assert_eq!(queue.counts(Q).await.unwrap().completed, 5);
}

/// The rule: A job whose lease was lost is not completed.
pub async fn a_job_whose_lease_was_lost_is_not_completed(queue: &(impl JobQueue + QueueAdmin)) {
    enqueue(queue, 0..1).await;
    let first = reserve(queue, Duration::from_millis(50)).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The lease expired and another worker took the job.
    let taken = queue
        .reserve(&[Q], LEASE, Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((taken.id, taken.attempt), (first.id, 2));
    enqueue(queue, 1..2).await;
    let batch = queue.complete_batch(Q, &[first], 1, LEASE).await.unwrap();
    assert_eq!(batch.lost, [taken.id]);
    assert_eq!(batch.next.len(), 1, "the lost job does not stop the taking");
    let stats = queue.counts(Q).await.unwrap();
    assert_eq!((stats.completed, stats.active), (0, 2), "nothing completed");
    let batch = queue.complete_batch(Q, &[taken], 0, LEASE).await.unwrap();
    assert!(batch.lost.is_empty(), "the new holder completes it");
}

/// The rule: A reserved job says when it became due: its enqueue, or its retry time.
pub async fn a_reserved_job_says_when_it_became_due(queue: &(impl JobQueue + QueueAdmin)) {
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    enqueue(queue, 0..1).await;
    let job = reserve(queue, LEASE).await;
    let after = chrono::Utc::now() + chrono::Duration::seconds(1);
    let due = job.due_at.expect("a due time");
    assert!(
        before <= due && due <= after,
        "{due} not within the enqueue"
    );
    let retry_at = chrono::Utc::now() - chrono::Duration::milliseconds(10);
    queue.fail(&job, "again", Some(retry_at)).await.unwrap();
    let again = reserve(queue, LEASE).await;
    let due = again.due_at.expect("a due time");
    let off = (due - retry_at).num_milliseconds().abs();
    assert!(off <= 1, "due {due}, retried for {retry_at}");
}
