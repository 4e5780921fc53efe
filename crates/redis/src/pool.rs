//! Connection settings: a pool for commands, with timeouts so that a Redis outage is a
//! prompt `Unavailable`, never a hang.

use std::time::Duration;

use deadpool_redis::{Config, Pool, PoolConfig, Runtime, Timeouts};

use crate::RedisError;

/// How the adapters connect.
#[derive(Debug, Clone)]
pub struct RedisOptions {
    /// Pooled connections for commands (blocking reads and subscriptions get their own).
    pub max_connections: usize,
    /// How long a caller waits for a pooled connection, or for a new one to connect.
    pub timeout: Duration,
    /// Prefixes every key and channel, so that deployments (and tests) can share one
    /// server.
    pub prefix: String,
}

impl Default for RedisOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            timeout: Duration::from_secs(2),
            prefix: "imagegen:".to_owned(),
        }
    }
}

/// A pool for `url`.
pub(crate) fn pool(url: &str, options: &RedisOptions) -> Result<Pool, RedisError> {
    let mut config = Config::from_url(url);
    config.pool = Some(PoolConfig {
        max_size: options.max_connections.max(1),
        timeouts: Timeouts {
            wait: Some(options.timeout),
            create: Some(options.timeout),
            recycle: Some(options.timeout),
        },
        ..PoolConfig::default()
    });
    Ok(config.create_pool(Some(Runtime::Tokio1))?)
}
