//! Jobs queued in Redis by a version that kept a hash per job (`<base>:job:<id>`, the
//! idempotency key a string `<base>:key:<key>`) are adopted into the queue's `jobs`
//! hash when first met, waiting or delayed, and run; an id with no job anywhere is
//! dropped instead of failing every reserve.

use std::time::Duration;

use imagegen_application::ports::{EnqueueOutcome, JobQueue, NewJob, QueueName};
use imagegen_redis::{RedisJobQueue, RedisOptions};
use redis::aio::MultiplexedConnection;
use serde_json::json;

const QUEUE: QueueName = QueueName::GenerationWebhooks;

/// The queue's base key, a connection to write the old layout with, and the queue.
async fn set_up() -> (String, MultiplexedConnection, RedisJobQueue) {
    let redis = imagegen_test_support::redis();
    let base = format!("{}{{{}}}", redis.prefix, QUEUE.as_str());
    let client = redis::Client::open(redis.url.as_str()).unwrap();
    let connection = client.get_multiplexed_async_connection().await.unwrap();
    let options = RedisOptions {
        prefix: redis.prefix,
        ..RedisOptions::default()
    };
    (
        base,
        connection,
        RedisJobQueue::new(&redis.url, &options).unwrap(),
    )
}

#[tokio::test]
async fn jobs_queued_by_the_older_layout_run_after_an_upgrade() {
    let (base, mut connection, queue) = set_up().await;
    let now = chrono::Utc::now().timestamp_millis();
    let old_job = |n: u64, set: &str, score: i64| {
        let id = uuid::Uuid::now_v7().to_string();
        let mut pipe = redis::pipe();
        pipe.hset_multiple(
            format!("{base}:job:{id}"),
            &[
                ("payload", json!({ "n": n }).to_string()),
                ("key", format!("old-{n}")),
                ("score", (1000 + n).to_string()),
                ("attempts", "0".to_owned()),
                ("max_attempts", "8".to_owned()),
                ("due", now.to_string()),
            ],
        )
        .set(format!("{base}:key:old-{n}"), &id)
        .zadd(format!("{base}:{set}"), &id, score);
        pipe
    };
    let (ready, delayed) = (old_job(1, "ready", 1001), old_job(2, "delayed", now - 1));
    let orphan = redis::pipe()
        .zadd(format!("{base}:ready"), "no-such-job", 0)
        .clone();
    for pipe in [ready, delayed, orphan] {
        let () = pipe.query_async(&mut connection).await.unwrap();
    }

    let lease = Duration::from_secs(30);
    let mut ran = Vec::new();
    // The orphan comes first (score 0) and takes a reserve that finds nothing.
    for _ in 0..5 {
        let reserved = queue.reserve(&[QUEUE], lease, Duration::ZERO).await;
        if let Some(job) = reserved.unwrap() {
            assert_eq!(job.attempt, 1);
            ran.push(job.payload["n"].as_u64().unwrap());
            queue.complete(&job).await.unwrap();
        }
    }
    ran.sort_unstable();
    assert_eq!(ran, [1, 2], "the old jobs ran once each");
    // Their keys went with them: nothing of the old layout is left.
    let left: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{base}:job:*"))
        .query_async(&mut connection)
        .await
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
    let stats = imagegen_application::ports::QueueAdmin::counts(&queue, QUEUE)
        .await
        .unwrap();
    assert_eq!((stats.waiting, stats.completed), (0, 2));
}

#[tokio::test]
async fn an_adopted_job_keeps_its_idempotency_key_while_it_waits() {
    let (base, mut connection, queue) = set_up().await;
    let id = uuid::Uuid::now_v7();
    let later = chrono::Utc::now().timestamp_millis() + 60_000;
    let () = redis::pipe()
        .hset_multiple(
            format!("{base}:job:{id}"),
            &[
                ("payload", "{}"),
                ("key", "the-key"),
                ("score", "5"),
                ("attempts", "1"),
                ("max_attempts", "8"),
            ],
        )
        .set(format!("{base}:key:the-key"), id.to_string())
        .zadd(format!("{base}:leased"), id.to_string(), 0)
        .query_async(&mut connection)
        .await
        .unwrap();
    // The expired lease brings the job back and adopts it; a pause keeps it waiting.
    imagegen_application::ports::QueueAdmin::pause(&queue, QUEUE)
        .await
        .unwrap();
    let none = queue
        .reserve(&[QUEUE], Duration::from_secs(30), Duration::ZERO)
        .await
        .unwrap();
    assert!(none.is_none());
    let again = NewJob::new(QUEUE, json!({})).with_key("the-key");
    let outcome = queue.enqueue(again.at(chrono::DateTime::from_timestamp_millis(later).unwrap()));
    assert_eq!(
        outcome.await.unwrap(),
        EnqueueOutcome::Duplicate(imagegen_application::ports::JobId(id))
    );
}
