//! The Lua scripts: every step that touches several keys is one script, so it is
//! atomic. Each script touches one queue: it is given the queue's base key,
//! `<prefix>{<queue>}`, and builds every key it uses from it, so that all of them fall
//! in the hash slot of the `{<queue>}` hash tag and the scripts run on Redis Cluster.

use std::sync::LazyLock;

use redis::Script;

pub(crate) static ENQUEUE: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("lua/enqueue.lua")));
pub(crate) static RESERVE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(concat!(
        include_str!("lua/reserve_fn.lua"),
        include_str!("lua/reserve.lua")
    ))
});
pub(crate) static COMPLETE_BATCH: LazyLock<Script> = LazyLock::new(|| {
    Script::new(concat!(
        include_str!("lua/reserve_fn.lua"),
        include_str!("lua/complete_batch.lua")
    ))
});
pub(crate) static SETTLE: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("lua/settle.lua")));
pub(crate) static STATS: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("lua/stats.lua")));
