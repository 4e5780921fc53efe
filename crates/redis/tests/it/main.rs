//! The Redis adapters against a real `redis-server` (from `imagegen-test-support`):
//! the job queue and event bus contracts, leases on a driven clock, and a
//! subscription that survives losing its connection.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bus;

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

/// A rate limiter on a driven clock, under a prefix of its own.
pub fn limiter() -> (Arc<RedisRateLimiter>, Arc<ManualClock>) {
    let redis = imagegen_test_support::redis();
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
