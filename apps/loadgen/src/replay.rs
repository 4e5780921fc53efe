//! `replay`: the busiest user channel read from position 0 in pages, as a resuming SSE
//! client does, `rounds` times.

use std::time::Instant;

use imagegen_application::Channel;
use imagegen_application::ports::{EventStore, StreamPosition};
use imagegen_domain::UserId;
use serde_json::json;

use crate::stats::{Latencies, per_sec};

pub async fn run(
    database_url: &str,
    page: usize,
    rounds: usize,
) -> Result<serde_json::Value, String> {
    let store = crate::open(database_url, 2).await?;
    let events_store = store.generations();
    let busiest: Option<(uuid::Uuid, i64)> = sqlx_busiest(&store).await?;
    let (user, events_in_channel) = busiest.ok_or("no events stored: run `store` first")?;
    let total: i64 = events_total(&store).await?;
    let channels = [Channel::User(UserId::from_uuid(user))];
    let mut samples = Vec::new();
    let mut read = 0;
    let started = Instant::now();
    for _ in 0..rounds.max(1) {
        let mut after = StreamPosition::START;
        loop {
            let asked = Instant::now();
            let events = events_store
                .read_after(after, &channels, page)
                .await
                .map_err(|e| e.to_string())?;
            samples.push(asked.elapsed());
            read += events.len();
            match events.last() {
                Some(last) if events.len() == page => after = last.position,
                _ => break,
            }
        }
    }
    let elapsed = started.elapsed();
    let latencies = Latencies::new(samples);
    Ok(json!({
        "bench": "replay",
        "events_in_store": total,
        "events_in_channel": events_in_channel,
        "page": page,
        "rounds": rounds,
        "events_per_sec": per_sec(read, elapsed),
        "page_p50_ms": latencies.quantile(0.5),
        "page_p99_ms": latencies.quantile(0.99),
    }))
}

async fn sqlx_busiest(
    store: &imagegen_postgres::PgStore,
) -> Result<Option<(uuid::Uuid, i64)>, String> {
    imagegen_postgres::sqlx::query_as(
        "SELECT user_id, count(*) FROM domain_events GROUP BY user_id ORDER BY 2 DESC LIMIT 1",
    )
    .fetch_optional(store.pool())
    .await
    .map_err(|e| e.to_string())
}

async fn events_total(store: &imagegen_postgres::PgStore) -> Result<i64, String> {
    imagegen_postgres::sqlx::query_scalar("SELECT count(*) FROM domain_events")
        .fetch_one(store.pool())
        .await
        .map_err(|e| e.to_string())
}
