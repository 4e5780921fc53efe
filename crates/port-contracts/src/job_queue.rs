//! Contract of `JobQueue`: at-least-once delivery under leases, retries, dead letters,
//! priorities, delays and idempotent enqueue.

use std::time::Duration;

use chrono::Utc;
use imagegen_application::Error;
use imagegen_application::ports::{
    EnqueueOutcome, FailOutcome, JobQueue, NewJob, QueueAdmin, QueueName,
};
use serde_json::json;

const Q: QueueName = QueueName::ImageProcessing;
const LEASE: Duration = Duration::from_secs(30);
const NO_WAIT: Duration = Duration::from_millis(0);

fn job(n: u32) -> NewJob {
    NewJob::new(Q, json!({ "n": n }))
}

/// The rule: An enqueued job is delivered with its payload.
pub async fn an_enqueued_job_is_delivered_with_its_payload(queue: &impl JobQueue) {
    queue.enqueue(job(1)).await.unwrap();
    let got = queue.reserve(&[Q], LEASE, NO_WAIT).await.unwrap().unwrap();
    assert_eq!(got.payload, json!({ "n": 1 }));
    assert_eq!(got.attempt, 1);
    queue.complete(&got).await.unwrap();
    assert!(queue.reserve(&[Q], LEASE, NO_WAIT).await.unwrap().is_none());
}

/// The rule: A job of another queue is not delivered.
pub async fn a_job_of_another_queue_is_not_delivered(queue: &impl JobQueue) {
    queue.enqueue(job(1)).await.unwrap();
    let other = queue
        .reserve(&[QueueName::CleanupTasks], LEASE, NO_WAIT)
        .await
        .unwrap();
    assert!(other.is_none());
}

/// The rule: A leased job is not delivered twice.
pub async fn a_leased_job_is_not_delivered_twice(queue: &impl JobQueue) {
    queue.enqueue(job(1)).await.unwrap();
    let _held = queue.reserve(&[Q], LEASE, NO_WAIT).await.unwrap().unwrap();
    assert!(queue.reserve(&[Q], LEASE, NO_WAIT).await.unwrap().is_none());
}

/// The rule: An expired lease is delivered again.
pub async fn an_expired_lease_is_delivered_again(queue: &impl JobQueue) {
    queue.enqueue(job(1)).await.unwrap();
    let first = queue
        .reserve(&[Q], Duration::from_millis(50), NO_WAIT)
        .await
        .unwrap()
        .unwrap();
    let again = queue
        .reserve(&[Q], LEASE, Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.id, first.id);
    assert_eq!(again.attempt, 2);
    let err = queue.complete(&first).await.unwrap_err();
    assert!(
        matches!(err, Error::NotFound { .. }),
        "a lost lease must not settle: {err:?}"
    );
    queue.complete(&again).await.unwrap();
}

/// The rule: A failed job runs again after its retry time.
pub async fn a_failed_job_runs_again_after_its_retry_time(queue: &impl JobQueue) {
    queue.enqueue(job(1)).await.unwrap();
    let first = queue.reserve(&[Q], LEASE, NO_WAIT).await.unwrap().unwrap();
    let at = Utc::now() + chrono::Duration::milliseconds(200);
    assert_eq!(
        queue.fail(&first, "boom", Some(at)).await.unwrap(),
        FailOutcome::RetryAt(at)
    );
    assert!(
        queue.reserve(&[Q], LEASE, NO_WAIT).await.unwrap().is_none(),
        "retried too early"
    );
    let again = queue
        .reserve(&[Q], LEASE, Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.id, again.attempt), (first.id, 2));
}

