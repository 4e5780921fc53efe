//! A webhook answered `200` is applied even when the api dies before its job runs:
//! the `generation-webhooks` queue is paused (the pause is stored), the provider's
//! webhooks are acknowledged and recorded, the api is killed with SIGKILL and started
//! again, the queue resumed: the generation completes, each event exactly once.

use std::process::{Command, Stdio};
use std::time::Duration;

use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use crate::{Running, WEBHOOK_SECRET, free_port, simulator, until_healthy};

const JWT_SECRET: &str = "webhook-kill-secret-webhook-kill-secret";

fn start_api(port: u16, database_url: &str, sim_url: &str, data: &std::path::Path) -> Running {
    let child = Command::new(env!("CARGO_BIN_EXE_imagegen-api"))
        .env("IMAGEGEN_LISTEN", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", database_url)
        .env("IMAGEGEN_DATA_DIR", data)
        .env("IMAGEGEN_PROVIDER", "replicate")
        .env("IMAGEGEN_REPLICATE_BASE_URL", format!("{sim_url}/v1"))
        .env("IMAGEGEN_REPLICATE_API_TOKEN", "r8_test")
        .env("IMAGEGEN_WEBHOOK_SECRETS", WEBHOOK_SECRET)
        .env("IMAGEGEN_FETCH_ALLOW_PRIVATE", "true")
        .env("IMAGEGEN_JWT_SECRET", JWT_SECRET)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    Running(child)
}

fn admin_token() -> String {
    let caller = imagegen_application::Caller {
        user_id: imagegen_domain::UserId::from_uuid(uuid::Uuid::new_v4()),
        organization_id: imagegen_domain::OrganizationId::from_uuid(uuid::Uuid::new_v4()),
        role: imagegen_application::Role::Admin,
    };
    imagegen_bootstrap::JwtCodec::new(JWT_SECRET.as_bytes())
        .issue(&caller, chrono::Duration::minutes(10))
        .unwrap()
}

#[tokio::test]
async fn a_webhook_acknowledged_before_a_kill_is_applied_after_the_restart_exactly_once() {
    let shutdown = CancellationToken::new();
    let _stop = shutdown.clone().drop_guard();
    let (simulator, sim_url) = simulator(
        Duration::from_millis(50),
        Duration::from_millis(300),
        &shutdown,
    )
    .await;
    let db = imagegen_test_support::postgres().await;
    let data = imagegen_test_support::scratch_dir("imagegen-webhook-kill");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let (_, token) = crate::user_token(JWT_SECRET);
    let admin = admin_token();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();

    let mut api = start_api(port, &db.url, &sim_url, &data);
    until_healthy(port).await;
    let paused = http
        .post(format!("{base}/admin/queues/generation-webhooks/pause"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert!(paused.status().is_success(), "{}", paused.status());
    let body = serde_json::json!({ "prompt": "acknowledged", "settings": { "size": "64x64" } });
    let created = crate::post_json(&http, &format!("{base}/v1/generations"), &token, &body).await;
    let id = created["id"].as_str().unwrap().to_owned();
    // The start and completed webhooks were answered 2xx: recorded, their jobs waiting.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while simulator.stats().webhooks_sent < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{:?}",
            simulator.stats()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Acknowledged, not applied: the generation has not moved past its submission.
    let before: serde_json::Value = http
        .get(format!("{base}/v1/generations/{id}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(before["status"], "starting", "{before}");
    api.0.kill().unwrap();
    api.0.wait().unwrap();

    let _api = start_api(port, &db.url, &sim_url, &data);
    until_healthy(port).await;
    let resumed = http
        .post(format!("{base}/admin/queues/generation-webhooks/resume"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert!(resumed.status().is_success());
    let response = http
        .get(format!("{base}/v1/events?channel=generation:{id}"))
        .header("Last-Event-ID", "0")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut events = eventsource_stream::EventStream::new(response.bytes_stream());
    let mut seen = Vec::new();
    while seen.last().map(|(_, t): &(u64, String)| t.as_str()) != Some("GenerationCompleted") {
        let event = tokio::time::timeout(Duration::from_secs(30), events.next())
            .await
            .expect("the recorded webhooks were not applied after the restart")
            .unwrap()
            .unwrap();
        let data: serde_json::Value = serde_json::from_str(&event.data).unwrap();
        seen.push((data["sequence"].as_u64().unwrap(), event.event.clone()));
    }
    let sequences: Vec<u64> = seen.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        sequences,
        (1..=seen.len() as u64).collect::<Vec<_>>(),
        "{seen:?}"
    );
    // Both waiting jobs run at once after the resume: the completed webhook's may
    // come first and skip `processing` (updates may skip statuses).
    assert!((3..=4).contains(&seen.len()), "{seen:?}");
    assert_eq!(seen[0].1, "GenerationStarted", "{seen:?}");
    assert_eq!(simulator.stats().creates, 1);
}
