//! The distributed mode: the api runs no worker loops; a separate worker takes the
//! jobs from the Redis queue (they reach it through the Postgres job outbox), and the
//! events come back to the api's SSE clients through the Redis bus.

use serde_json::json;

use crate::modes::start_distributed;
use crate::support::{assert_once_in_order, until, user};

#[tokio::test]
async fn a_generation_made_through_the_api_is_processed_by_a_separate_worker() {
    let (api, mut worker, stop_worker) = start_distributed().await;
    assert!(
        api.simulator.is_none(),
        "the api runs no provider of its own"
    );
    let alice = user();
    let mut events = api.watch_user(&alice).await;
    let created = api.create_ok(&alice, json!({ "prompt": "far away" })).await;
    let id = created["id"].as_str().unwrap();
    let seen = until(&mut events, "GenerationCompleted").await;
    assert_once_in_order(&seen, id);
    let generation = api.generation(&alice, id).await;
    assert_eq!(generation["status"], "completed");
    let image = api
        .http
        .get(generation["images"][0]["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(image.status(), 200);
    stop_worker.cancel();
    while worker.join_next().await.is_some() {}
    api.stop().await;
}

/// The same on a three-node Redis Cluster (`REDIS_URL` lists its nodes): jobs, events
/// and limits are routed to the node that owns each queue's slot.
#[tokio::test]
async fn the_distributed_mode_runs_on_a_redis_cluster() {
    let cluster = imagegen_test_support::redis_cluster();
    let (api, mut worker, stop_worker) = crate::modes::start_distributed_on(&cluster, 200).await;
    let bob = user();
    let mut events = api.watch_user(&bob).await;
    let created = api.create_ok(&bob, json!({ "prompt": "many nodes" })).await;
    let id = created["id"].as_str().unwrap();
    let seen = until(&mut events, "GenerationCompleted").await;
    assert_once_in_order(&seen, id);
    stop_worker.cancel();
    while worker.join_next().await.is_some() {}
    api.stop().await;
}
