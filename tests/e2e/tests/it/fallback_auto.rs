//! The automatic fallback: when most webhooks fail (here, every webhook dropped, so the
//! reconciler has to poll), new generations go to polling and `system` watchers are
//! told; after the cool-down a share of users probes webhooks again, and their healthy
//! webhooks turn them back on. Junk signatures, which anyone can send, never trip it.

use imagegen_domain::{UserId, rollout_bucket};
use imagegen_simulator::Faults;
use serde_json::json;

use crate::admin::admin_token;
use crate::queues::operator;
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
        ("IMAGEGEN_FALLBACK_COOL_DOWN_SECS", "1"),
        ("IMAGEGEN_SIM_FAULTS", "drop_webhook=1"),
        ("IMAGEGEN_RECONCILE_AFTER_SECS", "1"),
    ])
    .await;
    let watcher = user();
    let query = format!("channel=system&access_token={}", watcher.token);
    let mut system = api.events(&query, None).await;

    let quiet = user();
    for n in 0..10 {
        api.create_ok(&quiet, json!({ "prompt": format!("no webhook {n}") }))
            .await;
    }
    assert_eq!(next_mode(&mut system).await, "polling", "tripped");
    api.sim().set_faults(Faults::default());
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

#[tokio::test]
async fn junk_signatures_from_anyone_never_move_users_to_polling() {
    let api = start_with(&[("IMAGEGEN_WEBHOOK_SECRETS", WEBHOOK_SECRET)]).await;
    for n in 0..40 {
        let mut forged = signed(&format!("msg_junk_{n}"), &prediction("p", "processing"));
        forged.signature = "v1,AAAA".into();
        let status = post_to(&api, "simulator", "x", &forged).await.status();
        assert_eq!(status, 401);
    }
    // What the breaker judges: with the old counting, 40 failures would open it.
    let now = chrono::Utc::now();
    let admin = operator();
    let automatic = api
        .services
        .manage_delivery
        .automatic(&admin)
        .await
        .unwrap();
    let (breaker, tally) = automatic.expect("the automatic fallback runs");
    let rules = imagegen_domain::BreakerRules::default();
    assert_eq!(breaker.next(tally, now, &rules), None, "{tally:?}");
    let shown = api.get_json("/admin/delivery", &admin_token()).await;
    assert_eq!(shown["automatic"]["state"], "closed", "{shown}");
    assert_eq!(shown["health"]["refused"], 40, "counted apart: {shown}");
    assert_eq!(shown["health"]["failed"], 0, "{shown}");
    let created = api
        .create_ok(&user(), json!({ "prompt": "unrelated" }))
        .await;
    assert_eq!(created["delivery_mode"], "webhook");
}
