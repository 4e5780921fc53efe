//! A `redis-server` of a test's own that can be killed and started again on the same
//! port with its data kept, as a production Redis restarts.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use crate::redis::HOW_TO_GET_ONE;

/// A `redis-server` of the caller's own that can be stopped and started again on the
/// same port, with its data kept on disk (append-only file, synced on every write),
/// as a production Redis restarts.
#[derive(Debug)]
pub struct RedisServer {
    port: u16,
    dir: PathBuf,
    /// Arguments beyond port, address, persistence and directory.
    extra: Vec<String>,
    child: Mutex<Option<Child>>,
}

impl RedisServer {
    /// Starts a server on a free port.
    ///
    /// # Panics
    /// When `redis-server` cannot be started, with a message that says how to get it.
    pub fn start_new() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap_or_else(|e| panic!("finding a free port: {e}"))
            .port();
        Self::start_with(port, &[]).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Starts a server on `port` with `extra` arguments (in its own directory, which
    /// is also the working directory of relative paths such as a cluster's
    /// `nodes.conf`).
    pub(crate) fn start_with(port: u16, extra: &[&str]) -> Result<Self, String> {
        let dir =
            std::env::temp_dir().join(format!("imagegen-redis-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        // redis-server renames its process, so it is found by its pid file, which each
        // (re)start rewrites.
        crate::when_we_exit(&format!(
            "kill $(cat '{dir}/redis.pid' 2>/dev/null) 2>/dev/null; rm -rf '{dir}'",
            dir = dir.display()
        ));
        let server = Self {
            port,
            dir,
            extra: extra.iter().map(|&a| a.to_owned()).collect(),
            child: Mutex::new(None),
        };
        server.try_start()?;
        Ok(server)
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Its port.
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// Starts it (again) and waits until it answers.
    ///
    /// # Panics
    /// When it does not start.
    pub fn start(&self) {
        self.try_start().unwrap_or_else(|e| panic!("{e}"));
    }

    fn try_start(&self) -> Result<(), String> {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args([
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
            ])
            .args(&self.extra)
            .arg("--dir")
            .arg(&self.dir)
            .arg("--pidfile")
            .arg(self.dir.join("redis.pid"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start redis-server: {e}\n{HOW_TO_GET_ONE}"))?;
        let mut held = self.child.lock().unwrap_or_else(PoisonError::into_inner);
        *held = Some(child);
        for _ in 0..500 {
            // Ours, not whatever else took the port meanwhile.
            if let Some(Ok(Some(status))) = held.as_mut().map(Child::try_wait) {
                return Err(format!(
                    "redis-server on port {} exited ({status}): the port was taken?",
                    self.port
                ));
            }
            let pid = held.as_ref().map_or(0, Child::id);
            if crate::answers::redis_is(self.port, pid) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Err(format!("redis-server did not answer on port {}", self.port))
    }

    /// Stops it at once (SIGKILL: every connection drops; the append-only file keeps
    /// what was written).
    pub fn stop(&self) {
        if let Some(mut child) = self
            .child
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
