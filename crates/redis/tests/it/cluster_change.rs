//! The job queue on a Redis Cluster that changes while jobs flow through it: the node
//! serving a queue is killed and started again, and the queue's slot is moved to
//! another node (clients meet `ASK` and `TRYAGAIN` during the move, `MOVED` after).
//! Every job acknowledged by `enqueue` runs to completion, none twice under one
//! lease. These tests own their cluster (a dedicated one, never `TEST_REDIS_URL`):
//! its nodes keep an append-only file synced on every write, the set-up
//! `docs/operations.md` asks of a production cluster.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use imagegen_application::Error;
use imagegen_application::ports::{Job, JobQueue, ManualClock, NewJob, QueueAdmin, QueueName};
use imagegen_redis::{RedisJobQueue, RedisOptions};
use imagegen_test_support::ChangingCluster;
use serde_json::json;

const JOBS: u64 = 300;
const QUEUE: QueueName = QueueName::GenerationWebhooks;
const LEASE: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restarting_the_node_of_a_queue_while_jobs_flow_loses_none() {
    let cluster = Arc::new(ChangingCluster::start());
    let slot = cluster.slot_of(QUEUE.as_str());
    let node = cluster.owner_of(slot);
    let runs = flow_through(&cluster, move |cluster| {
        let held = cluster.keys_in(node, slot).unwrap_or(0);
        assert!(held > 0, "the node restarted held none of the queue");
        cluster.restart(node);
    })
    .await;
    assert_every_job_ran(&runs);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_the_slot_of_a_queue_while_jobs_flow_loses_none() {
    let cluster = Arc::new(ChangingCluster::start());
    let slot = cluster.slot_of(QUEUE.as_str());
    let from = cluster.owner_of(slot);
    let to = (from + 1) % 3;
    let runs = flow_through(&cluster, move |cluster| {
        let held = cluster.keys_in(from, slot).unwrap_or(0);
        assert!(held > 0, "the slot held none of the queue");
        cluster.move_slot(slot, to);
    })
    .await;
    assert_every_job_ran(&runs);
    assert_eq!(cluster.owner_of(slot), to, "the slot did not move");
    assert_eq!(
        cluster.keys_in(from, slot),
        None,
        "the old node still serves it"
    );
}

/// The attempts each job ran with, by job number.
type Runs = BTreeMap<u64, Vec<u32>>;

/// Enqueues `JOBS` jobs one by one (retrying what the cluster refuses, with the
/// job's idempotency key, as the outbox relay does); once a third wait, `change` runs
/// and two consumers start. Leases lost with a killed node's replies
/// come back when the driven clock passes them.
async fn flow_through(
    cluster: &Arc<ChangingCluster>,
    change: impl FnOnce(&ChangingCluster) + Send + 'static,
) -> Runs {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let options = RedisOptions {
        prefix: "change:".to_owned(),
        ..RedisOptions::default()
    };
    let queue = Arc::new(
        RedisJobQueue::new(&cluster.url(), &options)
            .unwrap()
            .with_clock(clock.clone()),
    );
    let runs = Arc::new(Mutex::new(Runs::new()));
    let mut consumers = Vec::new();
    let mut change = Some(change);
    let mut changing = None;
    for n in 0..JOBS {
        // A backlog first, so that the change meets jobs waiting, then the consumers
        // start as the cluster changes.
        if let Some(change) = change.take_if(|_| n == JOBS / 3) {
            let waiting = queue.counts(QUEUE).await.unwrap().waiting;
            assert_eq!(waiting, JOBS / 3, "the backlog before the change");
            let cluster = cluster.clone();
            changing = Some(tokio::task::spawn_blocking(move || change(&cluster)));
            consumers = (0..2)
                .map(|_| tokio::spawn(consume(queue.clone(), runs.clone())))
                .collect();
        }
        // Paced, so that jobs keep coming while the cluster changes.
        tokio::time::sleep(Duration::from_millis(5)).await;
        let job = NewJob::new(QUEUE, json!({ "n": n })).with_key(format!("job-{n}"));
        while let Err(error) = queue.enqueue(job.clone()).await {
            tracing::debug!(%error, "enqueue refused; again");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    changing.expect("the change ran").await.unwrap();
    for _ in 0..2 {
        if wait_for_all(&runs).await {
            break;
        }
        clock.advance(LEASE * 2);
    }
    for consumer in consumers {
        consumer.abort();
        if let Err(ended) = consumer.await {
            assert!(!ended.is_panic(), "a consumer failed: {ended}");
        }
    }
    runs.lock().unwrap().clone()
}

async fn wait_for_all(runs: &Mutex<Runs>) -> bool {
    for _ in 0..600 {
        if runs.lock().unwrap().len() as u64 == JOBS {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// Takes jobs and completes them, retrying what the cluster refuses.
async fn consume(queue: Arc<RedisJobQueue>, runs: Arc<Mutex<Runs>>) {
    loop {
        let job = match queue
            .reserve(&[QUEUE], LEASE, Duration::from_millis(200))
            .await
        {
            Ok(Some(job)) => job,
            Ok(None) => continue,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        record(&runs, &job);
        loop {
            match queue.complete(&job).await {
                Ok(()) => break,
                Err(Error::NotFound { .. }) => {
                    panic!("the lease of job {:?} was lost", job.payload)
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }
}

fn record(runs: &Mutex<Runs>, job: &Job) {
    let n = job.payload["n"].as_u64().unwrap();
    runs.lock().unwrap().entry(n).or_default().push(job.attempt);
}

fn assert_every_job_ran(runs: &Runs) {
    let missing: Vec<u64> = (0..JOBS).filter(|n| !runs.contains_key(n)).collect();
    assert!(missing.is_empty(), "jobs never ran: {missing:?}");
    for (n, attempts) in runs {
        // Twice only when a killed node took a reply with it: then again under a
        // new lease, as attempt 2.
        let expected: Vec<u32> = (1..=u32::try_from(attempts.len()).unwrap()).collect();
        assert_eq!(attempts, &expected, "job {n} ran under these attempts");
    }
}
