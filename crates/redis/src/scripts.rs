//! The Lua scripts: every step that touches several keys is one script, so it is
//! atomic. Each script touches one queue and declares every key of it (`lua/keys.lua`,
//! prepended to each): all of them share the `{<queue>}` hash tag, so they fall in one
//! hash slot, and a Redis Cluster can route the script by them and hold it back while
//! that slot moves between nodes.

use std::sync::LazyLock;

use redis::{Script, ScriptInvocation};

/// A queue's keys after its base key, in the order `lua/keys.lua` reads them.
const QUEUE_KEYS: [&str; 9] = [
    "jobs", "keys", "ready", "delayed", "leased", "dead", "wake", "paused", "counts",
];

macro_rules! queue_script {
    ($($file:literal),+) => {
        LazyLock::new(|| {
            Script::new(concat!(include_str!("lua/keys.lua"), $(include_str!($file)),+))
        })
    };
}

pub(crate) static ENQUEUE: LazyLock<Script> = queue_script!("lua/enqueue.lua");
pub(crate) static RESERVE: LazyLock<Script> =
    queue_script!("lua/reserve_fn.lua", "lua/reserve.lua");
pub(crate) static COMPLETE_BATCH: LazyLock<Script> =
    queue_script!("lua/reserve_fn.lua", "lua/complete_batch.lua");
pub(crate) static SETTLE: LazyLock<Script> = queue_script!("lua/settle.lua");
pub(crate) static STATS: LazyLock<Script> = queue_script!("lua/stats.lua");
pub(crate) static RETRY_DEAD: LazyLock<Script> = queue_script!("lua/retry_dead.lua");

/// `script` for the queue whose base key is `base`, given every key of the queue.
pub(crate) fn on_queue<'a>(script: &'a Script, base: &str) -> ScriptInvocation<'a> {
    let mut invocation = script.prepare_invoke();
    for name in QUEUE_KEYS {
        invocation.key(format!("{base}:{name}"));
    }
    invocation
}
