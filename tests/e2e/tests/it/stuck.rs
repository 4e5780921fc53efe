//! Every generation ends: a prediction the provider lost is submitted once more, then
//! the generation ends `provider_lost`; one past the generation timeout is cancelled
//! at the provider and ends `timeout`; an extra prediction (a submission repeated after
//! a crash) is cancelled when its webhooks arrive.

use serde_json::{Value, json};

use crate::support::{WEBHOOK_SECRET, eventually_async, start_with, until, user};

#[tokio::test]
async fn a_lost_prediction_is_submitted_once_more_then_the_generation_ends_provider_lost() {
    let api = start_with(&[
        ("IMAGEGEN_RECONCILE_AFTER_SECS", "1"),
        // Long runs: the predictions are still running when the simulator forgets them.
        ("IMAGEGEN_SIM_RUN_MS", "120000"),
    ])
    .await;
    let alice = user();
    let mut events = api.watch_user(&alice).await;
    let created = api.create_ok(&alice, json!({ "prompt": "lost" })).await;
    let id = created["id"].as_str().unwrap().to_owned();
    until(&mut events, "GenerationStatusChanged").await;

    api.sim().forget_predictions();
    let restarted = until(&mut events, "GenerationStarted").await;
    let again = &restarted.last().unwrap().data["payload"];
    assert_eq!(api.sim().stats().creates, 2, "one new prediction");
    assert_eq!(api.generation(&alice, &id).await["status"], "processing");

    api.sim().forget_predictions();
    let ended = until(&mut events, "GenerationFailed").await;
    let error = &ended.last().unwrap().data["payload"]["error"];
    assert_eq!(error["code"], "provider_lost", "{error}");
    assert_eq!(
        api.sim().stats().creates,
        2,
        "resubmitted once only: {again}"
    );
    let shown = api.generation(&alice, &id).await;
    assert_eq!(shown["status"], "failed");
    assert_eq!(shown["error"]["code"], "provider_lost");
}

#[tokio::test]
async fn a_generation_past_its_timeout_is_cancelled_at_the_provider_and_fails() {
    let api = start_with(&[
        ("IMAGEGEN_RECONCILE_AFTER_SECS", "1"),
        ("IMAGEGEN_GENERATION_TIMEOUT_SECS", "2"),
        ("IMAGEGEN_SIM_RUN_MS", "120000"),
    ])
    .await;
    let alice = user();
    let mut events = api.watch_user(&alice).await;
    api.create_ok(&alice, json!({ "prompt": "slow" })).await;
    let ended = until(&mut events, "GenerationFailed").await;
    let error = &ended.last().unwrap().data["payload"]["error"];
    assert_eq!(error["code"], "timeout", "{error}");
    assert_eq!(api.sim().stats().cancels, 1, "cancelled at the provider");
}

#[tokio::test]
async fn an_extra_prediction_for_a_generation_is_cancelled_when_its_webhook_arrives() {
    // Runs long enough that the extra prediction is still running when cancelled.
    let api = start_with(&[
        ("IMAGEGEN_WEBHOOK_SECRETS", WEBHOOK_SECRET),
        ("IMAGEGEN_SIM_RUN_MS", "3000"),
    ])
    .await;
    let alice = user();
    let mut events = api.watch_user(&alice).await;
    let created = api
        .create_ok(&alice, json!({ "prompt": "one prediction only" }))
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    until(&mut events, "GenerationStarted").await;
    // What a submission repeated after a crash leaves: a second prediction at the
    // provider, reporting to the same generation.
    let extra: Value = api
        .http
        .post(format!("{}/v1/predictions", api.sim().public_url()))
        .bearer_auth("sim")
        .json(&json!({
            "version": "simulator/model", "input": { "prompt": "one prediction only" },
            "webhook": format!("{}/webhooks/simulator/{id}", api.base),
            "webhook_events_filter": ["start", "completed"],
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let extra_id = extra["id"].as_str().unwrap().to_owned();
    eventually_async("the extra prediction cancelled", || async {
        let seen: Value = api
            .http
            .get(format!(
                "{}/v1/predictions/{extra_id}",
                api.sim().public_url()
            ))
            .bearer_auth("sim")
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        (seen["status"] == "canceled").then_some(())
    })
    .await;
    until(&mut events, "GenerationCompleted").await;
    assert_eq!(api.generation(&alice, &id).await["status"], "completed");
}
