//! WebSocket across api instances (distributed mode): a generation created through
//! one instance reaches a WebSocket client on the other, each event once and in order,
//! and a client that comes back to the first instance with `since` gets exactly the
//! rest.

use serde_json::{Value, json};

use crate::modes::start_distributed_on;
use crate::support::user;
use crate::ws_client::WsClient;

fn positions(messages: &[Value]) -> Vec<u64> {
    messages
        .iter()
        .filter_map(|m| m["position"].as_u64())
        .collect()
}

#[tokio::test]
async fn events_through_one_instance_reach_websockets_on_another_and_resume_there() {
    let redis = imagegen_test_support::redis();
    let (first, mut worker, stop_worker) = start_distributed_on(&redis, 200).await;
    let database = first.database.as_ref().unwrap().url.clone();
    let second = crate::modes::api_on(&database, &redis).await;
    let alice = user();
    let channel = format!("user:{}", alice.id);
    let mut there = WsClient::connect(&second.base, &alice.token).await;
    there
        .send(json!({ "type": "subscribe", "channel": channel }))
        .await;
    assert_eq!(there.json().await["type"], "subscribed");

    let created = first
        .create_ok(&alice, json!({ "prompt": "two harbours" }))
        .await;
    let id = created["id"].as_str().unwrap();
    let live = there.until_event("GenerationCompleted").await;
    let sequences: Vec<u64> = live
        .iter()
        .filter(|m| m["data"]["aggregate_id"] == id)
        .map(|m| m["data"]["sequence"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(sequences, (1..=sequences.len() as u64).collect::<Vec<_>>());
    let all = positions(&live);

    let mut back = WsClient::connect(&first.base, &alice.token).await;
    back.send(json!({ "type": "subscribe", "channel": channel, "since": all[0] }))
        .await;
    assert_eq!(back.json().await["type"], "subscribed");
    let resumed = back.until_event("GenerationCompleted").await;
    assert_eq!(
        positions(&resumed),
        all[1..],
        "no gap, no duplicate, on the other instance"
    );

    stop_worker.cancel();
    while worker.join_next().await.is_some() {}
}
