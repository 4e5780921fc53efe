//! A three-node Redis Cluster of a test's own, to change while work flows through it:
//! a node killed and started again (its append-only file, synced on every write, and
//! its cluster configuration kept, as a production node restarts), and one slot moved
//! to another node with the cluster's own commands, one key at a time, so clients
//! meet `ASK` and `TRYAGAIN` while it moves and `MOVED` after.

use std::time::Duration;

use redis::{Connection, RedisResult};

use crate::RedisServer;
use crate::redis::HOW_TO_GET_ONE;
use crate::redis_cluster::{CLUSTER_NODE, cluster_port, form_cluster};

/// A Redis Cluster of the caller's own whose nodes can be restarted and whose slots
/// can be moved. Its nodes stop when the test process ends.
#[derive(Debug)]
pub struct ChangingCluster {
    nodes: Vec<RedisServer>,
}

impl ChangingCluster {
    /// Starts three nodes, each with a third of the slots.
    ///
    /// # Panics
    /// When the nodes cannot be started, with a message that says how to get Redis.
    pub fn start() -> Self {
        // Test processes may pick the same free ports at once: start again elsewhere.
        let mut last = String::new();
        for _ in 0..4 {
            match Self::try_start() {
                Ok(cluster) => return cluster,
                Err(e) => last = e,
            }
        }
        panic!("{last}\n{HOW_TO_GET_ONE}")
    }

    fn try_start() -> Result<Self, String> {
        let mut nodes = Vec::new();
        for _ in 0..3 {
            nodes.push(RedisServer::start_with(cluster_port()?, &CLUSTER_NODE)?);
        }
        let urls: Vec<String> = nodes.iter().map(RedisServer::url).collect();
        form_cluster(&urls)?;
        Ok(Self { nodes })
    }

    /// The nodes' URLs, comma-separated, as a deployment names a cluster.
    pub fn url(&self) -> String {
        let urls: Vec<String> = self.nodes.iter().map(RedisServer::url).collect();
        urls.join(",")
    }

    /// The slot of `key` (of its hash tag, when it has one).
    pub fn slot_of(&self, key: &str) -> u16 {
        let slot: u16 = query(
            &self.nodes[0],
            redis::cmd("CLUSTER").arg("KEYSLOT").arg(key),
        );
        slot
    }

    /// Which node (0, 1 or 2) serves `slot`.
    pub fn owner_of(&self, slot: u16) -> usize {
        (0..self.nodes.len())
            .find(|&node| self.keys_in(node, slot).is_some())
            .unwrap_or_else(|| panic!("no node serves slot {slot}"))
    }

    /// How many keys of `slot` node `node` holds, or `None` when it does not serve
    /// the slot.
    pub fn keys_in(&self, node: usize, slot: u16) -> Option<u64> {
        let nodes: String = query(&self.nodes[node], redis::cmd("CLUSTER").arg("NODES"));
        let mine = nodes.lines().find(|line| line.contains("myself"))?;
        let serves = mine.split(' ').skip(8).any(|range| {
            let (from, to) = range.split_once('-').unwrap_or((range, range));
            let (from, to) = (from.parse().unwrap_or(u16::MAX), to.parse().unwrap_or(0));
            (from..=to).contains(&slot)
        });
        let count = redis::cmd("CLUSTER")
            .arg("COUNTKEYSINSLOT")
            .arg(slot)
            .clone();
        serves.then(|| query(&self.nodes[node], &count))
    }

    /// Kills node `node` (SIGKILL) and starts it again on its port with its files,
    /// then waits until every node says the cluster is `ok`.
    pub fn restart(&self, node: usize) {
        self.nodes[node].stop();
        self.nodes[node].start();
        self.wait_until_ok();
    }

    /// Moves `slot` from the node serving it to node `to`: one key at a time, 50 ms
    /// apart, while clients keep using them.
    ///
    /// # Panics
    /// When a step of the move is refused.
    pub fn move_slot(&self, slot: u16, to: usize) {
        let from = self.owner_of(slot);
        assert_ne!(from, to, "slot {slot} is already on node {to}");
        let (source, target) = (&self.nodes[from], &self.nodes[to]);
        let id = |node: &RedisServer| -> String { query(node, redis::cmd("CLUSTER").arg("MYID")) };
        let (source_id, target_id) = (id(source), id(target));
        let set = |node: &RedisServer, state: &str, other: &str| {
            let _: () = query(
                node,
                redis::cmd("CLUSTER")
                    .arg("SETSLOT")
                    .arg(slot)
                    .arg(state)
                    .arg(other),
            );
        };
        set(target, "IMPORTING", &source_id);
        set(source, "MIGRATING", &target_id);
        loop {
            let keys: Vec<String> = query(
                source,
                redis::cmd("CLUSTER").arg("GETKEYSINSLOT").arg(slot).arg(1),
            );
            if keys.is_empty() {
                break;
            }
            let mut migrate = redis::cmd("MIGRATE");
            migrate
                .arg("127.0.0.1")
                .arg(target.port())
                .arg("")
                .arg(0)
                .arg(5000)
                .arg("KEYS")
                .arg(&keys);
            let _: () = query(source, &migrate);
            std::thread::sleep(Duration::from_millis(50));
        }
        for node in [target, source] {
            set(node, "NODE", &target_id);
        }
        for (n, node) in self.nodes.iter().enumerate() {
            if n != from && n != to {
                set(node, "NODE", &target_id);
            }
        }
        self.wait_until_ok();
    }

    fn wait_until_ok(&self) {
        for _ in 0..1000 {
            let ok = self.nodes.iter().all(|node| {
                connect(node)
                    .and_then(|mut c| redis::cmd("CLUSTER").arg("INFO").query::<String>(&mut c))
                    .is_ok_and(|info| info.contains("cluster_state:ok"))
            });
            if ok {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the cluster never said cluster_state:ok again");
    }
}

fn connect(node: &RedisServer) -> RedisResult<Connection> {
    let client = redis::Client::open(node.url())?;
    client.get_connection_with_timeout(Duration::from_secs(5))
}

fn query<T: redis::FromRedisValue>(node: &RedisServer, command: &redis::Cmd) -> T {
    connect(node)
        .and_then(|mut connection| command.query(&mut connection))
        .unwrap_or_else(|e| panic!("{} on {}: {e}", describe(command), node.url()))
}

fn describe(command: &redis::Cmd) -> String {
    command
        .args_iter()
        .take(3)
        .map(|arg| match arg {
            redis::Arg::Simple(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            redis::Arg::Cursor => "cursor".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}
