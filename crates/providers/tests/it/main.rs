//! The Replicate and OpenAI clients against the simulator over real HTTP: the production client
//! and the fake provider keep each other honest.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod client;
mod contract;
mod openai;
mod schema;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::HeaderMap;
use imagegen_providers::{OpenAiClient, OpenAiConfig, ReplicateClient, ReplicateConfig};
use imagegen_simulator::{Faults, Simulator, SimulatorConfig};
use imagegen_webhooks::WebhookSecret;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// A webhook as our receiver saw it.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// A simulator, a client pointed at it, and a receiver that records webhooks.
pub struct Harness {
    pub client: ReplicateClient,
    pub openai: OpenAiClient,
    pub simulator: Simulator,
    pub sim_url: String,
    pub webhook_url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
    pub secret: WebhookSecret,
    _shutdown: tokio_util::sync::DropGuard,
}

pub async fn harness(faults: Faults) -> Harness {
    let shutdown = CancellationToken::new();
    let secret = WebhookSecret::from_key(vec![42; 32]).unwrap();
    let sim_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sim_url = format!("http://{}", sim_listener.local_addr().unwrap());
    let received = Arc::new(Mutex::new(Vec::new()));
    let sink = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push(Received {
                    headers,
                    body: body.to_vec(),
                })
            }
        }),
    );
    let hook_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let webhook_url = format!("http://{}/hook", hook_listener.local_addr().unwrap());
    let token = shutdown.clone();
    tokio::spawn(async move {
        axum::serve(hook_listener, app)
            .with_graceful_shutdown(token.cancelled_owned())
            .await
    });

    let mut config = SimulatorConfig::new(&sim_url, secret.clone());
    config.openai_webhook_url = Some(webhook_url.clone());
    config.start_delay = Duration::from_millis(20);
    config.run_time = Duration::from_millis(50);
    config.faults = faults;
    let simulator = Simulator::new(config);
    tokio::spawn(simulator.clone().serve(sim_listener, shutdown.clone()));

    let client = ReplicateClient::new(ReplicateConfig {
        base_url: format!("{sim_url}/v1"),
        api_token: "r8_test".to_owned().into(),
        timeout: Duration::from_secs(10),
        creates_per_minute: imagegen_providers::REPLICATE_CREATES_PER_MINUTE,
    })
    .unwrap();
    let openai = OpenAiClient::new(OpenAiConfig {
        base_url: format!("{sim_url}/v1"),
        api_key: "sk-test".to_owned().into(),
        model: imagegen_providers::DEFAULT_OPENAI_MODEL.to_owned(),
        timeout: Duration::from_secs(10),
    })
    .unwrap();
    Harness {
        client,
        openai,
        simulator,
        sim_url,
        webhook_url,
        received,
        secret,
        _shutdown: shutdown.drop_guard(),
    }
}

impl Harness {
    /// Waits until `n` webhooks arrived, and returns them.
    pub async fn webhooks(&self, n: usize) -> Vec<Received> {
        for _ in 0..200 {
            let got = self.received.lock().unwrap().clone();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "expected {n} webhooks, got {}",
            self.received.lock().unwrap().len()
        );
    }
}
