//! Starts the api and talks to it.

use std::time::Duration;

use futures::StreamExt;
use imagegen_application::{Caller, Role};
use imagegen_bootstrap::{Config, JwtCodec};
use imagegen_domain::{OrganizationId, UserId};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

pub const SECRET: &str = "e2e-secret-e2e-secret-e2e-secret-e2e";

pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
    /// The api's in-process simulator, when it runs one, for its call counts.
    pub simulator: Option<imagegen_simulator::Simulator>,
    /// The api's services, for the queue's counts.
    pub services: std::sync::Arc<imagegen_bootstrap::Services>,
    /// The api's event store, to prune it as the retention would.
    pub event_store: std::sync::Arc<dyn imagegen_application::ports::EventStore>,
    shutdown: CancellationToken,
    server: tokio::task::JoinHandle<()>,
    /// The durable mode's database, dropped after the api.
    pub(crate) database: Option<imagegen_test_support::TestDatabase>,
}

/// A user with a token.
pub struct User {
    pub id: Uuid,
    pub org: Uuid,
    pub token: String,
}

pub fn user() -> User {
    let (id, org) = (Uuid::new_v4(), Uuid::new_v4());
    let caller = Caller {
        user_id: UserId::from_uuid(id),
        organization_id: OrganizationId::from_uuid(org),
        role: Role::User,
    };
    let token = JwtCodec::new(SECRET.as_bytes())
        .issue(&caller, chrono::Duration::minutes(10))
        .unwrap();
    User { id, org, token }
}

/// The webhook secret of [`start_with_secret`] (vector A of providers.md).
pub const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

pub async fn start() -> Api {
    start_with(&[]).await
}

/// Starts the api with a known webhook secret, so tests can sign their own webhooks.
pub async fn start_with_secret() -> Api {
    start_with(&[("IMAGEGEN_WEBHOOK_SECRETS", WEBHOOK_SECRET)]).await
}

/// Starts the api with quick simulator timings plus `extra` variables.
pub async fn start_with(extra: &[(&str, &str)]) -> Api {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut vars = vec![
        ("IMAGEGEN_JWT_SECRET", SECRET),
        ("IMAGEGEN_SIM_START_DELAY_MS", "100"),
        ("IMAGEGEN_SIM_RUN_MS", "200"),
    ];
    vars.extend_from_slice(extra);
    // Files go to a directory removed when the test process ends.
    let scratch = imagegen_test_support::scratch_dir("imagegen-e2e");
    let scratch = scratch.to_string_lossy().into_owned();
    if !extra.iter().any(|(k, _)| *k == "IMAGEGEN_DATA_DIR") {
        vars.push(("IMAGEGEN_DATA_DIR", scratch.as_str()));
    }
    let config =
        Config::from_vars(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))).unwrap();
    let shutdown = CancellationToken::new();
    let started = imagegen_api::start(config, listener, shutdown.clone())
        .await
        .unwrap();
    let simulator = started.simulator().cloned();
    let services = started.services();
    let event_store = started.event_store();
    let server = tokio::spawn(async move { started.serve().await.unwrap() });
    Api {
        base,
        http: reqwest::Client::new(),
        simulator,
        services,
        event_store,
        shutdown,
        server,
        database: None,
    }
}

pub use crate::waiting::{eventually_async, until};

/// One SSE message.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: String,
    pub event: String,
    pub data: serde_json::Value,
}

/// Waits until `condition` holds, checking every 20 ms for up to 30 s.
pub async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !condition() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

impl Api {
    /// The api's in-process simulator.
    pub fn sim(&self) -> &imagegen_simulator::Simulator {
        self.simulator
            .as_ref()
            .expect("the api runs the in-process simulator")
    }

    /// Opens an SSE stream; returns its messages as they arrive.
    pub async fn events(
        &self,
        query: &str,
        last_event_id: Option<&str>,
    ) -> tokio::sync::mpsc::UnboundedReceiver<Message> {
        let mut request = self.http.get(format!("{}/v1/events?{query}", self.base));
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id);
        }
        let response = request.send().await.unwrap();
        assert_eq!(
            response.status(),
            200,
            "SSE refused: {}",
            response.text().await.unwrap_or_default()
        );
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
        let mut stream = eventsource_stream::EventStream::new(response.bytes_stream());
        tokio::spawn(async move {
            while let Some(Ok(event)) = stream.next().await {
                let data = serde_json::from_str(&event.data).unwrap();
                if sender
                    .send(Message {
                        id: event.id,
                        event: event.event,
                        data,
                    })
                    .is_err()
                {
                    break;
                }
            }
        });
        receiver
    }

    /// The SSE stream of the user's own channel.
    pub async fn watch_user(&self, user: &User) -> tokio::sync::mpsc::UnboundedReceiver<Message> {
        self.events(
            &format!("channel=user:{}&access_token={}", user.id, user.token),
            None,
        )
        .await
    }

    /// Creates a generation, expecting 202, and returns its JSON.
    pub async fn create_ok(&self, user: &User, body: serde_json::Value) -> serde_json::Value {
        let response = self.create(user, body).await;
        assert_eq!(response.status(), 202);
        response.json().await.unwrap()
    }

    /// Reads a generation as `user`, expecting 200.
    pub async fn generation(&self, user: &User, id: &str) -> serde_json::Value {
        let response = self.get(user, &format!("/v1/generations/{id}")).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    pub async fn create(&self, user: &User, body: serde_json::Value) -> reqwest::Response {
        self.http
            .post(format!("{}/v1/generations", self.base))
            .bearer_auth(&user.token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, user: &User, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&user.token)
            .send()
            .await
            .unwrap()
    }

    /// `GET path` as the holder of `token`, its JSON body.
    pub async fn get_json(&self, path: &str, token: &str) -> serde_json::Value {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        response.json().await.unwrap()
    }

    /// Stops the api and waits for a clean shutdown.
    pub async fn stop(self) {
        self.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(30), self.server)
            .await
            .unwrap()
            .unwrap();
    }
}

/// Asserts that `seen` holds the events of `generation` once each, in sequence from 1.
pub fn assert_once_in_order(seen: &[Message], generation: &str) {
    let sequences: Vec<u64> = seen
        .iter()
        .filter(|m| m.data["aggregate_id"] == generation)
        .map(|m| m.data["sequence"].as_u64().unwrap_or(0))
        .collect();
    assert!(!sequences.is_empty(), "no event of {generation}");
    let expected: Vec<u64> = (1..=sequences.len() as u64).collect();
    assert_eq!(
        sequences, expected,
        "each event of {generation} once, in order"
    );
}
