//! The Redis adapters against a real `redis-server` (from `imagegen-test-support`):
//! the job queue and event bus contracts, leases on a driven clock, and a
//! subscription that survives losing its connection.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bus;
mod cluster;
mod cluster_change;
mod unreachable;
mod upgrade;

use std::sync::Arc;

use imagegen_application::ports::ManualClock;
use imagegen_port_contracts as contract;
use imagegen_redis::{RedisEventBus, RedisJobQueue, RedisOptions, RedisRateLimiter};

/// A bus on the shared test server, under a prefix of its own.
pub fn bus() -> Arc<RedisEventBus> {
    bus_on(&imagegen_test_support::redis())
}

/// A bus on `redis`.
pub fn bus_on(redis: &imagegen_test_support::TestRedis) -> Arc<RedisEventBus> {
    let redis = redis.clone();
    let options = RedisOptions {
        prefix: redis.prefix,
        ..RedisOptions::default()
    };
    Arc::new(RedisEventBus::new(&redis.url, &options).unwrap())
}

/// A queue on the shared test server, under a prefix of its own.
pub fn queue() -> Arc<RedisJobQueue> {
    let redis = imagegen_test_support::redis();
    let options = RedisOptions {
        prefix: redis.prefix,
        ..RedisOptions::default()
    };
    Arc::new(RedisJobQueue::new(&redis.url, &options).unwrap())
}

contract::event_bus_tests!(bus());
contract::queue_admin_tests!(queue());
contract::job_queue_tests!(queue());
contract::rate_limiter_tests!(limiter());
contract::presence_tests!(presence());

/// A presence registry on the shared test server, under a prefix of its own.
pub fn presence() -> Arc<imagegen_redis::RedisPresence> {
    let redis = imagegen_test_support::redis();
    let options = RedisOptions {
        prefix: redis.prefix,
        ..RedisOptions::default()
    };
    Arc::new(imagegen_redis::RedisPresence::new(&redis.url, &options).unwrap())
}

/// A rate limiter on a driven clock, under a prefix of its own.
pub fn limiter() -> (Arc<RedisRateLimiter>, Arc<ManualClock>) {
    limiter_on(imagegen_test_support::redis())
}

/// A rate limiter on `redis`, on a driven clock.
pub fn limiter_on(
    redis: imagegen_test_support::TestRedis,
) -> (Arc<RedisRateLimiter>, Arc<ManualClock>) {
    let options = RedisOptions {
        prefix: redis.prefix,
        ..RedisOptions::default()
    };
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let limiter = RedisRateLimiter::new(&redis.url, &options)
        .unwrap()
        .with_clock(clock.clone());
    (Arc::new(limiter), clock)
}

/// The contracts again on a cluster-mode server, which refuses any command or script
/// whose keys cross hash slots: every step keeps to its queue's slot.
mod on_a_cluster_node {
    use super::*;

    fn options(redis: imagegen_test_support::TestRedis) -> (String, RedisOptions) {
        let options = RedisOptions {
            prefix: redis.prefix,
            ..RedisOptions::default()
        };
        (redis.url, options)
    }

    pub fn queue() -> Arc<RedisJobQueue> {
        let (url, options) = options(imagegen_test_support::cluster_mode_redis());
        Arc::new(RedisJobQueue::new(&url, &options).unwrap())
    }

    pub fn limiter() -> (Arc<RedisRateLimiter>, Arc<ManualClock>) {
        super::limiter_on(imagegen_test_support::cluster_mode_redis())
    }

    contract::queue_admin_tests!(queue());
    contract::job_queue_tests!(queue());
    contract::rate_limiter_tests!(limiter());

    /// The guard the suites above rely on is on: the node refuses a command, and a
    /// script (ours start with `#!lua`, which makes Redis check), that touch two slots.
    #[tokio::test]
    async fn the_node_refuses_keys_of_two_slots() {
        let redis = imagegen_test_support::cluster_mode_redis();
        let client = redis::Client::open(redis.url).unwrap();
        let mut connection = client.get_multiplexed_async_connection().await.unwrap();
        let command: redis::RedisResult<Vec<Option<String>>> = redis::cmd("MGET")
            .arg("{provider-submissions}:a")
            .arg("{image-processing}:b")
            .query_async(&mut connection)
            .await;
        let error = command.unwrap_err().to_string().to_lowercase();
        assert!(error.contains("crossslot"), "{error}");
        let script = redis::Script::new(
            "#!lua\nredis.call('SET', KEYS[1], 1)\nreturn redis.call('SET', '{b}:y', 1)",
        );
        let refused: redis::RedisResult<String> =
            script.key("{a}:x").invoke_async(&mut connection).await;
        let error = refused.unwrap_err().to_string();
        assert!(error.contains("do not hash to the same slot"), "{error}");
    }
}
