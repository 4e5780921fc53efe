//! SIGKILL one of two workers mid-run: nothing acknowledged is lost.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use futures::StreamExt;
use imagegen_application::{Caller, Role};
use imagegen_bootstrap::JwtCodec;
use imagegen_domain::{OrganizationId, UserId};
use tokio_util::sync::CancellationToken;

use crate::cluster::{JWT_SECRET, api, shared, worker};

const GENERATIONS: usize = 8;

#[tokio::test]
async fn a_worker_killed_mid_run_loses_nothing_and_events_reach_the_other_api_once() {
    let shutdown = CancellationToken::new();
    let _stop = shutdown.clone().drop_guard();
    let shared = shared(&shutdown).await;
    let (first, second) = (api(&shared, &shutdown).await, api(&shared, &shutdown).await);
    let mut doomed = worker(&shared, &first).await;
    let _survivor = worker(&shared, &first).await;
    let caller = Caller {
        user_id: UserId::from_uuid(uuid::Uuid::new_v4()),
        organization_id: OrganizationId::from_uuid(uuid::Uuid::new_v4()),
        role: Role::User,
    };
    let token = JwtCodec::new(JWT_SECRET.as_bytes())
        .issue(&caller, chrono::Duration::minutes(10))
        .unwrap();
    let http = reqwest::Client::new();
    // Watch through the second api; create through the first.
    let response = http
        .get(format!(
            "{second}/v1/events?channel=user:{}",
            caller.user_id
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut events = eventsource_stream::EventStream::new(response.bytes_stream());
    let mut ids = HashSet::new();
    for n in 0..GENERATIONS {
        let created: serde_json::Value = http
            .post(format!("{first}/v1/generations"))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "prompt": format!("cluster {n}"), "settings": { "size": "64x64" } }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ids.insert(created["id"].as_str().unwrap().to_owned());
    }
    // Kill a worker once the provider has seen some of the work.
    for _ in 0..1000 {
        if shared.simulator.stats().creates >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    doomed.0.kill().unwrap();
    doomed.0.wait().unwrap();

    let (mut event_ids, mut positions) = (HashSet::new(), Vec::new());
    let mut completed: HashMap<String, usize> = HashMap::new();
    while completed.len() < GENERATIONS {
        let event = tokio::time::timeout(Duration::from_secs(60), events.next())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "stalled with {} of {GENERATIONS} completed",
                    completed.len()
                )
            })
            .unwrap()
            .unwrap();
        let data: serde_json::Value = serde_json::from_str(&event.data).unwrap();
        assert!(
            event_ids.insert(data["event_id"].as_str().unwrap().to_owned()),
            "twice: {data}"
        );
        positions.push(event.id.parse::<u64>().unwrap());
        assert_ne!(event.event, "GenerationFailed", "{data}");
        if event.event == "GenerationCompleted" {
            *completed
                .entry(data["aggregate_id"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
    }
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    assert_eq!(completed.keys().cloned().collect::<HashSet<_>>(), ids);
}