/// The rule: A job out of attempts is dead lettered.
pub async fn a_job_out_of_attempts_is_dead_lettered(queue: &(impl JobQueue + QueueAdmin)) {
    let mut new = job(7);
    new.max_attempts = 1;
    queue.enqueue(new).await.unwrap();
    let got = queue.reserve(&[Q], LEASE, NO_WAIT).await.unwrap().unwrap();
    let outcome = queue
        .fail(&got, "broken image", Some(Utc::now()))
        .await
        .unwrap();
    assert_eq!(outcome, FailOutcome::DeadLettered);
    let dead = queue.dead(Q, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(
        (dead[0].id, dead[0].last_error.as_str()),
        (got.id, "broken image")
    );
    assert_eq!(dead[0].payload, json!({ "n": 7 }));
    assert_eq!(queue.counts(Q).await.unwrap().failed, 1);
}

/// The rule: A second enqueue with the same key is a duplicate.
pub async fn a_second_enqueue_with_the_same_key_is_a_duplicate(
    queue: &(impl JobQueue + QueueAdmin),
) {
    let EnqueueOutcome::Enqueued(id) = queue.enqueue(job(1).with_key("k")).await.unwrap() else {
        panic!("first enqueue must enqueue");
    };
    assert_eq!(
        queue.enqueue(job(2).with_key("k")).await.unwrap(),
        EnqueueOutcome::Duplicate(id)
    );
    assert_eq!(queue.counts(Q).await.unwrap().waiting, 1);
}

/// The rule: Higher priority runs first then fifo.
pub async fn higher_priority_runs_first_then_fifo(queue: &impl JobQueue) {
    queue.enqueue(job(1)).await.unwrap();
    queue.enqueue(job(2)).await.unwrap();
    let mut urgent = job(3);
    urgent.priority = 10;
    queue.enqueue(urgent).await.unwrap();
    let mut order = Vec::new();
    while let Some(got) = queue.reserve(&[Q], LEASE, NO_WAIT).await.unwrap() {
        order.push(got.payload["n"].as_u64().unwrap());
        queue.complete(&got).await.unwrap();
    }
    assert_eq!(order, [3, 1, 2]);
}

/// The rule: A delayed job waits for its time.
pub async fn a_delayed_job_waits_for_its_time(queue: &(impl JobQueue + QueueAdmin)) {
    let mut later = job(1);
    later.run_at = Some(Utc::now() + chrono::Duration::milliseconds(200));
    queue.enqueue(later).await.unwrap();
    assert_eq!(queue.counts(Q).await.unwrap().delayed, 1);
    assert!(queue.reserve(&[Q], LEASE, NO_WAIT).await.unwrap().is_none());
    assert!(
        queue
            .reserve(&[Q], LEASE, Duration::from_secs(5))
            .await
            .unwrap()
            .is_some()
    );
}

/// The rule: A waiting reserve wakes on enqueue.
pub async fn a_waiting_reserve_wakes_on_enqueue(queue: &(impl JobQueue + 'static)) {
    let waiting = queue.reserve(&[Q], LEASE, Duration::from_secs(30));
    let enqueue = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        queue.enqueue(job(1)).await.unwrap();
    };
    let (got, ()) = tokio::time::timeout(Duration::from_secs(10), async {
        tokio::join!(waiting, enqueue)
    })
    .await
    .expect("reserve did not wake on enqueue");
    assert!(got.unwrap().is_some());
}

/// The rule: Stats count waiting active and completed.
pub async fn stats_count_waiting_active_and_completed(queue: &(impl JobQueue + QueueAdmin)) {
    for n in 0..3 {
        queue.enqueue(job(n)).await.unwrap();
    }
    let done = queue.reserve(&[Q], LEASE, NO_WAIT).await.unwrap().unwrap();
    queue.complete(&done).await.unwrap();
    let _active = queue.reserve(&[Q], LEASE, NO_WAIT).await.unwrap().unwrap();
    let stats = queue.counts(Q).await.unwrap();
    assert_eq!((stats.waiting, stats.active, stats.completed), (1, 1, 1));
}

/// The rule: An extended lease keeps a running job from a second worker.
pub async fn an_extended_lease_keeps_a_running_job_from_a_second_worker(queue: &impl JobQueue) {
    queue.enqueue(job(1)).await.unwrap();
    let running = queue
        .reserve(&[Q], Duration::from_millis(200), NO_WAIT)
        .await
        .unwrap()
        .unwrap();
    queue.extend(&running, LEASE).await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        queue.reserve(&[Q], LEASE, NO_WAIT).await.unwrap().is_none(),
        "the job was delivered again although its lease was extended"
    );
    queue.complete(&running).await.unwrap();
}

/// The rule: Extending a lost lease is not found.
pub async fn extending_a_lost_lease_is_not_found(queue: &impl JobQueue) {
    queue.enqueue(job(1)).await.unwrap();
    let first = queue
        .reserve(&[Q], Duration::from_millis(50), NO_WAIT)
        .await
        .unwrap()
        .unwrap();
    let again = queue
        .reserve(&[Q], LEASE, Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    let err = queue.extend(&first, LEASE).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    queue.extend(&again, LEASE).await.unwrap();
}
