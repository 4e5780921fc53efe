//! Starting the pieces of a distributed deployment for a test.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use imagegen_simulator::{Simulator, SimulatorConfig};
use imagegen_webhooks::WebhookSecret;
use tokio_util::sync::CancellationToken;

pub const WEBHOOK_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
pub const JWT_SECRET: &str = "cluster-test-secret-cluster-test-secret";

/// A worker process and the port of its health endpoint; killed when the test ends,
/// even on a failed assertion.
pub struct Running(pub Child, pub u16);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What every process of the deployment shares.
pub struct Shared {
    pub vars: Vec<(String, String)>,
    pub simulator: Simulator,
    _database: imagegen_test_support::TestDatabase,
}

/// A database, a Redis prefix, shared image storage and a simulator.
pub async fn shared(shutdown: &CancellationToken) -> Shared {
    let database = imagegen_test_support::postgres().await;
    let redis = imagegen_test_support::redis();
    let data = imagegen_test_support::scratch_dir("imagegen-cluster");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sim_url = format!("http://{}", listener.local_addr().unwrap());
    let mut config = SimulatorConfig::new(&sim_url, WebhookSecret::parse(WEBHOOK_SECRET).unwrap());
    config.start_delay = Duration::from_millis(100);
    config.run_time = Duration::from_millis(1500);
    let simulator = Simulator::new(config);
    tokio::spawn(simulator.clone().serve(listener, shutdown.clone()));
    let vars = [
        ("DATABASE_URL", database.url.clone()),
        ("REDIS_URL", redis.url.clone()),
        ("IMAGEGEN_REDIS_PREFIX", redis.prefix.clone()),
        ("IMAGEGEN_DATA_DIR", data.to_string_lossy().into_owned()),
        ("IMAGEGEN_PROVIDER", "replicate".to_owned()),
        ("IMAGEGEN_REPLICATE_BASE_URL", format!("{sim_url}/v1")),
        ("IMAGEGEN_REPLICATE_API_TOKEN", "r8_test".to_owned()),
        ("IMAGEGEN_WEBHOOK_SECRETS", WEBHOOK_SECRET.to_owned()),
        ("IMAGEGEN_FETCH_ALLOW_PRIVATE", "true".to_owned()),
        ("IMAGEGEN_JWT_SECRET", JWT_SECRET.to_owned()),
        // A killed worker's jobs come back after 2 s instead of 30.
        ("IMAGEGEN_JOB_LEASE_SECS", "2".to_owned()),
    ];
    Shared {
        vars: vars.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        simulator,
        _database: database,
    }
}

/// An api instance in this process; returns its base URL.
pub async fn api(shared: &Shared, shutdown: &CancellationToken) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let config = imagegen_bootstrap::Config::from_vars(shared.vars.clone()).unwrap();
    let server = imagegen_api::start(config, listener, shutdown.clone())
        .await
        .unwrap();
    tokio::spawn(server.serve());
    base
}

/// An `imagegen-worker` process whose providers' webhooks go to `api`; waits until its
/// health endpoint answers.
pub async fn worker(shared: &Shared, api: &str) -> Running {
    worker_with(&shared.vars, api).await
}

/// An `imagegen-worker` process with `vars`, whose providers' webhooks go to `api`;
/// waits until its health endpoint answers.
pub async fn worker_with(vars: &[(String, String)], api: &str) -> Running {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_imagegen-worker"))
        .envs(vars.iter().cloned())
        .env("IMAGEGEN_PUBLIC_BASE_URL", api)
        .env("IMAGEGEN_WORKER_LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let running = Running(child, port);
    let health = format!("http://127.0.0.1:{port}/healthz");
    for _ in 0..1200 {
        if reqwest::get(&health).await.is_ok_and(|r| r.status() == 200) {
            return running;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the worker did not become healthy within 30 s");
}

/// A new user and a ten-minute token for it.
pub fn user_token() -> (String, imagegen_application::Caller) {
    let caller = imagegen_application::Caller {
        user_id: imagegen_domain::UserId::from_uuid(uuid::Uuid::new_v4()),
        organization_id: imagegen_domain::OrganizationId::from_uuid(uuid::Uuid::new_v4()),
        role: imagegen_application::Role::User,
    };
    let token = imagegen_bootstrap::JwtCodec::new(JWT_SECRET.as_bytes())
        .issue(&caller, chrono::Duration::minutes(10))
        .unwrap();
    (token, caller)
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
