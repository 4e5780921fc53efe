//! `queue`: no-op jobs (`{"generationId": uuid, "n": i}`) through the Postgres or the
//! Redis job queue. Producers enqueue (as fast as they can with `concurrency` tasks, or
//! `--paced` jobs per second); the worker's `JobRunner` with `concurrency` slots runs
//! them (a no-op handler). Latency: enqueue -> handler start. With `--prefill` every
//! job is enqueued first and the processing is timed alone.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use std::sync::atomic::AtomicU64;

use imagegen_application::jobs::JobHandler;
use imagegen_application::ports::{Job, JobQueue, NewJob, QueueName};
use imagegen_runtime::{JobRunner, RunnerConfig};
use serde_json::json;

use crate::stats::{Latencies, per_sec};

const QUEUE: QueueName = QueueName::UserNotifications;

fn micros_since(origin: Instant) -> u64 {
    u64::try_from(origin.elapsed().as_micros()).unwrap_or(u64::MAX)
}

/// When each job was enqueued, in µs since the run began.
type EnqueuedAt = Arc<Vec<AtomicU64>>;

async fn produce(
    store: Arc<dyn JobQueue>,
    jobs: usize,
    concurrency: usize,
    paced: Option<u32>,
    (origin, enqueued): (Instant, EnqueuedAt),
) -> Result<Duration, String> {
    let started = Instant::now();
    let enqueue = move |store: Arc<dyn JobQueue>, n: usize| {
        let enqueued = enqueued.clone();
        async move {
            let job = NewJob::new(
                QUEUE,
                json!({ "generationId": uuid::Uuid::new_v4(), "n": n }),
            );
            enqueued[n].store(micros_since(origin), Ordering::Relaxed);
            store.enqueue(job).await.map_err(|e| e.to_string())
        }
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
            let (store, next, enqueue) = (store.clone(), next.clone(), enqueue.clone());
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

/// The jobs' handler: records when each one started.
struct Recorder {
    origin: (Instant, EnqueuedAt),
    latencies: std::sync::Mutex<Vec<Duration>>,
    done: AtomicUsize,
    jobs: usize,
    finished: tokio_util::sync::CancellationToken,
}

#[async_trait::async_trait]
impl JobHandler for Recorder {
    fn queue(&self) -> QueueName {
        QUEUE
    }

    async fn handle(&self, job: &Job) -> imagegen_application::Result<()> {
        let (origin, enqueued) = &self.origin;
        let n = job.payload["n"].as_u64().unwrap_or(0) as usize;
        let at = enqueued.get(n).map_or(0, |t| t.load(Ordering::Relaxed));
        let latency = Duration::from_micros(micros_since(*origin).saturating_sub(at));
        self.latencies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(latency);
        if self.done.fetch_add(1, Ordering::Relaxed) + 1 >= self.jobs {
            self.finished.cancel();
        }
        Ok(())
    }
}

/// The queue under test: Redis when its URL is given, else Postgres.
async fn open_queue(
    database_url: Option<&str>,
    redis_url: Option<&str>,
    concurrency: usize,
) -> Result<(Arc<dyn JobQueue>, &'static str), String> {
    if let Some(url) = redis_url {
        let options = imagegen_redis::RedisOptions {
            max_connections: concurrency * 2 + 4,
            prefix: format!("bench:{}:", uuid::Uuid::new_v4().simple()),
            ..imagegen_redis::RedisOptions::default()
        };
        let queue = imagegen_redis::RedisJobQueue::new(url, &options)
            .map_err(|e| format!("REDIS_URL: {e}"))?;
        return Ok((Arc::new(queue), "redis"));
    }
    let url = database_url.ok_or("give --database-url or --redis-url")?;
    Ok((
        Arc::new(crate::open(url, concurrency * 2).await?.job_queue()),
        "postgres",
    ))
}

/// What a run does: how many jobs, producers and slots, the pace and read-ahead.
pub struct Shape {
    pub jobs: usize,
    pub concurrency: usize,
    pub paced: Option<u32>,
    pub read_ahead: usize,
    /// Producer tasks; `None`: as many as `concurrency` (16 with `prefill`).
    pub producers: Option<usize>,
    /// Enqueue every job before the runner starts, and time the processing alone
    /// (BullMQ's published rates are measured so, with a bulk add first).
    pub prefill: bool,
}

pub async fn run(
    database_url: Option<&str>,
    redis_url: Option<&str>,
    shape: Shape,
) -> Result<serde_json::Value, String> {
    let Shape {
        jobs,
        concurrency,
        paced,
        read_ahead,
        producers,
        prefill,
    } = shape;
    let (store, backend) = open_queue(database_url, redis_url, concurrency).await?;
    let clock = (
        Instant::now(),
        Arc::new((0..jobs).map(|_| AtomicU64::new(0)).collect::<Vec<_>>()),
    );
    let recorder = Arc::new(Recorder {
        origin: clock.clone(),
        latencies: std::sync::Mutex::new(Vec::with_capacity(jobs)),
        done: AtomicUsize::new(0),
        jobs,
        finished: tokio_util::sync::CancellationToken::new(),
    });
    // The worker's own runner: a fetcher, `concurrency` slots, batched completions.
    let config = RunnerConfig {
        concurrency: concurrency.max(1),
        read_ahead,
        ..RunnerConfig::default()
    };
    let runner = JobRunner::new(store.clone(), vec![recorder.clone()], config);
    let producers = producers.unwrap_or(if prefill { 16 } else { concurrency });
    let (running, started, enqueue_elapsed) = if prefill {
        let enqueue_elapsed = produce(store.clone(), jobs, producers, paced, clock).await?;
        let running = tokio::spawn(runner.run(recorder.finished.clone()));
        (running, Instant::now(), enqueue_elapsed)
    } else {
        let running = tokio::spawn(runner.run(recorder.finished.clone()));
        let started = Instant::now();
        let enqueue_elapsed = produce(store.clone(), jobs, producers, paced, clock).await?;
        (running, started, enqueue_elapsed)
    };
    recorder.finished.cancelled().await;
    let elapsed = started.elapsed();
    running.await.map_err(|e| e.to_string())?;
    let samples = std::mem::take(
        &mut *recorder
            .latencies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    let latencies = Latencies::new(samples);
    Ok(json!({
        "bench": "queue",
        "backend": backend,
        "jobs": jobs,
        "concurrency": concurrency,
        "producers": producers,
        "paced": paced,
        "read_ahead": read_ahead,
        "prefill": prefill,
        "enqueue_per_sec": per_sec(jobs, enqueue_elapsed),
        "process_per_sec": per_sec(jobs, elapsed),
        "p50_ms": latencies.quantile(0.5),
        "p99_ms": latencies.quantile(0.99),
    }))
}
