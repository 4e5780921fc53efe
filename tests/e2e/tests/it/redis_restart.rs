//! Redis restarted under a running distributed system: nothing is lost (jobs wait in
//! the Postgres outbox or in Redis's append-only file), every generation completes, and
//! a client watching through the api gets each event once (the bus resubscribes and the
//! session catches up from the event store).

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use imagegen_test_support::{RedisServer, TestRedis};
use serde_json::json;

use crate::modes::start_distributed_on;
use crate::support::{assert_once_in_order, user};

const GENERATIONS: usize = 6;

#[tokio::test]
async fn redis_restarted_under_load_loses_nothing_and_each_event_arrives_once() {
    let server = RedisServer::start_new();
    let redis = TestRedis {
        url: server.url(),
        prefix: "restart:".to_owned(),
    };
    let (api, mut worker, stop_worker) = start_distributed_on(&redis, 1500).await;
    let alice = user();
    let mut events = api.watch_user(&alice).await;
    let mut ids = HashSet::new();
    for n in 0..GENERATIONS {
        let created = api
            .create_ok(
                &alice,
                json!({ "prompt": format!("through a restart {n}") }),
            )
            .await;
        ids.insert(created["id"].as_str().unwrap().to_owned());
    }
    // Restart once work is under way: the first event shows the pipeline is moving.
    let first = tokio::time::timeout(Duration::from_secs(30), events.recv())
        .await
        .expect("nothing started")
        .unwrap();
    server.stop();
    tokio::time::sleep(Duration::from_millis(500)).await; // a short outage
    server.start();

    let mut seen = vec![first];
    let mut completed: HashMap<String, usize> = HashMap::new();
    while completed.len() < GENERATIONS {
        let message = tokio::time::timeout(Duration::from_secs(60), events.recv())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "stalled with {} of {GENERATIONS} completed",
                    completed.len()
                )
            })
            .expect("stream ended");
        if message.event == "GenerationCompleted" {
            *completed
                .entry(message.data["aggregate_id"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
        seen.push(message);
    }
    assert_eq!(completed.keys().cloned().collect::<HashSet<_>>(), ids);
    let event_ids: Vec<_> = seen
        .iter()
        .map(|m| m.data["event_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        event_ids.len(),
        event_ids.iter().collect::<HashSet<_>>().len(),
        "an event arrived twice"
    );
    for id in &ids {
        assert_once_in_order(&seen, id);
    }
    stop_worker.cancel();
    while worker.join_next().await.is_some() {}
    api.stop().await;
}
