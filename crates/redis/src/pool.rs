//! Connection settings: a pool for commands, with timeouts so that a Redis outage is a
//! prompt `Unavailable`, never a hang.
//!
//! The pool hands out multiplexed connections and takes them back without a round
//! trip: deadpool-redis's own manager sends `UNWATCH` and `PING` at every checkout,
//! which doubled the round trips of a job's completion. Instead a connection that saw a
//! connection-level error (I/O, timeout, dropped) marks itself broken and is replaced
//! at its next checkout; one that only saw a command error (a script's reply) is kept.

use std::time::Duration;

use deadpool::managed::{self, Metrics, RecycleError, RecycleResult};
use redis::aio::ConnectionLike;
use redis::{Cmd, Pipeline, RedisFuture, RedisResult, Value};

use crate::RedisError;
use crate::target::{Link, Target};

/// How the adapters connect.
#[derive(Debug, Clone)]
pub struct RedisOptions {
    /// Pooled connections for commands (blocking reads and subscriptions get their own).
    pub max_connections: usize,
    /// How long a caller waits for a pooled connection, for a new one to connect, or
    /// for a command's answer.
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

/// Makes the pool's connections; recycles them by their own account of their health.
pub(crate) struct Commands {
    target: Target,
    timeout: Duration,
}

/// A pooled connection that remembers whether its link failed.
pub(crate) struct PooledConnection {
    inner: Link,
    broken: bool,
}

impl PooledConnection {
    fn note<T>(&mut self, result: &RedisResult<T>) {
        if let Err(error) = result {
            self.broken |= error.is_io_error()
                || error.is_timeout()
                || error.is_connection_dropped()
                || error.is_unrecoverable_error();
        }
    }
}

impl managed::Manager for Commands {
    type Type = PooledConnection;
    type Error = redis::RedisError;

    async fn create(&self) -> Result<PooledConnection, redis::RedisError> {
        let inner = self.target.commands(self.timeout).await?;
        Ok(PooledConnection {
            inner,
            broken: false,
        })
    }

    async fn recycle(
        &self,
        connection: &mut PooledConnection,
        _: &Metrics,
    ) -> RecycleResult<redis::RedisError> {
        if connection.broken {
            return Err(RecycleError::message("its connection to Redis failed"));
        }
        Ok(())
    }
}

/// The command pool.
#[derive(Clone)]
pub(crate) struct Pool(managed::Pool<Commands>);

impl Pool {
    /// A connection: an idle one, else a new one, within the pool's timeouts.
    pub(crate) async fn get(&self) -> Result<Connection, managed::PoolError<redis::RedisError>> {
        self.0.get().await.map(Connection)
    }
}

/// A connection taken from the pool; it goes back when dropped.
pub(crate) struct Connection(managed::Object<Commands>);

/// Commands go over the link, and a connection-level failure is noted for recycling.
impl ConnectionLike for Connection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        Box::pin(async move {
            let pooled = &mut *self.0;
            let result = pooled.inner.req_packed_command(cmd).await;
            pooled.note(&result);
            result
        })
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        Box::pin(async move {
            let pooled = &mut *self.0;
            let result = (pooled.inner)
                .req_packed_commands(pipeline, offset, count)
                .await;
            pooled.note(&result);
            result
        })
    }

    fn get_db(&self) -> i64 {
        self.0.inner.get_db()
    }
}

/// A pool for `target`.
pub(crate) fn pool(target: &Target, options: &RedisOptions) -> Result<Pool, RedisError> {
    let manager = Commands {
        target: target.clone(),
        timeout: options.timeout,
    };
    let timeouts = managed::Timeouts {
        wait: Some(options.timeout),
        create: Some(options.timeout),
        recycle: Some(options.timeout),
    };
    let pool = managed::Pool::builder(manager)
        .max_size(options.max_connections.max(1))
        .timeouts(timeouts)
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .map_err(|e| RedisError::Pool(e.to_string()))?;
    Ok(Pool(pool))
}
