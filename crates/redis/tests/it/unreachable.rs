//! The limits' documented behaviour when their Redis cannot be reached: the limiter
//! says `Unavailable` within its timeout, and creation goes on without the rate limit
//! (its outage must not stop the service) while the in-flight cap still holds.

use std::sync::Arc;
use std::time::{Duration, Instant};

use imagegen_application::ports::{Rate, RateLimiter, SystemClock};
use imagegen_application::use_cases::{CreateGeneration, CreateGenerationCommand, CreationLimits};
use imagegen_application::{Caller, EnabledProviders, Error, Role};
use imagegen_domain::{OrganizationId, ProviderName, UserId};
use imagegen_memory::{MemoryGenerationStore, MemoryJobQueue};
use imagegen_redis::{RedisOptions, RedisRateLimiter};

/// A limiter on a port nothing listens on.
fn unreachable_limiter() -> RedisRateLimiter {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let options = RedisOptions {
        timeout: Duration::from_millis(300),
        ..RedisOptions::default()
    };
    RedisRateLimiter::new(&format!("redis://127.0.0.1:{port}"), &options).unwrap()
}

#[tokio::test]
async fn an_unreachable_limiter_is_unavailable_within_its_timeout() {
    let limiter = unreachable_limiter();
    let started = Instant::now();
    let rate = Rate {
        limit: 1,
        window: Duration::from_secs(60),
    };
    let error = limiter.take("create:someone", rate).await.unwrap_err();
    assert!(matches!(error, Error::Unavailable { .. }), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn creates_go_on_without_the_rate_when_its_redis_is_unreachable_and_the_cap_holds() {
    let store = Arc::new(MemoryGenerationStore::new(Arc::new(MemoryJobQueue::new())));
    let mut ports = imagegen_memory::creation_ports(store, Arc::new(SystemClock));
    ports.limits = CreationLimits {
        limiter: Arc::new(unreachable_limiter()),
        // One a minute: counted, the second create would be refused.
        rate: Rate {
            limit: 1,
            window: Duration::from_secs(60),
        },
        max_in_flight: 3,
    };
    let create = CreateGeneration::new(ports, EnabledProviders::only(ProviderName::Simulator));
    let caller = Caller {
        user_id: UserId::from_uuid(uuid::Uuid::new_v4()),
        organization_id: OrganizationId::from_uuid(uuid::Uuid::new_v4()),
        role: Role::User,
    };
    let command = || CreateGenerationCommand {
        prompt: "a lighthouse".into(),
        settings: Default::default(),
        idempotency_key: None,
    };
    for _ in 0..3 {
        create.execute(&caller, command()).await.unwrap();
    }
    let refused = create.execute(&caller, command()).await.unwrap_err();
    assert!(
        matches!(&refused, Error::RateLimited { message, .. } if message.contains("still running")),
        "the in-flight cap holds: {refused:?}"
    );
}
