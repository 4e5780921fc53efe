//! Nothing acknowledged is lost when the api dies: the api in durable mode is killed
//! with SIGKILL while generations are in flight and started again; every generation
//! completes; killed and started once more it reads everything back; and an SSE client
//! resuming from position 0 gets every event exactly once, positions increasing.

use std::collections::{HashMap, HashSet};
use std::process::{Command, Stdio};
use std::time::Duration;

use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use crate::{Running, WEBHOOK_SECRET, free_port, simulator, until_healthy};

const JWT_SECRET: &str = "crash-test-secret-crash-test-secret-crash";
const GENERATIONS: usize = 8;

struct Setup {
    port: u16,
    database_url: String,
    data_dir: std::path::PathBuf,
    sim_url: String,
}

impl Setup {
    /// Starts the api process and waits until it answers.
    async fn start_api(&self) -> Running {
        let child = Command::new(env!("CARGO_BIN_EXE_imagegen-api"))
            .env("IMAGEGEN_LISTEN", format!("127.0.0.1:{}", self.port))
            .env("DATABASE_URL", &self.database_url)
            .env("IMAGEGEN_DATA_DIR", &self.data_dir)
            .env("IMAGEGEN_PROVIDER", "replicate")
            .env(
                "IMAGEGEN_REPLICATE_BASE_URL",
                format!("{}/v1", self.sim_url),
            )
            .env("IMAGEGEN_REPLICATE_API_TOKEN", "r8_test")
            .env("IMAGEGEN_WEBHOOK_SECRETS", WEBHOOK_SECRET)
            .env("IMAGEGEN_FETCH_ALLOW_PRIVATE", "true")
            .env("IMAGEGEN_JWT_SECRET", JWT_SECRET)
            // A dead worker's jobs come back after 2 s instead of 30.
            .env("IMAGEGEN_JOB_LEASE_SECS", "2")
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let running = Running(child);
        until_healthy(self.port).await;
        running
    }
}

/// SIGKILL: no drain, no goodbye.
fn kill_hard(mut api: Running) {
    api.0.kill().unwrap();
    api.0.wait().unwrap();
}

async fn statuses(http: &reqwest::Client, base: &str, token: &str, ids: &[String]) -> Vec<String> {
    let mut statuses = Vec::new();
    for id in ids {
        let body: serde_json::Value = http
            .get(format!("{base}/v1/generations/{id}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        statuses.push(body["status"].as_str().unwrap_or("?").to_owned());
    }
    statuses
}

#[tokio::test]
async fn a_killed_api_restarted_completes_every_generation_and_replays_every_event_once() {
    let shutdown = CancellationToken::new();
    let _stop = shutdown.clone().drop_guard();
    // Long enough runs that the kill lands while predictions are in flight.
    let (simulator, sim_url) = simulator(
        Duration::from_millis(100),
        Duration::from_secs(3),
        &shutdown,
    )
    .await;
    let db = imagegen_test_support::postgres().await;
    let setup = Setup {
        port: free_port(),
        database_url: db.url.clone(),
        data_dir: imagegen_test_support::scratch_dir("imagegen-crash"),
        sim_url,
    };
    let base = format!("http://127.0.0.1:{}", setup.port);
    let (caller, token) = crate::user_token(JWT_SECRET);
    // No pooled connections: one kept from before a kill would be dead after it.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();

    let api = setup.start_api().await;
    let mut ids = Vec::new();
    for n in 0..GENERATIONS {
        let response = http
            .post(format!("{base}/v1/generations"))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "prompt": format!("crash test {n}"), "settings": { "size": "64x64" } }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202, "creation is acknowledged");
        let created: serde_json::Value = response.json().await.unwrap();
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    // Kill once some submissions reached the provider: the rest are queued or running.
    for _ in 0..400 {
        if simulator.stats().creates >= 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    kill_hard(api);

    let api = setup.start_api().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        let now = statuses(&http, &base, &token, &ids).await;
        if now.iter().all(|s| s == "completed") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not every generation completed after the restart: {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // A second hard kill and restart reads everything back.
    kill_hard(api);
    let _api = setup.start_api().await;
    assert_eq!(
        statuses(&http, &base, &token, &ids).await,
        vec!["completed"; GENERATIONS]
    );

    // What the store holds for the user, read over the poll page (one page: 8
    // generations make 32 events).
    let url = format!(
        "{base}/v1/events/poll?channel=user:{}&after=0&limit=500",
        caller.user_id
    );
    let stored = crate::get_json(&http, &url, &token).await;
    let stored: Vec<u64> = stored["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["position"].as_u64().unwrap())
        .collect();
    let latest = *stored.last().expect("the store holds the events");

    // Replay from position 0 up to the store's latest position: every stored event
    // once, in order; per generation, sequences exactly 1..N with the expected types.
    let response = http
        .get(format!("{base}/v1/events?channel=user:{}", caller.user_id))
        .header("Last-Event-ID", "0")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut stream = eventsource_stream::EventStream::new(response.bytes_stream());
    let (mut positions, mut event_ids) = (Vec::new(), HashSet::new());
    let mut per_generation: HashMap<String, Vec<(u64, String)>> = HashMap::new();
    while positions.last() != Some(&latest) {
        let event = tokio::time::timeout(Duration::from_secs(30), stream.next())
            .await
            .expect("the replay stalled before the store's latest position")
            .unwrap()
            .unwrap();
        let data: serde_json::Value = serde_json::from_str(&event.data).unwrap();
        positions.push(event.id.parse::<u64>().unwrap());
        assert!(
            event_ids.insert(data["event_id"].as_str().unwrap().to_owned()),
            "event replayed twice: {data}"
        );
        per_generation
            .entry(data["aggregate_id"].as_str().unwrap().to_owned())
            .or_default()
            .push((data["sequence"].as_u64().unwrap(), event.event.clone()));
    }
    assert_eq!(
        positions, stored,
        "the replay is exactly what the store holds"
    );
    assert_eq!(
        per_generation.keys().cloned().collect::<HashSet<_>>(),
        ids.iter().cloned().collect::<HashSet<_>>()
    );
    // A webhook sent while the api was down may be skipped over by the next one
    // (updates may skip statuses), so a generation has 3 or 4 events: started, the
    // moves in between, completed.
    for (generation, events) in &per_generation {
        let sequences: Vec<u64> = events.iter().map(|(n, _)| *n).collect();
        let types: Vec<&str> = events.iter().map(|(_, t)| t.as_str()).collect();
        let n = sequences.len() as u64;
        assert!((3..=4).contains(&n), "{generation}: {events:?}");
        assert_eq!(
            sequences,
            (1..=n).collect::<Vec<_>>(),
            "{generation}: {events:?}"
        );
        assert_eq!(
            types.first(),
            Some(&"GenerationStarted"),
            "{generation}: {types:?}"
        );
        assert_eq!(
            types.last(),
            Some(&"GenerationCompleted"),
            "{generation}: {types:?}"
        );
        let between = &types[1..types.len() - 1];
        assert!(
            between.iter().all(|t| *t == "GenerationStatusChanged"),
            "{generation}: {types:?}"
        );
    }
}
