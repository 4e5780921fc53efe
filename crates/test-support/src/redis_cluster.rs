//! A Redis in cluster mode for tests: one `redis-server` with `cluster-enabled yes`
//! that owns every hash slot. A cluster node refuses a command or a script whose keys
//! fall in different slots (`CROSSSLOT`, "Script attempted to access keys that do not
//! hash to the same slot"), so the adapters' contract suites run against it prove that
//! every step keeps to one slot, as a Redis Cluster needs.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::OnceLock;
use std::time::Duration;

use crate::TestRedis;
use crate::redis::{HOW_TO_GET_ONE, start_on};

static SERVER: OnceLock<Result<String, String>> = OnceLock::new();

/// The process's cluster-mode Redis, started on first use, with a fresh prefix.
///
/// # Panics
/// When `redis-server` cannot be started in cluster mode, with a message that says how
/// to get it.
pub fn cluster_mode_redis() -> TestRedis {
    let url = SERVER
        .get_or_init(|| {
            let config = std::env::temp_dir().join(format!(
                "imagegen-nodes-{}.conf",
                uuid::Uuid::new_v4().simple()
            ));
            let config = config.display().to_string();
            let args = ["--cluster-enabled", "yes", "--cluster-config-file", &config];
            let url = start_on(cluster_port()?, &args)?;
            claim_every_slot(&url)?;
            Ok(url)
        })
        .as_ref()
        .unwrap_or_else(|message| panic!("{message}\n{HOW_TO_GET_ONE}"));
    TestRedis {
        url: url.clone(),
        prefix: format!("test:{}:", uuid::Uuid::new_v4().simple()),
    }
}

/// A free port for a cluster node: its bus listens 10,000 above it, so both must be
/// free and the port at most 55,535.
fn cluster_port() -> Result<u16, String> {
    let free = |port: u16| TcpListener::bind(("127.0.0.1", port)).is_ok();
    let seed = u16::try_from(std::process::id() % 30_000).unwrap_or(0);
    (0..30_000u16)
        .map(|i| 20_000 + (seed + i) % 30_000)
        .find(|&port| free(port) && free(port + 10_000))
        .ok_or_else(|| "no free port pair for a cluster-mode redis-server".to_owned())
}

/// Sends one inline command; returns the reply's first line and, for a bulk reply,
/// its text.
fn command(stream: &mut BufReader<TcpStream>, line: &str) -> Result<String, String> {
    stream
        .get_mut()
        .write_all(format!("{line}\r\n").as_bytes())
        .map_err(|e| format!("{line}: {e}"))?;
    let mut reply = String::new();
    stream
        .read_line(&mut reply)
        .map_err(|e| format!("{line}: {e}"))?;
    if let Some(length) = reply.strip_prefix('$') {
        let length: usize = length
            .trim()
            .parse()
            .map_err(|_| format!("{line}: {reply}"))?;
        let mut text = vec![0; length + 2];
        std::io::Read::read_exact(stream, &mut text).map_err(|e| format!("{line}: {e}"))?;
        return Ok(String::from_utf8_lossy(&text).into_owned());
    }
    Ok(reply)
}

/// Gives the node every slot and waits until the cluster says `ok`.
fn claim_every_slot(url: &str) -> Result<(), String> {
    let address = url.trim_start_matches("redis://");
    let stream = TcpStream::connect(address).map_err(|e| format!("{address}: {e}"))?;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut stream = BufReader::new(stream);
    let reply = command(&mut stream, "CLUSTER ADDSLOTSRANGE 0 16383")?;
    if !reply.starts_with("+OK") {
        return Err(format!("CLUSTER ADDSLOTSRANGE answered {reply}"));
    }
    for _ in 0..500 {
        if command(&mut stream, "CLUSTER INFO")?.contains("cluster_state:ok") {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err("the cluster-mode redis-server never reported cluster_state:ok".to_owned())
}
