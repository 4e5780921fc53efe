//! The production shape on one machine: Postgres, Redis, a Replicate-compatible
//! simulator (served by this test process), two `imagegen-api` and two
//! `imagegen-worker` processes, and HAProxy with the repository's own
//! `deploy/haproxy/haproxy.cfg` in front of the apis.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use imagegen_simulator::{Simulator, SimulatorConfig};
use imagegen_webhooks::WebhookSecret;
use tokio_util::sync::CancellationToken;

use crate::{PROCESS_JWT_SECRET, WEBHOOK_SECRET, free_port};

/// A process of the deployment, killed when the test ends however it ends.
pub struct Process {
    pub child: Child,
    pub port: u16,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Process {
    /// Sends SIGTERM or SIGKILL.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -{signal} failed");
    }

    /// Waits (60 s at most) for the process to end.
    pub async fn ended(&mut self) {
        for _ in 0..600 {
            if self.child.try_wait().unwrap().is_some() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("process {} did not end within 60 s", self.child.id());
    }
}

pub struct Deployment {
    pub vars: Vec<(String, String)>,
    pub balancer: String,
    pub apis: Vec<Process>,
    pub workers: Vec<Process>,
    _haproxy: Process,
    _database: imagegen_test_support::TestDatabase,
    _simulator: Simulator,
}

fn worker_binary() -> PathBuf {
    // Built by the same `cargo test` (its package's own tests need it).
    let path = Path::new(env!("CARGO_BIN_EXE_imagegen-api")).with_file_name("imagegen-worker");
    assert!(
        path.exists(),
        "{} is not built: cargo build -p imagegen-worker",
        path.display()
    );
    path
}

fn haproxy() -> &'static str {
    let found = Command::new("haproxy")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "no haproxy for the load-balancer test: run scripts/install-test-services (Debian package haproxy)"
    );
    "haproxy"
}

impl Deployment {
    pub async fn start(shutdown: &CancellationToken) -> Self {
        let database = imagegen_test_support::postgres().await;
        let redis = imagegen_test_support::redis();
        let data = imagegen_test_support::scratch_dir("imagegen-lb");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let sim_url = format!("http://{}", listener.local_addr().unwrap());
        let mut config =
            SimulatorConfig::new(&sim_url, WebhookSecret::parse(WEBHOOK_SECRET).unwrap());
        config.start_delay = Duration::from_millis(200);
        config.run_time = Duration::from_millis(1500);
        let simulator = Simulator::new(config);
        tokio::spawn(simulator.clone().serve(listener, shutdown.clone()));
        let (api_ports, lb_port) = ([free_port(), free_port()], free_port());
        let balancer = format!("http://127.0.0.1:{lb_port}");
        let vars: Vec<(String, String)> = [
            ("DATABASE_URL", database.url.clone()),
            ("REDIS_URL", redis.url.clone()),
            ("IMAGEGEN_REDIS_PREFIX", redis.prefix.clone()),
            ("IMAGEGEN_DATA_DIR", data.to_string_lossy().into_owned()),
            ("IMAGEGEN_PROVIDER", "replicate".to_owned()),
            ("IMAGEGEN_REPLICATE_BASE_URL", format!("{sim_url}/v1")),
            ("IMAGEGEN_REPLICATE_API_TOKEN", "r8_test".to_owned()),
            ("IMAGEGEN_REPLICATE_CREATES_PER_MINUTE", "100000".to_owned()),
            ("IMAGEGEN_WEBHOOK_SECRETS", WEBHOOK_SECRET.to_owned()),
            ("IMAGEGEN_FETCH_ALLOW_PRIVATE", "true".to_owned()),
            ("IMAGEGEN_JWT_SECRET", PROCESS_JWT_SECRET.to_owned()),
            // Providers reach the webhooks through the balancer, as in production.
            ("IMAGEGEN_PUBLIC_BASE_URL", balancer.clone()),
            ("IMAGEGEN_TRUSTED_PROXIES", "127.0.0.1".to_owned()),
            // Above HAProxy's `inter 1s fall 2`: out of rotation before it closes.
            ("IMAGEGEN_SHUTDOWN_DELAY_SECS", "3".to_owned()),
            ("IMAGEGEN_JOB_LEASE_SECS", "3".to_owned()),
            ("IMAGEGEN_RECONCILE_AFTER_SECS", "5".to_owned()),
            ("IMAGEGEN_CREATE_RATE_PER_MINUTE", "100000".to_owned()),
            ("IMAGEGEN_MAX_IN_FLIGHT", "1000".to_owned()),
            ("RUST_LOG", "warn".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let mut deployment = Self {
            vars,
            balancer,
            apis: Vec::new(),
            workers: Vec::new(),
            _haproxy: Process {
                child: spawn_haproxy(lb_port, api_ports),
                port: lb_port,
            },
            _database: database,
            _simulator: simulator,
        };
        for port in api_ports {
            let api = deployment.api(port).await;
            deployment.apis.push(api);
        }
        for _ in 0..2 {
            let worker = deployment.worker().await;
            deployment.workers.push(worker);
        }
        deployment.until_balanced().await;
        deployment
    }

    /// An api on `port`; returns once it is ready.
    pub async fn api(&self, port: u16) -> Process {
        let program = Path::new(env!("CARGO_BIN_EXE_imagegen-api"));
        self.process(program, ("IMAGEGEN_LISTEN", port), "readyz")
            .await
    }

    pub async fn worker(&self) -> Process {
        let program = worker_binary();
        self.process(&program, ("IMAGEGEN_WORKER_LISTEN", free_port()), "healthz")
            .await
    }

    /// `program` with the deployment's variables, listening where `listen` says;
    /// returns once its `/{check}` answers.
    async fn process(&self, program: &Path, listen: (&str, u16), check: &str) -> Process {
        let (variable, port) = listen;
        let child = Command::new(program)
            .envs(self.vars.iter().cloned())
            .env(variable, format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let process = Process { child, port };
        until_ok(&format!("http://127.0.0.1:{port}/{check}")).await;
        process
    }

    /// Waits until the balancer answers through to an api.
    pub async fn until_balanced(&self) {
        until_ok(&format!("{}/readyz", self.balancer)).await;
    }
}

fn spawn_haproxy(lb_port: u16, apis: [u16; 2]) -> Child {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/haproxy");
    Command::new(haproxy())
        .arg("-db")
        .arg("-f")
        .arg(dir.join("haproxy.cfg"))
        .env("IMAGEGEN_LB_ERRORS", dir.join("errors"))
        .env("IMAGEGEN_LB_LISTEN", format!("127.0.0.1:{lb_port}"))
        .env("IMAGEGEN_API_1", format!("127.0.0.1:{}", apis[0]))
        .env("IMAGEGEN_API_2", format!("127.0.0.1:{}", apis[1]))
        .env("IMAGEGEN_LB_STATS", format!("127.0.0.1:{}", free_port()))
        // Its access log (stdout) is not needed; its start-up errors (stderr) are.
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// Polls `url` until it answers 200 (60 s at most).
pub async fn until_ok(url: &str) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    for _ in 0..600 {
        if http.get(url).send().await.is_ok_and(|r| r.status() == 200) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{url} did not answer 200 within 60 s");
}
