//! The polling fallback: when every webhook is lost, generations still complete, by
//! polling the provider once their webhook is overdue; with webhooks flowing, nothing
//! is polled.

use serde_json::json;

use crate::support::{assert_once_in_order, start_with, until, user};

#[tokio::test]
async fn a_generation_whose_webhooks_are_all_lost_completes_by_polling() {
    let api = start_with(&[
        ("IMAGEGEN_SIM_FAULTS", "drop_webhook=1"),
        ("IMAGEGEN_RECONCILE_AFTER_SECS", "1"),
    ])
    .await;
    let alice = user();
    let mut events = api.watch_user(&alice).await;
    let created = api.create_ok(&alice, json!({ "prompt": "no news" })).await;
    let id = created["id"].as_str().unwrap();
    let seen = until(&mut events, "GenerationCompleted").await;
    assert_once_in_order(&seen, id);
    let stats = api.sim().stats();
    assert!(stats.webhooks_dropped > 0, "{stats:?}");
    assert!(
        stats.webhooks_sent == 0 && stats.gets > 0,
        "completed through polls: {stats:?}"
    );
    // The admin api counts the same calls, the polls as `reconcile`.
    let calls = crate::admin_providers::provider_calls(&api, "simulator").await;
    assert_eq!(calls["create"], stats.creates, "{calls}");
    assert_eq!(calls["reconcile"], stats.gets, "{calls}");
}

#[tokio::test]
async fn with_webhooks_flowing_the_provider_is_not_polled() {
    let api = start_with(&[("IMAGEGEN_RECONCILE_AFTER_SECS", "1")]).await;
    let alice = user();
    let mut events = api.watch_user(&alice).await;
    api.create_ok(&alice, json!({ "prompt": "good news" }))
        .await;
    until(&mut events, "GenerationCompleted").await;
    // Past the overdue time: a completed generation is never polled.
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    assert_eq!(
        api.sim().stats().gets,
        0,
        "zero polling calls on the happy path"
    );
    let calls = crate::admin_providers::provider_calls(&api, "simulator").await;
    assert_eq!(
        calls,
        json!({ "create": 1, "reconcile": 0, "cancel": 0, "event": 0 })
    );
}
