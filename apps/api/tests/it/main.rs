//! The `imagegen-api` binary as users run it, as a real process.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod binary;
mod browsers;
mod crash_recovery;
mod durable_binary;
mod js_clients;
mod load_balancer;
mod metrics;
mod openai_provider;
mod readme_durable_kill;
mod replicate_provider;
mod traces;
mod webhook_before_its_job;

use std::process::Child;
use std::time::Duration;

use imagegen_simulator::{Simulator, SimulatorConfig};
use imagegen_webhooks::WebhookSecret;
use tokio_util::sync::CancellationToken;

/// The webhook secret the test simulators sign with.
pub const WEBHOOK_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

/// Kills the child when the test ends, even on a failed assertion.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A Replicate-compatible simulator served from this test process (a process apart
/// from the api under test); it stops when `shutdown` is cancelled.
pub async fn simulator(
    start_delay: Duration,
    run_time: Duration,
    shutdown: &CancellationToken,
) -> (Simulator, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let mut config = SimulatorConfig::new(&url, WebhookSecret::parse(WEBHOOK_SECRET).unwrap());
    config.start_delay = start_delay;
    config.run_time = run_time;
    let simulator = Simulator::new(config);
    tokio::spawn(simulator.clone().serve(listener, shutdown.clone()));
    (simulator, url)
}

/// The JWT secret of the process tests that start an api on a provider.
pub const PROCESS_JWT_SECRET: &str = "process-test-secret-process-test-secret";

/// A user's SSE events, as a stream, from the api at `base`.
pub type UserEvents = eventsource_stream::EventStream<
    std::pin::Pin<Box<dyn futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
>;

/// A new user (token signed with [`PROCESS_JWT_SECRET`]) watching its own channel on
/// the api at `base`: its token and its open event stream.
pub async fn watching_user(base: &str) -> (String, UserEvents) {
    let (caller, token) = user_token(PROCESS_JWT_SECRET);
    let events = reqwest::Client::new()
        .get(format!("{base}/v1/events?channel=user:{}", caller.user_id))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), 200);
    let bytes: std::pin::Pin<Box<dyn futures::Stream<Item = _> + Send>> =
        Box::pin(events.bytes_stream());
    (token, eventsource_stream::EventStream::new(bytes))
}

/// A new user and a five-minute token for it, signed with `jwt_secret`.
pub fn user_token(jwt_secret: &str) -> (imagegen_application::Caller, String) {
    let caller = imagegen_application::Caller {
        user_id: imagegen_domain::UserId::from_uuid(uuid::Uuid::new_v4()),
        organization_id: imagegen_domain::OrganizationId::from_uuid(uuid::Uuid::new_v4()),
        role: imagegen_application::Role::User,
    };
    let token = imagegen_bootstrap::JwtCodec::new(jwt_secret.as_bytes())
        .issue(&caller, chrono::Duration::minutes(10))
        .unwrap();
    (caller, token)
}

/// Waits until the api on `port` answers /healthz, failing the test after 30 s. The
/// probe never blocks the test's runtime: a simulator served on it may be what the
/// api is waiting for at start (its webhook secret).
pub async fn until_healthy(port: u16) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/healthz");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while tokio::time::Instant::now() < deadline {
        if http.get(&url).send().await.is_ok_and(|r| r.status() == 200) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the api on port {port} did not become healthy within 30 s");
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The status code of GET /healthz, over a plain TCP connection; 0 when the
/// connection fails or is reset (a process still starting, or stopping).
pub fn healthz_status(port: u16) -> u16 {
    use std::io::{Read, Write};
    let mut response = String::new();
    let answered = std::net::TcpStream::connect(("127.0.0.1", port)).and_then(|mut stream| {
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
        stream.read_to_string(&mut response)
    });
    if answered.is_err() {
        return 0;
    }
    response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

/// GET `url` with `token`; the JSON answer.
pub async fn get_json(http: &reqwest::Client, url: &str, token: &str) -> serde_json::Value {
    let response = http.get(url).bearer_auth(token).send().await.unwrap();
    response.json().await.unwrap()
}

/// POST `body` to `url` with `token`; the JSON answer.
pub async fn post_json(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    body: &serde_json::Value,
) -> serde_json::Value {
    let response = http.post(url).bearer_auth(token).json(body).send().await;
    response.unwrap().json().await.unwrap()
}
