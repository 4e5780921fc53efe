//! The api process configured for Replicate (`IMAGEGEN_PROVIDER=replicate`), pointed at
//! a Replicate-compatible simulator: the production wiring, end to end. The happy path
//! makes exactly one provider call and never polls.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures::StreamExt;
use imagegen_application::{Caller, Role};
use imagegen_bootstrap::JwtCodec;
use imagegen_domain::{OrganizationId, UserId};
use imagegen_simulator::{Simulator, SimulatorConfig};
use imagegen_webhooks::WebhookSecret;
use tokio_util::sync::CancellationToken;

use crate::{free_port, healthz_status};

const JWT_SECRET: &str = "process-test-secret-process-test-secret";
const WEBHOOK_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

/// Kills the child when the test ends, even on a failed assertion.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn one_provider_call_and_webhooks_complete_a_generation_without_polling() {
    let shutdown = CancellationToken::new();
    let _stop = shutdown.clone().drop_guard();
    let sim_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sim_url = format!("http://{}", sim_listener.local_addr().unwrap());
    let mut sim_config =
        SimulatorConfig::new(&sim_url, WebhookSecret::parse(WEBHOOK_SECRET).unwrap());
    sim_config.start_delay = Duration::from_millis(50);
    sim_config.run_time = Duration::from_millis(100);
    let simulator = Simulator::new(sim_config);
    tokio::spawn(simulator.clone().serve(sim_listener, shutdown.clone()));

    let port = free_port();
    let _api = Running(
        Command::new(env!("CARGO_BIN_EXE_imagegen-api"))
            .env("IMAGEGEN_LISTEN", format!("127.0.0.1:{port}"))
            .env("IMAGEGEN_PROVIDER", "replicate")
            .env("IMAGEGEN_REPLICATE_BASE_URL", format!("{sim_url}/v1"))
            .env("IMAGEGEN_REPLICATE_API_TOKEN", "r8_test")
            .env("IMAGEGEN_WEBHOOK_SECRETS", WEBHOOK_SECRET)
            .env("IMAGEGEN_FETCH_ALLOW_PRIVATE", "true")
            .env("IMAGEGEN_JWT_SECRET", JWT_SECRET)
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() && healthz_status(port) == 200
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }

    let caller = Caller {
        user_id: UserId::from_uuid(uuid::Uuid::new_v4()),
        organization_id: OrganizationId::from_uuid(uuid::Uuid::new_v4()),
        role: Role::User,
    };
    let token = JwtCodec::new(JWT_SECRET.as_bytes())
        .issue(&caller, chrono::Duration::minutes(5))
        .unwrap();
    let http = reqwest::Client::new();
    let events = http
        .get(format!("{base}/v1/events?channel=user:{}", caller.user_id))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), 200);
    let mut events = eventsource_stream::EventStream::new(events.bytes_stream());

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
}
