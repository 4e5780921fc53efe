//! `store`: generations created with their submission job, then saved with two moves
//! (two events), by `concurrency` tasks at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use imagegen_application::ports::{Clock, GenerationRepository, NewJob, QueueName, SystemClock};
use imagegen_domain::{
    DeliveryMode, ExternalId, Generation, GenerationId, GenerationSettings, NewGeneration,
    OrganizationId, Prompt, ProviderName, ProviderStatus, ProviderUpdate, UserId,
};
use serde_json::json;

use crate::stats::{Latencies, per_sec};

fn new_generation(n: usize, users: usize) -> Result<Generation, String> {
    let user = (n % users.max(1)) as u128;
    Ok(Generation::create(
        NewGeneration {
            id: GenerationId::new(),
            user_id: UserId::from_uuid(uuid::Uuid::from_u128(0x1000_0000 + user)),
            organization_id: OrganizationId::from_uuid(uuid::Uuid::from_u128(0x2000_0000)),
            prompt: Prompt::parse(&format!("loadgen {n}")).map_err(|e| e.to_string())?,
            settings: GenerationSettings::default(),
            provider: ProviderName::Simulator,
            delivery_mode: DeliveryMode::Webhook,
        },
        SystemClock.now(),
    ))
}

/// One generation: created with its job, then moved twice and saved with its events.
/// Returns how long the save with events took.
async fn one(store: &dyn GenerationRepository, n: usize, users: usize) -> Result<Duration, String> {
    let mut generation = new_generation(n, users)?;
    let job = NewJob::new(QueueName::ProviderSubmissions, json!({ "n": n }))
        .with_key(format!("loadgen-submit:{}", generation.id()));
    store
        .create(&generation, &[job])
        .await
        .map_err(|e| e.to_string())?;
    let external = ExternalId::parse(format!("p{n}")).ok_or("bad external id")?;
    let now = SystemClock.now();
    generation
        .record_submission(external.clone(), now)
        .map_err(|e| e.to_string())?;
    let update = ProviderUpdate {
        external_id: external,
        status: ProviderStatus::Processing,
        output_urls: Vec::new(),
        error: None,
    };
    generation
        .apply_provider_update(&update, now)
        .map_err(|e| e.to_string())?;
    let events = generation.take_events();
    let started = Instant::now();
    store
        .save(&generation, &events, &[])
        .await
        .map_err(|e| e.to_string())?;
    Ok(started.elapsed())
}

pub async fn run(
    database_url: &str,
    generations: usize,
    concurrency: usize,
    users: usize,
) -> Result<serde_json::Value, String> {
    let store = Arc::new(crate::open(database_url, concurrency).await?.generations());
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (store, next) = (store.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= generations {
                    return Ok::<_, String>(samples);
                }
                samples.push(one(store.as_ref(), n, users).await?);
            }
        }));
    }
    let mut samples = Vec::with_capacity(generations);
    for task in tasks {
        samples.extend(task.await.map_err(|e| e.to_string())??);
    }
    let elapsed = started.elapsed();
    let latencies = Latencies::new(samples);
    Ok(json!({
        "bench": "store",
        "generations": generations,
        "concurrency": concurrency,
        "generations_per_sec": per_sec(generations, elapsed),
        // Each generation writes 1 generation row, 1 job and 2 events.
        "rows_per_sec": per_sec(generations * 4, elapsed),
        "events_per_sec": per_sec(generations * 2, elapsed),
        "save_p50_ms": latencies.quantile(0.5),
        "save_p99_ms": latencies.quantile(0.99),
        "elapsed_s": (elapsed.as_secs_f64() * 100.0).round() / 100.0,
    }))
}
