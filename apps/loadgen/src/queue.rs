//! `queue`: no-op jobs through the Postgres job queue. Producers enqueue (as fast as
//! they can with `concurrency` tasks, or `--paced` jobs per second); `concurrency`
//! workers reserve, "run" (nothing) and complete. Latency: enqueue -> handler start.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use imagegen_application::ports::{JobQueue, NewJob, QueueName};
use imagegen_postgres::PgStore;
use serde_json::json;

use crate::stats::{Latencies, per_sec};

const QUEUE: QueueName = QueueName::UserNotifications;

fn micros_since(origin: Instant) -> u64 {
    u64::try_from(origin.elapsed().as_micros()).unwrap_or(u64::MAX)
}

async fn produce(
    store: Arc<PgStore>,
    jobs: usize,
    concurrency: usize,
    paced: Option<u32>,
    origin: Instant,
) -> Result<Duration, String> {
    let started = Instant::now();
    let enqueue = move |store: Arc<PgStore>, n: usize| async move {
        let job = NewJob::new(QUEUE, json!({ "n": n, "t": micros_since(origin) }));
        store.enqueue(job).await.map_err(|e| e.to_string())
    };
    if let Some(rate) = paced {
        let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate.max(1))));
        let mut pending = Vec::new();
        for n in 0..jobs {
            tick.tick().await;
            pending.push(tokio::spawn(enqueue(store.clone(), n)));
        }
        for task in pending {
            task.await.map_err(|e| e.to_string())??;
        }
    } else {
        let next = Arc::new(AtomicUsize::new(0));
        let mut producers = Vec::new();
        for _ in 0..concurrency.max(1) {
            let (store, next) = (store.clone(), next.clone());
            producers.push(tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= jobs {
                        return Ok::<(), String>(());
                    }
                    enqueue(store.clone(), n).await?;
                }
            }));
        }
        for producer in producers {
            producer.await.map_err(|e| e.to_string())??;
        }
    }
    Ok(started.elapsed())
}

async fn consume(
    store: Arc<PgStore>,
    done: Arc<AtomicUsize>,
    jobs: usize,
    origin: Instant,
) -> Result<Vec<Duration>, String> {
    let mut latencies = Vec::new();
    while done.load(Ordering::Relaxed) < jobs {
        let reserved = store
            .reserve(
                &[QUEUE],
                Duration::from_secs(30),
                Duration::from_millis(200),
            )
            .await
            .map_err(|e| e.to_string())?;
        let Some(job) = reserved else { continue };
        let enqueued = job.payload["t"].as_u64().unwrap_or(0);
        latencies.push(Duration::from_micros(
            micros_since(origin).saturating_sub(enqueued),
        ));
        store.complete(&job).await.map_err(|e| e.to_string())?;
        done.fetch_add(1, Ordering::Relaxed);
    }
    Ok(latencies)
}

pub async fn run(
    database_url: &str,
    jobs: usize,
    concurrency: usize,
    paced: Option<u32>,
) -> Result<serde_json::Value, String> {
    let store = Arc::new(crate::open(database_url, concurrency * 2).await?);
    let origin = Instant::now();
    let done = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..concurrency.max(1))
        .map(|_| tokio::spawn(consume(store.clone(), done.clone(), jobs, origin)))
        .collect();
    let started = Instant::now();
    let enqueue_elapsed = produce(store.clone(), jobs, concurrency, paced, origin).await?;
    let mut samples = Vec::with_capacity(jobs);
    for worker in workers {
        samples.extend(worker.await.map_err(|e| e.to_string())??);
    }
    let elapsed = started.elapsed();
    let latencies = Latencies::new(samples);
    Ok(json!({
        "bench": "queue",
        "backend": "postgres",
        "jobs": jobs,
        "concurrency": concurrency,
        "paced": paced,
        "enqueue_per_sec": per_sec(jobs, enqueue_elapsed),
        "process_per_sec": per_sec(jobs, elapsed),
        "p50_ms": latencies.quantile(0.5),
        "p99_ms": latencies.quantile(0.99),
    }))
}
