//! The api process configured for Replicate (`IMAGEGEN_PROVIDER=replicate`), pointed at
//! a Replicate-compatible simulator: the production wiring, end to end. The happy path
//! makes exactly one provider call and never polls. Without `IMAGEGEN_WEBHOOK_SECRETS`
//! the api fetches Replicate's signing secret once at start and verifies with it.

use std::process::{Command, Stdio};
use std::time::Duration;

use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use crate::{
    PROCESS_JWT_SECRET as JWT_SECRET, Running, WEBHOOK_SECRET, free_port, simulator, until_healthy,
};

#[tokio::test]
async fn one_provider_call_and_webhooks_complete_a_generation_without_polling() {
    let stats = a_generation_through_replicate(true).await;
    assert_eq!(stats.secret_reads, 0, "the configured secret is used");
}

#[tokio::test]
async fn without_configured_secrets_replicates_own_is_fetched_once() {
    let stats = a_generation_through_replicate(false).await;
    assert_eq!(stats.secret_reads, 1, "fetched once, at start");
}

/// Runs one generation through an api on Replicate (with or without configured
/// webhook secrets) and returns the provider's counts.
async fn a_generation_through_replicate(
    configure_secret: bool,
) -> imagegen_simulator::StatsSnapshot {
    let shutdown = CancellationToken::new();
    let _stop = shutdown.clone().drop_guard();
    let (simulator, sim_url) = simulator(
        Duration::from_millis(50),
        Duration::from_millis(100),
        &shutdown,
    )
    .await;

    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_imagegen-api"));
    command
        .env("IMAGEGEN_LISTEN", format!("127.0.0.1:{port}"))
        .env("IMAGEGEN_PROVIDER", "replicate")
        .env("IMAGEGEN_REPLICATE_BASE_URL", format!("{sim_url}/v1"))
        .env("IMAGEGEN_REPLICATE_API_TOKEN", "r8_test")
        .env("IMAGEGEN_FETCH_ALLOW_PRIVATE", "true")
        .env(
            "IMAGEGEN_DATA_DIR",
            imagegen_test_support::scratch_dir("imagegen-provider"),
        )
        .env("IMAGEGEN_JWT_SECRET", JWT_SECRET)
        .env_remove("IMAGEGEN_WEBHOOK_SECRETS")
        .stdout(Stdio::null());
    if configure_secret {
        command.env("IMAGEGEN_WEBHOOK_SECRETS", WEBHOOK_SECRET);
    }
    let _api = Running(command.spawn().unwrap());
    let base = format!("http://127.0.0.1:{port}");
    until_healthy(port).await;

    let (token, mut events) = crate::watching_user(&base).await;
    let http = reqwest::Client::new();

    let created: serde_json::Value = http
        .post(format!("{base}/v1/generations"))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "prompt": "a harbour", "settings": { "size": "96x64" } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(created["provider"], "replicate");

    let mut seen = Vec::new();
    while seen.last().map(String::as_str) != Some("GenerationCompleted") {
        let event = tokio::time::timeout(Duration::from_secs(30), events.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        assert_ne!(event.event, "GenerationFailed", "{}", event.data);
        seen.push(event.event);
    }
    assert_eq!(
        seen,
        [
            "GenerationStarted",
            "GenerationStatusChanged",
            "GenerationStatusChanged",
            "GenerationCompleted"
        ]
    );

    let stats = simulator.stats();
    assert_eq!(stats.creates, 1, "exactly one provider call");
    assert_eq!(stats.gets, 0, "no polling");
    assert_eq!(stats.webhooks_sent, 2, "start and completed");
    assert_eq!(stats.file_reads, 1, "the output was copied once");
    stats
}
