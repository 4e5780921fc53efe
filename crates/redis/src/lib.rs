//! Redis adapters for imagegen, for the distributed mode.
//!
//! # Layout
//!
//! - [`connect`](RedisOptions): pools with wait and connection timeouts.
//! - `bus`: [`RedisEventBus`], the realtime bus shared by every api instance (pub/sub
//!   on a dedicated connection per subscription, resubscribed after a drop, with a
//!   `Lagged` so that sessions catch up from the event store).
//! - `error`: this crate's error, and how Redis errors become port errors.
#![forbid(unsafe_code)]

mod bus;
mod error;
mod pool;

pub use bus::RedisEventBus;
pub use error::RedisError;
pub use pool::RedisOptions;
