//! Every adapter against a three-node Redis Cluster named by its nodes
//! (`redis://a,redis://b,redis://c`): the contracts hold when each step is routed to
//! the node that owns its slot, and the queues really are spread over the nodes.

use std::sync::Arc;

use imagegen_application::ports::{JobQueue, ManualClock, NewJob, QueueName};
use imagegen_port_contracts as contract;
use imagegen_redis::{RedisEventBus, RedisJobQueue, RedisOptions, RedisPresence, RedisRateLimiter};

fn options() -> (String, RedisOptions) {
    let redis = imagegen_test_support::redis_cluster();
    let options = RedisOptions {
        prefix: redis.prefix,
        ..RedisOptions::default()
    };
    (redis.url, options)
}

pub fn queue() -> Arc<RedisJobQueue> {
    let (url, options) = options();
    Arc::new(RedisJobQueue::new(&url, &options).unwrap())
}

pub fn bus() -> Arc<RedisEventBus> {
    let (url, options) = options();
    Arc::new(RedisEventBus::new(&url, &options).unwrap())
}

pub fn presence() -> Arc<RedisPresence> {
    let (url, options) = options();
    Arc::new(RedisPresence::new(&url, &options).unwrap())
}

pub fn limiter() -> (Arc<RedisRateLimiter>, Arc<ManualClock>) {
    crate::limiter_on(imagegen_test_support::redis_cluster())
}

contract::queue_admin_tests!(queue());
contract::job_queue_tests!(queue());
contract::rate_limiter_tests!(limiter());
contract::event_bus_tests!(bus());
contract::presence_tests!(presence());

/// The five queues' hash tags fall on more than one node, so the suites above went
/// through the routing (a client that spoke to one node would be redirected).
#[tokio::test]
async fn the_queues_live_on_several_nodes() {
    let (url, options) = options();
    let queue = RedisJobQueue::new(&url, &options).unwrap();
    for name in QueueName::ALL {
        queue
            .enqueue(NewJob::new(name, serde_json::json!({})))
            .await
            .unwrap();
    }
    let mut nodes_with_keys = 0;
    for node in url.split(',') {
        let client = redis::Client::open(node).unwrap();
        let mut connection = client.get_multiplexed_async_connection().await.unwrap();
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{}*", options.prefix))
            .query_async(&mut connection)
            .await
            .unwrap();
        nodes_with_keys += usize::from(!keys.is_empty());
    }
    assert!(
        nodes_with_keys >= 2,
        "the queues' keys are on {nodes_with_keys} node(s)"
    );
}
