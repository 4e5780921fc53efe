//! A Redis for tests: `TEST_REDIS_URL`, or a throwaway `redis-server` (no persistence)
//! started once per test process on a free port and stopped when the process exits, or
//! (cargo feature `testcontainers`) a container when no `redis-server` is installed.
//! Tests share the server and keep apart by a key prefix of their own.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

static SERVER: OnceLock<Result<String, String>> = OnceLock::new();

pub(crate) const HOW_TO_GET_ONE: &str = "no Redis for the tests: install redis-server (Debian: \
`apt-get install -y redis-server`, or run scripts/install-test-services), or set \
TEST_REDIS_URL=redis://host:6379, or enable the `testcontainers` feature of \
imagegen-test-support with a running Docker engine";

/// A Redis container, when `redis-server` is not installed.
#[cfg(feature = "testcontainers")]
fn container() -> Result<String, String> {
    use testcontainers_modules::redis::{REDIS_PORT, Redis};
    use testcontainers_modules::testcontainers::runners::SyncRunner;
    let node = Redis::default()
        .start()
        .map_err(|e| format!("testcontainers could not start Redis: {e}"))?;
    let port = node
        .get_host_port_ipv4(REDIS_PORT)
        .map_err(|e| format!("testcontainers: {e}"))?;
    // The container lives as long as the process.
    std::mem::forget(node);
    Ok(format!("redis://127.0.0.1:{port}"))
}

#[cfg(not(feature = "testcontainers"))]
fn container() -> Result<String, String> {
    Err("the `testcontainers` feature is off".to_owned())
}

/// A Redis server and a key prefix no other test uses.
#[derive(Debug, Clone)]
pub struct TestRedis {
    /// Connects to the server.
    pub url: String,
    /// Prefix every key and channel of this test with it.
    pub prefix: String,
}

/// The process's Redis, found or started on first use, with a fresh prefix.
///
/// # Panics
/// When no Redis can be had, with a message that says how to get one.
pub fn redis() -> TestRedis {
    let url = SERVER
        .get_or_init(|| match std::env::var("TEST_REDIS_URL") {
            Ok(url) => Ok(url),
            Err(_) if crate::prefer_containers() => container()
                .or_else(|c| start(&[]).map_err(|local| format!("{c}; {local}")))
                .map_err(|e| format!("{e}\n{HOW_TO_GET_ONE}")),
            Err(_) => start(&[])
                .or_else(|local| container().map_err(|e| format!("{local}; {e}")))
                .map_err(|e| format!("{e}\n{HOW_TO_GET_ONE}")),
        })
        .as_ref()
        .unwrap_or_else(|message| panic!("{message}"));
    TestRedis {
        url: url.clone(),
        prefix: format!("test:{}:", uuid::Uuid::new_v4().simple()),
    }
}

/// A `redis-server` of the caller's own, for tests that disrupt their server (kill its
/// connections, restart it).
///
/// # Panics
/// When `redis-server` cannot be started, with a message that says how to get it.
pub fn dedicated_redis() -> TestRedis {
    let url = start(&[]).unwrap_or_else(|e| panic!("{e}\n{HOW_TO_GET_ONE}"));
    TestRedis {
        url,
        prefix: "test:".to_owned(),
    }
}

/// Starts a throwaway `redis-server` with `extra` arguments; returns its URL.
pub(crate) fn start(extra: &[&str]) -> Result<String, String> {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("finding a free port: {e}"))?
        .port();
    start_on(port, extra)
}

/// Starts a throwaway `redis-server` on `port` with `extra` arguments.
pub(crate) fn start_on(port: u16, extra: &[&str]) -> Result<String, String> {
    let dir =
        std::env::temp_dir().join(format!("imagegen-redis-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let child = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .args(extra)
        .arg("--dir")
        .arg(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start redis-server: {e}"))?;
    crate::when_we_exit(&format!(
        "kill {redis} 2>/dev/null; rm -rf '{dir}'",
        redis = child.id(),
        dir = dir.display(),
    ));
    let mut child = child;
    for _ in 0..500 {
        // Ours, not whatever else took the port meanwhile: a server that could not
        // bind it has exited, and the one that answers must say it is our process.
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "redis-server on port {port} exited ({status}): the port was taken?"
            ));
        }
        if crate::answers::redis_is(port, child.id()) {
            return Ok(format!("redis://127.0.0.1:{port}"));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Err(format!("redis-server did not answer on port {port}"))
}
