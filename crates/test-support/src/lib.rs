//! Real Postgres and Redis for imagegen's tests. [`postgres`] gives each test a database of its
//! own, from the first source that answers:
//!
//! 1. `TEST_DATABASE_URL`: a server you run (the URL's user must be allowed to create
//!    databases);
//! 2. a throwaway cluster started once per test process with `initdb` and `pg_ctl`
//!    from the PostgreSQL binaries (Debian's `/usr/lib/postgresql/<version>/bin`, or
//!    `IMAGEGEN_PG_BIN`), on a free port, run as the `postgres` user when the tests run
//!    as root, and stopped when the process exits;
//! 3. with the cargo feature `testcontainers`, a container when a Docker engine answers
//!    (first, before the local binaries, when `IMAGEGEN_TEST_CONTAINERS=1` or a Docker
//!    engine is found).
//!
//! [`redis`] gives a test a Redis (`TEST_REDIS_URL`, or a throwaway `redis-server`)
//! and a key prefix of its own; [`cluster_mode_redis`] one in cluster mode, which refuses
//! anything that crosses hash slots.
//!
//! [`dedicated_cluster`] gives a test a cluster of its own to stop and start (a
//! database server restarted under a running api).
//!
//! If none can be had it panics with a message that says how to get one: a test that
//! needs Postgres never passes silently without it.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod answers;
mod cluster;
mod database;
mod local;
mod redis;
mod redis_cluster;
mod redis_cluster_change;
mod redis_server;

pub use database::{TestDatabase, database_on, postgres};
pub use local::{LocalCluster, dedicated_cluster};
pub use redis::{TestRedis, dedicated_redis, redis};
pub use redis_cluster::{cluster_mode_redis, redis_cluster};
pub use redis_cluster_change::ChangingCluster;
pub use redis_server::RedisServer;

/// Whether to start servers as containers first: the `testcontainers` feature is on
/// and a Docker engine is there (`IMAGEGEN_TEST_CONTAINERS=1`, `DOCKER_HOST`, or
/// `/var/run/docker.sock`). Otherwise containers are the last resort, after the local
/// server binaries.
pub(crate) fn prefer_containers() -> bool {
    cfg!(feature = "testcontainers")
        && (std::env::var("IMAGEGEN_TEST_CONTAINERS").is_ok_and(|v| v == "1")
            || std::env::var_os("DOCKER_HOST").is_some()
            || std::path::Path::new("/var/run/docker.sock").exists())
}

/// A new directory under the system's temporary one, named `{prefix}-{uuid}`, removed
/// once this test process has exited, however the tests end.
///
/// # Panics
/// When the directory cannot be made.
pub fn scratch_dir(prefix: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
    when_we_exit(&format!("rm -rf '{}'", dir.display()));
    dir
}

/// Runs `cleanup` (a shell command) once this test process has exited: throwaway
/// servers stop and their files go, however the tests end.
pub(crate) fn when_we_exit(cleanup: &str) {
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {cleanup}",
        pid = std::process::id()
    );
    let _ = std::process::Command::new("sh")
        .args(["-c", &script])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

/// What tests print when no Postgres can be had.
pub(crate) const HOW_TO_GET_ONE: &str = "no PostgreSQL for the tests: install the server binaries \
(Debian: `apt-get install -y postgresql`), or set TEST_DATABASE_URL=postgres://user:pass@host/db \
to a server whose user may create databases, or enable the `testcontainers` feature of \
imagegen-test-support with a running Docker engine";
