//! Contract of `JobQueue::complete_and_reserve`: a busy worker completes a job and
//! takes the next one in one call.

use std::time::Duration;

use imagegen_application::Error;
use imagegen_application::ports::{JobQueue, NewJob, QueueName};
use serde_json::json;

const Q: QueueName = QueueName::ImageProcessing;
const LEASE: Duration = Duration::from_secs(30);

pub async fn completing_takes_the_next_ready_job_in_the_same_call(queue: &impl JobQueue) {
    for n in 0..2 {
        queue
            .enqueue(NewJob::new(Q, json!({ "n": n })))
            .await
            .unwrap();
    }
    let first = queue
        .reserve(&[Q], LEASE, Duration::ZERO)
        .await
        .unwrap()
        .unwrap();
    let second = queue
        .complete_and_reserve(&first, &[Q], LEASE)
        .await
        .unwrap()
        .expect("the second job");
    assert_eq!(
        (second.payload.clone(), second.attempt),
        (json!({ "n": 1 }), 1)
    );
    let stats = queue.stats(Q).await.unwrap();
    assert_eq!((stats.completed, stats.active, stats.waiting), (1, 1, 0));
    assert_eq!(
        queue
            .complete_and_reserve(&second, &[Q], LEASE)
            .await
            .unwrap(),
        None
    );
}

pub async fn completing_with_a_lost_lease_takes_nothing(queue: &impl JobQueue) {
    queue
        .enqueue(NewJob::new(Q, json!({ "n": 0 })))
        .await
        .unwrap();
    let short = Duration::from_millis(50);
    let first = queue
        .reserve(&[Q], short, Duration::ZERO)
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The lease expired and another worker took the job.
    let taken = queue
        .reserve(&[Q], LEASE, Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((taken.id, taken.attempt), (first.id, 2));
    queue
        .enqueue(NewJob::new(Q, json!({ "n": 1 })))
        .await
        .unwrap();
    let err = queue
        .complete_and_reserve(&first, &[Q], LEASE)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    let stats = queue.stats(Q).await.unwrap();
    assert_eq!(
        (stats.completed, stats.waiting),
        (0, 1),
        "nothing completed, nothing taken"
    );
}
