//! Provider misbehaviour from the simulator's fault injection: duplicated, reordered and
//! mis-signed webhooks, failed predictions.

use serde_json::json;

use imagegen_application::ports::QueueName;

use crate::support::{assert_once_in_order, eventually, eventually_async, start_with, until, user};

#[tokio::test]
async fn duplicated_and_reordered_webhooks_still_complete_with_one_event_per_move() {
    let api = start_with(&[(
        "IMAGEGEN_SIM_FAULTS",
        "duplicate_webhook=1,reorder_webhooks=1",
    )])
    .await;
    let alice = user();
    let mut events = api.watch_user(&alice).await;
    let created = api.create_ok(&alice, json!({ "prompt": "chaos" })).await;
    let seen = until(&mut events, "GenerationCompleted").await;

    assert_once_in_order(&seen, created["id"].as_str().unwrap());
    let statuses: Vec<_> = seen
        .iter()
        .map(|m| m.data["payload"]["status"].as_str().unwrap().to_owned())
        .collect();
    let order = ["starting", "processing", "storing", "completed"];
    let ranks: Vec<_> = statuses
        .iter()
        .map(|s| order.iter().position(|o| o == s).unwrap())
        .collect();
    assert!(
        ranks.windows(2).all(|w| w[0] < w[1]),
        "statuses only move forward: {statuses:?}"
    );

    // Both faults fired: two messages, each sent twice, the start one after the end.
    // Once the late start webhook's job has run too, it must have changed nothing.
    eventually_async("every webhook delivered and applied", || async {
        let sim = api.sim().stats();
        let jobs = api.queue_stats(QueueName::GenerationWebhooks).await;
        (sim.webhooks_sent == 4 && jobs.completed == 2 && jobs.waiting + jobs.active == 0)
            .then_some(())
    })
    .await;
    let sim = api.sim().stats();
    assert_eq!((sim.webhooks_duplicated, sim.webhooks_reordered), (2, 1));
    let id = created["id"].as_str().unwrap();
    let generation = api.generation(&alice, id).await;
    assert_eq!(generation["status"], "completed");
    assert_eq!(generation["version"], seen.len() as u64);
    api.stop().await;
}

#[tokio::test]
async fn mis_signed_webhooks_are_refused_and_change_nothing() {
    let api = start_with(&[("IMAGEGEN_SIM_FAULTS", "mis_sign_webhook=1")]).await;
    let alice = user();
    let created = api.create_ok(&alice, json!({ "prompt": "forged" })).await;
    let id = created["id"].as_str().unwrap();
    // The start webhook once, the terminal one with every retry: all refused.
    eventually("every webhook attempt", || {
        api.sim().stats().webhooks_failed >= 5
    })
    .await;
    assert_eq!(api.sim().stats().webhooks_sent, 0);
    let generation = api.generation(&alice, id).await;
    assert_eq!(
        generation["status"], "starting",
        "only the create answer may have moved it"
    );
    api.stop().await;
}

#[tokio::test]
async fn a_failed_prediction_fails_the_generation_with_the_providers_reason() {
    let api = start_with(&[("IMAGEGEN_SIM_FAULTS", "fail_prediction=1")]).await;
    let alice = user();
    let mut events = api.watch_user(&alice).await;
    let created = api.create_ok(&alice, json!({ "prompt": "doomed" })).await;
    let seen = until(&mut events, "GenerationFailed").await;
    let failed = &seen.last().unwrap().data;
    assert_eq!(failed["aggregate_id"], created["id"]);
    assert_eq!(failed["payload"]["error"]["code"], "provider_failed");
    api.stop().await;
}
