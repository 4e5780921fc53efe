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
static CLUSTER: OnceLock<Result<String, String>> = OnceLock::new();

/// The arguments of a cluster-mode node; its `nodes.conf` goes in its own directory
/// (`--dir`), removed with it.
pub(crate) const CLUSTER_NODE: [&str; 4] = [
    "--cluster-enabled",
    "yes",
    "--cluster-config-file",
    "nodes.conf",
];

/// The process's three-node Redis Cluster, started on first use, its slots split in
/// thirds, with a fresh prefix. Its URL lists the three nodes, comma-separated, as a
/// deployment names a cluster: commands must be routed to the node owning their slot.
///
/// # Panics
/// When the nodes cannot be started, with a message that says how to get Redis.
pub fn redis_cluster() -> TestRedis {
    // Test processes start at once and may pick the same free ports; a clash makes
    // one of them find a node it does not own, and it starts again elsewhere.
    let url = CLUSTER
        .get_or_init(|| {
            (1..5)
                .map(|_| three_nodes())
                .find(Result::is_ok)
                .unwrap_or_else(three_nodes)
        })
        .as_ref()
        .unwrap_or_else(|message| panic!("{message}\n{HOW_TO_GET_ONE}"));
    TestRedis {
        url: url.clone(),
        prefix: format!("test:{}:", uuid::Uuid::new_v4().simple()),
    }
}

fn three_nodes() -> Result<String, String> {
    let mut urls = Vec::new();
    for _ in 0..3 {
        urls.push(start_on(cluster_port()?, &CLUSTER_NODE)?);
    }
    form_cluster(&urls)?;
    Ok(urls.join(","))
}

/// Joins the cluster-mode nodes at `urls`, gives each an equal share of the slots and
/// waits until each says the cluster is `ok`.
pub(crate) fn form_cluster(urls: &[String]) -> Result<(), String> {
    let mut nodes = Vec::new();
    for url in urls {
        let address = url.trim_start_matches("redis://");
        let stream = TcpStream::connect(address).map_err(|e| format!("{address}: {e}"))?;
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        nodes.push((address.to_owned(), BufReader::new(stream)));
    }
    let (first, others) = nodes.split_at_mut(1);
    for (address, _) in others.iter() {
        let (host, port) = address.split_once(':').unwrap_or((address, ""));
        command(&mut first[0].1, &format!("CLUSTER MEET {host} {port}"))?;
    }
    let count = nodes.len();
    for (i, (_, node)) in nodes.iter_mut().enumerate() {
        let (from, to) = (i * 16384 / count, (i + 1) * 16384 / count - 1);
        let reply = command(node, &format!("CLUSTER ADDSLOTSRANGE {from} {to}"))?;
        if !reply.starts_with("+OK") {
            return Err(format!("CLUSTER ADDSLOTSRANGE answered {reply}"));
        }
    }
    let known = format!("cluster_known_nodes:{count}");
    for _ in 0..1000 {
        let mut ready = true;
        for (_, node) in &mut nodes {
            let info = command(node, "CLUSTER INFO")?;
            ready &= info.contains("cluster_state:ok") && info.contains(&known);
        }
        if ready {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err("the Redis Cluster never reported cluster_state:ok".to_owned())
}

/// The process's cluster-mode Redis, started on first use, with a fresh prefix.
///
/// # Panics
/// When `redis-server` cannot be started in cluster mode, with a message that says how
/// to get it.
pub fn cluster_mode_redis() -> TestRedis {
    let url = SERVER
        .get_or_init(|| {
            let url = start_on(cluster_port()?, &CLUSTER_NODE)?;
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
pub(crate) fn cluster_port() -> Result<u16, String> {
    let free = |port: u16| TcpListener::bind(("127.0.0.1", port)).is_ok();
    // Random, not the process id: test processes have neighbouring ids.
    let seed = u16::try_from(uuid::Uuid::new_v4().as_u128() % 30_000).unwrap_or(0);
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
