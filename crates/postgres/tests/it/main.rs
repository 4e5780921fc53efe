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

/// The store twice: as the repository (or inbox) and as the queue its jobs reach.
async fn store_and_queue() -> (TestStore, Arc<PgStore>) {
    let store = test_store().await;
    let queue = store.store.clone();
    (store, queue)
}

contract::generation_store_tests!(store_and_queue().await);
contract::queue_admin_tests!(test_store().await);
contract::idempotency_tests!(test_store().await);
contract::presence_tests!(test_store().await);
contract::webhook_health_tests!(test_store().await);
contract::delivery_checks_tests!(test_store().await);
contract::delivery_policies_tests!(test_store().await);
contract::provider_calls_tests!(test_store().await);
contract::job_queue_tests!(test_store().await);
contract::webhook_inbox_tests!(store_and_queue().await);
contract::processed_moves_tests!(store_and_queue().await);
