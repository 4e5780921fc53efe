//! The Redis adapters against a real `redis-server` (from `imagegen-test-support`):
//! the event bus contract, and a subscription that survives losing its connection.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bus;

use std::sync::Arc;

use imagegen_port_contracts as contract;
use imagegen_redis::{RedisEventBus, RedisOptions};

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

contract::event_bus_tests!(bus());
