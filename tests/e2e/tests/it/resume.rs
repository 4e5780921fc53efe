//! Gap-free resume across the switch from the stored backlog to live events: a client
//! that drops its stream mid-flight and comes back with `Last-Event-ID` gets each later
//! event once, some from the store and the rest live.

use serde_json::json;

use crate::support::{start_with, until, user};

#[tokio::test]
async fn a_client_resuming_mid_flight_gets_every_later_event_once() {
    // Slow predictions, so the generation is still running when the client returns.
    let api = start_with(&[
        ("IMAGEGEN_SIM_START_DELAY_MS", "100"),
        ("IMAGEGEN_SIM_RUN_MS", "2000"),
    ])
    .await;
    let alice = user();
    let mut first = api.watch_user(&alice).await;
    let created = api
        .create_ok(&alice, json!({ "prompt": "mid-flight" }))
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let started = until(&mut first, "GenerationStarted").await;
    let last_seen = started.last().unwrap().id.clone();
    drop(first);

    let query = format!("channel=generation:{id}&access_token={}", alice.token);
    let mut resumed = api.events(&query, Some(&last_seen)).await;
    // The stream is open; the generation has not finished, so its end comes live.
    let now = api.generation(&alice, &id).await;
    assert_ne!(
        now["status"], "completed",
        "resumed too late to cross the switch"
    );
    let rest = until(&mut resumed, "GenerationCompleted").await;

    let sequences: Vec<_> = rest
        .iter()
        .map(|m| m.data["sequence"].as_u64().unwrap())
        .collect();
    assert_eq!(
        sequences,
        (2..=1 + rest.len() as u64).collect::<Vec<_>>(),
        "no gap, no repeat"
    );
    let positions: Vec<u64> = rest.iter().map(|m| m.id.parse().unwrap()).collect();
    assert!(positions[0] > last_seen.parse::<u64>().unwrap());
    assert!(positions.windows(2).all(|w| w[0] < w[1]));
    api.stop().await;
}
