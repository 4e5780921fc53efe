//! `RateLimiter` on Redis: one script per decision, so every api instance shares the
//! same budget per key.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use crate::RedisConnections;
use crate::pool::Pool;
use async_trait::async_trait;
use imagegen_application::Result;
use imagegen_application::ports::{Clock, Decision, Rate, RateLimiter, SystemClock};
use redis::Script;

use crate::error::unavailable;
use crate::{RedisError, RedisOptions};

static RATE: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("lua/rate.lua")));

/// The shared rate limiter.
pub struct RedisRateLimiter {
    pool: Pool,
    prefix: String,
    clock: Arc<dyn Clock>,
}

impl RedisRateLimiter {
    /// A limiter on `url`, its keys under `{prefix}rate:`.
    ///
    /// # Errors
    /// [`RedisError`] when the pool cannot be built.
    pub fn new(url: &str, options: &RedisOptions) -> Result<Self, RedisError> {
        Ok(Self::on(&RedisConnections::new(url, options)?))
    }

    /// A limiter on `connections`, its keys under their prefix.
    pub fn on(connections: &RedisConnections) -> Self {
        Self {
            pool: connections.pool.clone(),
            prefix: format!("{}rate:", connections.options.prefix),
            clock: Arc::new(SystemClock),
        }
    }

    /// Takes times from `clock`.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

#[async_trait]
impl RateLimiter for RedisRateLimiter {
    async fn take(&self, key: &str, rate: Rate) -> Result<Decision> {
        let window_ms = u64::try_from(rate.window.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        let interval_ms = (window_ms / u64::from(rate.limit.max(1))).max(1);
        let mut connection = self.pool.get().await.map_err(unavailable)?;
        let (allowed, retry_ms): (i64, u64) = RATE
            .key(format!("{}{key}", self.prefix))
            .arg(self.clock.now().timestamp_millis())
            .arg(interval_ms)
            .arg(window_ms)
            .invoke_async(&mut connection)
            .await
            .map_err(unavailable)?;
        Ok(match allowed {
            1 => Decision::Allowed,
            _ => Decision::Limited {
                retry_after: Duration::from_millis(retry_ms),
            },
        })
    }
}
