//! Where Redis is: one server (`redis://host:6379`), or a Redis Cluster given by its
//! seed nodes (`redis://a:7000,redis://b:7000,...`: more than one address means a
//! cluster). A cluster connection routes each command and script to the node that owns
//! its keys' slot and follows the cluster's redirects; every step of ours keeps to one
//! slot (each queue's keys share a hash tag), so any step can be routed.

use std::time::Duration;

use redis::aio::{ConnectionLike, MultiplexedConnection};
use redis::cluster::{ClusterClient, ClusterClientBuilder};
use redis::cluster_async::ClusterConnection;
use redis::{AsyncConnectionConfig, Cmd, Pipeline, RedisFuture, RedisResult, Value};

use crate::RedisError;

/// A blocking wait's answer may take this long (its own block time is shorter).
const BLOCKING_RESPONSE: Duration = Duration::from_secs(60);

/// One server or a cluster.
#[derive(Clone)]
pub(crate) enum Target {
    Single(redis::Client),
    Cluster(Box<Cluster>),
}

/// A cluster's clients.
#[derive(Clone)]
pub(crate) struct Cluster {
    /// Commands, answered within the configured timeout.
    commands: ClusterClient,
    /// Blocking waits, whose answers take up to their block time.
    blocking: ClusterClient,
    /// The seed nodes one by one, for subscriptions (a cluster's messages reach
    /// subscribers on every node).
    seeds: Vec<redis::Client>,
}

/// A connection to one server, or to a cluster (routed by key slot).
pub(crate) enum Link {
    Single(MultiplexedConnection),
    Cluster(ClusterConnection),
}

impl Target {
    /// Reads `url`: one address, or several separated by commas (a cluster).
    pub(crate) fn parse(url: &str, timeout: Duration) -> Result<Self, RedisError> {
        let addresses: Vec<&str> = url
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .collect();
        let seeds = addresses
            .iter()
            .map(|address| redis::Client::open(*address).map_err(RedisError::InvalidUrl))
            .collect::<Result<Vec<_>, _>>()?;
        if let [single] = seeds.as_slice() {
            return Ok(Self::Single(single.clone()));
        }
        let cluster = |response: Duration| {
            ClusterClientBuilder::new(addresses.clone())
                // A step refused while its slot moves (TRYAGAIN) or its node restarts
                // is tried again soon: from 10 ms, doubling, at most 1 s apart (the
                // default starts at 1.28 s).
                .min_retry_wait(10)
                .max_retry_wait(1000)
                .connection_timeout(timeout)
                .response_timeout(response)
                .build()
                .map_err(RedisError::InvalidUrl)
        };
        Ok(Self::Cluster(Box::new(Cluster {
            commands: cluster(timeout)?,
            blocking: cluster(BLOCKING_RESPONSE)?,
            seeds,
        })))
    }

    /// A connection for commands, whose answers must come within `timeout`.
    pub(crate) async fn commands(&self, timeout: Duration) -> RedisResult<Link> {
        match self {
            Self::Single(client) => {
                let config = AsyncConnectionConfig::new()
                    .set_connection_timeout(timeout)
                    .set_response_timeout(timeout);
                let connection = client
                    .get_multiplexed_async_connection_with_config(&config)
                    .await?;
                Ok(Link::Single(connection))
            }
            Self::Cluster(cluster) => Ok(Link::Cluster(
                cluster.commands.get_async_connection().await?,
            )),
        }
    }

    /// A connection of its own for blocking waits (never a pooled one).
    pub(crate) async fn blocking(&self) -> RedisResult<Link> {
        match self {
            Self::Single(client) => Ok(Link::Single(
                client.get_multiplexed_async_connection().await?,
            )),
            Self::Cluster(cluster) => Ok(Link::Cluster(
                cluster.blocking.get_async_connection().await?,
            )),
        }
    }

    /// The clients subscriptions may use, in the order to try them.
    pub(crate) fn subscribers(&self) -> Vec<redis::Client> {
        match self {
            Self::Single(client) => vec![client.clone()],
            Self::Cluster(cluster) => cluster.seeds.clone(),
        }
    }
}

impl ConnectionLike for Link {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Self::Single(connection) => connection.req_packed_command(cmd),
            Self::Cluster(connection) => connection.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Self::Single(connection) => connection.req_packed_commands(pipeline, offset, count),
            Self::Cluster(connection) => connection.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Self::Single(connection) => connection.get_db(),
            Self::Cluster(connection) => connection.get_db(),
        }
    }
}
