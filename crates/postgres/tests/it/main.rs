//! The Postgres adapters against a real server (from `imagegen-test-support`): every
//! port contract suite, then what only real transactions can show.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bus;
mod commit_order;
mod concurrency;
mod connect;
mod jobs;
mod outbox;
mod relay;

use std::ops::Deref;
use std::sync::Arc;

use imagegen_port_contracts as contract;
use imagegen_postgres::{PgOptions, PgStore};
use imagegen_test_support::TestDatabase;

/// A migrated store on a database of its own, dropped with it.
pub struct TestStore {
    pub store: Arc<PgStore>,
    pub db: TestDatabase,
}

impl Deref for TestStore {
    type Target = PgStore;
    fn deref(&self) -> &PgStore {
        &self.store
    }
}

pub async fn test_store() -> TestStore {
    let db = imagegen_test_support::postgres().await;
    let store = PgStore::connect(&db.url, PgOptions::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    TestStore {
        store: Arc::new(store),
        db,
    }
}

/// One port of a test store, holding the store's database for as long as it lives.
pub struct Held<T> {
    port: T,
    _store: Arc<TestStore>,
}

impl<T> Deref for Held<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.port
    }
}

impl TestStore {
    /// The port `pick` gives, holding this store's database.
    pub fn held<T>(self: &Arc<Self>, pick: impl FnOnce(&PgStore) -> T) -> Held<T> {
        Held {
            port: pick(&self.store),
            _store: self.clone(),
        }
    }
}

/// One port of a fresh store.
async fn port<T>(pick: impl FnOnce(&PgStore) -> T) -> Held<T> {
    Arc::new(test_store().await).held(pick)
}

/// Two ports of one fresh store: the first, and the one it reaches (its jobs' queue,
/// the inbox it marks).
async fn ports<A, B>(
    first: impl FnOnce(&PgStore) -> A,
    second: impl FnOnce(&PgStore) -> B,
) -> (Held<A>, Held<B>) {
    let store = Arc::new(test_store().await);
    (store.held(first), store.held(second))
}

contract::generation_store_tests!(ports(PgStore::generations, PgStore::job_queue).await);
contract::queue_admin_tests!(port(PgStore::job_queue).await);
contract::idempotency_tests!(port(PgStore::idempotency_keys).await);
contract::presence_tests!(port(PgStore::presence).await);
contract::webhook_health_tests!(port(PgStore::webhook_health).await);
contract::delivery_checks_tests!(port(PgStore::delivery_checks).await);
contract::delivery_policies_tests!(port(PgStore::delivery_policies).await);
contract::provider_calls_tests!(port(PgStore::provider_calls).await);
contract::job_queue_tests!(port(PgStore::job_queue).await);
contract::webhook_inbox_tests!(ports(PgStore::inbox, PgStore::job_queue).await);
contract::processed_moves_tests!(ports(PgStore::generations, PgStore::inbox).await);
