//! The Lua scripts: every step that touches several keys is one script, so it is
//! atomic. Keys are built inside the scripts from the prefix (a single Redis server,
//! not a cluster).

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
pub(crate) static COMPLETE_NEXT: LazyLock<Script> = LazyLock::new(|| {
    Script::new(concat!(
        include_str!("lua/reserve_fn.lua"),
        include_str!("lua/complete_next.lua")
    ))
});
pub(crate) static SETTLE: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("lua/settle.lua")));
pub(crate) static STATS: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("lua/stats.lua")));
