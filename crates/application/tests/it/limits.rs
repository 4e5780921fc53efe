//! Creation limits: a user over the rate or with too many generations running is
//! refused with the time to wait, and nothing is saved.

use std::sync::Arc;
use std::time::Duration;

use imagegen_application::EnabledProviders;
use imagegen_application::Error;
use imagegen_application::ports::{GenerationRepository, Rate, SystemClock};
use imagegen_application::use_cases::{CreateGeneration, CreateGenerationCommand, CreationLimits};
use imagegen_domain::ProviderName;
use imagegen_memory::{MemoryGenerationStore, MemoryRateLimiter};

use crate::caller;

fn create(
    store: &Arc<MemoryGenerationStore>,
    per_minute: u32,
    max_in_flight: u64,
) -> CreateGeneration {
    let mut ports = imagegen_memory::creation_ports(store.clone(), Arc::new(SystemClock));
    ports.limits = CreationLimits {
        limiter: Arc::new(MemoryRateLimiter::new()),
        rate: Rate {
            limit: per_minute,
            window: Duration::from_secs(60),
        },
        max_in_flight,
    };
    CreateGeneration::new(ports, EnabledProviders::only(ProviderName::Simulator))
}

fn command() -> CreateGenerationCommand {
    CreateGenerationCommand {
        prompt: "again".into(),
        ..CreateGenerationCommand::default()
    }
}

#[tokio::test]
async fn a_user_over_the_rate_is_refused_with_the_wait_and_nothing_is_saved() {
    let store = Arc::new(MemoryGenerationStore::default());
    let create = create(&store, 2, 100);
    let (alice, bob) = (caller(), caller());
    for _ in 0..2 {
        create.execute(&alice, command()).await.unwrap();
    }
    let err = create.execute(&alice, command()).await.unwrap_err();
    let Error::RateLimited { retry_after, .. } = err else {
        panic!("expected a rate limit, got {err:?}");
    };
    assert!(retry_after > Duration::ZERO && retry_after <= Duration::from_secs(30));
    assert_eq!(
        store
            .list_for_user(alice.user_id, None, 10)
            .await
            .unwrap()
            .len(),
        2
    );
    create
        .execute(&bob, command())
        .await
        .expect("another user has a budget of their own");
}

#[tokio::test]
async fn a_user_with_too_many_generations_running_is_refused() {
    let store = Arc::new(MemoryGenerationStore::default());
    let create = create(&store, 100, 2);
    let alice = caller();
    for _ in 0..2 {
        create.execute(&alice, command()).await.unwrap();
    }
    let err = create.execute(&alice, command()).await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert_eq!(store.count_in_flight(alice.user_id).await.unwrap(), 2);
}
