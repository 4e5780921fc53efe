//! The README's distributed mode as a new user runs it: each worker with its own
//! in-process simulator (`IMAGEGEN_PROVIDER=simulator`), one api, two workers; one
//! worker `kill -9`ed mid-run. The predictions it held die with it: the generations
//! they belonged to are resubmitted once their webhook is overdue, every generation
//! reaches an end, and none holds its user's in-flight place for good. (The overdue
//! delay is 2 s here instead of 120 s.)

use std::time::Duration;

use imagegen_application::{Caller, Role};
use imagegen_bootstrap::JwtCodec;
use imagegen_domain::{OrganizationId, UserId};
use tokio_util::sync::CancellationToken;

use crate::cluster::{JWT_SECRET, WEBHOOK_SECRET, worker_with as worker};

const GENERATIONS: usize = 10;

#[tokio::test]
async fn after_kill_9_of_a_readme_worker_every_generation_reaches_an_end() {
    let shutdown = CancellationToken::new();
    let _stop = shutdown.clone().drop_guard();
    let database = imagegen_test_support::postgres().await;
    let redis = imagegen_test_support::redis();
    let data = imagegen_test_support::scratch_dir("imagegen-readme");
    let vars: Vec<(String, String)> = [
        ("DATABASE_URL", database.url.clone()),
        ("REDIS_URL", redis.url.clone()),
        ("IMAGEGEN_REDIS_PREFIX", redis.prefix.clone()),
        ("IMAGEGEN_JWT_SECRET", JWT_SECRET.to_owned()),
        ("IMAGEGEN_WEBHOOK_SECRETS", WEBHOOK_SECRET.to_owned()),
        ("IMAGEGEN_DATA_DIR", data.to_string_lossy().into_owned()),
        ("IMAGEGEN_RECONCILE_AFTER_SECS", "2".to_owned()),
        ("IMAGEGEN_SIM_RUN_MS", "3000".to_owned()),
        ("IMAGEGEN_JOB_LEASE_SECS", "2".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = format!("http://{}", listener.local_addr().unwrap());
    let config = imagegen_bootstrap::Config::from_vars(vars.clone()).unwrap();
    let server = imagegen_api::start(config, listener, shutdown.clone())
        .await
        .unwrap();
    tokio::spawn(server.serve());
    let mut doomed = worker(&vars, &api).await;
    let _survivor = worker(&vars, &api).await;

    let caller = Caller {
        user_id: UserId::from_uuid(uuid::Uuid::new_v4()),
        organization_id: OrganizationId::from_uuid(uuid::Uuid::new_v4()),
        role: Role::User,
    };
    let token = JwtCodec::new(JWT_SECRET.as_bytes())
        .issue(&caller, chrono::Duration::minutes(10))
        .unwrap();
    let http = reqwest::Client::new();
    let mut ids = Vec::new();
    for n in 0..GENERATIONS {
        let created: serde_json::Value = http
            .post(format!("{api}/v1/generations"))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "prompt": format!("readme {n}"), "settings": { "size": "64x64" } }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    let status = |id: String| {
        let (http, api, token) = (http.clone(), api.clone(), token.clone());
        async move {
            let body: serde_json::Value = http
                .get(format!("{api}/v1/generations/{id}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            body["status"].as_str().unwrap_or("?").to_owned()
        }
    };
    // Kill once every generation runs at one simulator or the other.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let mut running = 0;
        for id in &ids {
            running += usize::from(status(id.clone()).await == "processing");
        }
        if running == GENERATIONS {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never all processing"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    doomed.0.kill().unwrap();
    doomed.0.wait().unwrap();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let mut now = Vec::new();
        for id in &ids {
            now.push(status(id.clone()).await);
        }
        if now.iter().all(|s| s == "completed") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not every generation reached its end: {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let _ = std::fs::remove_dir_all(&data);
}
