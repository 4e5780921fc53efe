//! SIGKILL one of two workers mid-run: nothing acknowledged is lost.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use futures::StreamExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio_util::sync::CancellationToken;

use crate::cluster::{api, get_json, post_json, shared, user_token, worker, worker_with};

const GENERATIONS: usize = 8;

#[tokio::test]
async fn a_worker_killed_mid_run_loses_nothing_and_events_reach_the_other_api_once() {
    let shutdown = CancellationToken::new();
    let _stop = shutdown.clone().drop_guard();
    let shared = shared(&shutdown).await;
    let (first, second) = (api(&shared, &shutdown).await, api(&shared, &shutdown).await);
    let mut doomed = worker(&shared, &first).await;
    let _survivor = worker(&shared, &first).await;
    let (token, caller) = user_token();
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
        let body = serde_json::json!({ "prompt": format!("cluster {n}"), "settings": { "size": "64x64" } });
        let created = post_json(&http, &format!("{first}/v1/generations"), &token, &body).await;
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

/// A provider that takes every create and never answers: a worker calling it holds
/// its submission jobs (their leases renewed) until it dies. Counts what it took.
async fn provider_that_never_answers(shutdown: &CancellationToken) -> (String, Arc<AtomicUsize>) {
    let held = Arc::new(AtomicUsize::new(0));
    let counted = held.clone();
    let app = axum::Router::new().fallback(move || {
        counted.fetch_add(1, Ordering::SeqCst);
        std::future::pending::<()>()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let stop = shutdown.clone();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move { stop.cancelled().await })
            .await;
    });
    (url, held)
}

#[tokio::test]
async fn the_jobs_a_killed_worker_held_run_again_on_another_and_each_generation_ends_once() {
    let shutdown = CancellationToken::new();
    let _stop = shutdown.clone().drop_guard();
    let shared = shared(&shutdown).await;
    let api = api(&shared, &shutdown).await;
    let (hanging, held) = provider_that_never_answers(&shutdown).await;
    let mut doomed_vars = shared.vars.clone();
    doomed_vars.retain(|(k, _)| k != "IMAGEGEN_REPLICATE_BASE_URL");
    doomed_vars.push(("IMAGEGEN_REPLICATE_BASE_URL".into(), hanging));
    let mut doomed = worker_with(&doomed_vars, &api).await;
    let (token, caller) = user_token();
    let http = reqwest::Client::new();
    let mut ids = HashSet::new();
    for n in 0..GENERATIONS {
        let body =
            serde_json::json!({ "prompt": format!("held {n}"), "settings": { "size": "64x64" } });
        let created = post_json(&http, &format!("{api}/v1/generations"), &token, &body).await;
        ids.insert(created["id"].as_str().unwrap().to_owned());
    }
    // The doomed worker provably holds the submissions: it is inside their calls.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while held.load(Ordering::SeqCst) < GENERATIONS {
        assert!(
            tokio::time::Instant::now() < deadline,
            "held {}",
            held.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _survivor = worker(&shared, &api).await;
    doomed.0.kill().unwrap();
    doomed.0.wait().unwrap();
    // Each ran again on the survivor (a second attempt: the first never reached the
    // real provider) and ended once.
    let list = format!("{api}/v1/generations?limit=100");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let page = get_json(&http, &list, &token).await;
        let items = page["items"].as_array().unwrap();
        if items.iter().all(|g| g["status"] == "completed") && items.len() == GENERATIONS {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{page}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        shared.simulator.stats().creates,
        GENERATIONS as u64,
        "one real create each"
    );
    assert_eq!(
        held.load(Ordering::SeqCst),
        GENERATIONS,
        "the doomed worker's calls"
    );
    // Every generation's end was recorded, and pushed, exactly once.
    let poll = format!(
        "{api}/v1/events/poll?channel=user:{}&after=0&limit=500",
        caller.user_id
    );
    let page = get_json(&http, &poll, &token).await;
    let mut completed: HashMap<String, usize> = HashMap::new();
    for event in page["events"].as_array().unwrap() {
        if event["data"]["event_type"] == "GenerationCompleted" {
            let id = event["data"]["aggregate_id"].as_str().unwrap().to_owned();
            *completed.entry(id).or_default() += 1;
        }
    }
    assert_eq!(completed.keys().cloned().collect::<HashSet<_>>(), ids);
    assert!(completed.values().all(|&n| n == 1), "{completed:?}");
}
