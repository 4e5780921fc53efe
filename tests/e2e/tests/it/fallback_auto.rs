//! The automatic fallback: when most webhooks fail (here, refused signatures), new
//! generations go to polling and `system` watchers are told; after the cool-down a
//! share of users probes webhooks again, and their healthy webhooks turn them back on.

use imagegen_domain::{UserId, rollout_bucket};
use serde_json::json;

use crate::admin::admin_token;
use crate::support::{Message, WEBHOOK_SECRET, start_with, until, user};
use crate::webhooks::{post_to, prediction, signed};

/// The next `DeliveryFallback` announcement's mode.
async fn next_mode(system: &mut tokio::sync::mpsc::UnboundedReceiver<Message>) -> String {
    let seen = until(system, "DeliveryFallback").await;
    seen.last().unwrap().data["payload"]["mode"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn failing_webhooks_move_new_generations_to_polling_until_probes_are_healthy() {
    let api = start_with(&[
        ("IMAGEGEN_WEBHOOK_SECRETS", WEBHOOK_SECRET),
        ("IMAGEGEN_FALLBACK_COOL_DOWN_SECS", "1"),
    ])
    .await;
    let watcher = user();
    let query = format!("channel=system&access_token={}", watcher.token);
    let mut system = api.events(&query, None).await;

    for n in 0..10 {
        let mut forged = signed(&format!("msg_forged_{n}"), &prediction("p", "processing"));
        forged.signature = "v1,AAAA".into();
        let generation = uuid::Uuid::now_v7().to_string();
        assert_eq!(
            post_to(&api, "simulator", &generation, &forged)
                .await
                .status(),
            401
        );
    }
    assert_eq!(next_mode(&mut system).await, "polling", "tripped");
    let shown = api.get_json("/admin/delivery", &admin_token()).await;
    assert!(
        ["open", "half_open"].contains(&shown["automatic"]["state"].as_str().unwrap_or("")),
        "{shown}"
    );

    assert_eq!(
        next_mode(&mut system).await,
        "probing",
        "after the cool-down"
    );
    // A user in the probe share gets webhooks again; ten healthy ones close it.
    let prober = std::iter::repeat_with(user)
        .find(|u| rollout_bucket(UserId::from_uuid(u.id)) < 10)
        .unwrap();
    let outsider = std::iter::repeat_with(user)
        .find(|u| rollout_bucket(UserId::from_uuid(u.id)) >= 10)
        .unwrap();
    let polled = api
        .create_ok(&outsider, json!({ "prompt": "outside" }))
        .await;
    assert_eq!(
        polled["delivery_mode"], "polling",
        "outside the probe share"
    );
    let mut events = api.watch_user(&prober).await;
    for n in 0..5 {
        let created = api
            .create_ok(&prober, json!({ "prompt": format!("probe {n}") }))
            .await;
        assert_eq!(created["delivery_mode"], "webhook");
        until(&mut events, "GenerationCompleted").await;
    }
    assert_eq!(next_mode(&mut system).await, "webhook", "healthy again");
    let after = api.create_ok(&outsider, json!({ "prompt": "back" })).await;
    assert_eq!(after["delivery_mode"], "webhook");
}
