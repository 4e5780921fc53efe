//! Reading generations: only one's own (or an admin's), in cursor pages.

use std::sync::Arc;

use imagegen_application::EnabledProviders;
use imagegen_application::ports::SystemClock;
use imagegen_application::use_cases::{
    CreateGeneration, CreateGenerationCommand, GetGeneration, ListGenerations,
};
use imagegen_application::{Caller, Error, Role};
use imagegen_domain::ProviderName;
use imagegen_memory::MemoryGenerationStore;

use crate::caller;

async fn created(
    store: &Arc<MemoryGenerationStore>,
    owner: &Caller,
    n: usize,
) -> Vec<imagegen_domain::GenerationId> {
    let create = CreateGeneration::new(
        imagegen_memory::creation_ports(store.clone(), Arc::new(SystemClock)),
        EnabledProviders::only(ProviderName::Simulator),
    );
    let mut ids = Vec::new();
    for i in 0..n {
        let command = CreateGenerationCommand {
            prompt: format!("prompt {i}"),
            ..Default::default()
        };
        ids.push(create.execute(owner, command).await.unwrap().id());
    }
    ids
}

#[tokio::test]
async fn someone_elses_generation_is_not_found() {
    let store = Arc::new(MemoryGenerationStore::default());
    let (alice, mallory) = (caller(), caller());
    let ids = created(&store, &alice, 1).await;
    let get = GetGeneration::new(store);
    assert!(get.execute(&alice, ids[0]).await.is_ok());
    assert!(matches!(
        get.execute(&mallory, ids[0]).await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test]
async fn a_member_of_the_same_organization_may_read_it_and_no_one_else() {
    let store = Arc::new(MemoryGenerationStore::default());
    let alice = caller();
    let colleague = Caller {
        user_id: caller().user_id,
        ..alice
    };
    let outsider = caller();
    let ids = created(&store, &alice, 1).await;
    let get = GetGeneration::new(store);
    assert!(get.execute(&colleague, ids[0]).await.is_ok());
    assert!(matches!(
        get.execute(&outsider, ids[0]).await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test]
async fn an_admin_may_read_any_generation() {
    let store = Arc::new(MemoryGenerationStore::default());
    let ids = created(&store, &caller(), 1).await;
    let admin = Caller {
        role: Role::Admin,
        ..caller()
    };
    assert!(
        GetGeneration::new(store)
            .execute(&admin, ids[0])
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn pages_follow_the_cursor_newest_first() {
    let store = Arc::new(MemoryGenerationStore::default());
    let alice = caller();
    let ids = created(&store, &alice, 3).await;
    let list = ListGenerations::new(store);
    let first = list.execute(&alice, None, 2).await.unwrap();
    assert_eq!(
        first.items.iter().map(|g| g.id()).collect::<Vec<_>>(),
        [ids[2], ids[1]]
    );
    let second = list.execute(&alice, first.next_cursor, 2).await.unwrap();
    assert_eq!(
        second.items.iter().map(|g| g.id()).collect::<Vec<_>>(),
        [ids[0]]
    );
    assert_eq!(second.next_cursor, None);
}

#[tokio::test]
async fn a_page_size_outside_1_to_100_is_invalid() {
    let list = ListGenerations::new(Arc::new(MemoryGenerationStore::default()));
    for limit in [0, 101] {
        assert!(matches!(
            list.execute(&caller(), None, limit).await,
            Err(Error::Invalid(_))
        ));
    }
}
