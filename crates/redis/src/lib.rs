//! Redis adapters for imagegen, for the distributed mode.
//!
//! # Layout
//!
//! - [`RedisConnections`]: one command pool (with wait and connection timeouts) and
//!   one target per process, shared by every adapter ([`RedisOptions`]).
//! - `bus`: [`RedisEventBus`], the realtime bus shared by every api instance (pub/sub
//!   on a dedicated connection per subscription, resubscribed after a drop, with a
//!   `Lagged` so that sessions catch up from the event store).
//! - `queue`, `waiting`, `dead` and the Lua scripts in `lua/`: [`RedisJobQueue`],
//!   the job queue (sorted sets, one script per step, blocking waits on a connection
//!   of their own).
//! - `rate_limiter`: [`RedisRateLimiter`], limits shared by every api instance.
//! - `error`: this crate's error, and how Redis errors become port errors.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod admin;
mod bus;
mod connections;
mod dead;
mod error;
mod pool;
mod presence;
mod queue;
mod rate_limiter;
mod scripts;
mod take;
mod target;
mod waiting;

pub use bus::RedisEventBus;
pub use connections::RedisConnections;
pub use error::RedisError;
pub use pool::RedisOptions;
pub use presence::RedisPresence;

pub(crate) use imagegen_application::lock;
pub use queue::RedisJobQueue;
pub use rate_limiter::RedisRateLimiter;
